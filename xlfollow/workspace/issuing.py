"""Writing a round's workbooks and the master, and recording each as an issue.

The ledger records every workbook written, with the value of every cell it lets
its recipient fill in: the base a returned copy is merged against.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from importlib.metadata import version
from pathlib import Path

from xlfollow.danish import slug
from xlfollow.definition.fingerprint import fingerprint
from xlfollow.definition.ledgerplace import LedgerPlace
from xlfollow.errors import WorkspaceError
from xlfollow.figures.summary import Summary
from xlfollow.files import ensure_replaceable, write_atomically
from xlfollow.ledger.store import AnswerKey, ConflictRecord, IssueRecord, Ledger, ReceiptRecord
from xlfollow.messages import Text
from xlfollow.model import Definition, Progress
from xlfollow.texts import texts
from xlfollow.workbooks.layout import LAYOUT_VERSION
from xlfollow.workbooks.spec import IssuedWorkbook, Recipient, WorkbookSpec
from xlfollow.workbooks.writer import write_round, write_workbook

__all__ = [
    "IssueResult",
    "IssuedFile",
    "Issuing",
    "MasterContent",
    "issue_record",
    "issue_round",
    "issue_spec",
    "recipients",
    "write_master_file",
]


@dataclass(frozen=True)
class IssuedFile:
    """One workbook written for a round."""

    recipient: str
    """The centre's name, or '' for the master."""
    path: Path
    items: int
    editable_cells: int
    issue_id: str


@dataclass(frozen=True)
class IssueResult:
    """What `issue` wrote for a round."""

    round: str
    folder: Path
    files: tuple[IssuedFile, ...]


def _now() -> datetime:
    """Now, in UTC, to the second, as the workbooks' properties hold it."""
    return datetime.now(UTC).replace(microsecond=0, tzinfo=None)


@dataclass(frozen=True)
class Issuing:
    """What the workbooks issued at one time are made from: the definition, the round,
    the answers so far, and when."""

    definition: Definition
    round_index: int
    answers: dict[AnswerKey, str]
    issued_at: datetime = field(default_factory=_now)
    actor: str | None = None
    """Who issues them ('anna@OEKPC042'); None: this process's user and machine."""

    @cached_property
    def fingerprint(self) -> str:
        """The agreement's fingerprint, which every workbook carries."""
        return fingerprint(self.definition.agreement)


@dataclass(frozen=True)
class MasterContent:
    """What the master shows besides the chapters: the round's summary, the open and
    the decided conflicts (Konflikter) and the files received (Modtaget)."""

    summary: Summary
    conflicts: tuple[ConflictRecord, ...]
    receipts: tuple[ReceiptRecord, ...]
    decided: tuple[ConflictRecord, ...] = ()


def issue_round(
    root: Path, ledger_place: LedgerPlace, issuing: Issuing, progress: Progress | None = None
) -> IssueResult:
    """Write the master and each centre's workbook of a round into outbox/round-N/
    of the workspace at root, and record them; a centre with nothing to answer gets none.
    `progress`, if given, is told (workbooks done, workbooks in all) after each."""
    definition, round_index = issuing.definition, issuing.round_index
    round_name = definition.agreement.rounds[round_index]
    folder = root / "outbox" / f"round-{round_index + 1}"
    every = recipients(definition, round_index)
    for recipient in every:
        ensure_replaceable(folder / recipient.file_name)
    specs = [issue_spec(issuing, recipient) for recipient in every]
    written: list[tuple[IssuedFile, IssueRecord, IssuedWorkbook]] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        workers = min(4, os.cpu_count() or 1)
        for done, (spec, book) in enumerate(zip(specs, write_round(specs, workers), strict=True)):
            if progress is not None:
                progress(done + 1, len(specs))
            recipient = spec.recipient
            if not recipient.is_master and not book.cells:
                continue  # nothing for this centre to answer
            file = folder / recipient.file_name
            write_atomically(file, book.content)
            record = issue_record(spec, str(file.relative_to(root)), book.content)
            issued = IssuedFile(recipient.name, file, book.items, len(book.cells), spec.issue_id)
            written.append((issued, record, book))
    except OSError as exc:
        raise WorkspaceError(
            Text("{path}: cannot write the workbooks: {why}", path=str(folder), why=str(exc))
        ) from exc
    try:
        with Ledger(ledger_place, issuing.actor) as ledger:
            ledger.record_issues((record, b.cells, b.locked, b.earlier) for _, record, b in written)
    except BaseException:
        # A workbook the ledger does not know could never be merged: remove it.
        for issued, _, _ in written:
            issued.path.unlink(missing_ok=True)
        raise
    return IssueResult(round_name, folder, tuple(issued for issued, _, _ in written))


