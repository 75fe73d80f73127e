"""The frame of the `xlfollow` command: the terminal of a run, its language, its
help in that language, errors without tracebacks, and progress bars.

cli.py declares the commands; this module is what every one of them shares.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import sys
import traceback
from collections.abc import Iterator
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import click
import yaml

from xlfollow.cli.terminal import Terminal
from xlfollow.errors import XlfollowError
from xlfollow.machinefaults import file_fault
from xlfollow.messages import LANGUAGE_VARIABLE, Language, Text, terminal_language
from xlfollow.model import Progress
from xlfollow.workspace.folder import Workspace
from xlfollow.workspace.locking import LOCK_WAITING

__all__ = [
    "EXIT_CODES",
    "Command",
    "Group",
    "current_terminal",
    "help_texts",
    "progress_bar",
    "set_language",
    "terminal_of",
]

EXIT_CODES = """\b
Exit status:
  0  done, or the workspace is sound
  1  an error stopped the run: the message says which file, line and what to do
     (an unexpected failure too: run again with --debug and report it)
  2  the command line is wrong (unknown option, missing argument)
  3  merge, fetch: done, but something needs a person (a rejected file, a
     refused cell, an open conflict, a message not saved, a receipt not
     sent); send, remind: a message failed or a centre has no address"""


def set_language(ctx: click.Context, _: click.Parameter, value: str | None) -> None:
    """The --language option's callback: the run's terminal, in the language set.

    The option is eager, so `xlfollow --language da --help` already speaks it."""
    ctx.find_root().obj = Terminal(Language(value) if value else terminal_language())


def terminal_of(ctx: click.Context | None) -> Terminal:
    """The run's terminal; before --language is read (or outside a run), as the
    environment sets it."""
    found = ctx.find_root().obj if ctx is not None else None
    if isinstance(found, Terminal):
        return found
    chosen = os.environ.get(LANGUAGE_VARIABLE, "")
    valid = chosen in {language.value for language in Language}
    return Terminal(Language(chosen) if valid else terminal_language())


def current_terminal() -> Terminal:
    """The terminal of the command running."""
    return terminal_of(click.get_current_context(silent=True))


@cache
def help_texts(language: Language) -> dict[str, str]:
    """The command line's help, English -> the language's (workbook_templates/help.yaml);
    keyed by the help as click shows it (a docstring's indentation removed)."""
    if language is Language.EN:
        return {}
    text = (files("xlfollow.workbook_templates") / "help.yaml").read_text("utf-8")
    entries: list[dict[str, str]] = yaml.safe_load(text)

    def marked(help_text: str) -> str:  # the file writes click's \b marker as "\b"
        return help_text.replace("\\b", "\b")

    return {marked(e["en"]): marked(e[language.value]) for e in entries}


@contextlib.contextmanager
def _helping(ctx: click.Context, commands: list[click.Command]) -> Iterator[None]:
    """The commands' help, epilog and options' help in the terminal's language while
    click formats the help, and as written again afterwards."""
    said = help_texts(terminal_of(ctx).language)
    changed: list[tuple[object, str, str]] = []
    for command in commands:
        owners: list[tuple[object, str]] = [(command, "help"), (command, "epilog")]
        owners += [(p, "help") for p in command.params if isinstance(p, click.Option)]
        if (help_option := command.get_help_option(ctx)) is not None:
            owners.append((help_option, "help"))
        for owner, attribute in owners:
            english = getattr(owner, attribute)
            danish = said.get(inspect.cleandoc(english)) if english else None
            if danish is not None:
                changed.append((owner, attribute, english))
                setattr(owner, attribute, danish)
    try:
        yield
    finally:
        for owner, attribute, english in changed:
            setattr(owner, attribute, english)


class Command(click.Command):
    """A command whose help is in the terminal's language, and which warns once, on
    standard error, when its workspace's ledger is on a network drive or in a synced
    folder (`check` lists that among its findings instead)."""

    def get_help(self, ctx: click.Context) -> str:
        with _helping(ctx, [self]):
            return super().get_help(ctx)

    def invoke(self, ctx: click.Context) -> Any:
        def warn(text: Text) -> None:
            click.secho(terminal_of(ctx).say(text), fg="yellow", err=True)

        directory = ctx.params.get("directory")
        if self.name not in _SAYS_PLACE_ITSELF and isinstance(directory, Path):
            workspace = Workspace(directory)
            if workspace.settings_path.is_file():
                warning = workspace.place_warning()
                if warning is not None:
                    warn(warning)
        said = LOCK_WAITING.set(warn)
        try:
            return super().invoke(ctx)
        finally:
            LOCK_WAITING.reset(said)


_SAYS_PLACE_ITSELF = {"check"}
"""The commands that report a ledger's place among their own findings."""


class Group(click.Group):
    """The xlfollow command: its help and its subcommands' in the terminal's language,
    and its own errors as one clean message and exit status 1."""

    command_class = Command

    def get_help(self, ctx: click.Context) -> str:
        with _helping(ctx, [self, *self.commands.values()]):
            return super().get_help(ctx)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except XlfollowError as exc:
            if ctx.find_root().params.get("debug"):
                raise
            terminal_of(ctx).error(exc)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, BrokenPipeError):
            # A closed pipe (`xlfollow ... | head`) is click's to handle: it exits quietly.
            raise
        except OSError as exc:
            # The machine's fault (a full disk, a read-only folder) wherever it struck:
            # said as what it is, with its path, never as xlfollow failing unexpectedly.
            if ctx.find_root().params.get("debug"):
                raise
            terminal_of(ctx).error(file_fault(exc))
            ctx.exit(1)
        except Exception:
            if ctx.find_root().params.get("debug"):
                raise
            error = traceback.format_exception_only(*sys.exc_info()[:2])[-1].strip()
            message = Text(
                "xlfollow failed unexpectedly: {error}\n"
                "Run the same command with --debug to see where, and report it.",
                error=error,
            )
            click.secho(terminal_of(ctx).say(message), fg="red", err=True)
            ctx.exit(1)


@contextlib.contextmanager
def progress_bar(label: Text, visible: bool = True) -> Iterator[Progress | None]:
    """A progress bar on standard error while a command works through its files,
    when that is a terminal (nothing in a pipe or a log). It appears when the
    first file is done, as only then is the number of files known."""
    if not visible or not sys.stderr.isatty():
        yield None
        return
    said = current_terminal().say(label)
    with contextlib.ExitStack() as stack:
        bars: list[Any] = []

        def advance(done: int, total: int) -> None:
            if not bars:
                bar = click.progressbar(length=total, label=said, file=sys.stderr)
                bars.append(stack.enter_context(bar))
            bars[0].update(done - bars[0].pos)

        yield advance
