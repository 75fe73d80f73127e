"""Receive one returned file: identify it, check it against its issue, merge it.

Each file is merged completely or not at all (one ledger transaction), and
ends with a verdict: accepted (merged; some cells may be refused or in
conflict), rejected (not merged, with the reason) or duplicate (the same bytes
as a file already merged).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from xlfollow.danish import slug
from xlfollow.ledger.merge import merge_cells
from xlfollow.ledger.mergeplan import Current, MergeBasis, MergePlan, Outcome
from xlfollow.ledger.records import MailOrigin, Verdict
from xlfollow.ledger.store import IssueRecord, Ledger, ReceiptRecord, Resolution
from xlfollow.messages import Text
from xlfollow.model import Definition
from xlfollow.returns.mailfiles import centre_by_address
from xlfollow.returns.masterdecisions import as_decided, master_decisions
from xlfollow.returns.mergereport import FileReport, RefusedCell
from xlfollow.returns.reader import ReturnedWorkbook
from xlfollow.returns.readers import FileRead, read_file

if TYPE_CHECKING:
    from xlfollow.returns.collect import Intake

__all__ = [
    "AGREEMENT_CHANGED",
    "SUPERSEDES_EARLIER",
    "receive_file",
    "record_rejected",
    "sender_from_name",
    "source_label",
]


SUPERSEDES_EARLIER = Text(
    "a correction: a later file from the same centre for the round; what it changes "
    "replaces what was given before, and what it leaves as issued keeps it"
)
"""The note on a file that follows an earlier one from the same centre for the round."""
AGREEMENT_CHANGED = Text(
    "the agreement has changed since this workbook was issued; issue the round "
    "again (xlfollow issue --again) and send the new workbook, or restore the "
    "agreement"
)
"""Why a workbook issued under another agreement is rejected."""


def source_label(centre: str | None) -> str:
    """How a file's answers are named as a source: the centre, or 'master'."""
    return centre or "master"


def sender_from_name(name: str, definition: Definition) -> tuple[str | None, str | None]:
    """Who sent a file xlfollow cannot read, and for which round, as its name tells:
    the centre whose name or code it contains (the longest match wins), and the round
    its workbook's name gives ('...-runde-2.xlsx'); None where it does not tell."""
    stem = f"-{slug(Path(name).stem)}-"
    found: tuple[int, str] | None = None
    for centre in definition.centres:
        for candidate in {slug(centre.name), slug(centre.code)} - {""}:
            if f"-{candidate}-" in stem and (found is None or len(candidate) > found[0]):
                found = (len(candidate), centre.name)
    rounds = definition.agreement.rounds
    number = re.search(r"-(?:runde|round)-?(\d+)-", stem)
    round_name = None
    if number is not None and 1 <= int(number.group(1)) <= len(rounds):
        round_name = rounds[int(number.group(1)) - 1]
    return (found[1] if found else None), round_name


def receive_file(
    path: Path,
    intake: Intake,
    name: str,
    read: FileRead | None = None,
    mail: MailOrigin | None = None,
) -> FileReport:
    """Identify, check and merge one returned file into the ledger; its report.

    `read` is the file as read already (in a reader process), else it is read here;
    `mail` the saved message it came in, kept with its receipt.
    """
    received_at = datetime.now(UTC).isoformat()
    read = read or read_file(path, intake.reading)
    if not read.sha256:
        assert read.problem is not None
        return FileReport(name, "", Verdict.REJECTED, read.problem, mail=mail)
    report = FileReport(name, read.sha256, Verdict.ACCEPTED, mail=mail)
    receiving = _Receiving(intake, read, report, received_at)
    issued = receiving.identified()
    if issued is not None:
        receiving.merge(*issued)
    return receiving.report


