"""The master's own sheets: open conflicts with a decision drop-down, and files received."""

from __future__ import annotations

import json
from typing import Any

from xlfollow.ledger.actor import UNKNOWN
from xlfollow.ledger.store import ConflictRecord, ReceiptRecord
from xlfollow.messages import Text
from xlfollow.texts import Texts
from xlfollow.workbooks.layout import FIRST_DATA_ROW, HEADER_ROW, list_columns
from xlfollow.workbooks.printing import wide_page
from xlfollow.workbooks.smileys import answer_text
from xlfollow.workbooks.spec import WorkbookSpec
from xlfollow.workbooks.styles import row_height

__all__ = [
    "MASTER_SHEETS",
    "decision_said",
    "receipt_reason",
    "write_conflict_sheet",
    "write_received_sheet",
]

MASTER_SHEETS = ("conflicts", "received")
"""The master's own sheets after the chapter sheets, by their names' keys in the texts."""


def write_conflict_sheet(book: Any, formats: Any, texts: Texts, spec: WorkbookSpec) -> None:
    """One row per open conflict of the master's spec, in its texts' language, then one
    per conflict decided, newest first, with its decision and who made it; the decision
    column of an open conflict is the only cell to fill in."""
    agreement, language, conflicts = spec.definition.agreement, texts.language, spec.conflicts
    decided = sorted(spec.decided, key=lambda c: c.decided_at, reverse=True)
    sheet = book.add_worksheet(texts["conflicts_sheet"])
    columns = list_columns(language)
    widths = [column.width for column in columns]
    for col, column in enumerate(columns):
        sheet.write_string(HEADER_ROW, col, column.header, formats.header)
        sheet.set_column(col, col, column.width, formats.locked_text)
    decision = next(col for col, column in enumerate(columns) if column.key == "decision")
    for offset, conflict in enumerate((*conflicts, *decided)):
        row = FIRST_DATA_ROW + offset
        is_open = offset < len(conflicts)
        values = [
            conflict.round,
            conflict.item,
            texts[conflict.answer.label_key],
            answer_text(agreement, conflict.base, language),
            answer_text(agreement, conflict.current, language),
            "\n".join(conflict.current_sources),
            answer_text(agreement, conflict.incoming, language),
            conflict.incoming_source,
            conflict.reason.say(language) if conflict.reason is not None else "",
            "" if is_open else _decided_by(conflict, texts),
            "" if is_open else decision_said(conflict, texts),
        ]
        sheet.write_number(row, 0, conflict.conflict_id, formats.locked_text)
        for col, value in enumerate(values, 1):
            if value:
                sheet.write_string(row, col, value, formats.locked_text)
        sheet.set_row(row, row_height(list(zip(values, widths[1:], strict=False))))
        if is_open:
            sheet.write_blank(row, decision, None, formats.open_text)
    if conflicts:
        last = FIRST_DATA_ROW + len(conflicts) - 1
        sheet.data_validation(
            FIRST_DATA_ROW,
            decision,
            last,
            decision,
            {
                "validate": "list",
                "source": [texts["decision_keep"], texts["decision_take"]],
                "input_title": texts["decision_title"],
                "input_message": texts["decision_message"],
            },
        )
    if conflicts or decided:
        last = FIRST_DATA_ROW + len(conflicts) + len(decided) - 1
        sheet.autofilter(HEADER_ROW, 0, last, len(columns) - 1)
    sheet.freeze_panes(2, 0)
    wide_page(sheet, widths, FIRST_DATA_ROW)
    sheet.protect(spec.password, {"autofilter": True, "format_columns": True})