def write_master_file(
    path: Path, ledger_place: LedgerPlace, issuing: Issuing, content: MasterContent
) -> None:
    """Write master.xlsx at path (the summary sheets, the chapters, Konflikter and
    Modtaget) and record it as an issue, so that it can be edited and merged back."""
    spec = dataclasses.replace(
        issue_spec(issuing, Recipient("", "master", path.name)),
        conflicts=content.conflicts,
        decided=content.decided,
        receipts=content.receipts,
        master_sheets=True,
        summary=content.summary,
    )
    book = write_workbook(spec)
    record = issue_record(spec, path.name, book.content)
    # Recorded before it is written: a master on disk that the ledger does not know
    # is taken for one finance has edited, so a write the ledger missed (a kill
    # between the two) must never happen.
    with Ledger(ledger_place, issuing.actor) as ledger:
        ledger.record_issue(record, book.cells, book.locked, book.earlier)
        try:
            write_atomically(path, book.content)
        except OSError as exc:
            if not _holds(path, record.sha256):  # not written after all (else kept)
                ledger.forget_issue(record.issue_id)
            raise WorkspaceError(
                Text(
                    "{path} cannot be written ({why}). What the command merged or decided "
                    "is kept in the ledger; once the file can be written (closed in Excel, "
                    "say, or the disk has room), the next xlfollow merge or summary writes "
                    "it anew.",
                    path=str(path),
                    why=exc.strerror or str(exc),
                )
            ) from exc
        ledger.master_written()


def _holds(path: Path, sha256: str) -> bool:
    """True if a file holds these very bytes (a write that failed after its rename)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    except OSError:
        return False


def issue_spec(issuing: Issuing, recipient: Recipient) -> WorkbookSpec:
    """What a recipient's workbook is made from, with a new issue id."""
    definition = issuing.definition
    return WorkbookSpec(
        definition=definition,
        round_index=issuing.round_index,
        recipient=recipient,
        issue_id=uuid.uuid4().hex,
        issued_at=issuing.issued_at,
        answers=issuing.answers,
        contributors=definition.settings.contributors,
        password=definition.settings.password,
        reply_to=definition.settings.reply_to,
        fingerprint=issuing.fingerprint,
        tool_version=version("xlfollow"),
    )


def issue_record(spec: WorkbookSpec, file: str, content: bytes) -> IssueRecord:
    """The ledger's record of a workbook written from a spec."""
    return IssueRecord(
        issue_id=spec.issue_id,
        round=spec.definition.agreement.rounds[spec.round_index],
        recipient=spec.recipient.name,
        file=file,
        sha256=hashlib.sha256(content).hexdigest(),
        issued_at=spec.issued_at.isoformat(),
        fingerprint=spec.fingerprint,
        layout_version=LAYOUT_VERSION,
    )


def recipients(definition: Definition, round_index: int) -> list[Recipient]:
    """The master and every centre, with file names for a round that sort, survive
    email, and name the round, so two quarters' files never overwrite each other in
    an inbox or on a centre's drive: 03-social-og-sundhed-runde-2.xlsx."""
    words = texts(definition.settings.language)
    suffix = f"-{slug(words['file_round'])}-{round_index + 1}.xlsx"
    found = [Recipient("", "master", f"master{suffix}")]
    used = {"master"}
    for number, centre in enumerate(definition.centres, 1):
        stem = f"{number:02d}-{slug(centre.name) or centre.code.lower()}"
        while stem in used:
            stem += "-x"
        used.add(stem)
        found.append(Recipient(centre.name, centre.code, f"{stem}{suffix}"))
    return found
