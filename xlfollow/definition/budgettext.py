"""Read an item's budget figures, per series and year, from what its texts say.

The agreement and action texts say what was agreed; the economy text often
repeats it, sometimes adds the year, and now and then says something else.
Each text is read sentence by sentence. An amount (`0,5 mio. kr.`, `750.000 kr.`)
is placed in years by the words after it: `i 2018`, `i 2020 og frem`,
`fra 2019`, `årligt`, `pr. år i 2019 og frem`, `i hvert af årene 2018-2021`,
`i 2020 og 2021`; `fra 2020 (1 mio. kr.)` puts the year first; `henholdsvis`
pairs a list of years with a list of amounts; `stigende til` ends a rise; `i alt
X i 2018-2019` with one of the years stated (in any of the texts) gives the other
by subtraction. The budget period (the budget year and its overslagsår) is where
"og frem" and "årligt" end.

An amount spoken of as a saving, a reduction or an income is negative. Anlæg and
drift are separate series; so are savings beside spending. A text that says the
same amount again is not counted twice. Whatever cannot be placed (no year, a
total over years, a rise with its middle years unsaid, money already in the
budget, a target such as a minimum cash holding) and every place where the texts
disagree is a doubt, said in words a person can act on: the parser never guesses
silently.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from xlfollow.budget import Budget, BudgetSeries
from xlfollow.definition.budgetfigures import TextReading, mio
from xlfollow.definition.budgetsentence import read_text
from xlfollow.messages import Joined, Text
from xlfollow.model import Kind

__all__ = ["BudgetReading", "read_budget"]


@dataclass(frozen=True)
class BudgetReading:
    """What the texts say of an item's money: the figures placed, and each doubt."""

    budget: Budget
    doubts: tuple[Text, ...]


def read_budget(
    agreement_text: str,
    action_text: str,
    economy_text: str,
    period: tuple[int, ...],
    kind: Kind | None = None,
) -> BudgetReading:
    """The figures the texts place in the period's years, and every doubt about them.

    The agreement and action texts are what was agreed; the economy text is read
    for what they leave open and checked against them. Spending the words do not
    call anlæg or drift is named by the item's kind when it has several series.
    """
    agreed = read_text(f"{agreement_text}\n{action_text}", period)
    economy = read_text(economy_text, period)
    doubts: list[Text] = []
    _subtract_totals(agreed, economy)
    if economy.whole_in is not None:
        _whole_in_one_year(agreed, economy.whole_in, period, doubts)
    if economy.saving_from is not None:
        _saving_from(agreed, economy.saving_from, doubts)
    if agreed.figures:
        chosen, other = agreed, economy
        _disagreements(agreed, economy, doubts)
        doubts += [_from(_AGREEMENT, doubt) for doubt in agreed.doubts]
    else:
        chosen, other = economy, agreed
        doubts += [_from(_ECONOMY, doubt) for doubt in economy.doubts]
        doubts += [_from(_AGREEMENT, doubt) for doubt in agreed.doubts]
    unexplained = [
        one.why for one in chosen.unplaced + other.unplaced if abs(one.amount) not in chosen.amounts
    ]
    if unexplained:
        doubts.append(
            Text(
                "not placed in years: {what}; write them under the item's `budget:` per year "
                "if they belong there",
                what=Joined(_grouped(unexplained)),
            )
        )
    named = _named(chosen.figures, kind)
    budget = Budget(BudgetSeries(name, years) for name, years in named.items())
    return BudgetReading(budget, tuple(_unique(doubts)))


_AGREEMENT = Text("the agreement text")
_ECONOMY = Text("the economy text")


def _from(text: Text, doubt: Text) -> Text:
    return Text("{text}: {doubt}", text=text, doubt=doubt)


def _grouped(whys: list[Text]) -> list[Text]:
    """Reasons that differ only in the amount they are about, said once with all of
    them: "170 mio. kr., 100 mio. kr. (a target or a frame, ...)"."""
    groups: dict[tuple[str, str], tuple[Text, list[str]]] = {}
    for why in _unique(whys):
        words = why.values.get("words")
        rest = repr(sorted((k, repr(v)) for k, v in why.values.items() if k != "words"))
        why_and_words = groups.setdefault((why.template, rest), (why, []))
        if isinstance(words, str) and words not in why_and_words[1]:
            why_and_words[1].append(words)
    said = []
    for why, all_words in groups.values():
        joined = copy.copy(why)
        if all_words:
            joined.values = {**why.values, "words": ", ".join(all_words)}
        said.append(joined)
    return said


def _unique(texts: list[Text]) -> list[Text]:
    seen: dict[str, Text] = {}
    for text in texts:
        seen.setdefault(repr(text), text)
    return list(seen.values())


