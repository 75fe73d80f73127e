"""The three-way merge's rules and invariants (merge.py is pure: no files, no ledger)."""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlfollow.answers import Answer, Field
from xlfollow.definition.ledgerplace import LedgerPlace
from xlfollow.ledger.merge import merge_cells
from xlfollow.ledger.mergeplan import (
    IMPORTED,
    Current,
    Decided,
    LateRound,
    MergeBasis,
    MergePlan,
    OpenConflict,
    Outcome,
    SubmittedCell,
)
from xlfollow.ledger.records import Verdict
from xlfollow.ledger.store import ConflictRecord, Ledger, ReceiptRecord, Resolution
from xlfollow.messages import Text

Key = tuple[str, Field]


def cell(item: str, value: str, field: Field = Field.MILESTONE) -> SubmittedCell:
    return SubmittedCell(item, field, value, "Ark", "K3")


def test_the_table_of_the_design() -> None:
    base = {
        ("1", Field.MILESTONE): "",
        ("2", Field.MILESTONE): "",
        ("3", Field.MILESTONE): "",
        ("4", Field.MILESTONE): "",
    }
    current = {
        ("2", Field.MILESTONE): Current("", "SOS", 1),
        ("3", Field.MILESTONE): Current("met", "SIK", 2),
        ("4", Field.MILESTONE): Current("met", "SIK", 2),
    }
    plan = merge_cells(
        [cell("1", ""), cell("2", "met"), cell("3", "met"), cell("4", "partly")],
        MergeBasis(base, current),
    )
    assert [r.outcome for r in plan.results] == [
        Outcome.UNCHANGED,  # same as base
        Outcome.ACCEPTED,  # differs; the ledger still has the base
        Outcome.UNCHANGED,  # differs; the ledger changed to the same value
        Outcome.CONFLICT,  # differs; the ledger changed to another value
    ]
    assert [str(r.reason) for r in plan.results] == [
        "as issued",
        "changed from the value issued",
        "agrees with SIK",
        "SIK gave another answer since this workbook was issued; kept open, nothing overwritten",
    ]
    assert plan.updates == {("2", Field.MILESTONE): "met"}
    (conflict,) = plan.conflicts
    assert (conflict.item, conflict.answer) == ("4", Answer.MILESTONE)
    assert (conflict.base, conflict.current, conflict.incoming) == (
        {"milestone": ""},
        {"milestone": "met"},
        {"milestone": "partly"},
    )
    assert conflict.current_source == "SIK"
    assert (
        str(conflict.reason)
        == "SIK gave another answer since this workbook was issued; kept open, nothing overwritten"
    )


def test_refusals() -> None:
    base = {("1", Field.MILESTONE): ""}
    shown = {("2", Field.MILESTONE): "met"}
    current = {("2", Field.MILESTONE): Current("not_met", "SIK", 1)}
    plan = merge_cells(
        [
            SubmittedCell("1", Field.MILESTONE, "lilla", "Ark", "K3", Text("K3: not a smiley")),
            cell("2", "met"),  # shown locked as 'met'; stale, not a change
            cell("2", "partly", Field.ECONOMY),  # not covered at all
            cell("1", "met"),  # the same cell again: twice
            cell("1", "partly"),  # and a third time
        ],
        MergeBasis(base, current, locked=shown),
    )
    assert [r.outcome for r in plan.results] == [
        Outcome.REFUSED,
        Outcome.UNCHANGED,
        Outcome.REFUSED,
        Outcome.REFUSED,
        Outcome.REFUSED,
    ]
    assert str(plan.results[0].reason) == "K3: not a smiley"
    assert str(plan.results[1].reason) == "shown locked here; unchanged"
    assert str(plan.results[2].reason) == (
        "this workbook was not issued for answering the economy of item 2; "
        "the responsible centre answers it"
    )
    assert str(plan.results[3].reason) == "1 milestone is given twice in this file (also Ark!K3)"
    assert str(plan.results[4].reason) == "1 milestone is given twice in this file (also Ark!K3)"
    assert plan.updates == {}


