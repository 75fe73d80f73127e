"""The zip of a returned file, read by hand before any reader trusts it: its directory
against its local headers, where its parts lie, and each part's bytes inflated
within their declared size and checked against their CRC."""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import BinaryIO

from xlfollow.errors import ScanError
from xlfollow.messages import Text

__all__ = [
    "LIMITS",
    "Limits",
    "check_directory",
    "check_overlaps",
    "damaged",
    "read_part",
]


@dataclass(frozen=True)
class Limits:
    """What a returned workbook may hold. xlfollow's own workbooks stay far inside."""

    entries: int = 2_000
    entry_bytes: int = 64 * 2**20
    total_bytes: int = 256 * 2**20
    ratio: int = 200
    """Largest compression ratio for an entry of more than a megabyte."""
    columns: int = 256
    rows: int = 200_000
    cells: int = 2_000_000
    """Largest table a sheet's farthest column and row may span: a reader builds it
    whole (a cell at IV199999 alone is a table of 51 million cells)."""


LIMITS = Limits()
"""The limits a returned workbook is held to."""


def damaged(part: str, why: Text) -> Text:
    """Why a file is rejected whose part cannot be read, in the centre's terms."""
    return Text(
        "the workbook is damaged: part {part} cannot be read ({why}); open it in Excel, "
        "save it as .xlsx and send it again",
        part=part,
        why=why,
    )


def check_overlaps(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> None:
    """Refuse parts whose data overlap (a 'quoted-overlap' zip bomb shares one deflate
    stream among many entries) or run past the central directory."""
    ordered = sorted(entries, key=lambda entry: entry.header_offset)
    directory = archive.start_dir  # where the central directory begins
    for entry, following in zip(ordered, [*ordered[1:], None], strict=True):
        end = entry.header_offset + 30 + len(entry.orig_filename.encode()) + entry.compress_size
        limit = following.header_offset if following is not None else directory
        if end > limit:
            raise ScanError(
                Text(
                    "its parts overlap one another: a forged file (a zip bomb), not a workbook; "
                    "refused"
                )
            )


_GAP = 1 << 16
"""The most bytes a zip may hold between one part and the next (a data descriptor
takes 16): more, and something is there that its directory does not list."""


def check_directory(handle: BinaryIO, entries: list[zipfile.ZipInfo], directory: int) -> None:
    """Refuse a zip whose directory and local headers disagree: a part named one way
    in the directory and another in its own header, or a part with a local header
    that the directory does not list (a reader that walks the local headers would
    see parts this scan never looked at)."""
    position = 0
    for entry in sorted(entries, key=lambda entry: entry.header_offset):
        if entry.header_offset < 0:
            raise ScanError(
                damaged(entry.filename, Text("the zip directory points before the file begins"))
            )
        _check_gap(handle, position, entry.header_offset, entry.filename)
        handle.seek(entry.header_offset)
        header = handle.read(30)
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            raise ScanError(
                damaged(entry.filename, Text("the zip directory points where it does not begin"))
            )
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        local = handle.read(name_length)
        if local != entry.orig_filename.encode("utf-8" if entry.flag_bits & 0x800 else "cp437"):
            raise ScanError(
                damaged(
                    entry.filename,
                    Text(
                        "the zip directory names it, and its own header names {local}",
                        local=repr(local.decode("utf-8", "replace")),
                    ),
                )
            )
        position = entry.header_offset + 30 + name_length + extra_length + entry.compress_size
    _check_gap(handle, position, directory, "")


def _check_gap(handle: BinaryIO, start: int, end: int, following: str) -> None:
    """The bytes between two parts hold at most a data descriptor, never a part."""
    if end <= start:
        return
    handle.seek(start)
    if end - start > _GAP or b"PK\x03\x04" in handle.read(end - start):
        raise ScanError(
            damaged(
                following or "(zip directory)",
                Text("the zip holds a part before it that its directory does not list"),
            )
        )


def read_part(handle: BinaryIO, entry: zipfile.ZipInfo, limits: Limits) -> bytes:
    """A part's bytes, inflated here from its raw data: never more than its declared
    size, and an error if the data would give more (zipfile stops at the declared
    size and says nothing), does not match its CRC, or is cut short."""
    name, declared = entry.filename, entry.file_size
    handle.seek(entry.header_offset)
    header = handle.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise ScanError(
            Text("the .xlsx is damaged (part {part} is missing); save it again", part=name)
        )
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    handle.seek(entry.header_offset + 30 + name_length + extra_length)
    raw = handle.read(entry.compress_size)
    if len(raw) < entry.compress_size:
        raise ScanError(
            Text("the .xlsx is damaged (part {part} is cut short); save it again", part=name)
        )
    if entry.compress_type == zipfile.ZIP_STORED:
        data = raw
    elif entry.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
        try:
            data = inflater.decompress(raw, min(declared, limits.entry_bytes) + 1)
            more = not inflater.eof and bool(inflater.decompress(inflater.unconsumed_tail, 1))
        except zlib.error as exc:
            raise ScanError(
                Text("the .xlsx is damaged ({part}: {why}); save it again", part=name, why=str(exc))
            ) from exc
        if len(data) > declared or more:
            raise ScanError(
                Text(
                    "its part {part} unpacks past its declared size: it is damaged or forged",
                    part=name,
                )
            )
    else:
        raise ScanError(
            Text("its part {part} is packed in a way no spreadsheet writes; refused", part=name)
        )
    if len(data) != declared or zlib.crc32(data) != entry.CRC:
        raise ScanError(
            Text("the .xlsx is damaged (Bad CRC-32 for {part}); save it again", part=name)
        )
    return data
