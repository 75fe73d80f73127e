"""The master's summary sheets: Overblik (fulfilment), Økonomi (budget figures),
Ændringer (changes since the previous round) and Mangler (what is missing).

Every figure is a formula over the chapter sheets, written with the value
summary.py computed from the ledger as its cached result, so Excel and Calc
update it when a smiley is corrected in the master, and a program that does
not recalculate still shows the right number. The counting formulas use
SUMPRODUCT with exact comparisons (COUNTIFS would read '*', '?' and '<' in a
centre's name as patterns), one term per chapter sheet that holds the group.
Texts from the ledger (notes) are written as strings, never as formulas.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from xlfollow.definition.sheetnames import quote
from xlfollow.model import Agreement, Definition, Item, Language, SmileyScale
from xlfollow.report.summary import (
    GROUPINGS,
    NO_MILESTONE,
    UNANSWERED,
    Summary,
    group_of,
    milestones_due,
)
from xlfollow.texts import Texts
from xlfollow.workbooks.budgetitems import write_budget_items
from xlfollow.workbooks.column import Column
from xlfollow.workbooks.layout import FIRST_DATA_ROW
from xlfollow.workbooks.listsheets import write_changes_sheet, write_missing_sheet
from xlfollow.workbooks.smileys import smiley_choice
from xlfollow.workbooks.styles import landscape_page

__all__ = ["ChapterRows", "SummaryContext", "write_summary_sheets"]

"""The summary sheets in order; each is named by its `<key>_sheet` text."""

GREY_UNANSWERED = "#BFBFBF"
GREY_NO_MILESTONE = "#E7E6E6"
_GROUP_COLUMN = {"centre": "centre", "committee": "committee", "kind": "kind"}


@dataclass(frozen=True)
class ChapterRows:
    """Where a chapter's items are in the master: its sheet and its items in row order."""

    sheet: str
    items: tuple[Item, ...]

    @property
    def first(self) -> int:
        """The first data row, 1-based as formulas count."""
        return FIRST_DATA_ROW + 1

    @property
    def last(self) -> int:
        return FIRST_DATA_ROW + len(self.items)

    def range(self, letter: str) -> str:
        """An absolute reference to a column's data cells: 'Sheet'!$K$3:$K$29."""
        return f"{quote(self.sheet)}!${letter}${self.first}:${letter}${self.last}"


@dataclass(frozen=True)
class SummaryContext:
    """What the summary sheets need of the master they are written into."""

    book: Any
    formats: Any
    texts: Texts
    definition: Definition
    summary: Summary
    columns: tuple[Column, ...]
    chapters: tuple[ChapterRows, ...]
    password: str
    sheets: dict[str, dict[str, list[ChapterRows]]] = dataclasses.field(default_factory=dict)
    """Per grouping, per group: the chapter sheets that hold its items."""

    @property
    def agreement(self) -> Agreement:
        return self.definition.agreement

    @property
    def language(self) -> Language:
        return self.definition.settings.language

    def letter(self, key: str) -> str:
        """The column letter of a chapter-sheet column, by its key."""
        return str(xl_col_to_name(next(i for i, c in enumerate(self.columns) if c.key == key)))

    def header(self, key: str) -> str:
        return str(next(c.header for c in self.columns if c.key == key))


class SummaryFormats:
    """The summary sheets' own cell formats, added to the master's book only."""

    def __init__(self, book: Any, base: Any) -> None:
        self.header = base.header
        self.heading = base.heading
        self.sheet_title = base.sheet_title
        self.link = book.add_format({"font_color": "blue", "underline": 1, "valign": "top"})
        top = {"valign": "top", "font_size": 10}
        bold = {**top, "bold": True, "top": 1}
        self.label = book.add_format(top)
        self.total_label = book.add_format(bold)
        self.count = book.add_format({**top, "num_format": "0"})
        self.count_total = book.add_format({**top, "num_format": "0", "bold": True})
        self.total_count = book.add_format({**bold, "num_format": "0"})
        self.share = book.add_format({**top, "num_format": "0%", "font_color": "#595959"})
        self.total_share = book.add_format({**bold, "num_format": "0%"})
        self.amount = book.add_format({**top, "num_format": "#,##0.000"})
        self.total_amount = book.add_format({**bold, "num_format": "#,##0.000"})
        self.note = book.add_format({"italic": True, "font_color": "#595959"})
        self.hint = book.add_format({**top, "font_color": "#595959", "font_size": 9})
        self.wrap_cell = book.add_format({**top, "text_wrap": True})
        self.worse = book.add_format({**top, "text_wrap": True, "font_color": "#9C0006"})


