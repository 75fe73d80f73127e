"""The figures of a round: milestone and economy fulfilment, budget figures, changes
since the previous round, and what is missing. Pure functions of the agreement
and the answers; the master's summary sheets show the same figures as formulas.

Every item counts once per grouping, in exactly one state:

- milestones: `no_milestone` when the item has no milestone text for the round,
  whatever the ledger holds (its smiley cell is locked, so an answer there is
  from before it was); else the code of its smiley for the round (met, partly,
  not_met), else `unanswered`;
- economy: the code of its economy smiley (kept, not_kept), else `unanswered`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

from xlfollow.answers import Field
from xlfollow.definition.years import at_risk_year
from xlfollow.ledger.store import AnswerKey
from xlfollow.model import Agreement, Definition, Item
from xlfollow.scales import SmileyScale

__all__ = [
    "GROUPINGS",
    "NO_MILESTONE",
    "UNANSWERED",
    "BudgetFigures",
    "Change",
    "Grouped",
    "Grouping",
    "Missing",
    "Summary",
    "economy_states",
    "group_of",
    "milestone_states",
    "milestones_due",
    "summarise",
]


class Grouping(StrEnum):
    """How the items are grouped in the figures: by their chapter, responsible centre,
    committee, or kind."""

    CHAPTER = "chapter"
    CENTRE = "centre"
    COMMITTEE = "committee"
    KIND = "kind"


GROUPINGS = tuple(Grouping)
UNANSWERED = "unanswered"
NO_MILESTONE = "no_milestone"

Counts = dict[str, int]


def milestone_states(scale: SmileyScale) -> tuple[str, ...]:
    """The states a milestone is counted in, best first."""
    return (*scale.codes, UNANSWERED, NO_MILESTONE)


def milestones_due(counts: Mapping[str, int]) -> int:
    """How many of the counted items have a milestone in the round, the whole that the
    milestone shares are of: every state but no_milestone."""
    return sum(n for state, n in counts.items() if state != NO_MILESTONE)


def economy_states(scale: SmileyScale) -> tuple[str, ...]:
    """The states an economy smiley is counted in, best first."""
    return (*scale.codes, UNANSWERED)


def group_of(agreement: Agreement, item: Item, grouping: Grouping) -> str:
    """The name of the group an item falls in: its chapter ('3. Title'), centre,
    committee or kind."""
    if grouping is Grouping.CHAPTER:
        return _chapter_names(agreement)[item.chapter]
    if grouping is Grouping.KIND:
        return item.kind.value
    return item.centre if grouping is Grouping.CENTRE else item.committee


def _chapter_names(agreement: Agreement) -> dict[str, str]:
    """Chapter number -> 'number. title', remembered for the last agreement."""
    known = _CHAPTER_NAMES.get(id(agreement))
    if known is None or known[0] is not agreement:
        names = {c.number: f"{c.number}. {c.title}" for c in agreement.chapters}
        _CHAPTER_NAMES.clear()
        known = _CHAPTER_NAMES[id(agreement)] = (agreement, names)
    return known[1]


_CHAPTER_NAMES: dict[int, tuple[Agreement, dict[str, str]]] = {}


def groups(agreement: Agreement, grouping: Grouping) -> list[str]:
    """A grouping's group names in the agreement's order, each once."""
    seen: dict[str, None] = {}
    if grouping is Grouping.CHAPTER:
        for chapter in agreement.chapters:
            if any(item.chapter == chapter.number for item in agreement.items):
                seen[f"{chapter.number}. {chapter.title}"] = None
        return list(seen)
    for item in agreement.items:
        seen.setdefault(group_of(agreement, item, grouping), None)
    return list(seen)


T = TypeVar("T")


@dataclass(frozen=True)
class Grouped(Generic[T]):
    """A round's figures of one kind: for all items, and for each group of each grouping
    (`grouped[Grouping.CENTRE]["Social og Sundhed"]`)."""

    total: T
    by: Mapping[Grouping, Mapping[str, T]]

    def __getitem__(self, grouping: Grouping) -> Mapping[str, T]:
        """The figures of each group of a grouping, in the agreement's order."""
        return self.by[grouping]


