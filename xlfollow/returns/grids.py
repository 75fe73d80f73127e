"""A sheet's cell values as python-calamine gives them, and how a reader looks at them:
a grid of rows from A1, a cell's value as text, and a cell's name (C7)."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from python_calamine import CalamineError, CalamineWorkbook

from xlfollow.errors import WorkbookError
from xlfollow.messages import Text

__all__ = ["Grid", "at_row", "cell_at", "cell_name", "cell_text", "fold", "sheet_grid"]

Grid = list[list[object]]
"""A sheet's values, rows of cells from A1."""


def cell_name(row: int, col: int) -> str:
    """'K3' for 0-based row 2, column 10."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def sheet_grid(book: CalamineWorkbook, name: str, path: Path) -> Grid:
    """A sheet's values from A1, whatever cell its used range starts at: without
    skipping the empty area, calamine gives the rows and columns before it as empty
    cells (a sheet whose title row was cleared starts at row 2, and its cells stand
    where they are; padding them again would move every cell a row down)."""
    try:
        return cast(Grid, book.get_sheet_by_name(name).to_python(skip_empty_area=False))
    except CalamineError as exc:
        raise WorkbookError(
            path,
            Text(
                "the workbook is damaged: sheet '{sheet}' cannot be read ({why}); open it in "
                "Excel, save it as .xlsx and send it again",
                sheet=name,
                why=str(exc),
            ),
        ) from exc


def cell_at(grid: Grid, row: int, col: int) -> object:
    """A cell's value, None where the grid does not reach (or the cell is empty)."""
    if row < len(grid) and col < len(grid[row]):
        value = grid[row][col]
        return None if value == "" else value
    return None


def cell_text(value: object) -> str:
    """A cell value as text; whole numbers without a trailing '.0'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def fold(header: str) -> str:
    """A header as it is compared: in any letter case and spacing."""
    return " ".join(header.casefold().split())


def at_row(row: list[object], col: int) -> object:
    """A row's cell, None past its end."""
    return row[col] if col < len(row) else None
