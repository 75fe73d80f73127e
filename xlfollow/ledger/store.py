"""The ledger: the workspace's record of everything issued, received and decided, in
its SQLite file or in PostgreSQL.

Every change is one transaction. The schema carries its version (schema.py); an
older ledger is brought up to date when opened.
Ledger is built in layers: connection.py opens the database and keeps the
transactions, issuelog.py records what went out (issues, messages), and this
module what came back: answers, files received and merged, conflicts decided.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from datetime import UTC, datetime

from xlfollow.answers import FIELDS, Answer, Field
from xlfollow.ledger.database import Database
from xlfollow.ledger.decisions import already_decided, close_conflicts
from xlfollow.ledger.fetchlog import FetchLog
from xlfollow.ledger.issuelog import IssueLog
from xlfollow.ledger.mergeplan import Current, Decided, ItemAnswer, MergePlan, OpenConflict
from xlfollow.ledger.records import (
    AnswerKey,
    ConflictRecord,
    ConflictStatus,
    IssuedSets,
    IssueRecord,
    MailOrigin,
    MessageRecord,
    ReceiptRecord,
    Resolution,
    Verdict,
    conflict_from_row,
    packed,
    same_answer,
    unpacked,
)
from xlfollow.ledger.schema import (
    SCHEMA_VERSION,
    create_ledger,
    ledger_version,
)

__all__ = [
    "SCHEMA_VERSION",
    "AnswerKey",
    "ConflictRecord",
    "ConflictStatus",
    "IssueRecord",
    "IssuedSets",
    "Ledger",
    "MailOrigin",
    "MessageRecord",
    "ReceiptRecord",
    "Resolution",
    "create_ledger",
    "ledger_version",
]


class Ledger(IssueLog, FetchLog):
    """An open ledger. Use it in a `with` block; each write is one transaction."""

    def known_file(self, sha256: str) -> bool:
        """True if a file with these bytes was issued, or received and merged."""
        row = self.db.execute(
            "SELECT 1 FROM issues WHERE sha256 = ? UNION ALL SELECT 1 FROM receipts "
            "WHERE sha256 = ? AND verdict IN ('accepted', 'duplicate') LIMIT 1",
            (sha256, sha256),
        ).fetchone()
        return row is not None

    def answers(self) -> dict[AnswerKey, str]:
        """The current accepted answers, by (round, item, field)."""
        rows = self.db.execute("SELECT round, item, field, value FROM answers")
        return {(r, item, FIELDS[field]): value for r, item, field, value in rows}

    def current(self, round_name: str) -> dict[tuple[str, Field], Current]:
        """A round's current answers with their sources, by (item, field)."""
        rows = self.db.execute(
            "SELECT item, field, value, source, receipt_id, recorded_at FROM answers "
            "WHERE round = ?",
            (round_name,),
        )
        return {
            (item, FIELDS[field]): Current(value, source, receipt, recorded_at)
            for item, field, value, source, receipt, recorded_at in rows
        }

    def set_answers(self, answers: Iterable[tuple[AnswerKey, str]], source: str) -> None:
        """Record accepted answers, each with where it came from, in one transaction."""
        with self.transaction() as db:
            _set_answers(
                db,
                ((r, item, field, value) for (r, item, field), value in answers),
                (source, None, self.actor),
            )

    # Receiving files

    def accepted_receipt(self, sha256: str) -> ReceiptRecord | None:
        """The earlier accepted file with these exact bytes, if there is one."""
        row = self.db.execute(
            f"SELECT {_RECEIPT_COLUMNS} FROM receipts WHERE sha256 = ? AND verdict = 'accepted' "
            "ORDER BY receipt_id LIMIT 1",
            (sha256,),
        ).fetchone()
        return _receipt(row) if row else None

    def rejected_receipt(self, sha256: str) -> ReceiptRecord | None:
        """The latest rejected file with these exact bytes, or one that came in a saved
        message with them, if there is one."""
        row = self.db.execute(
            f"SELECT {_RECEIPT_COLUMNS} FROM receipts WHERE (sha256 = ? OR mail_sha256 = ?) "
            "AND verdict = 'rejected' ORDER BY receipt_id DESC LIMIT 1",
            (sha256, sha256),
        ).fetchone()
        return _receipt(row) if row else None

    def receipts(self) -> list[ReceiptRecord]:
        """Every file received, oldest first."""
        rows = self.db.execute(f"SELECT {_RECEIPT_COLUMNS} FROM receipts ORDER BY receipt_id")
        return [_receipt(row) for row in rows]

    def files_from(self, centre: str, round_name: str) -> list[tuple[int, str]]:
        """The files merged from a centre ('' for the master) for a round, whatever
        workbook of the round they came in: (receipt id, when received), oldest first."""
        rows = self.db.execute(
            "SELECT receipt_id, received_at FROM receipts WHERE centre = ? AND round = ? "
            "AND verdict = 'accepted' ORDER BY receipt_id",
            (centre, round_name),
        )
        return [(receipt, received_at) for receipt, received_at in rows]

    def record_receipt(self, receipt: ReceiptRecord) -> int:
        """Record a file that was not merged (rejected, or a duplicate); its id."""
        with self.transaction() as db:
            return _insert_receipt(db, receipt, self.actor)

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
            receipt_id = _insert_receipt(db, receipt, self.actor)
            for resolution in resolutions:
                _resolve(db, resolution, self.actor)
            _set_answers(
                db,
                ((round_name, item, field, value) for (item, field), value in plan.updates.items()),
                (source, receipt_id, self.actor),
            )
            now = _now()
            db.executemany(
                "UPDATE conflicts SET status = 'superseded', resolution = ?, resolved_at = ?, "
                "decided_by = ? WHERE conflict_id = ? AND status = 'open'",
                (
                    (f"superseded by {receipt.file}", now, self.actor, cid)
                    for cid in plan.superseded
                ),
            )
            db.executemany(
                "DELETE FROM concurrences WHERE round = ? AND item = ? AND answer = ? "
                "AND source = ?",
                ((round_name, item, answer.value, source) for item, answer in plan.concurring),
            )
            db.executemany(
                "INSERT INTO concurrences (round, item, answer, source, answer_values, receipt_id, "
                "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    (round_name, item, answer.value, source, packed(values), receipt_id, now)
                    for (item, answer), values in plan.concurring.items()
                    if values is not None
                ),
            )
            db.executemany(
                "INSERT INTO conflicts (round, item, answer, base, current, current_source, "
                "incoming, incoming_source, receipt_id, status, reason, raised_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)",
                (
                    (
                        round_name,
                        conflict.item,
                        conflict.answer.value,
                        packed(conflict.base),
                        packed(conflict.current),
                        conflict.current_source,
                        packed(conflict.incoming),
                        source,
                        receipt_id,
                        json.dumps(conflict.reason.to_json(), ensure_ascii=False),
                        self.actor,
                    )
                    for conflict in plan.conflicts
                ),
            )
            return receipt_id

    # Conflicts

    def conflicts(
        self, round_name: str | None = None, status: ConflictStatus = ConflictStatus.OPEN
    ) -> list[ConflictRecord]:
        """The conflicts with a status (open by default), of one round or all."""
        query = f"SELECT {_CONFLICT_COLUMNS} FROM conflicts WHERE status = ?"
        args: tuple[str, ...] = (status,)
        if round_name is not None:
            query += " AND round = ?"
            args += (round_name,)
        rows = self.db.execute(query + " ORDER BY conflict_id", args).fetchall()
        found = [conflict_from_row(row) for row in rows]
        if not found:
            return found
        concurring: dict[tuple[str, str, str], list[tuple[str, dict[Field, str]]]] = {}
        for round_of, item, answer, source, values in self.db.execute(
            "SELECT round, item, answer, source, answer_values FROM concurrences "
            "ORDER BY recorded_at, rowid"
        ):
            concurring.setdefault((round_of, item, answer), []).append((source, unpacked(values)))
        return [
            dataclasses.replace(
                conflict,
                concurring=tuple(
                    source
                    for source, values in concurring.get(
                        (conflict.round, conflict.item, conflict.answer.value), []
                    )
                    if source != conflict.current_source and same_answer(values, conflict.current)
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
        for conflict in self.conflicts(round_name, ConflictStatus.RESOLVED):
            found.setdefault((conflict.item, conflict.answer), []).extend(
                (
                    *(Decided(source, conflict.current) for source in conflict.current_sources),
                    Decided(conflict.incoming_source, conflict.incoming),
                )
            )
        return found

    def resolve(self, resolution: Resolution) -> None:
        """Record a person's decision on open conflicts of one answer: all of it, or
        nothing and LedgerError if another decided one of them in the meantime."""
        with self.transaction() as db:
            late = _resolve(db, resolution, self.actor)
            if late:
                raise already_decided(db, late[0])  # the transaction is rolled back


def _resolve(db: Database, resolution: Resolution, actor: str) -> list[int]:
    """Record a decision; the ids of its conflicts that were closed already."""
    late = close_conflicts(db, resolution.conflict_ids, resolution.how, actor)
    if resolution.values is not None:
        round_name, item = db.execute(
            "SELECT round, item FROM conflicts WHERE conflict_id = ?",
            (resolution.conflict_ids[0],),
        ).fetchone()
        _set_answers(
            db,
            [(round_name, item, f, value) for f, value in resolution.values.items()],
            (resolution.source, resolution.receipt, actor),
        )
    return late


_RECEIPT_COLUMNS = (
    "receipt_id, file, sha256, received_at, issue_id, centre, round, verdict, reason, report, "
    "mail_sha256, mail_from, mail_date, mail_subject, mail_id, received_by"
)
_ANSWER_COLUMNS = (
    "round",
    "item",
    "field",
    "value",
    "source",
    "recorded_at",
    "receipt_id",
    "recorded_by",
)
_CONFLICT_COLUMNS = (
    "conflict_id, round, item, answer, base, current, current_source, incoming, "
    "incoming_source, receipt_id, status, resolution, reason, raised_by, decided_by, resolved_at"
)


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _insert_receipt(db: Database, receipt: ReceiptRecord, actor: str) -> int:
    return db.insert(
        "INSERT INTO receipts (file, sha256, received_at, issue_id, centre, round, verdict, "
        "reason, report, mail_sha256, mail_from, mail_date, mail_subject, mail_id, "
        "received_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            *(dataclasses.astuple(mail) if (mail := receipt.mail) else ("",) * 5),
            actor,
        ),
        "receipt_id",
    )


def _set_answers(
    db: Database,
    answers: Iterable[tuple[str, str, str, str]],
    by: tuple[str, int | None, str],
) -> None:
    """Set (round, item, field, value) answers as current, and keep them in the history;
    `by`: their source, the file they came in (None for none), and the actor."""
    source, receipt_id, actor = by
    now = _now()
    rows = [
        (r, item, field, value, source, now, receipt_id, actor) for r, item, field, value in answers
    ]
    db.executemany(
        db.dialect.replace("answers", _ANSWER_COLUMNS, ("round", "item", "field")),
        rows,
    )
    db.executemany(
        "INSERT INTO answer_history (round, item, field, value, source, recorded_at, "
        "receipt_id, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def _receipt(row: tuple[object, ...]) -> ReceiptRecord:
    """A receipt from its row (_RECEIPT_COLUMNS), its verdict as a Verdict."""
    receipt_id, file, sha256, received_at, issue_id, centre, round_name, verdict = row[:8]
    return ReceiptRecord(
        receipt_id if isinstance(receipt_id, int) else None,
        str(file),
        str(sha256),
        str(received_at),
        None if issue_id is None else str(issue_id),
        None if centre is None else str(centre),
        None if round_name is None else str(round_name),
        Verdict(str(verdict)),
        str(row[8]),
        str(row[9]),
        MailOrigin(*(str(value) for value in row[10:15])) if row[10] else None,
        str(row[15]),
    )
