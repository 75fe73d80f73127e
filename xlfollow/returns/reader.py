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
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, cast

from python_calamine import CalamineError, CalamineWorkbook

from xlfollow.errors import CellError, ScanError, WorkbookError
from xlfollow.ledger.merge import SubmittedCell
from xlfollow.messages import Text
from xlfollow.model import Agreement, Item, Language
from xlfollow.returns.intake import Scan, scan_workbook
from xlfollow.texts import texts
from xlfollow.workbooks.column import FORMULA_STARTS, Column, ColumnKind
from xlfollow.workbooks.layout import (
    FIRST_DATA_ROW,
    HEADER_ROW,
    METADATA_SHEET,
    SUMMARY_SHEETS,
    list_columns,
    sheet_columns,
)
from xlfollow.workbooks.smileys import is_no_milestone_label

__all__ = [
    "REQUIRED_METADATA",
    "EarlierCell",
    "Reading",
    "ReturnedWorkbook",
    "read_workbook",
]

REQUIRED_METADATA = ("issue_id", "fingerprint", "round", "round_index", "layout_version")

Grid = list[list[object]]

_REPEATING = frozenset({ColumnKind.MILESTONE_SMILEY, ColumnKind.ECONOMY_SMILEY, ColumnKind.AMOUNT})


class EarlierCell(NamedTuple):
    """An earlier round's answer as a returned workbook shows it (locked)."""

    round: str
    item: str
    field: str
    value: str
    sheet: str
    cell: str


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


def _coordinate(row: int, col: int) -> str:
    """'K3' for 0-based row 2, column 10."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def _grid(book: CalamineWorkbook, name: str, path: Path) -> Grid:
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


def _at(grid: Grid, row: int, col: int) -> object:
    if row < len(grid) and col < len(grid[row]):
        value = grid[row][col]
        return None if value == "" else value
    return None


def _text(value: object) -> str:
    """A cell value as text; whole numbers without a trailing '.0'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


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
    reader = _SheetReader(path, reading, language, reading.columns(round_index, language), scan)
    words = texts(language)
    conflict_sheet = words["conflicts_sheet"]
    summaries = {words[f"{key}_sheet"] for key in SUMMARY_SHEETS}
    decisions: tuple[tuple[int, str], ...] = ()
    for name in book.sheet_names:
        if name == METADATA_SHEET:
            continue
        if name == conflict_sheet:
            decisions = _decisions(_grid(book, name, path), name, language, path, reader.tampered)
        else:
            # A summary sheet is not read, but a chapter sheet renamed to a summary
            # sheet's name is: it has the key column, which no summary sheet has.
            reader.read(name, _grid(book, name, path), need_key=name in summaries)
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
        _text(row[0]): _text(row[1])
        for row in _grid(book, METADATA_SHEET, path)
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


@dataclass
class _Found:
    """Where a chapter sheet's columns stand, and its cells whose value is not what the
    cell shows: a formula's, an error's, or one hidden under merged cells. None of
    those is taken."""

    sheet: str
    grid: Grid
    key_col: int | None
    number_col: int | None
    answers: list[tuple[Column, int]]
    """The current round's answer columns present, and where."""
    locked: list[tuple[Column, int]]
    """The locked texts a return is checked against."""
    earlier: list[tuple[Column, int]]
    """Earlier rounds' answer columns, shown locked."""
    formulas: set[str]
    errors: dict[str, str]
    hidden: dict[str, str]
    unplain: set[str] = field(init=False)
    answers_at: list[tuple[Column, int, str]] = field(init=False)
    """The answer columns with their letters, worked out once."""

    def __post_init__(self) -> None:
        self.unplain = self.formulas | set(self.errors) | set(self.hidden)
        self.answers_at = [(c, col, _coordinate(0, col)[:-1]) for c, col in self.answers]

    def why_unplain(self, coordinate: str) -> Text:
        return _unplain(coordinate, self.formulas, self.errors, self.hidden)


