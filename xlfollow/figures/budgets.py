"""A round's budget figures: the agreed amounts per year, spending and savings apart,
what is at risk where the economy smiley is the worst, and the expected deviation,
added up for all items and for each group."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from xlfollow.figures.grouping import Grouped, Grouping
from xlfollow.model import Item

__all__ = ["BudgetFigures", "BudgetSums", "total"]


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
        return total((self.at_risk_spending, self.at_risk_savings))

    def to_json(self) -> dict[str, object]:
        """The group's entry in `budget` of the JSON summary."""
        return {
            "years": {
                str(year): {"spending": s, "savings": v, "net": total((s, v))}
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


class BudgetSums:
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
        years = {y: (total(self.spending[y]), total(self.savings[y])) for y in self.spending}
        return BudgetFigures(
            years, total(self.risk_spending), total(self.risk_savings), total(self.deviation)
        )


def total(amounts: Iterable[float]) -> float:
    """A sum of amounts in mio. kr., without the float noise of adding decimals
    (0.1 + 0.2): exact to the nearest krone and well beyond."""
    return round(math.fsum(amounts), 9) + 0.0  # + 0.0: no -0.0
