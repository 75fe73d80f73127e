"""The Økonomi sheet's table of the agreement's figures per item: the item's total per
year, with the series behind it where it has several (anlæg and drift, say).

Plain values, not formulas: they are the agreement's figures, which no centre
answers and no smiley changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from xlfollow.model import Item
from xlfollow.workbooks.styles import row_height

if TYPE_CHECKING:
    from xlfollow.workbooks.summarycontext import SummaryContext

__all__ = ["write_budget_items"]

SERIES_WIDTH = 18
"""Column B, the series' names: wider than the amounts' 12, for names such as
"Besparelse uddannelseshjælp" to break between words."""
TITLE_CHARACTERS = 58
SERIES_CHARACTERS = 20
"""About how many characters of the small type a line of column A (46 wide) and of
column B holds: row_height's widths for the title and the series name."""


def write_budget_items(context: SummaryContext, sheet: Any, top: int, years: list[int]) -> int:
    """Write the table from row `top` (0-based): the items with figures, in agreement
    order, one row per series and a total row where an item has several; the last row
    written."""
    t, f = context.texts, context.formats
    sheet.set_column(1, 1, SERIES_WIDTH)
    sheet.write_string(top, 0, t["budget_items_title"], f.heading)
    sheet.write_string(top + 1, 0, t["budget_items_note"], f.note)
    header = top + 2
    heads = [t["budget_items_item"], t["budget_items_series"], *(str(year) for year in years)]
    for col, text in enumerate(heads):
        sheet.write_string(header, col, text, f.header)
    row = header
    for item in context.agreement.items:
        if item.budget:
            row = _write_item(context, sheet, row + 1, item, years)
    return row


def _write_item(context: SummaryContext, sheet: Any, row: int, item: Item, years: list[int]) -> int:
    """An item's rows from `row`: each series, then the total if there are several; the
    last row written."""
    t, f = context.texts, context.formats
    name = f"{item.number} {item.title}"
    sheet.write_string(row, 0, name, f.wrap_cell)
    series = item.budget.series
    for offset, one in enumerate(series):
        texts = [(one.name, SERIES_CHARACTERS)]
        if offset == 0:
            texts.append((name, TITLE_CHARACTERS))
        sheet.set_row(row + offset, row_height(texts))
        if one.name:
            sheet.write_string(row + offset, 1, one.name, f.wrap_cell)
        _amounts(sheet, row + offset, one.amounts, years, f.amount)
    if len(series) == 1:
        return row
    total = row + len(series)
    sheet.write_string(total, 1, t["total"], f.total_label)
    _amounts(sheet, total, item.budget, years, f.total_amount)
    return total


def _amounts(
    sheet: Any, row: int, amounts: Mapping[int, float], years: list[int], cell_format: Any
) -> None:
    """A row's amounts, one column per budget year; blank where the agreement has none
    (formatted all the same, so that a total row's rule runs across)."""
    for col, year in enumerate(years, 2):
        if year in amounts:
            sheet.write_number(row, col, amounts[year], cell_format)
        else:
            sheet.write_blank(row, col, None, cell_format)