def _text(value: str) -> str:
    """A string literal in a formula."""
    return '"' + value.replace('"', '""') + '"'


def write_summary_sheets(context: SummaryContext, sheets: dict[str, Any]) -> None:
    """Fill the four summary sheets (added to the book beforehand, so they come first)."""
    by_group: dict[str, dict[str, list[ChapterRows]]] = {}
    for grouping in GROUPINGS:
        found = by_group[grouping] = {}
        for rows in context.chapters:
            names = {group_of(context.agreement, item, grouping) for item in rows.items}
            for name in sorted(names):
                found.setdefault(name, []).append(rows)
    context = dataclasses.replace(
        context, formats=SummaryFormats(context.book, context.formats), sheets=by_group
    )
    _Overview(context, sheets["overview"]).write()
    _Budget(context, sheets["budget"]).write()
    write_changes_sheet(context, sheets["changes"])
    write_missing_sheet(context, sheets["missing"])


def _milestone_condition(state: str, label_cell: str) -> str:
    """A chapter sheet's condition for a milestone to count in a state, over its
    milestone texts {t} and smileys {s}. By the text first, as summary.py counts: in a
    round without a milestone the smiley cell holds the no-milestone label, and
    whatever else was typed there counts as no milestone."""
    if state == NO_MILESTONE:
        return "(LEN({t})=0)*1"
    if state == UNANSWERED:
        return "(LEN({t})>0)*(LEN({s})=0)"
    return "(LEN({t})>0)*({s}=" + label_cell + ")"


def _state_labels(context: SummaryContext, scale: SmileyScale, milestone: bool) -> list[str]:
    t = context.texts
    labels = [smiley_choice(step, context.language) for step in scale.steps]
    labels.append(t["state_unanswered"])
    if milestone:
        labels.append(t["state_no_milestone"])
    return labels


def _state_colours(scale: SmileyScale, milestone: bool) -> list[str]:
    colours = [step.colour for step in scale.steps] + [GREY_UNANSWERED]
    return [*colours, GREY_NO_MILESTONE] if milestone else colours


@dataclass(frozen=True)
class _ShareColumns:
    """Where an Overblik table has its total, its count of milestones due and its
    shares: after the counts of each state. Milestone shares are of the milestones
    due this round, and there is none for 'no milestone'; economy shares are of all
    items, as every item has an economy smiley each round."""

    states: list[str]
    milestone: bool

    @property
    def total(self) -> int:
        return 1 + len(self.states)

    @property
    def due(self) -> int | None:
        return self.total + 1 if self.milestone else None

    @property
    def first_share(self) -> int:
        return self.total + (2 if self.milestone else 1)

    @property
    def shared(self) -> list[str]:
        """The states that get a share."""
        return [state for state in self.states if state != NO_MILESTONE]


def _share_word(context: SummaryContext, scale: SmileyScale, state: str) -> str:
    """A state as a share's header says it, inside a phrase: 'delvist opfyldt'."""
    if state == UNANSWERED:
        label = context.texts["state_unanswered"]
    else:
        label = scale.step(state).label(context.language)
    return label[:1].lower() + label[1:]


