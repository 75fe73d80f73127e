"""The receipt of a file received, to whoever sent it, and the lines a receipt and a
reminder share: the values refused and the files rejected, each with what to do.

A receipt is made from plain data (FileReceipt) that the workspace takes from the
merge's report of the file; it goes as an .eml draft in outbox/receipts/, or
through the mail server, each message the server takes recorded in the ledger
with kind "receipt" and a Message-ID that names the file's receipt in the ledger.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import make_msgid, parseaddr
from pathlib import Path
from typing import Any

from xlfollow.danish import slug
from xlfollow.definition.ledgerplace import LedgerPlace
from xlfollow.errors import WorkspaceError
from xlfollow.ledger.records import MessageRecord, Verdict
from xlfollow.ledger.store import Ledger
from xlfollow.mail.letters import (
    Delivery,
    Letter,
    LetterKind,
    LetterParts,
    compose,
    greeting,
    mail_texts,
    send_letters,
    write_draft,
)
from xlfollow.mail.mailing import MailReport, smtp_token, with_smtp
from xlfollow.mail.signature import signature
from xlfollow.mail.tokens import Prompt
from xlfollow.mail.troubles import RefusedValue, RejectedFile, refused_lines
from xlfollow.messages import Language, Text
from xlfollow.model import Definition, Progress, ReceiptMode, Smtp

__all__ = [
    "FileReceipt",
    "ReceiptJob",
    "check_server",
    "deliver_receipts",
    "receipt_letter",
    "receipted",
]

_RECEIPT_ID = re.compile(r"\.receipt-(\d+)@")


@dataclass(frozen=True)
class FileReceipt:
    """What a receipt says of one file received."""

    receipt_id: int
    """The file's receipt in the ledger."""
    file: str
    """Its name as the sender gave it."""
    verdict: Verdict
    centre: str | None
    round: str
    """The round it answers; for a file that does not say, the latest issued."""
    address: str
    """Where the receipt goes; '' where no address is known."""
    issue_id: str | None = None
    cells: Mapping[str, int] = field(default_factory=dict)
    """Its cells by outcome (accepted, unchanged, conflict, refused)."""
    refused: tuple[RefusedValue, ...] = ()
    rejected: RejectedFile | None = None
    later: str | None = None
    """The round issued since, for a workbook of an earlier round."""
    message: bool = False
    """The file is a saved message rejected whole (`file` its subject)."""


@dataclass(frozen=True)
class ReceiptJob:
    """The receipts of one merge: the workspace, its ledger and definition, and how
    they go ('eml': drafts in outbox/receipts/, 'smtp': sent, 'dry-run': said)."""

    path: Path
    ledger_place: LedgerPlace
    definition: Definition
    how: Delivery
    smtp: Smtp
    progress: Progress | None = None
    prompt: Prompt | None = None
    """Who can sign in to Microsoft 365 at the terminal, where [mail] auth = "oauth2"."""
    actor: str | None = None
    """Who sends ('anna@OEKPC042'); None: this process's user and machine."""

    @property
    def drafts(self) -> Path:
        """Where the receipts' .eml drafts go: outbox/receipts/."""
        return self.path / "outbox" / "receipts"


@dataclass(frozen=True)
class ReceiptRequest:
    """Receipts as a command line asks for them, decided once the settings are read:
    wanted or not (None: as `receipts` under [mail] says), as drafts or sent (None: as
    that setting says, else drafts), through the [smtp] server with what the command
    line gives instead."""

    wanted: bool | None = None
    as_eml: bool | None = None
    server: Mapping[str, Any] = field(default_factory=dict)
    """The mail server's options given instead of [smtp] (host, port, ...)."""

    def delivery(self, setting: ReceiptMode) -> Delivery | None:
        """How the receipts go; None for none."""
        if not (self.wanted if self.wanted is not None else setting is not ReceiptMode.OFF):
            return None
        if self.as_eml is not None:
            return Delivery.EML if self.as_eml else Delivery.SMTP
        return Delivery.SMTP if setting is ReceiptMode.SMTP else Delivery.EML

    def smtp(self, settings: Smtp) -> Smtp:
        """The mail server: the settings' with what the command line gives instead."""
        return with_smtp(settings, **self.server)


