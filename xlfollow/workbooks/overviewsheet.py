"""The master's Overblik sheet: per grouping, how many milestones and economy
smileys are in each state, with their shares and a chart, and the milestones'
trend over the rounds so far; every figure a formula over the chapter sheets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from xlfollow.figures.grouping import GROUPINGS, Grouping
from xlfollow.figures.summary import NO_MILESTONE, UNANSWERED, milestones_due
from xlfollow.scales import SmileyScale
from xlfollow.workbooks.printing import (
    MIN_SCALE,
    PRINTABLE_HEIGHT,
    page_breaks,
    set_a4_landscape,
)
from xlfollow.workbooks.smileys import smiley_choice
from xlfollow.workbooks.summarycontext import (
    HEADER_HEIGHT,
    ChapterRows,
    SummaryContext,
    SummarySheet,
    place_chart,
)

__all__ = ["OverviewSheet"]

GREY_UNANSWERED = "#BFBFBF"
GREY_NO_MILESTONE = "#E7E6E6"

CHART_COLUMN = 13
"""Where the Overblik charts start: right of the widest table and its links."""
CHART_COLUMNS = 10
"""The columns of the default width a chart's 640 pixels cover."""
ROW_POINTS = 16.0
"""A row's height in points, as Calc lays out one of 15 points with a 12-point heading
(a little more, so that a block's height is never short)."""


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


@dataclass(frozen=True)
class _Counting:
    """What an Overblik table counts: per group of a grouping, the milestones or the
    economy smileys, in the states of their scale."""

    grouping: Grouping
    milestone: bool
    scale: SmileyScale

    @property
    def title(self) -> str:
        """The key of the table's (and its chart's) title."""
        return "milestones_by" if self.milestone else "economy_by"


def _share_word(context: SummaryContext, scale: SmileyScale, state: str) -> str:
    """A state as a share's header says it, inside a phrase: 'delvist opfyldt'."""
    if state == UNANSWERED:
        label = context.texts["state_unanswered"]
    else:
        label = scale.step(state).label(context.language)
    return label[:1].lower() + label[1:]


