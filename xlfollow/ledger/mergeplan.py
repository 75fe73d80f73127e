"""What the three-way merge is given and what it plans: the cells a returned workbook
submits, the ledger's current answers, open conflicts and decisions, and per cell
its outcome with the conflicts to open. Plain records; merge.py holds the rules."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from xlfollow.answers import Answer, Field
from xlfollow.messages import Text

__all__ = [
    "IMPORTED",
    "CellResult",
    "Conflict",
    "Current",
    "Decided",
    "ItemAnswer",
    "LateRound",
    "MergeBasis",
    "MergePlan",
    "OpenConflict",
    "Outcome",
    "SubmittedCell",
]

Key = tuple[str, Field]
"""(item number, field)."""
IMPORTED = "agreement.yaml"
"""The source of a value imported with the agreement (a status note from the report)."""
ItemAnswer = tuple[str, Answer]
"""(item number, answer)."""


class Outcome(StrEnum):
    """What happened to one submitted cell."""

    ACCEPTED = "accepted"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"
    REFUSED = "refused"


class SubmittedCell(NamedTuple):
    """One answer cell as read from a returned workbook.

    `problem` is set when the cell could not be read as an answer (a smiley not
    on the list, text where an amount belongs); such a cell is refused. (A named
    tuple: thousands of them cross from the reader processes, and tuples pickle
    fast.)
    """

    item: str
    field: Field
    value: str
    sheet: str = ""
    cell: str = ""
    problem: Text | None = None


@dataclass(frozen=True)
class Current:
    """The ledger's current value of a cell and where it came from."""

    value: str
    source: str
    receipt: int | None = None
    """The received file that set it; None for values imported with the agreement
    or typed with `xlfollow resolve --value`."""
    recorded_at: str = ""
    """When it was recorded (ISO 8601, UTC); '' where not known."""


@dataclass(frozen=True)
class OpenConflict:
    """A conflict still waiting for a person, as the merge needs to know it."""

    conflict_id: int
    item: str
    answer: Answer
    receipt: int
    """The received file whose answer conflicted."""


@dataclass(frozen=True)
class Decided:
    """An answer from a source that a person has decided on, for it or against it
    (a source that concurred with a side counts as giving it)."""

    source: str
    values: Mapping[Field, str]
    """By field; a conflict recorded before answers were merged whole has one field."""


@dataclass(frozen=True)
class LateRound:
    """The file's round, and the later round issued since: its answers are settled."""

    round: str
    later: str


@dataclass(frozen=True)
class MergeBasis:
    """What a submission is merged against: the values its issue let it answer as
    issued (`base`) and the ledger's current answers, by (item, field), and what else
    the ledger knows of them."""

    base: Mapping[Key, str]
    current: Mapping[Key, Current]
    earlier_receipts: frozenset[int] = frozenset()
    """The files received before from the same issue: this submission supersedes them."""
    open_conflicts: Iterable[OpenConflict] = ()
    locked: Mapping[Key, str] = field(default_factory=dict)
    """The values of answer cells the issue showed locked: a stale copy of one is no
    change; a changed one is refused."""
    source: str = ""
    """The submission's sender as the ledger names it."""
    decided: Mapping[ItemAnswer, Collection[Decided]] = field(default_factory=dict)
    """The answers a person has decided on, by item and answer."""
    late: LateRound | None = None
    """Set when a later round than the submission's has been issued."""
    since: str = ""
    """When the sender's first earlier file of the round was received (ISO 8601, UTC)."""


class CellResult(NamedTuple):
    """The outcome of one submitted cell, with the reason in words. (A named tuple:
    there is one per cell of every file, and tuples are made fast.)"""

    cell: SubmittedCell
    outcome: Outcome
    reason: Text
    base: str = ""
    current: str = ""
    current_source: str = ""


@dataclass(frozen=True)
class Conflict:
    """An answer of the submission that conflicts with the ledger's: kept open."""

    item: str
    answer: Answer
    base: dict[Field, str]
    current: dict[Field, str]
    current_source: str
    incoming: dict[Field, str]
    reason: Text


@dataclass
class MergePlan:
    """What merging one submission changes; the ledger applies it in one transaction."""

    results: list[CellResult] = field(default_factory=list)
    updates: dict[Key, str] = field(default_factory=dict)
    """New current values, set with this submission as their source: the cells of an
    accepted answer whose values change."""
    conflicts: list[Conflict] = field(default_factory=list)
    superseded: list[int] = field(default_factory=list)
    """Open conflicts raised by an earlier file of the same issue, now closed."""
    concurring: dict[ItemAnswer, dict[Field, str] | None] = field(default_factory=dict)
    """The answers this submission spoke to: its answer where it is the same as the
    ledger's from another source (it concurs), None where it is not (a concurrence
    it gave before ends)."""

    def counts(self) -> dict[str, int]:
        """How many cells ended in each outcome."""
        counts = dict.fromkeys(Outcome, 0)
        for result in self.results:
            counts[result.outcome] += 1
        return {outcome.value: count for outcome, count in counts.items()}
