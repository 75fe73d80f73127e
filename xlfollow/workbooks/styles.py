"""The looks of the workbooks: colours, cell formats and row heights, made once per book."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from xlfollow.workbooks.column import Column, ColumnKind

__all__ = ["QUOTED_STARTS", "Formats", "TextSafeBook", "row_height", "wrapped_lines"]

QUOTED_STARTS = ("=", "+", "-", "@")
"""What a text may begin with that Excel takes for a formula once a person edits the cell."""


# xlsxwriter's classes reach mypy as Any (it reads no type information of theirs).
class TextSafeBook(Workbook):  # type: ignore[misc]
    """An xlsxwriter workbook whose texts that begin like a formula carry the quote
    prefix (Excel's leading apostrophe): a text written as a string is safe as written,
    but a person who opens the cell and presses Enter would turn "=1+1" or "-5 % ift.
    budget" into a formula (or #NAME?) without it."""

    def __init__(self, filename: Any, options: dict[str, Any] | None = None) -> None:
        self._properties: dict[int, dict[str, Any]] = {}  # set first: __init__ adds formats
        self._quoted: dict[int | None, Format] = {}
        super().__init__(filename, options)

    def add_format(self, properties: dict[str, Any] | None = None) -> Format:
        """A format, its properties remembered so that its quoted twin can be made."""
        made = super().add_format(properties)
        self._properties[id(made)] = dict(properties or {})
        return made

    def add_worksheet(self, name: str | None = None, worksheet_class: Any = None) -> Worksheet:
        """A worksheet that writes formula-like texts with the quote prefix."""
        sheet = super().add_worksheet(name, worksheet_class or _TextSafeSheet)
        if isinstance(sheet, _TextSafeSheet):
            sheet.quoted = self.quoted
        return sheet

    def quoted(self, fmt: Format | None) -> Format:
        """The format with the quote prefix added, made once per format."""
        key = None if fmt is None else id(fmt)
        if key not in self._quoted:
            properties = {} if key is None else self._properties.get(key, {})
            self._quoted[key] = self.add_format({**properties, "quote_prefix": True})
        return self._quoted[key]


class _TextSafeSheet(Worksheet):  # type: ignore[misc]
    quoted: Callable[[Format | None], Format]

    def _write_string(
        self, row: int, col: int, string: str, cell_format: Format | None = None
    ) -> Literal[0, -1, -2]:
        if string.startswith(QUOTED_STARTS):
            cell_format = self.quoted(cell_format)
        written: Literal[0, -1, -2] = super()._write_string(row, col, string, cell_format)
        return written


GREY = "#F2F2F2"
MISSING = "#FFF2CC"
CONFLICT = "#F8CBAD"
CONTRIBUTED = "#DDEBF7"
"""The number and title of an item a centre only contributes to (light blue)."""
INVALID_FILL = "#FFC7CE"
INVALID_FONT = "#9C0006"
ROW_HEIGHT = 15.0
LINE_HEIGHT = 13.5
"""A wrapped line of 10-point text in points: Excel's 12.75, and a little to spare."""
MAX_ROW_HEIGHT = 409.0  # Excel's limit
CHARACTERS_A_WIDTH = 1.2
"""Characters of 10-point text a line holds per character of a column's width: Calc
and Excel fit about 1.3 of an average Danish text's (Calibri or Carlito), so a little
less, as a line of wide letters holds fewer."""


def row_height(texts_and_widths: Iterable[tuple[str, float]], minimum: float = ROW_HEIGHT) -> float:
    """A row height that shows wrapped text whole: LibreOffice does not re-fit row
    heights when it opens an .xlsx, so long texts would overlap the next row, or be cut
    where the row is printed."""
    lines = 1
    for text, width in texts_and_widths:
        per_line = max(1, int(width * CHARACTERS_A_WIDTH))
        lines = max(lines, sum(wrapped_lines(part, per_line) for part in text.split("\n")))
    return min(MAX_ROW_HEIGHT, max(minimum, lines * LINE_HEIGHT + 3))


def wrapped_lines(paragraph: str, per_line: int) -> int:
    """The lines a paragraph takes wrapped at word breaks, `per_line` characters a
    line; a word longer than a line is broken within."""
    lines, used = 1, 0
    for word in paragraph.split():
        size = len(word)
        if used and used + 1 + size <= per_line:
            used += 1 + size
            continue
        if used:
            lines += 1
        lines += (size - 1) // per_line
        used = (size - 1) % per_line + 1
    return lines


class Formats:
    """The cell formats of one workbook, each made once."""

    def __init__(self, book: Any) -> None:
        self.book = book
        base = {"valign": "top", "text_wrap": True, "font_size": 10}
        self.title = book.add_format({"bold": True, "font_size": 16})
        self.sheet_title = book.add_format({"bold": True, "font_size": 13})
        self.heading = book.add_format({"bold": True, "font_size": 12})
        self.bold = book.add_format({"bold": True})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.left = book.add_format({"align": "left"})
        self.plain = book.add_format({"bg_color": "#FFFFFF"})
        self.link = book.add_format({"font_color": "blue", "underline": 1})
        self.header = book.add_format(
            {**base, "bold": True, "bg_color": "#D9E1F2", "border": 1, "locked": True}
        )
        self.locked_text = book.add_format({**base, "bg_color": GREY, "locked": True})
        self.contributed = book.add_format({**base, "bg_color": CONTRIBUTED, "locked": True})
        self.locked_number = book.add_format(
            {**base, "bg_color": GREY, "locked": True, "num_format": "#,##0.000"}
        )
        self.open_text = book.add_format(
            {**base, "locked": False, "border": 1, "border_color": "#BFBFBF"}
        )
        self.open_number = book.add_format(
            {
                **base,
                "locked": False,
                "num_format": "#,##0.000",
                "border": 1,
                "border_color": "#BFBFBF",
            }
        )
        self.missing = book.add_format({"bg_color": MISSING})
        conflict = {
            **base,
            "locked": False,
            "bg_color": CONFLICT,
            "border": 2,
            "border_color": "#C65911",
        }
        self.conflict = book.add_format(conflict)
        self.conflict_number = book.add_format({**conflict, "num_format": "#,##0.000"})
        self.invalid = book.add_format({"bg_color": INVALID_FILL, "font_color": INVALID_FONT})
        self._steps: dict[str, Any] = {}
        self._step_fills: dict[str, Any] = {}

    def cell(self, column: Column, unlocked: bool) -> Any:
        number = column.kind is ColumnKind.AMOUNT
        if unlocked:
            return self.open_number if number else self.open_text
        return self.locked_number if number else self.locked_text

    def step(self, colour: str) -> Any:
        """A filled label cell for the front sheet's smiley table."""
        if colour not in self._steps:
            self._steps[colour] = self.book.add_format(
                {"bg_color": colour, "border": 1, "valign": "top"}
            )
        return self._steps[colour]

    def step_fill(self, colour: str) -> Any:
        """A conditional fill for a smiley step."""
        if colour not in self._step_fills:
            self._step_fills[colour] = self.book.add_format({"bg_color": colour})
        return self._step_fills[colour]
