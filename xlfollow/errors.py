"""Exceptions that carry what went wrong, where, and what the user should do."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DefinitionError",
    "Problem",
    "Problems",
    "WorkspaceError",
    "XlfollowError",
    "did_you_mean",
]


class XlfollowError(Exception):
    """Base of every error xlfollow raises about a user's input; the CLI exits 1 on it."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    """One mistake in a user's file: where it is, what is wrong, and what to do."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.message}"


class DefinitionError(XlfollowError, ValueError):
    """The agreement or the settings are wrong; holds every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(sorted(problems, key=_order))
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} found:"
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems)]))


class WorkspaceError(XlfollowError):
    """The folder is not a usable workspace (missing, not initialised, already there)."""


class Problems:
    """Collects problems while a file is checked, so all of them are reported together."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.found: list[Problem] = []

    def add(self, line: int | None, message: str) -> None:
        """Record one problem at a line of this collector's file."""
        self.found.append(Problem(self.file, line, message))

    def read_text(self, path: Path, hint: str = "") -> str | None:
        """Read a user's UTF-8 text file, recording a problem instead if it cannot be read."""
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.add(None, f"the file does not exist; {hint or 'create it or fix the path'}")
        except UnicodeDecodeError as exc:
            self.add(None, f"the file is not UTF-8 text ({exc.reason}); save it as UTF-8")
        except OSError as exc:
            self.add(None, f"the file cannot be read: {exc.strerror}")
        return None

    def raise_if_any(self) -> None:
        """Raise a DefinitionError with everything collected so far, if anything was."""
        if self.found:
            raise DefinitionError(self.found)


def _order(problem: Problem) -> tuple[str, int]:
    return (problem.file, problem.line or 0)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ' did you mean "x"?' hint for a misspelt name, or '' when nothing is close."""
    by_fold = {choice.casefold(): choice for choice in choices}
    close = difflib.get_close_matches(word.casefold(), list(by_fold), n=1, cutoff=0.6)
    return f' Did you mean "{by_fold[close[0]]}"?' if close else ""
