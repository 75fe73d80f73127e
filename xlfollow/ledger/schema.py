"""The ledger's schema: its tables, created and brought up to date, and its version.

The version is kept in `PRAGMA user_version`; each migration brings a ledger from
the version before it to its own, in one transaction. A PostgreSQL ledger is created
at the current version (tables.py) and keeps its version in the meta table.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from xlfollow.definition.ledgerplace import LedgerPlace
from xlfollow.errors import LedgerError
from xlfollow.machinefaults import ledger_fault
from xlfollow.messages import Text

__all__ = [
    "ACTOR_COLUMNS",
    "SCHEMA_VERSION",
    "check_version",
    "create_ledger",
    "ledger_version",
    "migrate",
]

SCHEMA_VERSION = 10

ACTOR_COLUMNS = (
    ("receipts", "received_by"),
    ("answers", "recorded_by"),
    ("answer_history", "recorded_by"),
    ("conflicts", "raised_by"),
    ("conflicts", "decided_by"),
    ("issues", "issued_by"),
    ("messages", "sent_by"),
    ("fetched", "fetched_by"),
)
"""(table, column) of who made each change, added by schema 10: the operating-system
user and machine of the command ('anna@OEKPC042'); '' in every row recorded before."""

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
    3: [
        """CREATE TABLE receipts (
            receipt_id INTEGER PRIMARY KEY,
            file TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            received_at TEXT NOT NULL,
            issue_id TEXT,
            centre TEXT,
            round TEXT,
            verdict TEXT NOT NULL,
            reason TEXT NOT NULL,
            report TEXT NOT NULL
        )""",
        "CREATE INDEX receipts_sha256 ON receipts (sha256)",
        "ALTER TABLE answers ADD COLUMN receipt_id INTEGER REFERENCES receipts (receipt_id)",
        # Cells shown locked are recorded too, so a stale copy of them is no change.
        "ALTER TABLE issued_cells ADD COLUMN editable INTEGER NOT NULL DEFAULT 1",
        """CREATE TABLE answer_history (
            round TEXT NOT NULL,
            item TEXT NOT NULL,
            field TEXT NOT NULL,
            value TEXT NOT NULL,
            source TEXT NOT NULL,
            receipt_id INTEGER REFERENCES receipts (receipt_id),
            recorded_at TEXT NOT NULL
        )""",
        """CREATE TABLE conflicts (
            conflict_id INTEGER PRIMARY KEY,
            round TEXT NOT NULL,
            item TEXT NOT NULL,
            field TEXT NOT NULL,
            base TEXT NOT NULL,
            current TEXT NOT NULL,
            current_source TEXT NOT NULL,
            incoming TEXT NOT NULL,
            incoming_source TEXT NOT NULL,
            receipt_id INTEGER NOT NULL REFERENCES receipts (receipt_id),
            status TEXT NOT NULL,
            resolution TEXT NOT NULL DEFAULT '',
            resolved_at TEXT NOT NULL DEFAULT ''
        )""",
    ],
    4: [
        # An issue's cells as issued, in one compressed row: the master is issued
        # anew after every merge, and 20,000 rows each time cost time and space.
        # Issues recorded before stay in issued_cells, and are read from there.
        """CREATE TABLE issued_sets (
            issue_id TEXT PRIMARY KEY REFERENCES issues (issue_id),
            cells BLOB NOT NULL
        )""",
    ],
    5: [
        # Every message sent through a mail server: so sending twice is a choice.
        """CREATE TABLE messages (
            message_id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            round TEXT NOT NULL,
            centre TEXT NOT NULL,
            address TEXT NOT NULL,
            issue_id TEXT,
            sent_at TEXT NOT NULL
        )""",
    ],
    6: [
        # A smiley and its notes are merged, in conflict and decided as one answer:
        # a conflict names the answer (milestone, economy) and holds the values of
        # its fields as a JSON object. One recorded before held one field's value.
        "UPDATE conflicts SET base = json_object(field, base), "
        "current = json_object(field, current), incoming = json_object(field, incoming)",
        "UPDATE conflicts SET field = CASE WHEN field IN ('milestone', 'milestone_note') "
        "THEN 'milestone' ELSE 'economy' END",
        "ALTER TABLE conflicts RENAME COLUMN field TO answer",
        # Why it is a conflict, as a message to say in either language (JSON).
        "ALTER TABLE conflicts ADD COLUMN reason TEXT NOT NULL DEFAULT ''",
        # A source whose answer is the same as the current one, from another source:
        # a conflict on it shows both, and a decision against it holds for both.
        """CREATE TABLE concurrences (
            round TEXT NOT NULL,
            item TEXT NOT NULL,
            answer TEXT NOT NULL,
            source TEXT NOT NULL,
            answer_values TEXT NOT NULL,
            receipt_id INTEGER NOT NULL REFERENCES receipts (receipt_id),
            recorded_at TEXT NOT NULL,
            PRIMARY KEY (round, item, answer, source)
        )""",
    ],
    7: [
        # master.xlsx is due to be written anew once anything it shows changes: a
        # trigger says so in the change's own transaction, so a command killed after
        # its change and before the master is written leaves the mark for the next.
        # Writing the master clears it. A ledger brought up to this version has it.
        "INSERT OR REPLACE INTO meta VALUES ('master_due', '1')",
        *(
            f"CREATE TRIGGER IF NOT EXISTS master_due_{table}_{event.lower()} "
            f"AFTER {event} ON {table} "
            "BEGIN INSERT OR REPLACE INTO meta VALUES ('master_due', '1'); END"
            for table in ("answers", "conflicts", "concurrences")
            for event in ("INSERT", "UPDATE", "DELETE")
        ),
        # A file merged; one rejected is said by the merge, and waits for the next master.
        "CREATE TRIGGER IF NOT EXISTS master_due_receipts AFTER INSERT ON receipts "
        "WHEN NEW.verdict = 'accepted' "
        "BEGIN INSERT OR REPLACE INTO meta VALUES ('master_due', '1'); END",
        # A round's workbooks issued (the master itself, recipient '', is not a change).
        "CREATE TRIGGER IF NOT EXISTS master_due_issues AFTER INSERT ON issues "
        "WHEN NEW.recipient <> '' "
        "BEGIN INSERT OR REPLACE INTO meta VALUES ('master_due', '1'); END",
    ],
    8: [
        # A workbook that came in a saved message (.eml in inbox/): the message's own
        # digest, so the message is not read again, and who sent it, when and why.
        # '' for a file that came alone, as every receipt recorded before did.
        *(
            f"ALTER TABLE receipts ADD COLUMN {column} TEXT NOT NULL DEFAULT ''"
            for column in ("mail_sha256", "mail_from", "mail_date", "mail_subject", "mail_id")
        ),
        "CREATE INDEX receipts_mail_sha256 ON receipts (mail_sha256)",
    ],
    9: [
        # Every message `fetch` took from a mailbox (saved into inbox/ or not), so that
        # none is fetched twice: by its Message-ID, by its bytes' digest where it has
        # none, and by its place (folder, UIDVALIDITY, UID) so it is not even looked at.
        """CREATE TABLE fetched (
            fetch_id INTEGER PRIMARY KEY,
            server TEXT NOT NULL,
            folder TEXT NOT NULL,
            uidvalidity INTEGER NOT NULL,
            uid INTEGER NOT NULL,
            message_id TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            sender TEXT NOT NULL,
            date TEXT NOT NULL,
            subject TEXT NOT NULL,
            outcome TEXT NOT NULL,
            saved_as TEXT NOT NULL,
            fetched_at TEXT NOT NULL
        )""",
        "CREATE INDEX fetched_message_id ON fetched (message_id)",
        "CREATE INDEX fetched_sha256 ON fetched (sha256)",
        "CREATE INDEX fetched_place ON fetched (server, folder, uidvalidity, uid)",
    ],
    10: [
        # Who made each change (ACTOR_COLUMNS).
        *(
            f"ALTER TABLE {table} ADD COLUMN {column} TEXT NOT NULL DEFAULT ''"
            for table, column in ACTOR_COLUMNS
        ),
    ],
}


def create_ledger(place: LedgerPlace | Path) -> None:
    """Create an empty ledger; refuse to touch a file (or a PostgreSQL schema's
    ledger) that is already there."""
    if isinstance(place, LedgerPlace):
        if place.path is None:
            from xlfollow.ledger.pgdatabase import create_pg_ledger

            create_pg_ledger(place, SCHEMA_VERSION)
            return
        place = place.path
    path = place
    if path.exists():
        raise LedgerError(
            Text("{path}: a ledger is already there; it is never overwritten", path=str(path))
        )
    with closing(sqlite3.connect(path)) as db:
        migrate(db, 0)
        with db:
            db.execute("INSERT INTO meta VALUES ('created', ?)", (datetime.now(UTC).isoformat(),))


def migrate(db: sqlite3.Connection, version: int) -> None:
    """Bring a ledger at `version` up to SCHEMA_VERSION."""
    for target in range(version + 1, SCHEMA_VERSION + 1):
        with db:
            for statement in _MIGRATIONS[target]:
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {target}")


def ledger_version(place: LedgerPlace | Path) -> int:
    """The schema version of a ledger, checking that it is one xlfollow can use."""
    if isinstance(place, LedgerPlace):
        if place.path is None:
            from xlfollow.ledger.pgdatabase import PostgresDatabase, pg_version

            server = PostgresDatabase(place)
            try:
                version = pg_version(server)
            finally:
                server.close()
            check_version(str(place), version)
            return version
        place = place.path
    path = place
    if not path.is_file():
        raise LedgerError(
            Text("{path}: the ledger is missing; restore it from a backup", path=str(path))
        )
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            db.execute("SELECT count(*) FROM meta").fetchone()
    except sqlite3.DatabaseError as exc:
        # A full disk or a read-only folder is said as what it is: a backup restored
        # for it would lose what was recorded since.
        raise ledger_fault(
            path,
            exc,
            Text(
                "{path}: this is not an xlfollow ledger ({why}); restore it from a backup",
                path=str(path),
                why=str(exc),
            ),
        ) from exc
    check_version(str(path), version)
    return version


def check_version(where: str, version: int) -> None:
    """LedgerError unless `version` is a schema version this xlfollow can use."""
    if not 1 <= version <= SCHEMA_VERSION:
        raise LedgerError(
            Text(
                "{path}: ledger version {version} is not one this xlfollow knows "
                "(up to {known}); use the xlfollow version that wrote it",
                path=where,
                version=version,
                known=SCHEMA_VERSION,
            )
        )
