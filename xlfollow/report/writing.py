"""The council's report of a round written as a Word document: the front page, the
overview and the chapters with their items, on the municipality's template, with
its title, language, header and footer set."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from docx.document import Document
from docx.enum.text import WD_BREAK, WD_PARAGRAPH_ALIGNMENT
from docx.section import Section, _Footer, _Header

from xlfollow.definition.reportform import form_words
from xlfollow.figures.summary import Summary
from xlfollow.files import ensure_replaceable, write_atomically
from xlfollow.ledger.records import AnswerKey
from xlfollow.model import Definition
from xlfollow.report.frontpage import FrontPage, report_title
from xlfollow.report.items import ItemWriter
from xlfollow.report.overview import OverviewWriter
from xlfollow.report.wording import report_texts, round_title
from xlfollow.report.wordparts import Page, clean, open_template, page_fields, set_language
from xlfollow.texts import texts

__all__ = ["LANGUAGE_TAGS", "ReportRequest", "report_document", "write_report"]

LANGUAGE_TAGS = {"da": "da-DK", "en": "en-GB"}
"""The document's language tag by the workspace's language."""


@dataclass(frozen=True)
class ReportRequest:
    """What a report is made from."""

    definition: Definition
    round_index: int
    answers: Mapping[AnswerKey, str]
    """The current answers by (round, item, field), notes imported with the agreement
    among them."""
    summary: Summary
    previous: Summary | None
    """The previous round's figures, to say what changed; None in the first round."""
    dated: date
    template: Path | None = None
    """The municipality's Word template; None: the bundled one."""
    workspace: Path | None = None
    """Where a workspace's own report.yaml is looked for; None: the bundled texts only."""


def report_document(request: ReportRequest) -> Document:
    """The report as a python-docx Document."""
    definition = request.definition
    agreement = definition.agreement
    language = definition.settings.language
    words = form_words(language)
    report = report_texts(language, request.workspace)
    document = open_template(request.template)
    set_language(document, LANGUAGE_TAGS[language.value])
    title = report_title(agreement, request.round_index, report, words)
    properties = document.core_properties
    properties.title = clean(" ".join(title))
    properties.subject = clean(agreement.rounds[request.round_index])
    properties.author = clean(definition.settings.sender.department or "xlfollow")
    properties.keywords = ""
    properties.comments = ""
    ordinal = round_title(request.round_index, len(agreement.rounds), report)
    header = report["header"].format(ordinal=ordinal, title=agreement.title)
    for section in document.sections:
        _header_and_footer(section, header, report["footer"])
    settings = definition.settings
    page = Page(document)
    FrontPage(
        agreement,
        request.round_index,
        settings.sender,
        settings.report.case_number,
        request.dated,
        words,
        report,
    ).write(page)
    _page_break(document)
    OverviewWriter(
        agreement, request.summary, request.previous, words, report, texts(language)
    ).write(page)
    _page_break(document)
    ItemWriter(agreement, request.round_index, request.answers, words, report).chapters(page)
    return document


def write_report(request: ReportRequest, path: Path) -> Path:
    """Write the report to path (.docx), whole or not at all; WorkspaceError if the
    file is open in Word or LibreOffice."""
    ensure_replaceable(path)
    buffer = io.BytesIO()
    report_document(request).save(buffer)
    write_atomically(path, buffer.getvalue())
    return path


def _page_break(document: Document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _header_and_footer(section: Section, title: str, footer: str) -> None:
    """The report's title in the page header and "Side X af Y" in the footer, where
    the template leaves them empty (a letterhead's own stay as they are)."""
    header = section.header
    if header.is_linked_to_previous or _empty(header):
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0]
        paragraph.text = clean(title)
        paragraph.alignment = WD_PARAGRAPH_ALIGNMENT.RIGHT
    page = section.footer
    if page.is_linked_to_previous or _empty(page):
        page.is_linked_to_previous = False
        paragraph = page.paragraphs[0]
        paragraph.text = ""
        page_fields(paragraph, footer)
        paragraph.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER


def _empty(part: _Header | _Footer) -> bool:
    """Whether a header or footer holds nothing: no text anywhere in it (its tables
    too), no picture (a logo) and no field."""
    found = part._element.xpath(
        ".//w:t[normalize-space()] | .//w:drawing | .//w:pict | .//w:fldSimple | .//w:instrText"
    )
    return not found
