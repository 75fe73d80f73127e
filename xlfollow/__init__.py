"""xlfollow: follow up a municipal budget agreement through Excel workbooks."""

from importlib.metadata import version

from xlfollow.agreement import dump_agreement, load_agreement, write_agreement
from xlfollow.errors import DefinitionError, Problem, WorkspaceError, XlfollowError
from xlfollow.ledger import LedgerError
from xlfollow.model import (
    Agreement,
    Centre,
    Chapter,
    Definition,
    Item,
    Kind,
    Language,
    Round,
    Settings,
    SmileyScale,
    SmileyStep,
)
from xlfollow.workspace import Overview, Workspace

__version__ = version("xlfollow")

__all__ = [
    "Agreement",
    "Centre",
    "Chapter",
    "Definition",
    "DefinitionError",
    "Item",
    "Kind",
    "Language",
    "LedgerError",
    "Overview",
    "Problem",
    "Round",
    "Settings",
    "SmileyScale",
    "SmileyStep",
    "Workspace",
    "WorkspaceError",
    "XlfollowError",
    "__version__",
    "dump_agreement",
    "load_agreement",
    "write_agreement",
]
