"""The ledger's tables at the current schema version, written once for both engines: a
PostgreSQL ledger is created from them directly, where an SQLite one has been brought
here by schema.py's migrations (a test checks that both give the same columns)."""

from __future__ import annotations

from xlfollow.ledger.dialect import Dialect

__all__ = ["current_schema"]

_TABLES = [
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE issues (
        issue_id TEXT PRIMARY KEY,
        round TEXT NOT NULL,
        recipient TEXT NOT NULL,
        file TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        issued_at TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        layout_version INTEGER NOT NULL,
        issued_by TEXT NOT NULL DEFAULT ''{row_order}
    )""",
    """CREATE TABLE issued_cells (
        issue_id TEXT NOT NULL REFERENCES issues (issue_id),
        item TEXT NOT NULL,
        field TEXT NOT NULL,
        value TEXT NOT NULL,
        editable INTEGER NOT NULL DEFAULT 1,
        PRIMARY KEY (issue_id, item, field)
    )""",
    """CREATE TABLE receipts (
        receipt_id {id},
        file TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        received_at TEXT NOT NULL,
        issue_id TEXT,
        centre TEXT,
        round TEXT,
        verdict TEXT NOT NULL,
        reason TEXT NOT NULL,
        report TEXT NOT NULL,
        mail_sha256 TEXT NOT NULL DEFAULT '',
        mail_from TEXT NOT NULL DEFAULT '',
        mail_date TEXT NOT NULL DEFAULT '',
        mail_subject TEXT NOT NULL DEFAULT '',
        mail_id TEXT NOT NULL DEFAULT '',
        received_by TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX receipts_sha256 ON receipts (sha256)",
    "CREATE INDEX receipts_mail_sha256 ON receipts (mail_sha256)",
    """CREATE TABLE answers (
        round TEXT NOT NULL,
        item TEXT NOT NULL,
        field TEXT NOT NULL,
        value TEXT NOT NULL,
        source TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        receipt_id INTEGER REFERENCES receipts (receipt_id),
        recorded_by TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (round, item, field)
    )""",
    """CREATE TABLE answer_history (
        round TEXT NOT NULL,
        item TEXT NOT NULL,
        field TEXT NOT NULL,
        value TEXT NOT NULL,
        source TEXT NOT NULL,
        receipt_id INTEGER REFERENCES receipts (receipt_id),
        recorded_at TEXT NOT NULL,
        recorded_by TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE conflicts (
        conflict_id {id},
        round TEXT NOT NULL,
        item TEXT NOT NULL,
        answer TEXT NOT NULL,
        base TEXT NOT NULL,
        current TEXT NOT NULL,
        current_source TEXT NOT NULL,
        incoming TEXT NOT NULL,
        incoming_source TEXT NOT NULL,
        receipt_id INTEGER NOT NULL REFERENCES receipts (receipt_id),
        status TEXT NOT NULL,
        resolution TEXT NOT NULL DEFAULT '',
        resolved_at TEXT NOT NULL DEFAULT '',
        reason TEXT NOT NULL DEFAULT '',
        raised_by TEXT NOT NULL DEFAULT '',
        decided_by TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE issued_sets (
        issue_id TEXT PRIMARY KEY REFERENCES issues (issue_id),
        cells {blob} NOT NULL
    )""",
    """CREATE TABLE messages (
        message_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        round TEXT NOT NULL,
        centre TEXT NOT NULL,
        address TEXT NOT NULL,
        issue_id TEXT,
        sent_at TEXT NOT NULL,
        sent_by TEXT NOT NULL DEFAULT ''{row_order}
    )""",
    """CREATE TABLE concurrences (
        round TEXT NOT NULL,
        item TEXT NOT NULL,
        answer TEXT NOT NULL,
        source TEXT NOT NULL,
        answer_values TEXT NOT NULL,
        receipt_id INTEGER NOT NULL REFERENCES receipts (receipt_id),
        recorded_at TEXT NOT NULL{row_order},
        PRIMARY KEY (round, item, answer, source)
    )""",
    """CREATE TABLE fetched (
        fetch_id {id},
        server TEXT NOT NULL,
        folder TEXT NOT NULL,
        uidvalidity BIGINT NOT NULL,
        uid BIGINT NOT NULL,
        message_id TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        sender TEXT NOT NULL,
        date TEXT NOT NULL,
        subject TEXT NOT NULL,
        outcome TEXT NOT NULL,
        saved_as TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        fetched_by TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX fetched_message_id ON fetched (message_id)",
    "CREATE INDEX fetched_sha256 ON fetched (sha256)",
    "CREATE INDEX fetched_place ON fetched (server, folder, uidvalidity, uid)",
]


def current_schema(dialect: Dialect) -> list[str]:
    """The statements that create an empty ledger at the current version."""
    return [dialect.table(statement) for statement in _TABLES] + dialect.triggers()
