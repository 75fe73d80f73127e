"""Printing in the terminal's language: a message, an error, an aligned table, an
amount. The commands' own output (Terminal) is built on it.

Every sentence is a `Text`, said in the language the user set (--language,
XLFOLLOW_LANGUAGE, or the locale). click.echo leaves out the colours when the
output is not a terminal.
"""

from __future__ import annotations

import unicodedata

import click

from xlfollow.danish import grouped_amount
from xlfollow.errors import XlfollowError
from xlfollow.messages import Language, Text

__all__ = ["Cell", "Console", "display_width", "pad"]

Cell = str | int | Text
"""A table cell: a number (aligned right), data as it is, or words to say."""


_VS16 = "\ufe0f"
"""The variation selector that asks for a symbol's emoji form, two columns wide ("☹️")."""


def display_width(text: str) -> int:
    """The columns a text takes in a terminal: a wide character (an emoji, a CJK letter)
    two, a combining mark or other zero-width character none ("ø" written as o and a
    combining stroke is one), a symbol made emoji by VS16 two."""
    width = 0
    previous = 0
    for char in text:
        if char == _VS16:
            width += 2 - previous if previous == 1 else 0
            previous = 2 if previous else 0
            continue
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        previous = 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
        width += previous
    return width


def pad(text: str, width: int, right: bool = False) -> str:
    """A text padded with spaces to a display width: on the left for right=True."""
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill


class Console:
    """Prints messages, errors and tables for the command line in one language."""

    def __init__(self, language: Language) -> None:
        self.language = language

    def say(self, text: Text) -> str:
        """A message in the terminal's language."""
        return text.say(self.language)

    def echo(self, text: Text | None = None, *, bold: bool = False, fg: str | None = None) -> None:
        """Print a message (an empty line for none), styled on a terminal."""
        line = "" if text is None else self.say(text)
        click.echo(click.style(line, bold=bold or None, fg=fg) if bold or fg else line)

    def error(self, error: XlfollowError) -> None:
        """An error, on standard error, in red on a terminal."""
        message = Text("Error: {message}", message=error.say(self.language))
        click.secho(self.say(message), fg="red", err=True)

    def table(self, headers: tuple[Text | str, ...], rows: list[tuple[Cell, ...]]) -> None:
        """Print rows under headers in aligned columns; numbers to the right."""
        cells = [
            tuple(self.say(c) if isinstance(c, Text) else str(c) for c in row)
            for row in [headers, *rows]
        ]
        widths = [max(display_width(row[i]) for row in cells) for i in range(len(headers))]
        numeric = [all(isinstance(row[i], int) for row in rows) for i in range(len(headers))]
        for index, row in enumerate(cells):
            line = "  ".join(
                pad(cell, width, right)
                for cell, width, right in zip(row, widths, numeric, strict=True)
            )
            click.echo(click.style(line.rstrip(), bold=True) if index == 0 else line.rstrip())

    def amount(self, value: float) -> str:
        """An amount in mio. kr. with three decimals, written as the language writes it:
        1,234.500 in English, 1.234,500 in Danish."""
        return grouped_amount(value, 3, self.language)