def check_server(smtp: Smtp) -> None:
    """WorkspaceError unless the settings name a mail server and a sender: checked
    before a merge whose receipts go through it, so that a merge is not done and its
    receipts then fail for want of a setting."""
    if not smtp.host:
        raise WorkspaceError(
            Text("no mail server: give host under [smtp] in xlfollow.toml, or --host")
        )
    if not smtp.sender:
        raise WorkspaceError(
            Text("no sender address: give sender under [smtp] in xlfollow.toml, or --sender")
        )


def _result(receipt: FileReceipt, words: Mapping[str, str], language: Language) -> str:
    """What became of the file, in paragraphs."""
    if receipt.verdict is Verdict.DUPLICATE:
        return words["receipt_duplicate"]
    if receipt.rejected is not None:
        rejected = receipt.rejected
        why = words["receipt_rejected"].format(why=rejected.why.say(language).rstrip("."))
        return f"{why}\n\n{words[f'advice_{rejected.advice}']}"
    counts = {key: receipt.cells.get(key, 0) for key in ("accepted", "unchanged", "conflict")}
    # "1 ny eller ændret værdi", "3 nye eller ændrede værdier": the words of each count.
    said = {
        key: words[f"count_{key}_one" if count == 1 else f"count_{key}"].format(count=count)
        for key, count in counts.items()
    }
    paragraphs = [words["receipt_taken"].format(**said)]
    if counts["conflict"]:
        paragraphs.append(words["receipt_conflicts"].format(**said))
    if receipt.refused:
        lines = refused_lines(receipt.refused, words, language)
        paragraphs.append(f"{words['receipt_refused']}\n{lines}")
    if receipt.later is not None:
        paragraphs.append(
            words["receipt_earlier_round"].format(round=receipt.round, later=receipt.later)
        )
    return "\n\n".join(paragraphs)


def receipt_letter(job: ReceiptJob, receipt: FileReceipt) -> Letter:
    """The receipt of one file, to its sender, its Message-ID naming the file's receipt
    in the ledger (so the ledger tells which files were receipted)."""
    settings = job.definition.settings
    words = mail_texts(settings.language, job.path)
    sender = job.smtp.sender or (settings.reply_to if "@" in settings.reply_to else "")
    name = settings.sender.department or parseaddr(sender)[0] or words["default_sender"]
    try:
        values = {
            "agreement": job.definition.agreement.title,
            "round": receipt.round,
            "centre": receipt.centre or "",
            "file": receipt.file,
            "sender": name,
            "signature": signature(settings.sender, words, name),
            "result": _result(receipt, words, settings.language),
        }
        thanks = words["receipt_message" if receipt.message else "receipt_file"]
        values["received"] = thanks.format(**values)
        if not receipt.centre:
            values["greeting"] = words["receipt_unknown_greeting"]
        else:
            values["greeting"] = greeting(receipt.centre, words)
    except (KeyError, IndexError, ValueError) as exc:  # a workspace's mail.yaml
        raise WorkspaceError(
            Text(
                "mail template {kind}: a placeholder it uses is unknown ({why}); "
                "see the list at the top of workbook_templates/mail.yaml",
                kind=LetterKind.RECEIPT,
                why=str(exc),
            )
        ) from exc
    parts = LetterParts(
        kind=LetterKind.RECEIPT,
        texts=words,
        values=values,
        sender=sender,
        reply_to=settings.reply_to,
        address=receipt.address,
        attachment=None,
    )
    message = compose(parts)
    domain = sender.rpartition("@")[2].rstrip(">") or "xlfollow.invalid"
    message.replace_header("Message-ID", make_msgid(f"receipt-{receipt.receipt_id}", domain))
    return Letter(LetterKind.RECEIPT, receipt.file, receipt.address, receipt.issue_id, message)


