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

from xlfollow.danish import parse_amount
from xlfollow.messages import Text, ValueProblem

__all__ = [
    "ANLAEG",
    "DRIFT",
    "EARLIER_BUDGET",
    "EXISTING",
    "HEAD_YEAR",
    "INCOME",
    "INVESTMENT",
    "LEVEL_CHANGE",
    "LEVEL_SENTENCE",
    "MONEY",
    "MORE",
    "NEGATIVE",
    "NEW",
    "NEW_LEVEL",
    "POSITIVE",
    "RESPECTIVELY",
    "RISING",
    "SAVING_FROM",
    "SENTENCE_END",
    "SPREAD",
    "TARGET",
    "TARGET_WORDS",
    "UNIT",
    "WHOLE_IN_ONE_YEAR",
    "YEARLY",
    "YEAR_BEFORE",
    "Mention",
    "Y",
    "first_match",
    "mentions",
]

Y = r"(?:19|20)\d\d"
_NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
MONEY = re.compile(
    rf"(?P<mio>{_NUMBER})\s*mio\.?\s*kr\.?|(?P<kroner>\d{{1,3}}(?:\.\d{{3}})+|\d+)\s*kr\.(?!\w)"
)
UNIT = re.compile(r"\bmio\.?\s*kr\b\.?", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ*•(])|\n")

# How the words after an amount place it in years; at one place, the first wins.
_EACH_RANGE = re.compile(rf"i hvert af årene ({Y})\s*(?:-|\u2013|til)\s*({Y})")
_EACH_PAIR = re.compile(rf"i hvert af årene ({Y}) og ({Y})")
_ONWARDS = re.compile(rf"\b(?:i|fra)\s+(?:og med\s+)?({Y})\s+og\s+frem")
_FROM_TO = re.compile(rf"\bfra\s+({Y})\s+til\s+(?:og med\s+)?({Y})")
_RANGE = re.compile(
    rf"\b(?:i|over|for)\s+(?:hele\s+)?(?:perioden\s+|årene\s+|budgetårene\s+)?({Y})\s*"
    rf"(?:-|\u2013|til)\s*({Y})"
)
_FROM = re.compile(rf"\bfra\s+(?:budget\s*)?({Y})\b")
_PAIR = re.compile(rf"\bi\s+({Y})\s+og\s+({Y})\b")
_SINGLE = re.compile(rf"^\W*(?:(?:i|for|i budget|budget|i året)\s+)?({Y})\b|\bi\s+({Y})\b")
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
YEARLY = re.compile(
    r"\bårlig(?:t|e)?\b|\bpr\.\s*år\b|\bom året\b|\bhvert år\b|\bi alle årene\b", re.IGNORECASE
)
SPREAD = re.compile(
    r"\bi budgetperioden\b|\bover årene\b|\bi de kommende år\b|\bover en \w+årig periode\b|"
    r"\bde kommende \w+ år\b",
    re.IGNORECASE,
)
YEAR_BEFORE = re.compile(rf"({Y})\s*\(\s*$")
HEAD_YEAR = re.compile(rf"\b[iI]\s+({Y})\b")
RISING = re.compile(r"\bstigende\s+til\s*$", re.IGNORECASE)
RESPECTIVELY = re.compile(r"\bhenholdsvis\b", re.IGNORECASE)
NEGATIVE = re.compile(
    r"besparelse|sparemål|mindreudgift|reduktion|reducer|indtægt|provenu|nedbring|"
    r"egenfinansiering|\bspar(?:e|er|es)\b",
    re.IGNORECASE,
)
INCOME = re.compile(r"indtægt|provenu|egenfinansiering", re.IGNORECASE)
POSITIVE = re.compile(r"afsæt|afsat|reserver|tilfør|investe|udgift|bevilg|priorit", re.IGNORECASE)
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


def first_match(tail: str) -> tuple[str, re.Match[str]] | None:
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
        year = re.search(f"({Y})", match[0])
        assert year is not None
        return kind, year
    return kind, match


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