class _Receiving:
    """One returned file, read, on its way into the ledger: identified and checked
    against its issue, then merged, or recorded with the verdict that stops it."""

    def __init__(
        self, intake: Intake, read: FileRead, report: FileReport, received_at: str
    ) -> None:
        self.intake = intake
        self.read = read
        self.report = report
        self.received_at = received_at

    def identified(self) -> tuple[IssueRecord, ReturnedWorkbook] | None:
        """The issue the file answers, and the file as read, once it is checked to be
        no duplicate, readable, and issued from this workspace under this agreement;
        None, its verdict recorded, where it is not."""
        ledger, report = self.intake.ledger, self.report
        earlier = ledger.accepted_receipt(report.sha256)
        if earlier is not None:
            report.centre, report.round, report.issue_id = (
                earlier.centre,
                earlier.round,
                earlier.issue_id,
            )
            self.record(
                Verdict.DUPLICATE,
                Text(
                    "the same file as {file}, merged {when}; nothing to do",
                    file=earlier.file,
                    when=earlier.received_at[:16],
                ),
            )
            return None
        returned = self.read.returned
        if returned is None:
            assert self.read.problem is not None
            self.record(Verdict.REJECTED, self.read.problem)
            return None
        issue = self._issue_of(returned.metadata)
        if isinstance(issue, Text):
            self.record(Verdict.REJECTED, issue)
            return None
        return issue, returned

    def _issue_of(self, metadata: dict[str, str]) -> IssueRecord | Text:
        """The issue a file says it answers, its id, centre and round in the report; or
        why the file cannot be merged: the issue is unknown, the file says otherwise than
        its issue, or the agreement changed since."""
        issue = self.intake.ledger.issue(metadata["issue_id"])
        if issue is None:
            return Text(
                "issue id {issue_id} was not issued from this workspace; "
                "send the workbook that was sent to you",
                issue_id=metadata["issue_id"],
            )
        report = self.report
        report.issue_id, report.centre, report.round = issue.issue_id, issue.recipient, issue.round
        if metadata["fingerprint"] != issue.fingerprint or metadata["round"] != issue.round:
            return Text("its identifying data differs from what was issued with its id")
        if issue.fingerprint != self.intake.fingerprint:
            return AGREEMENT_CHANGED
        return issue

    def record(self, verdict: Verdict, reason: Text) -> None:
        """The file's verdict, in its report and the ledger (a file rejected again alike
        is not recorded twice)."""
        report = self.report
        report.verdict, report.why = verdict, reason
        if verdict is Verdict.REJECTED:
            if report.centre is None:
                self._name_sender()
            before = self.intake.ledger.rejected_receipt(report.sha256)
            if before is not None and (
                (before.file, before.centre, before.round, before.reason)
                == (report.path, report.centre, report.round, report.reason)
            ):
                return  # the same file read again, and rejected again alike
        self.intake.ledger.record_receipt(_receipt(report, self.received_at))

    def _name_sender(self) -> None:
        """Name the sender of a rejected file where the file lets us, so `status` can
        tell a centre whose file was rejected from one that sent nothing."""
        definition, report = self.intake.definition, self.report
        metadata = self.read.returned.metadata if self.read.returned is not None else {}
        named, named_round = sender_from_name(report.path, definition)
        if metadata.get("centre") in definition.agreement.centres:
            named = metadata["centre"]
        if metadata.get("round") in definition.agreement.rounds:
            named_round = metadata["round"]
        if named is None and report.mail is not None:
            named = centre_by_address(report.mail, definition)
        report.centre, report.round = named, named_round

    def merge(self, issue: IssueRecord, returned: ReturnedWorkbook) -> None:
        """Merge the file's cells into the round, in one transaction with its receipt
        (and a master's decisions, taken first)."""
        intake, ledger, report = self.intake, self.intake.ledger, self.report
        current = intake.current(issue.round)
        decided = intake.decided(issue.round)
        resolutions: list[Resolution] = []
        if not issue.recipient and returned.decisions:
            # Finance's decisions on the master's Konflikter sheet come first, and its
            # edits are merged against what they decided: an edit of an answer just
            # decided differently is then a conflict, not lost.
            open_now = ledger.conflicts()
            resolutions = master_decisions(report, returned, open_now, intake.definition)
            current, decided = as_decided(resolutions, open_now, issue.round, current, decided)
        base, locked, locked_earlier = intake.issued(issue.issue_id)
        # A later file from the same centre for the round is a correction, whichever of
        # the round's workbooks it came in (a round issued again gives it a second one).
        before = ledger.files_from(issue.recipient, issue.round)
        same_sender = frozenset(receipt for receipt, _ in before)
        source = source_label(issue.recipient)
        late = intake.late(issue.round)
        plan = merge_cells(
            returned.cells,
            MergeBasis(
                base,
                current,
                same_sender,
                ledger.open_conflicts(issue.round),
                locked,
                source=source,
                decided=decided,
                late=late,
                since=before[0][1] if before else "",
            ),
        )
        _report_plan(report, plan, returned, len(same_sender))
        _refuse_earlier(report, returned, locked_earlier, issue.round)
        if late is not None:
            report.notes.append(
                Text(
                    "a workbook for {round}, which is not the current round ({later} has "
                    "been issued since): its answers count for {round}",
                    round=late.round,
                    later=late.later,
                )
            )
        receipt = _receipt(report, self.received_at)
        receipt_id = ledger.record_merge(receipt, issue.round, source, plan, resolutions)
        if resolutions:
            intake.decisions_taken()
        else:
            for key, value in plan.updates.items():
                current[key] = Current(value, source, receipt_id)


