"""The shape of the workbooks, declared once for the writer and the reader.

The names of the chapter sheets, which must obey Excel's rules, and the
columns of those sheets for a round: which are shown, which are editable,
and how each kind of cell is written and read back.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from xlfollow.danish import parse_amount
from xlfollow.errors import CellError, ValueProblem
from xlfollow.messages import Text
from xlfollow.model import Agreement, Chapter, Language
from xlfollow.smileys import SmileyScale, SmileyStep
from xlfollow.texts import texts

__all__ = [
    "FIRST_DATA_ROW",
    "FORMULA_STARTS",
    "HEADER_ROW",
    "LAYOUT_VERSION",
    "MAX_TEXT",
    "SHEET_NAME_MAX",
    "Answer",
    "Column",
    "ColumnKind",
    "Field",
    "agreement_year",
    "answer_of",
    "answer_text",
    "cell_value",
    "chapter_sheet_name",
    "fit_sheet_name",
    "is_no_milestone_label",
    "no_milestone_label",
    "quote",
    "scale_of",
    "sheet_columns",
    "sheet_name_problem",
    "smiley_choice",
    "smiley_code",
]

SHEET_NAME_MAX = 31
"""Excel refuses longer sheet names (LibreOffice allows them, Excel does not)."""

_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Excel keeps 'History' for its change tracking and will not open a book using it.
_RESERVED = frozenset({"history"})


def sheet_name_problem(name: str) -> Text | None:
    """Why Excel would refuse this sheet name, or None if it is fine."""
    if not name.strip():
        return Text("a sheet name cannot be empty")
    if len(name) > SHEET_NAME_MAX:
        return Text(
            "a sheet name has at most {max} characters, this has {length}",
            max=SHEET_NAME_MAX,
            length=len(name),
        )
    if bad := sorted(set(_FORBIDDEN.findall(name))):
        return Text("a sheet name cannot contain {characters}", characters=" ".join(bad))
    if name.startswith("'") or name.endswith("'"):
        return Text("a sheet name cannot begin or end with an apostrophe")
    if name.casefold() in _RESERVED:
        return Text('"{name}" is reserved by Excel', name=name)
    return None


def fit_sheet_name(text: str) -> str:
    """Make an allowed sheet name from any text: forbidden characters become '-',
    and a long text is cut at a word boundary and ends with '…'."""
    name = " ".join(_FORBIDDEN.sub("-", text).split()).strip("'") or "-"
    if name.casefold() in _RESERVED:
        return name + "-"
    if len(name) <= SHEET_NAME_MAX:
        return name
    cut = name[: SHEET_NAME_MAX - 1]
    # Cut at a word boundary when that loses little; else mid-word keeps more.
    space = cut.rfind(" ")
    if space >= SHEET_NAME_MAX - 9:
        cut = cut[:space]
    return cut.rstrip(" -,.'") + "…"


def quote(sheet: str) -> str:
    """A sheet name as a formula or a link names it: 'Sheet', quotes doubled."""
    return "'" + sheet.replace("'", "''") + "'"


def chapter_sheet_name(chapter: Chapter) -> str:
    """The sheet name of a chapter: its own `sheet`, or number and title made to fit."""
    if chapter.sheet is not None:
        return chapter.sheet
    return fit_sheet_name(f"{chapter.number}. {chapter.title}")


# ---------------------------------------------------------------------------
# The chapter sheets' columns. The writer and the reader both take them from
# `sheet_columns`, so a column cannot be written one way and read another.

LAYOUT_VERSION = 1
"""Bumped whenever columns change meaning; a returned workbook states the one it has."""

HEADER_ROW = 1
"""0-based row of the column headers; row 0 holds the sheet's title."""
FIRST_DATA_ROW = 2


class Field(StrEnum):
    """The answers a recipient gives for an item in a round: the editable cells."""

    MILESTONE = "milestone"
    MILESTONE_NOTE = "milestone_note"
    ECONOMY = "economy"
    ECONOMY_NOTE = "economy_note"
    DEVIATION = "deviation"

    @property
    def answer(self) -> Answer:
        """The answer this cell is part of."""
        return _ANSWER_OF[self]


class Answer(StrEnum):
    """What a recipient answers about an item in a round, merged, in conflict and decided
    as one: a smiley with its note (the economy's with the expected deviation too). A
    note belongs to its smiley: "met" from one centre must never stand above "only
    partly reached" from another. Named by its smiley's field."""

    MILESTONE = "milestone"
    ECONOMY = "economy"

    @property
    def fields(self) -> tuple[Field, ...]:
        """Its cells, the smiley first."""
        return tuple(field for field in Field if _ANSWER_OF[field] is self)


_ANSWER_OF = {
    Field.MILESTONE: Answer.MILESTONE,
    Field.MILESTONE_NOTE: Answer.MILESTONE,
    Field.ECONOMY: Answer.ECONOMY,
    Field.ECONOMY_NOTE: Answer.ECONOMY,
    Field.DEVIATION: Answer.ECONOMY,
}


