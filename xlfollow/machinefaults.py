"""Faults of the machine, said as what they are: a full disk, a read-only folder, a
ledger another program holds or that is damaged. Each names the path and what to do.

A fault of the machine is no fault of the ledger's: a full disk must never be
taken for a damaged ledger, whose advice (restore it from a backup) would lose
what was recorded since the backup.
"""

from __future__ import annotations

import errno
import sqlite3
from contextlib import closing
from pathlib import Path

from xlfollow.errors import LedgerError, WorkspaceError
from xlfollow.messages import Text

__all__ = ["file_fault", "is_ledger_fault", "ledger_damage", "ledger_fault"]


_KEPT = Text(
    "What was done before is kept, and nothing half done was recorded (each file is "
    "merged whole or not at all)."
)


def file_fault(exc: OSError, path: Path | str | None = None) -> WorkspaceError:
    """An operating system's error on a file, as a message naming it and what to do."""
    where = str(exc.filename if exc.filename is not None else path or "?")
    why = exc.strerror or str(exc)
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        text = Text(
            "{path}: the disk is full ({why}). Free space on it and run the command again. {kept}",
            path=where,
            why=why,
            kept=_KEPT,
        )
    elif code == errno.EROFS:
        text = Text(
            "{path}: the disk is read-only ({why}). Run xlfollow on a copy of the workspace "
            "on a disk you can write to, or have the disk mounted for writing. {kept}",
            path=where,
            why=why,
            kept=_KEPT,
        )
    elif code in (errno.EACCES, errno.EPERM):
        text = Text(
            "{path}: permission denied ({why}). Let your user read and write it and its "
            "folder (or ask whoever manages the drive), and run the command again. {kept}",
            path=where,
            why=why,
            kept=_KEPT,
        )
    else:
        text = Text(
            "{path}: {why}. Put it right and run the command again. {kept}",
            path=where,
            why=why,
            kept=_KEPT,
        )
    error = WorkspaceError(text)
    error.__cause__ = exc
    return error


# SQLite's primary result codes (the low byte of an extended one).
_PERM, _BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN = 3, 5, 6, 8, 10, 11, 13, 14
_NOTADB = 26
_FAULTS = frozenset((_PERM, _BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB))


def is_ledger_fault(exc: sqlite3.Error) -> bool:
    """True if SQLite's error is the machine's or the file's (a full disk, a read-only
    folder, a damaged page), not a mistake in xlfollow's own use of SQLite."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    return code in _FAULTS


def ledger_fault(path: Path, exc: sqlite3.Error, otherwise: Text | None = None) -> LedgerError:
    """SQLite's error on the ledger, said as what it is: a full disk, a read-only file
    or folder, another program holding it, or a damaged file. `otherwise`, if given, is
    said of any other error (else its own text is)."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    why = str(exc)
    shown = str(path)
    if code == _FULL:
        text = Text(
            "{path}: the disk is full, so the ledger cannot record the change ({why}). Free "
            "space on the disk and run the command again. SQLite has undone the change it "
            "could not finish, so the ledger is sound and nothing recorded is lost: do not "
            "restore it from a backup.",
            path=shown,
            why=why,
        )
    elif code in (_READONLY, _PERM, _CANTOPEN):
        text = Text(
            "{path}: the ledger cannot be written ({why}): it or its folder is read-only, or "
            "belongs to another user. Let your user write both, and run the command again; "
            "nothing was changed.",
            path=shown,
            why=why,
        )
    elif code in (_BUSY, _LOCKED):
        text = Text(
            "{path}: another program holds the ledger ({why}); close it (a database tool, "
            "say) and run the command again; nothing was changed.",
            path=shown,
            why=why,
        )
    elif code == _IOERR:
        text = Text(
            "{path}: the disk failed to read or write the ledger ({why}). Check the disk (is "
            "it full, or a network drive gone?) and run the command again; SQLite keeps the "
            "ledger as it was before the change.",
            path=shown,
            why=why,
        )
    elif otherwise is not None:
        text = otherwise
    elif code in (_CORRUPT, _NOTADB):
        text = _damaged(shown, why)
    else:
        text = Text("{path}: {why}", path=shown, why=why)
    error = LedgerError(text)
    error.__cause__ = exc
    return error


def _damaged(path: str, what: str) -> Text:
    return Text(
        "{path}: the ledger is damaged (SQLite says: {what}); xlfollow will not write into "
        "it, and nothing was changed. Keep a copy of it, and restore the ledger from your "
        "latest backup, or have it recovered (sqlite3 {path} .recover).",
        path=path,
        what=what,
    )


def ledger_damage(path: Path, thorough: bool = False) -> LedgerError | None:
    """SQLite's check of the ledger's pages: a LedgerError saying what is damaged, or
    None if it is sound. `thorough` runs the full integrity check (indexes too); else
    the quick one, fast enough to run before every change."""
    pragma = "integrity_check" if thorough else "quick_check"
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            found = [row[0] for row in db.execute(f"PRAGMA {pragma}(20)")]
    except sqlite3.DatabaseError as exc:
        return ledger_fault(path, exc)
    if found == ["ok"]:
        return None
    return LedgerError(_damaged(str(path), "; ".join(found[:5])))
