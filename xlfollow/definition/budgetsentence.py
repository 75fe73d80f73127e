"""Read one text of an item sentence by sentence: each amount placed in the years
its words give, in a series, or kept with the reason it cannot be placed.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from xlfollow.definition.budgetfigures import TextReading, Total, Unplaced, mio
from xlfollow.definition.budgetwords import (
    ANLAEG,
    CLAUSE_END,
    COST,
    DRIFT,
    EARLIER_BUDGET,
    EXISTING,
    INCOME,
    INVESTMENT,
    LEVEL_CHANGE,
    LEVEL_SENTENCE,
    MONEY,
    MORE,
    NEGATIVE,
    NEW,
    NEW_LEVEL,
    NEXT_AMOUNTS_YEAR,
    POSITIVE,
    RESPECTIVELY,
    RISING,
    SAVING_FROM,
    SENTENCE_END,
    SPREAD,
    TARGET,
    TARGET_WORDS,
    TOTAL,
    UNIT,
    WHOLE_IN_ONE_YEAR,
    YEAR_BEFORE,
    YEAR_JUST_BEFORE,
    YEARLY,
    YEARS_COUNTED,
    Mention,
    Said,
    Y,
    YearsSaid,
    mentions,
    years_in,
)
from xlfollow.messages import Text

__all__ = ["read_text"]


class Placing(NamedTuple):
    """The years an amount is for; whether it is for each of them or their total; and
    why it cannot be placed, with whether no year was said at all."""

    years: list[int]
    each: bool = True
    doubt: Text | None = None
    yearless: bool = False


def read_text(text: str, period: tuple[int, ...]) -> TextReading:
    """One text read sentence by sentence over the budget period."""
    reading = TextReading()
    flat = " ".join(text.split())
    if found := WHOLE_IN_ONE_YEAR.search(flat):
        reading.whole_in = int(found[1])
    for sentence in SENTENCE_END.split(re.sub(r"[ \t]+", " ", text)):
        saying_when = not MONEY.search(sentence) and NEGATIVE.search(sentence)
        if saying_when and (found := SAVING_FROM.search(sentence)):
            reading.saving_from = int(found[1])
        _Sentence(reading, sentence, period).read()
    return reading


_OPENING = 30
"""How far into a sentence its opening words may name the years of its first amount."""


class _Sentence:
    def __init__(self, reading: TextReading, sentence: str, period: tuple[int, ...]) -> None:
        self.reading = reading
        self.sentence = sentence
        self.period = period
        self.sign = 1.0
        self.existing = False
        self.series_word = ""
        self.levels = bool(LEVEL_SENTENCE.search(sentence))

    def read(self) -> None:
        found = list(mentions(self.sentence))
        self._unreadable(found)
        if not found:
            return
        respectively = RESPECTIVELY.search(self.sentence)
        after = [m for m in found if respectively and m.start > respectively.start()]
        before = [m for m in found if m not in after]
        previous: tuple[str, int, float] | None = None
        for index, mention in enumerate(before):
            previous = self._one(mention, previous, index == 0, index == len(found) - 1)
        if after and respectively is not None:
            since = before[-1].start + len(before[-1].words) if before else 0
            self._respectively(after, self.sentence[since : respectively.start()])

    def _unreadable(self, found: list[Mention]) -> None:
        """'mio. kr.' with no amount the reader can take before it ('1,5e mio. kr.')."""
        taken = [(m.start, m.start + len(m.words)) for m in found]
        for unit in UNIT.finditer(self.sentence):
            if not any(start <= unit.start() < end for start, end in taken):
                # The figure before the unit, however it is written ("750 000", "1-2").
                before = re.search(
                    r"(?:\S*\d[\d.,\s\-\u2013/÷]*)?\S*\s*$", self.sentence[: unit.start()]
                )
                figure = before[0] if before else ""
                words = " ".join(f"{figure} {unit[0]}".split())
                why = Text(
                    "'{words}': an amount that cannot be read (write it like 0,5 mio. kr.)",
                    words=words,
                )
                self.reading.unplaced.append(Unplaced(0.0, why))

    def _one(
        self, mention: Mention, previous: tuple[str, int, float] | None, first: bool, last: bool
    ) -> tuple[str, int, float] | None:
        """Place one amount (the first or last of its sentence?); what it ended, for a
        rise the next amount may end: (series, last year, amount)."""
        head = mention.head
        self._signs(head)
        amount = self._amount(mention)
        series = self._series(head, mention.tail, amount)
        if mention.problem is not None:
            why: Text | None = Text("{words}: {why}", words=mention.words, why=mention.problem)
        else:
            why = self._not_money_of_the_agreement(mention)
        if why is not None:
            self.reading.unplaced.append(Unplaced(amount, why))
            return previous
        years, each, doubt, yearless = self._years(mention, first, last)
        if doubt is not None:
            self.reading.unplaced.append(Unplaced(amount, doubt, yearless, series))
            return previous
        outside = [y for y in years if self.period and y not in self.period]
        if outside:
            why = Text(
                "{words} for {year}, outside the budget period",
                words=mention.words,
                year=outside[0],
            )
            self.reading.unplaced.append(Unplaced(amount, why))
            return previous
        if not each:
            why = Text(
                "{words} in all over {first}-{last}, not split into years",
                words=mention.words,
                first=years[0],
                last=years[-1],
            )
            total = Total(series, amount, years, mention.words)
            self.reading.unplaced.append(Unplaced(amount, why, total=total))
            self.reading.totals.append(total)
            return previous
        if RISING.search(head):
            self._rise(mention, years, previous)
        more = bool(MORE.search(head))
        self.reading.place(series, years, amount, mention.words, more)
        return series, years[-1], amount

    def _amount(self, mention: Mention) -> float:
        """The amount signed by the words before it, unless the words right after it
        say what it is ("0,5 mio. kr. i besparelse")."""
        after = mention.tail[:20]
        if COST.search(after):
            return mention.amount
        if NEGATIVE.search(after):
            return -mention.amount
        return self.sign * mention.amount

    def _rise(
        self, mention: Mention, years: list[int], previous: tuple[str, int, float] | None
    ) -> None:
        """A doubt where an amount ends a rise whose start, or the years between, are
        not stated."""
        if previous is None:
            self.reading.doubts.append(
                Text(
                    "{words} in {year} ends a rise whose start is not stated",
                    words=mention.words,
                    year=years[0],
                )
            )
            return
        gap = list(range(previous[1] + 1, years[0]))
        if gap:
            self.reading.doubts.append(
                Text(
                    "{words} ends a rise from {start} in {first}; the amounts for "
                    "{gap} are not stated",
                    words=mention.words,
                    start=mio(abs(previous[2])),
                    first=previous[1],
                    gap=", ".join(map(str, gap)),
                )
            )

    def _signs(self, head: str) -> None:
        if COST.search(head):
            self.sign = 1.0
        elif NEGATIVE.search(head):
            self.sign = -1.0
        elif POSITIVE.search(head):
            self.sign = 1.0
        if EXISTING.search(head):
            self.existing = True
        elif NEW.search(head):
            self.existing = False

    def _series(self, head: str, tail: str, amount: float) -> str:
        """The series an amount belongs to: a saving or an income apart from spending,
        and spending as anlæg, drift or an investment when the words say so."""
        if amount < 0:
            return "Indtægt" if INCOME.search(head or self.sentence) else "Besparelse"
        kinds = ((ANLAEG, "Anlæg"), (DRIFT, "Drift"), (INVESTMENT, "Investering"))
        # The words just after the amount ("i anlæg", "i årlig drift"), then before it.
        for near in (tail[:18], head[-60:]):
            found = next((name for pattern, name in kinds if pattern.search(near)), None)
            if found is not None:
                self.series_word = found
                break
        return self.series_word

    def _not_money_of_the_agreement(self, mention: Mention) -> Text | None:
        if TARGET.search(mention.head) or TARGET_WORDS.search(self.sentence):
            return Text("{words} (a target or a frame, not money of the item)", words=mention.words)
        if self.existing:
            return Text("{words} (money already in the budget)", words=mention.words)
        if self.levels and (
            LEVEL_CHANGE.search(mention.tail[:40]) or NEW_LEVEL.search(mention.head)
        ):
            return Text("{words} (a level that is changed, not an amount)", words=mention.words)
        earlier = EARLIER_BUDGET.search(mention.head)
        if earlier and self.period and int(earlier[1]) < self.period[0]:
            return Text(
                "{words} (in budget {year}, before the budget period)",
                words=mention.words,
                year=earlier[1],
            )
        return None

    def _years(self, mention: Mention, first: bool, last: bool) -> Placing:
        """The years an amount is for, whether it is for each of them (or their total),
        and a doubt when it cannot be placed. The words after the amount, up to the end
        of its clause, give them; a year standing right before it ('i 2020 1 mio. kr.'),
        or in the words that open the sentence, does when those give none."""
        head, tail = mention.head, mention.tail
        if not last:
            # 'I 2019 afsættes 0,5 mio. kr. og i 2020 1 mio. kr.': a year standing right
            # before the next amount is that amount's.
            tail = NEXT_AMOUNTS_YEAR.sub("", tail)
        tail = CLAUSE_END.split(tail[:80])[0]
        near = re.split(r",|\bsamt\b|\bog\b(?!\s+frem)", tail[:25])[0]
        yearly = bool(YEARLY.search(near) or YEARLY.search(head[-40:]))
        before = YEAR_BEFORE.search(head)
        if before and mention.tail.lstrip().startswith(")"):
            return Placing([int(before[1])])
        direct = YEAR_JUST_BEFORE.search(head)
        said = years_in(direct[0]) if direct else years_in(tail)
        if said is None and first and not RISING.search(head):
            # The words that open the sentence ("Fra 2019 afsættes", "I 2019 og 2020
            # ..."), or the one year they name ("netværkene videreføres i 2018, og
            # afsætter 0,15 mio. kr."), unless the amount is said to be yearly.
            opening = years_in(head)
            one_year = len(re.findall(Y, head)) == 1 and not yearly
            if opening is not None and (opening.at <= _OPENING or one_year):
                said = opening
        if said is not None:
            return self._placed(mention, said, yearly)
        if SPREAD.search(tail[:60]) or SPREAD.search(head[-60:]):
            why = Text("{words} over several years, not split", words=mention.words)
            return Placing([], doubt=why)
        if yearly and self.period:
            if YEARS_COUNTED.search(tail[:40]):
                why = Text("{words} for a number of years not named", words=mention.words)
                return Placing([], doubt=why)
            return Placing(list(self.period))
        return Placing([], doubt=Text("{words} without a year", words=mention.words), yearless=True)

    def _placed(self, mention: Mention, said: YearsSaid, yearly: bool) -> Placing:
        first, last = said.years[0], said.years[-1]
        if last < first:
            why = Text(
                "{words} for {first}-{last}, years that run backwards",
                words=mention.words,
                first=first,
                last=last,
            )
            return Placing([], doubt=why)
        if said.said is Said.UNCLEAR:
            why = Text(
                "{words} for {first}/{last}: one year or both?",
                words=mention.words,
                first=first,
                last=last,
            )
            return Placing([], doubt=why)
        total = bool(TOTAL.search(mention.head[-40:]))
        if said.said is Said.SPAN:
            # "i 2018-2019" alone is a total over the years; "årligt i 2018-2019" is each.
            return Placing(list(range(first, last + 1)), yearly and not total)
        if said.said is Said.EACH:
            return Placing(list(said.years), not total)
        if said.said in (Said.ONWARDS, Said.UNTIL):
            return self._onwards(mention, said, total)
        return Placing([first])

    def _onwards(self, mention: Mention, said: YearsSaid, total: bool) -> Placing:
        """The years of an amount said to be from a year on, or until a year, within
        the budget period."""
        first = said.years[0]
        if not self.period:
            why = Text(
                "{words} from {year} on, but the budget period is not known",
                words=mention.words,
                year=first,
            )
            return Placing([], doubt=why)
        if said.said is Said.UNTIL:
            return Placing(list(range(self.period[0], first + 1)), not total)
        if first > self.period[-1]:
            why = Text(
                "{words} from {year} on, after the budget period",
                words=mention.words,
                year=first,
            )
            return Placing([], doubt=why)
        return Placing(list(range(first, self.period[-1] + 1)))

    def _respectively(self, after: list[Mention], before: str) -> None:
        """'i 2020 og 2021 på henholdsvis 0,5 mio. kr. og 1,5 mio. kr.': the years named
        since the amount before pair with the amounts after, in order."""
        found = re.search(rf"({Y})\s*(?:-|\u2013|til)\s*({Y})", before)
        if found:
            years = list(range(int(found[1]), int(found[2]) + 1))
        else:
            # The years nearest the word: "1,5 mio. kr. i 2018 ... i 2020 og 2021 på henholdsvis".
            years = [int(y) for y in re.findall(Y, before)][-len(after) :]
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
                self.reading.unplaced.append(Unplaced(self.sign * mention.amount, why))
            return
        for year, mention in zip(years, after, strict=True):
            if not self.period or year in self.period:
                self.reading.place(series, [year], self.sign * mention.amount, mention.words)
