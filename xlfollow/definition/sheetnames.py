"""The names of the chapter sheets, which must obey Excel's rules, and how a formula
or a link names a sheet."""

from __future__ import annotations

import re

from xlfollow.messages import Text
from xlfollow.model import Chapter

__all__ = [
    "SHEET_NAME_MAX",
    "chapter_sheet_name",
    "fit_sheet_name",
    "quote",
    "sheet_name_problem",
]

SHEET_NAME_MAX = 31
"""Excel refuses longer sheet names (LibreOffice allows them, Excel does not)."""

_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Excel keeps 'History' for its change tracking and will not open a book using it.
_RESERVED = frozenset({"history"})


def sheet_name_problem(name: str) -> Text | None:
    """Why Excel would refuse this sheet name, or None if it is fine."""
    if not name.strip():
        return Text("a sheet name cannot be empty")
    if len(name) > SHEET_NAME_MAX:
        return Text(
            "a sheet name has at most {max} characters, this has {length}",
            max=SHEET_NAME_MAX,
            length=len(name),
        )
    if bad := sorted(set(_FORBIDDEN.findall(name))):
        return Text("a sheet name cannot contain {characters}", characters=" ".join(bad))
    if name.startswith("'") or name.endswith("'"):
        return Text("a sheet name cannot begin or end with an apostrophe")
    if name.casefold() in _RESERVED:
        return Text('"{name}" is reserved by Excel', name=name)
    return None


def fit_sheet_name(text: str) -> str:
    """Make an allowed sheet name from any text: forbidden characters become '-', and a
    long text is cut after a whole word and ends with '…' ("3. Sammenhængende…")."""
    name = " ".join(_FORBIDDEN.sub("-", text).split()).strip("'") or "-"
    if name.casefold() in _RESERVED:
        return name + "-"
    if len(name) <= SHEET_NAME_MAX:
        return name
    return _cut_at_word(name, SHEET_NAME_MAX - 1) + "…"


def _cut_at_word(name: str, room: int) -> str:
    """The longest run of whole words of a name that fits in room characters and says
    more than a number ("3." alone names no chapter); only where the first such word
    is longer than the room itself is it cut inside, as nothing else fits."""
    words = name.split(" ")
    for end in range(len(words), 0, -1):
        kept = " ".join(words[:end]).rstrip(" -,.;:'")
        if len(kept) <= room and any(c.isalpha() for c in kept):
            return kept
    return name[:room].rstrip(" -,.;:'") or name[:room]


def quote(sheet: str) -> str:
    """A sheet name as a formula or a link names it: 'Sheet', quotes doubled."""
    return "'" + sheet.replace("'", "''") + "'"


def chapter_sheet_name(chapter: Chapter) -> str:
    """The sheet name of a chapter: its own `sheet`, or number and title made to fit."""
    if chapter.sheet is not None:
        return chapter.sheet
    return fit_sheet_name(f"{chapter.number}. {chapter.title}")
