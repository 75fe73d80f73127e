"""The front sheet of a workbook: what, for whom, by when, how, and the contents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from xlfollow.definition.sheetnames import chapter_sheet_name, quote
from xlfollow.definition.years import agreement_year
from xlfollow.model import Agreement, Chapter, Contributors, Language, Round
from xlfollow.texts import Texts
from xlfollow.workbooks.smileys import smiley_choice
from xlfollow.workbooks.styles import Formats, row_height

__all__ = ["FrontSheet", "write_front_sheet"]


@dataclass(frozen=True)
class FrontSheet:
    """What the front sheet says."""

    agreement: Agreement
    round: Round
    recipient: str
    """The centre's name; '' for the master."""
    reply_to: str
    language: Language
    chapters: Sequence[tuple[Chapter, int]]
    """Each chapter sheet and its number of items."""
    department: str = ""
    """The finance department's name ([sender] department); '' says it in general words."""
    master_sheets: Sequence[str] = ()
    """The master's own sheets, by their texts' key stem ('overview', 'conflicts')."""
    contributed: Contributors | None = None
    """How the centre answers the items it only contributes to, shown in its workbook;
    None where it has none."""

    @property
    def is_master(self) -> bool:
        """True for the master, finance's own workbook."""
        return not self.recipient


def write_front_sheet(sheet: Any, front: FrontSheet, f: Formats, t: Texts, password: str) -> None:
    """Fill the front sheet; it is protected, with no cell to fill in."""
    agreement = front.agreement
    sheet.set_column(0, 0, 42)
    sheet.set_column(1, 1, 80)
    sheet.hide_gridlines(2)
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.write_string(0, 0, agreement.title, f.title)
    sheet.write_string(1, 0, agreement.municipality)
    department = front.department or t["reply_to_default"]
    facts = [
        (t["round"], front.round.name),
        (t["deadline"], t.date(front.round.deadline)),
        (
            (t["workbook"], t["master_for"].format(department=department))
            if front.is_master
            else (t["centre"], front.recipient)
        ),
    ]
    row = 3
    for label, value in facts:
        sheet.write_string(row, 0, label, f.bold)
        sheet.write_string(row, 1, value)
        row += 1
    row += 1
    if front.is_master:
        row = _master_guide(sheet, row, front, f, t)
    else:
        row = _instructions(sheet, row, front, f, t)
    row += 1
    sheet.write_string(row, 0, t["scales_title"], f.heading)
    row += 1
    for scale, label in (
        (agreement.milestone_scale, t["milestone_scale"]),
        (agreement.economy_scale, t["economy_scale"]),
    ):
        sheet.write_string(row, 0, label, f.bold)
        row += 1
        for step in scale.steps:
            sheet.write_string(row, 0, smiley_choice(step, front.language), f.step(step.colour))
            row = _wrapped(sheet, row, step.definition(front.language), f)
    row += 1
    sheet.write_string(row, 0, t["contents_title"], f.heading)
    row += 1
    sheet.write_string(row, 0, t["contents_sheet"], f.bold)
    sheet.write_string(row, 1, t["contents_items"], f.bold)
    row += 1
    for chapter, count in front.chapters:
        name = chapter_sheet_name(chapter)
        target = "internal:'" + name.replace("'", "''") + "'!A1"
        sheet.write_url(row, 0, target, f.link, string=f"{chapter.number}. {chapter.title}")
        sheet.write_number(row, 1, count, f.left)
        row += 1
    sheet.protect(password)
    sheet.activate()


def _instructions(sheet: Any, row: int, front: FrontSheet, f: Formats, t: Texts) -> int:
    """A centre's workbook: how to fill it in, and where to send it by when."""
    sheet.write_string(row, 0, t["instructions_title"], f.heading)
    row += 1
    year = agreement_year(front.agreement)
    instructions = t["instructions"].format(
        round=front.round.name,
        year=str(year) if year else "",
        deadline=t.date(front.round.deadline),
        reply_to=front.reply_to or front.department or t["reply_to_default"],
    )
    for line in instructions.splitlines():
        row = _wrapped(sheet, row, line, f)
    row = _wrapped(sheet, row, t["texts_grouped"], f)
    if front.contributed is not None:
        key = "contributed_edit" if front.contributed is Contributors.EDIT else "contributed_read"
        department = front.department or t["reply_to_default"]
        row = _wrapped(sheet, row, t[key].format(department=department), f)
    return row


def _master_guide(sheet: Any, row: int, front: FrontSheet, f: Formats, t: Texts) -> int:
    """The master, finance's own workbook: how to edit it and have the edits merged, and
    what each of its own sheets holds (not the centres' instructions, which would tell
    finance to send the workbook to itself)."""
    sheet.write_string(row, 0, t["master_instructions_title"], f.heading)
    row += 1
    guide = t["master_instructions"].format(
        round=front.round.name, department=front.department or t["reply_to_default"]
    )
    for line in guide.splitlines():
        row = _wrapped(sheet, row, line, f)
    if front.master_sheets:
        row += 1
        sheet.write_string(row, 0, t["master_sheets_title"], f.heading)
        row += 1
        described = t.data["master_sheets"]
        for key in front.master_sheets:
            name = t[f"{key}_sheet"]
            sheet.write_url(row, 0, f"internal:{quote(name)}!A1", f.link, string=name)
            row = _wrapped(sheet, row, str(described[f"{key}_sheet"]), f)
    return row


def _wrapped(sheet: Any, row: int, text: str, f: Formats) -> int:
    """Write a wrapped text in column B, with a row height that shows it whole."""
    sheet.write_string(row, 1, text, f.wrap)
    sheet.set_row(row, row_height([(text, 80)]))
    return row + 1
