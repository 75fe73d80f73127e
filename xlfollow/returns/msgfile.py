"""A reply Outlook saved whole (.msg) in inbox/: its sender, date and subject, and the
workbooks attached to it, as the same SavedMessage a saved .eml gives.

A .msg is a Compound File Binary ([MS-CFB]) holding a message as [MS-OXMSG] lays it
out; olefile (BSD-2-Clause) reads the compound file, and this module its properties:
the message's in its __properties_version1.0 stream and __substg1.0_ streams, each
attachment's in its __attach_version1.0_#XXXXXXXX storage. Only the attachments that
are spreadsheets are read; an attached message is looked into one level deep, as a
forwarded .eml is. A file is hostile until read: no stream larger than the file itself
is opened, and all the streams read together are no larger than it either, so a lying
size or a cyclic sector chain cannot make olefile read gigabytes out of a few bytes.
"""

from __future__ import annotations

import codecs
import email
import email.errors
import hashlib
import io
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address
from email.message import Message
from email.policy import default
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Any

import olefile

from xlfollow.errors import WorkbookError
from xlfollow.ledger.records import MailOrigin
from xlfollow.messages import Text
from xlfollow.returns.mailfiles import (
    Attachment,
    SavedMessage,
    collected,
    message_bytes,
    spreadsheet_name,
)
from xlfollow.returns.returnedfiles import printable_name, too_large

__all__ = ["is_outlook", "read_msg"]

_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
_PROPERTIES = "__properties_version1.0"
_ATTACHMENT = "__attach_version1.0_#"
_EMBEDDED = "__substg1.0_3701000D"
# The property stream's header: 32 bytes for the message, 8 for an attachment
# ([MS-OXMSG] 2.4.1; 24 for an attached message, whose own properties are not read).
_TOP, _ATTACHED = 32, 8
_UNICODE, _STRING8, _BINARY, _LONG, _SYSTIME = 0x001F, 0x001E, 0x0102, 0x0003, 0x0040
_EMBEDDED_MESSAGE = 5
"""PR_ATTACH_METHOD of an attached message (afEmbeddedMessage), kept in a storage."""
_MOST_STORAGES = 2048
"""[MS-OXMSG] 2.2.2: a message has at most 2048 attachments."""
_ENCODINGS = {65001: "utf-8", 20127: "ascii", 1200: "utf-16-le", 28591: "latin-1"}
# What olefile raises on a file that is not what it says (its own OleFileError is an
# OSError; ValueError, LookupError and OverflowError for indexes and sizes out of range,
# this module's own _Damaged among them); a tree of storages nested past Python's
# recursion limit is a RecursionError.
_CANNOT_READ = (OSError, struct.error, ValueError, LookupError, OverflowError, RecursionError)
# What the standard library raises on transport headers it cannot take apart (as for a
# saved .eml); a header that cannot be read is left out, as one that is not there.
_CANNOT_PARSE = (email.errors.MessageError, ValueError, LookupError, TypeError, AttributeError)


class _Damaged(ValueError):
    """What this module finds wrong in a compound file olefile opened."""


def is_outlook(path: Path) -> bool:
    """True if a saved message is Outlook's, by its name."""
    return path.suffix.lower() == ".msg"


def read_msg(path: Path) -> SavedMessage:
    """An Outlook message's origin and spreadsheet attachments; WorkbookError, in words
    about mail, if it is no .msg xlfollow can read."""
    data = message_bytes(path)
    if not data.startswith(_MAGIC):
        raise WorkbookError(path, _NOT_OUTLOOK)
    try:
        _check_header(data)
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            reader = _Reader(ole, len(data))
            if not reader.is_stream((_PROPERTIES,)):
                raise WorkbookError(path, _NOT_OUTLOOK)
            origin = reader.origin(hashlib.sha256(data).hexdigest())
            attachments: list[Attachment] = []
            refused: list[tuple[str, Text]] = []
            reader.attachments((), attachments, refused, forwarded=False)
    except _CANNOT_READ as exc:
        raise WorkbookError(path, _broken(exc)) from exc
    return collected(path, origin, attachments, refused)


_NOT_OUTLOOK = Text(
    "not an Outlook message (.msg) xlfollow can read; save the reply again from Outlook, "
    "or save its attached workbook in inbox/ instead"
)


def _broken(exc: Exception) -> Text:
    return Text(
        "not an Outlook message (.msg) xlfollow can read ({why}); save the reply again from "
        "Outlook, or save its attached workbook in inbox/ instead",
        why=printable_name(str(exc))[:200] or type(exc).__name__,
    )


