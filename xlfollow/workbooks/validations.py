"""The checks and colours on a chapter sheet's answer cells: each smiley column's
drop-down with a colour per step and a mark on a value not in the list, each amount
column's number check, and the current round's empty cells marked as missing."""

from __future__ import annotations

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from xlfollow.scales import SmileyScale
from xlfollow.texts import Texts
from xlfollow.workbooks.column import Column, ColumnKind
from xlfollow.workbooks.smileys import smiley_choice
from xlfollow.workbooks.styles import Formats

__all__ = ["Validations"]


class Validations:
    """The validations and conditional formats of a round's chapter sheets in a book."""

    def __init__(
        self, columns: tuple[Column, ...], formats: Formats, texts: Texts, round_name: str
    ) -> None:
        self.columns = columns
        self.formats = formats
        self.texts = texts
        self.language = texts.language
        self.round_name = round_name

    def apply(self, sheet: Worksheet, editable_rows: dict[int, list[int]]) -> None:
        """Drop-downs, checks and colours on each answer column's editable rows."""
        t = self.texts
        for index, column_rows in editable_rows.items():
            if not column_rows:
                continue
            column = self.columns[index]
            ranges = _row_ranges(column_rows)
            cells = " ".join(
                f"{xlsxwriter.utility.xl_rowcol_to_cell(first, index)}:"
                f"{xlsxwriter.utility.xl_rowcol_to_cell(last, index)}"
                for first, last in ranges
            )
            first_row, last_row = ranges[0][0], ranges[-1][1]
            scale = column.scale
            if scale is not None:
                message = (
                    t["validation_milestone"].format(round=self.round_name)
                    if column.kind is ColumnKind.MILESTONE_SMILEY
                    else t["validation_economy"]
                )
                sheet.data_validation(
                    first_row,
                    index,
                    last_row,
                    index,
                    {
                        "validate": "list",
                        "source": [smiley_choice(step, self.language) for step in scale.steps],
                        "input_title": t["validation_title"],
                        "input_message": message,
                        "error_title": t["validation_error_title"],
                        "error_message": t["validation_error"],
                        "multi_range": cells,
                    },
                )
                self._smiley_formats(sheet, index, scale, ranges, cells)
            elif column.kind is ColumnKind.AMOUNT:
                sheet.data_validation(
                    first_row,
                    index,
                    last_row,
                    index,
                    {
                        "validate": "decimal",
                        "criteria": "between",
                        "minimum": -1e9,
                        "maximum": 1e9,
                        "input_message": t["validation_amount"],
                        "error_title": t["validation_amount_error"],
                        "error_message": t["validation_amount"],
                        "multi_range": cells,
                    },
                )

    def _smiley_formats(
        self,
        sheet: Worksheet,
        col: int,
        scale: SmileyScale,
        ranges: list[tuple[int, int]],
        cells: str,
    ) -> None:
        first = xlsxwriter.utility.xl_rowcol_to_cell(ranges[0][0], col, col_abs=True)
        top_row, bottom_row = ranges[0][0], ranges[-1][1]
        choices = [smiley_choice(step, self.language) for step in scale.steps]
        # A value that is in no list step (pasted in) is marked invalid; Excel and
        # LibreOffice both evaluate this formula relative to the range's first cell.
        not_any = ",".join(f'{first}<>"{choice}"' for choice in choices)
        sheet.conditional_format(
            top_row,
            col,
            bottom_row,
            col,
            {
                "type": "formula",
                "criteria": f'=AND({first}<>"",{not_any})',
                "format": self.formats.invalid,
                "multi_range": cells,
                "stop_if_true": True,
            },
        )
        for step, choice in zip(scale.steps, choices, strict=True):
            sheet.conditional_format(
                top_row,
                col,
                bottom_row,
                col,
                {
                    "type": "cell",
                    "criteria": "==",
                    "value": f'"{choice}"',
                    "format": self.formats.step_fill(step.colour),
                    "multi_range": cells,
                },
            )
        column = self.columns[col]
        if column.editable:
            sheet.conditional_format(
                top_row,
                col,
                bottom_row,
                col,
                {"type": "blanks", "format": self.formats.missing, "multi_range": cells},
            )


def _row_ranges(rows: list[int]) -> list[tuple[int, int]]:
    """Consecutive rows as (first, last) ranges."""
    ranges: list[tuple[int, int]] = []
    for row in rows:
        if ranges and ranges[-1][1] == row - 1:
            ranges[-1] = (ranges[-1][0], row)
        else:
            ranges.append((row, row))
    return ranges