class _SheetReader:
    def __init__(
        self,
        path: Path,
        reading: Reading,
        language: Language,
        columns: tuple[Column, ...],
        scan: Scan,
    ) -> None:
        agreement = reading.agreement
        self.path = path
        self.agreement = agreement
        self.language = language
        self.columns = columns
        self.scan = scan
        self.items = reading.items
        current = next(c.round_index for c in columns if c.editable and c.round_index is not None)
        self.round_name = agreement.rounds[current]
        self.cells: list[SubmittedCell] = []
        self.earlier: list[EarlierCell] = []
        self.tampered: list[Text] = []
        self.notes: list[Text] = []
        self.seen: set[str] = set()
        self._answers: dict[tuple[ColumnKind, type, object], tuple[str, Text | None]] = {}

    def at(self, sheet: str, coordinate: str, what: Text) -> Text:
        """What is wrong with a cell, saying which file, sheet and cell."""
        where = Text(
            "{path}, sheet '{sheet}', cell {cell}",
            path=str(self.path),
            sheet=sheet,
            cell=coordinate,
        )
        return Text("{where}: {what}", where=where, what=what)

    def read(self, sheet: str, grid: Grid, need_key: bool = False) -> None:
        """Read a chapter sheet's cells; a sheet without the number or key column (with
        `need_key`, the key column) is not a chapter sheet, and is passed over."""
        found = self._locate(sheet, grid, need_key)
        if found is None:
            return  # not a chapter sheet: the front sheet, or one the user added
        for row in range(FIRST_DATA_ROW, len(grid)):
            item = self._item(grid, row, found.key_col, found.number_col)
            if item is None:
                self._orphans(sheet, grid, row, found.answers)
                continue
            self.seen.add(item.number)
            self._check_locked(sheet, grid, row, item, found.locked)
            self._earlier_cells(found, row, item)
            open_milestone = bool(item.milestone(self.round_name))
            values = grid[row]
            for column, col, letters in found.answers_at:
                raw = values[col] if col < len(values) else None
                if raw == "":
                    raw = None
                coordinate = f"{letters}{row + 1}"
                if column.milestone_bound and not open_milestone:
                    closed = self._closed(found, coordinate, column, item, raw)
                    if closed is not None:
                        self.cells.append(closed)
                    continue
                self.cells.append(self._answer_cell(found, coordinate, column, item, raw))

    def _locate(self, sheet: str, grid: Grid, need_key: bool) -> _Found | None:
        """Where the columns stand on a sheet, found by their headers whatever their
        letter case and spacing (SMILEY ØKONOMI); None if it is no chapter sheet. An
        answer column whose header is gone is said."""
        header_row = grid[HEADER_ROW] if len(grid) > HEADER_ROW else []
        headers = {_fold(_text(value)): col for col, value in enumerate(header_row) if value != ""}
        by_key = {column.key: headers.get(_fold(column.header)) for column in self.columns}
        if by_key["key"] is None and (need_key or by_key["number"] is None):
            return None
        for column in self.columns:
            if column.editable and by_key[column.key] is None:
                self.tampered.append(
                    Text(
                        "{path}, sheet '{sheet}': the column '{header}' is not there, so its "
                        "answers cannot be read; give the column its header back and send the "
                        "workbook again",
                        path=str(self.path),
                        sheet=sheet,
                        header=column.header,
                    )
                )
        placed = [(c, col) for c in self.columns if (col := by_key[c.key]) is not None]
        return _Found(
            sheet,
            grid,
            by_key["key"],
            by_key["number"],
            answers=[(c, col) for c, col in placed if c.editable],
            locked=[(c, col) for c, col in placed if c.issued is not None],
            earlier=[
                (c, col)
                for c, col in placed
                if c.field is not None and c.round_name and not c.editable
            ],
            formulas=self.scan.formulas.get(sheet, set()),
            errors=self.scan.errors.get(sheet, {}),
            hidden=self.scan.hidden.get(sheet, {}),
        )

    def _earlier_cells(self, found: _Found, row: int, item: Item) -> None:
        """The earlier rounds' answers a row shows locked, as the file shows them."""
        for column, col in found.earlier:
            assert column.round_name is not None and column.field is not None
            if column.milestone_bound and not item.milestone(column.round_name):
                continue  # shows no answer, only that there is no milestone
            shown_value = self._answer(column, _at(found.grid, row, col))[0]
            self.earlier.append(
                EarlierCell(
                    column.round_name,
                    item.number,
                    column.field,
                    shown_value,
                    found.sheet,
                    _coordinate(row, col),
                )
            )

    def _answer_cell(
        self, found: _Found, coordinate: str, column: Column, item: Item, raw: object
    ) -> SubmittedCell:
        """A current answer cell as submitted: its answer, or what is wrong with it."""
        assert column.field is not None
        sheet = found.sheet
        if coordinate in found.unplain:
            return SubmittedCell(
                item.number,
                column.field,
                _text(raw),
                sheet,
                coordinate,
                self.at(sheet, coordinate, found.why_unplain(coordinate)),
            )
        value, problem = self._answer(column, raw)
        if problem is not None:
            problem = self.at(sheet, coordinate, problem)
        elif (
            column.kind is ColumnKind.TEXT
            and isinstance(raw, str)
            and raw.startswith(FORMULA_STARTS)
        ):
            self.notes.append(
                self.at(
                    sheet,
                    coordinate,
                    Text(
                        "the text begins with {start}; it is kept and shown as "
                        "text, never as a formula",
                        start=repr(raw[:1]),
                    ),
                )
            )
        return SubmittedCell(item.number, column.field, value, sheet, coordinate, problem)

    def _closed(
        self, found: _Found, coordinate: str, column: Column, item: Item, raw: object
    ) -> SubmittedCell | None:
        """A milestone cell of a round in which the item has no milestone: locked, with
        nothing to answer. Left as issued (empty, or the no-milestone label) it is no
        answer; anything else, typed where the protection was lifted or in a workbook
        from before these cells were locked, is refused."""
        as_issued = raw is None or (
            column.kind is ColumnKind.MILESTONE_SMILEY
            and isinstance(raw, str)
            and is_no_milestone_label(raw)
        )
        if as_issued and coordinate not in found.unplain:
            return None
        assert column.field is not None
        problem = Text(
            "item {item} has no milestone in {round}, so there is nothing to answer here; "
            "leave the cell as it is",
            item=item.number,
            round=self.round_name,
        )
        return SubmittedCell(
            item.number,
            column.field,
            _text(raw),
            found.sheet,
            coordinate,
            self.at(found.sheet, coordinate, problem),
        )

    def _answer(self, column: Column, raw: object) -> tuple[str, Text | None]:
        """A cell's answer, or its text and what is wrong with it. Smileys and amounts
        repeat from row to row, so their readings are remembered (by type too, as
        True, 1 and 1.0 are equal keys)."""
        memo = (column.kind, type(raw), raw)
        known = self._answers.get(memo) if column.kind in _REPEATING else None
        if known is None:
            try:
                known = (column.read(raw), None)
            except CellError as exc:
                known = (_text(raw), exc.text)
            if column.kind in _REPEATING:
                self._answers[memo] = known
        return known

    def _orphans(self, sheet: str, grid: Grid, row: int, answers: list[tuple[Column, int]]) -> None:
        """Answers typed in a row that names no item this workbook knows are refused."""
        for column, col in answers:
            raw = _at(grid, row, col)
            if raw is None:
                continue
            assert column.field is not None
            coordinate = _coordinate(row, col)
            self.cells.append(
                SubmittedCell(
                    "?",
                    column.field.value,
                    _text(raw),
                    sheet,
                    coordinate,
                    self.at(
                        sheet,
                        coordinate,
                        Text(
                            "the row has no item number this workbook knows; "
                            "answer in the item's own row"
                        ),
                    ),
                )
            )

    def _item(
        self, grid: Grid, row: int, key_col: int | None, number_col: int | None
    ) -> Item | None:
        for col in (key_col, number_col):
            if col is not None:
                item = self.items.get(_text(_at(grid, row, col)))
                if item is not None:
                    return item
        return None

    def _check_locked(
        self, sheet: str, grid: Grid, row: int, item: Item, locked: list[tuple[Column, int]]
    ) -> None:
        for column, col in locked:
            assert column.issued is not None
            if _text(_at(grid, row, col)) != column.issued(item):
                self.tampered.append(
                    self.at(
                        sheet,
                        _coordinate(row, col),
                        Text(
                            "the locked '{header}' of item {item} was changed; "
                            "the change is ignored, the answers are taken",
                            header=column.header,
                            item=item.number,
                        ),
                    )
                )


