"""The messages that take the workbooks to the centres, and the reminders.

Messages are built with the standard library's email package from templates
(workbook_templates/mail.yaml, or a mail.yaml in the workspace, which wins),
then either saved as .eml drafts that a mail program opens as a ready
message, or sent through a mail server with smtplib. The password is never
read from the settings: it comes from the environment variable
XLFOLLOW_SMTP_PASSWORD, or from the system keyring where the `keyring`
package is installed. With [mail] auth = "oauth2" (Microsoft 365), the login is
SASL XOAUTH2 with a token from tokens.py instead.
"""

from __future__ import annotations

import copy
import smtplib
import ssl
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from enum import StrEnum
from functools import cache
from importlib.resources import files
from pathlib import Path

import yaml

from xlfollow.errors import WorkspaceError
from xlfollow.files import write_atomically
from xlfollow.mail.xoauth2 import smtp_xoauth2
from xlfollow.messages import Text
from xlfollow.model import Language, Security, Smtp
from xlfollow.secrets import secret

__all__ = [
    "PASSWORD_VARIABLE",
    "Delivery",
    "Letter",
    "LetterKind",
    "LetterParts",
    "Sent",
    "compose",
    "greeting",
    "mail_texts",
    "send_letters",
    "write_draft",
]

PASSWORD_VARIABLE = "XLFOLLOW_SMTP_PASSWORD"
_LOOPBACK = ("127.0.0.1", "::1", "localhost")
"""Hosts a token may go to unencrypted: this machine's own (a test server, a relay)."""
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


class LetterKind(StrEnum):
    """What a letter to a centre is: its workbook going out, a reminder, or the receipt
    of a file it sent. Its templates in mail.yaml are named by it (`send_subject`,
    `remind_body`, `receipt_body`)."""

    SEND = "send"
    REMIND = "remind"
    RECEIPT = "receipt"


class Delivery(StrEnum):
    """How a round's letters go: written as .eml drafts, sent through the mail server,
    or only said (a dry run)."""

    EML = "eml"
    SMTP = "smtp"
    DRY_RUN = "dry-run"


@dataclass(frozen=True)
class Letter:
    """One message to one centre, with its workbook attached."""

    kind: LetterKind
    centre: str
    address: str
    issue_id: str | None
    message: EmailMessage


@dataclass(frozen=True)
class Sent:
    """What became of one letter given to a mail server."""

    letter: Letter
    error: Text | None = None
    """None when the server took it; else why not."""


@cache
def _packaged(language: Language) -> dict[str, str]:
    text = (files("xlfollow.workbook_templates") / "mail.yaml").read_text("utf-8")
    data: dict[str, dict[str, str]] = yaml.safe_load(text)
    return data[language.value]


