"""Writing files so that nothing is lost, and one command at a time per workspace.

Every workbook xlfollow writes goes to a temporary file beside its target,
is checked (it must open as a sound zip), synced to disk and renamed into
place, so a reader sees the old file or the new one, never half of one, even
if the process is killed. A lock file stops two commands from changing one
workspace at the same time, and a file open in Excel or LibreOffice is not
replaced under it.
"""

from __future__ import annotations

import contextlib
import os
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import IO

from xlfollow.errors import WorkspaceError
from xlfollow.messages import Text

__all__ = ["LOCK_FILE", "clean_partials", "ensure_replaceable", "locked", "write_atomically"]

LOCK_FILE = ".xlfollow.lock"
PARTIAL = ".partial"


def write_atomically(path: Path, content: bytes, mode: int | None = None) -> None:
    """Write a file whole or not at all: temporary file, check, sync, rename, sync.
    With a mode (0o600 for a secret), the file has it from its creation on.

    OSError if it cannot be written or renamed into place; the old file is then
    as it was, and the temporary file is gone.
    """
    partial = path.with_name(f".{path.name}.{os.getpid()}{PARTIAL}")
    try:
        with _created(partial, mode) as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        if path.suffix == ".xlsx":
            _check_workbook(partial)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _created(partial: Path, mode: int | None) -> IO[bytes]:
    """A new temporary file to write; with a mode, never readable by others, even for
    an instant, nor a stray one of a killed write reused with its own mode."""
    if mode is None:
        return partial.open("wb")
    partial.unlink(missing_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    return os.fdopen(os.open(partial, flags, mode), "wb")


def _check_workbook(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            damaged = archive.testzip()
    except zipfile.BadZipFile as exc:
        raise OSError(f"{path}: the workbook written does not read back ({exc})") from exc
    if damaged is not None:
        raise OSError(f"{path}: the workbook written does not read back ({damaged})")


def _sync_folder(folder: Path) -> None:
    """Make a rename in a folder durable (POSIX; Windows syncs it with the file)."""
    if sys.platform == "win32":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def clean_partials(folder: Path) -> list[Path]:
    """Remove temporary files a killed write left in a folder; the ones removed."""
    if not folder.is_dir():
        return []
    stray = [p for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith(PARTIAL)]
    for path in stray:
        path.unlink(missing_ok=True)
    return stray


def ensure_replaceable(path: Path) -> None:
    """WorkspaceError if an existing file cannot be replaced: open in Excel or LibreOffice
    (its lock file is beside it; on Windows, Excel also locks the file), or read-only,
    or not a file at all (a folder or a named pipe of that name)."""
    if not path.exists():
        return
    if not path.is_file():
        what = (
            Text("a folder")
            if path.is_dir()
            else Text("a named pipe (FIFO)")
            if path.is_fifo()
            else Text("not a file")
        )
        raise WorkspaceError(
            Text(
                "{path} is {what}, where xlfollow writes a workbook. Move it out of the way "
                "(or rename it) and run the command again; nothing has been changed.",
                path=str(path),
                what=what,
            )
        )
    lock = _office_lock(path)
    if lock is not None:
        raise WorkspaceError(
            Text(
                "{path} cannot be replaced: {opened} (its lock file {lock} says so). Close it "
                "in {program} and run the command again; nothing has been changed. If nobody "
                "has it open ({program} stopped without closing it), delete {lock} and run "
                "the command again.",
                path=str(path),
                opened=lock.opened(),
                lock=str(lock.path),
                program=lock.program,
            )
        )
    try:
        with _open_for_update(path):
            pass
    except PermissionError as exc:
        raise WorkspaceError(
            Text(
                "{path} cannot be replaced: it is open in another program (Excel?) or "
                "read-only. Close it and run the command again; nothing has been changed.",
                path=str(path),
            )
        ) from exc


class _Office(StrEnum):
    """An office program that keeps a lock file beside a document it has open."""

    LIBREOFFICE = "LibreOffice"
    EXCEL = "Excel"


@dataclass(frozen=True)
class _Holder:
    """What a lock file says of who opened the document, and when ("" where it does not)."""

    name: str = ""
    since: str = ""


@dataclass(frozen=True)
class _LockFileKind:
    """An office program's lock file: `prefix + the document's name + suffix`, beside
    the document, and how to read who holds it."""

    program: _Office
    prefix: str
    suffix: str
    read: Callable[[bytes], _Holder]


@dataclass(frozen=True)
class _OfficeLock:
    """A lock file found beside a document."""

    program: _Office
    path: Path
    holder: _Holder

    def opened(self) -> Text:
        """Who has the document open in which program, as far as the lock file says."""
        name, since, program = self.holder.name, self.holder.since, self.program
        if name and since:
            return Text(
                "{holder} has had it open in {program} since {since}",
                holder=name,
                program=program,
                since=since,
            )
        if name:
            return Text("{holder} has it open in {program}", holder=name, program=program)
        return Text("it is open in {program}", program=program)


def _libreoffice_holder(content: bytes) -> _Holder:
    """LibreOffice's `.~lock.NAME#`: one line of UTF-8, `name,system user,host,dd.mm.yyyy
    hh:mm,profile url;`, a backslash before any `,`, `;` or backslash in a field. The name
    is empty until the user gives one in LibreOffice's options: then the system user's."""
    fields = [""]
    escaped = False
    for character in content.decode("utf-8", errors="replace"):
        if escaped:
            fields[-1] += character
            escaped = False
        elif character == "\\":
            escaped = True
        elif character == ",":
            fields.append("")
        elif character == ";":
            break
        else:
            fields[-1] += character
    if len(fields) < 4:
        return _Holder()
    name, user, _host, since = (_shown(field) for field in fields[:4])
    return _Holder(name or user, since)


# Excel's owner file `~$NAME` (165 bytes) holds the user's name twice, at most 52
# characters: its length in the first byte and the name in the Windows code page
# after it, padded with spaces; at byte 55 its length again (two bytes) and from
# byte 57 the name in UTF-16. No time. LibreOffice reads and writes the same
# (svl/source/misc/msodocumentlockfile.cxx in its source).
_EXCEL_NAME_MAX = 52
_EXCEL_WIDE_LENGTH = 55


def _excel_holder(content: bytes) -> _Holder:
    """Excel's owner file: the name's UTF-16 copy where it is sound, else the first."""
    length = content[0] if content else 0
    if not 0 < length <= _EXCEL_NAME_MAX or len(content) <= length:
        return _Holder()
    start = _EXCEL_WIDE_LENGTH + 2
    wide = content[start : start + 2 * length]
    if content[_EXCEL_WIDE_LENGTH:start] == bytes([length, 0]) and len(wide) == 2 * length:
        return _Holder(_shown(wide.decode("utf-16-le", errors="replace")))
    return _Holder(_shown(content[1 : 1 + length].decode("cp1252", errors="replace")))


_LOCK_FILES = (
    _LockFileKind(_Office.LIBREOFFICE, ".~lock.", "#", _libreoffice_holder),
    # The whole name: Word, not Excel, cuts the first characters of a long one.
    _LockFileKind(_Office.EXCEL, "~$", "", _excel_holder),
)

_LOCK_BYTES = 4096
"""As much of a lock file as is read: both programs write far less."""


def _office_lock(path: Path) -> _OfficeLock | None:
    """The lock file an office program keeps beside the file while it has it open, if any."""
    for kind in _LOCK_FILES:
        lock = path.with_name(f"{kind.prefix}{path.name}{kind.suffix}")
        if not lock.exists():
            continue
        try:
            with lock.open("rb") as handle:
                content = handle.read(_LOCK_BYTES)
        except OSError:
            return _OfficeLock(kind.program, lock, _Holder())  # unreadable, but there
        return _OfficeLock(kind.program, lock, kind.read(content))
    return None


def _shown(text: str) -> str:
    """A field of a lock file as a message may show it: printable, trimmed, not too long."""
    return "".join(c for c in text if c.isprintable()).strip()[:80]


def _open_for_update(path: Path) -> IO[bytes]:
    return path.open("r+b")


@contextlib.contextmanager
def locked(folder: Path, command: str) -> Iterator[None]:
    """Hold the workspace's lock while a command changes it; WorkspaceError, naming
    the command that holds it, if another process does."""
    path = folder / LOCK_FILE
    key = path.resolve()
    if key in _HELD:
        raise WorkspaceError(
            Text(
                "{path}: another xlfollow command in this program is changing this workspace; "
                "run one at a time",
                path=str(folder),
            )
        )
    handle = path.open("a+", encoding="utf-8")
    try:
        if not _try_lock(handle):
            handle.seek(0)
            holder = handle.read().strip() or Text("another xlfollow command")
            raise WorkspaceError(
                Text(
                    "{path}: {holder} is changing this workspace; wait for it to finish "
                    "and run the command again (the lock is {lock})",
                    path=str(folder),
                    holder=holder,
                    lock=str(path),
                )
            )
        handle.seek(0)
        handle.truncate()
        handle.write(
            f"xlfollow {command} (process {os.getpid()}, "
            f"since {datetime.now().isoformat(timespec='seconds')})"
        )
        handle.flush()
        _HELD.add(key)
        try:
            yield
        finally:
            _HELD.discard(key)
            handle.seek(0)
            handle.truncate()
            handle.flush()
            _unlock(handle)
    finally:
        handle.close()


_HELD: set[Path] = set()
"""The locks this process holds. (A POSIX record lock is the process's, so a second
one taken in the same process would succeed, and closing it would free the first.)"""


if sys.platform == "win32":
    import msvcrt

    def _try_lock(handle: IO[str]) -> bool:
        handle.seek(0)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    # POSIX record locks (lockf), not flock: the reader processes a merge forks
    # would inherit an flock and keep the workspace locked after a killed merge;
    # record locks belong to the process and end with it.
    def _try_lock(handle: IO[str]) -> bool:
        try:
            fcntl.lockf(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 0)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[str]) -> None:
        fcntl.lockf(handle.fileno(), fcntl.LOCK_UN, 1, 0)
