"""The three-way merge of a returned workbook's cells: pure functions, no I/O.

Each answer cell of a submission is compared with the value it was issued
with (the base) and with the ledger's current value:

| submission vs base | ledger now vs base        | outcome                      |
| ------------------ | ------------------------- | ---------------------------- |
| same               | any                       | unchanged                    |
| differs            | same as base              | accepted                     |
| differs            | differs, equal to it      | unchanged (they agree)       |
| differs            | differs, not equal to it  | conflict: nothing overwritten|

A later file from the same issue supersedes the earlier one: where the current
value came from that issue, the new file's value replaces it, and a conflict
the earlier file raised is closed as superseded. A cell the issue did not
cover is refused if it changes anything. Every cell gets exactly one outcome.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from xlfollow.messages import Text

__all__ = [
    "CellResult",
    "Current",
    "MergePlan",
    "OpenConflict",
    "Outcome",
    "SubmittedCell",
    "merge_cells",
]

Key = tuple[str, str]
"""(item number, field)."""


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
    field: str
    value: str
    sheet: str = ""
    cell: str = ""
    problem: Text | None = None


@dataclass(frozen=True)
class Current:
    """The ledger's current answer for a cell and where it came from."""

    value: str
    source: str
    receipt: int | None = None
    """The received file that set it; None for values imported with the agreement."""


@dataclass(frozen=True)
class OpenConflict:
    """A conflict still waiting for a person, as the merge needs to know it."""

    conflict_id: int
    item: str
    field: str
    receipt: int
    """The received file whose value conflicted."""


class CellResult(NamedTuple):
    """The outcome of one submitted cell, with the reason in words. (A named tuple:
    there is one per cell of every file, and tuples are made fast.)"""

    cell: SubmittedCell
    outcome: Outcome
    reason: Text
    base: str = ""
    current: str = ""
    current_source: str = ""


@dataclass
class MergePlan:
    """What merging one submission changes; the ledger applies it in one transaction."""

    results: list[CellResult] = field(default_factory=list)
    updates: dict[Key, str] = field(default_factory=dict)
    """New current values, set with this submission as their source."""
    conflicts: list[CellResult] = field(default_factory=list)
    superseded: list[int] = field(default_factory=list)
    """Open conflicts raised by an earlier file of the same issue, now closed."""

    def counts(self) -> dict[str, int]:
        """How many cells ended in each outcome."""
        counts = dict.fromkeys(Outcome, 0)
        for result in self.results:
            counts[result.outcome] += 1
        return {outcome.value: count for outcome, count in counts.items()}


def merge_cells(
    cells: Iterable[SubmittedCell],
    base: Mapping[Key, str],
    current: Mapping[Key, Current],
    earlier_receipts: frozenset[int] = frozenset(),
    open_conflicts: Iterable[OpenConflict] = (),
    shown: Mapping[Key, str] | None = None,
) -> MergePlan:
    """Merge a submission's cells against the issue's base and the ledger's current values.

    `earlier_receipts` are the files received before from the same issue: this
    submission supersedes them. `shown` are the values of answer cells the issue
    showed locked: a stale copy of one is no change; a changed one is refused.
    """
    shown = shown or {}
    plan = MergePlan()
    seen: dict[Key, SubmittedCell] = {}
    superseded = {
        conflict.conflict_id: (conflict.item, conflict.field)
        for conflict in open_conflicts
        if conflict.receipt in earlier_receipts
    }
    for cell in cells:
        key = (cell.item, cell.field)
        if cell.problem is not None:
            plan.results.append(CellResult(cell, Outcome.REFUSED, cell.problem))
            continue
        if key in seen:
            reason = Text(
                "{item} {field} is given twice in this file (also {where})",
                item=cell.item,
                field=cell.field,
                where=f"{seen[key].sheet}!{seen[key].cell}",
            )
            plan.results.append(CellResult(cell, Outcome.REFUSED, reason))
            continue
        seen[key] = cell
        plan.results.append(_merge_one(cell, base, shown, current.get(key), earlier_receipts, plan))
    plan.superseded = sorted(cid for cid, key in superseded.items() if key in seen)
    return plan


# The reasons most cells get, made once: a merge gives one per cell.
_SHOWN_LOCKED = Text("shown locked here; unchanged")
_AS_EARLIER = Text("as in the earlier file")
_SUPERSEDES = Text("supersedes the earlier file")
_AS_ISSUED = Text("as issued")
_CHANGED = Text("changed from the value issued")


def _merge_one(
    cell: SubmittedCell,
    base: Mapping[Key, str],
    shown: Mapping[Key, str],
    now: Current | None,
    earlier_receipts: frozenset[int],
    plan: MergePlan,
) -> CellResult:
    key = (cell.item, cell.field)
    current = now.value if now else ""
    source = now.source if now else ""
    if key not in base:
        if cell.value == shown.get(key, current):
            return CellResult(cell, Outcome.UNCHANGED, _SHOWN_LOCKED)
        return CellResult(
            cell,
            Outcome.REFUSED,
            Text(
                "this workbook was not issued for answering {field} of item {item}; "
                "the responsible centre answers it",
                field=cell.field,
                item=cell.item,
            ),
            current=current,
            current_source=source,
        )
    issued = base[key]
    context = {"base": issued, "current": current, "current_source": source}
    if now is not None and now.receipt in earlier_receipts:
        if cell.value == current:
            return CellResult(cell, Outcome.UNCHANGED, _AS_EARLIER, **context)
        plan.updates[key] = cell.value
        return CellResult(cell, Outcome.ACCEPTED, _SUPERSEDES, **context)
    if cell.value == issued:
        return CellResult(cell, Outcome.UNCHANGED, _AS_ISSUED, **context)
    if current == issued:
        plan.updates[key] = cell.value
        return CellResult(cell, Outcome.ACCEPTED, _CHANGED, **context)
    if current == cell.value:
        agrees = Text("agrees with {source}", source=source)
        return CellResult(cell, Outcome.UNCHANGED, agrees, **context)
    result = CellResult(
        cell,
        Outcome.CONFLICT,
        Text(
            "{source} changed it to {value} since it was issued; kept open, nothing overwritten",
            source=source,
            value=repr(current),
        ),
        **context,
    )
    plan.conflicts.append(result)
    return result
