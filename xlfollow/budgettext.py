"""Find budget figures per year in an item's economy or agreement text.

A text is taken only when every amount in it is tied to one year:
`0,5 mio. kr. i 2018`, `6 mio. kr. 2019`, `fra 2020 (1 mio. kr.)`, `i budget 2020`.
An amount with no year, over several years (`i 2018-2019`, `i 2020 og 2021`,
`i hvert af årene`), or rising between years (`stigende til`) makes the text
unclear: the budget is left empty and the doubt is reported, so that a person
decides rather than the parser. Amounts spoken of as a saving, a reduction or
an income are negative.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xlfollow.danish import parse_amount
from xlfollow.messages import Joined, Text

__all__ = ["budget_from_text"]

_AMOUNT = r"(?P<amount>\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)"
_YEAR = r"(?:19|20)\d\d"
_MIO = r"\s*mio\.?\s*kr\.?"
# An amount, then perhaps the one year it is for.
_AFTER = re.compile(
    _AMOUNT
    + _MIO
    + rf"(?:\s+(?:på\s+\S+\s+)?(?:(?:i|fra)\s+)?(?:budget\s+)?(?P<year>{_YEAR})\b"
    + rf"(?P<more>\s*(?:-|\u2013|og)\s*{_YEAR})?)?"
)
# A year, then the amount for it in brackets: "fra 2020 (1 mio. kr.)".
_BEFORE = re.compile(rf"(?P<year>{_YEAR})\s*\(" + _AMOUNT + _MIO + r"\)")
_OTHER_MONEY = re.compile(r"\d[\d.,]*\s*kr\.")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ*•])|\n")
_NEGATIVE = re.compile(
    r"besparelse|sparemål|mindreudgift|reduktion|reducer|indtægt|provenu|nedbring|"
    r"egenfinansiering",
    re.IGNORECASE,
)
_POSITIVE = re.compile(r"afsæt|afsat|reserver|tilføre|investering|udgift|bevilg", re.IGNORECASE)
_RISING = re.compile(r"\bstigende\b|\bi hvert af årene\b", re.IGNORECASE)
_ONWARDS = re.compile(rf"\bog frem\b|\bårligt\b|\bfra\s+{_YEAR}", re.IGNORECASE)


@dataclass(frozen=True)
class _Reading:
    budget: dict[int, float]
    unclear: list[Text]
    onwards: bool
    money: bool


def budget_from_text(
    economy_text: str, agreement_text: str
) -> tuple[dict[int, float], Text | None]:
    """Amounts per year in mio. kr. (negative for savings), and a doubt to report, or None.

    The economy text is read first; the agreement text only if the economy text
    gives no clear figures.
    """
    readings = {"economy": _read(economy_text), "agreement": _read(agreement_text)}
    for label, reading in readings.items():
        if reading.budget and not reading.unclear:
            doubt = None
            if reading.onwards:
                doubt = Text(
                    "budget taken from {text} as {figures}; "
                    "the text says the amount goes on in later years ('og frem', 'årligt', "
                    "'fra'): add those years if the summaries should count them",
                    text=_NAMES[label],
                    figures=_figures(reading.budget),
                )
            return reading.budget, doubt
    reasons: list[Text] = [
        Text(
            "{text} names {what}",
            text=_NAMES[label],
            what=Joined(list(dict.fromkeys(reading.unclear))),
        )
        for label, reading in readings.items()
        if reading.unclear and (label == "economy" or reading.budget or not economy_text)
    ]
    if not reasons and readings["economy"].money:
        reasons = [Text("the economy text names amounts, none for one year")]
    if not reasons:
        return {}, None
    return {}, Text(
        "budget left empty: {reasons}; enter the figures per year by hand",
        reasons=Joined(reasons),
    )


_NAMES = {"economy": Text("the economy text"), "agreement": Text("the agreement text")}


def _figures(budget: dict[int, float]) -> str:
    return ", ".join(f"{year}: {amount:g}" for year, amount in sorted(budget.items()))


def _read(text: str) -> _Reading:
    budget: dict[int, float] = {}
    unclear: list[Text] = []
    onwards = False
    money = bool(_OTHER_MONEY.search(text))
    for sentence in _SENTENCE_END.split(re.sub(r"[ \t]+", " ", text)):
        sign = 1.0
        previous_end = 0
        rising = bool(_RISING.search(sentence))
        onwards = onwards or bool(_ONWARDS.search(sentence))
        for found, year in _mentions(sentence):
            context = sentence[previous_end : found.start()]
            if _NEGATIVE.search(context):
                sign = -1.0
            elif _POSITIVE.search(context):
                sign = 1.0
            previous_end = found.end()
            amount = found.group("amount")
            if year is None:
                unclear.append(Text("{amount} mio. kr. without one year", amount=amount))
                continue
            if rising:
                unclear.append(Text("{amount} mio. kr. rising over the years", amount=amount))
                continue
            if year in budget:
                unclear.append(
                    Text("a second amount for {year} ({amount} mio. kr.)", year=year, amount=amount)
                )
                continue
            budget[year] = sign * parse_amount(amount)
        unclear += [
            Text("{money} (not in mio. kr.)", money=m.group(0))
            for m in _OTHER_MONEY.finditer(sentence)
        ]
    return _Reading(budget, unclear, onwards, money or bool(budget))


def _mentions(sentence: str) -> list[tuple[re.Match[str], int | None]]:
    """Each amount in mio. kr. in order, with its one year or None."""
    found: list[tuple[re.Match[str], int | None]] = []
    taken: list[tuple[int, int]] = []
    for match in _BEFORE.finditer(sentence):
        taken.append(match.span())
        found.append((match, int(match["year"])))
    for match in _AFTER.finditer(sentence):
        if any(start <= match.start() < end for start, end in taken):
            continue
        single = match["year"] is not None and match["more"] is None
        found.append((match, int(match["year"]) if single else None))
    return sorted(found, key=lambda pair: pair[0].start())
