"""A returned file as the system sees it, looked at before anything reads it: its
name, its type, its size and whether it may be read.

A named pipe would make a reader wait for ever, a 2 GB file would be read into
memory whole, and a name that is not UTF-8 cannot be recorded or printed: each
is said, naming the file and what to do, and the batch goes on without it.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from xlfollow.messages import Text
from xlfollow.returns.scan import Limits

__all__ = ["MAX_FILE_BYTES", "file_digest", "printable_name", "screened", "too_large"]

MAX_FILE_BYTES = Limits().total_bytes
"""The largest returned file read: a workbook's parts unpacked may take no more, and
packed they take less."""


def printable_name(name: str) -> str:
    """A file name as text that can be printed and recorded: bytes that are not UTF-8
    (kept by Python as lone surrogates) shown as U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def screened(path: Path) -> Text | None:
    """Why a returned file cannot be received, as the system sees it, before anything
    reads it; None if it can be."""
    if printable_name(path.name) != path.name:
        return Text(
            "its name is not UTF-8 text (shown with � for the bytes that are not), so it "
            "cannot be recorded; rename it (with plain letters, say) and run xlfollow merge "
            "again"
        )
    try:
        info = path.stat()
    except FileNotFoundError:
        return Text("there is no such file; check the name")
    except OSError as exc:
        return _unreadable(exc)
    kind_or_size = _kind_or_size(info)
    if kind_or_size is not None:
        return kind_or_size
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except OSError as exc:
        return _unreadable(exc)
    return None


def _kind_or_size(info: os.stat_result) -> Text | None:
    """Why what a path names is not read, by its kind or size: a folder, a named pipe, a
    device or a socket, or a file larger than any workbook; None for a file that is not."""
    if stat.S_ISDIR(info.st_mode):
        return Text("a folder, not a file; name the workbooks in it instead")
    if stat.S_ISFIFO(info.st_mode):
        return Text(
            "a named pipe (FIFO), not a file: reading it would wait for ever; name the "
            "workbook itself"
        )
    if not stat.S_ISREG(info.st_mode):
        return Text("not a file (a device or a socket); name the workbook itself")
    return too_large(info.st_size)


def too_large(size: int) -> Text | None:
    """Why a file (or a message's attachment) of `size` bytes is not read: larger than
    any workbook; None if it is not."""
    if size > MAX_FILE_BYTES:
        return Text(
            "{megabytes} MB, more than any workbook xlfollow reads ({limit} MB): it is not "
            "a returned workbook; send the workbook that was sent, filled in",
            megabytes=size // 2**20,
            limit=MAX_FILE_BYTES // 2**20,
        )
    return None


def _unreadable(exc: OSError) -> Text:
    if isinstance(exc, PermissionError):
        return Text(
            "xlfollow may not read it ({why}); let your user read it (its permissions, or "
            "ask whoever shares the folder) and run xlfollow merge again",
            why=exc.strerror or str(exc),
        )
    return Text(
        "cannot be read ({why}); copy it somewhere else and merge the copy",
        why=exc.strerror or str(exc),
    )


def file_digest(path: Path) -> str:
    """A file's SHA-256, read a piece at a time (a large file is never held whole)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
