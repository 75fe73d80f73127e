"""The processes the tests start, as Linux's /proc lists them (elsewhere none are seen):
what a test must not leave behind."""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

RUN_VARIABLE = "XLFOLLOW_TEST_RUN"
"""Set for this run of the tests, so that the processes it starts carry it, even those
whose parent is gone; another run's processes (another checkout's, say) do not."""
RUN = f"{os.getpid()}-{uuid.uuid4().hex}"


@dataclass(frozen=True)
class Process:
    """A live process as /proc shows it."""

    pid: int
    parent: int
    session: int
    started: int
    """Clock ticks after boot: with the pid, it names one process, not a later one."""
    command: str


def processes() -> list[Process]:
    """The live processes (not zombies) this user may see."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ")
        except (OSError, IndexError):
            continue
        if fields[0] != "Z":
            pid = int(stat.parent.name)
            parent, session, started = int(fields[1]), int(fields[3]), int(fields[19])
            found.append(Process(pid, parent, session, started, command.decode(errors="replace")))
    return found


def descendants(of: int, among: list[Process]) -> list[Process]:
    """The children of a process, theirs, and so on."""
    found: list[Process] = []
    parents = {of}
    while True:
        more = [p for p in among if p.parent in parents and p not in found]
        if not more:
            return found
        found += more
        parents = {p.pid for p in more}


def _of_this_run(pid: int) -> bool:
    try:
        environment = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:  # another user's, or gone
        return False
    return f"{RUN_VARIABLE}={RUN}".encode() in environment


def left_by_tests() -> list[Process]:
    """The processes this run of the tests started that are still running: those below
    this one, and those started with this run's mark that have lost their parent."""
    everything = processes()
    below = descendants(os.getpid(), everything)
    marked = [p for p in everything if p.pid != os.getpid() and _of_this_run(p.pid)]
    return sorted({*below, *marked}, key=lambda p: p.pid)


def still_running(wanted: list[Process], after: float) -> list[Process]:
    """Waits up to `after` seconds for processes to end; those that have not."""
    deadline = time.monotonic() + after
    while True:
        alive = {(p.pid, p.started) for p in processes()}
        left = [p for p in wanted if (p.pid, p.started) in alive]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)
