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
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from xlfollow.danish import parse_amount
from xlfollow.messages import Joined, Text, ValueProblem
from xlfollow.model import Budget, BudgetSeries, Kind

__all__ = ["BudgetReading", "read_budget"]

_Y = r"(?:19|20)\d\d"
_NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_MONEY = re.compile(
    rf"(?P<mio>{_NUMBER})\s*mio\.?\s*kr\.?|(?P<kroner>\d{{1,3}}(?:\.\d{{3}})+|\d+)\s*kr\.(?!\w)"
)
_UNIT = re.compile(r"\bmio\.?\s*kr\b\.?", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ*•(])|\n")

# How the words after an amount place it in years; at one place, the first wins.
_EACH_RANGE = re.compile(rf"i hvert af årene ({_Y})\s*(?:-|\u2013|til)\s*({_Y})")
_EACH_PAIR = re.compile(rf"i hvert af årene ({_Y}) og ({_Y})")
_ONWARDS = re.compile(rf"\b(?:i|fra)\s+(?:og med\s+)?({_Y})\s+og\s+frem")
_FROM_TO = re.compile(rf"\bfra\s+({_Y})\s+til\s+(?:og med\s+)?({_Y})")
_RANGE = re.compile(
    rf"\b(?:i|over|for)\s+(?:hele\s+)?(?:perioden\s+|årene\s+|budgetårene\s+)?({_Y})\s*"
    rf"(?:-|\u2013|til)\s*({_Y})"
)
_FROM = re.compile(rf"\bfra\s+(?:budget\s*)?({_Y})\b")
_PAIR = re.compile(rf"\bi\s+({_Y})\s+og\s+({_Y})\b")
_SINGLE = re.compile(rf"^\W*(?:(?:i|for|i budget|budget|i året)\s+)?({_Y})\b|\bi\s+({_Y})\b")
_PATTERNS = (
    ("each_range", _EACH_RANGE),
    ("each_pair", _EACH_PAIR),
    ("onwards", _ONWARDS),
    ("from_to", _FROM_TO),
    ("range", _RANGE),
    ("from", _FROM),
    ("pair", _PAIR),
    ("single", _SINGLE),
)
_YEARLY = re.compile(
    r"\bårlig(?:t|e)?\b|\bpr\.\s*år\b|\bom året\b|\bhvert år\b|\bi alle årene\b", re.IGNORECASE
)
_SPREAD = re.compile(
    r"\bi budgetperioden\b|\bover årene\b|\bi de kommende år\b|\bover en \w+årig periode\b|"
    r"\bde kommende \w+ år\b",
    re.IGNORECASE,
)
_YEAR_BEFORE = re.compile(rf"({_Y})\s*\(\s*$")
_HEAD_YEAR = re.compile(rf"\b[iI]\s+({_Y})\b")
_RISING = re.compile(r"\bstigende\s+til\s*$", re.IGNORECASE)
_RESPECTIVELY = re.compile(r"\bhenholdsvis\b", re.IGNORECASE)
_TOTAL = re.compile(r"\b(?:i alt|samlet(?: set)?|samlede?)\b[^.]{0,40}$", re.IGNORECASE)
_NEGATIVE = re.compile(
    r"besparelse|sparemål|mindreudgift|reduktion|reducer|indtægt|provenu|nedbring|"
    r"egenfinansiering|\bspar(?:e|er|es)\b",
    re.IGNORECASE,
)
_INCOME = re.compile(r"indtægt|provenu|egenfinansiering", re.IGNORECASE)
_POSITIVE = re.compile(r"afsæt|afsat|reserver|tilfør|investe|udgift|bevilg|priorit", re.IGNORECASE)
_ANLAEG = re.compile(r"anlæg", re.IGNORECASE)
_DRIFT = re.compile(r"drift", re.IGNORECASE)
_INVESTMENT = re.compile(r"investe", re.IGNORECASE)
_EXISTING = re.compile(r"\ballerede\b|\bnuværende\b|\beksisterende\b|\bi forvejen\b", re.I)
_NEW = re.compile(r"\byderligere\b|\bekstra\b|\bøges\b", re.IGNORECASE)
_MORE = re.compile(
    r"\b(?:yderligere|ydermere|herudover|derudover|desuden|endvidere|tillige)\b", re.I
)
_EARLIER_BUDGET = re.compile(rf"\bbudget\s+({_Y})\b", re.IGNORECASE)
_TARGET = re.compile(r"\b(?:min|maks)\.\s*$|\bmindst\s*$|\bmaksimalt\s*$", re.IGNORECASE)
_TARGET_WORDS = re.compile(
    r"\bbeholdning|\b(?:ultimo)?gæld(?:en)?\b|\boverskud|\budskrivningsprocent|"
    r"\bservicerammen\b|\bfinansieres af\b",
    re.IGNORECASE,
)
_LEVEL_CHANGE = re.compile(r"^\W*(?:\w+\s+){0,2}?(?:reduceres|nedsættes|hæves)\b", re.I)
_LEVEL_SENTENCE = re.compile(r"\b(?:reduceres|nedsættes|hæves)\b[^.]*\btil\b", re.I)
_NEW_LEVEL = re.compile(r"\btil\s*$", re.IGNORECASE)
_WHOLE_IN_ONE_YEAR = re.compile(
    rf"\b(?:hele|samlede)\b[^.]*\b(?:budget|beløb|bevilling)\w*[^.]*\bi\s+({_Y})\b", re.I
)
_SAVING_FROM = re.compile(rf"\b(?:først|fuld)\b[^.]*\bfra\s+({_Y})\b", re.I)


