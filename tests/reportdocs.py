"""A written report read the way a test checks it: its blocks in order, each item's
heading and table as rows of distinct cells, each cell as its paragraphs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from xlfollow.definition.docxtable import cells_of


@dataclass(frozen=True)
class Para:
    text: str
    style: str


Cell = list[Para]


@dataclass(frozen=True)
class ItemTable:
    heading: str
    rows: list[list[Cell]]
    header_repeated: bool
    caption: str


def cell_paragraphs(cell: object) -> Cell:
    return [Para(p.text, p.style.name) for p in cell.paragraphs]  # type: ignore[attr-defined]


def distinct_rows(table: Table) -> list[list[Cell]]:
    """Each row's cells, a merged cell once."""
    return [
        [cell_paragraphs(cell) for cell in cells_of(table, row)] for row in range(len(table.rows))
    ]


def blocks(path: Path) -> list[Paragraph | Table]:
    return list(docx.Document(str(path)).iter_inner_content())


def item_tables(path: Path) -> list[ItemTable]:
    """Every item: its Heading 2 and the table after it."""
    found = []
    content = blocks(path)
    for position, block in enumerate(content):
        if not isinstance(block, Paragraph) or block.style is None:
            continue
        if block.style.name == "Heading 2" and position + 1 < len(content):
            following = content[position + 1]
            if isinstance(following, Table) and _is_item_table(following):
                found.append(_item(block.text, following))
    return found


def _is_item_table(table: Table) -> bool:
    return len(table.columns) == 4 and table.rows[0].cells[2].text in ("Tid", "Time")


def _item(heading: str, table: Table) -> ItemTable:
    first = table.rows[0]._tr
    properties = first.trPr
    repeated = properties is not None and any(
        child.tag.endswith("}tblHeader") for child in properties
    )
    caption = ""
    for child in table._tbl.tblPr:
        if child.tag.endswith("}tblCaption"):
            caption = child.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val")
    return ItemTable(heading, distinct_rows(table), repeated, caption)


def text_of(cell: Cell, *, without: tuple[str, ...] = ()) -> str:
    """A cell's text, its paragraphs of the styles left out not counted."""
    return "\n".join(p.text for p in cell if p.style not in without)


def styled(cell: Cell, style: str) -> list[str]:
    return [p.text for p in cell if p.style == style]
