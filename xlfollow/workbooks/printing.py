"""How the sheets print: A4 landscape, at a scale a person can read.

Excel and LibreOffice print a sheet "a page wide" by shrinking it, whatever the size
that comes to: a chapter sheet's columns are three A4 widths, so its 10 pt text came
out at 3 pt. Here a sheet is fitted to a page's width only when that keeps its scale
at MIN_SCALE or more (8 pt text); a wider sheet prints at a fixed scale, its width
spanning pages, with the columns that say which item a row is repeated on each.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xlfollow.workbooks.column import Column
from xlfollow.workbooks.layout import FIRST_DATA_ROW, HEADER_ROW

__all__ = [
    "MIN_SCALE",
    "PRINTABLE_HEIGHT",
    "PRINTABLE_WIDTH",
    "chapter_page",
    "column_points",
    "page_breaks",
    "pages_across",
    "print_scale",
    "set_a4_landscape",
    "wide_page",
]

MIN_SCALE = 80
"""The smallest print scale, in per cent: 10 pt text prints at 8 pt."""

_SIDE_MARGIN = 0.25
_TOP_MARGIN = 0.5
_BOTTOM_MARGIN = 0.6
"""Page margins in inches: narrow at the sides, room for the footer at the bottom."""

PRINTABLE_WIDTH = 841.9 - 2 * 72 * _SIDE_MARGIN
"""An A4 landscape page's width within its margins, in points."""
PRINTABLE_HEIGHT = 595.3 - 72 * (_TOP_MARGIN + _BOTTOM_MARGIN)
"""An A4 landscape page's height within its margins, in points."""


_POINTS_A_CHARACTER = 5.55
"""A column's printed width in points per character of its width as written: Calc's
(measured in its PDFs), 6 % more than Excel's 7 pixels (5.25 points), so that what fits
a page in Calc fits in Excel too."""


def column_points(width: float) -> float:
    """A column's printed width in points, from its width in characters as xlsxwriter
    sets it (which adds five pixels of padding, in sevenths of a character)."""
    pixels = int(width * 7 + 0.5) + 5 if width >= 1 else int(width * 12 + 0.5)
    return pixels / 7 * _POINTS_A_CHARACTER


def pages_across(widths: Sequence[float], repeated: float, scale: int) -> int:
    """How many pages a row of columns (widths in points) spans at a scale, with
    `repeated` points of repeated columns on each page; a column is never split."""
    room = PRINTABLE_WIDTH * 100 / scale - repeated
    pages, used = 1, 0.0
    for width in widths:
        if used and used + width > room:
            pages, used = pages + 1, 0.0
        used += width
    return pages


def print_scale(widths: Sequence[float], repeated: float = 0.0) -> int | None:
    """The scale to print columns of these widths (points) at: None when they fit a
    page's width at MIN_SCALE or more (then fit them to it); else the largest scale
    down to MIN_SCALE that needs no more pages across than MIN_SCALE does."""
    if sum(widths) * MIN_SCALE / 100 <= PRINTABLE_WIDTH:
        return None
    fewest = pages_across(widths, repeated, MIN_SCALE)
    return next(
        scale
        for scale in range(100, MIN_SCALE - 1, -1)
        if pages_across(widths, repeated, scale) <= fewest
    )


def set_a4_landscape(sheet: Any, title_rows: int) -> None:
    """A4 landscape with narrow margins, the first `title_rows` rows on every page."""
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.set_margins(_SIDE_MARGIN, _SIDE_MARGIN, _TOP_MARGIN, _BOTTOM_MARGIN)
    sheet.repeat_rows(0, title_rows - 1)


def wide_page(sheet: Any, widths: Sequence[float], title_rows: int) -> None:
    """A list sheet's page: A4 landscape, the title and header rows on every page, a
    page wide when that keeps MIN_SCALE (its columns are chosen so that it does), else
    at a scale its width spans pages at. `widths`: its columns' widths in characters."""
    set_a4_landscape(sheet, title_rows)
    scale = print_scale([column_points(width) for width in widths])
    if scale is None:
        sheet.fit_to_pages(1, 0)
    else:
        sheet.set_print_scale(scale)


def page_breaks(blocks: Sequence[tuple[int, float]], room: float) -> list[int]:
    """Where to break pages so that no block (its first row, its height in points,
    each block running to the next one's first row) is cut in two: before every block
    that no longer fits the page's `room` (points of the sheet a page holds). A block
    taller than a page starts a page of its own."""
    breaks: list[int] = []
    used = 0.0
    for top, height in blocks:
        if used and used + height > room:
            breaks.append(top)
            used = 0.0
        used += height
    return breaks


def chapter_page(sheet: Any, columns: Sequence[Column], last_row: int) -> None:
    """A chapter sheet's page: A4 landscape, the title and header rows on every page;
    the printed columns (the hidden key and the collapsed long texts do not print) a
    page wide if that keeps the text readable, else at a scale their width spans pages
    at, with the item's number and title repeated on each page."""
    printed = [column_points(c.width) for c in columns if not (c.hidden or c.grouped)]
    keys = [column.key for column in columns]
    repeated = (keys.index("number"), keys.index("title"))
    repeated_width = sum(column_points(columns[col].width) for col in repeated)
    set_a4_landscape(sheet, FIRST_DATA_ROW)
    first = next(col for col, column in enumerate(columns) if not column.hidden)
    sheet.print_area(0, first, max(last_row, HEADER_ROW), len(columns) - 1)
    scale = print_scale(printed, repeated_width)
    if scale is None:
        sheet.fit_to_pages(1, 0)
    else:
        sheet.set_print_scale(scale)
        sheet.repeat_columns(*repeated)
        # A row's pages one after the other: its item is read across, then down.
        sheet.print_across()