@dataclass(frozen=True)
class BudgetReading:
    """What the texts say of an item's money: the figures placed, and each doubt."""

    budget: Budget
    doubts: tuple[Text, ...]


@dataclass
class _Mention:
    """One amount in a sentence, with the words around it."""

    amount: float
    problem: Text | None
    """Why the amount cannot be read ("1.500" could be 1500 or 1,5), if it cannot."""
    words: str
    start: int
    head: str
    tail: str


@dataclass
class _Unplaced:
    amount: float
    why: Text
    yearless: bool = False
    """Said with no year at all (not over years, not a target): a year named
    elsewhere may place it."""
    series: str = ""


class _Placing(NamedTuple):
    """The years an amount is for; whether it is for each of them or their total; and
    why it cannot be placed, with whether no year was said at all."""

    years: list[int]
    each: bool = True
    doubt: Text | None = None
    yearless: bool = False


@dataclass
class _Total:
    series: str
    amount: float
    years: list[int]
    words: str


@dataclass
class _Text:
    """One text read: figures by series and year, totals over years, and doubts."""

    figures: dict[str, dict[int, float]] = field(default_factory=dict)
    amounts: set[float] = field(default_factory=set)
    unplaced: list[_Unplaced] = field(default_factory=list)
    doubts: list[Text] = field(default_factory=list)
    totals: list[_Total] = field(default_factory=list)
    whole_in: int | None = None
    saving_from: int | None = None

    def place(
        self, series: str, years: list[int], amount: float, words: str, more: bool = False
    ) -> None:
        """Put an amount in each of the years; an amount said again is not counted
        twice, one said as more ('yderligere') adds to what is there."""
        self.amounts.add(abs(amount))
        if not more and all(
            any(other.get(year) == amount for other in self.figures.values()) for year in years
        ):
            return
        placed = self.figures.setdefault(series, {})
        twice = [year for year in years if year in placed and not more]
        if twice:
            self.doubts.append(
                Text(
                    "a second amount for {years} ({words}) beside {amount}; the first is kept",
                    years=", ".join(map(str, twice)),
                    words=words,
                    amount=_mio(placed[twice[0]]),
                )
            )
        for year in years:
            if year not in twice:
                placed[year] = round(placed.get(year, 0.0) + amount, 6)

    def total(self) -> dict[int, float]:
        return dict(Budget(BudgetSeries(name, years) for name, years in self.figures.items()))


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
    agreed = _read(f"{agreement_text}\n{action_text}", period)
    economy = _read(economy_text, period)
    doubts: list[Text] = []
    _subtract_totals(agreed, economy)
    if economy.whole_in is not None:
        _whole_in_one_year(agreed, economy.whole_in, doubts)
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


