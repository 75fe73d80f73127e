"""`fetch`: the replies in the mailbox that were not taken before, each one with a
workbook attached saved whole as an .eml into inbox/ (where `merge` takes it from),
and each one recorded in the ledger, so none is fetched twice.

Order matters for a run cut short (the network gone): a message is saved, then
recorded, then moved. Saved and not recorded, it is fetched again into the same
file name (its bytes the same, nothing written twice) and merged once, the
merge's own digest check catching a copy; recorded, it is never fetched again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import TYPE_CHECKING

from xlfollow.definition.ledgerplace import LedgerPlace
from xlfollow.errors import WorkbookError
from xlfollow.files import write_atomically
from xlfollow.ledger.fetchlog import FetchedRecord, FetchOutcome, MailboxPlace
from xlfollow.ledger.store import Ledger
from xlfollow.mail import tokens
from xlfollow.mail.imap import Listed, Mailbox
from xlfollow.mail.letters import Delivery
from xlfollow.mail.receipts import ReceiptRequest
from xlfollow.mail.tokens import Prompt
from xlfollow.messages import Text
from xlfollow.model import Imap, MailSignIn, SignInMethod
from xlfollow.returns.mailfiles import MAX_MESSAGE_BYTES, read_message
from xlfollow.returns.mergereport import MergeReport
from xlfollow.returns.returnedfiles import printable_name
from xlfollow.workspace.locking import changes_it

if TYPE_CHECKING:
    from xlfollow.workspace.folder import Workspace

__all__ = [
    "FetchJob",
    "FetchReport",
    "FetchedMessage",
    "fetch_mail",
    "fetch_replies",
    "file_for",
]

_NAME_LENGTH = 120
"""The most characters of a saved message's file name, before .eml."""
_NAME_BYTES = 200
"""The most bytes of it in UTF-8: file systems allow 255, and " (2).eml" may follow."""
_UNSAFE = re.compile(r"[^\w@.+-]+")


@dataclass(frozen=True)
class FetchJob:
    """What to fetch: the workspace, the mailbox and folder, from which day, and whether
    only to say what would come (dry_run: nothing saved, recorded or moved)."""

    root: Path
    ledger_place: LedgerPlace
    imap: Imap
    since: date | None = None
    dry_run: bool = False
    token: Callable[[], str] | None = None
    """An OAuth 2.0 access token for IMAP, where [mail] auth = "oauth2"; else None."""
    actor: str | None = None
    """Who fetches ('anna@OEKPC042'); None: this process's user and machine."""


@dataclass
class FetchedMessage:
    """A message taken from the mailbox this run, and what became of it."""

    uid: int
    sender: str
    date: str
    subject: str
    outcome: FetchOutcome
    workbooks: tuple[str, ...] = ()
    """The spreadsheets attached, by their names."""
    saved_as: str = ""
    """The .eml in inbox/ (relative to the workspace); '' if not saved."""
    why: Text | None = None
    """Why it was not saved."""
    moved_to: str = ""

    def to_json(self) -> dict[str, object]:
        """The message as --json prints it."""
        return {
            "uid": self.uid,
            "from": self.sender,
            "date": self.date,
            "subject": self.subject,
            "outcome": self.outcome.value,
            "workbooks": list(self.workbooks),
            "saved_as": self.saved_as,
            "why": "" if self.why is None else str(self.why),
            "moved_to": self.moved_to,
        }


@dataclass
class FetchReport:
    """What a fetch did: the messages taken, those seen before, and the merge after."""

    server: str
    folder: str
    dry_run: bool
    messages: list[FetchedMessage] = field(default_factory=list)
    moved_to: str = ""
    """The folder messages are moved to ([imap] move_to); '' for none."""
    seen_before: int = 0
    """Messages in the folder (since the day given) taken by an earlier fetch."""
    moved_before: int = 0
    """Of those, the ones moved to move_to now (set since, or a run cut short)."""
    merge: MergeReport | None = None
    """The merge of inbox/ that followed; None for a dry run."""

    @property
    def needs_a_person(self) -> bool:
        """A message could not be saved, or the merge needs one."""
        unsaved = (FetchOutcome.NO_WORKBOOK, FetchOutcome.UNREADABLE, FetchOutcome.TOO_LARGE)
        if any(m.outcome in unsaved for m in self.messages):
            return True
        return self.merge is not None and self.merge.needs_a_person

    def to_json(self) -> dict[str, object]:
        """The report as --json prints it: the messages, then the merge as merge's."""
        return {
            "server": self.server,
            "folder": self.folder,
            "dry_run": self.dry_run,
            "moved_to": self.moved_to,
            "seen_before": self.seen_before,
            "moved_before": self.moved_before,
            "messages": [m.to_json() for m in self.messages],
            "merge": None if self.merge is None else self.merge.to_json(),
        }


