"""Reading the council's report back from Word (import-docx): files that are not
reports, and tables that do not have the form, each refused with a message that
names the file and the place; and the command that writes what it read."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docxform import Economy, Form, Milestone, TableItem
from docxsamples import (
    FINAL,
    ITEM_1_02,
    ITEM_1_03,
    R1,
    R2,
    R3,
    ROUNDS,
    SOS,
    SSU,
    guide,
    milestones,
    styled_report,
)

from xlfollow.cli.main import cli
from xlfollow.definition.agreement import load_agreement
from xlfollow.definition.docximport import import_docx, import_docx_file
from xlfollow.definition.todo import read_todo, todo_path
from xlfollow.errors import DefinitionError

# Files that are no report


def expect_problems(data: bytes, source: str = "rapport.docx") -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        import_docx(data, source)
    return [str(problem) for problem in caught.value.problems]


def test_a_text_file_renamed_docx_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "rapport.docx"
    path.write_text("Første opfølgning på Aftale om budget 2018\n", encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        import_docx_file(path)
    (problem,) = caught.value.problems
    assert str(problem) == (
        f"{path}: it is not a Word document (.docx), nor any zip; open it in Word and "
        "save it as a Word Document (.docx)"
    )


def test_an_old_doc_file_is_told_to_be_saved_as_docx() -> None:
    (problem,) = expect_problems(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "gammel.doc")
    assert problem.startswith("gammel.doc: it is an old Word document (.doc)")
    assert "save it as a Word Document (.docx)" in problem


def zipped(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_zip_without_a_document_part_is_refused() -> None:
    (problem,) = expect_problems(zipped({"xl/workbook.xml": b"<workbook/>"}))
    assert problem == (
        "rapport.docx: it is a zip but not a Word document (it has no word/document.xml); "
        "open it in Word and save it as a Word Document (.docx)"
    )


def test_a_damaged_zip_and_an_empty_file_are_refused() -> None:
    whole = styled_report().bytes()
    (cut,) = expect_problems(whole[: len(whole) // 2])
    assert cut.startswith("rapport.docx: it is damaged: its zip cannot be read (BadZipFile)")
    (empty,) = expect_problems(b"")
    assert empty.startswith("rapport.docx: the file is empty;")


def test_a_part_with_a_document_type_is_never_parsed() -> None:
    with zipfile.ZipFile(io.BytesIO(styled_report().bytes())) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["word/document.xml"] = (
        b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        + parts["word/document.xml"].split(b"?>", 1)[1]
    )
    (problem,) = expect_problems(zipped(parts))
    assert problem.startswith(
        "rapport.docx: its part word/document.xml declares a document type, which Word never"
    )


@pytest.mark.parametrize(
    ("part", "content"),
    [
        ("word/document.xml", b"<w:document"),
        ("word/document.xml", b'<?xml version="1.0"?><other xmlns="urn:x"/>'),
        ("word/styles.xml", b'<?xml version="1.0"?><other xmlns="urn:x"/>'),
        ("word/_rels/document.xml.rels", b'<?xml version="1.0"?><other xmlns="urn:x"/>'),
        ("[Content_Types].xml", b'<?xml version="1.0"?><other xmlns="urn:x"/>'),
    ],
)
def test_a_part_damaged_or_of_another_kind_is_said_without_a_traceback(
    part: str, content: bytes
) -> None:
    with zipfile.ZipFile(io.BytesIO(styled_report().bytes())) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts[part] = content
    (problem,) = expect_problems(zipped(parts))
    assert problem.startswith("rapport.docx: it is damaged or not a Word document (")
    assert problem.endswith("open it in Word and save it as a Word Document (.docx)")


def test_a_document_without_items_says_so() -> None:
    (problem,) = expect_problems(guide(Form().title("Noget", "andet")).bytes())
    assert problem.startswith("rapport.docx: no items found")


def test_a_table_with_a_missing_row_names_the_item_and_row_and_the_others_are_read() -> None:
    form = Form().title("Første opfølgning på", "Aftale om budget 2018")
    no_texts = TableItem(
        number="1.04",
        title="Uden tekster",
        milestones=milestones("a", "b", "c", "d"),
        drop_rows=[2],
    )
    no_round_2 = TableItem(
        number="1.05",
        title="Uden runde 2",
        fields=(f"Ansvarligt center: {SOS}", f"Ansvarligt udvalg: {SSU}"),
        milestones=milestones("a", "b", "c", "d"),
        drop_rows=[4],
    )
    form.heading("1. Vision").item(ITEM_1_02).item(no_texts).item(ITEM_1_03).item(no_round_2)
    problems = expect_problems(form.bytes())
    assert problems == [
        "rapport.docx: item 1.04, table row 2: this row should hold the agreement text and "
        "the fields ('Ansvarligt center: …'), but has no 'Ansvarligt center:'; restore the row",
        f"rapport.docx: item 1.05, table row 4: the 'Milepæl' rows are for {R1}, {R3}, {FINAL}, "
        f"where the report's rounds are {', '.join(ROUNDS)}; restore the missing or changed "
        f"row ({R2})",
    ]


def test_a_heading_without_its_table_and_a_bad_budget_line() -> None:
    form = Form().title("Første opfølgning på", "Aftale om budget 2018")
    bad_budget = TableItem(
        number="1.06",
        title="Dårlig budgetlinje",
        fields=(f"Ansvarligt center: {SOS}", f"Ansvarligt udvalg: {SSU}"),
        milestones=[Milestone(R1, "a")],
        economy=[Economy(R1, "Tekst", ("Budget (mio. kr.): 2018: mange",))],
    )
    form.heading("1. Vision").heading("1.01. Kun en overskrift", 2).item(bad_budget)
    assert expect_problems(form.bytes()) == [
        "rapport.docx: item 1.01: its heading is not followed by its table "
        "('Delelement 1.01 · Drift' | Tid | Smiley); restore the table",
        "rapport.docx: item 1.06, table row 4: the budget line 'Budget (mio. kr.): 2018: "
        "mange' cannot be read; write it as 'Budget (mio. kr.): 2018: 0,5; 2019: 0,5'",
    ]


# The command


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--language", "en", *args])
    return result.exit_code, result.stdout, result.stderr


def test_import_docx_writes_the_agreement_and_what_is_worth_a_look(tmp_path: Path) -> None:
    report = tmp_path / "rapport.docx"
    form = Form(styled=False).title("Første opfølgning på", "Aftale om budget 2018")
    report.write_bytes(form.heading("1. Vision 2029").item(ITEM_1_02).bytes())
    output = tmp_path / "agreement.yaml"
    code, out, err = run("import-docx", str(report), "-o", str(output))
    assert (code, err) == (0, "")
    assert out.startswith(f"Read {report}: 1 chapters, 1 items (1 Drift).")
    assert output.read_text(encoding="utf-8").startswith(
        "# Imported by xlfollow import-docx from rapport.docx.\n"
    )
    imported, _ = import_docx_file(report)
    assert load_agreement(output) == imported
    todo = read_todo(todo_path(output))
    assert {entry.subject.value for entry in todo} >= {"contributors", "scales"}
    code, _, err = run("import-docx", str(report), "-o", str(output))
    assert code == 1 and "exists; give another -o, or --force to overwrite it" in err


def test_import_docx_of_a_file_that_is_none_says_so_without_a_traceback(tmp_path: Path) -> None:
    report = tmp_path / "rapport.docx"
    report.write_text("tekst\n", encoding="utf-8")
    code, out, err = run("import-docx", str(report), "-o", str(tmp_path / "agreement.yaml"))
    assert (code, out) == (1, "")
    assert f"{report}: it is not a Word document (.docx), nor any zip;" in err
    assert "Traceback" not in err
    assert not (tmp_path / "agreement.yaml").exists()


def test_import_text_of_a_word_file_points_to_import_docx(tmp_path: Path) -> None:
    report = tmp_path / "rapport.docx"
    report.write_bytes(styled_report().bytes())
    output = tmp_path / "agreement.yaml"
    code, _, err = run("import-text", str(report), "-o", str(output))
    assert code == 1
    assert (
        f"{report} is a Word file, not a report saved as text; read it with "
        f"xlfollow import-docx {report} -o {output}"
    ) in err
