"""The report's overview, before the items (the seed has none; councils ask for it):
the round's milestone and economy counts per chapter, centre and committee, the
milestones per round, the smileys changed since the last round, and the budget
figures, from the same figures as the master's Overblik and Økonomi sheets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xlfollow.answers import Field
from xlfollow.definition.reportform import FormWords
from xlfollow.figures.budgets import BudgetFigures, total
from xlfollow.figures.grouping import Grouping
from xlfollow.figures.summary import (
    NO_MILESTONE,
    UNANSWERED,
    Counts,
    Summary,
    economy_states,
    milestone_states,
    milestones_due,
)
from xlfollow.model import Agreement
from xlfollow.report.wording import money
from xlfollow.report.wordparts import FIGURES_STYLE, Page
from xlfollow.scales import SmileyScale
from xlfollow.texts import Texts

__all__ = ["OverviewWriter", "share"]

FULL_WIDTH = 17.0


def share(part: int, whole: int) -> str:
    """A share in whole percent; a dash where there is nothing to share."""
    return f"{round(100 * part / whole)} %" if whole else "\N{EN DASH}"


@dataclass(frozen=True)
class OverviewWriter:
    """Writes the overview of a round's figures (and the previous round's, to compare)."""

    agreement: Agreement
    summary: Summary
    previous: Summary | None
    words: FormWords
    texts: Texts
    """The report's texts (report.yaml)."""
    labels: Texts
    """The workbooks' texts (texts.yaml): the states and budget columns, named as the
    master's sheets name them."""

    def write(self, page: Page) -> None:
        summary, texts = self.summary, self.texts
        page.paragraph(self.words.overview, "Heading 1")
        items = len(self.agreement.items)
        page.paragraph(texts["overview_intro"].format(round=summary.round, items=items))
        counts = summary.milestones.total
        due = milestones_due(counts)
        met = counts.get(self.agreement.milestone_scale.codes[0], 0)
        page.paragraph(
            texts["milestones_met"].format(
                met=met, due=due, share=share(met, due), unanswered=counts.get(UNANSWERED, 0)
            )
        )
        economy = summary.economy.total
        kept, *_, not_kept = self.agreement.economy_scale.codes
        page.paragraph(
            texts["economy_kept"].format(
                kept=economy.get(kept, 0),
                not_kept=economy.get(not_kept, 0),
                items=items,
                unanswered=economy.get(UNANSWERED, 0),
            )
        )
        names = {
            Grouping.CHAPTER: [f"{c.number}. {c.title}" for c in self.agreement.chapters],
            Grouping.CENTRE: list(self.agreement.centres),
            Grouping.COMMITTEE: list(self.agreement.committees),
        }
        heads = {
            Grouping.CHAPTER: self.words.chapter,
            Grouping.CENTRE: self.words.centre,
            Grouping.COMMITTEE: self.words.committee,
        }
        for grouping, groups in names.items():
            self._milestones(page, grouping, heads[grouping], groups)
        self._economy(page, names[Grouping.CHAPTER])
        self._trend(page)
        self._changes(page)
        self._budget(page, names[Grouping.CHAPTER])

    def _heading(self, page: Page, text: str) -> None:
        page.paragraph(text, "Heading 2")

    def _state_heads(self, scale: SmileyScale, states: Sequence[str]) -> list[str]:
        """The columns of a count table: each smiley as glyph and words, then the others."""
        language = self.texts.language
        heads = []
        for state in states:
            if state in scale.codes:
                step = scale.step(state)
                heads.append(f"{step.glyph} {step.label(language)}")
            else:
                heads.append(self.texts["not_answered" if state == UNANSWERED else state])
        return heads

    def _grouping_name(self, grouping: Grouping) -> str:
        """A grouping as a title names it: "fordelt på ansvarlige centre"."""
        return str(self.texts.data["groupings"][grouping.value])

    def _milestones(self, page: Page, grouping: Grouping, head: str, groups: list[str]) -> None:
        scale = self.agreement.milestone_scale
        states = [s for s in milestone_states(scale) if s != NO_MILESTONE]
        title = self.texts["milestones_by"].format(
            round=self.summary.round, grouping=self._grouping_name(grouping)
        )
        self._heading(page, title)
        columns = [head, *self._state_heads(scale, states), self.texts["due"]]
        columns += [self.texts["no_milestone"], self.texts["share_met"]]
        widths = _widths(len(columns))
        table = page.table(widths, title, narrow=True)
        table.header(columns, FIGURES_STYLE)
        by = self.summary.milestones[grouping]

        def row(name: str, counts: Counts, total: bool = False) -> None:
            due = milestones_due(counts)
            values = [counts.get(state, 0) for state in states]
            figures = [*values, due, counts.get(NO_MILESTONE, 0)]
            texts = [name, *map(str, figures), share(counts.get(scale.codes[0], 0), due)]
            table.figures(texts, total=total)

        for name in groups:
            row(name, by.get(name, {}))
        row(self.words.total, self.summary.milestones.total, total=True)

    def _economy(self, page: Page, chapters: list[str]) -> None:
        scale = self.agreement.economy_scale
        states = list(economy_states(scale))
        title = self.texts["economy_by"].format(
            round=self.summary.round, grouping=self._grouping_name(Grouping.CHAPTER)
        )
        self._heading(page, title)
        columns = [self.words.chapter, *self._state_heads(scale, states), self.words.total]
        widths = _widths(len(columns))
        table = page.table(widths, title, narrow=True)
        table.header(columns, FIGURES_STYLE)
        by = self.summary.economy[Grouping.CHAPTER]
        rows = [(name, by.get(name, {}), False) for name in chapters]
        rows.append((self.words.total, self.summary.economy.total, True))
        for name, counts, total_row in rows:
            values = [counts.get(state, 0) for state in states]
            texts = [name, *map(str, values), str(sum(values))]
            table.figures(texts, total=total_row)

    def _trend(self, page: Page) -> None:
        scale = self.agreement.milestone_scale
        states = list(milestone_states(scale))
        title = self.texts["trend_title"]
        self._heading(page, title)
        columns = [self.texts["trend_round"], *self._state_heads(scale, states)]
        widths = _widths(len(columns))
        table = page.table(widths, title, narrow=True)
        table.header(columns, FIGURES_STYLE)
        for name, counts in self.summary.trend.items():
            table.figures([name, *(str(counts.get(state, 0)) for state in states)])

    def _changes(self, page: Page) -> None:
        rounds = self.agreement.rounds
        index = self.summary.round_index
        if index == 0:
            self._heading(page, self.texts["changes"])
            page.paragraph(self.texts["no_previous"])
            return
        previous = rounds[index - 1]
        title = self.texts["changes_title"].format(previous=previous)
        self._heading(page, title)
        if not self.summary.changes:
            page.paragraph(self.texts["no_changes"].format(previous=previous))
            return
        columns = [
            text.format(previous=previous, round=self.summary.round)
            for text in self.texts.list("changes_headers")
        ]
        widths = [4.0, 3.0, 1.9, 2.7, 2.7, 2.7]
        table = page.table(widths, title, narrow=True)
        table.header(columns, FIGURES_STYLE)
        language = self.texts.language
        for change in self.summary.changes:
            scale = (
                self.agreement.milestone_scale
                if change.field is Field.MILESTONE
                else self.agreement.economy_scale
            )

            def said(code: str, scale: SmileyScale = scale) -> str:
                if not code:
                    return self.labels["no_answer"]
                step = scale.step(code)
                return f"{step.glyph} {step.label(language)}"

            way = "worse" if change.steps > 0 else "better"
            cells = table.row(keep_together=True)
            texts = [
                f"{change.item}. {change.title}",
                change.centre,
                self.labels[change.field.label_key],
                said(change.previous),
                said(change.current),
                self.labels[way].format(steps=abs(change.steps)),
            ]
            for cell, text in zip(cells, texts, strict=True):
                cell.lines(text, FIGURES_STYLE)

    def _budget(self, page: Page, chapters: list[str]) -> None:
        year = self.summary.budget_year
        language = self.texts.language
        title = self.texts["budget_title"].format(year=year if year is not None else "")
        self._heading(page, title)
        period = self.agreement.budget_period
        if period:
            page.paragraph(f"{self.words.period}: {period[0]}-{period[-1]}")
        if year is None:
            page.paragraph(self.texts["no_budget"])
        labels = self.labels
        columns = [self.words.chapter]
        if year is not None:
            columns += [labels[key].format(year=year) for key in ("spending", "savings", "net")]
            columns += [
                labels[k].format(year=year) for k in ("at_risk_spending", "at_risk_savings")
            ]
        columns.append(labels["expected_deviation"])
        widths = _widths(len(columns), first=3.6)  # "Besparelse 2018" unbroken
        table = page.table(widths, title, narrow=True)
        table.header(columns, FIGURES_STYLE)
        by = self.summary.budget[Grouping.CHAPTER]
        rows: list[tuple[str, BudgetFigures | None]] = [(name, by.get(name)) for name in chapters]
        rows.append((self.words.total, self.summary.budget.total))
        for name, figures in rows:
            values = [] if figures is None else self._budget_values(figures, year)
            texts = [name, *(money(v, language) for v in values)]
            texts += [""] * (len(columns) - len(texts))
            table.figures(texts, total=figures is self.summary.budget.total)
        page.paragraph(self.texts["budget_note"])
        if self.previous is not None:
            self._budget_compare(page)

    @staticmethod
    def _budget_values(figures: BudgetFigures, year: int | None) -> list[float]:
        if year is None:
            return [figures.expected_deviation]
        spending, savings = figures.years.get(year, (0.0, 0.0))
        return [
            spending,
            savings,
            total((spending, savings)),
            figures.at_risk_spending,
            figures.at_risk_savings,
            figures.expected_deviation,
        ]

    def _budget_compare(self, page: Page) -> None:
        """The round's money not kept and expected deviation beside the last round's."""
        assert self.previous is not None
        year = self.summary.budget_year
        before, now = self.previous.budget.total, self.summary.budget.total
        title = self.texts["budget_compare_title"].format(
            previous=self.previous.round, round=self.summary.round
        )
        self._heading(page, title)
        columns = [
            text.format(previous=self.previous.round, round=self.summary.round)
            for text in self.texts.list("budget_compare_headers")
        ]
        widths = [7.4, 3.2, 3.2, 3.2]
        table = page.table(widths, title, narrow=True)
        table.header(columns, FIGURES_STYLE)
        rows: dict[str, tuple[float, float]] = {}
        if year is not None:
            rows[self.labels["at_risk_spending"].format(year=year)] = (
                before.at_risk_spending,
                now.at_risk_spending,
            )
            rows[self.labels["at_risk_savings"].format(year=year)] = (
                before.at_risk_savings,
                now.at_risk_savings,
            )
        rows[self.labels["expected_deviation"]] = (
            before.expected_deviation,
            now.expected_deviation,
        )
        language = self.texts.language
        for name, (then, current) in rows.items():
            change = total((current, -then))
            texts = [name, money(then, language), money(current, language)]
            texts.append(("+" if change > 0 else "") + money(change, language))
            table.figures(texts)


def _widths(columns: int, first: float = 5.0) -> list[float]:
    """A first, wide column for the names (5 cm: "Digitaliseringssekretariatet" in
    one line), and the rest shared equally."""
    rest = round((FULL_WIDTH - first) / (columns - 1), 2)
    return [first, *([rest] * (columns - 1))]
