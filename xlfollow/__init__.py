"""xlfollow: follow up a municipal budget agreement through Excel workbooks."""

from importlib import import_module
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xlfollow.definition.agreement import load_agreement
    from xlfollow.definition.agreementwriter import dump_agreement, write_agreement
    from xlfollow.demo.run import DemoResult, run_demo
    from xlfollow.errors import DefinitionError, LedgerError, Problem, WorkspaceError, XlfollowError
    from xlfollow.figures.summary import Summary
    from xlfollow.ledger.status import RoundStatus
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
    )
    from xlfollow.returns.collect import MergeReport
    from xlfollow.scales import SmileyScale, SmileyStep
    from xlfollow.workspace.folder import IssueResult, Overview, Workspace

# Each public name is imported from its module when first asked for, not with the
# package: a reader process (xlfollow.returns.readers) then imports what reading needs and
# not the whole program, and starts in about half the time.
_HOMES = {
    "Agreement": "xlfollow.model",
    "Centre": "xlfollow.model",
    "Chapter": "xlfollow.model",
    "Definition": "xlfollow.model",
    "DefinitionError": "xlfollow.errors",
    "DemoResult": "xlfollow.demo.run",
    "IssueResult": "xlfollow.workspace.folder",
    "Item": "xlfollow.model",
    "Kind": "xlfollow.model",
    "Language": "xlfollow.model",
    "LedgerError": "xlfollow.errors",
    "MergeReport": "xlfollow.returns.collect",
    "Overview": "xlfollow.workspace.folder",
    "Problem": "xlfollow.errors",
    "Round": "xlfollow.model",
    "RoundStatus": "xlfollow.ledger.status",
    "Settings": "xlfollow.model",
    "SmileyScale": "xlfollow.scales",
    "SmileyStep": "xlfollow.scales",
    "Summary": "xlfollow.figures.summary",
    "Workspace": "xlfollow.workspace.folder",
    "WorkspaceError": "xlfollow.errors",
    "XlfollowError": "xlfollow.errors",
    "dump_agreement": "xlfollow.definition.agreementwriter",
    "load_agreement": "xlfollow.definition.agreement",
    "run_demo": "xlfollow.demo.run",
    "write_agreement": "xlfollow.definition.agreementwriter",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        return version("xlfollow")
    if name not in _HOMES:
        raise AttributeError(f"module 'xlfollow' has no attribute {name!r}")
    value = getattr(import_module(_HOMES[name]), name)
    globals()[name] = value
    return value


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