class _Sheet:
    def __init__(self, context: SummaryContext, sheet: Any) -> None:
        self.c = context
        self.sheet = sheet
        self.f = context.formats
        self.t = context.texts

    def chapters_of(self, grouping: str, group: str) -> list[ChapterRows]:
        """The chapter sheets that hold items of a group."""
        return self.c.sheets[grouping].get(group, [])

    def terms(
        self,
        grouping: str,
        group: str,
        label_cell: str,
        term: Callable[[ChapterRows], str],
        values: Callable[[ChapterRows], str] | None = None,
    ) -> str:
        """SUMPRODUCT over the group's chapter sheets of a condition (and values)."""
        parts = []
        for rows in self.chapters_of(grouping, group):
            condition = term(rows)
            if grouping == "chapter" and condition == "1" and values is not None:
                parts.append(f"SUM({values(rows)})")
                continue
            if grouping != "chapter":
                letter = self.c.letter(_GROUP_COLUMN[grouping])
                condition = f"({rows.range(letter)}={label_cell})*{condition}"
            if values is not None:
                parts.append(f"SUMPRODUCT({condition},{values(rows)})")
            else:
                parts.append(f"SUMPRODUCT({condition})")
        return "=" + ("+".join(parts) if parts else "0")

    def link_or_hint(self, row: int, col: int, grouping: str, group: str) -> None:
        if grouping == "chapter":
            rows = self.chapters_of(grouping, group)
            if rows:
                self.sheet.write_url(
                    row,
                    col,
                    f"internal:{quote(rows[0].sheet)}!A1",
                    self.f.link,
                    self.t["go_to_sheet"],
                )
            return
        column = self.c.header(_GROUP_COLUMN[grouping])
        self.sheet.write_string(
            row, col, self.t["filter_hint"].format(column=column, group=group), self.f.hint
        )


