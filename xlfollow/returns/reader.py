"""Read a returned workbook back into submitted cells, using the writer's layout.

The file is scanned first (intake.py); only then does python-calamine read its
cell values. Columns are found by their headers and rows by the hidden key
column, falling back to the visible item number, so a sorted, filtered or
renamed sheet, or an inserted row, reads the same. Every answer cell becomes a
SubmittedCell; one that does not fit its column, or holds a formula, carries
the problem with file, sheet and cell, so the merge refuses it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook

from xlfollow.errors import ScanError, WorkbookError
from xlfollow.ledger.mergeplan import SubmittedCell
from xlfollow.messages import Text
from xlfollow.model import Agreement, Language
from xlfollow.returns.grids import Grid, at_row, cell_text, fold, sheet_grid
from xlfollow.returns.scan import scan_workbook
from xlfollow.returns.sheetreader import EarlierCell, SheetReader
from xlfollow.texts import texts
from xlfollow.workbooks.column import Column
from xlfollow.workbooks.layout import (
    FIRST_DATA_ROW,
    HEADER_ROW,
    METADATA_SHEET,
    SUMMARY_SHEETS,
    list_columns,
    sheet_columns,
)

__all__ = [
    "REQUIRED_METADATA",
    "Reading",
    "ReturnedWorkbook",
    "read_workbook",
]

REQUIRED_METADATA = ("issue_id", "fingerprint", "round", "round_index", "layout_version")


@dataclass(frozen=True)
class ReturnedWorkbook:
    """What a returned workbook says: who it was issued to, and its answer cells."""

    metadata: dict[str, str]
    cells: tuple[SubmittedCell, ...]
    tampered: tuple[Text, ...]
    """Locked texts that were changed: reported, ignored."""
    missing: tuple[str, ...]
    """Item numbers the workbook should hold but does not."""
    decisions: tuple[tuple[int, str], ...] = ()
    """(conflict id, decision) from a master's conflict sheet."""
    notes: tuple[Text, ...] = ()
    """Texts a spreadsheet could take for a formula: kept as text, and said so."""
    earlier: tuple[EarlierCell, ...] = ()
    """Earlier rounds' answers, shown locked: a changed one is refused, not ignored."""

    def values(self) -> dict[tuple[str, str], str]:
        """The readable answers by (item, field)."""
        return {(c.item, c.field): c.value for c in self.cells if c.problem is None}


class Reading:
    """What reading needs of an agreement, worked out once for a batch of files."""

    def __init__(self, agreement: Agreement) -> None:
        self.agreement = agreement
        self.items = {item.number: item for item in agreement.items}
        self.by_centre: dict[str, set[str]] = {}
        for item in agreement.items:
            self.by_centre.setdefault(item.centre, set()).add(item.number)
        self._columns: dict[tuple[int, Language], tuple[Column, ...]] = {}

    def columns(self, round_index: int, language: Language) -> tuple[Column, ...]:
        """The chapter sheets' columns for a round and language."""
        key = (round_index, language)
        if key not in self._columns:
            self._columns[key] = sheet_columns(self.agreement, round_index, language)
        return self._columns[key]

    def expected(self, centre: str) -> set[str]:
        """The items a workbook for a centre ('' for the master) holds as its own."""
        return self.by_centre.get(centre, set()) if centre else set(self.items)


