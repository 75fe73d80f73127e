"""Read the council's report as a Word file (.docx) back into an agreement: the form
reportform.py declares, as `xlfollow report` writes it, or a municipality's own
Word file of an earlier year in the same form without xlfollow's styles.

The body is walked in order, paragraphs and tables as they stand: the title, the
reading guide's smiley definitions, the overview's lists of centres and committees
and its budget period, a Heading 1 per chapter, and each item's heading and table
(docxtable.py reads the table). A report of xlfollow's gives its budget in budget
lines; another Word file's budget is read from its texts as import-text reads it,
with what is unsure of listed. Every item that cannot be read is a problem naming
the item and the table row, and all of them are raised together at the end.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from docx.document import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from xlfollow.definition.docxfile import open_docx, read_docx_bytes
from xlfollow.definition.docxguide import guide_scales
from xlfollow.definition.docxtable import (
    DocxItem,
    TableReader,
    cells_of,
    header_of,
    paragraph_text,
    style_of,
)
from xlfollow.definition.itemparts import make_item
from xlfollow.definition.reportform import (
    BUDGET_STYLE,
    DEVIATION_STYLE,
    STATUS_STYLE,
    form_words,
)
from xlfollow.definition.reportlines import CHAPTER, NUMBER
from xlfollow.definition.textimport import ImportReport, summarise
from xlfollow.definition.years import budget_period_of
from xlfollow.errors import Problems
from xlfollow.messages import Language, Text
from xlfollow.model import Agreement, Chapter, Item, Kind

__all__ = ["import_docx", "import_docx_file"]

WORDS = (form_words(Language.DA), form_words(Language.EN))
_PERIOD = re.compile(r"^\s*(?P<word>[^:]+):\s*(?P<first>\d{4})\s*[-\u2013]\s*(?P<last>\d{4})\s*$")


def import_docx_file(path: Path) -> tuple[Agreement, ImportReport]:
    """Read a report's Word file and parse it; DefinitionError says what could not be read."""
    return import_docx(path, str(path))


def import_docx(data: bytes | Path, source: str = "report.docx") -> tuple[Agreement, ImportReport]:
    """Parse a report's Word file (its bytes, or its path) into an agreement and a report of
    what was found.

    Raises DefinitionError naming `source`: for a file that is no .docx, and for every
    item (with its table row) that could not be read.
    """
    problems = Problems(source)
    raw = read_docx_bytes(data, problems) if isinstance(data, Path) else data
    document = open_docx(raw, problems) if raw is not None else None
    problems.raise_if_any()
    assert document is not None
    reader = _Reader(problems, ImportReport(source), document)
    agreement = reader.read()
    problems.raise_if_any()
    return agreement, reader.report


