"""The ledger: the workspace's SQLite record of everything issued, received and decided.

Every change is one transaction. The schema carries its version in
`PRAGMA user_version`; an older ledger is brought up to date when opened.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from xlfollow.errors import XlfollowError

__all__ = [
    "SCHEMA_VERSION",
    "AnswerKey",
    "IssueRecord",
    "Ledger",
    "LedgerError",
    "create_ledger",
    "ledger_version",
]

SCHEMA_VERSION = 2

# Each entry brings a ledger from the version before it to its own.
_MIGRATIONS = {
    1: [
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ],
    2: [
        """CREATE TABLE issues (
            issue_id TEXT PRIMARY KEY,
            round TEXT NOT NULL,
            recipient TEXT NOT NULL,
            file TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            issued_at TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            layout_version INTEGER NOT NULL
        )""",
        """CREATE TABLE issued_cells (
            issue_id TEXT NOT NULL REFERENCES issues (issue_id),
            item TEXT NOT NULL,
            field TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (issue_id, item, field)
        )""",
        """CREATE TABLE answers (
            round TEXT NOT NULL,
            item TEXT NOT NULL,
            field TEXT NOT NULL,
            value TEXT NOT NULL,
            source TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            PRIMARY KEY (round, item, field)
        )""",
    ],
}

AnswerKey = tuple[str, str, str]
"""(round name, item number, field)."""


class LedgerError(XlfollowError):
    """The ledger file is missing, damaged, or from an unknown version of xlfollow."""


@dataclass(frozen=True)
class IssueRecord:
    """One workbook issued: to whom, for which round, and which file."""

    issue_id: str
    round: str
    recipient: str
    """The centre's name, or '' for the master."""
    file: str
    sha256: str
    issued_at: str
    fingerprint: str
    layout_version: int


def create_ledger(path: Path) -> None:
    """Create an empty ledger; refuse to touch a file that is already there."""
    if path.exists():
        raise LedgerError(f"{path}: a ledger is already there; it is never overwritten")
    with closing(sqlite3.connect(path)) as db:
        _migrate(db, 0)
        with db:
            db.execute("INSERT INTO meta VALUES ('created', ?)", (datetime.now(UTC).isoformat(),))


def _migrate(db: sqlite3.Connection, version: int) -> None:
    for target in range(version + 1, SCHEMA_VERSION + 1):
        with db:
            for statement in _MIGRATIONS[target]:
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {target}")


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
    if not 1 <= version <= SCHEMA_VERSION:
        raise LedgerError(
            f"{path}: ledger version {version} is not one this xlfollow knows "
            f"(up to {SCHEMA_VERSION}); use the xlfollow version that wrote it"
        )
    return version


class Ledger:
    """An open ledger. Use it in a `with` block; each write is one transaction."""

    def __init__(self, path: Path) -> None:
        version = ledger_version(path)
        self.path = path
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA foreign_keys = ON")
        if version < SCHEMA_VERSION:
            _migrate(self.db, version)

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A transaction: everything in it is recorded, or nothing is."""
        with self.db:
            yield self.db

    def record_issue(self, issue: IssueRecord, cells: Iterable[tuple[str, str, str]]) -> None:
        """Record an issued workbook and the value of every editable cell it carried."""
        with self.transaction() as db:
            self._insert_issue(db, issue, cells)

    @staticmethod
    def _insert_issue(
        db: sqlite3.Connection, issue: IssueRecord, cells: Iterable[tuple[str, str, str]]
    ) -> None:
        db.execute(
            "INSERT INTO issues VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                issue.issue_id,
                issue.round,
                issue.recipient,
                issue.file,
                issue.sha256,
                issue.issued_at,
                issue.fingerprint,
                issue.layout_version,
            ),
        )
        db.executemany(
            "INSERT INTO issued_cells VALUES (?, ?, ?, ?)",
            ((issue.issue_id, item, field, value) for item, field, value in cells),
        )

    def record_issues(
        self, issues: Iterable[tuple[IssueRecord, Iterable[tuple[str, str, str]]]]
    ) -> None:
        """Record several issued workbooks in one transaction (a whole round)."""
        with self.transaction() as db:
            for issue, cells in issues:
                self._insert_issue(db, issue, cells)

    def issues(self, round_name: str | None = None) -> list[IssueRecord]:
        """The workbooks issued, oldest first; those of one round if it is given."""
        query = "SELECT * FROM issues"
        args: tuple[str, ...] = ()
        if round_name is not None:
            query += " WHERE round = ?"
            args = (round_name,)
        rows = self.db.execute(query + " ORDER BY issued_at, rowid", args).fetchall()
        return [IssueRecord(*row) for row in rows]

    def issued_cells(self, issue_id: str) -> dict[tuple[str, str], str]:
        """The value of each editable cell as issued, by (item, field)."""
        rows = self.db.execute(
            "SELECT item, field, value FROM issued_cells WHERE issue_id = ?", (issue_id,)
        )
        return {(item, field): value for item, field, value in rows}

    def answers(self) -> dict[AnswerKey, str]:
        """The current accepted answers, by (round, item, field)."""
        rows = self.db.execute("SELECT round, item, field, value FROM answers")
        return {(r, item, field): value for r, item, field, value in rows}

    def set_answers(self, answers: Iterable[tuple[AnswerKey, str]], source: str) -> None:
        """Record accepted answers, each with where it came from, in one transaction."""
        now = datetime.now(UTC).isoformat()
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?)",
                ((r, item, field, value, source, now) for (r, item, field), value in answers),
            )
