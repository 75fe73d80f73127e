"""The ledger: the workspace's SQLite record of everything issued, received and decided.

Every change is one transaction. The schema carries its version in
`PRAGMA user_version`; an older ledger is brought up to date when opened.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import NamedTuple

from xlfollow.errors import XlfollowError
from xlfollow.layout import Answer
from xlfollow.merge import AnswerKey as ItemAnswer
from xlfollow.merge import Current, Decided, MergePlan, OpenConflict
from xlfollow.messages import Text

__all__ = [
    "SCHEMA_VERSION",
    "AnswerKey",
    "ConflictRecord",
    "IssueRecord",
    "IssuedSets",
    "Ledger",
    "LedgerError",
    "MessageRecord",
    "ReceiptRecord",
    "Resolution",
    "create_ledger",
    "ledger_version",
]

SCHEMA_VERSION = 6

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
}


@dataclass(frozen=True)
class MessageRecord:
    """A message sent to a centre: its workbook ('send') or a reminder ('remind')."""

    message_id: str
    kind: str
    round: str
    centre: str
    address: str
    issue_id: str | None
    sent_at: str


AnswerKey = tuple[str, str, str]
"""(round name, item number, field)."""


class LedgerError(XlfollowError):
    """The ledger file is missing, damaged, or from an unknown version of xlfollow."""


class IssuedSets(NamedTuple):
    """An issue's answer cells as issued."""

    editable: dict[tuple[str, str], str]
    """By (item, field): the base a returned copy is merged against."""
    shown: dict[tuple[str, str], str]
    """By (item, field): the answers of rows shown locked (items a centre contributes to):
    a stale copy of one is no change."""
    earlier: dict[tuple[str, str, str], str]
    """By (round, item, field): earlier rounds' answers shown locked (none recorded
    before they were)."""


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
        raise LedgerError(
            Text("{path}: a ledger is already there; it is never overwritten", path=str(path))
        )
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
        raise LedgerError(
            Text("{path}: the ledger is missing; restore it from a backup", path=str(path))
        )
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            db.execute("SELECT count(*) FROM meta").fetchone()
    except sqlite3.DatabaseError as exc:
        raise LedgerError(
            Text(
                "{path}: this is not an xlfollow ledger ({why}); restore it from a backup",
                path=str(path),
                why=str(exc),
            )
        ) from exc
    if not 1 <= version <= SCHEMA_VERSION:
        raise LedgerError(
            Text(
                "{path}: ledger version {version} is not one this xlfollow knows "
                "(up to {known}); use the xlfollow version that wrote it",
                path=str(path),
                version=version,
                known=SCHEMA_VERSION,
            )
        )
    return version


