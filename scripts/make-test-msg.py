"""Write Outlook messages (.msg) for the tests, with no Outlook: a small writer of the
Compound File Binary format ([MS-CFB], version 3: 512-byte sectors, a FAT, a mini FAT
for streams under 4096 bytes, each storage's children a red-black tree) holding a
message as [MS-OXMSG] lays it out (a root property stream with its 32-byte header,
__substg1.0_ streams, __nameid_version1.0, recipient and attachment storages, an
attached message as a storage of its own).

    python scripts/make-test-msg.py            # remakes tests/data/mail/*.msg

Its output is read by olefile, and by extract-msg (tried in a throwaway venv, never
a dependency of xlfollow): see tests/data/mail/README.md. Tests import `msg_bytes`
to make messages at run time.
"""

from __future__ import annotations

import io
import struct
import sys
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREE, END, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
STORAGE, STREAM, ROOT = 1, 2, 5
RED, BLACK = 0, 1
# The class id Outlook gives a message's root storage.
MESSAGE_CLSID = bytes.fromhex("0b0d020000000000c000000000000046")

# Property types ([MS-OXCDATA] 2.11.1) and the properties written.
PT_LONG, PT_BOOLEAN, PT_SYSTIME = 0x0003, 0x000B, 0x0040
PT_STRING8, PT_UNICODE, PT_BINARY, PT_OBJECT = 0x001E, 0x001F, 0x0102, 0x000D


# ---------------------------------------------------------------- the compound file


@dataclass
class Node:
    """A storage (with children) or a stream (with data) of a compound file."""

    name: str
    data: bytes | None = None
    children: list[Node] = field(default_factory=list)
    clsid: bytes = b"\0" * 16


def _order(node: Node) -> tuple[int, str]:
    """[MS-CFB] 2.6.4: siblings compare by the name's length first, then upper-cased."""
    return len(node.name), node.name.upper()


@dataclass
class _Entry:
    node: Node
    kind: int
    left: int = NO_STREAM
    right: int = NO_STREAM
    child: int = NO_STREAM
    colour: int = BLACK
    start: int = END
    size: int = 0


def _entries(root: Node) -> list[_Entry]:
    """The directory, the root first, each storage's children as a balanced tree: red on
    its last level where that level is not full, so every path has as many black."""
    entries = [_Entry(root, ROOT)]

    def add(storage: _Entry) -> None:
        kids = sorted(storage.node.children, key=_order)
        ids = []
        for kid in kids:
            ids.append(len(entries))
            entries.append(_Entry(kid, STREAM if kid.data is not None else STORAGE))
        height = len(kids).bit_length()
        full = len(kids) == 2**height - 1

        def tree(low: int, high: int, depth: int) -> int:
            if low >= high:
                return NO_STREAM
            middle = (low + high) // 2
            entry = entries[ids[middle]]
            entry.left = tree(low, middle, depth + 1)
            entry.right = tree(middle + 1, high, depth + 1)
            entry.colour = RED if depth == height - 1 and not full else BLACK
            return ids[middle]

        storage.child = tree(0, len(kids), 0)
        for index in ids:
            if entries[index].kind == STORAGE:
                add(entries[index])

    add(entries[0])
    return entries


