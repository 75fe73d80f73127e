"""The three-way merge's rules and invariants (merge.py is pure: no files, no ledger)."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from xlfollow.merge import Current, OpenConflict, Outcome, SubmittedCell, merge_cells
from xlfollow.messages import Text

Key = tuple[str, str]


def cell(item: str, value: str, field: str = "milestone") -> SubmittedCell:
    return SubmittedCell(item, field, value, "Ark", "K3")


def test_the_table_of_the_design() -> None:
    base = {
        ("1", "milestone"): "",
        ("2", "milestone"): "",
        ("3", "milestone"): "",
        ("4", "milestone"): "",
    }
    current = {
        ("2", "milestone"): Current("", "SOS", 1),
        ("3", "milestone"): Current("met", "SIK", 2),
        ("4", "milestone"): Current("met", "SIK", 2),
    }
    plan = merge_cells(
        [cell("1", ""), cell("2", "met"), cell("3", "met"), cell("4", "partly")], base, current
    )
    assert [r.outcome for r in plan.results] == [
        Outcome.UNCHANGED,  # same as base
        Outcome.ACCEPTED,  # differs; the ledger still has the base
        Outcome.UNCHANGED,  # differs; the ledger changed to the same value
        Outcome.CONFLICT,  # differs; the ledger changed to another value
    ]
    assert plan.updates == {("2", "milestone"): "met"}
    (conflict,) = plan.conflicts
    assert (conflict.base, conflict.current, conflict.current_source) == ("", "met", "SIK")
    assert (
        str(conflict.reason)
        == "SIK changed it to 'met' since it was issued; kept open, nothing overwritten"
    )


def test_refusals() -> None:
    base = {("1", "milestone"): ""}
    shown = {("2", "milestone"): "met"}
    current = {("2", "milestone"): Current("not_met", "SIK", 1)}
    plan = merge_cells(
        [
            SubmittedCell("1", "milestone", "lilla", "Ark", "K3", Text("K3: not a smiley")),
            cell("2", "met"),  # shown locked as 'met'; stale, not a change
            cell("2", "partly", "economy"),  # not covered at all
            cell("1", "met"),
            cell("1", "partly"),  # the same cell twice
        ],
        base,
        current,
        shown=shown,
    )
    assert [r.outcome for r in plan.results] == [
        Outcome.REFUSED,
        Outcome.UNCHANGED,
        Outcome.REFUSED,
        Outcome.ACCEPTED,
        Outcome.REFUSED,
    ]
    assert str(plan.results[0].reason) == "K3: not a smiley"
    assert str(plan.results[4].reason) == "1 milestone is given twice in this file (also Ark!K3)"


def test_a_correction_supersedes_and_closes_its_conflicts() -> None:
    base = {("1", "milestone"): "", ("2", "milestone"): ""}
    current = {
        ("1", "milestone"): Current("met", "SOS", 7),  # set by the earlier file of this issue
        ("2", "milestone"): Current("met", "SIK", 3),
    }
    conflicts = [OpenConflict(11, "2", "milestone", 7), OpenConflict(12, "2", "economy", 7)]
    plan = merge_cells([cell("1", ""), cell("2", "met")], base, current, frozenset({7}), conflicts)
    assert [r.outcome for r in plan.results] == [Outcome.ACCEPTED, Outcome.UNCHANGED]
    assert plan.updates == {("1", "milestone"): ""}
    assert plan.superseded == [11]  # the file no longer disagrees on 2's milestone


ITEMS = [str(n) for n in range(1, 7)]
FIELDS = ["milestone", "economy"]
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
    plan = merge_cells(cells, issues[issue], ledger, frozenset(receipts[issue]))
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
    plan = merge_cells(cells, base, current)
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
