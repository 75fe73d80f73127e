"""Damaged and doctored returns: each is its file's rejection or its cell's refusal,
said with where and why; never the batch's end, never a value taken in silence.

Every file here is a real return (a centre's workbook as issued, with answers in
its cells) with one thing done to its zip or its XML, as a broken disk, a mail
program or a hand-edit would."""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from conftest import copied, ledger_answers
from zipbytes import central_entry_dropped, central_name_flipped

from xlfollow.answers import Field
from xlfollow.errors import WorkbookError
from xlfollow.ledger.mergeplan import SubmittedCell
from xlfollow.returns.reader import read_workbook
from xlfollow.workspace.folder import Workspace

Parts = dict[str, bytes]
CHAPTER = "xl/worksheets/sheet2.xml"  # sheet2: the first chapter sheet; item 3.01 is row 3
SMILEY_CELL = b'<c r="K3" s="15"/>'
NOTE_CELL = b'<c r="L3" s="15"/>'
DEVIATION_CELL = b'<c r="V3" s="16"/>'
SMILEY = '<c r="K3" s="15" t="inlineStr"><is><t>😊 Opfyldt</t></is></c>'.encode()
DEVIATION = b'<c r="V3" s="16"><v>2.5</v></c>'
SHEET = "3. Sammenhængende…"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    workspace = Workspace.init(tmp_path_factory.mktemp("damaged") / "ws")
    workspace.issue("1")
    return workspace


@pytest.fixture(scope="module")
def issued(workspace: Workspace) -> Path:
    return workspace.path / "outbox" / "round-1" / "01-social-og-sundhed-runde-1.xlsx"


def parts_of(path: Path) -> Parts:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zipped(parts: Parts) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def answered(parts: Parts, *cells: tuple[bytes, bytes], part: str = CHAPTER) -> Parts:
    """The return with a sheet's cells written as given: (as issued, as returned)."""
    data = parts[part]
    for old, new in cells:
        assert old in data, old
        data = data.replace(old, new, 1)
    return {**parts, part: data}


def with_answers(parts: Parts) -> Parts:
    """A centre's answers to item 3.01: a smiley and an amount."""
    return answered(parts, (SMILEY_CELL, SMILEY), (DEVIATION_CELL, DEVIATION))


def flip_central_name(parts: Parts) -> bytes:
    """A bit flipped in the zip's central directory: an entry's name there differs
    from its local header's."""
    return central_name_flipped(zipped(parts))


def local_header_without_central_entry(parts: Parts) -> bytes:
    """The central directory's first entry dropped: its part is still in the zip."""
    return central_entry_dropped(zipped(parts))


def part_removed(parts: Parts) -> bytes:
    return zipped({name: data for name, data in parts.items() if name != CHAPTER})


def part_renamed(parts: Parts) -> bytes:
    renamed = {name: data for name, data in parts.items() if name != CHAPTER}
    return zipped({**renamed, "xl/worksheets/sheet9.xml": parts[CHAPTER]})


def cells(*changes: tuple[bytes, bytes]) -> Callable[[Parts], bytes]:
    return lambda parts: zipped(answered(parts, *changes))


