"""Read a returned workbook back into submitted cells, using the writer's layout.

Cells are read as values (openpyxl, with defusedxml installed so XML entity
tricks are refused). Columns are found by their headers and rows by the
hidden key column, falling back to the visible item number, so a sorted,
filtered or renamed sheet, or an inserted row, reads the same. Every answer
cell becomes a SubmittedCell; one that does not fit its column carries the
problem, with file, sheet and cell, so the merge refuses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from xlfollow.errors import XlfollowError
from xlfollow.layout import (
    FIRST_DATA_ROW,
    HEADER_ROW,
    CellError,
    Column,
    answer_of,
    sheet_columns,
)
from xlfollow.merge import SubmittedCell
from xlfollow.model import Agreement, Item, Language
from xlfollow.texts import texts
from xlfollow.workbook import METADATA_SHEET

__all__ = ["REQUIRED_METADATA", "ReturnedWorkbook", "WorkbookError", "read_workbook"]

REQUIRED_METADATA = ("issue_id", "fingerprint", "round", "round_index", "layout_version")


class WorkbookError(XlfollowError):
    """A returned workbook cannot be read at all; the message names the file and why."""


@dataclass(frozen=True)
class ReturnedWorkbook:
    """What a returned workbook says: who it was issued to, and its answer cells."""

    metadata: dict[str, str]
    cells: tuple[SubmittedCell, ...]
    tampered: tuple[str, ...]
    """Locked texts that were changed: reported, ignored."""
    missing: tuple[str, ...]
    """Item numbers the workbook should hold but does not."""
    decisions: tuple[tuple[int, str], ...] = ()
    """(conflict id, decision) from a master's conflict sheet."""

    def values(self) -> dict[tuple[str, str], str]:
        """The readable answers by (item, field)."""
        return {(c.item, c.field): c.value for c in self.cells if not c.problem}


def read_metadata(book: Any, path: Path) -> dict[str, str]:
    """The identifying metadata of an issued workbook; WorkbookError if it has none."""
    if METADATA_SHEET not in book.sheetnames:
        raise WorkbookError(
            f"{path}: not a workbook issued by xlfollow (it has no {METADATA_SHEET} sheet); "
            "send the workbook that was sent to you"
        )
    metadata = {
        str(row[0]): "" if row[1] is None else str(row[1])
        for row in book[METADATA_SHEET].iter_rows(min_col=1, max_col=2, values_only=True)
        if row and row[0]
    }
    missing = [key for key in REQUIRED_METADATA if not metadata.get(key)]
    if missing:
        raise WorkbookError(
            f"{path}: its {METADATA_SHEET} sheet lacks {', '.join(missing)}; "
            "send the workbook that was sent to you"
        )
    return metadata


def read_workbook(path: Path, agreement: Agreement) -> ReturnedWorkbook:
    """Read the metadata and the current round's answer cells of a workbook xlfollow issued."""
    try:
        book = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a file it cannot read
        raise WorkbookError(
            f"{path}: cannot be read as an .xlsx workbook ({type(exc).__name__}: {exc}); "
            "save it from Excel as .xlsx and send it again"
        ) from exc
    metadata = read_metadata(book, path)
    language = Language(metadata.get("language", "da"))
    round_index = int(metadata["round_index"])
    if not 0 <= round_index < len(agreement.rounds):
        raise WorkbookError(f"{path}: it names round {round_index + 1}, which the agreement lacks")
    columns = sheet_columns(agreement, round_index, texts(language).headers)
    items = {item.number: item for item in agreement.items}
    reader = _SheetReader(path, agreement, language, columns, items)
    for sheet in book.worksheets:
        if sheet.title not in (METADATA_SHEET, texts(language)["conflicts_sheet"]):
            reader.read(sheet)
    conflict_sheet = texts(language)["conflicts_sheet"]
    decisions = _decisions(book[conflict_sheet]) if conflict_sheet in book.sheetnames else ()
    return ReturnedWorkbook(
        metadata,
        tuple(reader.cells),
        tuple(reader.tampered),
        tuple(sorted(reader.missing_from(metadata), key=_number_order)),
        decisions,
    )


def _number_order(number: str) -> list[int | str]:
    return [int(part) if part.isdigit() else part for part in number.split(".")]