class _Chains:
    """Sectors of one size, each stream's a chain in its allocation table."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.data = bytearray()
        self.table: list[int] = []

    def add(self, data: bytes, marker: int | None = None) -> int:
        """Place `data` in sectors of its own; its first sector's index."""
        start, count = len(self.table), -(-len(data) // self.size)
        for offset in range(count):
            last = offset == count - 1
            self.table.append(marker if marker is not None else END if last else start + offset + 1)
        self.data += data + b"\0" * (-len(data) % self.size)
        return start


def _directory_entry(entry: _Entry) -> bytes:
    if len(entry.node.name) > 31:
        raise ValueError(f"a name of at most 31 characters: {entry.node.name}")
    name = entry.node.name.encode("utf-16-le") + b"\0\0"
    links = (entry.kind, entry.colour, entry.left, entry.right, entry.child, entry.node.clsid)
    return struct.pack(_ENTRY, name, len(name), *links, 0, 0, 0, entry.start, entry.size)


_ENTRY = "<64sHBBIII16sIQQIQ"
_UNUSED = struct.pack(_ENTRY, b"", 0, 0, 0, NO_STREAM, NO_STREAM, NO_STREAM, b"", 0, 0, 0, 0, 0)


def _table(words: list[int]) -> bytes:
    """An allocation table, filled up to a whole sector with free entries."""
    words = words + [FREE] * (-len(words) % (SECTOR // 4))
    return struct.pack(f"<{len(words)}I", *words)


def compound_file(root: Node) -> bytes:
    """A compound file (version 3) holding the tree under `root`."""
    entries = _entries(root)
    sectors, mini = _Chains(SECTOR), _Chains(MINI_SECTOR)
    for entry in entries[1:]:
        if entry.node.data:
            entry.size = len(entry.node.data)
            chains = mini if entry.size < MINI_CUTOFF else sectors
            entry.start = chains.add(entry.node.data)
    if mini.table:
        entries[0].start, entries[0].size = sectors.add(bytes(mini.data)), len(mini.data)
    mini_fat = sectors.add(_table(mini.table)) if mini.table else END
    directory = b"".join(_directory_entry(entry) for entry in entries)
    directory_start = sectors.add(directory + _UNUSED * (-len(entries) % (SECTOR // 128)))
    fat_count = 0
    while fat_count * SECTOR // 4 < len(sectors.table) + fat_count:
        fat_count += 1
    if fat_count > 109:
        raise ValueError("a file this large wants a DIFAT, which this writer does not write")
    fat_start = sectors.add(b"\0" * SECTOR * fat_count, marker=FAT_SECTOR)
    difat = list(range(fat_start, fat_start + fat_count)) + [FREE] * (109 - fat_count)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII109I",
        bytes.fromhex("d0cf11e0a1b11ae1"),
        b"\0" * 16,
        0x003E,  # minor version
        0x0003,  # major version: 512-byte sectors
        0xFFFE,  # little-endian
        9,  # sector shift: 2**9
        6,  # mini sector shift: 2**6
        b"\0" * 6,
        0,  # directory sectors: 0 in version 3
        fat_count,
        directory_start,
        0,  # transaction signature
        MINI_CUTOFF,
        mini_fat,
        -(-len(mini.table) // (SECTOR // 4)),
        END,  # no DIFAT sector
        0,
        *difat,
    )
    fat = _table(sectors.table)
    body = bytes(sectors.data[: fat_start * SECTOR])
    return header + body + fat


# ---------------------------------------------------------------- the message


@dataclass
class File:
    """A file attached by value."""

    name: str
    data: bytes
    mime: str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Message:
    """A message as Outlook saves it, with what xlfollow reads of it."""

    subject: str = "SV: Aftale om budget 2018"
    sender_name: str = "Social og Sundhed"
    sender_address: str = "sos@ballerup.dk"
    sent: datetime | None = datetime(2018, 4, 9, 8, 15, tzinfo=UTC)
    message_id: str = "<svar-1@ballerup.dk>"
    body: str = "Hermed vores svar.\r\n\r\nVenlig hilsen\r\nSocial og Sundhed\r\n"
    attachments: list[File | Message] = field(default_factory=list)
    headers: str | None = None
    """The transport headers (007D), as a received message has them."""
    unicode: bool = True
    """Strings as PT_UNICODE; False: PT_STRING8 in `codepage`."""
    codepage: int = 1252
    smtp_sender: bool = True
    """The sender's address as PR_SENDER_SMTP_ADDRESS (5D01) and 0C1F; False: neither."""


def _filetime(moment: datetime) -> int:
    return int((moment - datetime(1601, 1, 1, tzinfo=UTC)).total_seconds() * 10_000_000)


class _Properties:
    """A property stream's entries and the __substg1.0_ streams beside it."""

    def __init__(self, message: Message | None) -> None:
        self.entries: list[bytes] = []
        self.streams: list[Node] = []
        self.message = message

    def fixed(self, prop: int, kind: int, value: int) -> None:
        self.entries.append(struct.pack("<IIQ", prop << 16 | kind, 6, value))

    def variable(self, prop: int, kind: int, data: bytes, size: int) -> None:
        self.entries.append(struct.pack("<IIII", prop << 16 | kind, 6, size, 0))
        self.streams.append(Node(f"__substg1.0_{prop:04X}{kind:04X}", data))

    def text(self, prop: int, value: str) -> None:
        if self.message is None or self.message.unicode:
            self.variable(prop, PT_UNICODE, value.encode("utf-16-le"), len(value) * 2 + 2)
        else:
            data = value.encode(f"cp{self.message.codepage}", "replace")
            self.variable(prop, PT_STRING8, data, len(data) + 1)

    def stream(self, header: bytes) -> Node:
        return Node("__properties_version1.0", header + b"".join(self.entries))


def _attachment(index: int, item: File | Message, owner: Message) -> Node:
    props = _Properties(owner)
    children: list[Node] = []
    props.fixed(0x0E21, PT_LONG, index)  # PR_ATTACH_NUM
    if isinstance(item, File):
        props.fixed(0x3705, PT_LONG, 1)  # PR_ATTACH_METHOD: by value
        props.text(0x3707, item.name)  # PR_ATTACH_LONG_FILENAME
        props.text(0x3704, item.name[:8])  # PR_ATTACH_FILENAME (8.3, as Outlook shortens)
        props.text(0x3001, item.name)  # PR_DISPLAY_NAME
        props.text(0x370E, item.mime)  # PR_ATTACH_MIME_TAG
        props.variable(0x3701, PT_BINARY, item.data, len(item.data))
    else:
        props.fixed(0x3705, PT_LONG, 5)  # an embedded message
        props.text(0x3001, item.subject)
        props.entries.append(struct.pack("<IIII", 0x3701 << 16 | PT_OBJECT, 6, 0xFFFFFFFF, 0))
        inner = _message_storage(item, embedded=True)
        children.append(Node(f"__substg1.0_3701{PT_OBJECT:04X}", children=inner))
    return Node(
        f"__attach_version1.0_#{index:08X}",
        children=[props.stream(b"\0" * 8), *props.streams, *children],
    )


def _recipient(message: Message) -> Node:
    props = _Properties(message)
    props.fixed(0x0C15, PT_LONG, 1)  # PR_RECIPIENT_TYPE: To
    props.fixed(0x3000, PT_LONG, 0)  # PR_ROWID
    props.text(0x3001, "Budgetopfølgning")
    props.text(0x3002, "SMTP")
    props.text(0x3003, "budget@ballerup.dk")
    props.text(0x39FE, "budget@ballerup.dk")
    return Node("__recip_version1.0_#00000000", children=[props.stream(b"\0" * 8), *props.streams])


def _message_storage(message: Message, embedded: bool) -> list[Node]:
    props = _Properties(message)
    props.text(0x001A, "IPM.Note")  # PR_MESSAGE_CLASS
    props.text(0x0037, message.subject)
    props.text(0x0E1D, message.subject)  # PR_NORMALIZED_SUBJECT
    props.text(0x0C1A, message.sender_name)  # PR_SENDER_NAME
    props.text(0x0042, message.sender_name)  # PR_SENT_REPRESENTING_NAME
    props.text(0x0C1E, "SMTP")  # PR_SENDER_ADDRTYPE
    if message.smtp_sender:
        props.text(0x0C1F, message.sender_address)  # PR_SENDER_EMAIL_ADDRESS
        props.text(0x5D01, message.sender_address)  # PR_SENDER_SMTP_ADDRESS
    if message.sent is not None:
        props.fixed(0x0039, PT_SYSTIME, _filetime(message.sent))  # PR_CLIENT_SUBMIT_TIME
        props.fixed(0x0E06, PT_SYSTIME, _filetime(message.sent))  # PR_MESSAGE_DELIVERY_TIME
    if message.message_id:
        props.text(0x1035, message.message_id)  # PR_INTERNET_MESSAGE_ID
    if message.headers is not None:
        props.text(0x007D, message.headers)  # PR_TRANSPORT_MESSAGE_HEADERS
    props.text(0x1000, message.body)  # PR_BODY
    props.fixed(0x0E07, PT_LONG, 1 | (0x10 if message.attachments else 0))  # read, attach
    props.fixed(0x0E1B, PT_BOOLEAN, 1 if message.attachments else 0)  # PR_HASATTACH
    props.fixed(0x3FFD, PT_LONG, 65001 if message.unicode else message.codepage)
    props.fixed(0x3FDE, PT_LONG, 65001 if message.unicode else message.codepage)
    # PR_STORE_SUPPORT_MASK: STORE_UNICODE_OK says strings are PT_UNICODE.
    props.fixed(0x340D, PT_LONG, 0x00040000 if message.unicode else 0)
    count = len(message.attachments)
    header = struct.pack("<8sIIII", b"", 1, count, 1, count) + (b"" if embedded else b"\0" * 8)
    nodes = [props.stream(header), *props.streams, _recipient(message)]
    nodes += [_attachment(i, item, message) for i, item in enumerate(message.attachments)]
    if not embedded:
        # The named property mapping: empty, as no named property is set.
        names = [Node(f"__substg1.0_000{i}0102", b"") for i in (2, 3, 4)]
        nodes.append(Node("__nameid_version1.0", children=names))
    return nodes


def msg_bytes(message: Message) -> bytes:
    """A .msg file holding `message`."""
    root = Node("Root Entry", children=_message_storage(message, False), clsid=MESSAGE_CLSID)
    return compound_file(root)


# ---------------------------------------------------------------- tests/data/mail


def _pinned_ids() -> Iterator[uuid.UUID]:
    for number in range(1, 1000):
        yield uuid.UUID(int=number)


def issued_small_example(folder: Path) -> Path:
    """The small example with round 1 issued, its issue ids 1, 2, 3... (as
    tests/test_msgintake.py issues it), so a workbook in a kept .msg merges there."""
    import xlfollow.workspace.issuing as issuing
    from xlfollow.workspace.folder import Workspace

    ids = _pinned_ids()
    real = issuing.uuid

    class Pinned:
        @staticmethod
        def uuid4() -> uuid.UUID:
            return next(ids)

    issuing.uuid = Pinned  # type: ignore[assignment]
    try:
        workspace = Workspace.init(folder / "ws")
        workspace.issue("1")
    finally:
        issuing.uuid = real
    return workspace.path


def filled(workbook: Path) -> bytes:
    """A centre's workbook with its first milestone smiley chosen, as Excel saves it
    (openpyxl standing in for Excel)."""
    import openpyxl

    book = openpyxl.load_workbook(workbook)
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            continue
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value == "Smiley indsats – 1. budgetopfølgning 2018":
                    sheet.cell(cell.row + 1, cell.column).value = "grøn"
                    buffer = io.BytesIO()
                    book.save(buffer)
                    return buffer.getvalue()
    raise LookupError(f"no milestone smiley column in {workbook}")


def main() -> None:
    """Write tests/data/mail/*.msg."""
    out = Path(__file__).resolve().parent.parent / "tests" / "data" / "mail"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        workspace = issued_small_example(Path(scratch))
        (workbook,) = sorted((workspace / "outbox" / "round-1").glob("01-*.xlsx"))
        data = filled(workbook)
        name = workbook.name
    reply = Message(
        subject="SV: Aftale om budget 2018 – svar fra Social og Sundhed",
        sender_name="Søren Ærø, Social og Sundhed",
        sender_address="social-og-sundhed@example.org",
        attachments=[File(name, data)],
    )
    (out / "reply-with-workbook.msg").write_bytes(msg_bytes(reply))
    print(f"wrote {out / 'reply-with-workbook.msg'} ({name} attached)", file=sys.stderr)


if __name__ == "__main__":
    main()
