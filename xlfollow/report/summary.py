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
    "Missing",
    "Summary",
    "economy_states",
    "group_of",
    "milestone_states",
    "milestones_due",
    "summarise",
]

GROUPINGS = ("chapter", "centre", "committee", "kind")
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


def group_of(agreement: Agreement, item: Item, grouping: str) -> str:
    """The name of the group an item falls in: its chapter ('3. Title'), centre,
    committee or kind."""
    if grouping == "chapter":
        return _chapter_names(agreement)[item.chapter]
    if grouping == "kind":
        return item.kind.value
    return str(getattr(item, grouping))


def _chapter_names(agreement: Agreement) -> dict[str, str]:
    """Chapter number -> 'number. title', remembered for the last agreement."""
    known = _CHAPTER_NAMES.get(id(agreement))
    if known is None or known[0] is not agreement:
        names = {c.number: f"{c.number}. {c.title}" for c in agreement.chapters}
        _CHAPTER_NAMES.clear()
        known = _CHAPTER_NAMES[id(agreement)] = (agreement, names)
    return known[1]


_CHAPTER_NAMES: dict[int, tuple[Agreement, dict[str, str]]] = {}


def groups(agreement: Agreement, grouping: str) -> list[str]:
    """A grouping's group names in the agreement's order, each once."""
    seen: dict[str, None] = {}
    if grouping == "chapter":
        for chapter in agreement.chapters:
            if any(item.chapter == chapter.number for item in agreement.items):
                seen[f"{chapter.number}. {chapter.title}"] = None
        return list(seen)
    for item in agreement.items:
        seen.setdefault(group_of(agreement, item, grouping), None)
    return list(seen)


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
    field: str
    """'milestone' or 'economy'."""
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
    fields: tuple[str, ...]
    """'milestone' and/or 'economy'."""


@dataclass(frozen=True)
class Summary:
    """A round's figures, grouped; `trend` has one entry per round so far."""

    round: str
    round_index: int
    milestones: dict[str, dict[str, Counts]]
    """Per grouping ('total' included, with one group ''), per group, the counts."""
    economy: dict[str, dict[str, Counts]]
    budget: dict[str, dict[str, BudgetFigures]]
    budget_year: int | None
    """The year whose amounts are at risk: the agreement's year, else its first."""
    trend: dict[str, Counts]
    """Milestone counts for each round up to this one."""
    changes: tuple[Change, ...] = ()
    missing: tuple[Missing, ...] = ()
    groups: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        """The object `xlfollow summary --json` prints (docs/formats.md)."""

        def grouped(table: dict[str, dict[str, Counts]]) -> dict[str, object]:
            out: dict[str, object] = {"total": table["total"][""]}
            out.update({grouping: table[grouping] for grouping in GROUPINGS})
            return out

        budget: dict[str, object] = {"total": self.budget["total"][""].to_json()}
        for grouping in GROUPINGS:
            budget[grouping] = {g: f.to_json() for g, f in self.budget[grouping].items()}
        budget.update(self.budget["total"][""].risk_json())
        budget["expected_deviation"] = self.budget["total"][""].expected_deviation
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
    m_states = milestone_states(agreement.milestone_scale)
    e_states = economy_states(agreement.economy_scale)
    years = list(agreement.budget_years)
    budget_year = at_risk_year(agreement)
    worst_economy = agreement.economy_scale.codes[-1]

    def milestone(item: Item, name: str) -> str:
        if not item.milestone(name):
            return NO_MILESTONE
        return answers.get((name, item.number, "milestone"), "") or UNANSWERED

    # Each item once: its groups, its states, its amounts; then every group adds them.
    groups_of = {
        item.number: [("total", "")] + [(g, group_of(agreement, item, g)) for g in GROUPINGS]
        for item in agreement.items
    }
    milestone_tables = _empty_tables(all_groups, m_states)
    economy_tables = _empty_tables(all_groups, e_states)
    sums: dict[tuple[str, str], _Sums] = {("total", ""): _Sums(years)}
    for grouping in GROUPINGS:
        for group in all_groups[grouping]:
            sums[(grouping, group)] = _Sums(years)
    for item in agreement.items:
        m_state = milestone(item, round_name)
        e_state = answers.get((round_name, item.number, "economy"), "") or UNANSWERED
        text = answers.get((round_name, item.number, "deviation"), "")
        deviation = float(text) if text else 0.0
        at_risk = 0.0
        if e_state == worst_economy and budget_year is not None:
            at_risk = item.budget.get(budget_year, 0.0)
        for grouping, group in groups_of[item.number]:
            milestone_tables[grouping][group][m_state] += 1
            economy_tables[grouping][group][e_state] += 1
            entry = sums[(grouping, group)]
            for year, amount in item.budget.items():
                (entry.spending if amount > 0 else entry.savings)[year].append(amount)
            # Apart, as sizes: a saving not achieved adds to the shortfall, never
            # offsets spending over budget.
            if at_risk > 0:
                entry.risk_spending.append(at_risk)
            elif at_risk < 0:
                entry.risk_savings.append(-at_risk)
            entry.deviation.append(deviation)
    budget: dict[str, dict[str, BudgetFigures]] = {"total": {}}
    for grouping in GROUPINGS:
        budget[grouping] = {}
    for (grouping, group), entry in sums.items():
        budget[grouping][group] = entry.figures()

    trend = {}
    for index in range(round_index + 1):
        counts = dict.fromkeys(m_states, 0)
        for item in agreement.items:
            counts[milestone(item, rounds[index])] += 1
        trend[rounds[index]] = counts

    return Summary(
        round=round_name,
        round_index=round_index,
        milestones=milestone_tables,
        economy=economy_tables,
        budget=budget,
        budget_year=budget_year,
        trend=trend,
        changes=_changes(definition, round_index, answers),
        missing=_missing(definition, round_name, answers),
        groups=all_groups,
    )


def _empty_tables(
    all_groups: dict[str, list[str]], states: tuple[str, ...]
) -> dict[str, dict[str, Counts]]:
    """Zero counts for every group of every grouping, and for the total ('')."""
    tables: dict[str, dict[str, Counts]] = {"total": {"": dict.fromkeys(states, 0)}}
    for grouping in GROUPINGS:
        tables[grouping] = {group: dict.fromkeys(states, 0) for group in all_groups[grouping]}
    return tables


class _Sums:
    """The amounts one group adds up: per year its spending and its savings, the
    spending and the savings at risk (as sizes), the expected deviations."""

    def __init__(self, years: Sequence[int]) -> None:
        self.spending: dict[int, list[float]] = {year: [] for year in years}
        self.savings: dict[int, list[float]] = {year: [] for year in years}
        self.risk_spending: list[float] = []
        self.risk_savings: list[float] = []
        self.deviation: list[float] = []

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
            ("milestone", "milestone_note", agreement.milestone_scale),
            ("economy", "economy_note", agreement.economy_scale),
        ):
            if field_name == "milestone" and not (item.milestone(before) and item.milestone(now)):
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
        if item.milestone(round_name) and not answers.get((round_name, item.number, "milestone")):
            fields.append("milestone")
        if not answers.get((round_name, item.number, "economy")):
            fields.append("economy")
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