class Ledger:
    """An open ledger. Use it in a `with` block; each write is one transaction."""

    def __init__(self, path: Path) -> None:
        version = ledger_version(path)
        self.path = path
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA foreign_keys = ON")
        # Write-ahead logging with a full sync at every commit: a commit is one
        # fsync of the log, and a committed file survives a crash or power loss.
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = FULL")
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

    def record_issue(
        self,
        issue: IssueRecord,
        cells: Iterable[tuple[str, str, str]],
        shown: Iterable[tuple[str, str, str]] = (),
        earlier: Iterable[tuple[str, str, str, str]] = (),
    ) -> None:
        """Record an issued workbook, the value of every editable cell it carried, of the
        answer cells it showed locked, and of the earlier rounds' answers it showed."""
        with self.transaction() as db:
            self._insert_issue(db, issue, cells, shown, earlier)

    @staticmethod
    def _insert_issue(
        db: sqlite3.Connection,
        issue: IssueRecord,
        cells: Iterable[tuple[str, str, str]],
        shown: Iterable[tuple[str, str, str]],
        earlier: Iterable[tuple[str, str, str, str]] = (),
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
        packed = json.dumps(
            {"editable": list(cells), "shown": list(shown), "earlier": list(earlier)},
            ensure_ascii=False,
        )
        db.execute(
            "INSERT INTO issued_sets (issue_id, cells) VALUES (?, ?)",
            (issue.issue_id, zlib.compress(packed.encode("utf-8"), 1)),
        )

    def record_issues(
        self,
        issues: Iterable[
            tuple[
                IssueRecord,
                Iterable[tuple[str, str, str]],
                Iterable[tuple[str, str, str]],
                Iterable[tuple[str, str, str, str]],
            ]
        ],
    ) -> None:
        """Record several issued workbooks in one transaction (a whole round)."""
        with self.transaction() as db:
            for issue, cells, shown, earlier in issues:
                self._insert_issue(db, issue, cells, shown, earlier)

    def forget_issue(self, issue_id: str) -> None:
        """Remove an issue whose workbook could not be written after all (nothing can
        have been received against it)."""
        with self.transaction() as db:
            db.execute("DELETE FROM issued_sets WHERE issue_id = ?", (issue_id,))
            db.execute("DELETE FROM issues WHERE issue_id = ?", (issue_id,))

    def known_file(self, sha256: str) -> bool:
        """True if a file with these bytes was issued, or received and merged."""
        row = self.db.execute(
            "SELECT 1 FROM issues WHERE sha256 = ? UNION ALL SELECT 1 FROM receipts "
            "WHERE sha256 = ? AND verdict IN ('accepted', 'duplicate') LIMIT 1",
            (sha256, sha256),
        ).fetchone()
        return row is not None

    def issues(self, round_name: str | None = None) -> list[IssueRecord]:
        """The workbooks issued, oldest first; those of one round if it is given."""
        query = "SELECT * FROM issues"
        args: tuple[str, ...] = ()
        if round_name is not None:
            query += " WHERE round = ?"
            args = (round_name,)
        rows = self.db.execute(query + " ORDER BY issued_at, rowid", args).fetchall()
        return [IssueRecord(*row) for row in rows]

    def issue(self, issue_id: str) -> IssueRecord | None:
        """The issue with this id, if there is one."""
        row = self.db.execute("SELECT * FROM issues WHERE issue_id = ?", (issue_id,)).fetchone()
        return IssueRecord(*row) if row else None

    def issued_cells(self, issue_id: str, editable: bool = True) -> dict[tuple[str, str], str]:
        """The value of each editable cell as issued (or, with editable=False, of each
        answer cell shown locked), by (item, field)."""
        issued = self.issued_sets(issue_id)
        return issued.editable if editable else issued.shown

    def issued_sets(self, issue_id: str) -> IssuedSets:
        """An issue's answer cells as issued."""
        row = self.db.execute(
            "SELECT cells FROM issued_sets WHERE issue_id = ?", (issue_id,)
        ).fetchone()
        if row is not None:
            packed = json.loads(zlib.decompress(row[0]).decode("utf-8"))
            return IssuedSets(
                {(item, field): value for item, field, value in packed["editable"]},
                {(item, field): value for item, field, value in packed["shown"]},
                {
                    (round_name, item, field): value
                    for round_name, item, field, value in packed.get("earlier", [])
                },
            )
        found = IssuedSets({}, {}, {})
        rows = self.db.execute(  # an issue recorded before schema 4
            "SELECT item, field, value, editable FROM issued_cells WHERE issue_id = ?",
            (issue_id,),
        )
        for item, field, value, editable in rows:
            (found.editable if editable else found.shown)[(item, field)] = value
        return found

    def record_message(self, message: MessageRecord) -> None:
        """Record a message a mail server has taken."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    message.message_id,
                    message.kind,
                    message.round,
                    message.centre,
                    message.address,
                    message.issue_id,
                    message.sent_at,
                ),
            )

    def messages(self, round_name: str | None = None) -> list[MessageRecord]:
        """The messages sent, oldest first; those of one round if it is given."""
        query = "SELECT * FROM messages"
        args: tuple[str, ...] = ()
        if round_name is not None:
            query, args = query + " WHERE round = ?", (round_name,)
        rows = self.db.execute(query + " ORDER BY sent_at, rowid", args).fetchall()
        return [MessageRecord(*row) for row in rows]

    def answers(self) -> dict[AnswerKey, str]:
        """The current accepted answers, by (round, item, field)."""
        rows = self.db.execute("SELECT round, item, field, value FROM answers")
        return {(r, item, field): value for r, item, field, value in rows}

    def current(self, round_name: str) -> dict[tuple[str, str], Current]:
        """A round's current answers with their sources, by (item, field)."""
        rows = self.db.execute(
            "SELECT item, field, value, source, receipt_id FROM answers WHERE round = ?",
            (round_name,),
        )
        return {
            (item, field): Current(value, source, receipt)
            for item, field, value, source, receipt in rows
        }

    def set_answers(self, answers: Iterable[tuple[AnswerKey, str]], source: str) -> None:
        """Record accepted answers, each with where it came from, in one transaction."""
        with self.transaction() as db:
            _set_answers(
                db, ((r, item, field, value) for (r, item, field), value in answers), source, None
            )

    # Receiving files

    def accepted_receipt(self, sha256: str) -> ReceiptRecord | None:
        """The earlier accepted file with these exact bytes, if there is one."""
        row = self.db.execute(
            f"SELECT {_RECEIPT_COLUMNS} FROM receipts WHERE sha256 = ? AND verdict = 'accepted' "
            "ORDER BY receipt_id LIMIT 1",
            (sha256,),
        ).fetchone()
        return ReceiptRecord(*row) if row else None

    def rejected_receipt(self, sha256: str) -> ReceiptRecord | None:
        """The latest rejected file with these exact bytes, if there is one."""
        row = self.db.execute(
            f"SELECT {_RECEIPT_COLUMNS} FROM receipts WHERE sha256 = ? AND verdict = 'rejected' "
            "ORDER BY receipt_id DESC LIMIT 1",
            (sha256,),
        ).fetchone()
        return ReceiptRecord(*row) if row else None

    def receipts(self) -> list[ReceiptRecord]:
        """Every file received, oldest first."""
        rows = self.db.execute(f"SELECT {_RECEIPT_COLUMNS} FROM receipts ORDER BY receipt_id")
        return [ReceiptRecord(*row) for row in rows]

    def receipts_of_issue(self, issue_id: str) -> frozenset[int]:
        """The accepted files received for one issue."""
        rows = self.db.execute(
            "SELECT receipt_id FROM receipts WHERE issue_id = ? AND verdict = 'accepted'",
            (issue_id,),
        )
        return frozenset(row[0] for row in rows)

    def record_receipt(self, receipt: ReceiptRecord) -> int:
        """Record a file that was not merged (rejected, or a duplicate); its id."""
        with self.transaction() as db:
            return _insert_receipt(db, receipt)

    def record_merge(
        self,
        receipt: ReceiptRecord,
        round_name: str,
        source: str,
        plan: MergePlan,
        resolutions: Iterable[Resolution] = (),
    ) -> int:
        """Record a merged file and everything it changes, all or nothing; its id. The
        `resolutions` (decisions chosen on a master's Konflikter sheet) come first:
        the file's answers were merged against what they decided."""
        with self.transaction() as db:
            receipt_id = _insert_receipt(db, receipt)
            for resolution in resolutions:
                _resolve(db, resolution)
            _set_answers(
                db,
                ((round_name, item, field, value) for (item, field), value in plan.updates.items()),
                source,
                receipt_id,
            )
            now = _now()
            db.executemany(
                "UPDATE conflicts SET status = 'superseded', resolution = ?, resolved_at = ? "
                "WHERE conflict_id = ? AND status = 'open'",
                ((f"superseded by {receipt.file}", now, cid) for cid in plan.superseded),
            )
            db.executemany(
                "DELETE FROM concurrences WHERE round = ? AND item = ? AND answer = ? "
                "AND source = ?",
                ((round_name, item, answer.value, source) for item, answer in plan.concurring),
            )
            db.executemany(
                "INSERT INTO concurrences VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    (round_name, item, answer.value, source, _packed(values), receipt_id, now)
                    for (item, answer), values in plan.concurring.items()
                    if values is not None
                ),
            )
            db.executemany(
                "INSERT INTO conflicts (round, item, answer, base, current, current_source, "
                "incoming, incoming_source, receipt_id, status, reason) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)",
                (
                    (
                        round_name,
                        conflict.item,
                        conflict.answer.value,
                        _packed(conflict.base),
                        _packed(conflict.current),
                        conflict.current_source,
                        _packed(conflict.incoming),
                        source,
                        receipt_id,
                        json.dumps(conflict.reason.to_json(), ensure_ascii=False),
                    )
                    for conflict in plan.conflicts
                ),
            )
            return receipt_id

    # Conflicts

    def conflicts(
        self, round_name: str | None = None, status: str = "open"
    ) -> list[ConflictRecord]:
        """The conflicts with a status (open by default), of one round or all."""
        query = f"SELECT {_CONFLICT_COLUMNS} FROM conflicts WHERE status = ?"
        args: tuple[str, ...] = (status,)
        if round_name is not None:
            query += " AND round = ?"
            args += (round_name,)
        rows = self.db.execute(query + " ORDER BY conflict_id", args).fetchall()
        found = [_conflict(row) for row in rows]
        if not found:
            return found
        concurring: dict[tuple[str, str, str], list[tuple[str, dict[str, str]]]] = {}
        for round_of, item, answer, source, values in self.db.execute(
            "SELECT round, item, answer, source, answer_values FROM concurrences "
            "ORDER BY recorded_at, rowid"
        ):
            concurring.setdefault((round_of, item, answer), []).append((source, _unpacked(values)))
        return [
            dataclasses.replace(
                conflict,
                concurring=tuple(
                    source
                    for source, values in concurring.get(
                        (conflict.round, conflict.item, conflict.answer.value), []
                    )
                    if source != conflict.current_source and _same(values, conflict.current)
                ),
            )
            for conflict in found
        ]

    def open_conflicts(self, round_name: str) -> list[OpenConflict]:
        """A round's open conflicts, as the merge needs to know them."""
        rows = self.db.execute(
            "SELECT conflict_id, item, answer, receipt_id FROM conflicts "
            "WHERE status = 'open' AND round = ? ORDER BY conflict_id",
            (round_name,),
        )
        return [
            OpenConflict(cid, item, Answer(answer), receipt) for cid, item, answer, receipt in rows
        ]

    def decided(self, round_name: str) -> dict[ItemAnswer, list[Decided]]:
        """A round's answers a person has decided on, for or against, by item and answer:
        both sides of every conflict resolved."""
        found: dict[ItemAnswer, list[Decided]] = {}
        for conflict in self.conflicts(round_name, status="resolved"):
            found.setdefault((conflict.item, conflict.answer), []).extend(
                (
                    *(Decided(source, conflict.current) for source in conflict.current_sources),
                    Decided(conflict.incoming_source, conflict.incoming),
                )
            )
        return found

    def resolve(self, resolution: Resolution) -> None:
        """Record a person's decision on open conflicts of one answer."""
        with self.transaction() as db:
            _resolve(db, resolution)


