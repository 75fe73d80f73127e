"""The parts of a Word document the report is built of, with python-docx: the template
opened and emptied, its styles, language, header and footer made sure of, and
paragraphs and tables written as accessible documents need them (real headings,
header rows repeated on each page, tables with a caption, text as text)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from importlib.resources import as_file, files
from pathlib import Path
from typing import cast
from zipfile import BadZipFile

import docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from xlfollow.definition.reportform import BUDGET_STYLE, DEVIATION_STYLE, STATUS_STYLE
from xlfollow.errors import ReportError
from xlfollow.messages import Text

__all__ = [
    "FIGURES_STYLE",
    "TEMPLATE_FILE",
    "CellText",
    "Page",
    "TableWriter",
    "add_text",
    "clean",
    "open_template",
    "page_fields",
    "set_language",
    "shade",
]

FIGURES_STYLE = "xlfollow Figures"
"""The paragraph style of the overview's tables of figures: a size smaller than the
text, so that eight columns of figures fit the page's width."""
TEMPLATE_FILE = "report-template.docx"
"""The bundled template in workbook_templates/, and a workspace's own by that name."""

# Characters XML 1.0 does not allow (a control character pasted into a text): Word
# cannot hold them, so they are shown as U+FFFD rather than lost without a word.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    """Text as a document may hold it."""
    return _NOT_XML.sub("\ufffd", text)


def open_template(path: Path | None) -> Document:
    """The template's document with its body emptied (its page setup, styles, header
    and footer kept); the bundled template if path is None."""
    if path is None:
        with as_file(files("xlfollow.workbook_templates") / TEMPLATE_FILE) as bundled:
            document = docx.Document(str(bundled))
    else:
        try:
            document = docx.Document(str(path))
        # What python-docx raises for a file that is no Word document it can open: not
        # a zip or no package (PackageNotFoundError, BadZipFile), another Office file
        # (ValueError), a part missing (KeyError) or damaged (lxml's SyntaxError).
        except (PackageNotFoundError, BadZipFile, ValueError, KeyError, SyntaxError) as exc:
            raise ReportError(
                Text(
                    "{file} cannot be the report's template: it is not a Word document that "
                    "opens ({why}). Save it in Word as a Word Document (.docx), or remove it "
                    "to use the bundled template",
                    file=str(path),
                    why=f"{type(exc).__name__}: {exc}"[:200],
                )
            ) from None
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    _own_styles(document)
    return document


def _own_styles(document: Document) -> None:
    """The paragraph styles that mark a report's parts, added where the template lacks
    them (a municipality's letterhead has its own Normal and headings, not these)."""
    styles = document.styles
    names = {style.name for style in styles}
    for name, italic in ((STATUS_STYLE, False), (BUDGET_STYLE, False), (DEVIATION_STYLE, True)):
        if name in names:
            continue
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.font.italic = italic
        style.paragraph_format.space_before = Pt(3)
    if FIGURES_STYLE not in names:
        style = styles.add_style(FIGURES_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.font.size = Pt(9)
        style.paragraph_format.space_after = Pt(0)
    for name, level in (("Title", None), ("Subtitle", None), ("Heading 1", 0), ("Heading 2", 1)):
        if name in names:
            continue
        # A letterhead saved without them: Word's built-in names, so that Word, and
        # LibreOffice's tagged PDF, know a heading by them; a heading's outline level.
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.font.bold = True
        style.font.size = Pt({"Title": 20, "Subtitle": 13, "Heading 1": 15}.get(name, 12))
        style.paragraph_format.keep_with_next = name.startswith("Heading")
        if level is not None:
            outline = OxmlElement("w:outlineLvl")
            outline.set(qn("w:val"), str(level))
            style.element.get_or_add_pPr().append(outline)


def set_language(document: Document, tag: str) -> None:
    """The document's language (da-DK), for spelling, hyphenation and screen readers,
    and the PDF's /Lang: on the defaults of every run and in the core properties."""
    document.core_properties.language = tag
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = OxmlElement("w:rPrDefault")
        defaults.insert(0, run_defaults)
    properties = run_defaults.find(qn("w:rPr"))
    if properties is None:
        properties = OxmlElement("w:rPr")
        run_defaults.append(properties)
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)
    lang.set(qn("w:val"), tag)
    lang.set(qn("w:eastAsia"), tag)
    lang.set(qn("w:bidi"), tag)