def receipted(ledger: Ledger, drafts: Path) -> set[int]:
    """The receipts (their ids in the ledger) whose receipt went through the mail server,
    or was written as a draft that is still there."""
    found = {
        int(match.group(1))
        for message in ledger.messages()
        if message.kind == LetterKind.RECEIPT and (match := _RECEIPT_ID.search(message.message_id))
    }
    if drafts.is_dir():
        for draft in drafts.glob("receipt-*.eml"):
            number = draft.name.split("-")[1]
            if number.isdigit():
                found.add(int(number))
    return found


def deliver_receipts(job: ReceiptJob, receipts: Sequence[FileReceipt]) -> MailReport:
    """Write, send or only say the receipts, per file; a file whose sender is not known
    is in the report's skipped. Each message the server takes is in the ledger as soon
    as it has taken it, with its round."""
    report = MailReport("", job.how)
    letters: list[tuple[FileReceipt, Letter]] = []
    for receipt in receipts:
        if not receipt.address:
            report.skipped.append((receipt.file, _no_address(receipt)))
        else:
            letters.append((receipt, receipt_letter(job, receipt)))
    if job.how is Delivery.DRY_RUN:
        for _, letter in letters:
            report.done.append((letter.centre, letter.address, str(letter.message["Subject"])))
    elif job.how is Delivery.EML:
        job.drafts.mkdir(parents=True, exist_ok=True)
        for done, (receipt, letter) in enumerate(letters, 1):
            stem = f"receipt-{receipt.receipt_id}-{slug(Path(receipt.file).stem) or 'file'}"
            draft = write_draft(letter, job.drafts, stem)
            report.done.append((letter.centre, letter.address, str(draft.relative_to(job.path))))
            if job.progress is not None:
                job.progress(done, len(letters))
    elif letters:
        _send(job, letters, report)
    return report


def _send(job: ReceiptJob, letters: list[tuple[FileReceipt, Letter]], report: MailReport) -> None:
    """Through the mail server; one that cannot be reached or refuses the login fails
    every receipt not given to it yet (the merge is done: said, not undone)."""
    receipt_of = {id(letter): receipt for receipt, letter in letters}
    given: set[int] = set()
    try:
        with Ledger(job.ledger_place, job.actor) as ledger:
            token = smtp_token(job.definition.settings.mail, job.smtp, job.prompt)
            sent_all = send_letters(job.smtp, [letter for _, letter in letters], token)
            for done, sent in enumerate(sent_all, 1):
                letter = sent.letter
                given.add(id(letter))
                if sent.error is not None:
                    report.failed.append((letter.centre, letter.address, sent.error))
                else:
                    _record(ledger, receipt_of[id(letter)], letter, report)
                if job.progress is not None:
                    job.progress(done, len(letters))
    except WorkspaceError as exc:
        for _, letter in letters:
            if id(letter) not in given:
                report.failed.append((letter.centre, letter.address, exc.text))


def _record(ledger: Ledger, receipt: FileReceipt, letter: Letter, report: MailReport) -> None:
    """A receipt the server has taken, in the ledger (with its file's centre and round)
    and the report."""
    message_id = str(letter.message["Message-ID"])
    ledger.record_message(
        MessageRecord(
            message_id,
            LetterKind.RECEIPT,
            receipt.round,
            receipt.centre or "",
            letter.address,
            receipt.issue_id,
            datetime.now(UTC).isoformat(timespec="seconds"),
        )
    )
    report.done.append((letter.centre, letter.address, message_id))


def _no_address(receipt: FileReceipt) -> Text:
    if receipt.centre:
        return Text(
            'no address for its receipt: it came alone, and [centres."{centre}"] in '
            "xlfollow.toml gives no email",
            centre=receipt.centre,
        )
    return Text("no address for its receipt: it came alone, and its centre is not known")
