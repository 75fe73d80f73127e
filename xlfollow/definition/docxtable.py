"""One item's table of the council's report read back: its header (number and kind),
the agreement text and the fields, a 'Milepæl' row per round and the 'Økonomi' rows,
as reportform.py lays them out.

Part of the Word import: docximport walks the document and finds each item's
heading and table, this reads the table. Rows are counted from 1, the header row
first, as Word shows them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from xlfollow.budget import Budget, BudgetSeries
from xlfollow.definition.reportform import (
    BUDGET_STYLE,
    DEVIATION_STYLE,
    NONE_SAID,
    STATUS_STYLE,
    FormWords,
)
from xlfollow.errors import Problems
from xlfollow.messages import Language, Text
from xlfollow.model import Kind, StatusNotes

__all__ = ["DocxItem", "TableReader", "cells_of", "header_of", "paragraph_text"]

_HEADER = re.compile(
    r"^\s*(?P<word>\w+)\s+(?P<number>\d{1,2}(?:\.\d{1,3})+)\.?\s*[·•\-\u2013:]?\s*(?P<kind>.*?)\s*$"
)
_PAIR = re.compile(r"^\s*(?P<year>\d{4})\s*:\s*(?P<amount>.+?)\s*$")
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-"})


@dataclass
class DocxItem:
    """An item as its table gives it, before it is made the model's Item."""

    number: str
    title: str
    kind: Kind
    chapter: str
    centre: str = ""
    committee: str = ""
    contributors_text: str = ""
    agreement_text: str = ""
    action_text: str = ""
    milestone_rounds: list[str] = field(default_factory=list)
    """The rounds of its 'Milepæl' rows, in order."""
    milestone_rows: list[int] = field(default_factory=list)
    """The table row of each 'Milepæl' row, for a problem to point at."""
    milestones: dict[str, str] = field(default_factory=dict)
    economy_text: str = ""
    budget: Budget = field(default_factory=Budget)
    """The budget lines' figures (a report of xlfollow's); the texts' for another."""
    status: dict[str, StatusNotes] = field(default_factory=dict)
    unread: bool = False
    """Its table could not be read past the texts' row (a problem says why)."""


def paragraph_text(paragraph: Paragraph) -> str:
    """A paragraph's text as written: a line break is "\\n", a tab "\\t"."""
    return paragraph.text


def style_of(paragraph: Paragraph) -> str:
    """The name of a paragraph's style, '' if it has none."""
    style = paragraph.style
    return style.name or "" if style is not None else ""


def cells_of(table: Table, row: int) -> list[_Cell]:
    """A row's distinct cells: python-docx repeats a merged cell once per grid column."""
    seen: set[int] = set()
    cells = []
    # A merged cell is one w:tc element; python-docx exposes it only as _tc.
    for cell in table.rows[row].cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            cells.append(cell)
    return cells


def header_of(table: Table, words: Sequence[FormWords]) -> tuple[str, str] | None:
    """(number, kind as written) if the table's first cell is an item's header
    ("Delelement 1.02 · Drift"), else None."""
    if not table.rows:
        return None
    first = cells_of(table, 0)[0].text.strip()
    found = _HEADER.match(first)
    if found is None or found["word"] not in {w.item for w in words}:
        return None
    return found["number"], found["kind"]