def page_fields(paragraph: Paragraph, template: str) -> None:
    """A text such as "Side {page} af {pages}" with the page number and count as
    fields, which Word and LibreOffice fill in."""
    for part in re.split(r"(\{page\}|\{pages\})", template):
        if part in ("{page}", "{pages}"):
            field = OxmlElement("w:fldSimple")
            field.set(qn("w:instr"), "PAGE" if part == "{page}" else "NUMPAGES")
            run = OxmlElement("w:r")
            text = OxmlElement("w:t")
            text.text = "1"
            run.append(text)
            field.append(run)
            paragraph._p.append(field)
        elif part:
            paragraph.add_run(part)


class Page:
    """The document being written, with its styles' ids looked up once: python-docx
    finds a style by name by reading every style, which a report of thousands of
    paragraphs cannot afford per paragraph."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.ids = {style.name: style.style_id for style in document.styles}
        section = document.sections[-1]
        sizes = (section.page_width, section.left_margin, section.right_margin)
        self.width = 17.0
        """The text's width in cm, which tables span: A4 less 2 cm margins, or the
        template's own page less its margins."""
        if all(size is not None for size in sizes):
            page, left, right = (size.cm for size in sizes if size is not None)
            self.width = max(page - left - right, 8.0)
        body = document.element.body
        self._end = body.find(qn("w:sectPr"))
        """The body's section properties, which its content goes before: python-docx
        looks for them among all the body's elements at each paragraph it adds."""

    def _add(self, element: BaseOxmlElement) -> None:
        if self._end is None:
            self.document.element.body.append(element)
        else:
            self._end.addprevious(element)

    def paragraph(self, text: str = "", style: str | None = None) -> Paragraph:
        """A paragraph of the body, in a style."""
        element = cast(BaseOxmlElement, OxmlElement("w:p"))
        self._add(element)
        paragraph = Paragraph(element, self.document._body)
        if style is not None:
            paragraph._p.style = self.ids[style]
        if text:
            add_text(paragraph, text)
        return paragraph

    def table(
        self, widths: list[float], caption: str, description: str = "", *, narrow: bool = False
    ) -> TableWriter:
        """A table with its columns' widths in cm, borders, and the caption and
        description a screen reader says of it (alternative text); narrow: its cells'
        side margins 0.1 cm instead of 0.19, for many columns of figures. The widths
        are those of a page 17 cm wide, scaled to the page's own."""
        widths = [width * self.width / sum(widths) for width in widths]
        element = CT_Tbl.new_tbl(0, len(widths), Cm(sum(widths)))
        self._add(element)
        table = Table(element, self.document._body)
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = False
        properties = table._tbl.tblPr
        borders = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            line = OxmlElement(f"w:{edge}")
            line.set(qn("w:val"), "single")
            line.set(qn("w:sz"), "4")
            line.set(qn("w:color"), "808080")
            borders.append(line)
        # In the schema's order, which Word holds to: borders, layout, margins, look.
        properties.insert_element_before(
            borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook"
        )
        if narrow:
            margins = OxmlElement("w:tblCellMar")
            for side in ("left", "right"):
                margin = OxmlElement(f"w:{side}")
                margin.set(qn("w:w"), "57")
                margin.set(qn("w:type"), "dxa")
                margins.append(margin)
            properties.insert_element_before(margins, "w:tblLook")
        for tag, value in (("w:tblCaption", caption), ("w:tblDescription", description or caption)):
            element = OxmlElement(tag)
            element.set(qn("w:val"), clean(value))
            properties.append(element)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Cm(width)
        return TableWriter(self, table, widths)


_TWIPS_PER_CM = 567