DAMAGED: list[tuple[str, Callable[[Parts], bytes], str]] = [
    ("central-name.xlsx", flip_central_name, "the zip directory names it, and its own header"),
    (
        "local-only.xlsx",
        local_header_without_central_entry,
        "the zip holds a part before it that its directory does not list",
    ),
    ("removed.xlsx", part_removed, "part xl/worksheets/sheet2.xml cannot be read (sheet '3."),
    ("renamed.xlsx", part_renamed, "names it, and the file lacks it"),
    ("unclosed.xlsx", cells((b"</worksheet>", b"")), "not well-formed XML"),
    (
        "entity.xlsx",
        cells((NOTE_CELL, b'<c r="L3" t="inlineStr"><is><t>&foo;</t></is></c>')),
        "undefined entity",
    ),
    ("type-x.xlsx", cells((SMILEY, b'<c r="K3" t="x"><v>1</v></c>')), "cell K3 has a type"),
    (
        "string-past-table.xlsx",
        cells((SMILEY, b'<c r="K3" t="s"><v>9999</v></c>')),
        "cell K3 points at shared string 9999",
    ),
    (
        "string-minus-one.xlsx",
        cells((SMILEY, b'<c r="K3" t="s"><v>-1</v></c>')),
        "cell K3 points at shared string -1",
    ),
    (
        "comma-number.xlsx",
        cells((DEVIATION, b'<c r="V3"><v>1,5e</v></c>')),
        "cell V3 holds 1,5e, which is not a number",
    ),
    (
        "latin-1.xlsx",
        cells((NOTE_CELL, b'<c r="L3" t="inlineStr"><is><t>Forsinket p\xe5 grund</t></is></c>')),
        "not well-formed XML",
    ),
    (
        "mismatched-tags.xlsx",
        cells((NOTE_CELL, b'<c r="L3" t="inlineStr"><is><t>x</is></t></is></c>')),
        "mismatched tag",
    ),
    (
        "cell-twice.xlsx",
        cells((DEVIATION, b'<c r="V3"><v>1</v></c><c r="V3"><v>2</v></c>')),
        "cell V3 is written twice",
    ),
    (
        "row-twice.xlsx",
        cells((b"</sheetData>", b'<row r="3"><c r="W3"><v>7</v></c></row></sheetData>')),
        "row 3 is written twice",
    ),
    (
        "forbidden-character.xlsx",
        cells((NOTE_CELL, b'<c r="L3" t="inlineStr"><is><t>a&#1;b</t></is></c>')),
        "reference to invalid character number",
    ),
]
DAMAGED.append(
    (
        "ebcdic-doctype.xlsx",
        # A part in another encoding could hide a DOCTYPE from a look at its bytes:
        # it is parsed as UTF-8 whatever it declares, so it is damaged, not obeyed.
        lambda parts: zipped(
            {
                **parts,
                "xl/styles.xml": (
                    '<?xml version="1.0" encoding="cp037"?><!DOCTYPE s [<!ENTITY a "b">]>'
                    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
                ).encode("cp037"),
            }
        ),
        "part xl/styles.xml cannot be read (it is not well-formed XML",
    )
)
DAMAGED_TAIL = "; open it in Excel, save it as .xlsx and send it again"


