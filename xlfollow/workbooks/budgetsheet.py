"""The master's Økonomi sheet: per grouping, the agreed spending and savings per
year, what is at risk where the economy is not kept, and the expected deviation;
every figure a formula over the chapter sheets; then the figures per item.
"""

from __future__ import annotations

from collections.abc import Callable

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from xlfollow.figures.grouping import GROUPINGS, Grouping
from xlfollow.workbooks.budgetitems import write_budget_items
from xlfollow.workbooks.printing import wide_page
from xlfollow.workbooks.smileys import smiley_choice
from xlfollow.workbooks.summarycontext import HEADER_HEIGHT, ChapterRows, SummarySheet, place_chart

__all__ = ["BudgetSheet"]


def _text(value: str) -> str:
    """A string literal in a formula."""
    return '"' + value.replace('"', '""') + '"'


class BudgetSheet(SummarySheet):
    """The master's Økonomi sheet."""

    def write(self) -> None:
        """Write the sheet: a table per grouping, then the figures per item."""
        s, t, summary = self.sheet, self.texts, self.context.summary
        s.set_column(0, 0, 46)
        s.set_column(1, 30, 12)
        s.write_string(0, 0, f"{t['budget_sheet']} · {summary.round}", self.formats.sheet_title)
        s.write_string(1, 0, t["summary_note"], self.formats.note)
        years = sorted(summary.budget.total.years)
        row = 3
        if not years:
            s.write_string(row, 0, t["no_budget"], self.formats.note)
            row += 2
        for grouping in GROUPINGS:
            row = self.table(row, grouping, years) + 2
        if years:
            write_budget_items(self.context, s, row, years)
        s.freeze_panes(3, 1)
        # Printed like the lists: a page wide where that keeps 8 pt text, else at a
        # scale its width spans pages at, the groups' names repeated on each.
        columns = len(self.heads(GROUPINGS[0], years))
        s.repeat_columns(0, 0)
        wide_page(s, [46, *[12] * (columns - 1)], 1)
        s.protect(self.context.password, {"format_columns": True, "select_locked_cells": True})

    def table(self, top: int, grouping: Grouping, years: list[int]) -> int:
        """One grouping's figures per group and in all, with a chart per chapter; the
        last row written."""
        s, t, f, summary = self.sheet, self.texts, self.formats, self.context.summary
        s.write_string(
            top, 0, t["budget_by"].format(grouping=t[f"grouping_by_{grouping}"]), f.heading
        )
        header = top + 1
        heads = self.heads(grouping, years)
        s.set_row(header, HEADER_HEIGHT)
        for col, text in enumerate(heads):
            s.write_string(header, col, text, f.header)
        first = header + 1
        groups = list(summary.budget[grouping])
        for offset, group in enumerate(groups):
            self.group_row(first + offset, grouping, group, years)
        total_row = first + len(groups)
        self.total_row(first, total_row, years)
        if grouping == "chapter" and years and groups:
            rows = self.chart(header, first, total_row - 1, years, len(heads))
            return max(total_row, header + rows)
        return total_row

    def heads(self, grouping: Grouping, years: list[int]) -> list[str]:
        """A table's column headers: the group; spending, savings and net per year; what
        is at risk in the budget year, if there is one; the expected deviation."""
        t, at_risk_year = self.texts, self.context.summary.budget_year
        heads = [t[f"grouping_{grouping}"].capitalize()]
        for year in years:
            heads += [t[k].format(year=year) for k in ("spending", "savings", "net")]
        if at_risk_year is not None:
            risk = ("at_risk_spending", "at_risk_savings")
            heads += [t[k].format(year=at_risk_year) for k in risk]
        heads += [t["expected_deviation"], t["see"]]
        return heads

    def group_row(self, row: int, grouping: Grouping, group: str, years: list[int]) -> None:
        """One group's figures, each a formula over the chapter sheets that hold it."""
        s, f, summary = self.sheet, self.formats, self.context.summary
        figure = summary.budget[grouping][group]
        at_risk_year = summary.budget_year
        s.write_string(row, 0, group, f.label)
        label_cell = f"$A${row + 1}"
        col = 1
        for year in years:
            amount = self.context.letter(f"budget@{year}")
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
            amount = self.context.letter(f"budget@{at_risk_year}")
            economy = self.context.letter(f"economy@{summary.round_index}")
            worst = self.context.agreement.economy_scale.steps[-1]
            worst_label = _text(smiley_choice(worst, self.context.language))
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
        deviation = self.context.letter(f"deviation@{summary.round_index}")
        formula = self.terms(grouping, group, label_cell, lambda r: "1", _values(deviation))
        s.write_formula(row, col, formula, f.amount, figure.expected_deviation)
        self.link_or_hint(row, col + 1, grouping, group)

    def total_row(self, first: int, total_row: int, years: list[int]) -> None:
        """The table's totals, each the sum of the column above."""
        s, t, f, summary = self.sheet, self.texts, self.formats, self.context.summary
        s.write_string(total_row, 0, t["total"], f.total_label)
        total = summary.budget.total
        cached = [v for year in years for v in (*total.years[year], sum(total.years[year]))]
        if summary.budget_year is not None:
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

    def chart(self, header: int, first: int, last: int, years: list[int], width: int) -> int:
        """Spending and savings per chapter in the year at risk (else the first year)."""
        year = self.context.summary.budget_year or years[0]
        col = 1 + 3 * years.index(year)
        name = self.texts["budget_sheet"]
        chart = self.context.book.add_chart({"type": "bar", "subtype": "stacked"})
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
            {"name": self.texts["budget_chart"].format(year=year), "name_font": {"size": 11}}
        )
        return place_chart(self.sheet, chart, header, width + 1, last - first + 1)


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
