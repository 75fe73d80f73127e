"""What the ledger records of what went out: the workbooks issued with the value of
every answer cell they carried, whether master.xlsx shows the ledger as it is,
and the messages sent.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable

from xlfollow.answers import FIELDS, Field
from xlfollow.ledger.connection import LedgerConnection
from xlfollow.ledger.database import Database
from xlfollow.ledger.records import IssuedSets, IssueRecord, MessageRecord

__all__ = ["IssueLog"]


class IssueLog(LedgerConnection):
    """An open ledger's record of issues and messages; Ledger adds answers, files
    received and conflicts."""

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

    def _insert_issue(
        self,
        db: Database,
        issue: IssueRecord,
        cells: Iterable[tuple[str, str, str]],
        shown: Iterable[tuple[str, str, str]],
        earlier: Iterable[tuple[str, str, str, str]] = (),
    ) -> None:
        db.execute(
            f"INSERT INTO issues ({_ISSUE_COLUMNS}, issued_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                issue.issue_id,
                issue.round,
                issue.recipient,
                issue.file,
                issue.sha256,
                issue.issued_at,
                issue.fingerprint,
                issue.layout_version,
                self.actor,
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
            for issue, cells, locked, earlier in issues:
                self._insert_issue(db, issue, cells, locked, earlier)

    def forget_issue(self, issue_id: str) -> None:
        """Remove an issue whose workbook could not be written after all (nothing can
        have been received against it)."""
        with self.transaction() as db:
            db.execute("DELETE FROM issued_sets WHERE issue_id = ?", (issue_id,))
            db.execute("DELETE FROM issues WHERE issue_id = ?", (issue_id,))

    def issues(self, round_name: str | None = None) -> list[IssueRecord]:
        """The workbooks issued, oldest first; those of one round if it is given."""
        query = f"SELECT {_ISSUE_COLUMNS} FROM issues"
        args: tuple[str, ...] = ()
        if round_name is not None:
            query += " WHERE round = ?"
            args = (round_name,)
        rows = self.db.execute(query + " ORDER BY issued_at, rowid", args).fetchall()
        return [IssueRecord(*row) for row in rows]

    def issue(self, issue_id: str) -> IssueRecord | None:
        """The issue with this id, if there is one."""
        row = self.db.execute(
            f"SELECT {_ISSUE_COLUMNS} FROM issues WHERE issue_id = ?", (issue_id,)
        ).fetchone()
        return IssueRecord(*row) if row else None

    def issued_cells(self, issue_id: str, editable: bool = True) -> dict[tuple[str, Field], str]:
        """The value of each editable cell as issued (or, with editable=False, of each
        answer cell shown locked), by (item, field)."""
        issued = self.issued_sets(issue_id)
        return issued.editable if editable else issued.locked

    def issued_sets(self, issue_id: str) -> IssuedSets:
        """An issue's answer cells as issued."""
        row = self.db.execute(
            "SELECT cells FROM issued_sets WHERE issue_id = ?", (issue_id,)
        ).fetchone()
        if row is not None:
            packed = json.loads(zlib.decompress(row[0]).decode("utf-8"))
            return IssuedSets(
                {(item, FIELDS[field]): value for item, field, value in packed["editable"]},
                {(item, FIELDS[field]): value for item, field, value in packed["shown"]},
                {
                    (round_name, item, FIELDS[field]): value
                    for round_name, item, field, value in packed.get("earlier", [])
                },
            )
        found = IssuedSets({}, {}, {})
        rows = self.db.execute(  # an issue recorded before schema 4
            "SELECT item, field, value, editable FROM issued_cells WHERE issue_id = ?",
            (issue_id,),
        )
        for item, field, value, editable in rows:
            (found.editable if editable else found.locked)[(item, FIELDS[field])] = value
        return found

    def master_due(self) -> bool:
        """True if something master.xlsx shows has changed since it was last written."""
        found = self.db.execute("SELECT 1 FROM meta WHERE key = 'master_due'").fetchone()
        return found is not None

    def latest_master(self, file: str) -> IssueRecord | None:
        """The master last recorded as written to `file` (a name in the workspace)."""
        row = self.db.execute(
            f"SELECT {_ISSUE_COLUMNS} FROM issues WHERE recipient = '' AND file = ? "
            "ORDER BY issued_at DESC, rowid DESC LIMIT 1",
            (file,),
        ).fetchone()
        return IssueRecord(*row) if row else None

    def master_written(self) -> None:
        """Record that master.xlsx, just written, shows the ledger as it is."""
        with self.transaction() as db:
            db.execute("DELETE FROM meta WHERE key = 'master_due'")

    def record_message(self, message: MessageRecord) -> None:
        """Record a message a mail server has taken."""
        with self.transaction() as db:
            db.execute(
                f"INSERT INTO messages ({_MESSAGE_COLUMNS}, sent_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    message.message_id,
                    message.kind,
                    message.round,
                    message.centre,
                    message.address,
                    message.issue_id,
                    message.sent_at,
                    self.actor,
                ),
            )

    def messages(self, round_name: str | None = None) -> list[MessageRecord]:
        """The messages sent, oldest first; those of one round if it is given."""
        query = f"SELECT {_MESSAGE_COLUMNS} FROM messages"
        args: tuple[str, ...] = ()
        if round_name is not None:
            query, args = query + " WHERE round = ?", (round_name,)
        rows = self.db.execute(query + " ORDER BY sent_at, rowid", args).fetchall()
        return [MessageRecord(*row) for row in rows]


_ISSUE_COLUMNS = "issue_id, round, recipient, file, sha256, issued_at, fingerprint, layout_version"
_MESSAGE_COLUMNS = "message_id, kind, round, centre, address, issue_id, sent_at"
