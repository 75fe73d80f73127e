"""The words of money in a Danish agreement text: amounts ("0,5 mio. kr.",
"750.000 kr."), the words that place them in years ("i 2020 og frem", "årligt",
"i hvert af årene 2018-2021"), and the words that say what they are (a saving,
anlæg or drift, a target, money already in the budget). budgetsentence reads a
sentence with them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from xlfollow.danish import parse_amount
from xlfollow.errors import ValueProblem
from xlfollow.messages import Text

__all__ = [
    "ANLAEG",
    "CLAUSE_END",
    "COST",
    "DRIFT",
    "EARLIER_BUDGET",
    "EXISTING",
    "INCOME",
    "INVESTMENT",
    "LEVEL_CHANGE",
    "LEVEL_SENTENCE",
    "MONEY",
    "MORE",
    "NEGATIVE",
    "NEW",
    "NEW_LEVEL",
    "NEXT_AMOUNTS_YEAR",
    "POSITIVE",
    "RESPECTIVELY",
    "RISING",
    "SAVING_FROM",
    "SENTENCE_END",
    "SPREAD",
    "TARGET",
    "TARGET_WORDS",
    "TOTAL",
    "UNIT",
    "WHOLE_IN_ONE_YEAR",
    "YEARLY",
    "YEARS_COUNTED",
    "YEAR_BEFORE",
    "YEAR_JUST_BEFORE",
    "Mention",
    "Said",
    "Y",
    "YearsSaid",
    "mentions",
    "years_in",
]

Y = r"(?:19|20)\d\d"
_NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
# An amount does not start inside another number, a range or a sign: "1.5", "1-2",
# "750 000", "-0,5" and "1 1/2" are not read as "5", "2", "000", "0,5" and "2"
# (the unit is then left without an amount, and listed).
_ALONE = r"(?<![\d.,\-\u2013/÷])(?!(?<=\d\s)\d{3}(?![\d,]))"
MONEY = re.compile(
    rf"{_ALONE}(?:(?P<mio>{_NUMBER})\s*mio\.?\s*kr\.?"
    rf"|(?P<kroner>\d{{1,3}}(?:\.\d{{3}})+|\d+)\s*kr\.(?!\w))"
)
# Every way of writing money a person might use; those not read as MONEY are listed.
# Written words ("kroner", "millioner") count only after a figure: "det samme antal
# kroner" is no amount.
UNIT = re.compile(
    r"\b(?:mio|mia|mill|t)\.?\s*(?:kr|kroner)\b\.?|\bkr\b\.?|\bmio\.(?!\s*kr)"
    r"|(?<=\d)\s*(?:millioner|milliarder|tusind)?\s*kroner\b"
    r"|(?<=\d\s)(?:millioner|milliarder|tusind)?\s*kroner\b",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ*•(])|\n")

_TWO = rf"({Y}|\d\d)\b"  # an end year, also written short: 2018-21
_DASH = r"\s*(?:-|\u2013|til)\s*"


class Said(StrEnum):
    """How words place an amount in years."""

    EACH = "each"
    """In each of the years named."""
    SPAN = "span"
    """Over a span of years: each year if said to be yearly, else the total of them."""
    ONWARDS = "onwards"
    """From the year named to the end of the budget period."""
    UNTIL = "until"
    """From the start of the budget period up to and including the year named."""
    SINGLE = "single"
    """In the one year named."""
    UNCLEAR = "unclear"
    """Years written so that they may mean two things ('2019/2020')."""


@dataclass(frozen=True)
class YearsSaid:
    """The years words give an amount, how, and where in the words the first stands."""

    said: Said
    years: tuple[int, ...]
    at: int
    end: int


# How words place an amount in years; where two match at one year, the first listed wins.
_YEAR_WORDS: tuple[tuple[Said, re.Pattern[str]], ...] = (
    (Said.EACH, re.compile(rf"(?i)i hvert af årene ({Y}){_DASH}{_TWO}")),
    (Said.EACH, re.compile(rf"(?i)i hvert af årene ({Y})((?:\s*,\s*{Y})*)\s+og\s+({Y})")),
    (
        Said.ONWARDS,
        re.compile(rf"(?i)(?:\b(?:i|fra)\s+(?:og med\s+)?)?({Y})\s+og\s+frem(?:efter|over)?\b"),
    ),
    (Said.EACH, re.compile(rf"(?i)\bfra\s+(?:og med\s+)?({Y})\s+til\s+(?:og med\s+)?{_TWO}")),
    (
        Said.SPAN,
        re.compile(
            rf"(?i)\b(?:i|over|for|fra)\s+(?:hele\s+)?(?:perioden\s+|årene\s+|budgetårene\s+)?"
            rf"({Y}){_DASH}{_TWO}"
        ),
    ),
    (Said.SPAN, re.compile(rf"(?i)^\W*(?:årligt\s+|pr\.\s*år\s+)?({Y})\s*[-\u2013]\s*{_TWO}")),
    (Said.UNCLEAR, re.compile(rf"(?i)\b({Y})\s*/\s*{_TWO}")),
    (Said.EACH, re.compile(rf"(?i)\bi\s+({Y})((?:\s*,\s*{Y})+)\s+og\s+({Y})\b")),
    (Said.EACH, re.compile(rf"(?i)\bi\s+({Y})\s+(?:og|samt)\s+(?:i\s+)?({Y})\b")),
    (
        Said.ONWARDS,
        re.compile(
            rf"(?i)\bfra\s+(?:og med\s+)?(?:den\s+)?(?:\d{{1,2}}\.\s*\w+\s+)?(?:budget\s*)?({Y})\b"
            rf"(?!\s*[-\u2013/])"
        ),
    ),
    (Said.UNTIL, re.compile(rf"(?i)\b(?:til og med|frem til)\s+({Y})\b")),
    (
        Said.SINGLE,
        re.compile(
            rf"(?i)(?:^\W*(?:(?:i|for|i budget|budget|i året)\s+)?|\b[iI]\s+)({Y})\b"
            rf"(?!\s*[-\u2013/]\s*[\da-zæøå])"
        ),
    ),
)


def years_in(words: str) -> YearsSaid | None:
    """The first way the words give an amount's years, or None."""
    best: tuple[int, int, YearsSaid] | None = None
    for rank, (said, pattern) in enumerate(_YEAR_WORDS):
        found = pattern.search(words)
        if found is None:
            continue
        years = _years_of(said, found)
        at = found.start(1)
        if best is None or (at, rank) < (best[0], best[1]):
            best = (at, rank, YearsSaid(said, years, at, found.end()))
    return best[2] if best else None


