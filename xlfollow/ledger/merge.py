"""The three-way merge of a returned workbook's answers: pure functions, no I/O.

A smiley and its notes are one answer (`layout.Answer`): the milestone smiley
with its status note, the economy smiley with its note and expected deviation.
Each answer of a submission is compared, as a whole, with its value as issued
(the base) and with the ledger's current value:

| submission vs base | ledger now vs base        | outcome                      |
| ------------------ | ------------------------- | ---------------------------- |
| same               | any                       | unchanged                    |
| differs            | same as base              | accepted                     |
| differs            | differs, equal to it      | unchanged (they agree)       |
| differs            | differs, not equal to it  | conflict: nothing overwritten|

A later file from the same issue supersedes the earlier one: where the current
answer came from that issue, the new file's answer replaces it, and a conflict
the earlier file raised is closed as superseded. An answer a person decided
on, for or against, stays decided when its source sends it again; only a new
answer reopens it. Once a later round has been issued, a change to an answer
already given for an earlier round needs a person: it is a conflict. A cell
the issue did not cover is refused if it changes anything, and a refused cell
refuses its whole answer. Every cell gets exactly one outcome.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from xlfollow.answers import Answer, Field
from xlfollow.ledger.mergeplan import (
    IMPORTED,
    CellResult,
    Conflict,
    Current,
    Decided,
    ItemAnswer,
    Key,
    LateRound,
    MergeBasis,
    MergePlan,
    Outcome,
    SubmittedCell,
)
from xlfollow.messages import Text

__all__ = ["merge_cells"]


def merge_cells(cells: Iterable[SubmittedCell], basis: MergeBasis) -> MergePlan:
    """Merge a submission's answers against what the ledger knows of them (`basis`: the
    issue's values as issued, the current answers, decisions, earlier files)."""
    merger = _Merger(
        basis.base,
        basis.current,
        basis.earlier_receipts,
        basis.locked,
        basis.source,
        basis.decided,
        basis.late,
        basis.since,
        MergePlan(),
    )
    submitted = list(cells)
    results: list[CellResult | None] = [None] * len(submitted)
    seen: dict[Key, int] = {}
    answers: dict[tuple[str, Answer], list[int]] = {}
    for index, cell in enumerate(submitted):
        key = (cell.item, cell.field)
        if key in seen:
            # A repeat is refused on its own; it does not spoil the answer it repeats.
            earlier = submitted[seen[key]]
            results[index] = CellResult(cell, Outcome.REFUSED, _twice(cell, earlier))
            continue
        seen[key] = index
        answers.setdefault((cell.item, cell.field.answer), []).append(index)
        if cell.problem is not None:
            results[index] = CellResult(cell, Outcome.REFUSED, cell.problem)
        elif key not in basis.base:
            results[index] = merger.not_issued(cell)
    for (item, name), members in answers.items():
        refused = [i for i in members if (r := results[i]) and r.outcome is Outcome.REFUSED]
        pending = [i for i in members if results[i] is None]
        if refused:
            for index in pending:
                why = _refused_with(submitted[index], submitted[refused[0]])
                results[index] = CellResult(submitted[index], Outcome.REFUSED, why)
        elif pending:
            gathered = [submitted[i] for i in pending]
            for index, result in zip(pending, merger.merge(item, name, gathered), strict=True):
                results[index] = result
    plan = merger.plan
    plan.results = [result for result in results if result is not None]
    assert len(plan.results) == len(submitted)
    plan.superseded = sorted(
        c.conflict_id
        for c in basis.open_conflicts
        if c.receipt in basis.earlier_receipts and (c.item, c.answer) in merger.stated
    )
    return plan


# The reasons most cells get, made once: a merge gives one per cell.
_SHOWN_LOCKED = Text("shown locked here; unchanged")
_AS_EARLIER = Text("as in the earlier file")
_SUPERSEDES = Text("supersedes the earlier file")
_AS_ISSUED = Text("as issued")
_CHANGED = Text("changed from the value issued")


def _twice(cell: SubmittedCell, earlier: SubmittedCell) -> Text:
    return Text(
        "{item} {field} is given twice in this file (also {where})",
        item=cell.item,
        field=cell.field,
        where=f"{earlier.sheet}!{earlier.cell}",
    )


