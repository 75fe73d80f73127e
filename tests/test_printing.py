"""How the sheets print: the page setup, print areas, repeated rows and page breaks in the
written XML, and what LibreOffice Calc prints from them for the bundled example after the
demo round (a centre's chapter sheet, the master's Overblik, Konflikter and Modtaget):
no text smaller than 7.5 pt, no chart cut in two, no text cut off.

The printing tests need LibreOffice (libreoffice-calc) and poppler-utils; without them
they are skipped, unless XLFOLLOW_REQUIRE_LIBREOFFICE=1, when they fail instead.
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from sheetpdf import Word, only_sheets, pages_of, print_to_pdf, printing_missing

from xlfollow.demo.run import run_demo
from xlfollow.ledger.dialect import Engine
from xlfollow.workbooks.printing import (
    PRINTABLE_WIDTH,
    column_points,
    page_breaks,
    pages_across,
    print_scale,
)
from xlfollow.workbooks.styles import row_height, wrapped_lines

LEDGER_ENGINES = (Engine.SQLITE,)
"""The workbooks' print setup: no ledger is opened here."""

CHAPTER = "3. Sammenhængende…"
CENTRE_FILE = "04-skoler-institutioner-og-kultur-runde-1.xlsx"
MASTER_SHEETS = ("Overblik", "Økonomi", "Konflikter", "Modtaget")
SMALLEST = 7.5
"""The smallest text a page may carry, in points."""

MISSING = printing_missing()
if MISSING and os.environ.get("XLFOLLOW_REQUIRE_LIBREOFFICE") == "1":
    raise RuntimeError(f"LibreOffice is required here but {MISSING}")
