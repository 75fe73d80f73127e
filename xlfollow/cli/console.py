"""Printing in the terminal's language: a message, an error, an aligned table, an
amount. The commands' own output (Terminal) is built on it.

Every sentence is a `Text`, said in the language the user set (--language,
XLFOLLOW_LANGUAGE, or the locale). click.echo leaves out the colours when the
output is not a terminal.
"""

from __future__ import annotations

import click

from xlfollow.errors import XlfollowError
from xlfollow.messages import Language, Text

__all__ = ["Cell", "Console"]

Cell = str | int | Text
"""A table cell: a number (aligned right), data as it is, or words to say."""


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
        widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
        numeric = [all(isinstance(row[i], int) for row in rows) for i in range(len(headers))]
        for index, row in enumerate(cells):
            line = "  ".join(
                cell.rjust(width) if right else cell.ljust(width)
                for cell, width, right in zip(row, widths, numeric, strict=True)
            )
            click.echo(click.style(line.rstrip(), bold=True) if index == 0 else line.rstrip())

    def amount(self, value: float) -> str:
        """An amount in mio. kr. with three decimals, written as the language writes it:
        1,234.500 in English, 1.234,500 in Danish."""
        written = f"{value:,.3f}"
        if self.language is Language.DA:
            return written.translate(str.maketrans(",.", ".,"))
        return written
