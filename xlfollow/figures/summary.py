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

from collections.abc import Mapping
from dataclasses import dataclass, field

from xlfollow.answers import Field
from xlfollow.definition.years import at_risk_year
from xlfollow.figures.budgets import BudgetFigures, BudgetSums
from xlfollow.figures.changes import Change, Missing, changes, missing
from xlfollow.figures.grouping import GROUPINGS, Grouped, Grouping, group_of, groups
from xlfollow.ledger.store import AnswerKey
from xlfollow.model import Definition, Item
from xlfollow.scales import SmileyScale

__all__ = [
    "NO_MILESTONE",
    "UNANSWERED",
    "Summary",
    "economy_states",
    "milestone_states",
    "milestones_due",
    "summarise",
]


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
    sums = BudgetSums(all_groups, agreement.budget_years)
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
        changes=changes(definition, round_index, answers),
        missing=missing(definition, round_name, answers),
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