def _resolve(db: sqlite3.Connection, resolution: Resolution) -> None:
    if resolution.values is not None:
        round_name, item = db.execute(
            "SELECT round, item FROM conflicts WHERE conflict_id = ?",
            (resolution.conflict_ids[0],),
        ).fetchone()
        _set_answers(
            db,
            [(round_name, item, f, value) for f, value in resolution.values.items()],
            resolution.source,
            resolution.receipt,
        )
    _close(db, resolution.conflict_ids, resolution.how)


def _close(db: sqlite3.Connection, conflict_ids: Iterable[int], how: str) -> None:
    db.executemany(
        "UPDATE conflicts SET status = 'resolved', resolution = ?, resolved_at = ? "
        "WHERE conflict_id = ? AND status = 'open'",
        ((how, _now(), cid) for cid in conflict_ids),
    )


_RECEIPT_COLUMNS = (
    "receipt_id, file, sha256, received_at, issue_id, centre, round, verdict, reason, report"
)
_CONFLICT_COLUMNS = (
    "conflict_id, round, item, answer, base, current, current_source, incoming, "
    "incoming_source, receipt_id, status, resolution, reason"
)


@dataclass(frozen=True)
class Resolution:
    """A person's decision on the open conflicts of one answer: the current answer kept
    (`values` None), or `values` taken, by field, recorded as from `source` and the
    file `receipt` they came in (so that a correction from that file's sender
    supersedes them; None for values a person typed)."""

    conflict_ids: tuple[int, ...]
    how: str
    values: Mapping[str, str] | None = None
    source: str = ""
    receipt: int | None = None

    @classmethod
    def keep(cls, conflicts: Sequence[ConflictRecord], how: str) -> Resolution:
        """The current answer stands."""
        return cls(tuple(c.conflict_id for c in conflicts), how)

    @classmethod
    def take(
        cls, conflicts: Sequence[ConflictRecord], chosen: ConflictRecord, how: str
    ) -> Resolution:
        """The incoming answer of one of the conflicts stands."""
        return cls(
            tuple(c.conflict_id for c in conflicts),
            how,
            chosen.incoming,
            chosen.incoming_source,
            chosen.receipt_id,
        )


