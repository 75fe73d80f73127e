"""An open ledger: its SQLite file or its PostgreSQL schema, opened at its schema's
version (an older SQLite ledger brought up to date), closed, and written one
transaction at a time; the engine's faults (a full disk, a read-only or damaged
file; a server not reachable, a connection lost) said as what they are.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Self

from xlfollow.definition.ledgerplace import LedgerPlace
from xlfollow.errors import LedgerError
from xlfollow.ledger.actor import this_actor
from xlfollow.ledger.database import Database, SqliteDatabase
from xlfollow.ledger.journal import use_journal
from xlfollow.ledger.schema import SCHEMA_VERSION, check_version, ledger_version, migrate
from xlfollow.machinefaults import is_ledger_fault, ledger_fault
from xlfollow.messages import Text

__all__ = ["LedgerConnection", "psycopg_missing"]


class LedgerConnection:
    """The ledger's connection; IssueLog and Ledger add what it records, each change
    with its `actor`: who made it ('anna@OEKPC042'; by default this process's user and
    machine)."""

    def __init__(self, place: LedgerPlace | Path, actor: str | None = None) -> None:
        self.place = place if isinstance(place, LedgerPlace) else LedgerPlace.sqlite(place)
        self.actor = this_actor() if actor is None else actor
        self.db: Database
        if self.place.path is None:
            self.db = _open_postgresql(self.place)
            return
        path = self.place.path
        version = ledger_version(path)
        db = sqlite3.connect(path)
        try:
            _sqlite_pragmas(db, path)
            if version < SCHEMA_VERSION:
                migrate(db, version)
        except sqlite3.Error as exc:
            db.close()
            if not is_ledger_fault(exc):
                raise
            raise ledger_fault(path, exc) from exc
        self.db = SqliteDatabase(db)

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
            assert self.place.path is not None
            raise ledger_fault(self.place.path, error) from error
        if error is not None and not self.place.is_sqlite:
            import psycopg

            from xlfollow.ledger.pgdatabase import pg_fault

            if isinstance(error, psycopg.Error):
                raise pg_fault(self.place, error) from error

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """A transaction: everything in it is recorded, or nothing is."""
        with self.db.transaction():
            yield self.db


def _sqlite_pragmas(db: sqlite3.Connection, path: Path) -> None:
    """How an SQLite ledger file is opened."""
    db.execute("PRAGMA foreign_keys = ON")
    # Write-ahead logging with a full sync at every commit: a commit is one
    # fsync of the log, and a committed file survives a crash or power loss.
    # On a network drive or in a synced folder, the rollback journal (placement).
    use_journal(db, path)
    db.execute("PRAGMA synchronous = FULL")


def _open_postgresql(place: LedgerPlace) -> Database:
    """The PostgreSQL ledger at `place`, checked to be at a version xlfollow knows.
    (psycopg is imported here: a workspace on SQLite does without it.)"""
    try:
        from xlfollow.ledger.pgdatabase import PostgresDatabase, pg_version
    except ImportError as exc:  # an install without the extra
        raise psycopg_missing(place) from exc
    db = PostgresDatabase(place)
    try:
        version = pg_version(db)
        check_version(str(place), version)
    except BaseException:
        db.close()
        raise
    return db


def psycopg_missing(place: LedgerPlace) -> LedgerError:
    """The error of a PostgreSQL ledger on an install without psycopg (the extra)."""
    return LedgerError(
        Text(
            "{ledger}: a ledger on PostgreSQL needs psycopg; install it with: "
            "pip install 'xlfollow[postgresql]'",
            ledger=str(place),
        )
    )