def _named(figures: dict[str, dict[int, float]], kind: Kind | None) -> dict[str, dict[int, float]]:
    """One series needs no name; several are each named ('Anlæg', 'Drift', 'Besparelse').
    Spending the words gave no name is named by the item's kind; in an 'Anlæg og drift'
    item, by the one of the two not named yet."""
    kept = {name: years for name, years in figures.items() if years}
    if len(kept) == 1:
        return {"": next(iter(kept.values()))}
    spending = kind.value if kind in (Kind.ANLAEG, Kind.DRIFT) else "Udgift"
    if kind is Kind.ANLAEG_OG_DRIFT and ("Anlæg" in kept) != ("Drift" in kept):
        spending = "Drift" if "Anlæg" in kept else "Anlæg"
    # Spending first, then savings and income; a series named by the kind joins one
    # the words named alike.
    named: dict[str, dict[int, float]] = {}
    for name, years in sorted(kept.items(), key=lambda pair: min(pair[1].values()) < 0):
        joined = named.setdefault(name or spending, {})
        for year, amount in years.items():
            joined[year] = round(joined.get(year, 0.0) + amount, 6)
    return named


def _subtract_totals(agreed: TextReading, economy: TextReading) -> None:
    """'i alt 0,9 mio. kr. i 2018-2019' beside '0,5 mio. kr. i 2018' (in either text):
    the other year is the rest."""
    for total in agreed.totals:
        known: dict[int, float] = {}
        for reading in (agreed, economy):
            for years in reading.figures.values():
                for year in total.years:
                    if year in years and (years[year] > 0) == (total.amount > 0):
                        known.setdefault(year, years[year])
        missing = [year for year in total.years if year not in known]
        if len(missing) != 1:
            continue
        rest = round(total.amount - sum(known.values()), 6)
        if rest == 0 or (rest > 0) != (total.amount > 0):
            continue
        # The total itself is placed now: not its doubt, nor any other amount's.
        agreed.unplaced = [one for one in agreed.unplaced if one.total is not total]
        for year, amount in known.items():
            if not any(year in years for years in agreed.figures.values()):
                agreed.place(total.series, [year], amount, total.words)
        agreed.place(total.series, missing, rest, total.words)
        agreed.amounts.add(abs(total.amount))


def _whole_in_one_year(
    agreed: TextReading, year: int, period: tuple[int, ...], doubts: list[Text]
) -> None:
    """The economy text says the whole budget falls in one year: it places an agreed
    amount said without a year; where the agreement spreads spending over other
    years, the two disagree."""
    if period and year not in period:
        doubts.append(
            Text(
                "the economy text says the whole budget falls in {year}, outside the budget period",
                year=year,
            )
        )
        return
    yearless = [one for one in agreed.unplaced if one.yearless and one.amount > 0]
    if len(yearless) == 1:
        agreed.unplaced.remove(yearless[0])
        agreed.place(yearless[0].series, [year], yearless[0].amount, "")
        return
    spread = sorted(
        {y for years in agreed.figures.values() for y, a in years.items() if a > 0 and y != year}
    )
    if spread:
        doubts.append(
            Text(
                "the economy text says the whole budget falls in {year}, the agreement "
                "text places amounts in {years}; the agreement text's figures are kept",
                year=year,
                years=", ".join(map(str, spread)),
            )
        )


def _saving_from(agreed: TextReading, year: int, doubts: list[Text]) -> None:
    """'Besparelsen har først fuld virkning fra 2019': a yearly saving starts then."""
    for years in agreed.figures.values():
        before = [y for y, amount in years.items() if amount < 0 and y < year]
        for y in before:
            del years[y]
        if before:
            doubts.append(
                Text(
                    "the economy text says the saving takes full effect from {year}: it is "
                    "placed from {year}, and what it gives in {before} is not stated",
                    year=year,
                    before=", ".join(map(str, before)),
                )
            )


def _disagreements(agreed: TextReading, economy: TextReading, doubts: list[Text]) -> None:
    mine, theirs = agreed.total(), economy.total()
    for year, amount in sorted(theirs.items()):
        if year not in mine:
            doubts.append(
                Text(
                    "the economy text names {amount} for {year}, for which the agreement "
                    "text names nothing; not added",
                    amount=mio(amount),
                    year=year,
                )
            )
        # The economy text may name one series of the year (the anlæg of it): that
        # agrees; any other amount does not.
        elif abs(mine[year] - amount) > 1e-9 and not any(
            abs(years.get(year, 0.0) - amount) <= 1e-9 for years in agreed.figures.values()
        ):
            doubts.append(
                Text(
                    "for {year} the economy text names {theirs}, the agreement text "
                    "{mine}; the agreement text's figure is kept",
                    year=year,
                    theirs=mio(amount),
                    mine=mio(mine[year]),
                )
            )
