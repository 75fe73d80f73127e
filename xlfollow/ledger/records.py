"""What the ledger holds, as plain records: workbooks issued, files received,
conflicts and their decisions, messages sent."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from xlfollow.answers import FIELDS, Answer, Field
from xlfollow.messages import Text

__all__ = [
    "AnswerKey",
    "ConflictRecord",
    "ConflictStatus",
    "IssueRecord",
    "IssuedSets",
    "MailOrigin",
    "MessageRecord",
    "ReceiptRecord",
    "Resolution",
    "Verdict",
    "conflict_from_row",
    "packed",
    "same_answer",
    "unpacked",
]


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


AnswerKey = tuple[str, str, Field]
"""(round name, item number, field)."""


class IssuedSets(NamedTuple):
    """An issue's answer cells as issued."""

    editable: dict[tuple[str, Field], str]
    """By (item, field): the base a returned copy is merged against."""
    locked: dict[tuple[str, Field], str]
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


@dataclass(frozen=True)
class Resolution:
    """A person's decision on the open conflicts of one answer: the current answer kept
    (`values` None), or `values` taken, by field, recorded as from `source` and the
    file `receipt` they came in (so that a correction from that file's sender
    supersedes them; None for values a person typed)."""

    conflict_ids: tuple[int, ...]
    how: str
    values: Mapping[Field, str] | None = None
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


class Verdict(StrEnum):
    """What became of a received file."""

    ACCEPTED = "accepted"
    """Merged (some of its cells may still be refused or in conflict)."""
    REJECTED = "rejected"
    """Not merged; the reason says why and what to do."""
    DUPLICATE = "duplicate"
    """The same bytes as a file merged before: nothing to do."""
    ALREADY_REJECTED = "already_rejected"
    """The same bytes as a file rejected before, still in inbox/: said again, not
    recorded again. Named on the command line, a file is read again instead."""


@dataclass(frozen=True)
class MailOrigin:
    """The saved message (.eml, .msg) a workbook came in: the message file's digest, and its
    From, Date, Subject and Message-ID headers as written, or a .msg's properties for them
    ('' where it has none)."""

    sha256: str
    sender: str
    date: str
    subject: str
    message_id: str


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
    verdict: Verdict
    reason: str
    report: str
    """The file's merge report as JSON."""
    mail: MailOrigin | None = None
    """The message the file came in; None for a file that came alone."""
    received_by: str = ""
    """Who merged or rejected it ('anna@OEKPC042'), as the ledger recorded it: the
    ledger's actor; '' for a file received before ledger schema 10."""


class ConflictStatus(StrEnum):
    """Where a conflict stands."""

    OPEN = "open"
    """Waiting for a person."""
    RESOLVED = "resolved"
    """Decided by a person (`resolution` says how)."""
    SUPERSEDED = "superseded"
    """Closed by a correction from the file's sender."""


@dataclass(frozen=True)
class ConflictRecord:
    """A conflict between the ledger's answer and a received one."""

    conflict_id: int
    round: str
    item: str
    answer: Answer
    base: Mapping[Field, str]
    """The answer as issued, by field (milestone, milestone_note, ...)."""
    current: Mapping[Field, str]
    current_source: str
    incoming: Mapping[Field, str]
    incoming_source: str
    receipt_id: int
    """The received file whose answer conflicted."""
    status: ConflictStatus
    resolution: str
    reason: Text | None = None
    """Why it is a conflict; None for one recorded before ledger schema 6."""
    concurring: tuple[str, ...] = ()
    """Other sources whose last answer is the current one: a person deciding sees them."""
    raised_by: str = ""
    """Who merged the file that raised it ('anna@OEKPC042'); '' before ledger schema 10."""
    decided_by: str = ""
    """Who decided it, or merged the correction that superseded it; '' while it is open,
    and for one closed before ledger schema 10."""
    decided_at: str = ""
    """When it was decided or superseded (ISO 8601, UTC); '' while it is open."""

    @property
    def current_sources(self) -> tuple[str, ...]:
        """Every source that gives the current answer, its own source first."""
        return (self.current_source, *self.concurring)


def conflict_from_row(row: tuple[object, ...]) -> ConflictRecord:
    """A conflict as the ledger's row of it holds it."""
    cid, round_name, item, answer, base, current, c_source, incoming, i_source, *rest = row
    receipt, status, resolution, reason, raised_by, decided_by, decided_at = rest
    return ConflictRecord(
        int(str(cid)),
        str(round_name),
        str(item),
        Answer(str(answer)),
        unpacked(base),
        unpacked(current),
        str(c_source),
        unpacked(incoming),
        str(i_source),
        int(str(receipt)),
        ConflictStatus(str(status)),
        str(resolution),
        Text.from_json(json.loads(str(reason))) if reason else None,
        raised_by=str(raised_by),
        decided_by=str(decided_by),
        decided_at=str(decided_at),
    )


def same_answer(values: Mapping[Field, str], other: Mapping[Field, str]) -> bool:
    """True if two answers agree on the fields both have (one may be partial)."""
    shared = [name for name in values if name in other]
    return bool(shared) and all(values[name] == other[name] for name in shared)


def packed(values: Mapping[Field, str]) -> str:
    """An answer's values by field, as the ledger keeps them: a JSON object."""
    return json.dumps(dict(values), ensure_ascii=False)


def unpacked(text: object) -> dict[Field, str]:
    """An answer's values by field from the ledger's JSON object."""
    values = json.loads(str(text))
    return {FIELDS[str(key)]: str(value) for key, value in values.items()}