def read_workbook(
    path: Path, agreement: Agreement, reading: Reading | None = None
) -> ReturnedWorkbook:
    """Read the metadata and the current round's answer cells of a workbook xlfollow issued."""
    reading = reading or Reading(agreement)
    try:
        scan = scan_workbook(path)
    except ScanError as exc:
        raise WorkbookError(path, exc.text) from exc
    # The scan catches what it can; what python-calamine still finds wrong (its
    # CalamineError and kinds: WorksheetNotFound, XmlError, ZipError, ...) is the
    # file's damage too, never xlfollow's failure.
    try:
        book = CalamineWorkbook.from_path(str(path))
    except CalamineError as exc:
        raise WorkbookError(
            path,
            Text(
                "the workbook is damaged: it cannot be read as .xlsx ({why}); open it in "
                "Excel, save it as .xlsx and send it again",
                why=str(exc),
            ),
        ) from exc
    metadata = _metadata(book, path)
    language, round_index = _language_and_round(metadata, path)
    if not 0 <= round_index < len(agreement.rounds):
        raise WorkbookError(
            path, Text("it names round {number}, which the agreement lacks", number=round_index + 1)
        )
    reader = SheetReader(path, reading.items, reading.columns(round_index, language), scan)
    words = texts(language)
    conflict_sheet = words["conflicts_sheet"]
    summaries = {words[f"{key}_sheet"] for key in SUMMARY_SHEETS}
    decisions: tuple[tuple[int, str], ...] = ()
    for name in book.sheet_names:
        if name == METADATA_SHEET:
            continue
        if name == conflict_sheet:
            decisions = _decisions(
                sheet_grid(book, name, path), name, language, path, reader.tampered
            )
        else:
            # A summary sheet is not read, but a chapter sheet renamed to a summary
            # sheet's name is: it has the key column, which no summary sheet has.
            reader.read(name, sheet_grid(book, name, path), need_key=name in summaries)
    return ReturnedWorkbook(
        metadata,
        tuple(reader.cells),
        tuple(reader.tampered),
        tuple(
            sorted(reading.expected(metadata.get("centre", "")) - reader.seen, key=_number_order)
        ),
        decisions,
        tuple(reader.notes),
        tuple(reader.earlier),
    )


def _language_and_round(metadata: dict[str, str], path: Path) -> tuple[Language, int]:
    """The workbook's language and round, as its metadata sheet gives them."""
    language, round_index = metadata.get("language", "da"), metadata["round_index"]
    for key, value, fits in (
        ("language", language, language in {known.value for known in Language}),
        ("round_index", round_index, re.fullmatch(r"[0-9]{1,3}", round_index) is not None),
    ):
        if not fits:
            raise WorkbookError(
                path,
                Text(
                    "its {sheet} sheet gives {value} as its {key}, which xlfollow never "
                    "writes; send the workbook that was sent to you",
                    sheet=METADATA_SHEET,
                    value=repr(value),
                    key=key,
                ),
            )
    return Language(language), int(round_index)


def _metadata(book: CalamineWorkbook, path: Path) -> dict[str, str]:
    if METADATA_SHEET not in book.sheet_names:
        raise WorkbookError(
            path,
            Text(
                "not a workbook issued by xlfollow (it has no {sheet} sheet); "
                "send the workbook that was sent to you",
                sheet=METADATA_SHEET,
            ),
        )
    metadata = {
        cell_text(row[0]): cell_text(row[1])
        for row in sheet_grid(book, METADATA_SHEET, path)
        if len(row) >= 2 and row[0] != ""
    }
    missing = [key for key in REQUIRED_METADATA if not metadata.get(key)]
    if missing:
        raise WorkbookError(
            path,
            Text(
                "its {sheet} sheet lacks {keys}; send the workbook that was sent to you",
                sheet=METADATA_SHEET,
                keys=", ".join(missing),
            ),
        )
    return metadata


def _number_order(number: str) -> list[int | str]:
    return [int(part) if part.isdigit() else part for part in number.split(".")]


def _decisions(
    grid: Grid, sheet: str, language: Language, path: Path, tampered: list[Text]
) -> tuple[tuple[int, str], ...]:
    """The decisions typed on the master's Konflikter sheet: (conflict id, decision), its
    columns found by their declared headers, wherever they stand. A row that says who
    decided it lists a conflict decided before the master was written: not read."""
    header_row = grid[HEADER_ROW] if len(grid) > HEADER_ROW else []
    headers = {fold(cell_text(value)): col for col, value in enumerate(header_row) if value != ""}
    columns = {column.key: column for column in list_columns(language)}
    id_col, decision_col = (headers.get(fold(columns[key].header)) for key in ("id", "decision"))
    if id_col is None or decision_col is None:
        missing = columns["id" if id_col is None else "decision"].header
        tampered.append(
            Text(
                "{path}, sheet '{sheet}': the column '{header}' is not there, so its "
                "decisions cannot be read; give the column its header back and send the "
                "workbook again",
                path=str(path),
                sheet=sheet,
                header=missing,
            )
        )
        return ()
    decided_col = headers.get(fold(columns["decided_by"].header))
    found = []
    for row in grid[FIRST_DATA_ROW:]:
        conflict, decision = at_row(row, id_col), cell_text(at_row(row, decision_col))
        if decided_col is not None and cell_text(at_row(row, decided_col)):
            continue
        if isinstance(conflict, int | float) and not isinstance(conflict, bool) and decision:
            found.append((int(conflict), decision))
    return tuple(found)
