"""The scan in front of the value reader: what a file is, and what it may not hold."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from returns import SMILEY, fill

from xlfollow.errors import ScanError
from xlfollow.returns.scan import scan_workbook
from xlfollow.workspace.folder import Workspace


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workspace = Workspace.init(tmp_path_factory.mktemp("scan") / "ws")
    result = workspace.issue("1")
    return next(f.path for f in result.files if f.recipient == "Social og Sundhed")


def rewrite(source: Path, target: Path, change: dict[str, bytes]) -> Path:
    """A copy of a zip with some parts replaced or added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for entry in old.infolist():
            new.writestr(entry, change.pop(entry.filename, old.read(entry.filename)))
        for name, data in change.items():
            new.writestr(name, data)
    return target


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty; send the workbook again"),
        (
            OLE2 + b"\0" * 100,
            "an old .xls workbook; save it as .xlsx (Excel Workbook) and send it again",
        ),
        (
            OLE2 + b"\0" * 600 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 100,
            "the workbook is protected with a password (encrypted), so it cannot be read; "
            "remove the password (File > Info > Protect Workbook) and send it again",
        ),
        (
            b"Nr.;Smiley\n3.01;Opfyldt\n",
            "a text (CSV) file renamed to .xlsx, not a workbook; send the workbook you were "
            "sent, filled in and saved as Excel Workbook (.xlsx)",
        ),
        (
            b"<html><body><table></table></body></html>",
            "a web page or XML file renamed to .xlsx, not a workbook; open it in Excel, "
            "save it as Excel Workbook (.xlsx) and send it again",
        ),
        (
            b"\x00\x01\x02\x03" * 200,
            "not an .xlsx workbook; save it from Excel as .xlsx and send it again",
        ),
    ],
    ids=["empty", "xls", "password", "csv", "html", "binary"],
)
def test_what_a_file_is(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "returned.xlsx"
    path.write_bytes(content)
    with pytest.raises(ScanError) as caught:
        scan_workbook(path)
    assert str(caught.value) == message


def test_a_broken_zip_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "returned.xlsx"
    path.write_bytes(b"PK\x03\x04broken")
    with pytest.raises(ScanError) as caught:
        scan_workbook(path)
    said = str(caught.value)
    assert said.startswith("the .xlsx is damaged (") and said.endswith(
        "); save it again from Excel and send it again"
    ), said


def with_cell_at(issued: Path, copy: Path, ref: str) -> Path:
    """A copy of a workbook with a value typed at `ref` in its chapter sheet."""
    shutil.copy(issued, copy)
    book = openpyxl.load_workbook(copy)
    book["3. Sammenhængende…"][ref] = "x"
    book.save(copy)
    return copy


def test_a_cell_far_outside_the_table_is_refused(issued: Path, tmp_path: Path) -> None:
    copy = with_cell_at(issued, tmp_path / "far.xlsx", "XFD1048576")
    with pytest.raises(
        ScanError, match=r"has a cell at XFD1048576, far outside the workbook's table"
    ):
        scan_workbook(copy)


def test_a_doctype_and_macros_are_refused(issued: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(issued) as archive:
        styles = archive.read("xl/styles.xml")
    entity = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + styles.split(b"?>", 1)[1]
    with pytest.raises(ScanError, match="declares a DOCTYPE"):
        scan_workbook(rewrite(issued, tmp_path / "doctype.xlsx", {"xl/styles.xml": entity}))
    with pytest.raises(ScanError, match="a macro-enabled workbook"):
        scan_workbook(rewrite(issued, tmp_path / "macro.xlsx", {"xl/vbaProject.bin": b"\0" * 10}))


def test_a_formula_in_an_answer_cell_is_refused(tmp_path: Path) -> None:
    workspace = Workspace.init(tmp_path / "ws")
    result = workspace.issue("1")
    issued = next(f.path for f in result.files if f.recipient == "Social og Sundhed")
    fill(
        issued,
        workspace.path / "inbox" / "sos.xlsx",
        {("3.01", SMILEY): '="😊 "&"Opfyldt"', ("4.11", SMILEY): "grøn"},
    )
    (file,) = workspace.merge().files
    # The formula's note beside it is refused with it: an answer is taken whole.
    assert file.cells["accepted"] == 1 and file.cells["refused"] == 2
    problem, its_note = file.problems
    assert (its_note.item, its_note.field) == ("3.01", "milestone_note")
    assert problem.item == "3.01"
    assert problem.reason.endswith(
        "cell K3: a formula where a value belongs; type the value itself"
    )


def test_a_cell_without_its_reference_is_refused(issued: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(issued) as archive:
        part = next(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet2"))
        xml = archive.read(part)
    # A cell whose position is implied: far along the row, unseen by reference.
    damaged = xml.replace(b'<c r="B3"', b"<c", 1)
    assert damaged != xml
    with pytest.raises(ScanError, match="cells or rows without a cell reference"):
        scan_workbook(rewrite(issued, tmp_path / "implied.xlsx", {part: damaged}))


def test_far_cells_in_two_letter_columns_and_deep_rows(issued: Path, tmp_path: Path) -> None:
    for ref, shown in (("IW3", r"IW\d+"), ("A200001", r"[A-Z]+200001")):
        copy = with_cell_at(issued, tmp_path / f"{ref}.xlsx", ref)
        with pytest.raises(ScanError, match=f"has a cell at {shown}, far outside"):
            scan_workbook(copy)
    # The workbook as issued passes.
    assert scan_workbook(issued).formulas == {
        name: set() for name in scan_workbook(issued).formulas
    }


def test_a_far_cell_behind_an_honest_looking_dimension(issued: Path, tmp_path: Path) -> None:
    copy = with_cell_at(issued, tmp_path / "far.xlsx", "XFD1048576")
    with zipfile.ZipFile(copy) as archive:
        part = next(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet2"))
        xml = archive.read(part)
    small = re.sub(rb'<dimension ref="[^"]+" ?/>', b'<dimension ref="A1:B2"/>', xml)
    assert small != xml
    with pytest.raises(ScanError, match="has a cell at XFD1048576, far outside"):
        scan_workbook(rewrite(copy, tmp_path / "lying.xlsx", {part: small}))


@pytest.mark.parametrize(("dimension", "far"), [("A1:IW3", "IW3"), ("B2:A200001", "A200001")])
def test_a_dimension_beyond_the_limits_is_refused_though_no_cell_is(
    issued: Path, tmp_path: Path, dimension: str, far: str
) -> None:
    """A reader sizes its table by the sheet's dimension: one past the last column (IV)
    or row (200,000) a workbook may use is refused, whatever cells the sheet has."""
    with zipfile.ZipFile(issued) as archive:
        part = next(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet2"))
        xml = archive.read(part)
    wide = re.sub(rb'<dimension ref="[^"]+"', f'<dimension ref="{dimension}"'.encode(), xml)
    assert wide != xml
    with pytest.raises(ScanError, match=f"sheet '.+' has a cell at {far}, far outside"):
        scan_workbook(rewrite(issued, tmp_path / "wide.xlsx", {part: wide}))


@pytest.mark.parametrize("dimension", ["A1:A1", "A1:IV200000"])
def test_a_dimension_that_lies_hides_nothing_and_costs_nothing(
    tmp_path: Path, dimension: str
) -> None:
    workspace = Workspace.init(tmp_path / "ws")
    result = workspace.issue("1")
    issued = next(f.path for f in result.files if f.recipient == "Social og Sundhed")
    answered = fill(issued, tmp_path / "answered.xlsx", {("4.11", SMILEY): "grøn"})
    with zipfile.ZipFile(answered) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        changed = {
            name: re.sub(rb'<dimension ref="[^"]+"', f'<dimension ref="{dimension}"'.encode(), data)
            for name in sheets
            if (data := archive.read(name))
        }
    lying = rewrite(answered, workspace.path / "inbox" / "lying.xlsx", changed)
    (file,) = workspace.merge([lying]).files
    assert file.verdict == "accepted" and file.cells["accepted"] == 1, file
