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

from xlfollow.report.grouping import GROUPINGS, group_of
from xlfollow.workbooks.listsheets import write_changes_sheet, write_missing_sheet

__all__ = ["ChapterRows", "SummaryContext", "write_summary_sheets"]
from xlfollow.workbooks.budgetsheet import _Budget
from xlfollow.workbooks.overviewsheet import _Overview
from xlfollow.workbooks.summarycontext import ChapterRows, SummaryContext, SummaryFormats

__all__ = ["write_summary_sheets"]

"""The summary sheets in order; each is named by its `<key>_sheet` text."""


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
