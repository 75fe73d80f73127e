"""A ledger's rows copied from its SQLite file into an empty PostgreSQL ledger, ids
kept, and the two compared: per table the number of rows and a SHA-256 of them, taken
the same way on both engines, so a copy that differs in one value is found."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from xlfollow.ledger.database import Database
from xlfollow.ledger.schema import SCHEMA_VERSION

__all__ = [
    "TABLES",
    "TableCopy",
    "columns_of",
    "compare",
    "copy_rows",
    "drop_ledger",
    "fingerprint",
]

TABLES = (
    "issues",
    "issued_cells",
    "issued_sets",
    "receipts",
    "answers",
    "answer_history",
    "conflicts",
    "concurrences",
    "messages",
    "fetched",
    "meta",
)
"""The ledger's tables, each after those it refers to; meta last, so that what the
master_due triggers mark while the rows go in is replaced by the file's own."""

# The ids PostgreSQL numbers itself (BY DEFAULT: given here, they are kept).
_IDENTITIES = (("receipts", "receipt_id"), ("conflicts", "conflict_id"), ("fetched", "fetch_id"))

# Kept by SQLite in PRAGMA user_version, by PostgreSQL in meta: not compared.
_VERSION_KEY = "schema_version"


@dataclass(frozen=True)
class TableCopy:
    """One table as found on one engine: its rows and their SHA-256."""

    table: str
    rows: int
    sha256: str


def columns_of(source: Database, table: str) -> list[str]:
    """The columns of an SQLite ledger's table, as its migrations left them."""
    return [str(row[1]) for row in source.execute(f"PRAGMA table_info({table})")]


def copy_rows(source: Database, target: Database) -> None:
    """Copy every table's rows from an SQLite ledger into an empty PostgreSQL one, in the
    order they were written (so PostgreSQL's own row order is theirs too), in the
    caller's transaction; then number new rows past the highest id copied."""
    for table in TABLES:
        columns = columns_of(source, table)
        select = f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid"
        rows = [tuple(row) for row in source.execute(select)]
        if table == "meta":
            target.execute("DELETE FROM meta")
            rows = [row for row in rows if row[0] != _VERSION_KEY]
            rows.append((_VERSION_KEY, str(SCHEMA_VERSION)))
        marks = ", ".join("?" for _ in columns)
        target.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
    for table, column in _IDENTITIES:
        # The next id after the highest copied: without it, the next receipt would be
        # numbered 1 and collide with the first one copied.
        target.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
            f"COALESCE(MAX({column}), 0) + 1, false) FROM {table}"
        )


def fingerprint(db: Database, columns: dict[str, list[str]]) -> list[TableCopy]:
    """Per table, its rows and a SHA-256 over them: each row's values normalised (bytes,
    integers, text, null, each marked with its kind), the rows sorted by their
    normalised bytes, so neither engine's order nor its collation counts."""
    found = []
    for table in TABLES:
        named = columns[table]
        rows = db.execute(f"SELECT {', '.join(named)} FROM {table}").fetchall()
        if table == "meta":
            rows = [row for row in rows if row[0] != _VERSION_KEY]
        digest = hashlib.sha256()
        for encoded in sorted(_row_bytes(row) for row in rows):
            digest.update(encoded)
        found.append(TableCopy(table, len(rows), digest.hexdigest()))
    return found


def compare(source: list[TableCopy], copied: list[TableCopy]) -> list[tuple[str, str]]:
    """The tables whose copy differs, each with what differs ('rows 12 != 11', or
    'checksum'); none if every count and checksum agrees."""
    differing = []
    for mine, theirs in zip(source, copied, strict=True):
        if mine.rows != theirs.rows:
            differing.append((mine.table, f"rows {mine.rows} != {theirs.rows}"))
        elif mine.sha256 != theirs.sha256:
            differing.append((mine.table, "checksum"))
    return differing


def _row_bytes(row: tuple[Any, ...]) -> bytes:
    """A row as bytes that say each value and its kind, each value's length first, so no
    two different rows give the same bytes."""
    parts = []
    for value in row:
        if value is None:
            kind, data = b"n", b""
        elif isinstance(value, bytes | bytearray | memoryview):
            kind, data = b"b", bytes(value)
        elif isinstance(value, bool | int):
            kind, data = b"i", str(int(value)).encode()
        else:
            kind, data = b"s", str(value).encode("utf-8")
        parts.append(kind + len(data).to_bytes(8, "big") + data)
    encoded = b"".join(parts)
    return len(encoded).to_bytes(8, "big") + encoded


def drop_ledger(target: Database, schema: str, whole_schema: bool) -> None:
    """Remove a ledger made in a PostgreSQL schema again: the schema itself where the
    ledger made it, else only the ledger's tables and function (what else a schema
    made beforehand holds is not the ledger's to remove)."""
    with target.transaction():
        if whole_schema:
            target.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            return
        for table in TABLES:
            target.execute(f'DROP TABLE IF EXISTS "{schema}".{table} CASCADE')
        target.execute(f'DROP FUNCTION IF EXISTS "{schema}".master_due() CASCADE')