class TableReader:
    """Reads item tables into DocxItems, recording each row that does not have the form."""

    def __init__(
        self, problems: Problems, words: Sequence[FormWords], language: Language, styled: bool
    ) -> None:
        self.problems = problems
        self.words = words
        self.language = language
        self.styled = styled
        """Whether the document has xlfollow's styles (budget lines, status notes)."""

    def read(self, table: Table, item: DocxItem) -> None:
        """Fill an item from its table; a problem, with the row, for what cannot be read."""
        rows = len(table.rows)
        if rows < 2:
            self._problem(item, 1, Text("the table ends after its header row; restore its rows"))
        if rows < 2 or not self._texts(cells_of(table, 1), item):
            item.unread = True
            return
        economy_rows = 0
        for row in range(2, rows):
            cells = cells_of(table, row)
            label = cells[0].text.strip()
            if label in {w.milestone for w in self.words}:
                self._milestone(cells, item, row)
            elif label in {w.economy for w in self.words}:
                self._economy(cells, item, row, first=economy_rows == 0)
                economy_rows += 1
            else:
                self._problem(
                    item,
                    row,
                    Text(
                        "the row's first cell is '{label}', where 'Milepæl' or 'Økonomi' "
                        "was expected; restore the row's label",
                        label=label,
                    ),
                )

    def _problem(self, item: DocxItem, row: int, why: Text) -> None:
        self.problems.add(
            None,
            Text("item {number}, table row {row}: {why}", number=item.number, row=row + 1, why=why),
        )

    def _texts(self, cells: list[_Cell], item: DocxItem) -> bool:
        """Row 2: the agreement text | the fields and the action text."""
        labels = {
            **{w.centre: "centre" for w in self.words},
            **{w.committee: "committee" for w in self.words},
            **{w.contributors: "contributors" for w in self.words},
        }
        at = next((i for i, cell in enumerate(cells) if i and _field(cell, labels)), None)
        if at is None:
            self._problem(
                item,
                1,
                Text(
                    "this row should hold the agreement text and the fields "
                    "('Ansvarligt center: …'), but has no 'Ansvarligt center:'; "
                    "restore the row"
                ),
            )
            return False
        item.agreement_text = _joined([p for cell in cells[:at] for p in cell.paragraphs])
        values: dict[str, str] = {}
        rest: list[Paragraph] = []
        for paragraph in (p for cell in cells[at:] for p in cell.paragraphs):
            found = _field_value(paragraph_text(paragraph), labels)
            if found is not None and not rest and found[0] not in values:
                values[found[0]] = found[1]
            elif rest or paragraph_text(paragraph).strip():
                rest.append(paragraph)
        item.centre = values.get("centre", "")
        item.committee = values.get("committee", "")
        contributors = values.get("contributors", "")
        # A dash says there is none, as the report writes it, so that the action text
        # after the field is not read aloud as the contributor.
        item.contributors_text = "" if contributors in NONE_SAID else contributors
        item.action_text = _joined(rest)
        if not item.committee:
            self._problem(
                item, 1, Text("the fields have no 'Ansvarligt udvalg: …'; add it after the centre")
            )
        return True

    def _milestone(self, cells: list[_Cell], item: DocxItem, row: int) -> None:
        """A 'Milepæl' row: its text, then the status note | the round | the smiley."""
        if len(cells) < 3 or not (round_name := _round(cells[2])):
            self._problem(
                item,
                row,
                Text("this 'Milepæl' row has no round in its third column (Tid); restore it"),
            )
            return
        text, note, _ = self._split(cells[1].paragraphs)
        item.milestone_rounds.append(round_name)
        item.milestone_rows.append(row)
        if text:
            item.milestones[round_name] = text
        if note:
            notes = item.status.get(round_name, StatusNotes())
            item.status[round_name] = StatusNotes(note, notes.economy)

    def _economy(self, cells: list[_Cell], item: DocxItem, row: int, first: bool) -> None:
        """An 'Økonomi' row: (the first) the economy text and the budget lines, then the
        round's status note and expected deviation | the round | the smiley."""
        if len(cells) < 3 or not (round_name := _round(cells[2])):
            self._problem(
                item,
                row,
                Text("this 'Økonomi' row has no round in its third column (Tid); restore it"),
            )
            return
        text, note, budget_lines = self._split(cells[1].paragraphs)
        if first:
            item.economy_text = text
            item.budget = self._budget(budget_lines, item, row)
        if note:
            notes = item.status.get(round_name, StatusNotes())
            item.status[round_name] = StatusNotes(notes.milestone, note)

    def _split(self, paragraphs: list[Paragraph]) -> tuple[str, str, list[str]]:
        """A cell's text, its status note, and its budget lines. The status note starts
        with the paragraph of the status style or with "Status:" (a Word file without
        xlfollow's styles) and runs to the cell's end; an expected deviation is left out."""
        heads = tuple(f"{w.status}:" for w in self.words)
        deviations = tuple(f"{w.deviation}:" for w in self.words)
        text: list[Paragraph] = []
        note: list[str] = []
        budget: list[str] = []
        for paragraph in paragraphs:
            style, said = style_of(paragraph), paragraph_text(paragraph)
            if style == BUDGET_STYLE:
                budget.append(said)
            elif style == DEVIATION_STYLE or said.lstrip().startswith(deviations):
                continue
            elif note or style == STATUS_STYLE or said.lstrip().startswith(heads):
                if not note:
                    said = said.lstrip()
                    head = next((h for h in heads if said.startswith(h)), "")
                    said = said[len(head) :].lstrip(" ")
                note.append(said)
            else:
                text.append(paragraph)
        return _joined(text), "\n".join(note).strip(), budget

    def _budget(self, lines: list[str], item: DocxItem, row: int) -> Budget:
        """The figures of the budget lines: "Budget (mio. kr.): 2018: 0,5; 2019: 0,5",
        one per series ("Budget, Anlæg (mio. kr.): …", or "Anlæg (mio. kr.): …")."""
        series = []
        for line in lines:
            read = self._budget_line(line)
            if read is None:
                self._problem(
                    item,
                    row,
                    Text(
                        "the budget line '{line}' cannot be read; write it as "
                        "'Budget (mio. kr.): 2018: 0,5; 2019: 0,5'",
                        line=line,
                    ),
                )
                continue
            series.append(read)
        return Budget(series)

    def _budget_line(self, line: str) -> BudgetSeries | None:
        # The unit's last "(mio. kr.):" ends the series' name, which may hold brackets
        # and colons itself; the figures after it hold neither brackets nor units.
        for unit in {w.million for w in self.words}:
            name, marker, pairs = line.rpartition(f"({unit}):")
            if marker:
                break
        else:
            return None
        name = name.strip()
        for word in {w.budget for w in self.words}:
            if name == word:
                name = ""
            elif name.startswith(f"{word},"):
                name = name[len(word) + 1 :].strip()
        amounts: dict[int, float] = {}
        for pair in filter(str.strip, pairs.split(";")):
            one = _PAIR.match(pair)
            amount = _amount(one["amount"], self.language) if one else None
            if one is None or amount is None:
                return None
            amounts[int(one["year"])] = amount
        return BudgetSeries(name, amounts)