needs_libreoffice = pytest.mark.skipif(bool(MISSING), reason=MISSING)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled example after the demo round: returns, a conflict, receipts."""
    folder = tmp_path_factory.mktemp("printing") / "ws"
    run_demo(folder)
    return folder


def centre_book(demo: Path) -> Path:
    return demo / "outbox" / "round-1" / CENTRE_FILE


class SheetXml:
    """A sheet's XML as written, and the workbook's defined names for it."""

    def __init__(self, book: Path, name: str) -> None:
        with zipfile.ZipFile(book) as archive:
            workbook = archive.read("xl/workbook.xml").decode("utf-8")
            names = re.findall(r'<sheet name="([^"]*)"', workbook)
            self.index = names.index(name)
            self.xml = archive.read(f"xl/worksheets/sheet{self.index + 1}.xml").decode("utf-8")
        self.names = dict(
            re.findall(
                rf'<definedName name="(_xlnm\.\w+)" localSheetId="{self.index}"[^>]*>([^<]*)<',
                workbook,
            )
        )

    def attributes(self, element: str) -> dict[str, str]:
        found = re.search(rf"<{element} ([^>]*?)/?>", self.xml)
        assert found, f"no <{element}>"
        return dict(re.findall(r'(\w+)="([^"]*)"', found.group(1)))

    def breaks(self, kind: str) -> list[int]:
        found = re.search(rf"<{kind}[^>]*>(.*?)</{kind}>", self.xml)
        return [int(n) for n in re.findall(r'<brk id="(\d+)"', found.group(1))] if found else []


# The arithmetic, by hand.


def test_a_column_prints_at_calcs_width() -> None:
    # 10 characters are written as 75 pixels, 75/7 characters of 5.55 points.
    assert column_points(10) == pytest.approx(75 / 7 * 5.55)


def test_columns_that_fit_a_page_at_80_percent_are_fitted_to_it() -> None:
    assert print_scale([PRINTABLE_WIDTH * 1.2]) is None
    assert print_scale([PRINTABLE_WIDTH * 1.25]) is None


def test_wider_columns_print_at_the_largest_scale_needing_no_more_pages() -> None:
    third = PRINTABLE_WIDTH / 3
    # Six columns of a third of a page: two pages across at 100 % and at 80 % (3.75 of
    # them a page, and a column is not split), so 100 % it is.
    assert pages_across([third] * 6, 0, 100) == 2
    assert pages_across([third] * 6, 0, 80) == 2
    assert print_scale([third] * 6) == 100
    # Seven columns of 0.3 page: three pages at 100 % (3, 3, 1), two at 80 % (4, 3);
    # four columns, 1.2 pages, fit a page up to 83 % (100 / 83 = 1.205).
    narrower = PRINTABLE_WIDTH * 0.3
    assert pages_across([narrower] * 7, 0, 100) == 3
    assert pages_across([narrower] * 7, 0, 80) == 2
    assert print_scale([narrower] * 7) == 83
    # Repeated columns take their room on every page: 0.3 page of them leaves 0.95 of a
    # page at 80 %, three columns, three pages; and three still fit up to 83 %
    # (1.205 - 0.3 = 0.905 of a page).
    assert print_scale([narrower] * 7, repeated=narrower) == 83


def test_a_page_break_comes_before_a_block_that_would_not_fit() -> None:
    blocks = [(3, 300.0), (20, 300.0), (40, 100.0), (50, 700.0), (90, 50.0)]
    # 300 + 300 fit; 100 more do not: a page from row 40; 100 + 700 do not fit, nor
    # 700 + 50 (a block taller than a page starts one).
    assert page_breaks(blocks, 620.0) == [40, 50, 90]


def test_a_row_is_tall_enough_for_its_words_wrapped() -> None:
    # 3.20's milestone of round 2 in a column 26 wide, 31 characters a line:
    # "Forslag er udarbejdet og" / "forelagt Børne- og" / "Skoleudvalget med henblik på," /
    # "at de træder i kraft i" / "skoleåret 2018/2019."
    text = (
        "Forslag er udarbejdet og forelagt Børne- og Skoleudvalget med henblik på, "
        "at de træder i kraft i skoleåret 2018/2019."
    )
    assert wrapped_lines(text, 31) == 5
    assert wrapped_lines("a" * 25 + " b", 10) == 3  # aaaaaaaaaa / aaaaaaaaaa / aaaaa b
    assert row_height([(text, 26)]) == 5 * 13.5 + 3
    assert row_height([("kort", 26)]) == 13.5 + 3


# The page setup as written.


def test_a_chapter_sheet_prints_landscape_at_a_readable_scale_across_pages(demo: Path) -> None:
    sheet = SheetXml(centre_book(demo), CHAPTER)
    setup = sheet.attributes("pageSetup")
    assert setup["orientation"] == "landscape"
    assert setup["paperSize"] == "9"
    assert 80 <= int(setup["scale"]) <= 100
    assert setup["pageOrder"] == "overThenDown"
    assert "fitToPage" not in sheet.xml  # its width spans pages
    quoted = "'3. Sammenhængende…'"
    # The item's number and title, and the title and header rows, on every page.
    assert sheet.names["_xlnm.Print_Titles"] == f"{quoted}!$B:$C,{quoted}!$1:$2"
    # From the number on: the hidden key in column A does not print.
    assert re.fullmatch(rf"{re.escape(quoted)}!\$B\$1:\$W\$\d+", sheet.names["_xlnm.Print_Area"])
    margins = sheet.attributes("pageMargins")
    assert (margins["left"], margins["right"]) == ("0.25", "0.25")


@pytest.mark.parametrize(("name", "title_rows"), [("Konflikter", "$1:$2"), ("Modtaget", "$1:$2")])
def test_the_masters_lists_print_a_page_wide_with_their_headers(
    demo: Path, name: str, title_rows: str
) -> None:
    sheet = SheetXml(demo / "master.xlsx", name)
    assert sheet.attributes("pageSetup")["orientation"] == "landscape"
    assert sheet.attributes("pageSetup")["fitToHeight"] == "0"
    assert sheet.attributes("pageSetUpPr")["fitToPage"] == "1"
    assert sheet.names["_xlnm.Print_Titles"] == f"{name}!{title_rows}"


def test_okonomi_prints_at_a_readable_scale_its_names_on_every_page(demo: Path) -> None:
    sheet = SheetXml(demo / "master.xlsx", "Økonomi")
    setup = sheet.attributes("pageSetup")
    assert setup["orientation"] == "landscape"
    assert 80 <= int(setup.get("scale", "100")) <= 100  # xlsxwriter leaves out 100
    assert "fitToPage" not in sheet.xml  # its width spans pages rather than shrinking
    assert sheet.names["_xlnm.Print_Titles"] == "Økonomi!$A:$A,Økonomi!$1:$1"


def chart_anchors(book: Path, sheet: SheetXml) -> list[tuple[int, int, int, int]]:
    """The charts of a sheet: (first column, first row, last column, last row), 0-based."""
    with zipfile.ZipFile(book) as archive:
        rels = archive.read(f"xl/worksheets/_rels/sheet{sheet.index + 1}.xml.rels").decode()
        (drawing,) = re.findall(r'Target="../drawings/(drawing\d+\.xml)"', rels)
        xml = archive.read(f"xl/drawings/{drawing}").decode()
    cells = [
        (int(col), int(row))
        for col, row in re.findall(
            r"<xdr:col>(\d+)</xdr:col><xdr:colOff>\d+</xdr:colOff><xdr:row>(\d+)</xdr:row>", xml
        )
    ]
    return [(*cells[n], *cells[n + 1]) for n in range(0, len(cells), 2)]


def test_overblik_breaks_pages_between_its_tables_and_charts(demo: Path) -> None:
    book = demo / "master.xlsx"
    sheet = SheetXml(book, "Overblik")
    setup = sheet.attributes("pageSetup")
    assert (setup["orientation"], setup["scale"]) == ("landscape", "80")
    assert sheet.names["_xlnm.Print_Titles"] == "Overblik!$1:$1"
    # The charts on pages of their own, right of the tables.
    assert sheet.breaks("colBreaks") == [13]
    rows = sheet.breaks("rowBreaks")
    assert rows, "no page breaks between the blocks"
    charts = chart_anchors(book, sheet)
    assert len(charts) == 8  # milestones and economy by chapter, centre, committee, kind
    edges = [0, *rows, 10**6]
    for first_col, first_row, _, last_row in charts:
        assert first_col >= 13
        # A break before row n (1-based id n) falls between 0-based rows n-1 and n.
        band = next(n for n in range(len(edges) - 1) if edges[n] <= first_row < edges[n + 1])
        assert last_row < edges[band + 1], (first_row, last_row, rows)


# What Calc prints.


@pytest.fixture(scope="module")
def printed(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[list[Word]]]:
    """Each sheet printed alone by Calc, with a reference cell of 10-point text at 100 %:
    the pages' words per sheet."""
    folder = tmp_path_factory.mktemp("pdf")
    reference = folder / "reference.xlsx"
    with xlsxwriter.Workbook(str(reference)) as book:
        book.add_worksheet().write_string(0, 0, "Kalibrering", book.add_format({"font_size": 10}))
    books = {"reference": reference}
    books[CHAPTER] = only_sheets(centre_book(demo), {CHAPTER}, folder / "chapter.xlsx")
    for name in MASTER_SHEETS:
        books[name] = only_sheets(demo / "master.xlsx", {name}, folder / f"{name}.xlsx")
    pdfs = print_to_pdf(list(books.values()), folder)
    return {name: pages_of(pdf) for name, pdf in zip(books, pdfs, strict=True)}