def _refuse_earlier(
    report: FileReport,
    returned: ReturnedWorkbook,
    issued: dict[tuple[str, str, str], str],
    round_name: str,
) -> None:
    """An earlier round's answer, shown locked, changed in the file (its protection lifted,
    or finance's master): refused and said, never silently ignored."""
    for cell in returned.earlier:
        was = issued.get((cell.round, cell.item, cell.field))
        if was is None or cell.value == was:
            continue
        report.cells[Outcome.REFUSED.value] += 1
        report.problems.append(
            RefusedCell(
                cell.sheet,
                cell.cell,
                cell.item,
                cell.field,
                cell.value,
                Text(
                    "{sheet}!{cell}: {round}'s answers are shown here locked, and a workbook "
                    "for {current} does not change them; the change is not taken. To change "
                    '{round}\'s, issue it again (xlfollow issue --round "{round}" --again, '
                    "which writes every centre's workbook of it anew), make the change in its "
                    "master (in outbox/), merge that file by naming it, and decide the "
                    "conflict it gives",
                    sheet=cell.sheet,
                    cell=cell.cell,
                    round=cell.round,
                    current=round_name,
                ),
            )
        )


def _report_plan(
    report: FileReport, plan: MergePlan, returned: ReturnedWorkbook, earlier: int
) -> None:
    report.cells = plan.counts()
    report.problems = [
        RefusedCell(
            result.cell.sheet,
            result.cell.cell,
            result.cell.item,
            result.cell.field,
            result.cell.value,
            result.reason,
        )
        for result in plan.results
        if result.outcome is Outcome.REFUSED
    ]
    report.notes = [*returned.tampered, *returned.notes, *report.notes]
    if returned.missing:
        report.notes.append(
            Text(
                "items not found in the file: {items}; they keep their answers",
                items=", ".join(returned.missing),
            )
        )
    if plan.superseded:
        report.notes.append(
            Text(
                "supersedes the earlier file's {count} open conflict(s)",
                count=len(plan.superseded),
            )
        )
    if earlier:
        # Said whether or not a value changed: a later file of the same issue wins.
        report.notes.append(SUPERSEDES_EARLIER)


def record_rejected(ledger: Ledger, report: FileReport) -> None:
    """Record a file rejected before any workbook in it was read (a saved message with
    none attached, or none xlfollow can open); the same file rejected alike before is
    not recorded again."""
    before = ledger.rejected_receipt(report.sha256)
    if before is None or (before.file, before.reason) != (report.path, report.reason):
        ledger.record_receipt(_receipt(report, datetime.now(UTC).isoformat()))


def _receipt(report: FileReport, received_at: str) -> ReceiptRecord:
    summary: dict[str, object] = {
        "cells": report.cells,
        "problems": [problem.to_json() for problem in report.problems],
        "notes": [str(note) for note in report.notes],
    }
    if report.why is not None:
        summary["reason_text"] = report.why.to_json()
    # What the master's Modtaget sheet says of the file, in the workspace's language.
    details = [problem.why for problem in report.problems] + report.notes
    if details:
        summary["details_text"] = [detail.to_json() for detail in details]
    return ReceiptRecord(
        None,
        report.path,
        report.sha256,
        received_at,
        report.issue_id,
        report.centre,
        report.round,
        report.verdict,
        report.reason,
        json.dumps(summary, ensure_ascii=False),
        report.mail,
    )