class ColumnKind(StrEnum):
    """How a column's cells are shown, checked and read back."""

    KEY = "key"
    TEXT = "text"
    LONG_TEXT = "long_text"
    MILESTONE_SMILEY = "milestone_smiley"
    ECONOMY_SMILEY = "economy_smiley"
    AMOUNT = "amount"


@dataclass(frozen=True)
class Column:
    """One column of a chapter sheet."""

    key: str
    """Stable name: 'number', 'milestone_text@1', 'milestone@0', 'budget@2018'."""
    header: str
    width: float
    kind: ColumnKind
    field: Field | None = None
    """The answer this column holds, for answer columns of any round."""
    round_index: int | None = None
    """The round a round-bound column is about (0 for the first)."""
    editable: bool = False
    """Editable in this round's workbooks (on the rows the recipient may answer, and
    for a milestone_bound column only where the item has a milestone this round)."""
    grouped: bool = False
    """In a collapsed column group (long texts)."""
    hidden: bool = False
    year: int | None = None

    @property
    def milestone_bound(self) -> bool:
        """Its cells answer a round's milestone: where the item has no milestone in
        that round, there is nothing to answer and the cell is locked."""
        return self.field is Field.MILESTONE or self.field is Field.MILESTONE_NOTE


def sheet_columns(
    agreement: Agreement, round_index: int, headers: Mapping[str, str]
) -> tuple[Column, ...]:
    """The columns of every chapter sheet for a round, in order, with headers filled in.

    `headers` are the language's header templates (workbook_templates/texts.yaml).
    """
    rounds = agreement.rounds
    year = agreement_year(agreement)
    year_text = str(year) if year else ""

    def header(key: str, **values: str) -> str:
        return headers[key].format(**values).strip()

    columns = [
        Column("key", header("key"), 10, ColumnKind.KEY, hidden=True),
        Column("number", header("number"), 8, ColumnKind.TEXT),
        Column("title", header("title"), 34, ColumnKind.TEXT),
        Column("kind", header("kind"), 10, ColumnKind.TEXT),
        Column("centre", header("centre"), 18, ColumnKind.TEXT),
        Column("committee", header("committee"), 18, ColumnKind.TEXT),
        Column("contributors", header("contributors"), 18, ColumnKind.TEXT),
        Column("agreement_text", header("agreement_text"), 60, ColumnKind.LONG_TEXT, grouped=True),
        Column("action_text", header("action_text"), 60, ColumnKind.LONG_TEXT, grouped=True),
    ]
    for index, name in enumerate(rounds[: round_index + 1]):
        # Earlier rounds' answers are shown locked; the current round's are the form.
        now = index == round_index
        columns += [
            Column(
                f"milestone_text@{index}",
                header("milestone_text", round=name),
                34 if now else 30,
                ColumnKind.TEXT,
                round_index=index,
            ),
            Column(
                f"milestone@{index}",
                header("milestone", round=name),
                18 if now else 16,
                ColumnKind.MILESTONE_SMILEY,
                Field.MILESTONE,
                index,
                editable=now,
            ),
            Column(
                f"milestone_note@{index}",
                header("milestone_note", round=name),
                36 if now else 30,
                ColumnKind.TEXT,
                Field.MILESTONE_NOTE,
                index,
                editable=now,
            ),
        ]
    for index in range(round_index + 1, len(rounds)):
        columns.append(
            Column(
                f"milestone_text@{index}",
                header("milestone_text", round=rounds[index]),
                26,
                ColumnKind.TEXT,
                round_index=index,
            )
        )
    columns += [
        Column("economy_text", header("economy_text"), 34, ColumnKind.TEXT),
        Column(
            f"economy@{round_index}",
            header("economy"),
            16,
            ColumnKind.ECONOMY_SMILEY,
            Field.ECONOMY,
            round_index,
            editable=True,
        ),
        Column(
            f"economy_note@{round_index}",
            header("economy_note"),
            36,
            ColumnKind.TEXT,
            Field.ECONOMY_NOTE,
            round_index,
            editable=True,
        ),
    ]
    for budget_year in agreement.budget_years:
        columns.append(
            Column(
                f"budget@{budget_year}",
                header("budget", year=str(budget_year)),
                12,
                ColumnKind.AMOUNT,
                year=budget_year,
            )
        )
    columns.append(
        Column(
            f"deviation@{round_index}",
            header("deviation", year=year_text),
            14,
            ColumnKind.AMOUNT,
            Field.DEVIATION,
            round_index,
            editable=True,
            year=year,
        )
    )
    return tuple(columns)


def agreement_year(agreement: Agreement) -> int | None:
    """The budget year the agreement is about, from its title ('Aftale om budget 2018')."""
    found = re.search(r"\b(19|20)\d\d\b", agreement.title)
    return int(found.group(0)) if found else None


