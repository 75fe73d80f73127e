"""Reading numbers and dates the way Danish documents and users write them."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime

from dateutil import parser as dateparser

from xlfollow.errors import ValueProblem
from xlfollow.messages import Language, Text

__all__ = ["grouped_amount", "parse_amount", "parse_date", "slug"]

# Minus signs seen in copied text: ASCII, Unicode minus, en dash.
_MINUS = "-\u2212\u2013"
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_UNIT = re.compile(r"(mio\.?\s*(kr\.?)?|mio\.?\s*kroner)$", re.IGNORECASE)
_DANISH = re.compile(r"\d{1,3}(\.\d{3})+,\d+|\d+,\d+")
_THOUSANDS_ONLY = re.compile(r"[1-9]\d{0,2}(\.\d{3})+")
_POINT = re.compile(r"\d*\.\d+|\d+\.?")


def grouped_amount(value: float, decimals: int, language: Language) -> str:
    """An amount with a fixed number of decimals and its thousands apart, as the
    language writes it: 1.234,500 in Danish, 1,234.500 in English."""
    written = f"{value:,.{decimals}f}"
    if language is Language.DA:
        return written.translate(str.maketrans(",.", ".,"))
    return written


def parse_amount(text: str) -> float:
    """Read an amount in mio. kr. such as '0,762', '-1,5', '1.234,5' or '0.762'.

    A Unicode minus or an en dash counts as a minus; 'mio. kr.' after the number is allowed.

    Raises ValueProblem with a sentence saying what is wrong and how to write it.
    """
    raw = text
    body = _SPACES.sub("", text)
    body = _UNIT.sub("", body)
    sign = 1.0
    if body[:1] in _MINUS:
        sign, body = -1.0, body[1:]
    elif body[:1] == "+":
        body = body[1:]
    if _DANISH.fullmatch(body):
        value = float(body.replace(".", "").replace(",", "."))
    elif _THOUSANDS_ONLY.fullmatch(body):
        raise ValueProblem(
            Text(
                '"{raw}" is ambiguous: write "{whole}" if the dots separate thousands, '
                'or "{decimal}" with a decimal comma',
                raw=raw,
                whole=body.replace(".", ""),
                decimal=body.replace(".", ",", 1),
            )
        )
    elif _POINT.fullmatch(body) and body != ".":
        value = float(body)
    else:
        raise ValueProblem(
            Text(
                '"{raw}" is not an amount; write it in mio. kr. like 0,762 or -1,5 '
                "(negative for a saving)",
                raw=raw,
            )
        )
    if not math.isfinite(value):
        raise ValueProblem(Text('"{raw}" is not a finite amount', raw=raw))
    return sign * value


class _DanishDates(dateparser.parserinfo):
    MONTHS = [  # noqa: RUF012 - dateutil reads this class attribute as is
        ("jan", "januar", "january"),
        ("feb", "februar", "february"),
        ("mar", "marts", "march"),
        ("apr", "april"),
        ("maj", "may"),
        ("jun", "juni", "june"),
        ("jul", "juli", "july"),
        ("aug", "august"),
        ("sep", "sept", "september"),
        ("okt", "oct", "oktober"),
        ("nov", "november"),
        ("dec", "december"),
    ]

    def __init__(self) -> None:
        super().__init__(dayfirst=True)


_PARSERINFO = _DanishDates()
# Two defaults that differ in every field: a date that parses differently
# under them was missing a day, month or year.
_DEFAULTS = (datetime(2000, 1, 1), datetime(2001, 2, 2))


def parse_date(text: str) -> date:
    """Read a date such as '5. april 2018', '31.12.2018', '5/4 2018' or '2018-04-05'.

    Day comes before month, as in Danish. Raises ValueProblem when the text is not a
    whole date (day, month and year).
    """
    stripped = text.strip()
    try:
        return date.fromisoformat(stripped)
    except ValueError:
        pass
    try:
        first, second = (
            dateparser.parse(stripped, parserinfo=_PARSERINFO, default=d) for d in _DEFAULTS
        )
    except (ValueError, OverflowError) as exc:
        raise ValueProblem(
            Text(
                '"{text}" is not a date; write it like 5. april 2018, 31.12.2018 or 2018-04-05',
                text=text,
            )
        ) from exc
    if first != second:
        raise ValueProblem(
            Text('"{text}" is not a whole date; give day, month and year', text=text)
        )
    if first.time() != datetime.min.time():
        raise ValueProblem(Text('"{text}" has a time of day; give only the date', text=text))
    return first.date()


_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def slug(name: str) -> str:
    """A file-name-safe ASCII code: 'Børne- og Ungerådgivning' -> 'boerne-og-ungeraadgivning'."""
    ascii_name = unicodedata.normalize("NFKD", name.translate(_LETTERS))
    ascii_name = ascii_name.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")