class OverviewSheet(SummarySheet):
    """The master's Overblik sheet."""

    def write(self) -> None:
        """Write the sheet: a table per grouping for milestones, then for the economy,
        then the milestones' trend."""
        s, t, summary = self.sheet, self.texts, self.context.summary
        # The tables' columns are a page wide at MIN_SCALE (A4 landscape).
        s.set_column(0, 0, 36)
        s.set_column(1, CHART_COLUMN - 2, 10.75)
        s.set_column(CHART_COLUMN - 1, CHART_COLUMN - 1, 16)
        s.write_string(0, 0, f"{t['overview_sheet']} · {summary.round}", self.formats.sheet_title)
        s.write_string(1, 0, t["summary_note"], self.formats.note)
        row = 3
        tops: list[int] = []
        self.tall: set[int] = set()
        agreement = self.context.agreement
        for milestone, scale in (
            (True, agreement.milestone_scale),
            (False, agreement.economy_scale),
        ):
            for grouping in GROUPINGS:
                tops.append(row)
                row = self.table(row, _Counting(grouping, milestone, scale)) + 2
        tops.append(row)
        last = self.trend(row)
        s.freeze_panes(3, 1)
        self.print_setup(tops, last)
        s.protect(self.context.password, {"format_columns": True, "select_locked_cells": True})

    def print_setup(self, tops: list[int], last: int) -> None:
        """A4 landscape at MIN_SCALE, the title on every page: the tables on the left
        pages and their charts on the right ones, and a page break before each table
        (with its chart) that would not fit whole below the one before."""
        s = self.sheet
        set_a4_landscape(s, 1)
        s.set_print_scale(MIN_SCALE)
        s.print_area(0, 0, last, CHART_COLUMN + CHART_COLUMNS)
        s.set_v_pagebreaks([CHART_COLUMN])
        s.print_across()
        ends = [*tops[1:], last + 1]
        blocks = [
            (top, sum(HEADER_HEIGHT if r in self.tall else ROW_POINTS for r in range(top, end)))
            for top, end in zip(tops, ends, strict=True)
        ]
        room = PRINTABLE_HEIGHT * 100 / MIN_SCALE - ROW_POINTS  # less the title row
        s.set_h_pagebreaks(page_breaks(blocks, room))

    def table(self, top: int, counting: _Counting) -> int:
        """One grouping's counts and shares with their chart; the last row written."""
        s, t, f, summary = self.sheet, self.texts, self.formats, self.context.summary
        grouping, milestone, scale = counting.grouping, counting.milestone, counting.scale
        table = summary.milestones if milestone else summary.economy
        figures, overall = table[grouping], table.total
        states = list(overall)
        labels = _state_labels(self.context, scale, milestone)
        s.write_string(
            top,
            0,
            t[counting.title].format(round=summary.round, grouping=t[f"grouping_by_{grouping}"]),
            f.heading,
        )
        header = top + 1
        s.set_row(header, HEADER_HEIGHT)
        self.tall.add(header)
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
            word = _share_word(self.context, scale, state)
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
        rows = self.chart(header, first, total_row - 1, counting)
        return max(total_row, header + rows)

    def condition(
        self, state: str, milestone: bool, label_cell: str
    ) -> Callable[[ChapterRows], str]:
        """A chapter sheet's condition for an item to be counted in a state."""
        index = self.context.summary.round_index
        smiley = self.context.letter(f"milestone@{index}" if milestone else f"economy@{index}")
        if not milestone:
            if state == UNANSWERED:
                return lambda r: f"(LEN({r.range(smiley)})=0)*1"
            return lambda r: f"({r.range(smiley)}={label_cell})*1"
        text = self.context.letter(f"milestone_text@{index}")
        condition = _milestone_condition(state, label_cell)
        return lambda r: condition.format(t=r.range(text), s=r.range(smiley))

    def totals_and_shares(
        self, row: int, columns: _ShareColumns, counts: dict[str, int], total: bool = False
    ) -> None:
        """A row's total, its count of milestones due (milestones only) and its shares:
        of the milestones due, for milestones; of all items, for the economy."""
        s, f = self.sheet, self.formats
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

    def chart(self, header: int, first: int, last: int, counting: _Counting) -> int:
        """A stacked bar per group, in the smiley colours; the rows it covers."""
        if last < first:
            return 0
        name = self.texts["overview_sheet"]
        chart = self.context.book.add_chart({"type": "bar", "subtype": "stacked"})
        for n, colour in enumerate(_state_colours(counting.scale, counting.milestone)):
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
        chart.set_title(
            {
                "name": self.texts[counting.title].format(
                    round=self.context.summary.round,
                    grouping=self.texts[f"grouping_by_{counting.grouping}"],
                ),
                "name_font": {"size": 11},
            }
        )
        return place_chart(self.sheet, chart, header, CHART_COLUMN, last - first + 1)

    def trend(self, top: int) -> int:
        """Milestone counts per round so far: states down, rounds across; its last row.
        Its header is as tall as the tables', for the rounds' names."""
        s, t, f, summary = self.sheet, self.texts, self.formats, self.context.summary
        agreement = self.context.agreement
        labels = _state_labels(self.context, agreement.milestone_scale, True)
        states = list(summary.milestones.total)
        s.write_string(top, 0, t["trend_title"], f.heading)
        s.write_string(top + 1, 0, t["trend_state"], f.header)
        s.set_row(top + 1, HEADER_HEIGHT)
        self.tall.add(top + 1)
        rounds = list(summary.trend)
        for index, name in enumerate(rounds):
            s.write_string(top + 1, 1 + index, name, f.header)
            smiley = self.context.letter(f"milestone@{index}")
            text = self.context.letter(f"milestone_text@{index}")
            for n, state in enumerate(states):
                row = top + 2 + n
                cond = _milestone_condition(state, f"$A${row + 1}")
                formula = "=" + "+".join(
                    "SUMPRODUCT(" + cond.format(t=r.range(text), s=r.range(smiley)) + ")"
                    for r in self.context.chapters
                )
                s.write_formula(row, 1 + index, formula, f.count, summary.trend[name][state])
        for n, label in enumerate(labels):
            s.write_string(top + 2 + n, 0, label, f.label)
        return top + 1 + len(labels)
