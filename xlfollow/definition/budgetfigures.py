"""What reading one text of an item gives: its figures by series and year (an
amount said again counted once), the totals over several years, the amounts it
could not place with the reason, and its doubts."""

from __future__ import annotations

from dataclasses import dataclass, field

from xlfollow.budget import Budget, BudgetSeries
from xlfollow.messages import Text

__all__ = ["TextReading", "Total", "Unplaced", "mio"]


@dataclass
class Unplaced:
    """An amount a text names but the reader could not put in years, and why."""

    amount: float
    why: Text
    yearless: bool = False
    """Said with no year at all (not over years, not a target): a year named
    elsewhere may place it."""
    series: str = ""
    total: Total | None = None
    """The total over years it is, when it is one."""


@dataclass
class Total:
    """An amount said for several years together ('i alt 0,9 mio. kr. i 2018-2019'):
    a year stated elsewhere may leave the rest for the other."""

    series: str
    amount: float
    years: list[int]
    words: str


@dataclass
class TextReading:
    """One text read: figures by series and year, totals over years, and doubts."""

    figures: dict[str, dict[int, float]] = field(default_factory=dict)
    amounts: set[float] = field(default_factory=set)
    unplaced: list[Unplaced] = field(default_factory=list)
    doubts: list[Text] = field(default_factory=list)
    totals: list[Total] = field(default_factory=list)
    whole_in: int | None = None
    saving_from: int | None = None

    def place(
        self, series: str, years: list[int], amount: float, words: str, more: bool = False
    ) -> None:
        """Put an amount in each of the years; an amount said again is not counted
        twice, one said as more ('yderligere') adds to what is there."""
        self.amounts.add(abs(amount))
        # Said again: the same amount for the same years in the same series, or where
        # one of the two does not say which series it is.
        same = [
            other
            for name, other in self.figures.items()
            if name == series or not name or not series
        ]
        if not more and all(any(other.get(year) == amount for other in same) for year in years):
            return
        placed = self.figures.setdefault(series, {})
        twice = [year for year in years if year in placed and not more]
        if twice:
            self.doubts.append(
                Text(
                    "a second amount for {years} ({words}) beside {amount}; the first is kept",
                    years=", ".join(map(str, twice)),
                    words=words,
                    amount=mio(placed[twice[0]]),
                )
            )
        for year in years:
            if year not in twice:
                placed[year] = round(placed.get(year, 0.0) + amount, 6)

    def total(self) -> dict[int, float]:
        return dict(Budget(BudgetSeries(name, years) for name, years in self.figures.items()))


def mio(amount: float) -> str:
    """An amount as the texts write it: 0,5 mio. kr."""
    return f"{amount:g}".replace(".", ",") + " mio. kr."
