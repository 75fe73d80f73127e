"""The report's chapters and items, in the seed's form (definition/reportform.py): per
chapter a heading, per item a heading and a table of its texts, milestones and
economy, with the smileys of every round so far."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from xlfollow.answers import Field
from xlfollow.budget import Budget
from xlfollow.definition.reportform import (
    BUDGET_STYLE,
    DEVIATION_STYLE,
    NONE_SAID,
    STATUS_STYLE,
    FormWords,
)
from xlfollow.ledger.records import AnswerKey
from xlfollow.model import Agreement, Item, Language
from xlfollow.report.wording import amount
from xlfollow.report.wordparts import CellText, Page, TableWriter, add_text, shade
from xlfollow.scales import SmileyScale
from xlfollow.texts import Texts

__all__ = ["ItemWriter", "budget_lines", "contributors_text"]

WIDTHS = [2.2, 7.2, 4.3, 3.3]
"""The item table's columns in cm: label, text, Tid, Smiley (17 cm: A4 less margins)."""


def contributors_text(item: Item, language: Language) -> str:
    """The contributors as the report writes them: their wording where the agreement
    has one, else the names joined 'A, B samt C' ('A, B and C' in English)."""
    if item.contributors_text:
        return item.contributors_text
    names = list(item.contributors)
    if len(names) <= 1:
        return "".join(names)
    last = " samt " if language is Language.DA else " and "
    return ", ".join(names[:-1]) + last + names[-1]


def budget_lines(budget: Budget, words: FormWords, language: Language) -> list[str]:
    """An item's budget as lines: "Budget (mio. kr.): 2018: 0,5; 2019: 0,5", or one
    line per named series, "Budget, Anlæg (mio. kr.): ..."."""
    lines = []
    for series in budget.series:
        name = f"{words.budget}, {series.name}" if budget.named else words.budget
        years = "; ".join(
            f"{year}: {amount(value, language)}" for year, value in series.amounts.items()
        )
        lines.append(f"{name} ({words.million}): {years}")
    return lines


@dataclass(frozen=True)
class ItemWriter:
    """Writes items into a document: what every item's table needs to know."""

    agreement: Agreement
    round_index: int
    answers: Mapping[AnswerKey, str]
    words: FormWords
    texts: Texts
    """The report's texts (report.yaml)."""

    def chapters(self, page: Page) -> None:
        """Every chapter with its heading, and its items, in the agreement's order."""
        by_chapter: dict[str, list[Item]] = {c.number: [] for c in self.agreement.chapters}
        for item in self.agreement.items:
            by_chapter.setdefault(item.chapter, []).append(item)
        for chapter in self.agreement.chapters:
            page.paragraph(f"{chapter.number}. {chapter.title}", "Heading 1")
            for item in by_chapter[chapter.number]:
                self.item(page, item)

    def item(self, page: Page, item: Item) -> None:
        """An item's heading and table."""
        words = self.words
        page.paragraph(f"{item.number}. {item.title}", "Heading 2")
        caption = self.texts["table_caption"].format(number=item.number, title=item.title)
        table = page.table(WIDTHS, caption)
        heads = [f"{words.item} {item.number} · {item.kind.value}", words.time, words.smiley]
        table.header(heads, spans=(2, 1, 1))
        left, right = table.row((2, 2))
        left.lines(item.agreement_text)
        right.labelled(words.centre, item.centre)
        right.labelled(words.committee, item.committee)
        contributors = contributors_text(item, self.texts.language)
        right.labelled(words.contributors, contributors or NONE_SAID[0])
        if item.action_text:
            right.lines(item.action_text)
        rounds = self.agreement.rounds
        for index, name in enumerate(rounds):
            self._milestone(table, item, index, name)
        for index, name in enumerate(rounds[: self.round_index + 1]):
            self._economy(table, item, index, name)

    def _milestone(self, table: TableWriter, item: Item, index: int, name: str) -> None:
        cells = table.row(keep_together=True)
        add_text(cells[0].paragraph(), self.words.milestone, bold=True)
        text = item.milestone(name)
        cells[1].lines(text)
        self._status(cells[1], self._answer(name, item, Field.MILESTONE_NOTE))
        cells[2].lines(name)
        if text and index <= self.round_index:
            code = self._answer(name, item, Field.MILESTONE)
            self._smiley(cells[3], self.agreement.milestone_scale, code)

    def _economy(self, table: TableWriter, item: Item, index: int, name: str) -> None:
        cells = table.row(keep_together=index > 0)
        add_text(cells[0].paragraph(), self.words.economy, bold=True)
        if index == 0:
            cells[1].lines(item.economy_text)
            for line in budget_lines(item.budget, self.words, self.texts.language):
                add_text(cells[1].paragraph(BUDGET_STYLE), line)
        self._status(cells[1], self._answer(name, item, Field.ECONOMY_NOTE))
        deviation = self._answer(name, item, Field.DEVIATION)
        if deviation:
            value = amount(float(deviation), self.texts.language)
            cells[1].labelled(
                self.words.deviation, f"{value} {self.words.million}", DEVIATION_STYLE
            )
        cells[2].lines(name)
        self._smiley(
            cells[3], self.agreement.economy_scale, self._answer(name, item, Field.ECONOMY)
        )

    def _status(self, cell: CellText, note: str) -> None:
        """A status note under a milestone or the economy: "Status: ..."; a note of
        several lines in as many paragraphs."""
        if not note:
            return
        first, *more = note.split("\n")
        cell.labelled(self.words.status, first, STATUS_STYLE)
        for line in more:
            cell.lines(line, STATUS_STYLE)

    def _smiley(self, cell: CellText, scale: SmileyScale, code: str) -> None:
        """A smiley as glyph and words on its colour; "Status mangler" where there is none."""
        if not code:
            cell.lines(self.texts["not_answered"])
            return
        try:
            step = scale.step(code)
        except KeyError:  # a code of a scale since changed: shown as it is
            cell.lines(code)
            return
        cell.lines(f"{step.glyph} {step.label(self.texts.language)}")
        shade(cell.cell, step.colour)

    def _answer(self, round_name: str, item: Item, field: Field) -> str:
        return self.answers.get((round_name, item.number, field), "")