def _years_of(said: Said, found: re.Match[str]) -> tuple[int, ...]:
    """The years a match names: a span as its first and last year (each year of it for
    Said.EACH), a list as its years, else the one year."""
    first = int(found[1])
    groups = [g for g in found.groups() if g]
    if said in (Said.SPAN, Said.UNCLEAR) or (said is Said.EACH and _is_span(found)):
        last = int(re.findall(r"\d+", groups[-1])[-1])
        if last < 100:  # 2018-21
            last += first // 100 * 100
        if said is Said.EACH and first <= last:
            return tuple(range(first, last + 1))
        # A span that runs backwards is said as its two ends, for the reader to doubt.
        return (first, last)
    if said is Said.EACH:
        return tuple(int(year) for group in groups for year in re.findall(r"\d{4}", group))
    return (first,)


def _is_span(found: re.Match[str]) -> bool:
    """Whether two years matched stand for a span ('2018-2021', 'fra 2019 til 2021')
    rather than a list ('i 2019 og 2020')."""
    if found.re.groups != 2:
        return False
    between = found.string[found.end(1) : found.start(2)]
    return bool(re.fullmatch(_DASH, between)) or "til" in between


YEARLY = re.compile(
    r"\bårlig(?:t|e)?\b|\bpr\.\s*år\b|\bom året\b|\bhvert år\b|\bi alle årene\b", re.IGNORECASE
)
SPREAD = re.compile(
    r"\bi budgetperioden\b|\bover årene\b|\bi de kommende år\b|\bover en \w+årig periode\b|"
    r"\bde kommende \w+ år\b",
    re.IGNORECASE,
)
YEAR_BEFORE = re.compile(rf"({Y})\s*\(\s*$")
YEAR_JUST_BEFORE = re.compile(rf"\b(?:[iI]|[fF]ra)\s+(?:og med\s+)?{Y}\s*$")
NEXT_AMOUNTS_YEAR = re.compile(rf"(?:\b(?:og|samt)\s+)?\b(?:i|fra)\s+{Y}\s*$")
CLAUSE_END = re.compile(r",\s+(?!\d)|;|\bsom\b|\bder\b|\bhvor\b|\bnår\b")
YEARS_COUNTED = re.compile(r"\bi\s+(?:\d+|to|tre|fire|fem)\s+år\b", re.IGNORECASE)
TOTAL = re.compile(r"\b(?:i alt|samlet(?: set)?|samlede)\b[^.]{0,25}$", re.IGNORECASE)
RISING = re.compile(
    r"\b(?:stigende|faldende)\s+til\s*$|\b(?:stiger|falder)\b[^.]*\btil\s*$", re.IGNORECASE
)
RESPECTIVELY = re.compile(r"\bhenholdsvis\b", re.IGNORECASE)
NEGATIVE = re.compile(
    r"besparelse|sparemål|sparekrav|mindreudgift|mindreforbrug|reduktion|reducer|indtægt|"
    r"provenu|nedbring|nedskær|egenfinansiering|effektiviseringsgevinst|\bspar(?:e|er|es)\b",
    re.IGNORECASE,
)
# Words of cost that hold a saving's word: less income is more net cost.
COST = re.compile(r"mindreindtægt|indtægtstab|tabt(?:e)? indtægt|merudgift", re.IGNORECASE)
INCOME = re.compile(r"indtægt|provenu|egenfinansiering", re.IGNORECASE)
POSITIVE = re.compile(
    r"afsæt|afsat|reserver|tilfør|investe|udgift|bevilg|priorit|udvid|finansierer", re.IGNORECASE
)
ANLAEG = re.compile(r"anlæg", re.IGNORECASE)
DRIFT = re.compile(r"drift", re.IGNORECASE)
INVESTMENT = re.compile(r"investe", re.IGNORECASE)
EXISTING = re.compile(r"\ballerede\b|\bnuværende\b|\beksisterende\b|\bi forvejen\b", re.I)
NEW = re.compile(r"\byderligere\b|\bekstra\b|\bøges\b", re.IGNORECASE)
MORE = re.compile(
    r"\b(?:yderligere|ydermere|herudover|derudover|desuden|endvidere|tillige)\b", re.I
)
EARLIER_BUDGET = re.compile(rf"\bbudget\s+({Y})\b", re.IGNORECASE)
TARGET = re.compile(r"\b(?:min|maks)\.\s*$|\bmindst\s*$|\bmaksimalt\s*$", re.IGNORECASE)
TARGET_WORDS = re.compile(
    r"\bbeholdning|\b(?:ultimo)?gæld(?:en)?\b|\boverskud|\budskrivningsprocent|"
    r"\bservicerammen\b|\bfinansieres af\b",
    re.IGNORECASE,
)
LEVEL_CHANGE = re.compile(r"^\W*(?:\w+\s+){0,2}?(?:reduceres|nedsættes|hæves)\b", re.I)
LEVEL_SENTENCE = re.compile(r"\b(?:reduceres|nedsættes|hæves)\b[^.]*\btil\b", re.I)
NEW_LEVEL = re.compile(r"\btil\s*$", re.IGNORECASE)
WHOLE_IN_ONE_YEAR = re.compile(
    rf"\b(?:hele|samlede)\b[^.]*\b(?:budget|beløb|bevilling)\w*[^.]*\bi\s+({Y})\b", re.I
)
SAVING_FROM = re.compile(rf"\b(?:først|fuld)\b[^.]*\bfra\s+({Y})\b", re.I)


@dataclass
class Mention:
    """One amount in a sentence, with the words around it."""

    amount: float
    problem: Text | None
    """Why the amount cannot be read ("1.500" could be 1500 or 1,5), if it cannot."""
    words: str
    start: int
    head: str
    tail: str


def mentions(sentence: str) -> Iterator[Mention]:
    """Each amount in a sentence, in order, with the words before and after it."""
    found = list(MONEY.finditer(sentence))
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
        yield Mention(
            amount=amount,
            problem=problem,
            words=" ".join(match[0].split()),
            start=match.start(),
            head=sentence[start : match.start()],
            tail=sentence[match.end() : end],
        )
