"""The files waiting in a workspace's inbox/, and how messages name a workspace's files."""

from __future__ import annotations

from pathlib import Path

from xlfollow.ledger.records import Verdict
from xlfollow.ledger.store import Ledger
from xlfollow.returns.collect import FileReport
from xlfollow.returns.returnedfiles import file_digest, printable_name, screened

__all__ = ["digest_of", "inbox_files", "screen_all", "shown"]


def inbox_files(root: Path, ledger: Ledger) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The new files in the workspace's inbox/, and those whose bytes were rejected
    before (with their digests); files merged before are left out."""
    inbox = root / "inbox"
    if not inbox.is_dir():
        return [], []
    verdicts: dict[str, set[str]] = {}
    for receipt in ledger.receipts():
        verdicts.setdefault(receipt.sha256, set()).add(receipt.verdict)
    new, rejected = [], []
    for path in sorted(inbox.iterdir()):
        # Excel's lock files (~$name.xlsx) and hidden files are no returns.
        if not path.is_file() or path.name.startswith((".", "~$")):
            continue
        if screened(path) is not None:
            new.append(path)  # the merge says why it cannot be read
            continue
        digest = file_digest(path)
        seen = verdicts.get(digest, set())
        if seen == {Verdict.REJECTED.value}:
            rejected.append((path, digest))
        elif not seen:
            new.append(path)
    return new, rejected


def screen_all(paths: list[Path], root: Path) -> tuple[list[Path], list[FileReport]]:
    """The files that can be read, and a rejection for each the system will not give
    whole (a pipe, a folder, too big, unreadable, a name not UTF-8): said before
    anything reads it, and the rest go on."""
    readable, refused = [], []
    for path in paths:
        why = screened(path)
        if why is None:
            readable.append(path)
        else:
            refused.append(FileReport(shown(path, root), "", Verdict.REJECTED, why))
    return readable, refused


def digest_of(path: Path) -> str | None:
    """A file's SHA-256, read a piece at a time; None if it is not a file."""
    return file_digest(path) if path.is_file() else None


def shown(path: Path, root: Path) -> str:
    """A file as messages name it: relative to the workspace where it lies inside it."""
    try:
        return printable_name(str(path.resolve().relative_to(root.resolve())))
    except ValueError:
        return printable_name(str(path))