def _mio(amount: float) -> str:
    """An amount as the texts write it: 0,5 mio. kr."""
    return f"{amount:g}".replace(".", ",") + " mio. kr."


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
    # Spending first, then savings and income.
    ordered = sorted(kept.items(), key=lambda pair: min(pair[1].values()) < 0)
    return {name or spending: years for name, years in ordered}


def _subtract_totals(agreed: _Text, economy: _Text) -> None:
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
        agreed.unplaced = [one for one in agreed.unplaced if one.amount != total.amount]
        for year, amount in known.items():
            if not any(year in years for years in agreed.figures.values()):
                agreed.place(total.series, [year], amount, total.words)
        agreed.place(total.series, missing, rest, total.words)
        agreed.amounts.add(abs(total.amount))


def _whole_in_one_year(agreed: _Text, year: int, doubts: list[Text]) -> None:
    """The economy text says the whole budget falls in one year: it places an agreed
    amount said without a year; where the agreement spreads spending over other
    years, the two disagree."""
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


def _saving_from(agreed: _Text, year: int, doubts: list[Text]) -> None:
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


def _disagreements(agreed: _Text, economy: _Text, doubts: list[Text]) -> None:
    mine, theirs = agreed.total(), economy.total()
    for year, amount in sorted(theirs.items()):
        if year not in mine:
            doubts.append(
                Text(
                    "the economy text names {amount} for {year}, for which the agreement "
                    "text names nothing; not added",
                    amount=_mio(amount),
                    year=year,
                )
            )
        elif abs(mine[year] - amount) > 1e-9 and abs(amount) not in agreed.amounts:
            doubts.append(
                Text(
                    "for {year} the economy text names {theirs}, the agreement text "
                    "{mine}; the agreement text's figure is kept",
                    year=year,
                    theirs=_mio(amount),
                    mine=_mio(mine[year]),
                )
            )


def _read(text: str, period: tuple[int, ...]) -> _Text:
    reading = _Text()
    flat = " ".join(text.split())
    if found := _WHOLE_IN_ONE_YEAR.search(flat):
        reading.whole_in = int(found[1])
    for sentence in _SENTENCE_END.split(re.sub(r"[ \t]+", " ", text)):
        saying_when = not _MONEY.search(sentence) and _NEGATIVE.search(sentence)
        if saying_when and (found := _SAVING_FROM.search(sentence)):
            reading.saving_from = int(found[1])
        _Sentence(reading, sentence, period).read()
    return reading