def _amount(text: str, language: Language) -> float | None:
    """An amount with the language's decimal mark: '-0,5' or '1.234,5' in Danish,
    '-0.5' or '1,234.5' in English; None if it is none."""
    body = "".join(text.translate(_MINUS).split()).replace("\u00a0", "")
    thousands, decimal = (".", ",") if language is Language.DA else (",", ".")
    body = body.replace(thousands, "").replace(decimal, ".")
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)", body):
        return None
    return float(body)


def _round(cell: _Cell) -> str:
    return cell.text.strip()


def _field(cell: _Cell, labels: dict[str, str]) -> bool:
    """Whether a cell's first written paragraph is a field ("Ansvarligt center: …")."""
    first = next((p for p in cell.paragraphs if paragraph_text(p).strip()), None)
    return first is not None and _field_value(paragraph_text(first), labels) is not None


def _field_value(text: str, labels: dict[str, str]) -> tuple[str, str] | None:
    label, colon, value = text.strip().partition(":")
    if not colon or label.strip() not in labels:
        return None
    return labels[label.strip()], value.strip()


def _joined(paragraphs: list[Paragraph]) -> str:
    """Paragraphs as one text, a line each; the text loses white space at its ends, as
    the agreement's texts do, and keeps what is inside."""
    return "\n".join(paragraph_text(p) for p in paragraphs).strip()
