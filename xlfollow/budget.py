"""An item's agreed money: amounts per year in mio. kr., in one or more named
series, and their total per year."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from xlfollow.danish import parse_amount

__all__ = ["Budget", "BudgetSeries"]


@dataclass(frozen=True)
class BudgetSeries:
    """One stream of an item's money, as the agreement states it: amounts per year in
    mio. kr., negative for a saving. `name` says what it is ("Anlæg", "Drift",
    "Besparelse"); an item's only series may have none."""

    name: str
    amounts: Mapping[int, float]


class Budget(Mapping[int, float]):
    """An item's agreed money: its series, and as a mapping the total per year.

    The total of a year is the sum of every series' amount for it, so an item with
    10 in anlæg and -0,8 in drift in 2019 counts 9,2 that year. Totals are rounded
    to six decimals (0,1 + 0,2 is 0,3, not 0,30000000000000004).
    """

    __slots__ = ("_total", "series")

    def __init__(self, series: Iterable[BudgetSeries] = ()) -> None:
        # Copied: a caller's dict changed later changes neither the series nor the totals.
        self.series: tuple[BudgetSeries, ...] = tuple(
            BudgetSeries(s.name, dict(s.amounts)) for s in series if s.amounts
        )
        total: dict[int, float] = {}
        for one in self.series:
            for year, amount in one.amounts.items():
                total[year] = total.get(year, 0.0) + amount
        self._total = {year: round(total[year], 6) for year in sorted(total)}

    @classmethod
    def of(cls, amounts: Mapping[int, float], name: str = "") -> Budget:
        """A budget of one series."""
        return cls([BudgetSeries(name, dict(amounts))])

    @classmethod
    def from_data(cls, data: Mapping[object, object]) -> Budget:
        """A budget as agreement.yaml writes it, once read as plain data: years and
        amounts (one series), or series by name, each with years and amounts."""

        def amounts(years: Mapping[object, object]) -> dict[int, float]:
            return {
                int(str(y)): float(a) if isinstance(a, int | float) else parse_amount(str(a))
                for y, a in years.items()
            }

        if all(isinstance(value, Mapping) for value in data.values()) and data:
            return cls(
                BudgetSeries(str(name), amounts(years))
                for name, years in data.items()
                if isinstance(years, Mapping)
            )
        return cls.of(amounts(data))

    def data(self) -> dict[object, object]:
        """The budget as plain data for agreement.yaml: `from_data` reads it back."""
        if not self.named:
            return {year: amount for one in self.series for year, amount in one.amounts.items()}
        return {one.name: dict(one.amounts) for one in self.series}

    def __getitem__(self, year: int) -> float:
        return self._total[year]

    def __iter__(self) -> Iterator[int]:
        return iter(self._total)

    def __len__(self) -> int:
        return len(self._total)

    def __eq__(self, other: object) -> bool:
        """Two budgets are equal when their series are; a budget equals a plain mapping
        of years to amounts when its totals do."""
        if isinstance(other, Budget):
            return [(s.name, dict(s.amounts)) for s in self.series] == [
                (s.name, dict(s.amounts)) for s in other.series
            ]
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Budget({list(self.series)!r})"

    @property
    def named(self) -> bool:
        """Whether the series are told apart by name (more than one, or one with a name)."""
        return len(self.series) > 1 or any(one.name for one in self.series)