def test_a_correction_that_leaves_a_cell_as_issued_keeps_its_earlier_value() -> None:
    """A second file from the same centre that gives its smiley again and leaves the note
    as the workbook issued it (a copy of the issued workbook, filled in anew) changes
    nothing: the note its earlier file gave stays, and neither cell is taken."""
    current = {
        ("1", Field.MILESTONE): Current("met", "SOS", 7),
        ("1", Field.MILESTONE_NOTE): Current("Som planlagt", "SOS", 7),
    }
    plan = merge_cells(
        [cell("1", "met"), cell("1", "", Field.MILESTONE_NOTE)],
        MergeBasis(
            {("1", Field.MILESTONE): "", ("1", Field.MILESTONE_NOTE): ""},
            current,
            frozenset({7}),
            source="SOS",
        ),
    )
    assert [(r.outcome, str(r.reason)) for r in plan.results] == [
        (Outcome.UNCHANGED, "as in the earlier file"),
        (Outcome.UNCHANGED, "as in the earlier file"),
    ]
    assert plan.updates == {}


def test_a_correction_supersedes_and_closes_its_conflicts() -> None:
    base = {("1", Field.MILESTONE): "", ("2", Field.MILESTONE): "", ("3", Field.MILESTONE): ""}
    current = {
        ("1", Field.MILESTONE): Current("met", "SOS", 7),  # set by the earlier file of this issue
        ("2", Field.MILESTONE): Current("met", "SIK", 3),
        ("3", Field.MILESTONE): Current("partly", "SOS", 7),  # and this one, given again
    }
    conflicts = [
        OpenConflict(11, "2", Answer.MILESTONE, 7),
        OpenConflict(12, "2", Answer.ECONOMY, 7),
    ]
    plan = merge_cells(
        [cell("1", "partly"), cell("2", "met"), cell("3", "partly")],
        MergeBasis(base, current, frozenset({7}), conflicts),
    )
    assert [r.outcome for r in plan.results] == [
        Outcome.ACCEPTED,
        Outcome.UNCHANGED,
        Outcome.UNCHANGED,
    ]
    assert [str(r.reason) for r in plan.results] == [
        "supersedes the earlier file",
        "agrees with SIK",
        "as in the earlier file",
    ]
    assert plan.updates == {("1", Field.MILESTONE): "partly"}
    assert plan.superseded == [11]  # the file no longer disagrees on 2's milestone


ITEMS = [str(n) for n in range(1, 7)]
FIELDS = [Field.MILESTONE, Field.ECONOMY]
VALUES = ["", "met", "partly", "not_met"]


def apply(
    ledger: dict[Key, Current],
    issues: dict[str, dict[Key, str]],
    receipts: dict[str, set[int]],
    issue: str,
    cells: list[SubmittedCell],
    receipt: int,
) -> list[Outcome]:
    """Merge one submission into a ledger held as a dict, as the ledger would record it."""
    plan = merge_cells(cells, MergeBasis(issues[issue], ledger, frozenset(receipts[issue])))
    for key, value in plan.updates.items():
        ledger[key] = Current(value, issue, receipt)
    receipts[issue].add(receipt)
    return [r.outcome for r in plan.results]


@st.composite
def disjoint_submissions(draw: st.DrawFn) -> dict[str, list[SubmittedCell]]:
    """Submissions of different issues that touch different cells: none can conflict."""
    keys = [(item, field) for item in ITEMS for field in FIELDS]
    owners = draw(
        st.lists(st.sampled_from(["A", "B", "C"]), min_size=len(keys), max_size=len(keys))
    )
    submissions: dict[str, list[SubmittedCell]] = {"A": [], "B": [], "C": []}
    for (item, field), owner in zip(keys, owners, strict=True):
        value = draw(st.sampled_from(VALUES))
        submissions[owner].append(SubmittedCell(item, field, value))
    return submissions


@settings(max_examples=200)
@given(disjoint_submissions())
def test_merging_non_conflicting_files_in_any_order_gives_the_same_ledger(
    submissions: dict[str, list[SubmittedCell]],
) -> None:
    issues = {name: {(c.item, c.field): "" for c in cells} for name, cells in submissions.items()}
    results = []
    for order in itertools.permutations(submissions):
        ledger: dict[Key, Current] = {}
        receipts: dict[str, set[int]] = {name: set() for name in submissions}
        for number, name in enumerate(order):
            outcomes = apply(ledger, issues, receipts, name, submissions[name], number)
            assert Outcome.CONFLICT not in outcomes
        results.append({key: current.value for key, current in ledger.items()})
    assert all(result == results[0] for result in results)