@pytest.mark.parametrize(("name", "make", "message"), DAMAGED, ids=[d[0] for d in DAMAGED])
def test_a_damaged_return_is_rejected_saying_which_part(
    issued: Path, tmp_path: Path, name: str, make: Callable[[Parts], bytes], message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(make(with_answers(parts_of(issued))))
    with pytest.raises(WorkbookError) as raised:
        read_workbook(path, Workspace(issued.parents[2]).load().agreement)
    said = str(raised.value.why)
    assert said.startswith("the workbook is damaged: part "), said
    assert message in said and said.endswith(DAMAGED_TAIL), said


def test_damaged_returns_are_each_rejected_and_the_batch_goes_on(
    workspace: Workspace, issued: Path, tmp_path: Path
) -> None:
    copy = copied(workspace, tmp_path)
    parts = with_answers(parts_of(issued))
    for name, make, _ in DAMAGED:
        (copy.path / "inbox" / name).write_bytes(make(parts))
    (copy.path / "inbox" / "zz-good.xlsx").write_bytes(zipped(parts))
    report = copy.merge()
    verdicts = {Path(f.path).name: (f.verdict.value, f.reason) for f in report.files}
    assert verdicts.pop("zz-good.xlsx")[0] == "accepted"
    for name, _, message in DAMAGED:
        verdict, reason = verdicts[name]
        assert verdict == "rejected" and message in reason, (name, reason)
    assert ledger_answers(copy)[("1. budgetopfølgning 2018", "3.01", Field.DEVIATION)] == "2.5"


def read_cell(issued: Path, tmp_path: Path, parts: Parts, cell: str) -> SubmittedCell:
    path = tmp_path / "returned.xlsx"
    path.write_bytes(zipped(parts))
    returned = read_workbook(path, Workspace(issued.parents[2]).load().agreement)
    (found,) = [c for c in returned.cells if (c.sheet, c.cell) == (SHEET, cell)]
    return found


REFUSED: list[tuple[str, tuple[bytes, bytes], str, str]] = [
    (
        "comment-before-formula",
        (DEVIATION, b'<c r="V3"><!-- x --><f>1+1</f><v>2</v></c>'),
        "V3",
        "a formula where a value belongs",
    ),
    (
        "instruction-before-formula",
        (DEVIATION, b'<c r="V3"><?x y?><f>1+1</f><v>2</v></c>'),
        "V3",
        "a formula where a value belongs",
    ),
    (
        "value-before-formula",
        (DEVIATION, b'<c r="V3"><v>2</v><f>1+1</f></c>'),
        "V3",
        "a formula where a value belongs",
    ),
    (
        "single-quoted-reference",
        (DEVIATION, b"<c r='V3'><f>1+1</f><v>2</v></c>"),
        "V3",
        "a formula where a value belongs",
    ),
    (
        "error-cell",
        (DEVIATION, b'<c r="V3" t="e"><v>#N/A</v></c>'),
        "V3",
        "the cell shows the error #N/A, not an answer",
    ),
    (
        "infinite-deviation",
        (DEVIATION, b'<c r="V3"><v>1e999</v></c>'),
        "V3",
        "is not an amount xlfollow takes: write an amount in mio. kr. between -1000000 and 1000000",
    ),
    (
        "absurd-deviation",
        (DEVIATION, b'<c r="V3"><v>2.5e7</v></c>'),
        "V3",
        '"25000000.0" is not an amount xlfollow takes',
    ),
    (
        "hidden-under-merge",
        (
            b"</sheetData>",
            b'</sheetData><mergeCells count="1"><mergeCell ref="U3:V3"/></mergeCells>',
        ),
        "V3",
        "the cell is hidden under the merged cells U3:V3",
    ),
]


@pytest.mark.parametrize(
    ("change", "cell", "message"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED]
)
def test_a_cell_whose_value_is_not_its_answer_is_refused(
    issued: Path, tmp_path: Path, change: tuple[bytes, bytes], cell: str, message: str
) -> None:
    parts = with_answers(parts_of(issued))
    found = read_cell(issued, tmp_path, answered(parts, change), cell)
    assert found.problem is not None, found
    said = str(found.problem)
    assert f"sheet '3. Sammenhængende…', cell {cell}: " in said
    assert message in said, said


def test_a_formula_is_found_through_a_relationship_in_other_letter_case(
    issued: Path, tmp_path: Path
) -> None:
    parts = with_answers(parts_of(issued))
    rels = parts["xl/_rels/workbook.xml.rels"].replace(
        b"worksheets/sheet2.xml", b"Worksheets/Sheet2.xml"
    )
    formula = (DEVIATION, b'<c r="V3"><f>1+1</f><v>2</v></c>')
    parts = answered({**parts, "xl/_rels/workbook.xml.rels": rels}, formula)
    found = read_cell(issued, tmp_path, parts, "V3")
    assert found.problem is not None and "a formula where a value belongs" in str(found.problem)


def test_a_number_typed_in_a_note_is_its_text(issued: Path, tmp_path: Path) -> None:
    parts = answered(with_answers(parts_of(issued)), (NOTE_CELL, b'<c r="L3"><v>42</v></c>'))
    found = read_cell(issued, tmp_path, parts, "L3")
    assert (found.value, found.problem) == ("42", None)


def test_an_infinite_deviation_does_not_stop_the_master_or_the_next_merge(
    workspace: Workspace, issued: Path, tmp_path: Path
) -> None:
    copy = copied(workspace, tmp_path)
    parts = answered(
        with_answers(parts_of(issued)),
        (DEVIATION, b'<c r="V3" s="16"><v>1e999</v></c>'),
    )
    (copy.path / "inbox" / "infinite.xlsx").write_bytes(zipped(parts))
    (report,) = copy.merge().files
    assert report.verdict.value == "accepted"
    assert ("V3", "inf") in [(p.cell, p.value) for p in report.problems]
    (copy.path / "inbox" / "good.xlsx").write_bytes(zipped(with_answers(parts_of(issued))))
    assert [f.verdict.value for f in copy.merge().files] == ["accepted"]
    copy.summary()


def edited(issued: Path, out: Path, edit: Callable[[openpyxl.Workbook], None]) -> Path:
    shutil.copy(issued, out)
    book = openpyxl.load_workbook(out)
    edit(book)
    book.save(out)
    return out


def test_a_header_in_capitals_still_names_its_column(issued: Path, tmp_path: Path) -> None:
    def edit(book: openpyxl.Workbook) -> None:
        sheet = book.worksheets[1]
        assert sheet["Q2"].value == "Smiley økonomi – 1. budgetopfølgning 2018"
        sheet["Q2"] = "SMILEY  ØKONOMI"
        sheet["Q3"] = "😊 Overholdt"

    path = edited(issued, tmp_path / "capitals.xlsx", edit)
    returned = read_workbook(path, Workspace(issued.parents[2]).load().agreement)
    assert ("3.01", "economy") in returned.values()
    assert not returned.tampered


def test_a_workbook_issued_with_the_earlier_headers_is_still_read(
    issued: Path, tmp_path: Path
) -> None:
    """Workbooks out with the centres when the headers were reworded come back with
    the old ones ("Smiley økonomi"), and are read as before."""

    def edit(book: openpyxl.Workbook) -> None:
        sheet = book.worksheets[1]
        assert sheet["K2"].value == "Smiley indsats – 1. budgetopfølgning 2018"
        sheet["K2"] = "Smiley 1. budgetopfølgning 2018"
        sheet["Q2"] = "Smiley økonomi"
        sheet["R2"] = "Status økonomi"
        sheet["Q3"] = "😊 Overholdt"

    path = edited(issued, tmp_path / "earlier.xlsx", edit)
    returned = read_workbook(path, Workspace(issued.parents[2]).load().agreement)
    values = returned.values()
    assert values[("3.01", "economy")] == "kept"
    assert not returned.tampered


def test_an_answer_column_without_its_header_is_said(issued: Path, tmp_path: Path) -> None:
    def edit(book: openpyxl.Workbook) -> None:
        book.worksheets[1]["Q2"] = "Min smiley"

    path = edited(issued, tmp_path / "header.xlsx", edit)
    returned = read_workbook(path, Workspace(issued.parents[2]).load().agreement)
    assert any(
        "sheet '3. Sammenhængende…': the column "
        "'Smiley økonomi – 1. budgetopfølgning 2018' is not there" in str(note)
        for note in returned.tampered
    )


def test_a_chapter_sheet_renamed_as_a_summary_sheet_is_read(issued: Path, tmp_path: Path) -> None:
    def edit(book: openpyxl.Workbook) -> None:
        book.worksheets[1]["K3"] = "😊 Opfyldt"
        book.worksheets[1].title = "Overblik"

    path = edited(issued, tmp_path / "renamed.xlsx", edit)
    returned = read_workbook(path, Workspace(issued.parents[2]).load().agreement)
    assert returned.values()[("3.01", "milestone")] == "met"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("language", "fr", "its _xlfollow sheet gives 'fr' as its language"),
        ("round_index", "1.5", "its _xlfollow sheet gives '1.5' as its round_index"),
    ],
)
def test_metadata_xlfollow_never_writes_is_a_rejection(
    issued: Path, tmp_path: Path, key: str, value: str, message: str
) -> None:
    def edit(book: openpyxl.Workbook) -> None:
        sheet = book["_xlfollow"]
        (row,) = [r for r in sheet.iter_rows() if r[0].value == key]
        row[1].value = value

    path = edited(issued, tmp_path / "metadata.xlsx", edit)
    with pytest.raises(WorkbookError, match=message):
        read_workbook(path, Workspace(issued.parents[2]).load().agreement)


def test_a_round_the_agreement_lacks_is_a_rejection_and_the_batch_goes_on(
    workspace: Workspace, issued: Path, tmp_path: Path
) -> None:
    """The small example has four rounds (index 0 to 3): a workbook naming index 4 is
    for a fifth round, which is said, not an IndexError that stops the merge."""

    def fifth_round(book: openpyxl.Workbook) -> None:
        sheet = book["_xlfollow"]
        (row,) = [r for r in sheet.iter_rows() if r[0].value == "round_index"]
        assert row[1].value == "0"
        row[1].value = "4"

    copy = copied(workspace, tmp_path)
    edited(issued, copy.path / "inbox" / "fifth.xlsx", fifth_round)
    (copy.path / "inbox" / "zz-good.xlsx").write_bytes(zipped(with_answers(parts_of(issued))))
    verdicts = {Path(f.path).name: (f.verdict.value, f.reason) for f in copy.merge().files}
    assert verdicts == {
        "fifth.xlsx": (
            "rejected",
            "it names round 5, which the agreement lacks",
        ),
        "zz-good.xlsx": ("accepted", ""),
    }
