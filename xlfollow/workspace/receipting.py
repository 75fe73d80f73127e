"""Receipts to the senders of a merge's files, made from each file's report, and what a
reminder lists of a centre's files: values refused and files rejected."""

from __future__ import annotations

import json
from collections.abc import Sequence
from email.utils import parseaddr
from pathlib import Path

from xlfollow.ledger.records import MailOrigin, ReceiptRecord, Verdict
from xlfollow.ledger.store import Ledger
from xlfollow.mail.mailing import MailReport
from xlfollow.mail.receipts import FileReceipt, ReceiptJob, deliver_receipts, receipted
from xlfollow.mail.troubles import Advice, RefusedValue, RejectedFile, Troubles
from xlfollow.messages import Text
from xlfollow.model import Definition
from xlfollow.returns.collect import FileReport, MergeReport
from xlfollow.returns.scan import SAVE_AS_XLSX

__all__ = ["advice_for", "file_receipts", "send_receipts", "sent_name", "troubles_of"]

_RECEIPTED = (Verdict.ACCEPTED, Verdict.REJECTED, Verdict.DUPLICATE)
"""The verdicts of a file recorded as received; a file rejected before and said again
(already_rejected) was receipted when it first came."""


def send_receipts(job: ReceiptJob, report: MergeReport) -> MailReport:
    """A receipt for each file of a merge that was recorded as received and has none yet
    (finance's master.xlsx gets none): written, sent or said as the job says."""
    with Ledger(job.ledger_place) as ledger:
        receipts = file_receipts(job.definition, ledger, report, receipted(ledger, job.drafts))
    return deliver_receipts(job, receipts)


def file_receipts(
    definition: Definition, ledger: Ledger, report: MergeReport, done: set[int]
) -> list[FileReceipt]:
    """What the receipt of each file of a merge says, for the files the ledger recorded
    and whose receipt (by its id) is not among `done`."""
    rows: dict[tuple[str, str, str], ReceiptRecord] = {}
    for recorded in ledger.receipts():  # oldest first: the latest recorded wins
        rows[(recorded.file, recorded.sha256, recorded.verdict)] = recorded
    rounds = definition.agreement.rounds
    issued = [rounds.index(issue.round) for issue in ledger.issues() if issue.round in rounds]
    latest = rounds[max(issued)] if issued else ""
    found = []
    for file in report.files:
        row = rows.get((file.path, file.sha256, file.verdict))
        if file.verdict not in _RECEIPTED or file.centre == "" or row is None:
            continue  # said again, finance's master, or not recorded (nothing of it read)
        assert row.receipt_id is not None
        if row.receipt_id in done:
            continue
        done.add(row.receipt_id)
        round_name = file.round or latest
        earlier = (
            round_name in rounds and latest and rounds.index(round_name) < rounds.index(latest)
        )
        found.append(
            FileReceipt(
                receipt_id=row.receipt_id,
                file=sent_name(file.path, file.mail),
                verdict=file.verdict,
                centre=file.centre,
                round=round_name,
                address=_address(file, definition),
                issue_id=file.issue_id,
                cells=dict(file.cells),
                refused=tuple(RefusedValue(p.sheet, p.cell, p.item, p.why) for p in file.problems),
                rejected=_rejected(file.path, file.why, file.mail)
                if file.verdict is Verdict.REJECTED and file.why is not None
                else None,
                later=latest if earlier and file.verdict is Verdict.ACCEPTED else None,
                message=file.mail is not None and " · " not in file.path,
            )
        )
    return found


def sent_name(path: str, mail: MailOrigin | None = None) -> str:
    """A received file's name as its sender knows it: the attachment's name for a
    workbook that came in a saved message ('inbox/SV.eml · sos.xlsx'), the subject of
    a message rejected whole (the name it was saved under is finance's)."""
    if mail is not None and mail.subject and " · " not in path:
        return mail.subject
    return Path(path.rpartition(" · ")[2]).name


def advice_for(why: Text, path: str, mail: MailOrigin | None) -> Advice:
    """What the sender of a rejected file is told to do: save it as .xlsx where that puts
    it right, attach the workbook where a message came without one."""
    if why.template in SAVE_AS_XLSX:
        return Advice.SAVE_AS_XLSX
    if mail is not None and " · " not in path:
        return Advice.ATTACH  # the message itself was rejected: no workbook in it
    return Advice.OTHER


def _rejected(path: str, why: Text, mail: MailOrigin | None) -> RejectedFile:
    return RejectedFile(sent_name(path), why, advice_for(why, path, mail))


def _address(file: FileReport, definition: Definition) -> str:
    """Where a file's receipt goes: the address its message came from, else its centre's."""
    if file.mail is not None:
        address = parseaddr(file.mail.sender)[1]
        if "@" in address:
            return address
    centre = definition.settings.centres.get(file.centre or "")
    return centre.email if centre is not None else ""


def troubles_of(
    receipts: Sequence[ReceiptRecord], round_name: str, since: str
) -> dict[str, Troubles]:
    """Per centre what a reminder for a round lists besides what is missing: the values
    refused from its latest file merged for the round, and its files rejected after
    that one (those of no known round only if received `since`, the round's issue)."""
    found: dict[str, Troubles] = {}
    latest: dict[str, ReceiptRecord] = {}
    for receipt in receipts:
        if receipt.centre and receipt.round == round_name and receipt.verdict is Verdict.ACCEPTED:
            latest[receipt.centre] = receipt
    for name, receipt in latest.items():
        found[name] = Troubles(refused=_refused(receipt))
    for receipt in receipts:
        centre = receipt.centre
        if centre is None or not centre or receipt.verdict is not Verdict.REJECTED:
            continue
        if receipt.round != round_name and (
            receipt.round is not None or receipt.received_at < since
        ):
            continue
        if centre in latest and (receipt.receipt_id or 0) < (latest[centre].receipt_id or 0):
            continue  # put right by the file merged since
        report = json.loads(receipt.report)
        why = (
            Text.from_json(report["reason_text"])
            if isinstance(report.get("reason_text"), dict)
            else Text("{reason}", reason=receipt.reason)
        )
        before = found.get(centre, Troubles())
        rejected = _rejected(receipt.file, why, receipt.mail)
        found[centre] = Troubles(before.refused, (*before.rejected, rejected))
    return found


def _refused(receipt: ReceiptRecord) -> tuple[RefusedValue, ...]:
    """The values refused of a file merged, as its receipt in the ledger keeps them; why
    in either language where it kept the message (details_text), else in English."""
    report = json.loads(receipt.report)
    problems = report.get("problems", [])
    details = report.get("details_text", [])
    refused = []
    for number, problem in enumerate(problems):
        why = (
            Text.from_json(details[number])
            if number < len(details) and isinstance(details[number], dict)
            else Text("{reason}", reason=str(problem.get("reason", "")))
        )
        refused.append(
            RefusedValue(str(problem["sheet"]), str(problem["cell"]), str(problem["item"]), why)
        )
    return tuple(refused)
