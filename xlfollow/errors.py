"""Every exception xlfollow raises: what went wrong, where, and what the user should do.

Each holds its message as a `Text`, so the terminal can say it in its user's
language; `str()` of one is the English. The command line exits 1 on any of them
and prints the message, never a traceback.

    XlfollowError                 anything about a user's input or machine
    ├── DefinitionError           agreement.yaml or xlfollow.toml is wrong (every problem)
    ├── WorkspaceError            the folder is no usable workspace; a file fault
    ├── ReportError               the council's report cannot be written (LibreOffice's PDF)
    ├── LedgerError               the ledger is missing, damaged, held or of another version
    ├── ValueProblem              a value a person gave cannot be read (also a ValueError)
    │   └── CellError             a returned cell's value does not fit its column
    ├── ScanError                 a returned file is not one xlfollow reads
    ├── DamagedPart               a part of a returned file's zip is not well formed
    └── WorkbookError             a returned workbook cannot be read at all
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from xlfollow.messages import Language, Text

__all__ = [
    "CellError",
    "DamagedPart",
    "DefinitionError",
    "LedgerError",
    "Problem",
    "Problems",
    "ReportError",
    "ScanError",
    "ValueProblem",
    "WorkbookError",
    "WorkspaceError",
    "XlfollowError",
    "did_you_mean",
]


class XlfollowError(Exception):
    """Base of every error xlfollow raises about a user's input; the CLI exits 1 on it."""

    exit_code = 1

    def __init__(self, text: Text) -> None:
        super().__init__(str(text))
        self.text = text

    def say(self, language: Language) -> str:
        """The message in a language."""
        return self.text.say(language)


@dataclass(frozen=True)
class Problem:
    """One mistake in a user's file: where it is, what is wrong, and what to do."""

    file: str
    line: int | None
    message: Text

    def __str__(self) -> str:
        return self.say(Language.EN)

    def say(self, language: Language) -> str:
        """'file:line: message' in a language."""
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.message.say(language)}"


class DefinitionError(XlfollowError, ValueError):
    """The agreement or the settings are wrong; holds every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(sorted(problems, key=_order))
        count = len(self.problems)
        head = (
            Text("1 problem found:") if count == 1 else Text("{count} problems found:", count=count)
        )
        super().__init__(head)

    def say(self, language: Language) -> str:
        """The count, then every problem on its own line, in a language."""
        lines = [self.text.say(language), *(f"  {p.say(language)}" for p in self.problems)]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.say(Language.EN)


class WorkspaceError(XlfollowError):
    """The folder is not a usable workspace (missing, not initialised, already there)."""


class ReportError(XlfollowError):
    """The council's report cannot be written: its Word template does not open, or
    LibreOffice, which makes its PDF, is missing, fails or hangs; the message says
    what to do, what to install or what LibreOffice said."""


class LedgerError(XlfollowError):
    """The ledger file is missing, damaged, out of reach, or from an unknown version."""


class ValueProblem(XlfollowError, ValueError):
    """A value a person gave that cannot be read (a date, an amount, a round), and why."""


class CellError(ValueProblem):
    """A cell's value does not fit its column; the message says what would."""


class ScanError(XlfollowError):
    """The file is not one xlfollow reads; the message says what it is and what to do."""


class DamagedPart(XlfollowError):
    """A part of the zip cannot be read as a spreadsheet writes it; the text says why."""


class WorkbookError(XlfollowError):
    """A returned workbook cannot be read at all; the message names the file and why."""

    def __init__(self, path: Path, why: Text) -> None:
        super().__init__(Text("{path}: {why}", path=str(path), why=why))
        self.why = why
        """What is wrong, without the file's name."""


class Problems:
    """Collects problems while a file is checked, so all of them are reported together."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.found: list[Problem] = []

    def add(self, line: int | None, message: Text) -> None:
        """Record one problem at a line of this collector's file."""
        self.found.append(Problem(self.file, line, message))

    def read_text(self, path: Path, hint: Text | None = None) -> str | None:
        """Read a user's UTF-8 text file, recording a problem instead if it cannot be read."""
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            hint = hint or Text("create it or fix the path")
            self.add(None, Text("the file does not exist; {hint}", hint=hint))
        except UnicodeDecodeError as exc:
            self.add(
                None, Text("the file is not UTF-8 text ({why}); save it as UTF-8", why=exc.reason)
            )
        except OSError as exc:
            self.add(None, Text("the file cannot be read: {why}", why=exc.strerror or str(exc)))
        return None

    def raise_if_any(self) -> None:
        """Raise a DefinitionError with everything collected so far, if anything was."""
        if self.found:
            raise DefinitionError(self.found)


def _order(problem: Problem) -> tuple[str, int]:
    return (problem.file, problem.line or 0)


def did_you_mean(word: str, choices: Iterable[str]) -> Text | str:
    """A ' Did you mean "x"?' hint for a misspelt name, or '' when nothing is close."""
    by_fold = {choice.casefold(): choice for choice in choices}
    close = difflib.get_close_matches(word.casefold(), list(by_fold), n=1, cutoff=0.6)
    return Text(' Did you mean "{name}"?', name=by_fold[close[0]]) if close else ""