class _Overview(_Sheet):
    def write(self) -> None:
        s, t, summary = self.sheet, self.t, self.c.summary
        s.set_column(0, 0, 46)
        s.set_column(1, CHART_COLUMN - 2, 12)
        s.set_column(CHART_COLUMN - 1, CHART_COLUMN - 1, 28)
        s.write_string(0, 0, f"{t['overview_sheet']} · {summary.round}", self.f.sheet_title)
        s.write_string(1, 0, t["summary_note"], self.f.note)
        row = 3
        agreement = self.c.agreement
        for milestone, scale in (
            (True, agreement.milestone_scale),
            (False, agreement.economy_scale),
        ):
            for grouping in GROUPINGS:
                row = self.table(row, grouping, milestone, scale) + 2
        self.trend(row)
        s.freeze_panes(3, 1)
        landscape_page(s)
        s.protect(self.c.password, {"format_columns": True, "select_locked_cells": True})

    def table(self, top: int, grouping: str, milestone: bool, scale: SmileyScale) -> int:
        """One grouping's counts and shares with their chart; the last row written."""
        s, t, f, summary = self.sheet, self.t, self.f, self.c.summary
        table = summary.milestones if milestone else summary.economy
        figures, overall = table[grouping], table["total"][""]
        states = list(overall)
        labels = _state_labels(self.c, scale, milestone)
        title = "milestones_by" if milestone else "economy_by"
        s.write_string(
            top,
            0,
            t[title].format(round=summary.round, grouping=t[f"grouping_{grouping}"]),
            f.heading,
        )
        header = top + 1
        s.set_row(header, HEADER_HEIGHT)
        columns = _ShareColumns(states, milestone)
        see_col = CHART_COLUMN - 1
        s.write_string(header, 0, t[f"grouping_{grouping}"].capitalize(), f.header)
        for n, label in enumerate(labels):
            s.write_string(header, 1 + n, label, f.header)
        s.write_string(header, columns.total, t["total"], f.header)
        if columns.due is not None:
            s.write_string(header, columns.due, t["milestones_due"], f.header)
        share = t["share_of_due" if milestone else "share_of_items"]
        for n, state in enumerate(columns.shared):
            word = _share_word(self.c, scale, state)
            s.write_string(header, columns.first_share + n, share.format(state=word), f.header)
        s.write_string(header, see_col, t["see"], f.header)
        groups = list(figures)
        first = header + 1
        for offset, group in enumerate(groups):
            row = first + offset
            s.write_string(row, 0, group, f.label)
            label_cell = f"$A${row + 1}"
            for n, state in enumerate(states):
                formula = self.terms(
                    grouping,
                    group,
                    label_cell,
                    self.condition(state, milestone, xl_rowcol_to_cell(header, 1 + n, True)),
                )
                s.write_formula(row, 1 + n, formula, f.count, figures[group][state])
            self.totals_and_shares(row, columns, figures[group])
            self.link_or_hint(row, see_col, grouping, group)
        total_row = first + len(groups)
        s.write_string(total_row, 0, t["total"], f.total_label)
        for n, state in enumerate(states):
            column = xl_col_to_name(1 + n)
            s.write_formula(
                total_row,
                1 + n,
                f"=SUM({column}{first + 1}:{column}{total_row})",
                f.total_count,
                overall[state],
            )
        self.totals_and_shares(total_row, columns, overall, total=True)
        rows = self.chart(header, first, total_row - 1, milestone, scale, grouping)
        return max(total_row, header + rows)

    def condition(
        self, state: str, milestone: bool, label_cell: str
    ) -> Callable[[ChapterRows], str]:
        """A chapter sheet's condition for an item to be counted in a state."""
        index = self.c.summary.round_index
        smiley = self.c.letter(f"milestone@{index}" if milestone else f"economy@{index}")
        if not milestone:
            if state == UNANSWERED:
                return lambda r: f"(LEN({r.range(smiley)})=0)*1"
            return lambda r: f"({r.range(smiley)}={label_cell})*1"
        text = self.c.letter(f"milestone_text@{index}")
        condition = _milestone_condition(state, label_cell)
        return lambda r: condition.format(t=r.range(text), s=r.range(smiley))

    def totals_and_shares(
        self, row: int, columns: _ShareColumns, counts: dict[str, int], total: bool = False
    ) -> None:
        """A row's total, its count of milestones due (milestones only) and its shares:
        of the milestones due, for milestones; of all items, for the economy."""
        s, f = self.sheet, self.f
        count_format = f.total_count if total else f.count_total
        states = columns.states
        whole = sum(counts.values())
        s.write_formula(
            row,
            columns.total,
            f"=SUM(B{row + 1}:{xl_col_to_name(columns.total - 1)}{row + 1})",
            count_format,
            whole,
        )
        denominator, whole_col = whole, columns.total
        if columns.due is not None:
            due = [xl_rowcol_to_cell(row, 1 + states.index(state)) for state in columns.shared]
            denominator, whole_col = milestones_due(counts), columns.due
            s.write_formula(row, whole_col, "=" + "+".join(due), count_format, denominator)
        whole_cell = f"${xl_col_to_name(whole_col)}{row + 1}"
        for n, state in enumerate(columns.shared):
            count_cell = xl_rowcol_to_cell(row, 1 + states.index(state))
            s.write_formula(
                row,
                columns.first_share + n,
                # Nothing due is no share at all, not a share of 0 %.
                f'=IF({whole_cell}=0,"",{count_cell}/{whole_cell})',
                f.total_share if total else f.share,
                counts[state] / denominator if denominator else "",
            )

    def chart(
        self,
        header: int,
        first: int,
        last: int,
        milestone: bool,
        scale: SmileyScale,
        grouping: str,
    ) -> int:
        """A stacked bar per group, in the smiley colours; the rows it covers."""
        if last < first:
            return 0
        name = self.t["overview_sheet"]
        chart = self.c.book.add_chart({"type": "bar", "subtype": "stacked"})
        for n, colour in enumerate(_state_colours(scale, milestone)):
            chart.add_series(
                {
                    "name": [name, header, 1 + n],
                    "categories": [name, first, 0, last, 0],
                    "values": [name, first, 1 + n, last, 1 + n],
                    "fill": {"color": colour},
                    "border": {"color": "#7F7F7F", "width": 0.5},
                    "gap": 40,
                }
            )
        title = "milestones_by" if milestone else "economy_by"
        chart.set_title(
            {
                "name": self.t[title].format(
                    round=self.c.summary.round, grouping=self.t[f"grouping_{grouping}"]
                ),
                "name_font": {"size": 11},
            }
        )
        return _place(self.sheet, chart, header, CHART_COLUMN, last - first + 1)

    def trend(self, top: int) -> None:
        """Milestone counts per round so far: states down, rounds across."""
        s, t, f, summary = self.sheet, self.t, self.f, self.c.summary
        agreement = self.c.agreement
        labels = _state_labels(self.c, agreement.milestone_scale, True)
        states = list(summary.milestones["total"][""])
        s.write_string(top, 0, t["trend_title"], f.heading)
        s.write_string(top + 1, 0, t["trend_state"], f.header)
        rounds = list(summary.trend)
        for index, name in enumerate(rounds):
            s.write_string(top + 1, 1 + index, name, f.header)
            smiley = self.c.letter(f"milestone@{index}")
            text = self.c.letter(f"milestone_text@{index}")
            for n, state in enumerate(states):
                row = top + 2 + n
                cond = _milestone_condition(state, f"$A${row + 1}")
                formula = "=" + "+".join(
                    "SUMPRODUCT(" + cond.format(t=r.range(text), s=r.range(smiley)) + ")"
                    for r in self.c.chapters
                )
                s.write_formula(row, 1 + index, formula, f.count, summary.trend[name][state])
        for n, label in enumerate(labels):
            s.write_string(top + 2 + n, 0, label, f.label)