def _check_header(data: bytes) -> None:
    """The compound file's header read before olefile reads it: no count of sectors in
    it larger than the file, which olefile would read as told."""
    if len(data) < 512:
        raise _Damaged("it is shorter than a compound file's header")
    shift = int.from_bytes(data[30:32], "little")
    if shift not in (9, 12):
        raise _Damaged(f"its header gives sectors of 2**{shift} bytes, not 512 or 4096")
    for offset in (40, 44, 64, 72):  # directory, FAT, mini FAT and DIFAT sectors
        if int.from_bytes(data[offset : offset + 4], "little") << shift > len(data):
            raise _Damaged("its header counts more sectors than the file has")


def _whole_chain(table: Sequence[int], start: int, count: int) -> bool:
    """True if a stream's chain of `count` sectors from `start` visits each once and
    ends there: a chain that loops would have olefile read one sector over and over."""
    seen = set()
    sector = start
    for _ in range(count):
        if sector >= len(table) or sector in seen:
            return False
        seen.add(sector)
        sector = table[sector]
    return bool(sector == olefile.ENDOFCHAIN)


@dataclass(frozen=True)
class _Property:
    kind: int
    value: bytes
    """The entry's 8 bytes: a fixed value, or a variable one's size."""

    def number(self) -> int:
        """A fixed value as a number: PT_LONG's 4 bytes, or all 8."""
        return int.from_bytes(self.value[:4] if self.kind == _LONG else self.value, "little")


