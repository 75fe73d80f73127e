"""xlfollow: follow up a municipal budget agreement through Excel workbooks."""

from importlib.metadata import version

from xlfollow.agreement import load_agreement
from xlfollow.agreementwriter import dump_agreement, write_agreement
from xlfollow.collect import MergeReport
from xlfollow.demo import DemoResult, run_demo
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
from xlfollow.status import RoundStatus
from xlfollow.summary import Summary
from xlfollow.workspace import IssueResult, Overview, Workspace

__version__ = version("xlfollow")

__all__ = [
    "Agreement",
    "Centre",
    "Chapter",
    "Definition",
    "DefinitionError",
    "DemoResult",
    "IssueResult",
    "Item",
    "Kind",
    "Language",
    "LedgerError",
    "MergeReport",
    "Overview",
    "Problem",
    "Round",
    "RoundStatus",
    "Settings",
    "SmileyScale",
    "SmileyStep",
    "Summary",
    "Workspace",
    "WorkspaceError",
    "XlfollowError",
    "__version__",
    "dump_agreement",
    "load_agreement",
    "run_demo",
    "write_agreement",
]
