"""The files waiting in a workspace's inbox/, a merge's batch made of them (a saved
message's workbooks taken out of it), and how messages name a workspace's files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from xlfollow.errors import WorkbookError
from xlfollow.ledger.records import MailOrigin, Verdict
from xlfollow.ledger.store import Ledger
from xlfollow.messages import Text
from xlfollow.returns.collect import FileReport, Intake
from xlfollow.returns.mailfiles import SavedMessage, centre_by_address, is_mail, read_message
from xlfollow.returns.msgfile import is_outlook, read_msg
from xlfollow.returns.receiving import record_rejected
from xlfollow.returns.returnedfiles import file_digest, printable_name, screened

__all__ = ["Batch", "digest_of", "gather", "inbox_files", "screen_all", "shown"]


@dataclass
class Batch:
    """What a merge reads: the returned files, and each workbook attached to a saved
    message, written out as a file of its own; and the files said before any is read."""

    files: list[Path] = field(default_factory=list)
    names: dict[Path, str] = field(default_factory=dict)
    """How each is named in messages and the ledger: a workbook that came in a message
    as 'inbox/SV Aftale.eml · 03-social-og-sundhed-runde-1.xlsx'."""
    mails: dict[Path, MailOrigin] = field(default_factory=dict)
    said: list[FileReport] = field(default_factory=list)

    def name_of(self, path: Path) -> str:
        """A file's name in messages and the ledger."""
        return self.names[path]

    def mail_of(self, path: Path) -> MailOrigin | None:
        """The saved message a file was attached to, if it was."""
        return self.mails.get(path)


def gather(root: Path, intake: Intake, files: list[Path] | None, scratch: Path) -> Batch:
    """A merge's batch: the files named, or the new ones in inbox/ (those rejected before
    said again), screened, and the workbooks of saved messages written into `scratch`.
    A message with no workbook, or none xlfollow can take out, is rejected and recorded."""
    batch = Batch()
    if files is None:
        files, rejected = inbox_files(root, intake.ledger)
        for path, digest in rejected:
            again = intake.already_rejected(shown(path, root), digest)
            assert again is not None
            batch.said.append(again)
    readable, refused = screen_all(files, root)
    batch.said.extend(refused)
    for path in readable:
        if not is_mail(path):
            batch.files.append(path)
            batch.names[path] = shown(path, root)
            continue
        try:
            message = read_msg(path) if is_outlook(path) else read_message(path)
        except WorkbookError as exc:
            report = FileReport(shown(path, root), "", Verdict.REJECTED, exc.why)
            try:
                report.sha256 = file_digest(path)
            except OSError:
                batch.said.append(report)  # gone or unreadable since: said, not recorded
                continue
            _reject(intake, batch, report)
            continue
        _unpack(message, shown(path, root), intake, batch, scratch)
    return batch


def _unpack(message: SavedMessage, name: str, intake: Intake, batch: Batch, scratch: Path) -> None:
    origin = message.origin
    for refused, why in message.refused:
        # Like a file too large, said and not recorded: nothing of it was read.
        report = FileReport(f"{name} · {refused}", "", Verdict.REJECTED, why, mail=origin)
        batch.said.append(report)
    if not message.attachments and not message.refused:
        why = Text(
            'the message "{subject}" from {sender} has no workbook attached (.xlsx); ask the '
            "centre to attach its workbook and send it again",
            subject=origin.subject,
            sender=origin.sender or "?",
        )
        report = FileReport(name, origin.sha256, Verdict.REJECTED, why, mail=origin)
        _reject(intake, batch, report)
    for attachment in message.attachments:
        # Written under a plain name of its own: the attachment's name is the sender's.
        folder = scratch / str(len(batch.files))
        folder.mkdir()
        path = folder / f"workbook{Path(attachment.name).suffix.lower()}"
        path.write_bytes(attachment.data)
        batch.files.append(path)
        batch.names[path] = f"{name} · {attachment.name}"
        batch.mails[path] = origin


def _reject(intake: Intake, batch: Batch, report: FileReport) -> None:
    """A message rejected whole, recorded; its centre, where its sender's address is
    one, so `status` tells it from a centre that sent nothing."""
    if report.mail is None:
        report.mail = MailOrigin(report.sha256, "", "", "", "")
    report.centre = centre_by_address(report.mail, intake.definition)
    record_rejected(intake.ledger, report)
    batch.said.append(report)


def inbox_files(root: Path, ledger: Ledger) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The new files in the workspace's inbox/, and those whose bytes were rejected
    before (with their digests); files merged before are left out."""
    inbox = root / "inbox"
    if not inbox.is_dir():
        return [], []
    verdicts: dict[str, set[str]] = {}
    for receipt in ledger.receipts():
        verdicts.setdefault(receipt.sha256, set()).add(receipt.verdict)
        if receipt.mail is not None:  # a saved message whose workbooks were received
            verdicts.setdefault(receipt.mail.sha256, set()).add(receipt.verdict)
    new, rejected = [], []
    for path in sorted(inbox.iterdir()):
        # Excel's lock files (~$name.xlsx) and hidden files are no returns.
        if not path.is_file() or path.name.startswith((".", "~$")):
            continue
        if screened(path) is not None:
            new.append(path)  # the merge says why it cannot be read
            continue
        digest = file_digest(path)
        seen = verdicts.get(digest, set())
        if seen == {Verdict.REJECTED.value}:
            rejected.append((path, digest))
        elif not seen:
            new.append(path)
    return new, rejected


def screen_all(paths: list[Path], root: Path) -> tuple[list[Path], list[FileReport]]:
    """The files that can be read, and a rejection for each the system will not give
    whole (a pipe, a folder, too big, unreadable, a name not UTF-8): said before
    anything reads it, and the rest go on."""
    readable, refused = [], []
    for path in paths:
        why = screened(path)
        if why is None:
            readable.append(path)
        else:
            refused.append(FileReport(shown(path, root), "", Verdict.REJECTED, why))
    return readable, refused


def digest_of(path: Path) -> str | None:
    """A file's SHA-256, read a piece at a time; None if it is not a file."""
    return file_digest(path) if path.is_file() else None


def shown(path: Path, root: Path) -> str:
    """A file as messages name it: relative to the workspace where it lies inside it."""
    try:
        return printable_name(str(path.resolve().relative_to(root.resolve())))
    except ValueError:
        return printable_name(str(path))
