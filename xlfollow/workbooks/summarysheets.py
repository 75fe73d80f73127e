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
from typing import Any

from xlfollow.figures.grouping import GROUPINGS, group_of
from xlfollow.workbooks.budgetsheet import BudgetSheet
from xlfollow.workbooks.listsheets import write_changes_sheet, write_missing_sheet
from xlfollow.workbooks.overviewsheet import OverviewSheet
from xlfollow.workbooks.summarycontext import ChapterRows, SummaryContext, SummaryFormats

__all__ = ["write_summary_sheets"]


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
    OverviewSheet(context, sheets["overview"]).write()
    BudgetSheet(context, sheets["budget"]).write()
    write_changes_sheet(context, sheets["changes"])
    write_missing_sheet(context, sheets["missing"])