@dataclass(frozen=True)
class ReceiptRecord:
    """One file received, and what became of it."""

    receipt_id: int | None
    file: str
    sha256: str
    received_at: str
    issue_id: str | None
    centre: str | None
    round: str | None
    verdict: str
    """accepted, rejected or duplicate."""
    reason: str
    report: str
    """The file's merge report as JSON."""


@dataclass(frozen=True)
class ConflictRecord:
    """A conflict between the ledger's answer and a received one."""

    conflict_id: int
    round: str
    item: str
    answer: Answer
    base: Mapping[str, str]
    """The answer as issued, by field (milestone, milestone_note, ...)."""
    current: Mapping[str, str]
    current_source: str
    incoming: Mapping[str, str]
    incoming_source: str
    receipt_id: int
    """The received file whose answer conflicted."""
    status: str
    """open, resolved or superseded."""
    resolution: str
    reason: Text | None = None
    """Why it is a conflict; None for one recorded before ledger schema 6."""
    concurring: tuple[str, ...] = ()
    """Other sources whose last answer is the current one: a person deciding sees them."""

    @property
    def current_sources(self) -> tuple[str, ...]:
        """Every source that gives the current answer, its own source first."""
        return (self.current_source, *self.concurring)


def _conflict(row: tuple[object, ...]) -> ConflictRecord:
    cid, round_name, item, answer, base, current, c_source, incoming, i_source, *rest = row
    receipt, status, resolution, reason = rest
    return ConflictRecord(
        int(str(cid)),
        str(round_name),
        str(item),
        Answer(str(answer)),
        _unpacked(base),
        _unpacked(current),
        str(c_source),
        _unpacked(incoming),
        str(i_source),
        int(str(receipt)),
        str(status),
        str(resolution),
        Text.from_json(json.loads(str(reason))) if reason else None,
    )


