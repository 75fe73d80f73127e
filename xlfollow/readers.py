"""Reading returned files in reader processes: each file read apart from the merge,
with limits on its time and memory, so that a hostile or broken file is rejected
and the batch goes on.

The merge (collect.py) stays in the calling process; the readers read a few files
ahead of it. A reader ends when the process that started it is gone.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from xlfollow.messages import Text
from xlfollow.model import Agreement, Definition
from xlfollow.reader import Reading, ReturnedWorkbook, WorkbookError, read_workbook

try:
    import resource
except ImportError:  # Windows: no limits on the reader processes
    resource = None  # type: ignore[assignment]

__all__ = ["READER_MEMORY", "READER_SECONDS", "FileRead", "read_ahead", "read_file"]


@dataclass(frozen=True)
class FileRead:
    """A file as read, before the ledger sees it: its digest, and its cells or why not."""

    sha256: str
    returned: ReturnedWorkbook | None
    problem: Text | None = None
    """Why it could not be read; None when it was."""


def read_file(path: Path, reading: Reading) -> FileRead:
    """Read a returned file: the part of receiving it that needs no ledger."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        return FileRead("", None, Text("cannot be read: {why}", why=exc.strerror or str(exc)))
    sha = hashlib.sha256(content).hexdigest()
    try:
        returned = read_workbook(path, reading.agreement, reading)
    except WorkbookError as exc:
        return FileRead(sha, None, exc.why)
    return FileRead(sha, returned)


READER_SECONDS = 5
"""Processor time a reader process may spend on one file (a workbook takes ms)."""
READER_MEMORY = 512 * 2**20
"""Memory a reader process may take beyond what it has when it starts."""

_reading: Reading | None = None


def _start_reader(agreement: Agreement) -> None:
    global _reading
    _reading = Reading(agreement)
    _end_with(os.getppid())
    size = _address_space()
    if resource is not None and size:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        ceiling = size + READER_MEMORY
        if hard == resource.RLIM_INFINITY or ceiling < hard:
            resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))


def _end_with(parent: int) -> None:
    """End this reader when the merge that started it is gone (killed, say): it waits for
    work on a pipe its sibling readers keep open, so nothing else would ever end it."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_WATCH_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="xlfollow-parent-watch", daemon=True).start()


_WATCH_SECONDS = 0.5


def _read_in_reader(path: Path) -> FileRead:
    assert _reading is not None
    if resource is not None:
        # The kernel stops the process when this file has taken its processor time.
        usage = resource.getrusage(resource.RUSAGE_SELF)
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        soft = int(usage.ru_utime + usage.ru_stime) + READER_SECONDS + 1
        if hard == resource.RLIM_INFINITY or soft < hard:
            resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
    try:
        return read_file(path, _reading)
    except MemoryError:
        return FileRead(_digest(path), None, _STOPPED)


def _address_space() -> int:
    """This process's virtual memory size in bytes (Linux); 0 where unknown."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


_STOPPED = Text(
    "reading it took more than {seconds} s or {megabytes} MB, or stopped the program "
    "reading it: it is not a workbook xlfollow can read. Save it again from Excel as "
    ".xlsx and send it again",
    seconds=READER_SECONDS,
    megabytes=READER_MEMORY // 2**20,
)


def _readers(workers: int, definition: Definition) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(workers, initializer=_start_reader, initargs=(definition.agreement,))


def read_ahead(
    paths: Sequence[Path], definition: Definition, workers: int
) -> Iterator[tuple[Path, FileRead]]:
    """Each file as read by reader processes, in order, at most 2 per worker ahead."""
    waiting: list[Path] = []  # submitted, in order, not yet handed on
    futures: deque[Future[FileRead]] = deque()
    queue = iter(paths)
    left: list[Path] = []
    with _readers(workers, definition) as pool:
        try:
            for path in queue:
                waiting.append(path)
                futures.append(pool.submit(_read_in_reader, path))
                if len(futures) >= 2 * workers:
                    read = futures.popleft().result()
                    yield waiting.pop(0), read
            while futures:
                read = futures.popleft().result()
                yield waiting.pop(0), read
        except BrokenProcessPool:
            left = [*waiting, *queue]
    # A reader process died on a file it could not survive: read the rest one by
    # one, each in a process of its own, so the culprit is found and the rest taken.
    for path in left:
        with _readers(1, definition) as single:
            try:
                read = single.submit(_read_in_reader, path).result()
            except BrokenProcessPool:
                read = FileRead(_digest(path), None, _STOPPED)
        yield path, read


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""
