"""The ledger's database, whichever engine keeps it: statements in the ledger's SQL,
rows as tuples, and transactions that record everything in them or nothing."""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol

from xlfollow.ledger.dialect import SQLITE, Dialect

__all__ = ["Database", "Rows", "SqliteDatabase"]


class Rows(Protocol):
    """What a statement gives back: its rows, as tuples."""

    def fetchone(self) -> Any:
        """The next row, or None."""

    def fetchall(self) -> list[Any]:
        """The rows left."""

    def __iter__(self) -> Iterator[Any]:
        """The rows left, one by one."""


class Database(ABC):
    """An open connection to the ledger's database."""

    dialect: Dialect

    @abstractmethod
    def execute(self, statement: str, params: Sequence[Any] = ()) -> Rows:
        """Run one statement of the ledger's SQL (`?` placeholders)."""

    @abstractmethod
    def executemany(self, statement: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement for each row of parameters."""

    @abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """A transaction: committed when the block ends, rolled back if it raises."""

    @abstractmethod
    def close(self) -> None:
        """Close the connection."""

    def insert(self, statement: str, params: Sequence[Any], id_column: str) -> int:
        """Insert one row; the id the database gave it."""
        row = self.execute(f"{statement} RETURNING {id_column}", params).fetchone()
        return int(row[0])


class SqliteDatabase(Database):
    """An SQLite ledger file's connection."""

    dialect = SQLITE

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def execute(self, statement: str, params: Sequence[Any] = ()) -> Rows:
        return self.db.execute(statement, params)

    def executemany(self, statement: str, rows: Iterable[Sequence[Any]]) -> None:
        self.db.executemany(statement, rows)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.db:
            yield

    def close(self) -> None:
        self.db.close()
