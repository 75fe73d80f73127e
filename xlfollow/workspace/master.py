"""The workspace's master.xlsx: whether finance has edited it or it is out of date,
merging finance's edits, and writing it anew from the ledger."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from xlfollow.definition.ledgerplace import LedgerPlace
from xlfollow.errors import ValueProblem, WorkspaceError
from xlfollow.figures.summary import Summary, summarise
from xlfollow.ledger.records import ConflictStatus, Verdict
from xlfollow.ledger.status import LedgerRecords, RoundStatus, round_status
from xlfollow.ledger.store import AnswerKey, ConflictRecord, IssueRecord, Ledger
from xlfollow.messages import Text
from xlfollow.model import Definition
from xlfollow.returns.collect import FileReport, Intake, imported_notes
from xlfollow.returns.receiving import AGREEMENT_CHANGED
from xlfollow.workspace.inbox import digest_of, shown
from xlfollow.workspace.issuing import Issuing, MasterContent, write_master_file

__all__ = [
    "current_answers",
    "edited_master",
    "issued_round",
    "master_stale",
    "merge_edits",
    "round_index",
    "round_status_of",
    "write_master",
]


def current_answers(ledger_place: LedgerPlace, definition: Definition) -> dict[AnswerKey, str]:
    """The current answers: notes imported with the agreement, then the ledger's."""
    answers = imported_notes(definition.agreement)
    with Ledger(ledger_place) as ledger:
        answers.update(ledger.answers())
    return answers


def round_index(definition: Definition, round_text: str) -> int:
    """The index of a round given by number or name; WorkspaceError if there is none."""
    try:
        return definition.round_index(round_text)
    except ValueProblem as exc:
        raise WorkspaceError(exc.text) from exc


def issued_round(definition: Definition, issues: list[IssueRecord], round_text: str | None) -> int:
    """The index of the round asked for, or of the latest round issued."""
    if round_text is not None:
        return round_index(definition, round_text)
    rounds = [i.round for i in issues if i.round in definition.agreement.rounds]
    if not rounds:
        raise WorkspaceError(Text("no round has been issued yet; run xlfollow issue first"))
    return max(definition.agreement.rounds.index(r) for r in rounds)


def round_status_of(
    ledger_place: LedgerPlace, definition: Definition, round_text: str | None
) -> tuple[RoundStatus, list[ConflictRecord]]:
    """A round's status (by default the latest issued's), and its open conflicts."""
    with Ledger(ledger_place) as ledger:
        issues = ledger.issues()
        index = issued_round(definition, issues, round_text)
        round_name = definition.agreement.rounds[index]
        receipts = ledger.receipts()
        conflicts = ledger.conflicts(round_name)
    status = round_status(
        definition,
        index,
        LedgerRecords(current_answers(ledger_place, definition), issues, receipts, conflicts),
        datetime.now(UTC).date(),
    )
    return status, conflicts


def master_stale(ledger_place: LedgerPlace, master_path: Path) -> bool:
    """True if a round has been issued and master.xlsx is missing or older than the
    ledger: something it shows changed since it was written (a command was killed,
    or the disk was full, before the master was written), or it is not the master
    last written."""
    with Ledger(ledger_place) as ledger:
        if not ledger.issues():
            return False
        if ledger.master_due():
            return True
        latest = ledger.latest_master(master_path.name)
    return latest is None or digest_of(master_path) != latest.sha256


def edited_master(ledger_place: LedgerPlace, master_path: Path) -> str | None:
    """The digest of master.xlsx if finance has edited it; None if it is as xlfollow
    wrote it, was merged since, or is not there."""
    digest = digest_of(master_path)
    if digest is None:
        return None
    with Ledger(ledger_place) as ledger:
        return None if ledger.known_file(digest) else digest


def merge_edits(
    root: Path, ledger_place: LedgerPlace, definition: Definition, actor: str | None = None
) -> FileReport:
    """Merge finance's edits in the workspace's master.xlsx as finance's return, recorded
    as `actor`'s; its report if they were merged, WorkspaceError saying why and what to
    do if not."""
    path = root / "master.xlsx"
    name = shown(path, root)
    with Ledger(ledger_place, actor) as ledger:
        # Read again even if these bytes were rejected before: what was wrong may
        # have been put right since (the agreement restored, say).
        (report,) = Intake(definition, ledger).receive_all([path], lambda _: name)
    if report.why == AGREEMENT_CHANGED:
        raise WorkspaceError(
            Text(
                "{path} holds edits made before agreement.yaml was changed, and they "
                "can be merged only with the agreement as it was: restore "
                "agreement.yaml, run the command again (the edits are merged), then "
                "change agreement.yaml again; or move {path} out of the workspace to "
                "go on without its edits. Nothing was done.",
                path=str(path),
            )
        )
    if report.verdict is Verdict.ACCEPTED:
        return report
    raise WorkspaceError(
        Text(
            "{path} has been changed since xlfollow wrote it, and its changes cannot "
            "be merged: {why}. It is left as it is, and nothing else was done. Open it, "
            "save it again as .xlsx (Excel Workbook) and run the command again; or, to "
            "go on without its changes, move it out of the workspace, and xlfollow "
            "writes a new one.",
            path=str(path),
            why=report.why or Text("it is not a workbook xlfollow issued"),
        )
    )


def write_master(
    master_path: Path, ledger_place: LedgerPlace, definition: Definition, actor: str | None = None
) -> Summary | None:
    """Write and record the master (issued by `actor`); the summary it shows (None:
    nothing issued)."""
    with Ledger(ledger_place) as ledger:
        issued = ledger.issues()
        if not issued:
            return None
        index = issued_round(definition, issued, None)
        conflicts = tuple(ledger.conflicts())
        decided = tuple(ledger.conflicts(status=ConflictStatus.RESOLVED))
        receipts = tuple(ledger.receipts())
    answers = current_answers(ledger_place, definition)
    summary = summarise(definition, index, answers)
    write_master_file(
        master_path,
        ledger_place,
        Issuing(definition, index, answers, actor=actor),
        MasterContent(summary, conflicts, receipts, decided),
    )
    return summary
