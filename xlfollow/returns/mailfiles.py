"""A reply saved whole (.eml) in inbox/: its sender, date and subject, and the workbooks
attached to it, taken out as bytes for the intake to read like any returned file.
(Outlook's .msg is taken apart by msgfile, into the same SavedMessage.)

The message is parsed by the standard library and nothing in it is run or shown:
only its headers are read, and the attachments that are spreadsheets (by name or
content type) are decoded. A forwarded message (message/rfc822) is looked into
one level deep; a message or attachment that is no mail xlfollow reads is said
in words about mail.
"""

from __future__ import annotations

import email
import email.errors
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage, Message
from email.policy import default
from email.utils import parseaddr
from pathlib import Path, PurePosixPath

from xlfollow.errors import WorkbookError
from xlfollow.ledger.records import MailOrigin
from xlfollow.messages import Text
from xlfollow.model import Definition
from xlfollow.returns.returnedfiles import printable_name, too_large

__all__ = [
    "MAIL_SUFFIXES",
    "MAX_MESSAGE_BYTES",
    "Attachment",
    "SavedMessage",
    "centre_by_address",
    "collected",
    "is_mail",
    "message_bytes",
    "read_message",
    "spreadsheet_name",
]

MAIL_SUFFIXES = (".eml", ".msg")
"""The names of saved messages in inbox/."""
_XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Spreadsheets other than .xlsx are taken out too, so that the scan refuses them in
# the words it gives such a file ("an old .xls workbook; save it as .xlsx ...").
_SPREADSHEET_TYPES = {
    _XLSX_TYPE: ".xlsx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.ms-excel.sheet.macroenabled.12": ".xlsm",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "text/csv": ".csv",
}
_SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
MAX_MESSAGE_BYTES = 64 * 2**20
"""The largest saved message read: a reply with a workbook attached is well under a
megabyte, and mail servers carry 25 to 150 MB. A message is parsed in the merging
process itself (at about five times its size in memory), not in a reader process
with its limits, so a large one is refused before it is read."""
_MOST_ATTACHMENTS = 50
"""The most spreadsheets one message may carry: a centre sends one, or a few."""
_DEEPEST = 8
"""How deep multipart parts are looked into (a mail program nests two or three)."""
_HEADERS = ("From", "To", "Subject", "Date", "Message-ID")
# What the standard library raises on a message it cannot take apart. One nested
# thousands of parts deep takes the parser past Python's recursion limit.
_CANNOT_PARSE = (
    email.errors.MessageError,
    ValueError,
    LookupError,
    TypeError,
    AttributeError,
    RecursionError,
)


@dataclass(frozen=True)
class Attachment:
    """A spreadsheet attached to a message: its file name and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class SavedMessage:
    """A saved message: where it came from, and the spreadsheets attached to it."""

    origin: MailOrigin
    attachments: tuple[Attachment, ...]
    refused: tuple[tuple[str, Text], ...] = ()
    """Attachments refused before they are read (too large), with why."""


def centre_by_address(origin: MailOrigin, definition: Definition) -> str | None:
    """The centre whose address (in the settings) sent a message; None if none did."""
    address = parseaddr(origin.sender)[1].strip().lower()
    found = [c.name for c in definition.centres if address and c.email.strip().lower() == address]
    return found[0] if len(found) == 1 else None


def is_mail(path: Path) -> bool:
    """True if a returned file is a saved message, by its name."""
    return path.suffix.lower() in MAIL_SUFFIXES


def message_bytes(path: Path) -> bytes:
    """A saved message's bytes, if it is not larger than a reply with a workbook is."""
    try:
        size = path.stat().st_size
        if size > MAX_MESSAGE_BYTES:
            raise WorkbookError(
                path,
                Text(
                    "the message is {megabytes} MB, more than a reply with a workbook "
                    "attached ({limit} MB): save the workbook from the message into inbox/ "
                    "instead",
                    megabytes=size // 2**20,
                    limit=MAX_MESSAGE_BYTES // 2**20,
                ),
            )
        return path.read_bytes()
    except OSError as exc:
        raise WorkbookError(
            path, Text("cannot be read: {why}", why=exc.strerror or str(exc))
        ) from exc


