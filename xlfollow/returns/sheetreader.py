"""Read a chapter sheet of a returned workbook into submitted cells: its columns found
by their headers, its rows by the hidden key column or the item number, every answer
cell read by its column's declaration, and what is not as issued said with its file,
sheet and cell."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from xlfollow.answers import Field
from xlfollow.errors import CellError
from xlfollow.ledger.mergeplan import SubmittedCell
from xlfollow.messages import Text
from xlfollow.model import Item
from xlfollow.returns.grids import Grid, cell_at, cell_name, cell_text, fold
from xlfollow.returns.scan import Scan
from xlfollow.workbooks.column import FORMULA_STARTS, Column, ColumnKind
from xlfollow.workbooks.layout import FIRST_DATA_ROW, HEADER_ROW
from xlfollow.workbooks.smileys import is_no_milestone_label

__all__ = ["EarlierCell", "SheetReader"]

_REPEATING = frozenset({ColumnKind.MILESTONE_SMILEY, ColumnKind.ECONOMY_SMILEY, ColumnKind.AMOUNT})


class EarlierCell(NamedTuple):
    """An earlier round's answer as a returned workbook shows it (locked)."""

    round: str
    item: str
    field: Field
    value: str
    sheet: str
    cell: str


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
        self.answers_at = [(c, col, cell_name(0, col)[:-1]) for c, col in self.answers]

    def why_unplain(self, coordinate: str) -> Text:
        return _unplain(coordinate, self.formulas, self.errors, self.hidden)


class SheetReader:
    """Reads the chapter sheets of one returned workbook, gathering its cells, the
    earlier rounds' answers it shows, and what was changed that should not be."""

    def __init__(
        self,
        path: Path,
        items: Mapping[str, Item],
        columns: tuple[Column, ...],
        scan: Scan,
    ) -> None:
        self.path = path
        self.columns = columns
        self.scan = scan
        self.items = items
        current = next(c.round_name for c in columns if c.editable and c.round_name is not None)
        self.round_name = current
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
        headers = {
            fold(cell_text(value)): col for col, value in enumerate(header_row) if value != ""
        }
        by_key = {
            column.key: next(
                (headers[h] for h in map(fold, column.known_headers()) if h in headers), None
            )
            for column in self.columns
        }
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
            shown_value = self._answer(column, cell_at(found.grid, row, col))[0]
            self.earlier.append(
                EarlierCell(
                    column.round_name,
                    item.number,
                    column.field,
                    shown_value,
                    found.sheet,
                    cell_name(row, col),
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
                cell_text(raw),
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
            cell_text(raw),
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
                known = (cell_text(raw), exc.text)
            if column.kind in _REPEATING:
                self._answers[memo] = known
        return known

    def _orphans(self, sheet: str, grid: Grid, row: int, answers: list[tuple[Column, int]]) -> None:
        """Answers typed in a row that names no item this workbook knows are refused."""
        for column, col in answers:
            raw = cell_at(grid, row, col)
            if raw is None:
                continue
            assert column.field is not None
            coordinate = cell_name(row, col)
            self.cells.append(
                SubmittedCell(
                    "?",
                    column.field,
                    cell_text(raw),
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
                item = self.items.get(cell_text(cell_at(grid, row, col)))
                if item is not None:
                    return item
        return None

    def _check_locked(
        self, sheet: str, grid: Grid, row: int, item: Item, locked: list[tuple[Column, int]]
    ) -> None:
        for column, col in locked:
            assert column.issued is not None
            if cell_text(cell_at(grid, row, col)) != column.issued(item):
                self.tampered.append(
                    self.at(
                        sheet,
                        cell_name(row, col),
                        Text(
                            "the locked '{header}' of item {item} was changed; "
                            "the change is ignored, the answers are taken",
                            header=column.header,
                            item=item.number,
                        ),
                    )
                )


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
