"""What the ledger records of the messages `fetch` took from a mailbox: each one once,
whether its workbooks were saved into inbox/ or it had none, so none is fetched twice.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from enum import StrEnum

from xlfollow.ledger.connection import LedgerConnection

__all__ = ["FetchLog", "FetchOutcome", "FetchedRecord", "MailboxPlace"]


class FetchOutcome(StrEnum):
    """What became of a message in the mailbox."""

    SAVED = "saved"
    """It had a workbook attached: saved as .eml into inbox/, and merged from there."""
    NO_WORKBOOK = "no_workbook"
    """No spreadsheet attached: said, not saved."""
    UNREADABLE = "unreadable"
    """No message xlfollow can take apart: said, not saved."""
    TOO_LARGE = "too_large"
    """Larger than a reply with a workbook: said, not downloaded."""
    DUPLICATE = "duplicate"
    """The same message (Message-ID, or bytes) as one fetched before."""


@dataclass(frozen=True)
class MailboxPlace:
    """Where a message lies: the server (user@host), folder, its UIDVALIDITY and UID."""

    server: str
    folder: str
    uidvalidity: int
    uid: int


@dataclass(frozen=True)
class FetchedRecord:
    """A message taken from a mailbox, and what became of it."""

    place: MailboxPlace
    message_id: str
    """As its header gives it; '' if it has none."""
    sha256: str
    """The digest of its bytes; '' for one not downloaded (too large)."""
    sender: str
    date: str
    subject: str
    outcome: FetchOutcome
    saved_as: str
    """The .eml in inbox/ it was saved as; '' if not saved."""
    fetched_at: str


class FetchLog(LedgerConnection):
    """An open ledger's record of the messages fetched from a mailbox."""

    def record_fetched(self, record: FetchedRecord) -> None:
        """Record a message taken from a mailbox."""
        place = astuple(record.place)
        with self.transaction() as db:
            db.execute(
                "INSERT INTO fetched (server, folder, uidvalidity, uid, message_id, sha256, "
                "sender, date, subject, outcome, saved_as, fetched_at, fetched_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    *place,
                    record.message_id,
                    record.sha256,
                    record.sender,
                    record.date,
                    record.subject,
                    record.outcome.value,
                    record.saved_as,
                    record.fetched_at,
                    self.actor,
                ),
            )

    def fetched_at_place(self, place: MailboxPlace) -> bool:
        """True if the message at this place (same UIDVALIDITY) was taken before."""
        row = self.db.execute(
            "SELECT 1 FROM fetched WHERE server = ? AND folder = ? AND uidvalidity = ? "
            "AND uid = ? LIMIT 1",
            astuple(place),
        ).fetchone()
        return row is not None

    def fetched_message(self, message_id: str = "", sha256: str = "") -> FetchedRecord | None:
        """The first message taken with this Message-ID (or, without one, these bytes)."""
        if message_id:
            where, key = "message_id = ?", message_id
        elif sha256:
            where, key = "sha256 = ?", sha256
        else:
            return None
        row = self.db.execute(
            f"SELECT {_COLUMNS} FROM fetched WHERE {where} ORDER BY fetch_id LIMIT 1", (key,)
        ).fetchone()
        return None if row is None else _record(row)

    def fetched(self) -> list[FetchedRecord]:
        """Every message taken from a mailbox, oldest first."""
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM fetched ORDER BY fetch_id")
        return [_record(row) for row in rows]


_COLUMNS = (
    "server, folder, uidvalidity, uid, message_id, sha256, sender, date, subject, outcome, "
    "saved_as, fetched_at"
)


def _record(row: tuple[str | int, ...]) -> FetchedRecord:
    server, folder, validity, uid, message_id, sha256, sender, date, subject = row[:9]
    outcome, saved_as, fetched_at = row[9:]
    return FetchedRecord(
        MailboxPlace(str(server), str(folder), int(validity), int(uid)),
        str(message_id),
        str(sha256),
        str(sender),
        str(date),
        str(subject),
        FetchOutcome(str(outcome)),
        str(saved_as),
        str(fetched_at),
    )