keys = st.tuples(st.sampled_from(ITEMS), st.sampled_from(FIELDS))
bases = st.dictionaries(keys, st.sampled_from(VALUES))
currents = st.dictionaries(
    keys, st.builds(Current, st.sampled_from(VALUES), st.just("X"), st.just(1))
)
submissions = st.lists(
    st.builds(
        SubmittedCell, st.sampled_from(ITEMS), st.sampled_from(FIELDS), st.sampled_from(VALUES)
    ),
    max_size=20,
)


@settings(max_examples=300)
@given(bases, currents, submissions)
def test_every_submitted_cell_ends_in_exactly_one_outcome(
    base: dict[Key, str], current: dict[Key, Current], cells: list[SubmittedCell]
) -> None:
    plan = merge_cells(cells, MergeBasis(base, current))
    assert [r.cell for r in plan.results] == cells
    counts = plan.counts()
    assert sum(counts.values()) == len(cells)
    accepted = {(r.cell.item, r.cell.field) for r in plan.results if r.outcome is Outcome.ACCEPTED}
    assert set(plan.updates) == accepted
    assert len(plan.conflicts) == counts["conflict"]
    for result in plan.results:
        if result.outcome is Outcome.CONFLICT:
            key = (result.cell.item, result.cell.field)
            # nothing is overwritten on a conflict
            assert key not in plan.updates


@settings(max_examples=300)
@given(bases, currents, submissions)
def test_merging_a_file_twice_changes_nothing(
    base: dict[Key, str], current: dict[Key, Current], cells: list[SubmittedCell]
) -> None:
    ledger = dict(current)
    issues = {"A": base}
    receipts: dict[str, set[int]] = {"A": set()}
    apply(ledger, issues, receipts, "A", cells, 100)
    after_first = dict(ledger)
    outcomes = apply(ledger, issues, receipts, "A", cells, 101)
    assert ledger == after_first
    assert Outcome.ACCEPTED not in outcomes


# Answers: a smiley and its note, merged, in conflict and decided as one.


def answer(item: str, smiley: str, note: str) -> list[SubmittedCell]:
    return [cell(item, smiley), cell(item, note, Field.MILESTONE_NOTE)]


BLANK = {("1", Field.MILESTONE): "", ("1", Field.MILESTONE_NOTE): ""}


def test_an_answer_left_as_issued_in_a_correction_takes_nothing_back() -> None:
    # A reminder attaches the workbook as issued; the centre fills in the one answer
    # it owed and sends it: the answers it gave in its first file stay.
    current = {
        ("1", Field.MILESTONE): Current("met", "SOS", 7),
        ("1", Field.MILESTONE_NOTE): Current("Godt", "SOS", 7),
    }
    base = {**BLANK, ("2", Field.MILESTONE): "", ("2", Field.MILESTONE_NOTE): ""}
    plan = merge_cells(
        [*answer("1", "", ""), *answer("2", "partly", "Forsinket")],
        MergeBasis(base, current, frozenset({7}), source="SOS"),
    )
    assert [r.outcome for r in plan.results] == [Outcome.UNCHANGED] * 2 + [Outcome.ACCEPTED] * 2
    assert plan.updates == {
        ("2", Field.MILESTONE): "partly",
        ("2", Field.MILESTONE_NOTE): "Forsinket",
    }
    # A correction of the smiley alone: the note given before, left as issued here, stays.
    plan = merge_cells(
        answer("1", "partly", ""), MergeBasis(base, current, frozenset({7}), source="SOS")
    )
    assert plan.updates == {("1", Field.MILESTONE): "partly"}


def test_a_note_from_one_source_and_a_smiley_from_another_are_not_mixed() -> None:
    # SOS gave a note only; SIK then gives the smiley with the same note: its answer,
    # whole, agrees with what is there and fills the rest: taken.
    current = {("1", Field.MILESTONE_NOTE): Current("x", "SOS", 1)}
    plan = merge_cells(answer("1", "met", "x"), MergeBasis(BLANK, current, source="SIK"))
    assert plan.conflicts == [] and plan.updates == {("1", Field.MILESTONE): "met"}
    # But a note alone under another centre's smiley would read as that centre's: a
    # conflict, not "met" with "only partly reached" beneath it.
    current = {("1", Field.MILESTONE): Current("met", "SIK", 1)}
    plan = merge_cells(
        answer("1", "", "Kun delvist nået"), MergeBasis(BLANK, current, source="SOS")
    )
    assert plan.updates == {} and len(plan.conflicts) == 1