class TableWriter:
    """A table written row by row: each row's cells made as wide as the columns they
    span, without python-docx's merging of cells after the fact (which works out the
    whole table's grid for every merge)."""

    def __init__(self, page: Page, table: Table, widths: list[float]) -> None:
        self.page = page
        self.table = table
        self.widths = widths

    def row(
        self, spans: Sequence[int] = (), *, keep_together: bool = False, header: bool = False
    ) -> list[CellText]:
        """A new row's cells, one per column or as the spans say (2, 2: two cells of two
        columns each); keep_together: the row is not split over two pages; header: it
        is the header row, repeated at the top of every page the table runs over."""
        spans = spans or [1] * len(self.widths)
        row = OxmlElement("w:tr")
        if keep_together or header:
            properties = OxmlElement("w:trPr")
            properties.append(_flag("w:cantSplit"))
            if header:
                properties.append(_flag("w:tblHeader"))
            row.append(properties)
        cells = []
        column = 0
        for span in spans:
            width = sum(self.widths[column : column + span])
            column += span
            cell = OxmlElement("w:tc")
            properties = OxmlElement("w:tcPr")
            measure = OxmlElement("w:tcW")
            measure.set(qn("w:w"), str(round(width * _TWIPS_PER_CM)))
            measure.set(qn("w:type"), "dxa")
            properties.append(measure)
            if span > 1:
                spanned = OxmlElement("w:gridSpan")
                spanned.set(qn("w:val"), str(span))
                properties.append(spanned)
            cell.append(properties)
            cell.append(OxmlElement("w:p"))
            row.append(cell)
            cells.append(CellText(_Cell(cell, self.table), self.page))
        self.table._tbl.append(row)
        return cells

    def header(
        self, texts: list[str], style: str | None = None, spans: Sequence[int] = ()
    ) -> list[CellText]:
        """The table's header row: bold, shaded, repeated on every page, kept whole; a
        PDF tags its cells as header cells."""
        cells = self.row(spans, header=True)
        for cell, text in zip(cells, texts, strict=True):
            paragraph = cell.paragraph(style)
            paragraph.paragraph_format.keep_with_next = True
            if text:
                add_text(paragraph, text, bold=True)
            shade(cell.cell, "D9D9D9")
        return cells

    def figures(self, texts: list[str], *, total: bool = False) -> None:
        """A row of a table of figures: its name, then the figures aligned right; a
        total's row in bold."""
        cells = self.row(keep_together=True)
        for number, (cell, text) in enumerate(zip(cells, texts, strict=True)):
            paragraph = cell.paragraph(FIGURES_STYLE)
            # A table of figures stays on one page where it fits: each row kept with
            # the next, up to the total.
            paragraph.paragraph_format.keep_with_next = not total
            if number:
                paragraph.alignment = WD_PARAGRAPH_ALIGNMENT.RIGHT
            if text:
                add_text(paragraph, text, bold=total)


def add_text(paragraph: Paragraph, text: str, *, bold: bool = False) -> None:
    """A run of text at the paragraph's end, made as python-docx makes it (a tab as
    w:tab, space at the ends kept) but without its generic element machinery, which
    costs a report of thousands of items most of its time; the text is cleaned."""
    text = clean(text)
    if "\t" in text or "\n" in text:
        paragraph.add_run(text).bold = bold or None
        return
    run = OxmlElement("w:r")
    if bold:
        properties = OxmlElement("w:rPr")
        properties.append(OxmlElement("w:b"))
        run.append(properties)
    element = OxmlElement("w:t")
    element.text = text
    if len(text.strip()) < len(text):
        element.set(qn("xml:space"), "preserve")
    run.append(element)
    paragraph._p.append(run)


def _flag(tag: str) -> BaseOxmlElement:
    element = cast(BaseOxmlElement, OxmlElement(tag))
    element.set(qn("w:val"), "true")
    return element


def shade(cell: _Cell, colour: str) -> None:
    """A cell's background colour, as hex RRGGBB."""
    properties = cell._tc.get_or_add_tcPr()
    fill = OxmlElement("w:shd")
    fill.set(qn("w:val"), "clear")
    fill.set(qn("w:color"), "auto")
    fill.set(qn("w:fill"), colour.lstrip("#"))
    properties.append(fill)


class CellText:
    """A table cell written paragraph by paragraph: its first, empty paragraph (every
    new cell has one) is used for the first."""

    def __init__(self, cell: _Cell, page: Page) -> None:
        self.cell = cell
        self.page = page
        self.used = False

    def paragraph(self, style: str | None = None) -> Paragraph:
        """The cell's next paragraph."""
        if self.used:
            paragraph: Paragraph = self.cell.add_paragraph()
        else:
            self.used = True
            paragraph = self.cell.paragraphs[0]
        if style is not None:
            paragraph._p.style = self.page.ids[style]
        return paragraph

    def lines(self, text: str, style: str | None = None) -> None:
        """A text, one paragraph per line."""
        for line in text.split("\n"):
            paragraph = self.paragraph(style)
            if line:
                add_text(paragraph, line)

    def labelled(self, label: str, value: str, style: str | None = None) -> Paragraph:
        """A paragraph "Label: value" with the label in bold."""
        paragraph = self.paragraph(style)
        add_text(paragraph, f"{label}:", bold=True)
        if value:
            add_text(paragraph, f" {value}")
        return paragraph