@dataclass(frozen=True)
class BudgetFigures:
    """Agreed amounts per year (mio. kr.), spending and savings apart, and the
    round's money at risk and expected deviation."""

    years: dict[int, tuple[float, float]]
    """Per year: (spending, the sum of positive amounts; savings, of negative ones)."""
    at_risk_spending: float
    """Spending at risk: the at-risk year's positive totals of the items whose
    economy smiley is the worst ("not kept")."""
    at_risk_savings: float
    """Savings at risk: the size of that year's negative totals of those items, a
    saving not achieved; zero or positive, unlike the savings of `years`."""
    expected_deviation: float
    """The sum of the expected deviations the centres entered."""

    @property
    def at_risk(self) -> float:
        """The size of the shortfall: spending at risk and savings at risk added, so one
        item's saving not achieved never cancels another's spending over budget. Within
        one item its total for the year counts (the smiley is the item's, as are the
        sheet's formulas): its anlæg and a saving of the same year are netted."""
        return _total((self.at_risk_spending, self.at_risk_savings))

    def to_json(self) -> dict[str, object]:
        """The group's entry in `budget` of the JSON summary."""
        return {
            "years": {
                str(year): {"spending": s, "savings": v, "net": _total((s, v))}
                for year, (s, v) in self.years.items()
            },
            **self.risk_json(),
            "expected_deviation": self.expected_deviation,
        }

    def risk_json(self) -> dict[str, float]:
        """The money at risk, in all and its two parts, as the JSON summary gives it."""
        return {
            "at_risk": self.at_risk,
            "at_risk_spending": self.at_risk_spending,
            "at_risk_savings": self.at_risk_savings,
        }


@dataclass(frozen=True)
class Change:
    """A smiley that changed between the previous round and this one."""

    item: str
    title: str
    centre: str
    field: Field
    """The smiley's field: milestone or economy."""
    previous: str
    current: str
    steps: int
    """How many steps worse (positive) or better (negative)."""
    previous_note: str
    current_note: str


@dataclass(frozen=True)
class Missing:
    """An item still without a smiley for the round."""

    centre: str
    email: str
    item: str
    title: str
    fields: tuple[Field, ...]
    """The smileys missing: milestone and/or economy."""