def test_a_smiley_and_its_note_are_taken_together() -> None:
    plan = merge_cells(
        answer("1", "partly", "Kun delvist nået"), MergeBasis(BLANK, {}, source="SIK")
    )
    assert [r.outcome for r in plan.results] == [Outcome.ACCEPTED, Outcome.ACCEPTED]
    assert plan.updates == {
        ("1", Field.MILESTONE): "partly",
        ("1", Field.MILESTONE_NOTE): "Kun delvist nået",
    }


def test_a_note_under_another_smiley_is_no_agreement_but_one_conflict() -> None:
    # The responsible centre said "met" with no note; a contributor says "partly" with a
    # note. Taking the note alone would put "only partly reached" under "met".
    current = {("1", Field.MILESTONE): Current("met", "SOS", 1)}
    plan = merge_cells(
        answer("1", "partly", "Kun delvist nået"), MergeBasis(BLANK, current, source="SIK")
    )
    assert [r.outcome for r in plan.results] == [Outcome.CONFLICT, Outcome.CONFLICT]
    assert plan.updates == {}
    (conflict,) = plan.conflicts
    assert conflict.answer is Answer.MILESTONE
    assert conflict.current == {"milestone": "met", "milestone_note": ""}
    assert conflict.incoming == {"milestone": "partly", "milestone_note": "Kun delvist nået"}
    # The reverse: a note and a smiley both differing give one conflict, not two.
    current = {
        ("1", Field.MILESTONE): Current("partly", "SIK", 2),
        ("1", Field.MILESTONE_NOTE): Current("Kun delvist nået", "SIK", 2),
    }
    plan = merge_cells(answer("1", "met", ""), MergeBasis(BLANK, current, source="SOS"))
    assert len(plan.conflicts) == 1 and plan.updates == {}
    # The same smiley with another note is a conflict too; only the note's cell differs.
    plan = merge_cells(answer("1", "partly", "Andet"), MergeBasis(BLANK, current, source="SOS"))
    assert [r.outcome for r in plan.results] == [Outcome.UNCHANGED, Outcome.CONFLICT]
    assert len(plan.conflicts) == 1


def test_a_refused_smiley_refuses_its_note_and_spares_the_other_answer() -> None:
    base = {**BLANK, ("1", Field.ECONOMY): ""}
    cells = [
        SubmittedCell("1", Field.MILESTONE, "lilla", "Ark", "K3", Text("K3: not a smiley")),
        SubmittedCell("1", Field.MILESTONE_NOTE, "Forsinket", "Ark", "L3"),
        SubmittedCell("1", Field.ECONOMY, "kept", "Ark", "Q3"),
    ]
    plan = merge_cells(cells, MergeBasis(base, {}))
    assert [r.outcome for r in plan.results] == [
        Outcome.REFUSED,
        Outcome.REFUSED,
        Outcome.ACCEPTED,
    ]
    assert str(plan.results[1].reason) == (
        "Ark!L3: not taken, as Ark!K3 of the same answer was refused; a smiley is taken "
        "only together with its note (and the economy's with the expected deviation)"
    )
    assert plan.updates == {("1", Field.ECONOMY): "kept"}


def test_cells_from_no_sheet_are_named_by_item_and_field() -> None:
    """merge_cells takes cells from anywhere: one without a sheet (from a program, not a
    workbook) is named by its item and field where a cell would be named."""
    cells = [
        SubmittedCell("1", Field.MILESTONE, "lilla", "", "", Text("not a smiley")),
        SubmittedCell("1", Field.MILESTONE_NOTE, "Forsinket", "", ""),
    ]
    plan = merge_cells(cells, MergeBasis(BLANK, {}))
    assert str(plan.results[1].reason) == (
        "1 milestone_note: not taken, as 1 milestone of the same answer was refused; a smiley "
        "is taken only together with its note (and the economy's with the expected deviation)"
    )


T0, T1 = "2018-04-01T09:00:00", "2018-04-02T09:00:00"