def decision_said(conflict: ConflictRecord, texts: Texts) -> str:
    """A decided conflict's decision as the sheet's decision column words it: keep
    current, take incoming, or a value given (`resolve --value`)."""
    how = conflict.resolution
    if how.endswith(" (master)"):  # chosen on the Konflikter sheet, in its words then
        chosen = how.removesuffix(" (master)").casefold()
        before = texts.data.get("decisions_before", {})
        keep = {w.casefold() for w in (texts["decision_keep"], *before.get("keep", ()))}
        take = {w.casefold() for w in (texts["decision_take"], *before.get("take", ()))}
        if chosen in keep:
            return texts["decision_keep"]
        return texts["decision_take"] if chosen in take else how
    if how.startswith("kept "):
        return texts["decision_keep"]
    if how.startswith("took "):
        return texts["decision_take"]
    return texts["decision_value"] if how.startswith("set ") else how


def _decided_by(conflict: ConflictRecord, texts: Texts) -> str:
    """Who decided a conflict, and when ('?' where the ledger does not know who)."""
    return texts["decided_by"].format(
        actor=conflict.decided_by or UNKNOWN, moment=texts.moment(conflict.decided_at)
    )


_DETAILS = 20
"""The most refused cells and notes a file's row on the Modtaget sheet lists."""


def receipt_reason(receipt: ReceiptRecord, report: dict[str, Any], texts: Texts) -> str:
    """Why a file was rejected; for a file taken, its refused cells and notes, one a
    line. Said in the workbook's language; receipts from before keep their English."""
    if isinstance(report.get("reason_text"), dict):
        return Text.from_json(report["reason_text"]).say(texts.language)
    if receipt.reason:
        return receipt.reason
    if isinstance(report.get("details_text"), list):
        details = [Text.from_json(d).say(texts.language) for d in report["details_text"]]
    else:
        details = [str(p.get("reason", "")) for p in report.get("problems", [])]
        details += [str(note) for note in report.get("notes", [])]
    shown = details[:_DETAILS]
    if len(details) > _DETAILS:
        shown.append(texts["more_details"].format(count=len(details) - _DETAILS))
    return "\n".join(shown)


def write_received_sheet(
    book: Any, formats: Any, texts: Texts, receipts: tuple[ReceiptRecord, ...], password: str
) -> None:
    """Every file received, newest first, with its verdict and cell counts."""
    sheet = book.add_worksheet(texts["received_sheet"])
    headers = texts.list("received_headers")
    # A page wide on A4 landscape at 80 % (printing.MIN_SCALE).
    widths = (26, 16, 15, 18, 16, 10, 40, 8, 8, 8, 8)
    for col, (header, width) in enumerate(zip(headers, widths, strict=True)):
        sheet.write_string(1, col, header, formats.header)
        sheet.set_column(col, col, width, formats.locked_text)
    for offset, receipt in enumerate(reversed(receipts)):
        row = 2 + offset
        report = json.loads(receipt.report)
        cells = report.get("cells", {})
        reason = receipt_reason(receipt, report, texts)
        file = receipt.file
        if receipt.mail is not None and receipt.mail.sender:
            mail = receipt.mail
            file += "\n" + texts["received_from"].format(sender=mail.sender, subject=mail.subject)
        texts_row = [
            file,
            texts.moment(receipt.received_at),
            receipt.received_by,
            receipt.centre or (texts["master_source"] if receipt.issue_id else ""),
            receipt.round or "",
            texts.data.get(f"verdict_{receipt.verdict}", receipt.verdict),
            reason,
        ]
        for col, value in enumerate(texts_row):
            sheet.write_string(row, col, value, formats.locked_text)
        shown = [(reason, widths[6]), (file, widths[0]), (receipt.received_by, widths[2])]
        sheet.set_row(row, row_height(shown))
        for col, outcome in enumerate(("accepted", "unchanged", "conflict", "refused"), 7):
            sheet.write_number(row, col, int(cells.get(outcome, 0)), formats.locked_text)
    sheet.freeze_panes(2, 0)
    wide_page(sheet, widths, 2)
    sheet.protect(password, {"autofilter": True, "format_columns": True})
