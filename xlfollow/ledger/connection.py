"""An open ledger file: opened at its schema's version (an older ledger brought up
to date), closed, and written one transaction at a time; SQLite's faults (a full
disk, a read-only or damaged ledger) said as what they are.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Self

from xlfollow.ledger.actor import this_actor
from xlfollow.ledger.journal import use_journal
from xlfollow.ledger.schema import SCHEMA_VERSION, ledger_version, migrate
from xlfollow.machinefaults import is_ledger_fault, ledger_fault

__all__ = ["LedgerConnection"]


class LedgerConnection:
    """The ledger's SQLite connection; IssueLog and Ledger add what it records, each
    change with its `actor`: who made it ('anna@OEKPC042'; by default this process's
    user and machine)."""

    def __init__(self, path: Path, actor: str | None = None) -> None:
        version = ledger_version(path)
        self.path = path
        self.actor = this_actor() if actor is None else actor
        self.db = sqlite3.connect(path)
        try:
            self.db.execute("PRAGMA foreign_keys = ON")
            # Write-ahead logging with a full sync at every commit: a commit is one
            # fsync of the log, and a committed file survives a crash or power loss.
            # On a network drive or in a synced folder, the rollback journal (placement).
            use_journal(self.db, path)
            self.db.execute("PRAGMA synchronous = FULL")
            if version < SCHEMA_VERSION:
                migrate(self.db, version)
        except sqlite3.Error as exc:
            self.db.close()
            if not is_ledger_fault(exc):
                raise
            raise ledger_fault(path, exc) from exc

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
        if isinstance(error, sqlite3.Error) and is_ledger_fault(error):
            # SQLite's own errors inside the block: a full disk, a read-only ledger,
            # a damaged page, said as what they are.
            raise ledger_fault(self.path, error) from error

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A transaction: everything in it is recorded, or nothing is."""
        with self.db:
            yield self.db
