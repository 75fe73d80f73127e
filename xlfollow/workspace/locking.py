"""One command at a time changes a workspace: the decorator of the Workspace methods
that do, which hold the workspace's lock while they run."""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from contextvars import ContextVar
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from xlfollow.files import clean_partials, locked
from xlfollow.machinefaults import file_fault, ledger_damage
from xlfollow.messages import Text

if TYPE_CHECKING:
    from xlfollow.workspace.folder import Workspace

__all__ = ["LOCK_WAITING", "changes_it"]

LOCK_WAITING: ContextVar[Callable[[Text], None] | None] = ContextVar("LOCK_WAITING", default=None)
"""Told, once, when a command has to wait for another's lock on a PostgreSQL ledger,
with who holds it (the terminal says it on standard error while the command runs)."""

P = ParamSpec("P")
R = TypeVar("R")
_Method = Callable[Concatenate["Workspace", P], R]


def changes_it(command: str) -> Callable[[_Method[P, R]], _Method[P, R]]:
    """A Workspace method that changes the workspace: it runs holding the workspace's
    lock (once per call chain), after removing what a killed write left behind, and
    not at all if SQLite's quick check finds the ledger damaged."""

    def wrap(method: _Method[P, R]) -> _Method[P, R]:
        @functools.wraps(method)
        def holding(workspace: Workspace, /, *args: P.args, **kwargs: P.kwargs) -> R:
            if workspace.holding_lock or not workspace.settings_path.is_file():
                return method(workspace, *args, **kwargs)  # held already, or no workspace
            try:
                with _database_locked(workspace, command), locked(workspace.path, command):
                    workspace.holding_lock = True
                    try:
                        outbox = workspace.path / "outbox"
                        for folder in (workspace.path, *outbox.glob("round-*")):
                            clean_partials(folder)
                        ledger = workspace.ledger_path
                        if workspace.ledger_place.is_sqlite and ledger.is_file():
                            damage = ledger_damage(ledger)
                            if damage is not None:
                                raise damage  # nothing is written into it then
                        return method(workspace, *args, **kwargs)
                    finally:
                        workspace.holding_lock = False
            except OSError as exc:  # a full disk, a read-only folder: said as such
                raise file_fault(exc) from exc

        return holding

    return wrap


def _database_locked(workspace: Workspace, command: str) -> AbstractContextManager[None]:
    """On a PostgreSQL ledger, its advisory lock: the one lock every machine sharing the
    workspace sees (a file lock on a network drive is not to be relied on). It is taken
    before the file lock, which then only guards the shared folder's files. Every
    command that changes the workspace takes it, merges too: a merge plans against the
    answers it reads, and two planned at once would each miss the other's."""
    place = workspace.ledger_place
    if place.is_sqlite:
        return nullcontext()
    from xlfollow.ledger.dblock import database_locked  # psycopg only where it is used

    return database_locked(place, command, waiting=LOCK_WAITING.get())