def _same(values: Mapping[str, str], other: Mapping[str, str]) -> bool:
    """True if two answers agree on the fields both have (one may be partial)."""
    shared = [name for name in values if name in other]
    return bool(shared) and all(values[name] == other[name] for name in shared)


def _packed(values: Mapping[str, str]) -> str:
    return json.dumps(dict(values), ensure_ascii=False)


def _unpacked(text: object) -> dict[str, str]:
    values = json.loads(str(text))
    return {str(key): str(value) for key, value in values.items()}


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _insert_receipt(db: sqlite3.Connection, receipt: ReceiptRecord) -> int:
    cursor = db.execute(
        "INSERT INTO receipts (file, sha256, received_at, issue_id, centre, round, verdict, "
        "reason, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            receipt.file,
            receipt.sha256,
            receipt.received_at,
            receipt.issue_id,
            receipt.centre,
            receipt.round,
            receipt.verdict,
            receipt.reason,
            receipt.report,
        ),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _set_answers(
    db: sqlite3.Connection,
    answers: Iterable[tuple[str, str, str, str]],
    source: str,
    receipt_id: int | None,
) -> None:
    """Set (round, item, field, value) answers as current, and keep them in the history."""
    now = _now()
    rows = [(r, item, field, value, source, now, receipt_id) for r, item, field, value in answers]
    db.executemany(
        "INSERT OR REPLACE INTO answers (round, item, field, value, source, recorded_at, "
        "receipt_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    db.executemany(
        "INSERT INTO answer_history (round, item, field, value, source, recorded_at, "
        "receipt_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
