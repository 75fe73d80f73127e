"""Writing a council's report in the form of docs/formats.md by hand, with python-docx,
for the Word import's tests: a few readable calls build the document a test is about.

It is written from the spec, not from xlfollow's writer, so the reader is checked
against the form itself."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.table import _Cell
from docx.text.paragraph import Paragraph

STATUS = "xlfollow Status"
BUDGET = "xlfollow Budget"
DEVIATION = "xlfollow Deviation"


@dataclass(frozen=True)
class Milestone:
    """A 'Milepæl' row: its text, status note, round and smiley."""

    round: str
    text: str = ""
    status: str = ""
    smiley: str = ""


@dataclass(frozen=True)
class Economy:
    """An 'Økonomi' row: (the first) the economy text and the budget lines; the status
    note and the expected deviation."""

    round: str
    text: str = ""
    budget: Sequence[str] = ()
    status: str = ""
    deviation: str = ""
    smiley: str = ""


@dataclass(frozen=True)
class TableItem:
    """One item's heading and table."""

    number: str
    title: str
    kind: str = "Drift"
    agreement: str = ""
    fields: Sequence[str] = ()
    """'Ansvarligt center: …' and the others, as written."""
    action: str = ""
    milestones: Sequence[Milestone] = ()
    economy: Sequence[Economy] = ()
    word: str = "Delelement"
    drop_rows: Sequence[int] = ()
    """Table rows (1 the header) left out, for a damaged table."""


class Form:
    """A report being written: styled as xlfollow's (the three paragraph styles) or a
    municipality's own file without them."""

    def __init__(self, styled: bool = True) -> None:
        self.document = docx.Document()
        self.styled = styled
        if styled:
            for name in (STATUS, BUDGET, DEVIATION):
                self.document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)

    def title(self, *lines: str) -> Form:
        """The front page's title, its lines separated by line breaks."""
        paragraph = self.document.add_paragraph(style="Title")
        paragraph.add_run("\n".join(lines))
        return self

    def paragraph(self, text: str, style: str | None = None) -> Form:
        """A paragraph of the body."""
        self.document.add_paragraph(text, style=style)
        return self

    def heading(self, text: str, level: int = 1) -> Form:
        """A heading: 1 for a part or chapter, 2 for an item."""
        self.document.add_heading(text, level)
        return self

    def overview(self, grouping: str, names: Sequence[str], total: str = "I alt") -> Form:
        """An overview table: the grouping's name, a row per group, 'I alt'."""
        table = self.document.add_table(rows=len(names) + 2, cols=3)
        for row, name in enumerate([grouping, *names, total]):
            table.cell(row, 0).text = name
            table.cell(row, 1).text = "1" if row > 0 else "Opfyldt"
        return self

    def item(self, item: TableItem, heading: bool = True) -> Form:
        """An item's Heading 2 (or, not a `heading`, a plain paragraph) and its
        four-column table."""
        if heading:
            self.heading(f"{item.number}. {item.title}", 2)
        else:
            self.paragraph(f"{item.number}. {item.title}")
        rows: list[list[object]] = [["header"], ["texts"]]
        rows += [["milestone", m] for m in item.milestones]
        rows += [["economy", e, index == 0] for index, e in enumerate(item.economy)]
        kept = [row for number, row in enumerate(rows, 1) if number not in item.drop_rows]
        table = self.document.add_table(rows=len(kept), cols=4)
        for index, row in enumerate(kept):
            cells = table.rows[index].cells
            if row[0] == "header":
                merged = cells[0].merge(cells[1])
                merged.text = f"{item.word} {item.number} · {item.kind}"
                cells[2].text, cells[3].text = ("Tid", "Smiley")
            elif row[0] == "texts":
                left = cells[0].merge(cells[1])
                right = cells[2].merge(cells[3])
                _lines(left, item.agreement.split("\n"))
                _lines(right, [*item.fields, *(item.action.split("\n") if item.action else [])])
            elif row[0] == "milestone":
                milestone = row[1]
                assert isinstance(milestone, Milestone)
                cells[0].text = "Milepæl" if item.word == "Delelement" else "Milestone"
                _lines(cells[1], milestone.text.split("\n"))
                self._status(cells[1], milestone.status)
                cells[2].text, cells[3].text = milestone.round, milestone.smiley
            else:
                economy, first = row[1], row[2]
                assert isinstance(economy, Economy)
                cells[0].text = "Økonomi" if item.word == "Delelement" else "Economy"
                _lines(cells[1], economy.text.split("\n") if first else [""])
                for line in economy.budget:
                    cells[1].add_paragraph(line, style=BUDGET if self.styled else None)
                self._status(cells[1], economy.status)
                if economy.deviation:
                    cells[1].add_paragraph(
                        economy.deviation, style=DEVIATION if self.styled else None
                    )
                cells[2].text, cells[3].text = economy.round, economy.smiley
        return self

    def _status(self, cell: _Cell, note: str) -> None:
        """A status note: its first paragraph starts 'Status: ', every one of the style."""
        if not note:
            return
        for index, line in enumerate(note.split("\n")):
            text = f"Status: {line}" if index == 0 else line
            cell.add_paragraph(text, style=STATUS if self.styled else None)

    def bytes(self) -> bytes:
        """The document as a .docx file's bytes."""
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()


def _lines(cell: _Cell, lines: Sequence[str]) -> None:
    """A cell's text, a paragraph per line: the first fills the cell's empty paragraph."""
    first: Paragraph = cell.paragraphs[0]
    first.add_run(lines[0] if lines else "")
    for line in lines[1:]:
        cell.add_paragraph(line)