def _refused_with(cell: SubmittedCell, refused: SubmittedCell) -> Text:
    """Why a cell is not taken when another cell of its answer was refused."""
    return Text(
        "{cell}: not taken, as {refused} of the same answer was refused; a smiley is taken "
        "only together with its note (and the economy's with the expected deviation)",
        cell=_where(cell),
        refused=_where(refused),
    )


def _where(cell: SubmittedCell) -> str:
    return f"{cell.sheet}!{cell.cell}" if cell.sheet else f"{cell.item} {cell.field}"


@dataclass
class _Merger:
    """Merges one submission's answers, one at a time, into a plan."""

    base: Mapping[Key, str]
    current: Mapping[Key, Current]
    earlier_receipts: frozenset[int]
    locked: Mapping[Key, str]
    source: str
    decided: Mapping[ItemAnswer, Collection[Decided]]
    late: LateRound | None
    since: str
    plan: MergePlan
    stated: set[tuple[str, Answer]] = field(default_factory=set)
    """The answers the submission said something about (not left as issued)."""

    def not_issued(self, cell: SubmittedCell) -> CellResult:
        """A cell the issue did not let its recipient answer: unchanged, or refused."""
        now = self.current.get((cell.item, cell.field))
        current = now.value if now else ""
        if cell.value == self.locked.get((cell.item, cell.field), current):
            return CellResult(cell, Outcome.UNCHANGED, _SHOWN_LOCKED)
        # Said in words (the sheet and cell are said beside it), never a field's code.
        if cell.field.answer is Answer.MILESTONE:
            why = Text(
                "this workbook was not issued for answering the milestone of item {item}; "
                "the responsible centre answers it",
                item=cell.item,
            )
        else:
            why = Text(
                "this workbook was not issued for answering the economy of item {item}; "
                "the responsible centre answers it",
                item=cell.item,
            )
        return CellResult(
            cell,
            Outcome.REFUSED,
            why,
            current=current,
            current_source=now.source if now else "",
        )

    def merge(self, item: str, kind: Answer, cells: list[SubmittedCell]) -> list[CellResult]:
        """The outcome of each cell of one answer, decided for the answer as a whole.
        (The answer's values are tuples in the cells' order: this runs for every
        answer of every file.)"""
        get = self.current.get
        now = [get((item, cell.field)) or _NOTHING for cell in cells]
        submitted = tuple(cell.value for cell in cells)
        current = tuple(c.value for c in now)
        issued = tuple(self.base[(item, cell.field)] for cell in cells)
        # A cell left as its workbook issued it says nothing, in a correction too: two
        # people of a centre may each fill in their part of one workbook, and the copy
        # a reminder attaches again comes back with only the missing answers.
        stated = [value != base for value, base in zip(submitted, issued, strict=True)]
        mine = [c.receipt is not None and c.receipt in self.earlier_receipts for c in now]
        theirs = [
            not own_cell and self._theirs(c, base)
            for c, own_cell, base in zip(now, mine, issued, strict=True)
        ]
        source = next(
            (c.source for c, other in zip(now, theirs, strict=True) if other and c.source),
            next((c.source for c in now if c.source), ""),
        )
        at = _Answering(item, kind, cells, now, issued, stated, source)
        if not any(stated):
            return self._each(at, _AS_ISSUED, Outcome.UNCHANGED)
        self.stated.add((item, kind))
        # What a source said last decides whether it holds the current answer with its
        # source: a person deciding a conflict on it must see both.
        agrees = submitted == current and source != self.source
        self.plan.concurring[(item, kind)] = _values(cells) if agrees else None
        # The sender's own answer, to correct as it likes: set by its earlier files, and
        # by no one else since (a note finance put under its smiley is not its own).
        if any(mine) and not any(theirs):
            return self._correct(at, submitted, current)
        if self._decided(at):
            reason = Text(
                "{source} sent this answer before, and a person decided on it; it stays decided",
                source=self.source,
            )
            return self._each(at, reason, Outcome.UNCHANGED)
        if all(
            not said or value == was
            for value, was, said in zip(submitted, current, stated, strict=True)
        ):
            # All it states is there already (the rest someone else filled in).
            return self._each(at, Text("agrees with {source}", source=source), Outcome.UNCHANGED)
        if all(
            (value == was or (was == base and not other)) if said else was == base
            for value, was, base, said, other in zip(
                submitted, current, issued, stated, theirs, strict=True
            )
        ):
            # It fills in what nobody has answered (or emptied since), and leaves nothing
            # someone else answered beside it: the answer becomes its answer, whole.
            return self._accept(at, _CHANGED)
        reason = Text(
            "{source} gave another answer since this workbook was issued; kept open, "
            "nothing overwritten",
            source=source,
        )
        return self._conflict(at, reason)

    def _correct(
        self, at: _Answering, submitted: tuple[str, ...], current: tuple[str, ...]
    ) -> list[CellResult]:
        """The sender corrects its own answer: what it states replaces its earlier
        answer; what it leaves as issued stays."""
        proposed = tuple(
            value if said else was
            for value, was, said in zip(submitted, current, at.stated, strict=True)
        )
        if proposed == current:
            return self._each(at, _AS_EARLIER, Outcome.UNCHANGED)
        return self._accept(at, _SUPERSEDES)

    def _theirs(self, now: Current, issued: str) -> bool:
        """True if another source changed a cell since the issue, or set it after the
        sender's first file of the round (finance clearing a note, say)."""
        if now.value != issued:
            return True
        return bool(
            self.since and now.recorded_at > self.since and now.source not in ("", IMPORTED)
        )

    @staticmethod
    def _each(
        at: _Answering, reason: Text, changed: Outcome, same: Outcome = Outcome.UNCHANGED
    ) -> list[CellResult]:
        """Every cell of an answer with the reason: `changed` where its value differs
        from the ledger's, `same` where it does not."""
        return [
            CellResult(
                cell,
                changed if cell.value != was.value else same,
                reason,
                base,
                was.value,
                was.source,
            )
            for cell, was, base in zip(at.cells, at.now, at.issued, strict=True)
        ]

    def _accept(self, at: _Answering, reason: Text) -> list[CellResult]:
        """The answer taken: each cell it states whose value changes becomes current.
        Once a later round is issued, a change to an answer already given (a status
        note imported with the agreement is none) is a conflict instead."""
        if self.late is not None and any(c.value and c.source != IMPORTED for c in at.now):
            return self._conflict(at, self._late_reason())
        results = []
        for result, said in zip(self._each(at, reason, Outcome.ACCEPTED), at.stated, strict=True):
            if said and result.outcome is Outcome.ACCEPTED:
                self.plan.updates[(at.item, result.cell.field)] = result.cell.value
            else:
                result = result._replace(outcome=Outcome.UNCHANGED)
            results.append(result)
        return results

    def _conflict(self, at: _Answering, reason: Text) -> list[CellResult]:
        """The answer kept open for a person, nothing overwritten."""
        fields = [cell.field for cell in at.cells]
        self.plan.conflicts.append(
            Conflict(
                at.item,
                at.kind,
                dict(zip(fields, at.issued, strict=True)),
                {f: c.value for f, c in zip(fields, at.now, strict=True)},
                at.source,
                _values(at.cells),
                reason,
            )
        )
        return self._each(at, reason, Outcome.CONFLICT)

    def _decided(self, at: _Answering) -> bool:
        """True if a person has decided on this very answer from this source. A decision
        recorded for one field (ledger schema 5) covers the answer when its other
        fields are as the ledger has them."""
        for decision in self.decided.get((at.item, at.kind), ()):
            values = decision.values
            if decision.source != self.source or not any(c.field in values for c in at.cells):
                continue
            if all(
                cell.value == values.get(cell.field, was.value)
                for cell, was in zip(at.cells, at.now, strict=True)
            ):
                return True
        return False

    def _late_reason(self) -> Text:
        assert self.late is not None
        return Text(
            "this workbook is for {round}, and {later} has been issued since: a change to "
            "an answer given for {round} needs a person; kept open, nothing overwritten",
            round=self.late.round,
            later=self.late.later,
        )


_NOTHING = Current("", "")


class _Answering(NamedTuple):
    """One answer of a submission as it is merged: its cells, the ledger's and the
    issued values beside them, which cells it states, and the current answer's source."""

    item: str
    kind: Answer
    cells: list[SubmittedCell]
    now: list[Current]
    issued: tuple[str, ...]
    stated: list[bool]
    source: str


def _values(cells: list[SubmittedCell]) -> dict[Field, str]:
    """An answer's values by field."""
    return {cell.field: cell.value for cell in cells}
