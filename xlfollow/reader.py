"""Read a returned workbook back into answers, using the same layout as the writer.

Cells are read as values (openpyxl with defusedxml installed, so XML entity
tricks are refused); columns are found by their headers and rows by the
hidden key column, so a sorted or filtered sheet reads the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import openpyxl

from xlfollow.errors import XlfollowError
from xlfollow.layout import (
    FIRST_DATA_ROW,
    HEADER_ROW,
    CellError,
    answer_of,
    sheet_columns,
)
from xlfollow.model import Agreement, Language
from xlfollow.texts import texts
from xlfollow.workbook import METADATA_SHEET

__all__ = ["ReturnedWorkbook", "WorkbookError", "read_workbook"]


class WorkbookError(XlfollowError):
    """A returned workbook cannot be read; the message names file, sheet and cell."""


@dataclass(frozen=True)
class ReturnedWorkbook:
    """What a returned workbook says: who it was issued to, and its answers."""

    metadata: dict[str, str]
    answers: dict[tuple[str, str], str]
    """Stored answer by (item number, field) for every answer cell of the round."""
    problems: tuple[str, ...]
    """Cells that could not be read, each with file, sheet, cell and what to do."""


def read_workbook(path: Path, agreement: Agreement) -> ReturnedWorkbook:
    """Read the metadata and the current round's answers of a workbook xlfollow issued."""
    try:
        book = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise WorkbookError(f"{path}: cannot be read as an .xlsx workbook ({exc})") from exc
    if METADATA_SHEET not in book.sheetnames:
        raise WorkbookError(
            f"{path}: not a workbook issued by xlfollow (no {METADATA_SHEET} sheet)"
        )
    metadata = {
        str(row[0]): str(row[1] or "")
        for row in book[METADATA_SHEET].iter_rows(values_only=True)
        if row and row[0]
    }
    language = Language(metadata.get("language", "da"))
    round_index = int(metadata["round_index"])
    columns = sheet_columns(agreement, round_index, texts(language).headers)
    answers: dict[tuple[str, str], str] = {}
    problems: list[str] = []
    for sheet in book.worksheets:
        if sheet.title == METADATA_SHEET:
            continue
        headers = {
            str(cell.value): cell.column for cell in sheet[HEADER_ROW + 1] if cell.value is not None
        }
        if columns[0].header not in headers:
            continue  # the front sheet
        key_col = headers[columns[0].header]
        wanted = [
            (column, headers[column.header])
            for column in columns
            if column.editable and column.header in headers
        ]
        for row in range(FIRST_DATA_ROW + 1, sheet.max_row + 1):
            key = sheet.cell(row, key_col).value
            if key is None:
                continue
            for column, col in wanted:
                cell = sheet.cell(row, col)
                try:
                    value = answer_of(column, cell.value, agreement, language)
                except CellError as exc:
                    problems.append(f"{path}, sheet '{sheet.title}', cell {cell.coordinate}: {exc}")
                    continue
                assert column.field is not None
                answers[(str(key), column.field.value)] = value
    return ReturnedWorkbook(metadata, answers, tuple(problems))