class _Sentence:
    def __init__(self, reading: _Text, sentence: str, period: tuple[int, ...]) -> None:
        self.reading = reading
        self.sentence = sentence
        self.period = period
        self.sign = 1.0
        self.existing = False
        self.series_word = ""
        self.levels = bool(_LEVEL_SENTENCE.search(sentence))

    def read(self) -> None:
        mentions = list(_mentions(self.sentence))
        self._unreadable(mentions)
        if not mentions:
            return
        respectively = _RESPECTIVELY.search(self.sentence)
        after = [m for m in mentions if respectively and m.start > respectively.start()]
        if len(after) < 2:
            after = []
        before = [m for m in mentions if m not in after]
        previous: tuple[str, int, float] | None = None
        for mention in before:
            previous = self._one(mention, previous)
        if after and respectively is not None:
            since = before[-1].start + len(before[-1].words) if before else 0
            self._respectively(after, self.sentence[since : respectively.start()])

    def _unreadable(self, mentions: list[_Mention]) -> None:
        """'mio. kr.' with no amount the reader can take before it ('1,5e mio. kr.')."""
        taken = [(m.start, m.start + len(m.words)) for m in mentions]
        for unit in _UNIT.finditer(self.sentence):
            if not any(start <= unit.start() < end for start, end in taken):
                before = self.sentence[: unit.start()].split()[-1:] or [""]
                words = " ".join(f"{before[0]} {unit[0]}".split())
                why = Text("'{words}': no amount that can be read", words=words)
                self.reading.unplaced.append(_Unplaced(0.0, why))

    def _one(
        self, mention: _Mention, previous: tuple[str, int, float] | None
    ) -> tuple[str, int, float] | None:
        head = mention.head
        self._signs(head)
        amount = self.sign * mention.amount
        series = self._series(head, mention.tail, amount)
        why = self._not_money_of_the_agreement(mention)
        if mention.problem is not None:
            why = Text("{words}: {why}", words=mention.words, why=mention.problem)
        if why is not None:
            self.reading.unplaced.append(_Unplaced(amount, why))
            return previous
        years, each, doubt, yearless = self._years(mention)
        if doubt is not None:
            self.reading.unplaced.append(_Unplaced(amount, doubt, yearless, series))
            return previous
        outside = [y for y in years if self.period and y not in self.period]
        if outside:
            why = Text(
                "{words} for {year}, outside the budget period",
                words=mention.words,
                year=outside[0],
            )
            self.reading.unplaced.append(_Unplaced(amount, why))
            return previous
        if not each:
            why = Text(
                "{words} in all over {first}-{last}, not split into years",
                words=mention.words,
                first=years[0],
                last=years[-1],
            )
            self.reading.unplaced.append(_Unplaced(amount, why))
            self.reading.totals.append(_Total(series, amount, years, mention.words))
            return previous
        if _RISING.search(head) and previous is None:
            self.reading.doubts.append(
                Text(
                    "{words} in {year} ends a rise whose start is not stated",
                    words=mention.words,
                    year=years[0],
                )
            )
        elif _RISING.search(head) and previous is not None:
            gap = list(range(previous[1] + 1, years[0]))
            if gap:
                self.reading.doubts.append(
                    Text(
                        "{words} ends a rise from {start} in {first}; the amounts for "
                        "{gap} are not stated",
                        words=mention.words,
                        start=_mio(abs(previous[2])),
                        first=previous[1],
                        gap=", ".join(map(str, gap)),
                    )
                )
        more = bool(_MORE.search(head))
        self.reading.place(series, years, amount, mention.words, more)
        return series, years[-1], amount

    def _signs(self, head: str) -> None:
        if _NEGATIVE.search(head):
            self.sign = -1.0
        elif _POSITIVE.search(head):
            self.sign = 1.0
        if _EXISTING.search(head):
            self.existing = True
        elif _NEW.search(head):
            self.existing = False

    def _series(self, head: str, tail: str, amount: float) -> str:
        """The series an amount belongs to: a saving or an income apart from spending,
        and spending as anlæg, drift or an investment when the words say so."""
        if amount < 0:
            return "Indtægt" if _INCOME.search(head or self.sentence) else "Besparelse"
        kinds = ((_ANLAEG, "Anlæg"), (_DRIFT, "Drift"), (_INVESTMENT, "Investering"))
        # The words just after the amount ("i anlæg", "i årlig drift"), then before it.
        for near in (tail[:18], head[-60:]):
            found = next((name for pattern, name in kinds if pattern.search(near)), None)
            if found is not None:
                self.series_word = found
                break
        return self.series_word

    def _not_money_of_the_agreement(self, mention: _Mention) -> Text | None:
        if _TARGET.search(mention.head) or _TARGET_WORDS.search(self.sentence):
            return Text("{words} (a target or a frame, not money of the item)", words=mention.words)
        if self.existing:
            return Text("{words} (money already in the budget)", words=mention.words)
        if self.levels and (
            _LEVEL_CHANGE.search(mention.tail[:40]) or _NEW_LEVEL.search(mention.head)
        ):
            return Text("{words} (a level that is changed, not an amount)", words=mention.words)
        earlier = _EARLIER_BUDGET.search(mention.head)
        if earlier and self.period and int(earlier[1]) < self.period[0]:
            return Text(
                "{words} (in budget {year}, before the budget period)",
                words=mention.words,
                year=earlier[1],
            )
        return None

    def _years(self, mention: _Mention) -> _Placing:
        """The years an amount is for, whether it is for each of them (or their total),
        and a doubt when it cannot be placed."""
        tail, head = mention.tail, mention.head
        near = re.split(r",|\bsamt\b|\bog\b(?!\s+frem)", tail[:25])[0]
        yearly = bool(_YEARLY.search(near) or _YEARLY.search(head[-40:]))
        before = _YEAR_BEFORE.search(head)
        if before and tail.lstrip().startswith(")"):
            return _Placing([int(before[1])])
        found = _first_match(tail)
        if found is not None:
            return self._placed(mention, found, yearly)
        if yearly and self.period:
            return _Placing(list(self.period))
        if _SPREAD.search(tail[:60]) or _SPREAD.search(head[-60:]):
            why = Text("{words} over several years, not split", words=mention.words)
            return _Placing([], doubt=why)
        head_years = _HEAD_YEAR.findall(head)
        if len(head_years) == 1 and not _RISING.search(head):
            return _Placing([int(head_years[0])])
        return _Placing(
            [], doubt=Text("{words} without a year", words=mention.words), yearless=True
        )

    def _placed(
        self, mention: _Mention, found: tuple[str, re.Match[str]], yearly: bool
    ) -> _Placing:
        kind, match = found
        first = int(match[1])
        if kind in ("each_range", "from_to", "range"):
            # "i 2018-2019" alone is a total over the years; "årligt i 2018-2019" is each.
            return _Placing(list(range(first, int(match[2]) + 1)), kind != "range" or yearly)
        if kind in ("each_pair", "pair"):
            return _Placing([first, int(match[2])])
        if kind in ("onwards", "from"):
            if not self.period:
                why = Text(
                    "{words} from {year} on, but the budget period is not known",
                    words=mention.words,
                    year=first,
                )
                return _Placing([first], doubt=why)
            return _Placing(list(range(first, self.period[-1] + 1)))
        return _Placing([first])

    def _respectively(self, after: list[_Mention], before: str) -> None:
        """'i 2020 og 2021 på henholdsvis 0,5 mio. kr. og 1,5 mio. kr.': the years named
        since the amount before pair with the amounts after, in order."""
        found = re.search(rf"({_Y})\s*(?:-|\u2013|til)\s*({_Y})", before)
        if found:
            years = list(range(int(found[1]), int(found[2]) + 1))
        else:
            # The years nearest the word: "1,5 mio. kr. i 2018 ... i 2020 og 2021 på henholdsvis".
            years = [int(y) for y in re.findall(_Y, before)][-len(after) :]
        self._signs(before)
        series = self._series(before, "", self.sign)
        if len(years) != len(after):
            for mention in after:
                why = Text(
                    "{words}: {count} amounts given 'henholdsvis' for the years {years}, "
                    "which do not match them",
                    words=mention.words,
                    count=len(after),
                    years=", ".join(map(str, years)) or "-",
                )
                self.reading.unplaced.append(_Unplaced(self.sign * mention.amount, why))
            return
        for year, mention in zip(years, after, strict=True):
            if not self.period or year in self.period:
                self.reading.place(series, [year], self.sign * mention.amount, mention.words)


