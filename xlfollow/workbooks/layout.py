"""The shape of the workbooks, declared once for the writer and the reader: the chapter
sheets' columns, each declared once, the master's list columns, and the sheets every
workbook has.

A `Column` carries everything about itself, as a click Option carries its parsing,
checking and help: its header in both languages, its width, whether a recipient may
fill it in, how its cell's value comes from an item and the stored answers, how a
returned cell is read back into an answer, and, for the locked texts a return is
checked against, what was issued. The writer, the reader, the lock check and the
master's lists all take the columns from `sheet_columns`, so a column cannot be
written one way and read another.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import NamedTuple

from xlfollow.answers import Field
from xlfollow.definition.years import agreement_year
from xlfollow.model import Agreement, Item, Language
from xlfollow.texts import texts
from xlfollow.workbooks.column import Answers, CellValue, Column, ColumnKind
from xlfollow.workbooks.smileys import no_milestone_label, smiley_choice

__all__ = [
    "CONFLICT_COLUMNS",
    "FIRST_DATA_ROW",
    "HEADER_ROW",
    "LAYOUT_VERSION",
    "METADATA_SHEET",
    "SUMMARY_SHEETS",
    "ListColumn",
    "list_columns",
    "sheet_columns",
]

LAYOUT_VERSION = 1
"""Bumped whenever columns change meaning; a returned workbook states the one it has."""

HEADER_ROW = 1
"""0-based row of the column headers; row 0 holds the sheet's title."""
FIRST_DATA_ROW = 2

METADATA_SHEET = "_xlfollow"
"""The very hidden sheet that identifies an issued workbook."""
SUMMARY_SHEETS = ("overview", "budget", "changes", "missing")
"""The master's summary sheets, by their names' keys in the workbook texts."""


class ListColumn(NamedTuple):
    """A column of one of the master's lists: its key, header and width."""

    key: str
    header: str
    width: float


CONFLICT_COLUMNS = (
    ("id", 5),
    ("round", 14),
    ("item", 8),
    ("answer", 12),
    ("base", 16),
    ("current", 19),
    ("current_sources", 16),
    ("incoming", 19),
    ("incoming_source", 16),
    ("reason", 19),
    ("decided_by", 14),
    ("decision", 14),
)
"""The Konflikter sheet's columns, by key and width, in order: the headers are the
workbook texts' `conflict_headers`. `decision` is the one a finance officer fills in;
`decided_by` says who decided a conflict listed as decided (and is empty on an open one);
the decision stays the last column, where the sheet's note says it is.
Together they print a page wide on A4 landscape at 80 % (printing.MIN_SCALE)."""


def list_columns(language: Language) -> tuple[ListColumn, ...]:
    """The Konflikter sheet's columns in a language."""
    headers = texts(language).list("conflict_headers")
    return tuple(
        ListColumn(key, header, width)
        for (key, width), header in zip(CONFLICT_COLUMNS, headers, strict=True)
    )


def sheet_columns(agreement: Agreement, round_index: int, language: Language) -> tuple[Column, ...]:
    """The columns of every chapter sheet for a round's workbooks in a language, in order."""
    return _Declaring(agreement, round_index, language).columns()