def read_message(path: Path) -> SavedMessage:
    """A saved message's origin and spreadsheet attachments; WorkbookError, in words about
    mail, if it is no message xlfollow can read."""
    data = message_bytes(path)
    try:
        message = email.message_from_bytes(data, policy=default)
        found = any(name in message for name in _HEADERS)
    except _CANNOT_PARSE as exc:
        raise WorkbookError(path, _broken(exc)) from exc
    if not found:
        raise WorkbookError(path, _NOT_A_MESSAGE)
    try:
        origin = MailOrigin(
            hashlib.sha256(data).hexdigest(),
            *(_header(message, name) for name in ("From", "Date", "Subject", "Message-ID")),
        )
        attachments, refused = [], []
        for part in _leaves(message, depth=0, forwarded=False):
            name = _spreadsheet_name(part)
            if name is None:
                continue
            content = part.get_payload(decode=True)
            if not isinstance(content, bytes):
                continue
            why = too_large(len(content))
            if why is not None:
                refused.append((name, why))
            else:
                attachments.append(Attachment(name, content))
    except _CANNOT_PARSE as exc:
        raise WorkbookError(path, _broken(exc)) from exc
    return collected(path, origin, attachments, refused)


def collected(
    path: Path, origin: MailOrigin, attachments: list[Attachment], refused: list[tuple[str, Text]]
) -> SavedMessage:
    """A message's spreadsheets taken out, if they are no more than a centre sends."""
    if len(attachments) > _MOST_ATTACHMENTS:
        raise WorkbookError(
            path,
            Text(
                "the message has {count} spreadsheets attached, more than a centre sends; "
                "save each centre's reply on its own",
                count=len(attachments),
            ),
        )
    return SavedMessage(origin, tuple(attachments), tuple(refused))


_NOT_A_MESSAGE = Text(
    "not a saved mail message: it has no From, To, Subject or Date; save the reply again "
    "from the mail program as a message (.eml, or .msg from Outlook), or save its attached "
    "workbook in inbox/"
)


def _broken(exc: Exception) -> Text:
    return Text(
        "the saved message cannot be read ({why}); save the reply again from the mail "
        "program, or save its attached workbook in inbox/",
        why=printable_name(str(exc))[:200],
    )


def _header(message: EmailMessage, name: str) -> str:
    """A header's value as text that can be printed (bytes that are not text as �)."""
    value = message.get(name)
    return "" if value is None else " ".join(printable_name(str(value)).split())


def _leaves(message: Message, depth: int, forwarded: bool) -> Iterator[Message]:
    """The parts of a message that hold content, a forwarded message's among them (one
    level deep only), multipart nesting followed no deeper than _DEEPEST."""
    if message.get_content_type() == "message/rfc822":
        if not forwarded:
            for inner in message.get_payload():
                if isinstance(inner, Message):
                    yield from _leaves(inner, depth + 1, forwarded=True)
        return
    if not message.is_multipart():
        yield message
        return
    if depth >= _DEEPEST:
        return
    for part in message.get_payload():
        if isinstance(part, Message):
            yield from _leaves(part, depth + 1, forwarded)


def _spreadsheet_name(part: Message) -> str | None:
    return spreadsheet_name(str(part.get_filename() or ""), part.get_content_type())


def spreadsheet_name(filename: str, content_type: str) -> str | None:
    """The file name of a spreadsheet attachment (its last path part only, as text that
    can be printed), by its name or content type; None for any other attachment."""
    name = PurePosixPath(printable_name(filename).replace("\\", "/")).name
    name = "".join(char for char in name if char.isprintable()).strip()
    if name.lower().endswith(_SPREADSHEET_SUFFIXES):
        return name
    suffix = _SPREADSHEET_TYPES.get(content_type.strip().lower())
    return None if suffix is None else f"{name or 'attachment'}{suffix}"
