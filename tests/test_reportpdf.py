"""The council's report as a tagged PDF: a small Word document converted by LibreOffice,
read back with pdfinfo, pdftotext and pypdf.

Needs LibreOffice Writer and poppler-utils (Debian: libreoffice-writer, poppler-utils).
Where they are missing the tests that convert are skipped, unless
XLFOLLOW_REQUIRE_LIBREOFFICE=1 (CI sets it), when they fail instead. The tests of the
missing program and of the timeout use no LibreOffice.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pytest
from conftest import session_members
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from processes import left_by_tests, still_running
from pypdf import PdfReader
from pypdf.generic import BooleanObject, DictionaryObject, IndirectObject

from xlfollow.errors import ReportError, XlfollowError
from xlfollow.ledger.dialect import Engine
from xlfollow.messages import Language
from xlfollow.report.pdf import export_filter, find_soffice, to_pdf

LEDGER_ENGINES = (Engine.SQLITE,)
"""The council's report as PDF, from answers given: no ledger is opened here."""


def _missing() -> str:
    if find_soffice() is None:
        return "soffice is not installed (Debian package libreoffice-writer)"
    if shutil.which("pdfinfo") is None or shutil.which("pdftotext") is None:
        return "pdfinfo and pdftotext are not installed (Debian package poppler-utils)"
    return ""


MISSING = _missing()
if MISSING and os.environ.get("XLFOLLOW_REQUIRE_LIBREOFFICE") == "1":
    raise RuntimeError(f"LibreOffice is required here but {MISSING}")
needs_libreoffice = pytest.mark.skipif(bool(MISSING), reason=MISSING)
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="a fake soffice in sh")

TITLE = "Første opfølgning på Aftale om budget 2018 for Ballerup Kommune"
HEADER = ("Delelement 1.02 · Drift", "", "Tid", "Smiley")
SMILEY = "😊 Opfyldt"


def danish(rpr: Any) -> None:
    """Set run properties' language to Danish, as Word writes it for a Danish document."""
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "da-DK")
    lang.set(qn("w:eastAsia"), "da-DK")
    lang.set(qn("w:bidi"), "ar-SA")
    rpr.append(lang)


