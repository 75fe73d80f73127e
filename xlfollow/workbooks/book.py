"""One workbook of a round written with xlsxwriter: the front sheet, a sheet per chapter
with the declared columns, the summary sheets and lists of the master, and the very
hidden metadata sheet that identifies it when it comes back.

Every value goes in with write_string or write_number, never write(), so no text
becomes a formula or a link.
"""

from __future__ import annotations

import io
from typing import NamedTuple

from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from xlfollow.answers import Field
from xlfollow.definition.sheetnames import chapter_sheet_name
from xlfollow.messages import Language
from xlfollow.model import Chapter, Item
from xlfollow.texts import Texts, texts
from xlfollow.workbooks.column import CellValue, Column, ColumnKind
from xlfollow.workbooks.frontsheet import FrontSheet, write_front_sheet
from xlfollow.workbooks.layout import (
    FIRST_DATA_ROW,
    HEADER_ROW,
    LAYOUT_VERSION,
    METADATA_SHEET,
    SUMMARY_SHEETS,
    sheet_columns,
)
from xlfollow.workbooks.mastersheets import (
    MASTER_SHEETS,
    write_conflict_sheet,
    write_received_sheet,
)
from xlfollow.workbooks.printing import chapter_page
from xlfollow.workbooks.spec import IssuedWorkbook, WorkbookSpec
from xlfollow.workbooks.styles import Formats, TextSafeBook, row_height
from xlfollow.workbooks.summarycontext import ChapterRows, SummaryContext
from xlfollow.workbooks.summarysheets import write_summary_sheets
from xlfollow.workbooks.validations import Validations

__all__ = ["BookWriter"]


class _AnswerColumn(NamedTuple):
    """An answer column of a chapter sheet, with the formats of its cells."""

    col: int
    column: Column
    field: Field
    open: Format
    conflict: Format
    closed: Format
    bound: bool
    """It answers the milestone: locked in a row without one this round."""


_PROTECTION = {
    "autofilter": True,
    "format_columns": True,
    "format_rows": True,
    "select_locked_cells": True,
    "select_unlocked_cells": True,
}
"""What a recipient may still do on a protected chapter sheet."""


