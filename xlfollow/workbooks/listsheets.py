"""The master's list sheets: Ændringer (changes since the previous round) and
Mangler (items still without a smiley). Rows from the ledger, written as plain
text, each item number a link to its row in its chapter sheet."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from xlfollow.answers import Field
from xlfollow.definition.sheetnames import quote
from xlfollow.workbooks.layout import FIRST_DATA_ROW
from xlfollow.workbooks.printing import wide_page
from xlfollow.workbooks.smileys import smiley_choice
from xlfollow.workbooks.styles import row_height

if TYPE_CHECKING:
    from xlfollow.workbooks.summarycontext import SummaryContext

__all__ = ["write_changes_sheet", "write_missing_sheet"]


def _item_link(context: SummaryContext) -> Callable[[Any, int, int, str], None]:
    """Writes an item's number as a link to its row in its chapter sheet."""
    where = {
        item.number: (rows.sheet, FIRST_DATA_ROW + 1 + n)
        for rows in context.chapters
        for n, item in enumerate(rows.items)
    }
    number_col = context.letter("number")

    def write(sheet: Any, row: int, col: int, number: str) -> None:
        target = where.get(number)
        if target is None:
            sheet.write_string(row, col, number, context.formats.label)
            return
        url = f"internal:{quote(target[0])}!{number_col}{target[1]}"
        sheet.write_url(row, col, url, context.formats.link, number)

    return write


def _shown(context: SummaryContext, field: Field, code: str) -> str:
    agreement = context.agreement
    scale = agreement.milestone_scale if field is Field.MILESTONE else agreement.economy_scale
    return smiley_choice(scale.step(code), context.language) if code in scale.codes else code


def write_changes_sheet(context: SummaryContext, sheet: Any) -> None:
    """Ændringer: the smileys that moved since the previous round, the worst first."""
    t, f, summary = context.texts, context.formats, context.summary
    rounds = context.agreement.rounds
    # A page wide on A4 landscape at 80 % (printing.MIN_SCALE).
    widths = (10, 26, 20, 12, 16, 16, 14, 30, 30)
    _list_columns(sheet, f, widths)
    sheet.write_string(0, 0, f"{t['changes_sheet']} · {summary.round}", f.sheet_title)
    if summary.round_index == 0:
        sheet.write_string(2, 0, t["no_previous"], f.note)
    else:
        previous = rounds[summary.round_index - 1]
        sheet.write_string(
            1, 0, t["changes_title"].format(previous=previous, round=summary.round), f.note
        )
        headers = _list_headers(sheet, f, t.list("changes_headers"), widths)
        link = _item_link(context)
        for offset, change in enumerate(summary.changes):
            row = 3 + offset
            link(sheet, row, 0, change.item)
            word = t["worse"] if change.steps > 0 else t["better"]
            values = [
                change.title,
                change.centre,
                t[change.field.label_key],
                _shown(context, change.field, change.previous),
                _shown(context, change.field, change.current),
                word.format(steps=abs(change.steps)),
                change.previous_note,
                change.current_note,
            ]
            for col, value in enumerate(values, 1):
                if value:
                    worse = col == 6 and change.steps > 0
                    sheet.write_string(row, col, value, f.worse if worse else f.wrap_cell)
            _fit_row(sheet, row, values, widths[1:])
        if not summary.changes:
            sheet.write_string(3, 0, t["no_changes"], f.note)
        else:
            sheet.autofilter(2, 0, 2 + len(summary.changes), len(headers) - 1)
        sheet.freeze_panes(3, 1)
    sheet.protect(context.password, {"autofilter": True, "format_columns": True})


def _list_columns(sheet: Any, formats: Any, widths: Sequence[float]) -> None:
    """A list sheet's column widths, its cells wrapping their text; it prints A4
    landscape, a page wide, its title, note and header rows on every page."""
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width, formats.wrap_cell)
    wide_page(sheet, widths, 3)


def _fit_row(sheet: Any, row: int, texts: Sequence[str], widths: Sequence[float]) -> None:
    """A row tall enough for its wrapped texts (Calc does not fit heights on opening)."""
    sheet.set_row(row, row_height(zip(texts, widths, strict=False)))


def _list_headers(
    sheet: Any, formats: Any, headers: list[str], widths: Sequence[float]
) -> list[str]:
    """A list sheet's header row (row 3), tall enough for its wrapped headers; the
    headers."""
    for col, header in enumerate(headers):
        sheet.write_string(2, col, header, formats.header)
    _fit_row(sheet, 2, headers, widths)
    return headers


def write_missing_sheet(context: SummaryContext, sheet: Any) -> None:
    """Mangler: the items still without a smiley, by centre, with its email."""
    t, f, summary = context.texts, context.formats, context.summary
    widths = (30, 30, 12, 50, 30)
    _list_columns(sheet, f, widths)
    sheet.write_string(0, 0, f"{t['missing_sheet']} · {summary.round}", f.sheet_title)
    sheet.write_string(1, 0, t["missing_title"].format(round=summary.round), f.note)
    headers = _list_headers(sheet, f, t.list("missing_headers"), widths)
    link = _item_link(context)
    for offset, missing in enumerate(summary.missing):
        row = 3 + offset
        sheet.write_string(row, 0, missing.centre, f.wrap_cell)
        if missing.email:
            sheet.write_string(row, 1, missing.email, f.wrap_cell)
        link(sheet, row, 2, missing.item)
        sheet.write_string(row, 3, missing.title, f.wrap_cell)
        fields = ", ".join(t[name.label_key] for name in missing.fields)
        sheet.write_string(row, 4, fields, f.wrap_cell)
        _fit_row(sheet, row, [missing.centre, missing.email, missing.item, missing.title], widths)
    if summary.missing:
        sheet.autofilter(2, 0, 2 + len(summary.missing), len(headers) - 1)
    else:
        sheet.write_string(3, 0, t["no_missing"], f.note)
    sheet.freeze_panes(3, 1)
    sheet.protect(context.password, {"autofilter": True, "format_columns": True})
