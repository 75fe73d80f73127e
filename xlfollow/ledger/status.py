"""Where a round stands, per centre: computed from the ledger's records, no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from xlfollow.answers import Field
from xlfollow.ledger.records import Verdict
from xlfollow.ledger.store import AnswerKey, ConflictRecord, IssueRecord, ReceiptRecord
from xlfollow.model import Definition

__all__ = ["CentreStatus", "LedgerRecords", "RoundStatus", "round_status"]


@dataclass(frozen=True)
class CentreStatus:
    """Where one centre stands in a round."""

    centre: str
    email: str
    issued: tuple[str, ...]
    """The files issued to it for the round."""
    received: tuple[str, ...]
    """The files received from it for the round, with their verdicts."""
    rejected: int
    """How many of them were rejected."""
    answered: int
    missing: tuple[str, ...]
    """Smileys not given yet: 'item milestone' or 'item economy'."""
    conflicts: int
    overdue: bool
    merged_by: tuple[str, ...] = ()
    """Who merged or rejected its files for the round ('anna@OEKPC042'), each once, in
    the order they first did; '' for a file received before the ledger said who."""


@dataclass(frozen=True)
class RoundStatus:
    """Where a round stands: per centre, and the deadline."""

    round: str
    deadline: str
    centres: tuple[CentreStatus, ...]


@dataclass(frozen=True)
class LedgerRecords:
    """What the ledger holds that a round's status is computed from."""

    answers: Mapping[AnswerKey, str]
    """The accepted answers, by (round, item, field)."""
    issues: Sequence[IssueRecord]
    """Every workbook issued, of every round."""
    receipts: Sequence[ReceiptRecord]
    """Every file received, of every round."""
    conflicts: Sequence[ConflictRecord]
    """The open conflicts (those of other rounds are not counted)."""


def round_status(
    definition: Definition, round_index: int, ledger: LedgerRecords, today: date
) -> RoundStatus:
    """Per centre: files issued and received, smileys answered and missing (a milestone
    smiley where the item has a milestone this round, and the economy smiley), open
    conflicts, and overdue when the deadline has passed with smileys missing."""
    answers, issues, conflicts = ledger.answers, ledger.issues, ledger.conflicts
    round_name = definition.agreement.rounds[round_index]
    deadline = definition.rounds[round_index].deadline
    late = deadline is not None and today > deadline
    received_from, received_until = _period(round_name, definition.agreement.rounds, issues)
    ours = [
        r
        for r in ledger.receipts
        if r.round == round_name
        # An unreadable file is silent about its round: it counts for the round that
        # was the latest issued when it came.
        or (r.round is None and received_from <= r.received_at[:19] < received_until)
    ]
    centres = []
    for centre in definition.centres:
        items = definition.agreement.items_of(centre.name)
        missing = []
        for item in items:
            if item.milestone(round_name) and not answers.get(
                (round_name, item.number, Field.MILESTONE)
            ):
                missing.append(f"{item.number} milestone")
            if not answers.get((round_name, item.number, Field.ECONOMY)):
                missing.append(f"{item.number} economy")
        needed = sum(1 for item in items if item.milestone(round_name)) + len(items)
        numbers = {item.number for item in items}
        mine = [r for r in ours if r.centre == centre.name]
        centres.append(
            CentreStatus(
                centre=centre.name,
                email=centre.email,
                issued=tuple(
                    i.file for i in issues if i.round == round_name and i.recipient == centre.name
                ),
                received=tuple(f"{r.file} ({r.verdict})" for r in mine),
                rejected=sum(1 for r in mine if r.verdict is Verdict.REJECTED),
                answered=needed - len(missing),
                missing=tuple(missing),
                conflicts=sum(1 for c in conflicts if c.round == round_name and c.item in numbers),
                overdue=late and bool(missing),
                merged_by=tuple(dict.fromkeys(r.received_by for r in mine)),
            )
        )
    return RoundStatus(
        round_name,
        deadline.isoformat() if deadline else "",
        tuple(c for c in centres if c.issued or c.missing),
    )


def _period(
    round_name: str, rounds: Sequence[str], issues: Sequence[IssueRecord]
) -> tuple[str, str]:
    """From when to when (ISO 8601, to the second, UTC) a round was the latest issued:
    from its first issue to the next round's first; empty if it was never issued."""
    first: dict[str, str] = {}
    for issue in issues:
        if issue.round in rounds:
            first.setdefault(issue.round, issue.issued_at[:19])
    if round_name not in first:
        return "", ""
    later = [first[name] for name in rounds[rounds.index(round_name) + 1 :] if name in first]
    return first[round_name], min(later, default="9999")