@pytest.mark.parametrize(
    ("since", "now", "outcome"),
    [
        # Finance put the cell back as issued after the sender's first file: a change
        # to it now is a conflict with finance, not taken.
        ("T0", Current("", "Økonomi", 9, T1), Outcome.CONFLICT),
        # No earlier file from the sender: a cell as issued is no one's answer.
        ("", Current("", "Økonomi", 9, T1), Outcome.ACCEPTED),
        # Set before the sender's first file, or at the same moment: not since.
        ("T1", Current("", "Økonomi", 9, T0), Outcome.ACCEPTED),
        ("T1", Current("", "Økonomi", 9, T1), Outcome.ACCEPTED),
        # Set by no source, or imported with the agreement: no one's answer.
        ("T0", Current("", "", None, T1), Outcome.ACCEPTED),
        ("T0", Current("", IMPORTED, None, T1), Outcome.ACCEPTED),
    ],
    ids=["finance-after", "no-earlier-file", "before", "same-moment", "no-source", "imported"],
)
def test_a_cell_set_back_as_issued_by_another_source_after_the_first_file_is_theirs(
    since: str, now: Current, outcome: Outcome
) -> None:
    """The sender's correction meets a cell that holds its issued value: it is another
    source's answer (a conflict) only if that source set it after the sender's first
    file of the round."""
    plan = merge_cells(
        [cell("1", "partly")],
        MergeBasis(
            {("1", Field.MILESTONE): ""},
            {("1", Field.MILESTONE): now},
            frozenset({7}),
            source="SOS",
            since={"T0": T0, "T1": T1, "": ""}[since],
        ),
    )
    assert [r.outcome for r in plan.results] == [outcome]
    taken = {("1", Field.MILESTONE): "partly"}
    assert plan.updates == (taken if outcome is Outcome.ACCEPTED else {})


def test_a_decided_answer_stays_decided_when_its_source_sends_it_again() -> None:
    current = {("1", Field.MILESTONE): Current("met", "SOS", 1)}
    decided = {
        ("1", Answer.MILESTONE): [
            Decided("SIK", {Field.MILESTONE: "partly", Field.MILESTONE_NOTE: "x"})
        ]
    }
    again = merge_cells(
        answer("1", "partly", "x"),
        MergeBasis(BLANK, current, frozenset({9}), source="SIK", decided=decided),
    )
    assert [r.outcome for r in again.results] == [Outcome.UNCHANGED, Outcome.UNCHANGED]
    assert again.conflicts == [] and again.updates == {}
    assert str(again.results[0].reason) == (
        "SIK sent this answer before, and a person decided on it; it stays decided"
    )
    # Only a new answer reopens it; the same answer from another source is new too.
    new = merge_cells(
        answer("1", "partly", "y"), MergeBasis(BLANK, current, source="SIK", decided=decided)
    )
    other = merge_cells(
        answer("1", "partly", "x"), MergeBasis(BLANK, current, source="BUV", decided=decided)
    )
    assert len(new.conflicts) == 1 and len(other.conflicts) == 1


def test_a_note_imported_with_the_agreement_is_no_answer_given() -> None:
    # Round 1's status notes come from the report; a smiley given late is taken.
    late = LateRound("1. budgetopfølgning 2018", "2. budgetopfølgning 2018")
    base = {("1", Field.MILESTONE): "", ("1", Field.MILESTONE_NOTE): "Fra rapporten"}
    current = {("1", Field.MILESTONE_NOTE): Current("Fra rapporten", IMPORTED)}
    plan = merge_cells(
        answer("1", "met", "Fra rapporten"), MergeBasis(base, current, source="SOS", late=late)
    )
    assert plan.conflicts == [] and plan.updates == {("1", Field.MILESTONE): "met"}


def test_a_late_change_to_an_earlier_round_is_a_conflict_and_a_late_answer_is_taken() -> None:
    late = LateRound("1. budgetopfølgning 2018", "2. budgetopfølgning 2018")
    base = {**BLANK, ("2", Field.MILESTONE): "", ("2", Field.MILESTONE_NOTE): ""}
    # Item 1 was answered (by this very centre's earlier file); item 2 was not.
    current = {("1", Field.MILESTONE): Current("met", "SOS", 4)}
    plan = merge_cells(
        [*answer("1", "not_met", "Alligevel ikke"), *answer("2", "met", "")],
        MergeBasis(base, current, frozenset({4}), source="SOS", late=late),
    )
    assert [r.outcome for r in plan.results] == [
        Outcome.CONFLICT,
        Outcome.CONFLICT,
        Outcome.ACCEPTED,
        Outcome.UNCHANGED,
    ]
    assert plan.updates == {("2", Field.MILESTONE): "met"}
    (conflict,) = plan.conflicts
    assert str(conflict.reason) == (
        "this workbook is for 1. budgetopfølgning 2018, and 2. budgetopfølgning 2018 has been "
        "issued since: a change to an answer given for 1. budgetopfølgning 2018 needs a person; "
        "kept open, nothing overwritten"
    )