class _SheetReader:
    def __init__(
        self,
        path: Path,
        agreement: Agreement,
        language: Language,
        columns: tuple[Column, ...],
        items: dict[str, Item],
    ) -> None:
        self.path = path
        self.agreement = agreement
        self.language = language
        self.columns = columns
        self.items = items
        current = next(c.round_index for c in columns if c.editable and c.round_index is not None)
        self.round_name = agreement.rounds[current]
        self.locked_keys = {"title", "economy_text", f"milestone_text@{current}"}
        self.cells: list[SubmittedCell] = []
        self.tampered: list[str] = []
        self.seen: set[str] = set()

    def where(self, sheet: Worksheet, coordinate: str) -> str:
        return f"{self.path}, sheet '{sheet.title}', cell {coordinate}"

    def read(self, sheet: Worksheet) -> None:
        headers = {
            str(cell.value).strip(): cell.column
            for cell in sheet[HEADER_ROW + 1]
            if cell.value is not None
        }
        by_key = {column.key: headers.get(column.header) for column in self.columns}
        if by_key["number"] is None and by_key["key"] is None:
            return  # not a chapter sheet: the front sheet, or one the user added
        answers = [(c, by_key[c.key]) for c in self.columns if c.editable and by_key[c.key]]
        locked = [(c, by_key[c.key]) for c in self.columns if c.key in self.locked_keys]
        for row in range(FIRST_DATA_ROW + 1, sheet.max_row + 1):
            item = self._item(sheet, row, by_key.get("key"), by_key.get("number"))
            values = [(column, col, sheet.cell(row, col)) for column, col in answers if col]
            if item is None:
                for column, _, cell in values:
                    if cell.value not in (None, ""):
                        assert column.field is not None
                        self.cells.append(
                            SubmittedCell(
                                "?",
                                column.field.value,
                                str(cell.value),
                                sheet.title,
                                cell.coordinate,
                                f"{self.where(sheet, cell.coordinate)}: the row has no item "
                                "number this workbook knows; answer in the item's own row",
                            )
                        )
                continue
            self.seen.add(item.number)
            self._check_locked(sheet, row, item, locked)
            for column, _, cell in values:
                assert column.field is not None
                try:
                    value = answer_of(column, cell.value, self.agreement, self.language)
                    problem = ""
                except CellError as exc:
                    value, problem = str(cell.value), f"{self.where(sheet, cell.coordinate)}: {exc}"
                self.cells.append(
                    SubmittedCell(
                        item.number,
                        column.field.value,
                        value,
                        sheet.title,
                        cell.coordinate,
                        problem,
                    )
                )

    def _item(
        self, sheet: Worksheet, row: int, key_col: int | None, number_col: int | None
    ) -> Item | None:
        for col in (key_col, number_col):
            if col is None:
                continue
            value = sheet.cell(row, col).value
            if value is not None and str(value).strip() in self.items:
                return self.items[str(value).strip()]
        return None

    def _check_locked(
        self, sheet: Worksheet, row: int, item: Item, locked: list[tuple[Column, int | None]]
    ) -> None:
        for column, col in locked:
            if col is None:
                continue
            cell = sheet.cell(row, col)
            found = "" if cell.value is None else str(cell.value).strip()
            if column.key == "title":
                issued = item.title
            elif column.key == "economy_text":
                issued = item.economy_text
            else:
                issued = item.milestone(self.round_name)
            if found != issued:
                self.tampered.append(
                    f"{self.where(sheet, cell.coordinate)}: the locked '{column.header}' of "
                    f"item {item.number} was changed; the change is ignored, the answers are taken"
                )

    def missing_from(self, metadata: dict[str, str]) -> set[str]:
        centre = metadata.get("centre", "")
        expected = {
            item.number for item in self.agreement.items if not centre or item.centre == centre
        }
        return expected - self.seen


def _decisions(sheet: Worksheet) -> tuple[tuple[int, str], ...]:
    found = []
    for row in sheet.iter_rows(min_row=HEADER_ROW + 2, values_only=True):
        if row and isinstance(row[0], int | float) and row[-1]:
            found.append((int(row[0]), str(row[-1]).strip()))
    return tuple(found)