class BookWriter:
    """Writes one workbook of a round: its front sheet, its chapter sheets, and the
    master's own sheets if it is the master."""

    def __init__(
        self,
        spec: WorkbookSpec,
        columns: tuple[Column, ...] | None = None,
        row_cache: dict[str, tuple[list[str | float | None], float]] | None = None,
    ) -> None:
        self.spec = spec
        self.row_cache = {} if row_cache is None else row_cache
        self.agreement = spec.definition.agreement
        self.language = spec.definition.settings.language
        self.texts: Texts = texts(self.language)
        self.round = spec.definition.rounds[spec.round_index]
        self.columns = columns or sheet_columns(self.agreement, spec.round_index, self.language)
        self.buffer = io.BytesIO()
        self.book = TextSafeBook(self.buffer, {"in_memory": True, "strings_to_numbers": False})
        self.formats = Formats(self.book)
        self.cells: list[tuple[str, Field, str]] = []
        self.locked: list[tuple[str, Field, str]] = []
        round_name = self.agreement.rounds[spec.round_index]
        self.in_conflict = {
            (c.item, field) for c in spec.conflicts if c.round == round_name for field in c.incoming
        }
        self._earlier = [
            (column, column.round_name, column.field)
            for column in self.columns
            if column.field is not None
            and column.round_name is not None
            and column.round_index is not None
            and column.round_index < spec.round_index
        ]
        self.earlier: list[tuple[str, str, str, str]] = []
        self._shows = [column.shows for column in self.columns]
        f, columns = self.formats, self.columns
        # Per answer column, worked out once: its index, field, formats, and whether
        # it answers the milestone (locked in a row without one).
        self._answer_columns = [
            _AnswerColumn(
                index,
                column,
                column.field,
                f.cell(column, True),
                f.conflict_number if column.kind is ColumnKind.AMOUNT else f.conflict,
                f.cell(column, False),
                column.milestone_bound,
            )
            for index, column in enumerate(columns)
            if column.editable and column.field is not None
        ]
        self._locked = [(index, f.cell(column, False)) for index, column in enumerate(columns)]
        self._fixed = [(index, fmt) for index, fmt in self._locked if not columns[index].editable]
        # An item the recipient only contributes to is marked in its number and title
        # cells (the front sheet says how), as its Ansvarligt center names another.
        marked = {"number", "title"}
        self._contributed = {
            key: [
                (index, f.contributed if columns[index].key in marked else fmt)
                for index, fmt in formats
            ]
            for key, formats in (("fixed", self._fixed), ("locked", self._locked))
        }
        self._open_rows: dict[int, list[int]] = {}
        """Per answer column, the rows of the sheet being written it can be filled in on."""
        self._budget_columns = [
            (index, column.year)
            for index, column in enumerate(columns)
            if column.kind is ColumnKind.AMOUNT and column.field is None and column.year
        ]
        # The width of each column whose text sets a row's height; 0 for the others.
        self._validations = Validations(self.columns, self.formats, self.texts, self.round.name)
        self._visible_widths = [
            0.0 if column.grouped or column.hidden else column.width for column in self.columns
        ]

    def write(self, rows: list[tuple[Item, bool]]) -> IssuedWorkbook:
        """Write the workbook of the recipient's rows: (item, whether it answers it)."""
        spec = self.spec
        by_chapter = [
            (chapter, [row for row in rows if row[0].chapter == chapter.number])
            for chapter in self.agreement.chapters
        ]
        by_chapter = [
            (chapter, chapter_rows) for chapter, chapter_rows in by_chapter if chapter_rows
        ]
        self._properties()
        front = self.book.add_worksheet(self.texts["front_sheet"])
        summary_sheets = {
            key: self.book.add_worksheet(self.texts[f"{key}_sheet"])
            for key in SUMMARY_SHEETS
            if spec.master_sheets and spec.summary is not None
        }
        for chapter, chapter_rows in by_chapter:
            self._chapter_sheet(chapter, chapter_rows)
        if spec.summary is not None and summary_sheets:
            context = SummaryContext(
                self.book,
                self.formats,
                self.texts,
                spec.definition,
                spec.summary,
                self.columns,
                tuple(
                    ChapterRows(chapter_sheet_name(chapter), tuple(item for item, _ in rows))
                    for chapter, rows in by_chapter
                ),
                spec.password,
            )
            write_summary_sheets(context, summary_sheets)
        if spec.master_sheets:
            write_conflict_sheet(self.book, self.formats, self.texts, spec)
            write_received_sheet(self.book, self.formats, self.texts, spec.receipts, spec.password)
        write_front_sheet(
            front,
            FrontSheet(
                self.agreement,
                self.round,
                spec.recipient.name,
                spec.reply_to,
                self.language,
                [(chapter, len(chapter_rows)) for chapter, chapter_rows in by_chapter],
                department=spec.definition.settings.sender.department,
                master_sheets=(*summary_sheets, *(MASTER_SHEETS if spec.master_sheets else ())),
                contributed=spec.contributors if self._contributes(rows) else None,
            ),
            self.formats,
            self.texts,
            spec.password,
        )
        self._metadata_sheet()
        self.book.close()
        return IssuedWorkbook(
            self.buffer.getvalue(),
            tuple(self.cells),
            len(rows),
            tuple(self.locked),
            tuple(self.earlier),
        )

    def _properties(self) -> None:
        spec = self.spec
        who = spec.recipient.name or self.texts["master"]
        self.book.set_properties(
            {
                "title": f"{self.agreement.title}: {self.round.name}",
                "subject": who,
                "company": self.agreement.municipality,
                "comments": "xlfollow",
                "created": spec.issued_at,
            }
        )
        for key, value in self._metadata().items():
            self.book.set_custom_property(f"xlfollow_{key}", value)

    def _contributes(self, rows: list[tuple[Item, bool]]) -> bool:
        """Whether a centre's workbook shows an item the centre only contributes to."""
        name = self.spec.recipient.name
        return not self.spec.recipient.is_master and any(item.centre != name for item, _ in rows)

    def _metadata(self) -> dict[str, str]:
        spec = self.spec
        return {
            "issue_id": spec.issue_id,
            "fingerprint": spec.fingerprint,
            "round": self.round.name,
            "round_index": str(spec.round_index),
            "centre": spec.recipient.name,
            "centre_code": spec.recipient.code,
            "layout_version": str(LAYOUT_VERSION),
            "tool_version": spec.tool_version,
            "issued_at": spec.issued_at.isoformat(),
            "language": self.language.value,
        }

    def _metadata_sheet(self) -> None:
        sheet = self.book.add_worksheet(METADATA_SHEET)
        for row, (key, value) in enumerate(self._metadata().items()):
            sheet.write_string(row, 0, key)
            sheet.write_string(row, 1, value)
        sheet.protect(self.spec.password)
        sheet.very_hidden()

    def _chapter_sheet(self, chapter: Chapter, rows: list[tuple[Item, bool]]) -> None:
        sheet = self.book.add_worksheet(chapter_sheet_name(chapter))
        self._sheet_head(sheet, chapter)
        # The rows each answer column can be filled in on: the milestone's cells
        # are closed in rows without a milestone this round.
        self._open_rows = {entry.col: [] for entry in self._answer_columns}
        for offset, (item, editable) in enumerate(rows):
            self._item_row(sheet, FIRST_DATA_ROW + offset, item, editable)
        if rows:
            self._validations.apply(sheet, self._open_rows)
            last_row = FIRST_DATA_ROW + len(rows) - 1
            sheet.autofilter(HEADER_ROW, 0, last_row, len(self.columns) - 1)
        sheet.freeze_panes(FIRST_DATA_ROW, 3)
        self._print_setup(sheet, FIRST_DATA_ROW + len(rows) - 1)
        sheet.protect(self.spec.password, _PROTECTION)

    def _sheet_head(self, sheet: Worksheet, chapter: Chapter) -> None:
        """The sheet's title, the columns' headers, widths, formats and groups."""
        f, columns = self.formats, self.columns
        sheet.write_string(
            0, 1, f"{chapter.number}. {chapter.title} · {self.round.name}", f.sheet_title
        )
        # A row format, so the title row is not shaded by the columns' formats.
        sheet.set_row(0, 22, f.plain)
        for index, column in enumerate(columns):
            sheet.write_string(HEADER_ROW, index, column.header, f.header)
            options: dict[str, object] = {}
            if column.hidden:
                options["hidden"] = True
            if column.grouped:
                options.update(level=1, hidden=True)
            elif index and columns[index - 1].grouped:
                options["collapsed"] = True
            # The column's format shows every empty locked cell, so only values
            # and the cells a recipient may fill in need writing.
            sheet.set_column(index, index, column.width, f.cell(column, False), options)
        sheet.set_row(HEADER_ROW, row_height([(c.header, c.width) for c in columns], minimum=30))

    def _item_row(self, sheet: Worksheet, row: int, item: Item, editable: bool) -> None:
        """An item's row: its values, and the answer cells the recipient may fill in
        (`editable`) or that are shown locked (an item it contributes to)."""
        values, height = self._row(item)
        sheet.set_row(row, height)
        formats = self._fixed if editable else self._locked
        if not self.spec.recipient.is_master and item.centre != self.spec.recipient.name:
            formats = self._contributed["fixed" if editable else "locked"]
        for index, fmt in formats:
            value = values[index]
            if isinstance(value, str):
                sheet.write_string(row, index, value, fmt)
            elif value is not None:
                sheet.write_number(row, index, value, fmt)
        if item.budget.named:
            for index, year in self._budget_columns:
                if note := self._series_note(item, year):
                    sheet.write_comment(row, index, note, {"x_scale": 1.6})
        for column, round_of, shown_field in self._earlier:
            if item.milestone(round_of) or not column.milestone_bound:
                answer = self._answer(column, item)
                self.earlier.append((round_of, item.number, shown_field, answer))
        self._answer_cells(sheet, row, item, values, editable)

    def _answer_cells(
        self, sheet: Worksheet, row: int, item: Item, values: list[CellValue], editable: bool
    ) -> None:
        """The current round's answer cells of a row: open where the recipient answers
        (marked where the answer is in conflict), else recorded as shown locked."""
        number = item.number
        open_milestone = bool(item.milestone(self.round.name))
        if not editable:
            for entry in self._answer_columns:
                if open_milestone or not entry.bound:
                    answer = self._answer(entry.column, item)
                    self.locked.append((number, entry.field, answer))
            return
        for entry in self._answer_columns:
            index = entry.col
            if entry.bound and not open_milestone:
                self._write(sheet, row, index, values[index], entry.closed)
                continue
            self._open_rows[index].append(row)
            in_conflict = (number, entry.field) in self.in_conflict
            fmt = entry.conflict if in_conflict else entry.open
            self._write(sheet, row, index, values[index], fmt)
            self.cells.append((number, entry.field, self._answer(entry.column, item)))

    def _answer(self, column: Column, item: Item) -> str:
        return column.answer(item, self.spec.answers)

    def _row(self, item: Item) -> tuple[list[str | float | None], float]:
        """An item's cell values and row height: the same in every workbook of the round."""
        cached = self.row_cache.get(item.number)
        if cached is None:
            answers = self.spec.answers
            values = [shows(item, answers) for shows in self._shows]
            visible = [
                (value, width)
                for value, width in zip(values, self._visible_widths, strict=True)
                if width and isinstance(value, str)
            ]
            cached = self.row_cache[item.number] = (values, row_height(visible))
        return cached

    def _series_note(self, item: Item, year: int) -> str:
        """What an item's amount for a year is made of, when it has several series:
        the note its budget cell carries."""
        parts = [(s.name, s.amounts[year]) for s in item.budget.series if year in s.amounts]
        if len(parts) < 2:
            return ""
        comma = self.language is Language.DA
        lines = [self.texts["budget_series"].format(year=year)]
        for name, amount in parts:
            written = f"{amount:g}"
            lines.append(f"{name}: {written.replace('.', ',') if comma else written}")
        return "\n".join(lines)

    @staticmethod
    def _write(
        sheet: Worksheet, row: int, col: int, value: str | float | None, fmt: Format
    ) -> None:
        if value is None:
            sheet.write_blank(row, col, None, fmt)
        elif isinstance(value, float):
            sheet.write_number(row, col, value, fmt)
        else:
            sheet.write_string(row, col, value, fmt)

    def _print_setup(self, sheet: Worksheet, last_row: int) -> None:
        """The chapter sheet's page (printing.chapter_page) and its footer: the
        agreement, the recipient and round, the page."""
        chapter_page(sheet, self.columns, last_row)
        who = self.spec.recipient.name or self.texts["master"]
        left = _footer_text(self.agreement.title)
        centre = _footer_text(f"{who} · {self.round.name}")
        sheet.set_footer(f"&L{left}&C{centre}&R{self.texts['footer_page']}"[:250])


def _footer_text(text: str) -> str:
    # In a header or footer, & starts a code; a literal one is written twice.
    return text.replace("&", "&&")
