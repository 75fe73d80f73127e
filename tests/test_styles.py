"""The workbooks' looks: texts that Excel would take for a formula carry the quote prefix."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import openpyxl
from returns import STATUS, fill

from xlfollow.workbooks.styles import TextSafeBook
from xlfollow.workspace.folder import Workspace


def test_a_text_that_begins_like_a_formula_is_written_with_the_quote_prefix() -> None:
    buffer = io.BytesIO()
    book = TextSafeBook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet("Ark")
    texts = ["=1+1", "+45 12345678", "-5 % ift. budget", "@home", "plain", "a=b"]
    for row, text in enumerate(texts):
        sheet.write_string(row, 0, text, bold)
    sheet.write_string(len(texts), 0, "-unformatted")
    book.close()
    cells = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["Ark"]["A"]
    assert [(c.value, c.quotePrefix, c.font.b) for c in cells] == [
        ("=1+1", True, True),
        ("+45 12345678", True, True),
        ("-5 % ift. budget", True, True),
        ("@home", True, True),
        ("plain", False, True),
        ("a=b", False, True),
        ("-unformatted", True, False),
    ]


def test_a_note_beginning_with_a_minus_is_quoted_in_the_master(tmp_path: Path) -> None:
    workspace = Workspace.init(tmp_path / "ws")
    issued = next(f.path for f in workspace.issue("1").files if f.recipient == "Social og Sundhed")
    returned = fill(issued, tmp_path / "returned.xlsx", {("3.01", STATUS): "-5 % ift. budget"})
    shutil.copy(returned, workspace.path / "inbox" / "returned.xlsx")
    assert [f.verdict.value for f in workspace.merge().files] == ["accepted"]
    master = openpyxl.load_workbook(workspace.path / "master.xlsx")
    notes = [
        cell
        for sheet in master.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value == "-5 % ift. budget"
    ]
    assert notes and all(cell.quotePrefix for cell in notes)