class _Budget(_Sheet):
    def write(self) -> None:
        s, t, summary = self.sheet, self.t, self.c.summary
        s.set_column(0, 0, 46)
        s.set_column(1, 30, 12)
        s.write_string(0, 0, f"{t['budget_sheet']} · {summary.round}", self.f.sheet_title)
        s.write_string(1, 0, t["summary_note"], self.f.note)
        years = sorted(summary.budget["total"][""].years)
        row = 3
        if not years:
            s.write_string(row, 0, t["no_budget"], self.f.note)
            row += 2
        for grouping in GROUPINGS:
            row = self.table(row, grouping, years) + 2
        if years:
            write_budget_items(self.c, s, row, years)
        s.freeze_panes(3, 1)
        landscape_page(s)
        s.protect(self.c.password, {"format_columns": True, "select_locked_cells": True})

    def table(self, top: int, grouping: str, years: list[int]) -> int:
        s, t, f, summary = self.sheet, self.t, self.f, self.c.summary
        figures = summary.budget[grouping]
        at_risk_year = summary.budget_year
        index = summary.round_index
        economy = self.c.letter(f"economy@{index}")
        deviation = self.c.letter(f"deviation@{index}")
        worst = self.c.agreement.economy_scale.steps[-1]
        worst_label = _text(smiley_choice(worst, self.c.language))
        s.write_string(top, 0, t["budget_by"].format(grouping=t[f"grouping_{grouping}"]), f.heading)
        header = top + 1
        heads = [t[f"grouping_{grouping}"].capitalize()]
        for year in years:
            heads += [t[k].format(year=year) for k in ("spending", "savings", "net")]
        if at_risk_year is not None:
            risk = ("at_risk_spending", "at_risk_savings")
            heads += [t[k].format(year=at_risk_year) for k in risk]
        heads += [t["expected_deviation"], t["see"]]
        s.set_row(header, HEADER_HEIGHT)
        for col, text in enumerate(heads):
            s.write_string(header, col, text, f.header)
        first = header + 1
        groups = list(figures)
        for offset, group in enumerate(groups):
            row = first + offset
            figure = figures[group]
            s.write_string(row, 0, group, f.label)
            label_cell = f"$A${row + 1}"
            col = 1
            for year in years:
                amount = self.c.letter(f"budget@{year}")
                spending, savings = figure.years[year]
                for sign, value in ((">", spending), ("<", savings)):
                    formula = self.terms(
                        grouping, group, label_cell, _signed(amount, sign), _values(amount)
                    )
                    s.write_formula(row, col, formula, f.amount, value)
                    col += 1
                s.write_formula(
                    row,
                    col,
                    f"={xl_rowcol_to_cell(row, col - 2)}+{xl_rowcol_to_cell(row, col - 1)}",
                    f.amount,
                    spending + savings,
                )
                col += 1
            if at_risk_year is not None:
                amount = self.c.letter(f"budget@{at_risk_year}")
                # Spending and savings at risk apart, each a size: a saving not
                # achieved (a negative total) counts by its size, not against spending.
                for savings, value in (
                    (False, figure.at_risk_spending),
                    (True, figure.at_risk_savings),
                ):
                    formula = self.terms(
                        grouping,
                        group,
                        label_cell,
                        _at_risk(economy, worst_label, amount, savings),
                        _values(amount),
                    )
                    s.write_formula(row, col, formula, f.amount, value)
                    col += 1
            formula = self.terms(grouping, group, label_cell, lambda r: "1", _values(deviation))
            s.write_formula(row, col, formula, f.amount, figure.expected_deviation)
            self.link_or_hint(row, col + 1, grouping, group)
        total_row = first + len(groups)
        s.write_string(total_row, 0, t["total"], f.total_label)
        total = summary.budget["total"][""]
        cached = [v for year in years for v in (*total.years[year], sum(total.years[year]))]
        if at_risk_year is not None:
            cached += [total.at_risk_spending, total.at_risk_savings]
        cached.append(total.expected_deviation)
        for col, value in enumerate(cached, 1):
            letter = xl_col_to_name(col)
            s.write_formula(
                total_row,
                col,
                f"=SUM({letter}{first + 1}:{letter}{total_row})",
                f.total_amount,
                value,
            )
        if grouping == "chapter" and years and groups:
            rows = self.chart(header, first, total_row - 1, years, len(heads))
            return max(total_row, header + rows)
        return total_row

    def chart(self, header: int, first: int, last: int, years: list[int], width: int) -> int:
        """Spending and savings per chapter in the year at risk (else the first year)."""
        year = self.c.summary.budget_year or years[0]
        col = 1 + 3 * years.index(year)
        name = self.t["budget_sheet"]
        chart = self.c.book.add_chart({"type": "bar", "subtype": "stacked"})
        for offset, colour in ((0, "#5B9BD5"), (1, "#ED7D31")):
            chart.add_series(
                {
                    "name": [name, header, col + offset],
                    "categories": [name, first, 0, last, 0],
                    "values": [name, first, col + offset, last, col + offset],
                    "fill": {"color": colour},
                    "gap": 40,
                }
            )
        chart.set_title(
            {"name": self.t["budget_chart"].format(year=year), "name_font": {"size": 11}}
        )
        return _place(self.sheet, chart, header, width + 1, last - first + 1)