def smiley_choice(step: SmileyStep, language: Language) -> str:
    """How a smiley is shown in a cell and offered in the drop-down: glyph and label."""
    return f"{step.glyph} {step.label(language)}"


def no_milestone_label(language: Language) -> str:
    """What a milestone smiley cell shows for a round in which the item has no milestone;
    the master's summary counts its 'no milestone' state under the same words."""
    return texts(language)["state_no_milestone"]


def is_no_milestone_label(value: str) -> bool:
    """True if a cell's text is the no-milestone label, in either language, in any
    case and spacing (compared as a typed smiley is)."""
    return _fold(value) in _no_milestone_labels()


@cache
def _no_milestone_labels() -> frozenset[str]:
    # Either language: a workbook's language may differ from the workspace's.
    return frozenset(_fold(no_milestone_label(language)) for language in Language)


def scale_of(column: Column, agreement: Agreement) -> SmileyScale | None:
    """The smiley scale of a smiley column, None for other columns."""
    if column.kind is ColumnKind.MILESTONE_SMILEY:
        return agreement.milestone_scale
    if column.kind is ColumnKind.ECONOMY_SMILEY:
        return agreement.economy_scale
    return None


def answer_text(
    agreement: Agreement, values: Mapping[str, str], language: Language, separator: str = "\n"
) -> str:
    """An answer as a person reads it in a list of conflicts: its smiley as the
    drop-down shows it, its note, and the expected deviation with its name."""
    words = texts(language)
    scales = {Field.MILESTONE: agreement.milestone_scale, Field.ECONOMY: agreement.economy_scale}
    parts = []
    for name, value in values.items():
        if not value:
            continue
        scale = scales.get(Field(name)) if name in _FIELD_NAMES else None
        if scale is not None and value in scale.codes:
            parts.append(smiley_choice(scale.step(value), language))
        elif name == Field.DEVIATION:
            amount = f"{float(value):g}"
            if language is Language.DA:
                amount = amount.replace(".", ",")
            parts.append(f"{words['field_deviation']}: {amount}")
        else:
            parts.append(value)
    return separator.join(parts) or words["no_answer"]


_FIELD_NAMES = frozenset(field.value for field in Field)


def cell_value(
    column: Column, answer: str, agreement: Agreement, language: Language
) -> str | float | None:
    """What to write in an answer column's cell for a stored answer ('' is empty)."""
    if not answer:
        return None
    scale = scale_of(column, agreement)
    if scale is not None:
        return smiley_choice(scale.step(answer), language)
    if column.kind is ColumnKind.AMOUNT:
        return float(answer)
    return answer


def answer_of(column: Column, value: object, agreement: Agreement, language: Language) -> str:
    """The stored answer for a cell's value: a smiley's code, a text, or an amount.

    Raises CellError, saying what the column takes, when the value does not fit.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    scale = scale_of(column, agreement)
    if scale is not None:
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
    if column.kind is ColumnKind.AMOUNT:
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


MAX_AMOUNT = 1e6
"""The largest amount, in mio. kr., an answer may give (a trillion kroner): beyond it a
value is a slip or a forgery, and one infinite would stop the master being written."""
MAX_TEXT = 32_767
"""The most characters an Excel cell holds."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
"""What a text may begin with that a spreadsheet could take for a formula."""


def _fold(text: str) -> str:
    # Emoji variation selectors and joiners vary with the program that typed them.
    bare = text.replace("\ufe0f", "").replace("\ufe0e", "").replace("\u200d", "")
    return " ".join(bare.casefold().split())


def _colour_words(position: int, steps: int) -> tuple[str, ...]:
    """Traffic-light words for a step: the best is green, the worst red, between yellow."""
    if position == 0:
        return ("grøn", "green")
    if position == steps - 1:
        return ("rød", "red")
    return ("gul", "yellow")


def smiley_code(scale: SmileyScale, value: str) -> str | None:
    """The step a typed smiley means, however it was typed; None if it means none.

    Taken: the list entry in either language ('😊 Opfyldt'), the glyph alone, the
    label alone, the step's code, or its traffic-light colour in Danish or
    English, in any case and spacing.
    """
    return _smiley_names(scale).get(_fold(value))


# By the scale's identity: hashing a scale (all its steps) costs more than the lookup.
_NAMES: dict[int, tuple[SmileyScale, dict[str, str]]] = {}


def _smiley_names(scale: SmileyScale) -> dict[str, str]:
    """Every folded way of writing each step of a scale, to the step's code."""
    known = _NAMES.get(id(scale))
    if known is not None and known[0] is scale:
        return known[1]
    names: dict[str, str] = {}
    for position, step in enumerate(scale.steps):
        for name in (
            step.glyph,
            step.label_da,
            step.label_en,
            step.code,
            f"{step.glyph} {step.label_da}",
            f"{step.glyph} {step.label_en}",
            *_colour_words(position, len(scale.steps)),
        ):
            names.setdefault(_fold(name), step.code)
    _NAMES[id(scale)] = (scale, names)
    return names