def write_sample(path: Path) -> Path:
    """A report in little: title, headings, a table with a repeated header row, a smiley."""
    document = docx.Document()
    document.core_properties.title = TITLE
    # The document's language is docDefaults' (LibreOffice writes it as the PDF's /Lang);
    # the Normal style's is its paragraphs'.
    styles = document.styles.element
    danish(styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")))
    danish(document.styles["Normal"].element.get_or_add_rPr())
    document.add_paragraph(TITLE, style="Title")
    document.add_heading("Læsevejledning", level=1)
    document.add_paragraph(f"{SMILEY}: Milepæl er opfyldt")
    document.add_heading("1. Vision 2029", level=1)
    document.add_heading("1.02. Arbejdet med Vision 2029", level=2)
    table = document.add_table(rows=2, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, text in zip(
        table.rows[1].cells, ("Milepæl", "Pilotprojekt", "1. budgetopfølgning", SMILEY), strict=True
    ):
        cell.text = text
    document.save(str(path))
    return path


@dataclass(frozen=True)
class Converted:
    """The sample, its PDF, and how long LibreOffice took."""

    docx: Path
    pdf: Path
    seconds: float


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Converted:
    if MISSING:
        pytest.skip(MISSING)
    folder = tmp_path_factory.mktemp("pdf")
    sample = write_sample(folder / "rapport.docx")
    start = time.monotonic()
    pdf = to_pdf(sample, folder / "rapport.pdf")
    return Converted(sample, pdf, time.monotonic() - start)


def pdfinfo(path: Path) -> dict[str, str]:
    run = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pairs = (line.split(":", 1) for line in run.stdout.splitlines() if ":" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def catalog(path: Path) -> Any:
    """The PDF's catalog, read as the tree of dictionaries it is (pypdf types it loosely)."""
    return PdfReader(path).trailer["/Root"].get_object()


@dataclass(frozen=True)
class Tag:
    """A structure element: its role, its children's roles, and its language if it has one."""

    role: str
    kids: list[str]
    language: str | None
    attributes: list[dict[str, str]]


def tags(node: Any) -> list[Tag]:
    """The structure elements below a node, depth first."""
    found = []
    for kid in _kids(node):
        language = str(kid["/Lang"]) if "/Lang" in kid else None
        given = kid.get("/A", [])
        attributes = [
            {str(key): str(value) for key, value in a.get_object().items()}
            for a in (given if isinstance(given, list) else [given])
        ]
        roles = [str(k["/S"]) for k in _kids(kid)]
        found.append(Tag(str(kid["/S"]), roles, language, attributes))
        found += tags(kid)
    return found


def _kids(node: Any) -> list[Any]:
    """A node's child elements, less its marked content (numbers and /MCR references)."""
    kids = node.get("/K")
    listed = kids if isinstance(kids, list) else [kids]
    resolved = [kid.get_object() if isinstance(kid, IndirectObject) else kid for kid in listed]
    return [kid for kid in resolved if isinstance(kid, DictionaryObject) and "/S" in kid]


@needs_libreoffice
def test_pdfinfo_says_it_is_tagged_with_the_documents_title(converted: Converted) -> None:
    info = pdfinfo(converted.pdf)
    assert info["Tagged"] == "yes"
    assert info["Title"] == TITLE
    assert info["Pages"] == "1"
    assert converted.docx.is_file()  # the Word document is kept


@needs_libreoffice
def test_the_catalog_gives_the_language_and_shows_the_title(converted: Converted) -> None:
    root = catalog(converted.pdf)
    assert root["/Lang"] == "da-DK"
    assert root["/MarkInfo"]["/Marked"] == BooleanObject(True)
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == BooleanObject(True)
    metadata = root["/Metadata"].get_object().get_data().decode()
    assert "<pdfuaid:part>1</pdfuaid:part>" in metadata  # PDF/UA-1


@needs_libreoffice
def test_the_structure_tree_has_the_headings_and_the_tables_header_cells(
    converted: Converted,
) -> None:
    tree = catalog(converted.pdf)["/StructTreeRoot"].get_object()
    found = tags(tree)
    roles = [tag.role for tag in found]
    assert [r for r in roles if r in ("/H1", "/H2")] == ["/H1", "/H1", "/H2"]
    # The Title style is a role of its own, mapped to a standard one.
    assert "/Title" in roles
    assert tree["/RoleMap"]["/Title"] == "/P"
    (table,) = [tag.kids for tag in found if tag.role == "/Table"]
    assert table == ["/TR", "/TR"]
    rows = [tag.kids for tag in found if tag.role == "/TR"]
    assert rows == [["/TH"] * 4, ["/TD"] * 4]
    # The words are in the document's language: no element says another. (Where only the
    # Normal style is Danish, /Lang is docDefaults' en-US and each /Span says da-DK.)
    assert {tag.language for tag in found} <= {None, "da-DK"}


@needs_libreoffice
def test_a_table_across_pages_repeats_its_header_row_and_tags_it_once(tmp_path: Path) -> None:
    sample = write_sample(tmp_path / "rapport.docx")
    document = docx.Document(str(sample))
    long: Any = document.tables[0]
    for n in range(80):
        long.add_row().cells[0].text = f"Milepæl {n}"
    document.save(str(sample))
    pdf = to_pdf(sample, tmp_path / "rapport.pdf")
    found = tags(catalog(pdf)["/StructTreeRoot"].get_object())
    assert [tag.role for tag in found].count("/Table") == 1
    (table,) = [tag.kids for tag in found if tag.role == "/Table"]
    assert table == ["/TR"] * 82
    headers = [tag for tag in found if tag.role == "/TH"]
    assert len(headers) == 4  # not again for each page it is repeated on
    assert all({"/O": "/Table", "/Scope": "/Column"} in tag.attributes for tag in headers)
    second_page = subprocess.run(
        ["pdftotext", "-f", "2", "-l", "2", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # pdftotext reads the first column down before the next: the header row is there, once.
    assert re.match(r"Delelement 1\.02 · Drift Milepæl \d+ ", " ".join(second_page.split()))
    assert second_page.split().count("Smiley") == 1


@needs_libreoffice
def test_the_headings_are_bookmarks(converted: Converted) -> None:
    outline = PdfReader(converted.pdf).outline
    assert [getattr(entry, "title", None) for entry in outline] == [
        "Læsevejledning",
        "1. Vision 2029",
        None,  # the list of the heading's own bookmarks
    ]
    assert [getattr(entry, "title", None) for entry in outline[2]] == [
        "1.02. Arbejdet med Vision 2029"
    ]


@needs_libreoffice
def test_the_text_is_text_with_its_smileys(converted: Converted) -> None:
    run = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(converted.pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    text = " ".join(run.stdout.split())
    assert f"{SMILEY}: Milepæl er opfyldt" in text
    assert "Delelement 1.02 · Drift" in text
    assert text.count(SMILEY) == 2


def glyph_outlines(font_file: bytes) -> int:
    """The length of a TrueType font's glyf table: 0 where its glyphs have no outlines
    (a colour bitmap font, as LibreOffice 7.4 embeds Noto Color Emoji)."""
    (tables,) = struct.unpack(">H", font_file[4:6])
    for n in range(tables):
        tag, _, _, length = struct.unpack(">4sIII", font_file[12 + 16 * n : 28 + 16 * n])
        if tag == b"glyf":
            return int(length)
    return 0


@needs_libreoffice
def test_the_smiley_is_drawn_in_a_font_with_outlines(converted: Converted) -> None:
    page: Any = PdfReader(converted.pdf).pages[0]
    fonts = page["/Resources"]["/Font"]
    smiley_fonts = [
        fonts[name].get_object()
        for name in fonts
        if b"<D83DDE0A>" in fonts[name]["/ToUnicode"].get_object().get_data().upper()
    ]
    assert smiley_fonts, "no font of the page draws 😊"
    for font in smiley_fonts:
        assert "ColorEmoji" not in font["/BaseFont"]
        embedded = font["/FontDescriptor"]["/FontFile2"].get_object().get_data()
        assert glyph_outlines(embedded) > 0, font["/BaseFont"]


@needs_libreoffice
def test_the_conversion_takes_seconds_and_leaves_nothing_behind(
    converted: Converted, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert converted.seconds < 60
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    old = tmp_path / "rapport.pdf"
    old.write_bytes(b"the old PDF")
    to_pdf(converted.docx, old)
    assert old.read_bytes().startswith(b"%PDF-1.")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport.pdf", "tmp"]
    assert list(scratch.iterdir()) == []  # the profile and LibreOffice's output are gone


@needs_libreoffice
def test_two_conversions_at_once_keep_to_their_own_profiles(
    converted: Converted, tmp_path: Path
) -> None:
    # Each soffice has a profile of its own, so neither hands its document to the other
    # (as a second soffice of one profile does, and returns at once).
    names = ["Første opfølgning.docx", "Anden opfølgning.docx"]
    for name in names:
        shutil.copy(converted.docx, tmp_path / name)
    with ThreadPoolExecutor(2) as pool:
        made = list(pool.map(lambda name: to_pdf(tmp_path / name, tmp_path / f"{name}.pdf"), names))
    assert [pdfinfo(pdf)["Title"] for pdf in made] == [TITLE, TITLE]


@needs_libreoffice
def test_a_pdf_that_cannot_be_written_is_named(converted: Converted, tmp_path: Path) -> None:
    target = tmp_path / "no such folder" / "rapport.pdf"
    with pytest.raises(ReportError) as caught:
        to_pdf(converted.docx, target)
    assert str(caught.value) == (
        f"the PDF cannot be written to {target}: No such file or directory. The Word "
        "document is kept."
    )


@needs_libreoffice
def test_a_file_that_is_no_word_document_is_refused_with_libreoffices_words(
    tmp_path: Path,
) -> None:
    # Without the named import filter LibreOffice reads such a file as plain text and
    # makes a PDF of it.
    bad = tmp_path / "rapport.docx"
    bad.write_text("not a Word document\n", encoding="utf-8")
    with pytest.raises(ReportError) as caught:
        to_pdf(bad, tmp_path / "rapport.pdf")
    assert str(caught.value) == (
        f"LibreOffice could not convert {bad} to PDF: Error: source file could not be loaded"
    )
    assert caught.value.say(Language.DA).startswith(f"LibreOffice kunne ikke konvertere {bad}")
    assert not (tmp_path / "rapport.pdf").exists()
    assert bad.is_file()


@needs_libreoffice
def test_libreoffice_stopped_by_the_timeout_leaves_no_process_nor_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    sample = write_sample(tmp_path / "rapport.docx")
    with pytest.raises(ReportError, match=r"more than 0\.2 s to convert"):
        to_pdf(sample, tmp_path / "rapport.pdf", timeout=0.2)
    office = [p for p in left_by_tests() if "soffice" in p.command or "oosplash" in p.command]
    assert still_running(office, after=2) == []
    assert not (tmp_path / "rapport.pdf").exists()
    assert list(scratch.iterdir()) == []  # its profile, half made, is gone


def test_the_filter_options_are_typed_json_as_libreoffice_7_4_reads_them() -> None:
    name, options = export_filter().split(":", 2)[1:]
    assert name == "writer_pdf_Export"
    assert json.loads(options) == {
        "UseTaggedPDF": {"type": "boolean", "value": "true"},
        "PDFUACompliance": {"type": "boolean", "value": "true"},
        "DisplayPDFDocumentTitle": {"type": "boolean", "value": "true"},
        "ExportBookmarks": {"type": "boolean", "value": "true"},
    }


def test_without_libreoffice_the_message_says_what_to_install(
    tmp_path: Path, nowhere: Path
) -> None:
    sample = tmp_path / "rapport.docx"
    sample.write_bytes(b"PK")
    with pytest.raises(ReportError) as caught:
        to_pdf(sample, tmp_path / "rapport.pdf")
    assert isinstance(caught.value, XlfollowError)
    assert str(caught.value) == (
        "LibreOffice is needed to write the PDF, and it is not installed (no soffice on "
        "PATH or where LibreOffice installs it). Install it: on Debian or Ubuntu `apt-get "
        "install libreoffice-writer`, on Windows or macOS from https://www.libreoffice.org. "
        f"The Word document {sample} is written and kept: it can also be saved as PDF from "
        "Word."
    )
    assert "apt-get install libreoffice-writer" in caught.value.say(Language.DA)
    assert sample.read_bytes() == b"PK"
    assert not (tmp_path / "rapport.pdf").exists()


def test_soffice_is_found_on_path_before_the_usual_places(tmp_path: Path, nowhere: Path) -> None:
    usual = tmp_path / "opt" / "soffice"
    usual.parent.mkdir()
    usual.touch()
    assert find_soffice([tmp_path / "absent", usual]) == usual
    on_path = nowhere / "soffice"
    on_path.touch(mode=0o755)
    assert find_soffice([usual]) == on_path
    assert find_soffice([]) == on_path


def test_a_missing_word_document_is_named(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match=r"rapport\.docx does not exist or is not a file"):
        to_pdf(tmp_path / "rapport.docx", tmp_path / "rapport.pdf")


def fake_soffice(folder: Path, script: str) -> Path:
    program = folder / "soffice"
    program.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    return program


@posix_only
def test_a_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    # Like soffice, a script that starts a program that starts another; it hangs.
    pid_file = tmp_path / "pid"
    program = fake_soffice(tmp_path, f"echo $$ > {pid_file}\nsleep 300 &\nsleep 300\n")
    sample = tmp_path / "rapport.docx"
    sample.write_bytes(b"PK")
    start = time.monotonic()
    with pytest.raises(ReportError) as caught:
        to_pdf(sample, tmp_path / "rapport.pdf", timeout=1, soffice=program)
    assert time.monotonic() - start < 10
    assert str(caught.value) == (
        f"LibreOffice took more than 1 s to convert {sample} to PDF and was stopped. The "
        "Word document is kept; run the command again, or open it in Word or LibreOffice "
        "and save it as PDF."
    )
    session = int(pid_file.read_text())  # the group's leader: its session is its pid
    # Killed, they are gone a moment later.
    deadline = time.monotonic() + 5
    while session_members(session) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert session_members(session) == []
    assert sample.is_file()


@posix_only
def test_a_failing_soffice_is_quoted(tmp_path: Path) -> None:
    program = fake_soffice(
        tmp_path,
        "echo 'Warning: failed to launch javaldx - java may not function correctly' >&2\n"
        "echo 'Error: the profile is locked' >&2\nexit 81\n",
    )
    sample = tmp_path / "rapport.docx"
    sample.write_bytes(b"PK")
    with pytest.raises(ReportError) as caught:
        to_pdf(sample, tmp_path / "rapport.pdf", soffice=program)
    assert str(caught.value) == (
        f"LibreOffice could not convert {sample} to PDF: Error: the profile is locked; "
        "exit status 81"
    )


@posix_only
def test_an_unstartable_soffice_is_named(tmp_path: Path) -> None:
    program = tmp_path / "soffice"
    program.write_text("not a program", encoding="utf-8")  # not executable
    sample = tmp_path / "rapport.docx"
    sample.write_bytes(b"PK")
    with pytest.raises(ReportError, match=rf"LibreOffice could not be started \({program}\)"):
        to_pdf(sample, tmp_path / "rapport.pdf", soffice=program)