def _first_match(tail: str) -> tuple[str, re.Match[str]] | None:
    """The first way the words after an amount give its years."""
    window = tail[:80]
    candidates: list[tuple[int, int, str, re.Match[str]]] = []
    for rank, (kind, pattern) in enumerate(_PATTERNS):
        match = pattern.search(window)
        if match is not None:
            # Where its first year stands, not where its words begin.
            at = min(match.start(g) for g in range(1, (match.lastindex or 0) + 1) if match[g])
            candidates.append((at, rank, kind, match))
    if not candidates:
        return None
    _, _, kind, match = min(candidates, key=lambda c: (c[0], c[1]))
    if kind == "single" and match[1] is None:
        # `\bi 2018` matched the second alternative: its year is the second group.
        year = re.search(f"({_Y})", match[0])
        assert year is not None
        return kind, year
    return kind, match


def _mentions(sentence: str) -> Iterator[_Mention]:
    found = list(_MONEY.finditer(sentence))
    for index, match in enumerate(found):
        start = found[index - 1].end() if index else 0
        end = found[index + 1].start() if index + 1 < len(found) else len(sentence)
        problem: Text | None = None
        try:
            if match["mio"] is not None:
                amount = parse_amount(match["mio"])
            else:
                amount = parse_amount(match["kroner"].replace(".", "")) / 1_000_000
        except ValueProblem as exc:
            amount, problem = 0.0, exc.text
        yield _Mention(
            amount=amount,
            problem=problem,
            words=" ".join(match[0].split()),
            start=match.start(),
            head=sentence[start : match.start()],
            tail=sentence[match.end() : end],
        )
