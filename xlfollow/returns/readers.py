"""Reading returned files in reader processes: each file read apart from the merge,
with limits on its time and memory, so that a hostile or broken file is rejected
and the batch goes on.

The merge (collect.py) stays in the calling process; the readers read a few files
ahead of it. A reader is a new interpreter (`python -c "... serve()"`) that is
sent files on its standard input and answers on its standard output, not a
`multiprocessing` child: it imports xlfollow and nothing of the program that
runs the merge, so it starts alike whatever that program's start method (fork,
forkserver, spawn), and a script calling `Workspace.merge()` without an
`if __name__ == "__main__":` guard is not run again in it. A reader ends when
the merge that started it is gone, killed or not: its input closes, and a watch
on its parent ends it even while it reads.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from xlfollow.errors import WorkbookError, XlfollowError
from xlfollow.messages import Text
from xlfollow.model import Agreement, Definition
from xlfollow.returns.reader import Reading, ReturnedWorkbook, read_workbook

try:
    import resource
except ImportError:  # Windows: no limits on the reader processes
    resource = None  # type: ignore[assignment]

__all__ = ["READER_MEMORY", "READER_SECONDS", "FileRead", "read_ahead", "read_file", "serve"]


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

Read = Callable[[Path, Reading], FileRead]


@dataclass(frozen=True)
class _Start:
    """What a reader is told before its first file."""

    agreement: Agreement
    read: Read
    """How it reads a file: read_file, or what a test puts in its place."""
    seconds: int
    memory: int


# -P: a module in the folder the merge runs in cannot stand in for one the reader
# imports; its first message, the merge's sys.path, says where they are.
_COMMAND = (
    "-P",
    "-c",
    "import pickle, sys; sys.path[:] = pickle.load(sys.stdin.buffer); "
    "from xlfollow.returns.readers import serve; serve()",
)
_WATCH_SECONDS = 0.5


def serve() -> None:
    """Be a reader process: read the files sent on standard input, one answer each on
    standard output, until the input ends or the merge that started it is gone."""
    requests = sys.stdin.buffer
    # Answers go out on a copy of standard output, and what is printed while reading
    # (by Python or by a library's own code) goes to standard error, not between them.
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    _end_with(os.getppid())
    start: _Start = pickle.load(requests)
    reading = Reading(start.agreement)
    _limit_memory(start.memory)
    pickle.dump(True, answers)  # started: what fails from here is a file's doing
    answers.flush()
    while True:
        try:
            path: Path = pickle.load(requests)
        except EOFError:
            os._exit(0)
        answer = _read_in_reader(path, reading, start)
        try:
            pickle.dump(answer, answers)
            answers.flush()
        except BrokenPipeError:
            os._exit(0)


def _end_with(parent: int) -> None:
    """End this reader when the merge that started it is gone (killed, say), even while
    it reads a file and so does not see its input close."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_WATCH_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="xlfollow-parent-watch", daemon=True).start()


def _limit_memory(memory: int) -> None:
    size = _address_space()
    if resource is not None and size:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        ceiling = size + memory
        if hard == resource.RLIM_INFINITY or ceiling < hard:
            resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))


def _read_in_reader(path: Path, reading: Reading, start: _Start) -> FileRead:
    if resource is not None:
        # The kernel stops the process when this file has taken its processor time.
        usage = resource.getrusage(resource.RUSAGE_SELF)
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        soft = int(usage.ru_utime + usage.ru_stime) + start.seconds + 1
        if hard == resource.RLIM_INFINITY or soft < hard:
            resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
    try:
        return start.read(path, reading)
    except MemoryError:
        return FileRead(_digest(path), None, _stopped(start.seconds, start.memory))


def _address_space() -> int:
    """This process's virtual memory size in bytes (Linux); 0 where unknown."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def _stopped(seconds: int, memory: int) -> Text:
    return Text(
        "reading it took more than {seconds} s or {megabytes} MB, or stopped the program "
        "reading it: it is not a workbook xlfollow can read. Save it again from Excel as "
        ".xlsx and send it again",
        seconds=seconds,
        megabytes=memory // 2**20,
    )


class _Reader:
    """A reader process, and the files sent to it that it has not answered yet."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, *_COMMAND], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.sent: deque[Path] = deque()
        self.started = False

    def begin(self, start: bytes) -> None:
        """Tell it where to import from, and what it reads with."""
        self._tell(pickle.dumps(sys.path) + start)

    @property
    def _input(self) -> IO[bytes]:
        assert self.process.stdin is not None
        return self.process.stdin

    def _tell(self, message: bytes) -> None:
        # A reader that has died says so when its answer is asked for.
        with contextlib.suppress(BrokenPipeError):
            self._input.write(message)
            self._input.flush()

    def send(self, path: Path) -> None:
        """Have it read a file after those sent before."""
        self.sent.append(path)
        self._tell(pickle.dumps(path))

    def answer(self) -> FileRead | None:
        """The reading of the earliest file sent and not answered; None if the reader
        died on it."""
        assert self.process.stdout is not None
        self.sent.popleft()
        try:
            if not self.started:
                self.started = pickle.load(self.process.stdout)
            read: FileRead = pickle.load(self.process.stdout)
        except (EOFError, pickle.UnpicklingError):
            if not self.started:
                raise _cannot_start(self.process.wait()) from None
            return None
        return read

    def close(self) -> None:
        """End it: at once if it is reading, else when it sees its input close."""
        for pipe in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                if pipe is not None:
                    pipe.close()
        if self.sent:
            self.process.kill()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _cannot_start(status: int) -> XlfollowError:
    return XlfollowError(
        Text(
            "the reader processes could not start ({command} ended with status {status} "
            "before reading a file); what it printed above says why. Check that this Python "
            "can import xlfollow, and run the command again",
            command=f"{sys.executable} -c 'from xlfollow.returns.readers import serve; serve()'",
            status=status,
        )
    )


def read_ahead(
    paths: Sequence[Path], definition: Definition, workers: int
) -> Generator[tuple[Path, FileRead], None, None]:
    """Each file as read by `workers` reader processes, in order, at most 2 per worker
    ahead. A file that brings its reader down is rejected, and a new reader reads on."""
    # Looked up here, not imported by the reader, so that a test can stand in for it.
    start = pickle.dumps(_Start(definition.agreement, read_file, READER_SECONDS, READER_MEMORY))
    readers: list[_Reader] = []
    try:
        # All started before any is told what to read with: they start side by side.
        for _ in range(workers):
            readers.append(_Reader())
        for reader in readers:
            reader.begin(start)
        sent = 0
        for index, path in enumerate(paths):
            while sent < min(len(paths), index + 2 * workers):
                readers[sent % workers].send(paths[sent])
                sent += 1
            reader = readers[index % workers]
            read = reader.answer()
            if read is None:
                # It died on this file (the earlier ones it answered): a new reader
                # reads the files sent to it after this one.
                read = FileRead(_digest(path), None, _stopped(READER_SECONDS, READER_MEMORY))
                reader.close()
                readers[index % workers] = _Reader()
                readers[index % workers].begin(start)
                for later in reader.sent:
                    readers[index % workers].send(later)
            yield path, read
    finally:
        for reader in readers:
            reader.close()


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""
