"""Build returned workbooks as a centre would: open the issued file, type, save."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import yaml
from openpyxl.worksheet.worksheet import Worksheet

from xlfollow.workbooks.layout import FIRST_DATA_ROW, HEADER_ROW

R1 = "1. budgetopfølgning 2018"
SMILEY = f"Smiley indsats – {R1}"
STATUS = f"Status {R1}"
ECONOMY = f"Smiley økonomi – {R1}"
ECONOMY_NOTE = f"Status økonomi – {R1}"
DEVIATION = f"Forventet afvigelse 2018 (mio. kr.) – {R1}"


Typed = str | int | float | None
"""What a test types into a cell: text (AsText among it), a number, or nothing."""


class AsText(str):
    """A value typed as text even where it looks like a formula: in Excel, '=1+1
    typed with a leading apostrophe."""


def headers(sheet: Worksheet) -> dict[str, int]:
    return {str(c.value): c.column for c in sheet[HEADER_ROW + 1] if c.value is not None}


def find_row(book: openpyxl.Workbook, item: str) -> tuple[Worksheet, int]:
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible" or "Nr." not in headers(sheet):
            continue
        column = headers(sheet)["Nr."]
        for row in range(FIRST_DATA_ROW + 1, sheet.max_row + 1):
            if str(sheet.cell(row, column).value) == item:
                return sheet, row
    raise KeyError(item)


def cell_of(workbook: Path, item: str, header: str) -> tuple[str, str]:
    """(sheet name, cell) of an item's cell in a column of a workbook, e.g. ('4. …', 'K15')."""
    sheet, row = find_row(openpyxl.load_workbook(workbook), item)
    return sheet.title, sheet.cell(row, headers(sheet)[header]).coordinate


def without_milestone(workspace: Path, round_name: str) -> set[str]:
    """The items with no milestone text for a round, read from the workspace's
    agreement.yaml itself rather than through xlfollow."""
    data = yaml.safe_load((workspace / "agreement.yaml").read_text(encoding="utf-8"))
    return {
        str(item["number"])
        for item in data["items"]
        if not str((item.get("milestones") or {}).get(round_name) or "").strip()
    }


def fill(
    issued: Path,
    out: Path,
    answers: dict[tuple[str, str], Typed],
    *,
    reverse_rows: str | None = None,
    rename: tuple[str, str] | None = None,
) -> Path:
    """A copy of an issued workbook with `answers` typed in, by (item, column header).

    reverse_rows: a sheet whose data rows are put in reverse order (as a sort would);
    rename: (old, new) sheet names.
    """
    shutil.copy(issued, out)
    book = openpyxl.load_workbook(out)
    for (item, header), value in answers.items():
        sheet, row = find_row(book, item)
        cell = sheet.cell(row, headers(sheet)[header])
        cell.value = value
        if isinstance(value, AsText):
            cell.data_type = "s"
    if reverse_rows is not None:
        sheet = book[reverse_rows]
        first, last = FIRST_DATA_ROW + 1, sheet.max_row
        rows = [
            [sheet.cell(r, c).value for c in range(1, sheet.max_column + 1)]
            for r in range(first, last + 1)
        ]
        for offset, values in enumerate(reversed(rows)):
            for col, moved in enumerate(values, 1):
                sheet.cell(first + offset, col).value = moved
    if rename is not None:
        book[rename[0]].title = rename[1]
    book.save(out)
    return out
