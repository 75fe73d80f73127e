"""One column of a chapter sheet, as `layout.sheet_columns` declares it: its headers, its
width, whether it is filled in, how its cells show an item and its stored answers, and
how a returned cell is read back into an answer."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from xlfollow.answers import Field
from xlfollow.danish import parse_amount
from xlfollow.errors import CellError, ValueProblem
from xlfollow.messages import Text
from xlfollow.model import Item, Language
from xlfollow.scales import SmileyScale
from xlfollow.texts import texts
from xlfollow.workbooks.smileys import smiley_choice, smiley_code

__all__ = [
    "FORMULA_STARTS",
    "MAX_AMOUNT",
    "MAX_TEXT",
    "Answers",
    "CellValue",
    "Column",
    "ColumnKind",
]

MAX_AMOUNT = 1e6
"""The largest amount, in mio. kr., an answer may give (a trillion kroner): beyond it a
value is a slip or a forgery, and one infinite would stop the master being written."""
MAX_TEXT = 32_767
"""The most characters an Excel cell holds."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
"""What a text may begin with that a spreadsheet could take for a formula."""

CellValue = str | float | None
"""What a cell is written with: a text, a number, or nothing (a blank cell)."""
Answers = Mapping[tuple[str, str, Field], str]
"""The stored answers a workbook shows: (round, item number, field) -> answer."""


class ColumnKind(StrEnum):
    """How a column's cells are shown, checked and read back."""

    KEY = "key"
    TEXT = "text"
    LONG_TEXT = "long_text"
    MILESTONE_SMILEY = "milestone_smiley"
    ECONOMY_SMILEY = "economy_smiley"
    AMOUNT = "amount"


def _blank(item: Item, answers: Answers) -> CellValue:
    return None


@dataclass(frozen=True)
class Column:
    """One column of a chapter sheet in a round's workbooks, in a language."""

    key: str
    """Stable name: 'number', 'milestone_text@1', 'milestone@0', 'budget@2018'."""
    header_da: str
    header_en: str
    language: Language
    """The language of the workbooks it is in: its header's, and its smileys'."""
    width: float
    kind: ColumnKind
    field: Field | None = None
    """The answer this column holds, for answer columns of any round."""
    round_index: int | None = None
    """The round a round-bound column is about (0 for the first)."""
    round_name: str | None = None
    editable: bool = False
    """Editable in this round's workbooks (on the rows the recipient may answer, and
    for a milestone_bound column only where the item has a milestone this round)."""
    grouped: bool = False
    """In a collapsed column group (long texts)."""
    hidden: bool = False
    year: int | None = None
    scale: SmileyScale | None = dataclasses.field(default=None, compare=False, repr=False)
    """The smiley scale of a smiley column."""
    shows: Callable[[Item, Answers], CellValue] = dataclasses.field(
        default=_blank, compare=False, repr=False
    )
    """How its cell's value comes from an item and the stored answers."""
    issued: Callable[[Item], str] | None = dataclasses.field(
        default=None, compare=False, repr=False
    )
    """For a locked text a returned workbook is checked against: the text as issued."""

    @property
    def header(self) -> str:
        """The header in its workbooks' language."""
        return self.header_da if self.language is Language.DA else self.header_en

    def header_in(self, language: Language) -> str:
        """The header in a language."""
        return self.header_da if language is Language.DA else self.header_en

    def known_headers(self, language: Language | None = None) -> list[str]:
        """The headers the column is known by in a language (its workbooks' by default):
        its own, then those earlier versions wrote (the texts' `headers_before`), so a
        workbook issued before a header was reworded is still read ("Smiley økonomi" for
        "Smiley økonomi - 1. budgetopfølgning 2018")."""
        language = language or self.language
        before = texts(language).data.get("headers_before", {})
        values = {"round": self.round_name or "", "year": str(self.year or "")}
        stem = self.key.split("@")[0]
        earlier = (str(old).format(**values) for old in before.get(stem, ()))
        return [self.header_in(language), *earlier]

    @property
    def milestone_bound(self) -> bool:
        """Its cells answer a round's milestone: where the item has no milestone in
        that round, there is nothing to answer and the cell is locked."""
        return self.field is Field.MILESTONE or self.field is Field.MILESTONE_NOTE

    def answer(self, item: Item, answers: Answers) -> str:
        """The stored answer an answer column shows for an item ('' when none)."""
        assert self.field is not None and self.round_name is not None
        return answers.get((self.round_name, item.number, self.field), "")

    def cell(self, answer: str) -> CellValue:
        """What to write in an answer column's cell for a stored answer ('' is empty)."""
        if not answer:
            return None
        if self.scale is not None:
            return smiley_choice(self.scale.step(answer), self.language)
        if self.kind is ColumnKind.AMOUNT:
            return float(answer)
        return answer

    def read(self, value: object) -> str:
        """The stored answer for a returned cell's value: a smiley's code, a text, or an
        amount. Raises CellError, saying what the column takes, when it does not fit."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return ""
        if self.scale is not None:
            return _smiley(self.scale, value, self.language)
        if self.kind is ColumnKind.AMOUNT:
            return _amount(value)
        return _text(value)


def _smiley(scale: SmileyScale, value: object, language: Language) -> str:
    code = smiley_code(scale, str(value))
    if code is not None:
        return code
    choices = ", ".join(f'"{smiley_choice(step, language)}"' for step in scale.steps)
    if scale.name == "milestone":
        why = Text(
            '"{value}" is not a milestone smiley; choose one of {choices}',
            value=str(value),
            choices=choices,
        )
    else:
        why = Text(
            '"{value}" is not an economy smiley; choose one of {choices}',
            value=str(value),
            choices=choices,
        )
    raise CellError(why)


def _amount(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise CellError(Text('"{value}" is not an amount in mio. kr.', value=str(value)))
    try:
        number = float(value) if not isinstance(value, str) else parse_amount(value)
    except ValueProblem as exc:
        raise CellError(exc.text) from exc
    if not math.isfinite(number) or abs(number) > MAX_AMOUNT:
        raise CellError(
            Text(
                '"{value}" is not an amount xlfollow takes: write an amount in mio. kr. '
                "between -{max} and {max}",
                value=str(value),
                max=f"{MAX_AMOUNT:.0f}",
            )
        )
    return repr(number)


def _text(value: object) -> str:
    # A number typed in a text cell is its text as typed: 42, not 42.0.
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        text = str(int(value))
    else:
        text = str(value).strip()
    if len(text) > MAX_TEXT:
        raise CellError(
            Text(
                "a text of {length} characters, more than the {max} a cell holds; shorten it",
                length=f"{len(text):,}",
                max=f"{MAX_TEXT:,}",
            )
        )
    return text