def font_size(printed: dict[str, list[list[Word]]], word: Word) -> float:
    """A word's font size in points: its box's height over the box of 10-point text."""
    (reference,) = [w for page in printed["reference"] for w in page]
    return word.height / reference.height * 10


@needs_libreoffice
@pytest.mark.parametrize("name", [CHAPTER, *MASTER_SHEETS])
def test_no_text_is_printed_smaller_than_7_5_points(
    printed: dict[str, list[list[Word]]], name: str
) -> None:
    words = [word for page in printed[name] for word in page]
    assert words
    smallest = min(words, key=lambda word: word.height)
    assert font_size(printed, smallest) >= SMALLEST, smallest


@needs_libreoffice
@pytest.mark.parametrize("name", ["Konflikter", "Modtaget"])
def test_the_masters_lists_print_on_one_page(
    printed: dict[str, list[list[Word]]], name: str
) -> None:
    (page,) = printed[name]  # the demo's: a conflict, eleven files
    assert any(word.text == "Beslutning" or word.text == "Begrundelse" for word in page)


@needs_libreoffice
def test_calc_breaks_overblik_only_where_it_was_told(
    demo: Path, printed: dict[str, list[list[Word]]]
) -> None:
    # A page for each band's tables and one for its charts, but the trend's band has
    # none: had Calc broken a page of its own accord, a chart could be cut there.
    rows = SheetXml(demo / "master.xlsx", "Overblik").breaks("rowBreaks")
    pages = printed["Overblik"]
    assert len(pages) == 2 * (len(rows) + 1) - 1
    titles = [" ".join(w.text for w in page) for page in pages]
    for chart in ("Milepæle i", "Smiley for økonomi i"):
        # Each chart's title, whole, on the pages right of the tables (odd, from 0).
        assert sum(text.count(chart) for text in titles[1::2]) == 4, chart
    # The trend table's header: the round's name all there (a word may be broken).
    assert "Milepæle pr. runde" in titles[-1]
    assert "1.budgetopfølgning2018" in titles[-1].replace(" ", "")


@needs_libreoffice
def test_a_chapter_sheets_texts_are_printed_whole(
    demo: Path, printed: dict[str, list[list[Word]]]
) -> None:
    printed_words = {word.text for page in printed[CHAPTER] for word in page}
    sheet = openpyxl.load_workbook(centre_book(demo))[CHAPTER]
    hidden = {
        column
        for dimension in sheet.column_dimensions.values()
        if dimension.hidden
        for column in range(dimension.min or 0, (dimension.max or 0) + 1)
    }
    missing = [
        (cell.coordinate, word)
        for row in sheet.iter_rows(min_row=3)
        for cell in row
        if isinstance(cell.value, str) and cell.column not in hidden
        for word in cell.value.split()
        if word not in printed_words
    ]
    assert not missing
    # 3.20's milestone of round 2, whose row its text alone makes tall.
    assert {"skoleåret", "2018/2019."} <= printed_words
