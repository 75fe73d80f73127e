"""What every summary sheet of the master shares: where the chapters' items are
(ChapterRows), what the sheets need of the master (SummaryContext), their cell
formats, a sheet's SUMPRODUCT terms over the chapter sheets of a group, and a
bar chart's size and place.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from xlfollow.definition.sheetnames import quote
from xlfollow.figures.summary import Summary
from xlfollow.model import Agreement, Definition, Item, Language
from xlfollow.texts import Texts
from xlfollow.workbooks.column import Column
from xlfollow.workbooks.layout import FIRST_DATA_ROW

__all__ = [
    "HEADER_HEIGHT",
    "ChapterRows",
    "SummaryContext",
    "SummaryFormats",
    "SummarySheet",
    "place_chart",
]

_GROUP_COLUMN = {"centre": "centre", "committee": "committee", "kind": "kind"}


@dataclass(frozen=True)
class ChapterRows:
    """Where a chapter's items are in the master: its sheet and its items in row order."""

    sheet: str
    items: tuple[Item, ...]

    @property
    def first(self) -> int:
        """The first data row, 1-based as formulas count."""
        return FIRST_DATA_ROW + 1

    @property
    def last(self) -> int:
        return FIRST_DATA_ROW + len(self.items)

    def range(self, letter: str) -> str:
        """An absolute reference to a column's data cells: 'Sheet'!$K$3:$K$29."""
        return f"{quote(self.sheet)}!${letter}${self.first}:${letter}${self.last}"


@dataclass(frozen=True)
class SummaryContext:
    """What the summary sheets need of the master they are written into."""

    book: Any
    formats: Any
    texts: Texts
    definition: Definition
    summary: Summary
    columns: tuple[Column, ...]
    chapters: tuple[ChapterRows, ...]
    password: str
    sheets: dict[str, dict[str, list[ChapterRows]]] = dataclasses.field(default_factory=dict)
    """Per grouping, per group: the chapter sheets that hold its items."""

    @property
    def agreement(self) -> Agreement:
        return self.definition.agreement

    @property
    def language(self) -> Language:
        return self.definition.settings.language

    def letter(self, key: str) -> str:
        """The column letter of a chapter-sheet column, by its key."""
        return str(xl_col_to_name(next(i for i, c in enumerate(self.columns) if c.key == key)))

    def header(self, key: str) -> str:
        return str(next(c.header for c in self.columns if c.key == key))


class SummaryFormats:
    """The summary sheets' own cell formats, added to the master's book only."""

    def __init__(self, book: Any, base: Any) -> None:
        self.header = base.header
        self.heading = base.heading
        self.sheet_title = base.sheet_title
        self.link = book.add_format({"font_color": "blue", "underline": 1, "valign": "top"})
        top = {"valign": "top", "font_size": 10}
        bold = {**top, "bold": True, "top": 1}
        self.label = book.add_format(top)
        self.total_label = book.add_format(bold)
        self.count = book.add_format({**top, "num_format": "0"})
        self.count_total = book.add_format({**top, "num_format": "0", "bold": True})
        self.total_count = book.add_format({**bold, "num_format": "0"})
        self.share = book.add_format({**top, "num_format": "0%", "font_color": "#595959"})
        self.total_share = book.add_format({**bold, "num_format": "0%"})
        self.amount = book.add_format({**top, "num_format": "#,##0.000"})
        self.total_amount = book.add_format({**bold, "num_format": "#,##0.000"})
        self.note = book.add_format({"italic": True, "font_color": "#595959"})
        self.hint = book.add_format({**top, "font_color": "#595959"})
        self.wrap_cell = book.add_format({**top, "text_wrap": True})
        self.worse = book.add_format({**top, "text_wrap": True, "font_color": "#9C0006"})


class SummarySheet:
    """A summary sheet being written: its tables' SUMPRODUCT terms over the chapter
    sheets of a group, and each group's link or filter hint."""

    def __init__(self, context: SummaryContext, sheet: Any) -> None:
        self.context = context
        self.sheet = sheet
        self.formats = context.formats
        self.texts = context.texts

    def chapters_of(self, grouping: str, group: str) -> list[ChapterRows]:
        """The chapter sheets that hold items of a group."""
        return self.context.sheets[grouping].get(group, [])

    def terms(
        self,
        grouping: str,
        group: str,
        label_cell: str,
        term: Callable[[ChapterRows], str],
        values: Callable[[ChapterRows], str] | None = None,
    ) -> str:
        """SUMPRODUCT over the group's chapter sheets of a condition (and values)."""
        parts = []
        for rows in self.chapters_of(grouping, group):
            condition = term(rows)
            if grouping == "chapter" and condition == "1" and values is not None:
                parts.append(f"SUM({values(rows)})")
                continue
            if grouping != "chapter":
                letter = self.context.letter(_GROUP_COLUMN[grouping])
                condition = f"({rows.range(letter)}={label_cell})*{condition}"
            if values is not None:
                parts.append(f"SUMPRODUCT({condition},{values(rows)})")
            else:
                parts.append(f"SUMPRODUCT({condition})")
        return "=" + ("+".join(parts) if parts else "0")

    def link_or_hint(self, row: int, col: int, grouping: str, group: str) -> None:
        """A chapter's link to its sheet; for another grouping, how to filter for the group."""
        if grouping == "chapter":
            rows = self.chapters_of(grouping, group)
            if rows:
                self.sheet.write_url(
                    row,
                    col,
                    f"internal:{quote(rows[0].sheet)}!A1",
                    self.formats.link,
                    self.texts["go_to_sheet"],
                )
            return
        column = self.context.header(_GROUP_COLUMN[grouping])
        self.sheet.write_string(
            row,
            col,
            self.texts["filter_hint"].format(column=column, group=group),
            self.formats.hint,
        )


HEADER_HEIGHT = 60
"""A table's header row in points: four lines, for the shares that say of what."""
ROW_PIXELS = 20
"""A default row's height in pixels (15 points)."""


def place_chart(sheet: Any, chart: Any, row: int, col: int, bars: int) -> int:
    """Size a bar chart for its bars (first at the top), put it at a cell; the rows
    it covers, so that the next table starts below it."""
    # 10 points: 8 printed at 80 % (printing.MIN_SCALE).
    chart.set_y_axis({"reverse": True, "num_font": {"size": 10}})
    chart.set_x_axis({"num_font": {"size": 10}, "major_gridlines": {"visible": True}})
    chart.set_legend({"position": "bottom", "font": {"size": 10}})
    height = 22 * bars + 120
    chart.set_size({"width": 640, "height": height})
    sheet.insert_chart(row, col, chart, {"object_position": 3})
    return -(-height // ROW_PIXELS)