# The ledger's side: files and decisions in any order.

R = "1. budgetopfølgning 2018"
SOURCES = ["A", "B", "C"]
SMILEYS = ["", "met", "partly", "not_met"]
NOTES = ["", "x", "y"]
GROUP_FIELDS = (Field.MILESTONE, Field.MILESTONE_NOTE)


class Book:
    """A real ledger (a file in a temporary folder, or a PostgreSQL schema: conftest's
    new_place), merged into and decided on as collect and resolve do it; each source
    has one issue, issued blank."""

    def __init__(
        self, folder: Path, items: list[str], new_place: Callable[[Path], LedgerPlace]
    ) -> None:
        place = new_place(folder)
        self.ledger = Ledger(place)
        if place.is_sqlite:  # a test: no need to survive a crash
            self.ledger.db.execute("PRAGMA synchronous = OFF")
        self.base = {(item, f): "" for item in items for f in GROUP_FIELDS}
        self.receipts: dict[str, set[int]] = {source: set() for source in SOURCES}

    def merge(self, source: str, cells: list[SubmittedCell]) -> MergePlan:
        plan = merge_cells(
            cells,
            MergeBasis(
                self.base,
                self.ledger.current(R),
                frozenset(self.receipts[source]),
                self.ledger.open_conflicts(R),
                source=source,
                decided=self.ledger.decided(R),
            ),
        )
        receipt = ReceiptRecord(None, source, "", "", source, source, R, Verdict.ACCEPTED, "", "{}")
        self.receipts[source].add(self.ledger.record_merge(receipt, R, source, plan))
        return plan

    def decide(self, priority: list[str]) -> None:
        """Decide every open conflict for the source first in `priority` among the
        answers in it: keep the current one, or take that source's."""
        grouped: dict[tuple[str, str], list[ConflictRecord]] = {}
        for conflict in self.ledger.conflicts(R):
            grouped.setdefault((conflict.item, conflict.answer), []).append(conflict)
        for conflicts in grouped.values():
            keep = conflicts[-1].current_sources
            best = min([*keep, *(c.incoming_source for c in conflicts)], key=priority.index)
            if best in keep:
                self.ledger.resolve(Resolution.keep(conflicts, "kept"))
            else:
                chosen = [c for c in conflicts if c.incoming_source == best][-1]
                self.ledger.resolve(Resolution.take(conflicts, chosen, "took"))

    def values(self) -> dict[Key, str]:
        return {key: c.value for key, c in self.ledger.current(R).items() if c.value}


@st.composite
def rounds_of_answers(draw: st.DrawFn) -> tuple[dict[str, list[SubmittedCell]], list[str]]:
    """What each of three sources answers for up to three items (a smiley and a note,
    often the same as another source's), and the order in which a person prefers them."""
    items = ["1", "2", "3"][: draw(st.integers(1, 3))]
    files: dict[str, list[SubmittedCell]] = {}
    for source in SOURCES:
        cells = []
        for item in items:
            # A whole answer (a smiley and a note), or the answer left as issued: a
            # source that states only part of an answer fills in what nobody answered,
            # or conflicts (the unit tests above, and the property below, cover it).
            if draw(st.booleans()):
                smiley, note = draw(st.sampled_from(SMILEYS[1:])), draw(st.sampled_from(NOTES[1:]))
            else:
                smiley, note = "", ""
            cells += answer(item, smiley, note)
        files[source] = cells
    return files, draw(st.permutations(SOURCES))


def expected(files: dict[str, list[SubmittedCell]], priority: list[str]) -> dict[Key, str]:
    """Worked out without the merge: per item, the answer of the most preferred source
    that changed anything."""
    found: dict[Key, str] = {}
    for item in {c.item for cells in files.values() for c in cells}:
        for source in priority:
            given = {c.field: c.value for c in files[source] if c.item == item}
            if any(given.values()):
                found.update({(item, f): v for f, v in given.items() if v})
                break
    return found