@changes_it("fetch")
def fetch_replies(  # noqa: PLR0913 (a Workspace method: `workspace` is its self)
    workspace: Workspace,
    since: date | None = None,
    folder: str | None = None,
    dry_run: bool = False,
    imap: Imap | None = None,
    *,
    prompt: Prompt | None = None,
    receipts: Delivery | ReceiptRequest | None = None,
) -> FetchReport:
    """Fetch the replies not fetched before from the mailbox of the settings' [imap] table
    (or `imap`), from its folder (or `folder`), those that came on or after `since`
    (all without it): each with a workbook attached saved as an .eml into inbox/, each
    recorded in the ledger, moved to [imap] move_to if it is set (never deleted); then
    inbox/ is merged as `merge` merges it, with `receipts` as merge takes them. dry_run
    says what would come, and does nothing. With [mail] auth = "oauth2" the sign-in is
    Microsoft 365's (`prompt`: who can sign in at the terminal)."""
    definition = workspace.load()
    mailbox = imap or definition.settings.imap
    if folder:
        mailbox = dataclasses.replace(mailbox, folder=folder)
    token = _imap_token(definition.settings.mail, mailbox.user, prompt)
    job = FetchJob(
        workspace.path, workspace.ledger_place, mailbox, since, dry_run, token, workspace.actor
    )
    with TemporaryDirectory(prefix="xlfollow-fetch-") as scratch:
        report = fetch_mail(job, Path(scratch))
    if not dry_run:
        report.merge = workspace.merge(receipts=receipts, prompt=prompt)
    return report


def _imap_token(signin: MailSignIn, user: str, prompt: Prompt | None) -> Callable[[], str] | None:
    """How the IMAP sign-in gets its OAuth 2.0 token, where [mail] says auth = "oauth2";
    None for a password sign-in."""
    if signin.auth is not SignInMethod.OAUTH2:
        return None
    return lambda: tokens.mail_token(signin, tokens.Service.IMAP, prompt, user)


def fetch_mail(job: FetchJob, scratch: Path) -> FetchReport:
    """Take the folder's messages not taken before (since the day given), saving each with
    a workbook attached into inbox/ and recording each; `scratch` is a folder to read
    them in. WorkspaceError if the mailbox cannot be reached or stops answering: what
    was saved and recorded by then stays so."""
    imap = job.imap
    writable = bool(imap.move_to) and not job.dry_run
    with Mailbox(imap, imap.folder, writable=writable, token=job.token) as box:
        report = FetchReport(box.server, imap.folder, job.dry_run, moved_to=imap.move_to)
        with Ledger(job.ledger_place, job.actor) as ledger:
            taken = _Taking(job, box, ledger, scratch, report)
            uids = []
            for uid in box.since(job.since):
                if not ledger.fetched_at_place(taken.place(uid)):
                    uids.append(uid)
                    continue
                report.seen_before += 1
                # Still here although fetched: move_to set since, or a run cut short.
                if imap.move_to and not job.dry_run and box.move(uid, imap.move_to):
                    report.moved_before += 1
            for listed in box.listed(uids):
                taken.one(listed)
    return report