CHART_COLUMN = 13
"""Where the Overblik charts start: right of the widest table and its links."""
HEADER_HEIGHT = 60
"""A table's header row in points: four lines, for the shares that say of what."""
ROW_PIXELS = 20
"""A default row's height in pixels (15 points)."""


def _place(sheet: Any, chart: Any, row: int, col: int, bars: int) -> int:
    """Size a bar chart for its bars (first at the top), put it at a cell; the rows
    it covers, so that the next table starts below it."""
    chart.set_y_axis({"reverse": True, "num_font": {"size": 8}})
    chart.set_x_axis({"num_font": {"size": 8}, "major_gridlines": {"visible": True}})
    chart.set_legend({"position": "bottom", "font": {"size": 8}})
    height = 22 * bars + 120
    chart.set_size({"width": 640, "height": height})
    sheet.insert_chart(row, col, chart, {"object_position": 3})
    return -(-height // ROW_PIXELS)


def _signed(letter: str, sign: str) -> Callable[[ChapterRows], str]:
    """The condition that a column's amount is above ('>') or below ('<') zero."""
    return lambda rows: f"({rows.range(letter)}{sign}0)*1"


def _at_risk(
    economy: str, worst_label: str, amount: str, savings: bool
) -> Callable[[ChapterRows], str]:
    """The condition (and sign) for an item's amount to be at risk: its economy smiley
    is the worst, and its amount is positive, or negative and counted by its size."""
    if savings:
        return lambda r: f"({r.range(economy)}={worst_label})*({r.range(amount)}<0)*-1"
    return lambda r: f"({r.range(economy)}={worst_label})*({r.range(amount)}>0)"


def _values(letter: str) -> Callable[[ChapterRows], str]:
    """A column's data cells, as the values a SUMPRODUCT adds up."""
    return lambda rows: rows.range(letter)
