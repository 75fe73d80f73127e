"""Writing files so that nothing is lost, and one command at a time per workspace.

Every workbook xlfollow writes goes to a temporary file beside its target,
is checked (it must open as a sound zip), synced to disk and renamed into
place, so a reader sees the old file or the new one, never half of one, even
if the process is killed. A lock file stops two commands from changing one
workspace at the same time.
"""

from __future__ import annotations

import contextlib
import os
import sys
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO

from xlfollow.errors import WorkspaceError
from xlfollow.messages import Text

__all__ = ["LOCK_FILE", "clean_partials", "ensure_replaceable", "locked", "write_atomically"]

LOCK_FILE = ".xlfollow.lock"
PARTIAL = ".partial"


def write_atomically(path: Path, content: bytes) -> None:
    """Write a file whole or not at all: temporary file, check, sync, rename, sync.

    OSError if it cannot be written or renamed into place; the old file is then
    as it was, and the temporary file is gone.
    """
    partial = path.with_name(f".{path.name}.{os.getpid()}{PARTIAL}")
    try:
        with partial.open("wb") as handle:
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
    """WorkspaceError if an existing file cannot be replaced: open in Excel on Windows
    (which locks it), or read-only."""
    if not path.exists():
        return
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