@dataclass
class _Taking:
    """One fetch's work through the folder's new messages."""

    job: FetchJob
    box: Mailbox
    ledger: Ledger
    scratch: Path
    report: FetchReport
    ids: set[str] = field(default_factory=set)
    """The Message-IDs taken this run (a dry run records none)."""
    digests: set[str] = field(default_factory=set)

    def place(self, uid: int) -> MailboxPlace:
        return MailboxPlace(self.box.server, self.box.folder, self.box.uidvalidity, uid)

    def one(self, listed: Listed) -> None:
        said = FetchedMessage(
            listed.uid,
            _clean(listed.sender),
            _clean(listed.date),
            _clean(listed.subject),
            FetchOutcome.DUPLICATE,
        )
        if self._seen(listed.message_id, ""):
            said.why = Text("the same message (Message-ID) was fetched before")
            self._done(said, listed.message_id, "")
            return
        if listed.size > MAX_MESSAGE_BYTES:
            said.outcome = FetchOutcome.TOO_LARGE
            said.why = Text(
                "the message is {megabytes} MB, more than a reply with a workbook attached "
                "({limit} MB): not fetched; save the workbook from it into inbox/ yourself",
                megabytes=listed.size // 2**20,
                limit=MAX_MESSAGE_BYTES // 2**20,
            )
            self._done(said, listed.message_id, "")
            return
        data = self.box.fetch(listed.uid)
        digest = hashlib.sha256(data).hexdigest()
        if not listed.message_id and self._seen("", digest):
            said.why = Text("the same message (its bytes) was fetched before")
            self._done(said, "", digest)
            return
        self._read(said, data, digest)
        self._done(said, listed.message_id, digest)

    def _seen(self, message_id: str, digest: str) -> bool:
        if message_id:
            found = message_id in self.ids
            return found or self.ledger.fetched_message(message_id=message_id) is not None
        found = digest in self.digests
        return found or self.ledger.fetched_message(sha256=digest) is not None

    def _read(self, said: FetchedMessage, data: bytes, digest: str) -> None:
        """Whether a message carries a workbook, read as `merge` reads a saved one; if it
        does, it is saved into inbox/."""
        path = self.scratch / f"{said.uid}.eml"
        path.write_bytes(data)
        try:
            message = read_message(path)
        except WorkbookError as exc:
            said.outcome, said.why = FetchOutcome.UNREADABLE, exc.why
            return
        finally:
            path.unlink()
        origin = message.origin
        said.sender, said.date, said.subject = origin.sender, origin.date, origin.subject
        said.workbooks = tuple(a.name for a in message.attachments) + tuple(
            name for name, _ in message.refused
        )
        if not said.workbooks:
            said.outcome = FetchOutcome.NO_WORKBOOK
            said.why = Text(
                "no workbook attached (.xlsx): not saved; ask the centre to attach its "
                "workbook and send it again"
            )
            return
        said.outcome = FetchOutcome.SAVED
        target = file_for(self.job.root / "inbox", said, data, digest)
        said.saved_as = f"inbox/{target.name}"
        if not self.job.dry_run:
            target.parent.mkdir(exist_ok=True)
            if not target.exists():
                write_atomically(target, data)

    def _done(self, said: FetchedMessage, message_id: str, digest: str) -> None:
        """The message recorded (after it is saved), then moved; and said."""
        self.report.messages.append(said)
        if message_id:
            self.ids.add(message_id)
        if digest:
            self.digests.add(digest)
        if self.job.dry_run:
            return
        self.ledger.record_fetched(
            FetchedRecord(
                self.place(said.uid),
                message_id,
                digest,
                said.sender,
                said.date,
                said.subject,
                said.outcome,
                said.saved_as,
                datetime.now(UTC).isoformat(timespec="seconds"),
            )
        )
        move_to = self.job.imap.move_to
        if move_to and self.box.move(said.uid, move_to):
            said.moved_to = move_to


def _clean(text: str) -> str:
    return " ".join(printable_name(text).split())


def file_for(inbox: Path, said: FetchedMessage, data: bytes, digest: str) -> Path:
    """The .eml a message is saved as: its date, sender and subject, made safe as a file
    name; the file already there if it holds these bytes (a run cut short), else one
    not taken ("… (2).eml")."""
    try:
        when = parsedate_to_datetime(said.date).strftime("%Y-%m-%d %H%M")
    except (TypeError, ValueError, IndexError):
        when = "udateret"
    address = parseaddr(said.sender)[1] or said.sender
    words = " ".join(_UNSAFE.sub(" ", f"{when} {address} {said.subject}").split())
    stem = words[:_NAME_LENGTH]
    while len(stem.encode("utf-8")) > _NAME_BYTES:  # a file system's limit is in bytes
        stem = stem[:-1]
    stem = stem.strip(" .") or "besked"
    for number in range(1, 10_000):
        path = inbox / (f"{stem}.eml" if number == 1 else f"{stem} ({number}).eml")
        if not path.exists():
            return path
        if (
            path.stat().st_size == len(data)
            and hashlib.sha256(path.read_bytes()).hexdigest() == digest
        ):
            return path
    return inbox / f"{stem} {digest[:12]}.eml"
