"""Damage done to a zip's bytes, as a broken disk or a careless program does it: shared
by the corpus of bad files (scripts/make-bad-corpus.py) and tests/test_damaged.py."""

from __future__ import annotations

import struct


def central_name_flipped(data: bytes) -> bytes:
    """A bit flipped in the central directory's first name: it and the part's local
    header name differ."""
    damaged = bytearray(data)
    damaged[damaged.find(b"PK\x01\x02") + 46] ^= 0x01
    return bytes(damaged)


def central_entry_dropped(data: bytes) -> bytes:
    """The central directory's first entry dropped: its part is still in the zip."""
    at = data.find(b"PK\x01\x02")
    name, extra, comment = struct.unpack("<HHH", data[at + 28 : at + 34])
    length = 46 + name + extra + comment
    end = data.rfind(b"PK\x05\x06")
    record = bytearray(data[end:])
    count = struct.unpack("<H", record[8:10])[0]
    size = struct.unpack("<I", record[12:16])[0]
    struct.pack_into("<HHI", record, 8, count - 1, count - 1, size - length)
    return data[:at] + data[at + length : end] + bytes(record)
