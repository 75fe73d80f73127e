"""The ledger: the workspace's SQLite record of everything issued, received and decided.

For now it holds only its own schema version; the merge fills it.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from xlfollow.errors import XlfollowError

__all__ = ["SCHEMA_VERSION", "LedgerError", "create_ledger", "ledger_version"]

SCHEMA_VERSION = 1


class LedgerError(XlfollowError):
    """The ledger file is missing, damaged, or from an unknown version of xlfollow."""


def create_ledger(path: Path) -> None:
    """Create an empty ledger; refuse to touch a file that is already there."""
    if path.exists():
        raise LedgerError(f"{path}: a ledger is already there; it is never overwritten")
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('created', ?)", (datetime.now(UTC).isoformat(),))
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def ledger_version(path: Path) -> int:
    """The schema version of a ledger, checking that it is one xlfollow can use."""
    if not path.is_file():
        raise LedgerError(f"{path}: the ledger is missing; restore it from a backup")
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            db.execute("SELECT count(*) FROM meta").fetchone()
    except sqlite3.DatabaseError as exc:
        raise LedgerError(
            f"{path}: this is not an xlfollow ledger ({exc}); restore it from a backup"
        ) from exc
    if version != SCHEMA_VERSION:
        raise LedgerError(
            f"{path}: ledger version {version} is not one this xlfollow knows "
            f"({SCHEMA_VERSION}); use the xlfollow version that wrote it"
        )
    return version
