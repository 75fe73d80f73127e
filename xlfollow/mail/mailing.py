"""Who gets which message in a round: the workbooks going out, and the reminders.

`send_round` gives each centre its workbook of a round; `remind_round` writes to
each centre that still has unanswered items or open conflicts, listing them and
what was refused or rejected of its files, its workbook attached as issued anew
with its answers so far. Either saves .eml drafts in outbox/round-N/mail/
or sends through the mail server of the settings, recording in the ledger
every message the server took.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import formataddr, parseaddr
from pathlib import Path
from typing import TypedDict, Unpack

from xlfollow.definition.ledgerplace import LedgerPlace
from xlfollow.errors import WorkspaceError
from xlfollow.ledger.status import RoundStatus
from xlfollow.ledger.store import ConflictRecord, IssueRecord, Ledger, MessageRecord
from xlfollow.mail import tokens
from xlfollow.mail.letters import (
    Delivery,
    Letter,
    LetterKind,
    LetterParts,
    compose,
    mail_texts,
    send_letters,
    write_draft,
)
from xlfollow.mail.signature import signature
from xlfollow.mail.tokens import Prompt
from xlfollow.mail.troubles import Troubles
from xlfollow.messages import Text
from xlfollow.model import Definition, MailSignIn, Progress, Security, SignInMethod, Smtp
from xlfollow.texts import texts

__all__ = [
    "MailReport",
    "Mailing",
    "Reminding",
    "ServerOptions",
    "conflicts_by_centre",
    "remind_round",
    "send_round",
    "smtp_token",
    "with_smtp",
]


@dataclass
class MailReport:
    """What a send or a reminder did, per centre."""

    round: str
    how: Delivery
    done: list[tuple[str, str, str]] = field(default_factory=list)
    """(centre, address, the draft's path or the message id)."""
    failed: list[tuple[str, str, Text]] = field(default_factory=list)
    """(centre, address, why)."""
    skipped: list[tuple[str, Text]] = field(default_factory=list)
    """(centre, why)."""

    @property
    def needs_a_person(self) -> bool:
        """A message failed, or a centre got none for want of an address."""
        return bool(self.failed or self.skipped)


@dataclass(frozen=True)
class Mailing:
    """One round's mail: the workspace and its ledger, the round, how it goes ('eml':
    drafts written, 'smtp': sent, 'dry-run': nothing done) and through which server."""

    path: Path
    """The workspace folder."""
    ledger_place: LedgerPlace
    definition: Definition
    round_index: int
    how: Delivery
    smtp: Smtp
    progress: Progress | None = None
    prompt: Prompt | None = None
    """Who is at the terminal for a Microsoft 365 sign-in ([mail] auth = "oauth2")."""
    actor: str | None = None
    """Who sends ('anna@OEKPC042'); None: this process's user and machine."""

    @property
    def round_name(self) -> str:
        """The round's name."""
        return self.definition.agreement.rounds[self.round_index]

    @property
    def drafts(self) -> Path:
        """Where the round's .eml drafts go: outbox/round-N/mail/."""
        return self.path / "outbox" / f"round-{self.round_index + 1}" / "mail"


def send_round(mailing: Mailing, again: bool = False) -> MailReport:
    """Each centre's workbook of a round to the centre's address."""
    round_name = mailing.round_name
    report = MailReport(round_name, mailing.how)
    with Ledger(mailing.ledger_place) as ledger:
        issues = _latest_issues(ledger.issues(round_name))
        sent_before = {
            m.centre: m for m in ledger.messages(round_name) if m.kind == LetterKind.SEND
        }
    if not issues:
        raise WorkspaceError(
            Text('round "{name}" has not been issued; run xlfollow issue first', name=round_name)
        )
    if mailing.how is Delivery.SMTP and not again:
        already = [f"{c} ({sent_before[c].sent_at[:16]})" for c in issues if c in sent_before]
        if already:
            raise WorkspaceError(
                Text(
                    "the workbooks of {round} were sent already to {centres}; "
                    "give --again to send them again",
                    round=round_name,
                    centres=", ".join(already),
                )
            )
    letters = []
    for issue in issues.values():
        letter = _letter(mailing, LetterKind.SEND, issue, {}, report)
        if letter is not None:
            letters.append(letter)
    return _deliver(mailing, letters, report)


def conflicts_by_centre(
    definition: Definition, conflicts: list[ConflictRecord]
) -> dict[str, list[tuple[str, str]]]:
    """Open conflicts as a reminder lists them: per responsible centre, each item with
    its answer's name in the workspace's language."""
    centre_of = {item.number: item.centre for item in definition.agreement.items}
    words = texts(definition.settings.language)
    found: dict[str, list[tuple[str, str]]] = {}
    for conflict in conflicts:
        centre = centre_of.get(conflict.item, "")
        found.setdefault(centre, []).append((conflict.item, words[conflict.answer.label_key]))
    return found


@dataclass(frozen=True)
class Reminding:
    """What a round's reminders say besides what is missing, and what they attach."""

    conflicts: Mapping[str, list[tuple[str, str]]]
    """Per centre the (item, answer as the sheets name it) of its open conflicts."""
    troubles: Mapping[str, Troubles] = field(default_factory=dict)
    """Per centre the values refused from its files of the round and its files rejected."""
    fresh: Callable[[str], IssueRecord] | None = None
    """Issues a centre's workbook of the round anew, with its answers so far, and
    returns it; None attaches its latest workbook (a dry run)."""


def remind_round(mailing: Mailing, status: RoundStatus, reminding: Reminding) -> MailReport:
    """A reminder to each centre with unanswered items or open conflicts in a round,
    listing them, and the values refused and files rejected of its files."""
    definition, conflicts = mailing.definition, reminding.conflicts
    report = MailReport(mailing.round_name, mailing.how)
    words = mail_texts(definition.settings.language, mailing.path)
    titles = {item.number: item.title for item in definition.agreement.items}
    with Ledger(mailing.ledger_place) as ledger:
        issues = _latest_issues(ledger.issues(mailing.round_name))
    letters = []
    for centre in status.centres:
        lines: dict[str, list[str]] = {}
        for entry in centre.missing:
            number, what = entry.rsplit(" ", 1)
            lines.setdefault(number, []).append(words[f"missing_{what}"])
        for number, field_name in conflicts.get(centre.centre, []):
            lines.setdefault(number, []).append(words["missing_conflict"].format(field=field_name))
        if not lines or centre.centre not in issues:
            continue
        items = "\n".join(
            f"- {number} {titles.get(number, '')}: {', '.join(what)}"
            for number, what in lines.items()
        )
        troubles = reminding.troubles.get(centre.centre, Troubles())
        extra = {"items": items, "problems": troubles.said(words, definition.settings.language)}
        if reminding.fresh is not None and _address(mailing, centre.centre):
            issue = reminding.fresh(centre.centre)
        else:
            issue = issues[centre.centre]
        letter = _letter(mailing, LetterKind.REMIND, issue, extra, report)
        if letter is not None:
            letters.append(letter)
    return _deliver(mailing, letters, report)


def _latest_issues(issues: list[IssueRecord]) -> dict[str, IssueRecord]:
    """Per centre its latest workbook of the round (issues come oldest first)."""
    return {issue.recipient: issue for issue in issues if issue.recipient}


def _letter(
    mailing: Mailing,
    kind: LetterKind,
    issue: IssueRecord,
    extra: dict[str, str],
    report: MailReport,
) -> Letter | None:
    """A letter of a kind to the centre a workbook was issued to, the workbook attached;
    None, and the centre in the report's skipped, where it has no address or the
    workbook is gone."""
    definition, smtp, centre = mailing.definition, mailing.smtp, issue.recipient
    settings = definition.settings
    address = _address(mailing, centre)
    if not address:
        report.skipped.append(
            (
                centre,
                Text(
                    'no email address: give email under [centres."{centre}"] in xlfollow.toml',
                    centre=centre,
                ),
            )
        )
        return None
    attachment = mailing.path / issue.file
    if not attachment.is_file():
        report.skipped.append(
            (centre, Text("its workbook {file} is gone; issue the round again", file=issue.file))
        )
        return None
    words = mail_texts(settings.language, mailing.path)
    round_ = definition.rounds[mailing.round_index]
    deadline = texts(settings.language).date(round_.deadline) if round_.deadline else ""
    department = settings.sender.department
    # reply_to may be an address or words ("økonomiafdelingen"); only an address sends.
    name, address_of_reply = parseaddr(settings.reply_to)
    sender = smtp.sender or (
        formataddr((name, address_of_reply)) if "@" in address_of_reply else ""
    )
    # The signature is a name: the department's, else the From address's own.
    signer = department or parseaddr(smtp.sender)[0] or words["default_sender"]
    values = {
        "agreement": definition.agreement.title,
        "round": round_.name,
        "centre": centre,
        "deadline": deadline or words["no_deadline"],
        "reply_to": settings.reply_to or sender or department or words["default_reply_to"],
        "sender": signer,
        "signature": signature(settings.sender, words, signer),
    }
    parts = LetterParts(
        kind=kind,
        texts=words,
        values=values,
        sender=sender,
        reply_to=settings.reply_to,
        address=address,
        attachment=attachment,
        extra=extra,
    )
    return Letter(kind, centre, address, issue.issue_id, compose(parts))


def _address(mailing: Mailing, centre: str) -> str:
    """A centre's address in the settings; '' if it has none."""
    centres = mailing.definition.settings.centres
    return centres[centre].email if centre in centres else ""


def _deliver(mailing: Mailing, letters: list[Letter], report: MailReport) -> MailReport:
    """Write, send or only list the letters; each message the server takes is in the
    ledger as soon as it has taken it, so that a run cut short knows what went."""
    progress = mailing.progress
    if mailing.how is Delivery.DRY_RUN:
        for letter in letters:
            report.done.append((letter.centre, letter.address, str(letter.message["Subject"])))
        return report
    if mailing.how is Delivery.EML:
        drafts = mailing.drafts
        drafts.mkdir(parents=True, exist_ok=True)
        for done, letter in enumerate(letters, 1):
            draft = write_draft(letter, drafts)
            report.done.append(
                (letter.centre, letter.address, str(draft.relative_to(mailing.path)))
            )
            if progress is not None:
                progress(done, len(letters))
        return report
    with Ledger(mailing.ledger_place, mailing.actor) as ledger:
        sending = send_letters(
            mailing.smtp,
            letters,
            smtp_token(mailing.definition.settings.mail, mailing.smtp, mailing.prompt),
        )
        for done, sent in enumerate(sending, 1):
            letter = sent.letter
            if sent.error is None:
                _record(ledger, letter, report)
            else:
                report.failed.append((letter.centre, letter.address, sent.error))
            if progress is not None:
                progress(done, len(letters))
    return report


def smtp_token(signin: MailSignIn, smtp: Smtp, prompt: Prompt | None) -> Callable[[], str] | None:
    """How the SMTP login gets its OAuth 2.0 token, where [mail] says auth = "oauth2";
    None for a password sign-in. The mailbox is the [smtp] user, else the sender."""
    if signin.auth is not SignInMethod.OAUTH2:
        return None
    user = smtp.user or parseaddr(smtp.sender)[1]
    return lambda: tokens.mail_token(signin, tokens.Service.SMTP, prompt, user)


def _record(ledger: Ledger, letter: Letter, report: MailReport) -> None:
    """A message the server has taken, in the ledger and the report."""
    message_id = str(letter.message["Message-ID"])
    ledger.record_message(
        MessageRecord(
            message_id,
            letter.kind,
            report.round,
            letter.centre,
            letter.address,
            letter.issue_id,
            datetime.now(UTC).isoformat(timespec="seconds"),
        )
    )
    report.done.append((letter.centre, letter.address, message_id))


class ServerOptions(TypedDict, total=False):
    """The mail server as the command line gives it, instead of the settings' [smtp],
    and who is at the terminal for a Microsoft 365 sign-in."""

    host: str | None
    port: int | None
    security: str | None
    user: str | None
    sender: str | None
    prompt: Prompt | None


def with_smtp(smtp: Smtp, **given: Unpack[ServerOptions]) -> Smtp:
    """The settings' mail server, with what the command line gives instead."""
    port, user, security = given.get("port"), given.get("user"), given.get("security")
    return Smtp(
        given.get("host") or smtp.host,
        port if port is not None else smtp.port,
        Security(security) if security else smtp.security,
        user if user is not None else smtp.user,
        given.get("sender") or smtp.sender,
    )