class _Reader:
    """The properties of a message and its attachments in an open compound file, each
    stream's size checked against what is left of the file's before it is read."""

    def __init__(self, ole: olefile.OleFileIO, size: int) -> None:
        self.ole = ole
        self.left = size
        self.encoding = "cp1252"
        """The message's 8-bit strings' code page, its attachments' and attached messages'
        too (an attachment has no code page of its own)."""
        root = ole.root
        if root is None or root.size > size:
            raise _Damaged("its mini stream is larger than the file")
        chain = -(-root.size // ole.sectorsize)
        if root.size and not _whole_chain(ole.fat, root.isectStart, chain):
            raise _Damaged("the chain of its mini stream's sectors is broken")

    def is_stream(self, path: tuple[str, ...]) -> bool:
        """True if the compound file has a stream (not a storage) at `path`."""
        return bool(self.ole.exists("/".join(path))) and (
            self.ole.get_type("/".join(path)) == olefile.STGTY_STREAM
        )

    def size(self, path: tuple[str, ...]) -> int:
        """A stream's size, if it is no larger than what is left of the file."""
        name = "/".join(path)
        if not self.is_stream(path):
            raise _Damaged(f"it has no stream {name}")
        size = self.ole.get_size(name)
        if not isinstance(size, int) or size > self.left:
            raise _Damaged(f"the stream {name} is said to be larger than the file")
        return size

    def stream(self, path: tuple[str, ...]) -> bytes:
        """A stream's bytes, its size and its chain of sectors checked first."""
        name = "/".join(path)
        size = self.size(path)
        self.left -= size
        self._check_chain(path, size)
        with self.ole.openstream(name) as stream:
            data: bytes = stream.read(size)
        return data

    def _entry(self, path: tuple[str, ...]) -> Any:
        """The directory entry of a stream or storage (olefile's OleDirectoryEntry)."""
        entry = self.ole.root
        for part in path:
            entry = entry.kids_dict[part.lower()]
        return entry

    def _check_chain(self, path: tuple[str, ...], size: int) -> None:
        entry = self._entry(path)
        if size == 0:
            return
        if size < self.ole.minisectorcutoff:
            if self.ole.minifat is None:
                self.ole.loadminifat()
            table, sector = self.ole.minifat, self.ole.minisectorsize
        else:
            table, sector = self.ole.fat, self.ole.sectorsize
        if not _whole_chain(table, entry.isectStart, -(-size // sector)):
            raise _Damaged(f"the chain of sectors of the stream {'/'.join(path)} is broken")

    def properties(self, storage: tuple[str, ...], header: int) -> dict[int, _Property]:
        """A storage's property stream, by property id: each entry's type and 8 bytes."""
        data = self.stream((*storage, _PROPERTIES))
        found = {}
        for offset in range(header, len(data) - 15, 16):
            tag = int.from_bytes(data[offset : offset + 4], "little")
            found[tag >> 16] = _Property(tag & 0xFFFF, data[offset + 8 : offset + 16])
        return found

    def text(self, storage: tuple[str, ...], prop: int, lines: bool = False) -> str:
        """A string property, Unicode or in the message's code page, on one line (or its
        lines kept); '' if it has none."""
        for kind, encoding in ((_UNICODE, "utf-16-le"), (_STRING8, self.encoding)):
            path = (*storage, f"__substg1.0_{prop:04X}{kind:04X}")
            if self.is_stream(path):
                text = printable_name(self.stream(path).decode(encoding, "replace"))
                text = text.split("\0")[0]
                return text if lines else " ".join(text.split())
        return ""

    def origin(self, sha256: str) -> MailOrigin:
        """Who sent the message, when, its subject and Message-ID."""
        props = self.properties((), _TOP)
        self.encoding = _encoding(props)
        headers = _headers(self.text((), 0x007D, lines=True))
        address = self.text((), 0x5D01)
        if not address:
            address = self.text((), 0x0C1F)
            # An Exchange address (/O=...) names no mailbox a centre's address matches.
            address = address if "@" in address and not address.startswith("/") else ""
        name = self.text((), 0x0C1A)
        sender = _sender(name, address) if address else _header(headers, "From") or name
        return MailOrigin(
            sha256,
            sender,
            _time(props.get(0x0039)) or _time(props.get(0x0E06)) or _header(headers, "Date"),
            self.text((), 0x0037) or _header(headers, "Subject"),
            self.text((), 0x1035) or _header(headers, "Message-ID"),
        )

    def attachments(
        self,
        storage: tuple[str, ...],
        taken: list[Attachment],
        refused: list[tuple[str, Text]],
        forwarded: bool,
    ) -> None:
        """The spreadsheets attached to the message in `storage`, and to a message
        attached to it (one level deep)."""
        # The storage's own children, not olefile's listdir: that lists the whole file,
        # once for each attached message.
        names = sorted(
            kid.name
            for kid in self._entry(storage).kids
            if kid.entry_type == olefile.STGTY_STORAGE and kid.name.startswith(_ATTACHMENT)
        )
        if len(names) > _MOST_STORAGES:
            raise _Damaged(f"{len(names)} attachments, more than a message can have")
        for name in names:
            here = (*storage, name)
            method = self.properties(here, _ATTACHED).get(0x3705)  # PR_ATTACH_METHOD
            if self.ole.get_type("/".join((*here, _EMBEDDED))) == olefile.STGTY_STORAGE:
                if not forwarded:
                    self.attachments((*here, _EMBEDDED), taken, refused, forwarded=True)
            elif method is None or method.number() != _EMBEDDED_MESSAGE:
                self._attachment(here, taken, refused)

    def _attachment(
        self, here: tuple[str, ...], taken: list[Attachment], refused: list[tuple[str, Text]]
    ) -> None:
        filename = self.text(here, 0x3707) or self.text(here, 0x3704)
        name = spreadsheet_name(filename, self.text(here, 0x370E))
        content = (*here, f"__substg1.0_3701{_BINARY:04X}")
        if name is None or not self.is_stream(content):
            return
        why = too_large(self.size(content))
        if why is not None:
            refused.append((name, why))
        else:
            taken.append(Attachment(name, self.stream(content)))


def _encoding(props: dict[int, _Property]) -> str:
    """The code page of a message's 8-bit strings: PR_MESSAGE_CODEPAGE, else
    PR_INTERNET_CPID, else Windows-1252 (what Outlook in Denmark writes)."""
    for prop in (0x3FFD, 0x3FDE):
        found = props.get(prop)
        if found is not None and found.kind == _LONG:
            page = found.number()
            encoding = _ENCODINGS.get(page, f"cp{page}")
            try:
                return codecs.lookup(encoding).name
            except LookupError:
                continue
    return "cp1252"


def _time(prop: _Property | None) -> str:
    """A PT_SYSTIME (100 ns since 1601, UTC) as a mail's Date header writes it."""
    if prop is None or prop.kind != _SYSTIME:
        return ""
    try:
        moment = datetime(1601, 1, 1, tzinfo=UTC) + timedelta(microseconds=prop.number() // 10)
    except OverflowError:
        return ""
    return format_datetime(moment)


def _sender(name: str, address: str) -> str:
    """'Name <address>' as a From header shows it, the name quoted where it must be."""
    if not name or name == address:
        return address
    try:
        return str(Address(display_name=name, addr_spec=address))
    except (ValueError, IndexError, email.errors.HeaderParseError):
        return f"{name} <{parseaddr(address)[1] or address}>"


def _headers(text: str) -> Message | None:
    """The transport headers a received message keeps (PR_TRANSPORT_MESSAGE_HEADERS)."""
    try:
        return email.message_from_string(text, policy=default) if text else None
    except _CANNOT_PARSE:
        return None


def _header(headers: Message | None, name: str) -> str:
    try:
        value = None if headers is None else headers.get(name)
        return "" if value is None else " ".join(printable_name(str(value)).split())
    except _CANNOT_PARSE:
        return ""
