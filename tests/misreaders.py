"""Readers of returned files that misbehave on one file each, as a hostile file could
make the real one: they stand in for read_file in the reader processes, which import
them by name (so they live here, not inside a test)."""

from __future__ import annotations

import os
from pathlib import Path

from xlfollow.returns.reader import Reading
from xlfollow.returns.readers import FileRead, read_file


def deadly(path: Path, reading: Reading) -> FileRead:
    """Ends the reader on 1-sos.xlsx, as a reader aborting on a hostile file would."""
    if path.name == "1-sos.xlsx":
        os._exit(1)
    return read_file(path, reading)


def spinning(path: Path, reading: Reading) -> FileRead:
    """Spins on 0-sos.xlsx until the kernel stops the reader."""
    while path.name == "0-sos.xlsx":
        pass
    return read_file(path, reading)


def hoarding(path: Path, reading: Reading) -> FileRead:
    """Takes 400 MB, beyond the reader's memory, for 0-sos.xlsx."""
    if path.name == "0-sos.xlsx":
        hoard = bytearray(400 * 2**20)
        del hoard
    return read_file(path, reading)
