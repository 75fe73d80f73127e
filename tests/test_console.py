"""The terminal's tables: columns aligned by the width a text takes on screen, with
emoji (two columns wide) and Danish letters (one, also when written decomposed)."""

from __future__ import annotations

import unicodedata

import pytest

from xlfollow.cli.console import Console, display_width
from xlfollow.ledger.dialect import Engine
from xlfollow.messages import Language, Text

LEDGER_ENGINES = (Engine.SQLITE,)
"""The terminal's output: no ledger is opened here."""

DECOMPOSED = unicodedata.normalize("NFD", "Århus og Ærø")


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("abc", 3),
        ("æøå ÆØÅ", 7),
        (unicodedata.normalize("NFD", "å"), 1),  # a and a combining ring
        (DECOMPOSED, 12),
        ("😊", 2),
        ("😐 Delvist opfyldt", 18),
        ("☹", 1),  # the symbol alone is text, one column
        ("☹️ Ikke opfyldt", 15),  # with VS16 it is the emoji, two
        ("", 0),
    ],
)
def test_display_width(text: str, width: int) -> None:
    assert display_width(text) == width


def columns_start(line: str, cells: list[str]) -> list[int]:
    """The display column each cell starts at in a printed line."""
    starts, at = [], 0
    for cell in cells:
        index = line.index(cell, at)
        starts.append(display_width(line[:index]))
        at = index + len(cell)
    return starts


def test_columns_start_at_the_same_display_column(capsys: pytest.CaptureFixture[str]) -> None:
    rows: list[tuple[str | int | Text, ...]] = [
        ("😊 Opfyldt", "Social og Sundhed", 12),
        ("☹️ Ikke opfyldt", "Børne- og Ungerådgivning", 3),
        ("😐 Delvist opfyldt", DECOMPOSED, 145),
        ("Ikke besvaret", "Ærø", 0),
    ]
    Console(Language.DA).table(("Smiley", Text("Centre"), Text("Item")), rows)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["Smiley", "Center", "Delelement"]
    starts = [
        columns_start(line, [str(c) for c in row[:2]])
        for line, row in zip(lines[1:], rows, strict=True)
    ]
    assert len({tuple(s) for s in starts}) == 1, starts
    header_starts = columns_start(lines[0], ["Smiley", "Center", "Delelement"])
    assert header_starts[:2] == starts[0]
    # Numbers are right-aligned: every line ends at the same display column.
    assert len({display_width(line) for line in lines[1:]}) == 1