class _Reader:
    def __init__(self, problems: Problems, report: ImportReport, document: Document) -> None:
        self.problems = problems
        self.report = report
        self.document = document
        names = {style.name for style in document.styles}
        self.styled = bool(names & {STATUS_STYLE, BUDGET_STYLE, DEVIATION_STYLE})
        """A report of xlfollow's: its styles tell status notes and budget lines apart."""
        self.title_lines: list[str] = []
        self.first_text = ""
        self.chapters: list[Chapter] = []
        self.chapter = ""
        self.candidate: Chapter | None = None
        """A chapter's heading written as a plain paragraph, until an item takes it."""
        self.guide: list[str] = []
        self.section = ""
        self.period: tuple[int, ...] = ()
        self.lists: dict[str, list[str]] = {}
        self.items: list[DocxItem] = []
        self.tables: list[Table] = []
        self.heading: tuple[str, str] | None = None
        """The last item heading (number, title) not yet followed by its table."""

    def read(self) -> Agreement:
        for block in self.document.iter_inner_content():
            if isinstance(block, Paragraph):
                self._paragraph(block)
            else:
                self._table(block)
        self._heading_without_table()
        if not self.items:
            self.problems.add(
                None,
                Text(
                    "no items found: no table starts with a header like "
                    "'Delelement 1.02 · Drift'; is it a follow-up report?"
                ),
            )
            return Agreement("", (), (), (), (), ())
        language = self._language()
        reader = TableReader(self.problems, WORDS, language, self.styled)
        for item, table in zip(self.items, self.tables, strict=True):
            reader.read(table, item)
        rounds = self._rounds()
        title, municipality = self._title()
        period = self.period
        if not period and not self.styled:
            period = budget_period_of(title)
        centres = self._declared(self.lists.get("centre"), (i.centre for i in self.items))
        committees = self._declared(self.lists.get("committee"), (i.committee for i in self.items))
        milestone_scale, economy_scale, doubts = guide_scales(self.guide, language)
        self.report.unsure += doubts
        agreement = Agreement(
            title=title,
            municipality=municipality,
            rounds=tuple(rounds),
            centres=tuple(centres),
            committees=tuple(committees),
            chapters=tuple(self.chapters),
            items=tuple(self._item(raw, centres, period) for raw in self.items),
            milestone_scale=milestone_scale,
            economy_scale=economy_scale,
            budget_period=period,
        )
        self.report.chapters = len(self.chapters)
        self.report.items = len(self.items)
        summarise(self.report, agreement)
        return agreement

    def _paragraph(self, paragraph: Paragraph) -> None:
        style, text = style_of(paragraph), paragraph_text(paragraph)
        if style == "Title" and not self.title_lines:
            self.title_lines = [line.strip() for line in text.split("\n")]
        if not self.first_text and text.strip():
            self.first_text = text.strip().split("\n")[0]
        found = _PERIOD.match(text)
        if found and found["word"].strip() in {w.period for w in WORDS}:
            self.period = tuple(range(int(found["first"]), int(found["last"]) + 1))
        if style == "Heading 1":
            self._heading_without_table()
            self._part(text.strip())
        elif (found := NUMBER.match(text)) and (style == "Heading 2" or not self.styled):
            if style == "Heading 2":
                self._heading_without_table()
            self.heading = (found["number"], (found["title"] or "").strip())
        elif self.section == "guide":
            self.guide.append(text)
        elif not self.styled and (found := CHAPTER.match(text)):
            self.candidate = Chapter(found["number"], found["title"])

    def _part(self, text: str) -> None:
        """A Heading 1: the reading guide, the overview, a chapter, or another part."""
        found = CHAPTER.match(text)
        if text in {w.guide for w in WORDS}:
            self.section = "guide"
        elif text in {w.overview for w in WORDS}:
            self.section = "overview"
        elif found:
            self.section = "chapter"
            self.chapters.append(Chapter(found["number"], found["title"]))
            self.chapter = found["number"]
        else:
            self.section = ""

    def _table(self, table: Table) -> None:
        header = header_of(table, WORDS)
        if header is None:
            self._overview(table)
            return
        number, kind_text = header
        kind = next((k for k in Kind if k.value.casefold() == kind_text.casefold()), None)
        heading, self.heading = self.heading, None
        if heading is None or heading[0] != number:
            self.problems.add(
                None,
                Text(
                    "item {number}: no heading '{number}. <title>' stands before its table; "
                    "restore the heading",
                    number=number,
                ),
            )
            return
        if kind is None:
            self.problems.add(
                None,
                Text(
                    "item {number}, table row 1: '{kind}' is not a kind; write Drift, Anlæg "
                    "or Anlæg og drift after the number",
                    number=number,
                    kind=kind_text,
                ),
            )
            return
        self.items.append(DocxItem(number, heading[1], kind, self._chapter_of(number)))
        self.tables.append(table)

    def _chapter_of(self, number: str) -> str:
        """The chapter an item stands in: the last chapter heading's, or a plain
        paragraph's 'N. Title' before the chapter's first item (a Word file without
        headings), or else its number's first part."""
        first = number.split(".")[0]
        if self.candidate is not None and self.candidate.number == first != self.chapter:
            self.chapters.append(self.candidate)
            self.chapter = first
        self.candidate = None
        return self.chapter or first

    def _heading_without_table(self) -> None:
        if self.heading is not None:
            self.problems.add(
                None,
                Text(
                    "item {number}: its heading is not followed by its table "
                    "('Delelement {number} · Drift' | Tid | Smiley); restore the table",
                    number=self.heading[0],
                ),
            )
            self.heading = None

    def _overview(self, table: Table) -> None:
        """An overview table of centres or committees: its rows between the header and
        the last 'I alt' are every one of the agreement's, in order."""
        if not table.rows:
            return
        names = [cells_of(table, row)[0].text.strip() for row in range(len(table.rows))]
        kinds = {**{w.centre: "centre" for w in WORDS}, **{w.committee: "committee" for w in WORDS}}
        kind = kinds.get(names[0])
        if kind is None or kind in self.lists:
            return
        totals = [i for i, name in enumerate(names) if name in {w.total for w in WORDS}]
        self.lists[kind] = [name for name in names[1 : totals[-1] if totals else None] if name]

    def _language(self) -> Language:
        english = form_words(Language.EN)
        first = self.title_lines[0] if self.title_lines else ""
        header = cells_of(self.tables[0], 0)[0].text.strip()
        if english.follow_up_on in first or header.startswith(f"{english.item} "):
            return Language.EN
        return Language.DA

    def _title(self) -> tuple[str, str]:
        """The title's second line and the municipality from its third ("for X"); a title
        in one line is split at its words."""
        lines = [line for line in self.title_lines if line]
        fors = tuple(f"{w.municipality_for} " for w in WORDS)
        if len(lines) >= 2:
            municipality = lines[2] if len(lines) > 2 else ""
            if municipality.startswith(fors):
                municipality = municipality.split(" ", 1)[1].strip()
            return lines[1], municipality
        line = lines[0] if lines else self.first_text
        for follow in {w.follow_up_on for w in WORDS}:
            line = line.split(f"{follow} ", 1)[-1]
        title, _, municipality = line.rpartition(" for ")
        return (title, municipality) if title else (line, "")

    def _rounds(self) -> list[str]:
        """The rounds of the 'Milepæl' rows that most items share; a problem at the row
        of each item that has one missing or another."""
        read = [item for item in self.items if not item.unread]
        sequences = Counter(tuple(item.milestone_rounds) for item in read)
        if not sequences:
            return []
        rounds, _ = sequences.most_common(1)[0]
        if not rounds:
            self.problems.add(None, Text("no item's table has 'Milepæl' rows with their rounds"))
            return []
        for item in read:
            if tuple(item.milestone_rounds) == rounds:
                continue
            at = next(
                (
                    i
                    for i, (a, b) in enumerate(zip(item.milestone_rounds, rounds, strict=False))
                    if a != b
                ),
                min(len(item.milestone_rounds), len(rounds)),
            )
            rows = item.milestone_rows
            row = rows[at] if at < len(rows) else (rows[-1] + 1 if rows else 2)
            expected = rounds[at] if at < len(rounds) else ""
            self.problems.add(
                None,
                Text(
                    "item {number}, table row {row}: the 'Milepæl' rows are for {found}, where "
                    "the report's rounds are {rounds}; restore the missing or changed row "
                    "({expected})",
                    number=item.number,
                    row=row + 1,
                    found=", ".join(item.milestone_rounds) or "-",
                    rounds=", ".join(rounds),
                    expected=expected or "-",
                ),
            )
        return list(rounds)

    def _declared(self, listed: list[str] | None, used: Iterable[str]) -> list[str]:
        """The overview's list, with any name an item uses and it lacks; without one, the
        names in the order the items use them."""
        return list(dict.fromkeys([*(listed or []), *(name for name in used if name)]))

    def _item(self, raw: DocxItem, centres: list[str], period: tuple[int, ...]) -> Item:
        # A report of xlfollow's says its budget in budget lines; another file in texts.
        item, doubts = make_item(raw, centres, period, raw.budget if self.styled else None)
        self.report.unsure += doubts
        return item