class _Declaring:
    """Declares the columns of a round: each one's header, width, and the functions that
    give its value, read its answers back and say what a locked text was issued as."""

    def __init__(self, agreement: Agreement, round_index: int, language: Language) -> None:
        self.agreement = agreement
        self.round_index = round_index
        self.language = language
        self.headers = {one: texts(one).headers for one in Language}
        self.year = agreement_year(agreement)

    def column(self, key: str, width: float, kind: ColumnKind, **values: str) -> Column:
        """A column whose header is the template named by its key's stem."""
        stem = key.split("@")[0]
        # A header names its round ("Smiley økonomi - 1. budgetopfølgning 2018"): this
        # round's unless the column says which.
        values = {"round": self.agreement.rounds[self.round_index], **values}
        da, en = (
            self.headers[one][stem].format(**values).strip() for one in (Language.DA, Language.EN)
        )
        return Column(key, da, en, self.language, width, kind)

    def columns(self) -> tuple[Column, ...]:
        rounds = self.agreement.rounds
        columns = [*self.item_columns()]
        for index, name in enumerate(rounds[: self.round_index + 1]):
            columns += self.milestone_columns(index, name)
        for index in range(self.round_index + 1, len(rounds)):
            columns.append(self.milestone_text(index, rounds[index], 26))
        columns += self.economy_columns()
        return tuple(columns)

    def item_columns(self) -> list[Column]:
        """The item's own texts, the same in every round."""
        text, long = ColumnKind.TEXT, ColumnKind.LONG_TEXT
        return [
            _set(self.column("key", 10, ColumnKind.KEY), hidden=True, shows=_of(_number)),
            _set(self.column("number", 8, text), shows=_of(_number)),
            _set(self.column("title", 34, text), shows=_of(_title), issued=_title),
            _set(self.column("kind", 10, text), shows=_of(_kind)),
            _set(self.column("centre", 18, text), shows=_of(_centre)),
            _set(self.column("committee", 18, text), shows=_of(_committee)),
            _set(self.column("contributors", 18, text), shows=_of(_contributors)),
            _set(self.column("agreement_text", 60, long), grouped=True, shows=_of(_agreed)),
            _set(self.column("action_text", 60, long), grouped=True, shows=_of(_action)),
        ]

    def milestone_text(self, index: int, name: str, width: float) -> Column:
        """A round's milestone, as the agreement words it; locked and checked in the
        round it is answered in."""

        def milestone(item: Item) -> str:
            return item.milestone(name)

        column = self.column(f"milestone_text@{index}", width, ColumnKind.TEXT, round=name)
        return _set(
            column,
            round_index=index,
            round_name=name,
            shows=_of(milestone),
            issued=milestone if index == self.round_index else None,
        )

    def milestone_columns(self, index: int, name: str) -> list[Column]:
        """A round's milestone, its smiley and its note: the current round's are the
        form, earlier rounds' are shown locked."""
        now = index == self.round_index
        smiley = self.answer_column(
            self.column(
                f"milestone@{index}", 18 if now else 16, ColumnKind.MILESTONE_SMILEY, round=name
            ),
            Field.MILESTONE,
            index,
        )
        note = self.answer_column(
            self.column(f"milestone_note@{index}", 36 if now else 30, ColumnKind.TEXT, round=name),
            Field.MILESTONE_NOTE,
            index,
        )
        return [self.milestone_text(index, name, 34 if now else 30), smiley, note]

    def economy_columns(self) -> list[Column]:
        """The economy's text; each earlier round's smiley, note and deviation, shown
        locked (what the centre answered before, as the milestones' are); the round's
        smiley and note; the budget per year; and the round's deviation."""
        now = self.round_index
        columns = [
            _set(
                self.column("economy_text", 34, ColumnKind.TEXT),
                shows=_of(_economy),
                issued=_economy,
            )
        ]
        for index in range(now):
            columns += [*self.economy_answers(index, 14, 30), self.deviation(index)]
        columns += self.economy_answers(now, 16, 36)
        for year in self.agreement.budget_years:
            column = self.column(f"budget@{year}", 12, ColumnKind.AMOUNT, year=str(year))
            columns.append(_set(column, year=year, shows=_budget(year)))
        columns.append(self.deviation(now))
        return columns

    def economy_answers(self, index: int, smiley: float, note: float) -> list[Column]:
        """A round's economy smiley and note."""
        name = self.agreement.rounds[index]
        return [
            self.answer_column(
                self.column(f"economy@{index}", smiley, ColumnKind.ECONOMY_SMILEY, round=name),
                Field.ECONOMY,
                index,
            ),
            self.answer_column(
                self.column(f"economy_note@{index}", note, ColumnKind.TEXT, round=name),
                Field.ECONOMY_NOTE,
                index,
            ),
        ]

    def deviation(self, index: int) -> Column:
        """A round's expected deviation, in the agreement's year."""
        year_text = str(self.year) if self.year else ""
        name = self.agreement.rounds[index]
        column = self.column(
            f"deviation@{index}", 14, ColumnKind.AMOUNT, year=year_text, round=name
        )
        return self.answer_column(_set(column, year=self.year), Field.DEVIATION, index)

    def answer_column(self, column: Column, answer_field: Field, index: int) -> Column:
        """An answer column of a round: editable in that round's workbooks, shown locked
        in later ones, its cells showing the stored answers."""
        scale = {
            ColumnKind.MILESTONE_SMILEY: self.agreement.milestone_scale,
            ColumnKind.ECONOMY_SMILEY: self.agreement.economy_scale,
        }.get(column.kind)
        column = _set(
            column,
            field=answer_field,
            round_index=index,
            round_name=self.agreement.rounds[index],
            editable=index == self.round_index,
            scale=scale,
        )
        return _set(column, shows=self.answer_shown(column))

    def answer_shown(self, column: Column) -> Callable[[Item, Answers], CellValue]:
        """How an answer column's cell shows the stored answer. Nothing is answered for a
        round without a milestone, whatever the ledger holds: the smiley cell says so,
        the note cell stays empty."""
        name, answer_field = column.round_name, column.field
        assert name is not None and answer_field is not None
        cell = column.cell
        if column.scale is not None:
            shown = {step.code: smiley_choice(step, self.language) for step in column.scale.steps}

            def value(item: Item, answers: Answers) -> CellValue:
                answer = answers.get((name, item.number, answer_field), "")
                return (shown.get(answer) or cell(answer)) if answer else None

        else:

            def value(item: Item, answers: Answers) -> CellValue:
                return cell(answers.get((name, item.number, answer_field), ""))

        if not column.milestone_bound:
            return value
        closed = (
            no_milestone_label(self.language)
            if column.kind is ColumnKind.MILESTONE_SMILEY
            else None
        )
        return lambda item, answers: value(item, answers) if item.milestone(name) else closed


def _set(column: Column, **changes: object) -> Column:
    return replace(column, **changes)  # type: ignore[arg-type]


def _of(text: Callable[[Item], str]) -> Callable[[Item, Answers], CellValue]:
    """A column's value from one of the item's texts; an empty text is a blank cell."""
    return lambda item, answers: text(item) or None


def _budget(year: int) -> Callable[[Item, Answers], CellValue]:
    return lambda item, answers: item.budget.get(year)


def _number(item: Item) -> str:
    return item.number


def _title(item: Item) -> str:
    return item.title


def _kind(item: Item) -> str:
    return item.kind.value


def _centre(item: Item) -> str:
    return item.centre


def _committee(item: Item) -> str:
    return item.committee


def _contributors(item: Item) -> str:
    # One name a line: names hold commas ("Skoler, Institutioner og Kultur").
    return item.contributors_text or "\n".join(item.contributors)


def _agreed(item: Item) -> str:
    return item.agreement_text


def _action(item: Item) -> str:
    return item.action_text


def _economy(item: Item) -> str:
    return item.economy_text