def mail_texts(language: Language, workspace: Path | None = None) -> dict[str, str]:
    """The message templates in a language: the workspace's mail.yaml over the packaged."""
    texts = dict(_packaged(language))
    own = workspace / "mail.yaml" if workspace is not None else None
    if own is not None and own.is_file():
        try:
            data = yaml.safe_load(own.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise WorkspaceError(
                Text(
                    "{path}: not valid YAML ({why}); fix it or remove it",
                    path=str(own),
                    why=str(exc),
                )
            ) from exc
        chosen = data.get(language.value, {}) if isinstance(data, dict) else {}
        if not isinstance(chosen, dict):
            raise WorkspaceError(
                Text(
                    "{path}: `{language}:` should hold the templates",
                    path=str(own),
                    language=language.value,
                )
            )
        texts.update({str(key): str(value) for key, value in chosen.items()})
    return texts


@dataclass(frozen=True)
class LetterParts:
    """What a letter is made from: its templates and the values they are filled with,
    who it is from and to, and the workbook it carries."""

    kind: LetterKind
    """Its templates are `{kind}_subject` and `{kind}_body`."""
    texts: Mapping[str, str]
    """The templates, by name (mail_texts)."""
    values: Mapping[str, str]
    """The placeholders' values."""
    sender: str
    """The From address; '' leaves it to the mail program."""
    reply_to: str
    """The settings' reply_to: an address, or words ("økonomiafdelingen")."""
    address: str
    """The centre's address."""
    attachment: Path | None
    """The workbook; None for a letter without one (a receipt)."""
    extra: Mapping[str, str] = field(default_factory=dict)
    """Placeholders of this kind of letter only (a reminder's items)."""


def greeting(centre: str, texts: Mapping[str, str]) -> str:
    """The salutation of a letter to a centre: "Kære Center for Social og Sundhed" for
    a centre's short name, "Kære Center for Ejendomme" for a name that says it is a
    centre already, and "Til 0-25 års udvalget" for a name that is not a centre's (a
    word of it ends in one of greeting_other_words: "Digitaliseringssekretariatet"),
    where "Kære" would need an indefinite noun."""
    words = [word.strip(".,;:()").casefold() for word in centre.split()]
    other = {w.strip().casefold() for w in texts.get("greeting_other_words", "").split(",")}
    if words and words[0] == texts.get("centre_word", "").casefold():
        key = "greeting"
    elif any(word.endswith(end) for word in words for end in other if end):
        key = "greeting_other"
    else:
        key = "greeting_centre"
    return texts.get(key, "{centre}").format(centre=centre)


def compose(parts: LetterParts) -> EmailMessage:
    """A message from the templates `{kind}_subject` and `{kind}_body`, the workbook
    (if any) attached under its own name."""
    kind, sender, reply_to = parts.kind, parts.sender, parts.reply_to
    attachment = parts.attachment
    filled = {
        "greeting": greeting(parts.values.get("centre", ""), parts.texts),
        **parts.values,
        **({"file": attachment.name} if attachment is not None else {}),
        **parts.extra,
    }
    try:
        subject = parts.texts[f"{kind}_subject"].format(**filled)
        body = parts.texts[f"{kind}_body"].format(**filled)
    except (KeyError, IndexError, ValueError) as exc:
        raise WorkspaceError(
            Text(
                "mail template {kind}: a placeholder it uses is unknown ({why}); "
                "see the list at the top of workbook_templates/mail.yaml",
                kind=kind,
                why=str(exc),
            )
        ) from exc
    message = EmailMessage()
    message["Subject"] = subject
    if sender:
        message["From"] = sender  # a draft without one gets the mail program's
    message["To"] = parts.address
    if "@" in reply_to and reply_to != sender:  # reply_to may be words: "økonomiafdelingen"
        message["Reply-To"] = reply_to
    message["Date"] = format_datetime(datetime.now(UTC))
    # The sender's domain; never the machine's name, whose lookup can hang for seconds.
    domain = sender.rpartition("@")[2] or "xlfollow.invalid"
    message["Message-ID"] = make_msgid("xlfollow", domain=domain)
    message.set_content(body)
    if attachment is not None:
        message.add_attachment(
            attachment.read_bytes(),
            maintype=XLSX_TYPE[0],
            subtype=XLSX_TYPE[1],
            filename=attachment.name,
        )
    return message


def write_draft(letter: Letter, folder: Path, stem: str | None = None) -> Path:
    """Save a letter as an .eml draft named `stem`, by default after its workbook;
    X-Unsent makes Outlook open it as a message ready to send (Thunderbird opens it
    as it is)."""
    draft = copy.deepcopy(letter.message)
    del draft["Message-ID"]
    draft["X-Unsent"] = "1"
    if stem is None:
        attachment = next(letter.message.iter_attachments()).get_filename() or "workbook.xlsx"
        stem = Path(attachment).stem  # a reminder's workbook is named as one already
    path = folder / f"{stem}.eml"
    write_atomically(path, bytes(draft))
    return path


def password(smtp: Smtp) -> str:
    """The mail server's password: from the environment, else the keyring, else ''."""
    return secret(PASSWORD_VARIABLE, f"{smtp.user}@{smtp.host}" if smtp.user else "")


def send_letters(
    smtp: Smtp, letters: Iterable[Letter], token: Callable[[], str] | None = None
) -> Iterator[Sent]:
    """Give each letter to the mail server, saying what became of it as soon as the
    server has answered; one refused does not stop the others. With `token` (it gives
    an OAuth 2.0 access token), the login is XOAUTH2 (Microsoft 365), else a password.

    WorkspaceError, before any letter goes, if no server or sender is given, or the
    server cannot be reached or refuses the login."""
    if token is None:
        server = _logged_in(smtp, _secret(smtp))
    else:
        _secret(replace(smtp, user=""))  # the server and sender checked; no password
        if smtp.security is Security.NONE and smtp.host not in _LOOPBACK:
            raise WorkspaceError(
                Text(
                    "a Microsoft 365 sign-in is never sent unencrypted: give security = "
                    '"starttls" (port 587) or "tls" (port 465) under [smtp], or --security'
                )
            )
        user = smtp.user or parseaddr(smtp.sender)[1]
        # The token before the connection: a sign-in with a code can take minutes.
        server = _logged_in(replace(smtp, user=""), "", (user, token()))
    try:
        for letter in letters:
            try:
                refused = server.send_message(letter.message)
            except smtplib.SMTPRecipientsRefused as exc:
                yield Sent(letter, _refusal(exc.recipients))
                continue
            except (smtplib.SMTPException, OSError) as exc:
                yield Sent(letter, Text("the mail server did not take it: {why}", why=str(exc)))
                continue
            yield Sent(letter, _refusal(refused) if refused else None)
    finally:
        try:
            server.quit()
        except (smtplib.SMTPException, OSError):
            server.close()


def _secret(smtp: Smtp) -> str:
    """The password for the settings' server, once they are checked to name a server,
    a sender, and a password where they name a user."""
    if not smtp.host:
        raise WorkspaceError(
            Text("no mail server: give host under [smtp] in xlfollow.toml, or --host")
        )
    if not smtp.sender:
        raise WorkspaceError(
            Text("no sender address: give sender under [smtp] in xlfollow.toml, or --sender")
        )
    secret = password(smtp)
    if smtp.user and not secret:
        raise WorkspaceError(
            Text(
                "the mail server wants a password for {user}: set the environment "
                "variable {variable} (it is never read from xlfollow.toml)",
                user=smtp.user,
                variable=PASSWORD_VARIABLE,
            )
        )
    return secret


def _logged_in(smtp: Smtp, secret: str, oauth: tuple[str, str] | None = None) -> smtplib.SMTP:
    """A connection to the mail server, secured as the settings say and logged in:
    with the user and password, or with XOAUTH2 and `oauth` (the mailbox and token)."""
    port = smtp.port_or_default
    try:
        if smtp.security is Security.TLS:
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                smtp.host, port, context=ssl.create_default_context(), timeout=30
            )
        else:
            server = smtplib.SMTP(smtp.host, port, timeout=30)
            if smtp.security is Security.STARTTLS:
                server.starttls(context=ssl.create_default_context())
        if smtp.user:
            server.login(smtp.user, secret)
        if oauth is not None:
            try:
                smtp_xoauth2(server, *oauth)
            except WorkspaceError:
                server.close()
                raise
    except (OSError, smtplib.SMTPException) as exc:
        raise WorkspaceError(
            Text(
                "cannot send through {host}:{port} ({security}): {why}; "
                "check [smtp] in xlfollow.toml, or use --eml to write drafts instead",
                host=smtp.host,
                port=port,
                security=smtp.security.value,
                why=str(exc),
            )
        ) from exc
    return server


def _refusal(recipients: dict[str, tuple[int, bytes]]) -> Text:
    replies = "; ".join(
        f"{address}: {code} {reply.decode(errors='replace')}"
        for address, (code, reply) in recipients.items()
    )
    return Text("the mail server refused the address: {replies}", replies=replies)