@settings(max_examples=60)
@given(rounds_of_answers(), st.booleans())
def test_files_and_decisions_in_any_order_give_one_ledger(
    new_place: Callable[[Path], LedgerPlace],
    case: tuple[dict[str, list[SubmittedCell]], list[str]],
    decide_each_time: bool,
) -> None:
    files, priority = case
    want = expected(files, priority)
    for order in itertools.permutations(SOURCES):
        with tempfile.TemporaryDirectory() as folder:
            book = Book(Path(folder), ["1", "2", "3"], new_place)
            for source in order:
                book.merge(source, files[source])
                if decide_each_time:
                    book.decide(priority)
            book.decide(priority)
            assert book.ledger.conflicts(R) == []
            assert book.values() == want, order
            book.ledger.close()


@settings(max_examples=60)
@given(rounds_of_answers(), st.permutations(SOURCES))
def test_a_decision_is_never_undone_by_a_repeated_answer(
    new_place: Callable[[Path], LedgerPlace],
    case: tuple[dict[str, list[SubmittedCell]], list[str]],
    order: list[str],
) -> None:
    files, priority = case
    with tempfile.TemporaryDirectory() as folder:
        book = Book(Path(folder), ["1", "2", "3"], new_place)
        for source in order:
            book.merge(source, files[source])
            book.decide(priority)
        decided = book.values()
        for source in order:  # each centre sends its file again, a correction repeating it
            plan = book.merge(source, files[source])
            assert book.values() == decided
            assert plan.conflicts == []  # and nobody is asked again
        book.ledger.close()


def test_a_correction_does_not_replace_what_another_source_put_in_its_answer() -> None:
    # SIK answered met; finance typed a note under it in the master; SIK corrects its
    # own copy, whose note cell is empty as SIK sent it: that is a conflict, not a
    # correction that silently empties finance's note.
    current = {
        ("1", Field.MILESTONE): Current("met", "SIK", 5),
        ("1", Field.MILESTONE_NOTE): Current("Se sag 17/123", "master", 6),
    }
    plan = merge_cells(
        answer("1", "partly", ""), MergeBasis(BLANK, current, frozenset({5}), source="SIK")
    )
    assert plan.updates == {}
    (conflict,) = plan.conflicts
    assert conflict.current == {Field.MILESTONE: "met", Field.MILESTONE_NOTE: "Se sag 17/123"}


def test_a_decision_on_one_field_covers_only_an_answer_otherwise_as_the_ledger_has_it() -> None:
    # A decision recorded before answers were merged whole (schema 5) was about the note.
    decided = {("1", Answer.MILESTONE): [Decided("SOS", {Field.MILESTONE_NOTE: "Skidt"})]}
    current = {
        ("1", Field.MILESTONE): Current("met", "SIK", 1),
        ("1", Field.MILESTONE_NOTE): Current("Godt", "SIK", 1),
    }
    same = merge_cells(
        answer("1", "met", "Skidt"), MergeBasis(BLANK, current, source="SOS", decided=decided)
    )
    assert same.conflicts == []
    changed = merge_cells(
        answer("1", "not_met", "Skidt"), MergeBasis(BLANK, current, source="SOS", decided=decided)
    )
    assert len(changed.conflicts) == 1


ANSWER_FIELDS = [Field.MILESTONE, Field.MILESTONE_NOTE, Field.ECONOMY, Field.ECONOMY_NOTE]
answer_keys = st.tuples(st.sampled_from(ITEMS[:3]), st.sampled_from(ANSWER_FIELDS))


@settings(max_examples=500)
@given(
    st.dictionaries(answer_keys, st.sampled_from(VALUES)),
    st.dictionaries(
        answer_keys,
        st.builds(
            Current,
            st.sampled_from(VALUES),
            st.sampled_from(["A", "B", "master"]),
            st.sampled_from([1, 2, 3, None]),
        ),
    ),
    st.lists(
        st.builds(
            SubmittedCell,
            st.sampled_from(ITEMS[:3]),
            st.sampled_from(ANSWER_FIELDS),
            st.sampled_from(VALUES),
        ),
        max_size=12,
    ),
    st.frozensets(st.sampled_from([1, 2, 3])),
)
def test_a_merge_never_overwrites_another_sources_change_unasked(
    base: dict[Key, str],
    current: dict[Key, Current],
    cells: list[SubmittedCell],
    earlier: frozenset[int],
) -> None:
    """Whatever the ledger holds: a value changed since the issue is replaced only where
    this issue's earlier file set it; everything else takes a person."""
    plan = merge_cells(cells, MergeBasis(base, current, earlier, source="A"))
    for key in plan.updates:
        now = current.get(key)
        if now is not None and now.value != base.get(key, ""):
            assert now.receipt in earlier, (key, now)
