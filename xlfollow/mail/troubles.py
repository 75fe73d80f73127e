"""What went wrong with a centre's files, as a receipt and a reminder say it: the values
refused (sheet, cell, item, why) and the files rejected (name, why, what to do)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from xlfollow.messages import Language, Text

__all__ = ["Advice", "RefusedValue", "RejectedFile", "Troubles", "refused_lines", "rejected_lines"]


class Advice(StrEnum):
    """What the sender of a rejected file is told to do; its text is `advice_{value}`
    in mail.yaml."""

    SAVE_AS_XLSX = "save_as_xlsx"
    """Save the file from Excel as .xlsx and send it again (a CSV, an old .xls...)."""
    ATTACH = "attach"
    """Attach the workbook to the message and send it again."""
    OTHER = "other"
    """The reason says what is wrong; ask us if in doubt."""


@dataclass(frozen=True)
class RefusedValue:
    """A value of a returned workbook that was not taken, and why."""

    sheet: str
    cell: str
    item: str
    why: Text


@dataclass(frozen=True)
class RejectedFile:
    """A file that was not merged: its name as the sender gave it, why, and what to do."""

    file: str
    why: Text
    advice: Advice


@dataclass(frozen=True)
class Troubles:
    """What a reminder lists besides what is missing: the values refused from the
    centre's latest file of the round, and its files rejected since."""

    refused: tuple[RefusedValue, ...] = ()
    rejected: tuple[RejectedFile, ...] = ()

    def said(self, words: Mapping[str, str], language: Language) -> str:
        """The paragraphs that say them, each after an empty line; '' for none."""
        said = ""
        if self.refused:
            said += f"\n\n{words['remind_refused']}\n{refused_lines(self.refused, words, language)}"
        if self.rejected:
            lines = rejected_lines(self.rejected, words, language)
            said += f"\n\n{words['remind_rejected']}\n{lines}"
        return said


def refused_lines(
    values: Iterable[RefusedValue], words: Mapping[str, str], language: Language
) -> str:
    """One line per value refused: sheet, cell, item and why."""
    return "\n".join(
        words["refused_line"].format(
            sheet=value.sheet,
            cell=value.cell,
            item=value.item,
            why=_without_place(value.why).say(language),
        )
        for value in values
    )


def _without_place(why: Text) -> Text:
    """Why a value was refused, without the file, sheet and cell the line names already
    (the reader's "{where}: {what}", whose file is a path on finance's machine)."""
    what = why.values.get("what")
    if why.template == "{where}: {what}" and isinstance(what, Text):
        return what
    return why


def rejected_lines(
    files: Iterable[RejectedFile], words: Mapping[str, str], language: Language
) -> str:
    """One line per file rejected: its name, why, and what to do."""
    return "\n".join(
        words["rejected_line"].format(
            file=file.file,
            why=file.why.say(language).rstrip("."),
            advice=words[f"advice_{file.advice}"],
        )
        for file in files
    )
