"""Undo a PDF's line breaks: join wrapped lines, deciding for each line-end hyphen
whether it broke a word in two or belongs to the word.

A report saved from a PDF keeps the layout's line ends. Where the layout
hyphenated a word ("for-" / "ventes"), the hyphen goes and the halves join
("forventes"). Where the hyphen is written ("Social- og Sundhedsudvalget",
"2014-2018", "IT-Forsyningen", "ikke-vestlig"), it stays.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from enum import Enum

__all__ = ["hyphenated_words", "join_lines"]

# A word left hanging before one of these shares its second half with the next
# word ("Kultur- og Fritidsudvalget"): the hyphen and the space both stay.
_CONJUNCTIONS = frozenset({"og", "eller", "samt", "til"})
# Danish writes these first parts with a hyphen whatever follows them
# (ikke-vestlig, co-teaching), so a line may end there although the text never
# shows the compound again on one line.
_HYPHENATED_PREFIXES = frozenset({"co", "ikke"})
_WRITTEN_HYPHEN = re.compile(r"(\w+)-(?=\w)")
_OPENING = "\"'”“„«»([{"


def hyphenated_words(lines: Iterable[str]) -> frozenset[str]:
    """The words a text writes before a hyphen inside a line ("Nest" in
    "Nest-klasserne"), casefolded: a line ending in one of them ends in a written hyphen."""
    return frozenset(
        found.casefold() for line in lines for found in _WRITTEN_HYPHEN.findall(line.rstrip())
    )


def join_lines(parts: Iterable[str], compounds: Collection[str] = frozenset()) -> str:
    """Join wrapped lines with a space; a line-end hyphen that broke a word is dropped
    and the halves joined, a written one is kept (`compounds`: from hyphenated_words)."""
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if not out:
            out = part
        else:
            hyphen = _line_end_hyphen(out, part, compounds)
            if hyphen is _Hyphen.BREAK:
                out = out[:-1] + part
            elif hyphen is _Hyphen.WRITTEN:
                out += part
            else:
                out = f"{out} {part}"
    return " ".join(out.split())


class _Hyphen(Enum):
    BREAK = "break"
    """The layout broke a word: "for-" + "ventes" is "forventes"."""
    WRITTEN = "written"
    """Part of the word: "2014-" + "2018", "IT-" + "Forsyningen"."""
    SUSPENDED = "suspended"
    """A first part sharing the next word's end: "Social-" + "og Sundhedsudvalget"."""


def _line_end_hyphen(before: str, after: str, compounds: Collection[str]) -> _Hyphen | None:
    """What the hyphen ending `before` is, or None if it ends with none, or with a
    dash standing alone ("strategi -")."""
    head = _hyphened_word(before)
    if head is None:
        return None
    tail = after.split()[0].lstrip(_OPENING)
    if tail.rstrip(",.;:").casefold() in _CONJUNCTIONS:
        return _Hyphen.SUSPENDED
    if not tail[:1].islower():
        return _Hyphen.WRITTEN  # "IT-Forsyningen", "2019-2022", a name
    if not head.isalpha() or (len(head) > 1 and head.isupper()):
        return _Hyphen.WRITTEN  # a figure, an abbreviation, an acronym: "4.-9.", "LED-"
    folded = head.casefold()
    if folded in compounds or folded in _HYPHENATED_PREFIXES:
        return _Hyphen.WRITTEN
    return _Hyphen.BREAK


def _hyphened_word(before: str) -> str | None:
    """The word before the hyphen ending `before`, or None if it ends with none, or
    with a dash standing alone."""
    if not before.endswith("-"):
        return None
    head = before.split()[-1][:-1].lstrip(_OPENING)
    if not head or not (head[-1].isalnum() or head[-1] == "."):
        return None
    return head