@dataclass(frozen=True)
class Summary:
    """A round's figures, grouped; `trend` has one entry per round so far."""

    round: str
    round_index: int
    milestones: Grouped[Counts]
    """The count of items in each milestone state."""
    economy: Grouped[Counts]
    budget: Grouped[BudgetFigures]
    budget_year: int | None
    """The year whose amounts are at risk: the agreement's year, else its first."""
    trend: dict[str, Counts]
    """Milestone counts for each round up to this one."""
    changes: tuple[Change, ...] = ()
    missing: tuple[Missing, ...] = ()
    groups: Mapping[Grouping, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        """The object `xlfollow summary --json` prints (docs/formats.md)."""

        def grouped(table: Grouped[Counts]) -> dict[str, object]:
            out: dict[str, object] = {"total": table.total}
            out.update({grouping.value: table[grouping] for grouping in GROUPINGS})
            return out

        total = self.budget.total
        budget: dict[str, object] = {"total": total.to_json()}
        for grouping in GROUPINGS:
            budget[grouping.value] = {g: f.to_json() for g, f in self.budget[grouping].items()}
        budget.update(total.risk_json())
        budget["expected_deviation"] = total.expected_deviation
        budget["at_risk_year"] = self.budget_year
        return {
            "round": self.round,
            "milestones": grouped(self.milestones),
            "economy": grouped(self.economy),
            "budget": budget,
            "trend": self.trend,
            "changes": [vars(change) for change in self.changes],
            "missing": [
                {**vars(missing), "fields": list(missing.fields)} for missing in self.missing
            ],
        }


def summarise(
    definition: Definition, round_index: int, answers: Mapping[AnswerKey, str]
) -> Summary:
    """A round's figures from the current answers, by (round, item, field)."""
    agreement = definition.agreement
    rounds = agreement.rounds
    round_name = rounds[round_index]
    all_groups = {grouping: groups(agreement, grouping) for grouping in GROUPINGS}
    milestone_tally = _Tally(all_groups, milestone_states(agreement.milestone_scale))
    economy_tally = _Tally(all_groups, economy_states(agreement.economy_scale))
    budget_year = at_risk_year(agreement)
    sums = _BudgetSums(all_groups, agreement.budget_years)
    worst_economy = agreement.economy_scale.codes[-1]
    for item in agreement.items:
        # Each item once: its groups, its states, its amounts; then every group adds them.
        item_groups = [(g, group_of(agreement, item, g)) for g in GROUPINGS]
        milestone_tally.add(item_groups, _milestone_state(item, round_name, answers))
        economy = answers.get((round_name, item.number, Field.ECONOMY), "") or UNANSWERED
        economy_tally.add(item_groups, economy)
        text = answers.get((round_name, item.number, Field.DEVIATION), "")
        at_risk = 0.0
        if economy == worst_economy and budget_year is not None:
            at_risk = item.budget.get(budget_year, 0.0)
        sums.add(item_groups, item, at_risk, float(text) if text else 0.0)
    trend = {}
    for name in rounds[: round_index + 1]:
        counts = dict.fromkeys(milestone_states(agreement.milestone_scale), 0)
        for item in agreement.items:
            counts[_milestone_state(item, name, answers)] += 1
        trend[name] = counts
    return Summary(
        round=round_name,
        round_index=round_index,
        milestones=milestone_tally.grouped(),
        economy=economy_tally.grouped(),
        budget=sums.grouped(),
        budget_year=budget_year,
        trend=trend,
        changes=_changes(definition, round_index, answers),
        missing=_missing(definition, round_name, answers),
        groups=all_groups,
    )


def _milestone_state(item: Item, round_name: str, answers: Mapping[AnswerKey, str]) -> str:
    """The state an item's milestone is counted in for a round."""
    if not item.milestone(round_name):
        return NO_MILESTONE
    return answers.get((round_name, item.number, Field.MILESTONE), "") or UNANSWERED


class _Tally:
    """Counts of the items in each state, in all and per group of every grouping."""

    def __init__(self, all_groups: Mapping[Grouping, list[str]], states: tuple[str, ...]) -> None:
        self.total = dict.fromkeys(states, 0)
        self.by = {
            grouping: {group: dict.fromkeys(states, 0) for group in names}
            for grouping, names in all_groups.items()
        }

    def add(self, item_groups: list[tuple[Grouping, str]], state: str) -> None:
        """Count one item, in its state, in all and in each of its groups."""
        self.total[state] += 1
        for grouping, group in item_groups:
            self.by[grouping][group][state] += 1

    def grouped(self) -> Grouped[Counts]:
        return Grouped(self.total, self.by)


class _BudgetSums:
    """The amounts every group adds up, and all of them together."""

    def __init__(self, all_groups: Mapping[Grouping, list[str]], years: Sequence[int]) -> None:
        self.total = _Sums(years)
        self.by = {
            grouping: {group: _Sums(years) for group in names}
            for grouping, names in all_groups.items()
        }

    def add(
        self, item_groups: list[tuple[Grouping, str]], item: Item, at_risk: float, deviation: float
    ) -> None:
        """Add an item's amounts, its amount at risk and its expected deviation."""
        self.total.add(item, at_risk, deviation)
        for grouping, group in item_groups:
            self.by[grouping][group].add(item, at_risk, deviation)

    def grouped(self) -> Grouped[BudgetFigures]:
        by = {
            grouping: {group: sums.figures() for group, sums in groups.items()}
            for grouping, groups in self.by.items()
        }
        return Grouped(self.total.figures(), by)


class _Sums:
    """The amounts one group adds up: per year its spending and its savings, the
    spending and the savings at risk (as sizes), the expected deviations."""

    def __init__(self, years: Sequence[int]) -> None:
        self.spending: dict[int, list[float]] = {year: [] for year in years}
        self.savings: dict[int, list[float]] = {year: [] for year in years}
        self.risk_spending: list[float] = []
        self.risk_savings: list[float] = []
        self.deviation: list[float] = []

    def add(self, item: Item, at_risk: float, deviation: float) -> None:
        """Add one item's amounts per year, its amount at risk and expected deviation."""
        for year, amount in item.budget.items():
            (self.spending if amount > 0 else self.savings)[year].append(amount)
        # Apart, as sizes: a saving not achieved adds to the shortfall, never offsets
        # spending over budget.
        if at_risk > 0:
            self.risk_spending.append(at_risk)
        elif at_risk < 0:
            self.risk_savings.append(-at_risk)
        self.deviation.append(deviation)

    def figures(self) -> BudgetFigures:
        years = {y: (_total(self.spending[y]), _total(self.savings[y])) for y in self.spending}
        return BudgetFigures(
            years, _total(self.risk_spending), _total(self.risk_savings), _total(self.deviation)
        )


def _total(amounts: Iterable[float]) -> float:
    """A sum of amounts in mio. kr., without the float noise of adding decimals
    (0.1 + 0.2): exact to the nearest krone and well beyond."""
    return round(math.fsum(amounts), 9) + 0.0  # + 0.0: no -0.0


def _changes(
    definition: Definition, round_index: int, answers: Mapping[AnswerKey, str]
) -> tuple[Change, ...]:
    """Smileys that got worse or better since the previous round, worst first; a
    milestone counts only where the item has one in both rounds."""
    if round_index == 0:
        return ()
    agreement = definition.agreement
    now, before = agreement.rounds[round_index], agreement.rounds[round_index - 1]
    found = []
    for item in agreement.items:
        for field_name, note, scale in (
            (Field.MILESTONE, Field.MILESTONE_NOTE, agreement.milestone_scale),
            (Field.ECONOMY, Field.ECONOMY_NOTE, agreement.economy_scale),
        ):
            if field_name is Field.MILESTONE and not (
                item.milestone(before) and item.milestone(now)
            ):
                continue
            previous = answers.get((before, item.number, field_name), "")
            current = answers.get((now, item.number, field_name), "")
            if not previous or not current or previous == current:
                continue
            if previous not in scale.codes or current not in scale.codes:
                continue
            steps = scale.codes.index(current) - scale.codes.index(previous)
            found.append(
                Change(
                    item.number,
                    item.title,
                    item.centre,
                    field_name,
                    previous,
                    current,
                    steps,
                    answers.get((before, item.number, note), ""),
                    answers.get((now, item.number, note), ""),
                )
            )
    order = {item.number: position for position, item in enumerate(agreement.items)}
    return tuple(sorted(found, key=lambda c: (-c.steps, order[c.item], c.field)))


def _missing(
    definition: Definition, round_name: str, answers: Mapping[AnswerKey, str]
) -> tuple[Missing, ...]:
    """Items without a milestone smiley (where they have a milestone this round) or
    without an economy smiley, by centre in the settings' order."""
    emails = {centre.name: centre.email for centre in definition.centres}
    centre_order = {centre.name: n for n, centre in enumerate(definition.centres)}
    found = []
    for position, item in enumerate(definition.agreement.items):
        fields = []
        if item.milestone(round_name) and not answers.get(
            (round_name, item.number, Field.MILESTONE)
        ):
            fields.append(Field.MILESTONE)
        if not answers.get((round_name, item.number, Field.ECONOMY)):
            fields.append(Field.ECONOMY)
        if fields:
            found.append(
                (
                    centre_order.get(item.centre, len(centre_order)),
                    position,
                    Missing(
                        item.centre,
                        emails.get(item.centre, ""),
                        item.number,
                        item.title,
                        tuple(fields),
                    ),
                )
            )
    return tuple(missing for _, _, missing in sorted(found, key=lambda f: (f[0], f[1])))
