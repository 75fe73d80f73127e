"""What a workbook of a round is written from, and what writing it gives: its recipient,
the answers and conflicts it shows, and the cells to record in the ledger."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from xlfollow.answers import Field
from xlfollow.figures.summary import Summary
from xlfollow.ledger.store import ConflictRecord, ReceiptRecord
from xlfollow.model import Contributors, Definition

__all__ = ["IssuedWorkbook", "Recipient", "WorkbookSpec"]


@dataclass(frozen=True)
class Recipient:
    """Who a workbook is for: a centre, or the finance department (the master)."""

    name: str
    """The centre's name; '' for the master."""
    code: str
    file_name: str

    @property
    def is_master(self) -> bool:
        """True for the master workbook."""
        return not self.name


@dataclass(frozen=True)
class WorkbookSpec:
    """Everything one workbook is made from; the same spec gives the same bytes."""

    definition: Definition
    round_index: int
    recipient: Recipient
    issue_id: str
    issued_at: datetime
    answers: Mapping[tuple[str, str, Field], str]
    """Current answers by (round name, item number, field)."""
    contributors: Contributors = Contributors.READ
    password: str = ""
    reply_to: str = ""
    fingerprint: str = ""
    tool_version: str = ""
    conflicts: tuple[ConflictRecord, ...] = ()
    """Open conflicts: coloured in the chapter sheets, listed on the master's own sheet."""
    decided: tuple[ConflictRecord, ...] = ()
    """Conflicts a person decided: listed after the open ones, with who decided them."""
    receipts: tuple[ReceiptRecord, ...] = ()
    master_sheets: bool = False
    """Add the conflict and received-files sheets (the workspace's master.xlsx)."""
    summary: Summary | None = None
    """The round's figures: with master_sheets, the summary sheets come first."""


@dataclass(frozen=True)
class IssuedWorkbook:
    """A written workbook and the value of each editable cell in it, as issued."""

    content: bytes
    cells: tuple[tuple[str, Field, str], ...]
    """(item number, field, value) for every editable cell."""
    items: int
    locked: tuple[tuple[str, Field, str], ...] = ()
    """The same for the answer cells of rows shown locked (items the centre contributes to)."""
    earlier: tuple[tuple[str, str, str, str], ...] = ()
    """(round name, item number, field, value) for every earlier round's answer shown
    locked: a returned copy that changed one is told so, not silently ignored."""