def _fold(header: str) -> str:
    return " ".join(header.casefold().split())


def _unplain(
    coordinate: str, formulas: set[str], errors: dict[str, str], hidden: dict[str, str]
) -> Text:
    """Why a cell whose value is not what it shows is refused."""
    if coordinate in formulas:
        return Text("a formula where a value belongs; type the value itself")
    if coordinate in errors:
        return Text(
            "the cell shows the error {error}, not an answer; type the value itself",
            error=errors[coordinate],
        )
    return Text(
        "the cell is hidden under the merged cells {range}, so its value is not seen; "
        "unmerge them and type the answer in its own cell",
        range=hidden[coordinate],
    )


def _decisions(
    grid: Grid, sheet: str, language: Language, path: Path, tampered: list[Text]
) -> tuple[tuple[int, str], ...]:
    """The decisions typed on the master's Konflikter sheet: (conflict id, decision), its
    columns found by their declared headers, wherever they stand."""
    header_row = grid[HEADER_ROW] if len(grid) > HEADER_ROW else []
    headers = {_fold(_text(value)): col for col, value in enumerate(header_row) if value != ""}
    columns = {column.key: column for column in list_columns(language)}
    id_col, decision_col = (headers.get(_fold(columns[key].header)) for key in ("id", "decision"))
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
    found = []
    for row in grid[FIRST_DATA_ROW:]:
        conflict, decision = _at_row(row, id_col), _text(_at_row(row, decision_col))
        if isinstance(conflict, int | float) and not isinstance(conflict, bool) and decision:
            found.append((int(conflict), decision))
    return tuple(found)


def _at_row(row: list[object], col: int) -> object:
    return row[col] if col < len(row) else None
