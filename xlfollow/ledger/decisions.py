"""Closing conflicts, once: a conflict decided (or superseded) by one person is not
decided again by another who read it open a moment before. Each conflict is closed by
an UPDATE that only matches it while it is open; on PostgreSQL a second transaction's
UPDATE waits for the first's row lock and then finds it closed, on SQLite writers are
one at a time. What was decided already is said with who decided it and when."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from xlfollow.errors import LedgerError
from xlfollow.ledger.database import Database
from xlfollow.messages import Text

__all__ = ["already_decided", "close_conflicts", "when_said"]


def close_conflicts(db: Database, conflict_ids: Iterable[int], how: str, actor: str) -> list[int]:
    """Mark open conflicts resolved, `how` and by `actor`; the ids of those that were
    not open any more (left as they were)."""
    now = datetime.now(UTC).isoformat()
    late = []
    for cid in conflict_ids:
        closed = db.execute(
            "UPDATE conflicts SET status = 'resolved', resolution = ?, resolved_at = ?, "
            "decided_by = ? WHERE conflict_id = ? AND status = 'open' RETURNING conflict_id",
            (how, now, actor, cid),
        ).fetchone()
        if closed is None:
            late.append(cid)
    return late


def already_decided(db: Database, conflict_id: int) -> LedgerError:
    """The error for a decision on a conflict closed in the meantime: by whom and when."""
    row = db.execute(
        "SELECT item, resolution, decided_by, resolved_at FROM conflicts WHERE conflict_id = ?",
        (conflict_id,),
    ).fetchone()
    item, how, who, when = row if row else ("?", "", "", "")
    return LedgerError(
        Text(
            "item {item}: the conflict was already decided by {who} at {when} ({how}); "
            "your decision was not recorded. xlfollow status shows the answer that stands",
            item=str(item),
            who=str(who or "?"),
            when=when_said(str(when or "")),
            how=str(how or ""),
        )
    )


def when_said(moment: str) -> str:
    """An ISO 8601 moment in UTC as this machine's local date and time to the minute."""
    try:
        return datetime.fromisoformat(moment).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return moment or "?"
