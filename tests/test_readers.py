"""The reader processes: they end with their merge, however it ends, and start alike
under every start method, even from a script without a main guard."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import START_METHOD, copied, round_one_issued
from processes import Process, descendants, processes, still_running
from returns import SMILEY, fill

import xlfollow.returns.collect
from xlfollow.errors import WorkspaceError
from xlfollow.returns.collect import FileReport
from xlfollow.workspace.folder import Workspace

SOS = "03-social-og-sundhed-runde-1.xlsx"
START_METHODS = ["fork", "forkserver", "spawn"]


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return round_one_issued(tmp_path_factory)


@pytest.fixture
def ws(issued: Workspace, tmp_path: Path) -> Workspace:
    return copied(issued, tmp_path)


def returned(ws: Workspace, name: str = "sos.xlsx") -> Path:
    """Social og Sundhed's workbook with item 3.01's milestone met, in inbox/."""
    issued = ws.path / "outbox" / "round-1" / SOS
    return fill(issued, ws.path / "inbox" / name, {("3.01", SMILEY): "grøn"})


def readers_below(pid: int) -> list[Process]:
    return [p for p in descendants(pid, processes()) if "xlfollow.returns.readers" in p.command]


def test_a_merge_that_fails_half_way_leaves_no_reader(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(3):
        returned(ws, f"{n}-sos.xlsx")

    def failing(*args: object) -> FileReport:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(xlfollow.returns.collect, "receive_file", failing)
    with pytest.raises(WorkspaceError, match="the disk is full"):
        ws.merge()
    # The error, kept with its traceback, still holds the merge's frames.
    assert still_running(readers_below(os.getpid()), after=5) == []


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="lists processes in /proc")
def test_a_merge_killed_while_its_readers_run_leaves_no_reader(ws: Workspace) -> None:
    # A merge of many returns, SIGKILLed as soon as its readers are up. (A named pipe
    # kept a reader waiting in read() here once; a pipe is now refused before any
    # reader sees it.)
    files = [returned(ws, f"{n}-sos.xlsx") for n in range(12)]
    command = Path(sys.executable).with_name("xlfollow")
    merge = subprocess.Popen([command, "merge", ws.path, *files], stdout=subprocess.DEVNULL)
    try:
        readers: list[Process] = []
        deadline = time.monotonic() + 60
        while not readers and time.monotonic() < deadline and merge.poll() is None:
            readers = readers_below(merge.pid)
            time.sleep(0.02)
        assert readers, "the merge ended before its readers were seen"
        merge.send_signal(signal.SIGKILL)
        assert merge.wait(timeout=10) == -signal.SIGKILL
        assert still_running(readers, after=5) == []
    finally:
        merge.kill()
        merge.wait()


NO_MAIN_GUARD = """\
import multiprocessing
import sys
from pathlib import Path

from xlfollow.errors import WorkspaceError
from xlfollow.workspace.folder import Workspace

multiprocessing.set_start_method(sys.argv[2])
report = Workspace(Path(sys.argv[1])).merge()
for file in report.files:
    print(f"{Path(file.path).name}: {file.verdict}")
    print(file.reason, file=sys.stderr)
"""


@pytest.mark.parametrize("method", START_METHODS)
def test_a_script_without_a_main_guard_merges_under_every_start_method(
    ws: Workspace, tmp_path: Path, method: str
) -> None:
    returned(ws)
    script = tmp_path / "merge_returns.py"
    script.write_text(NO_MAIN_GUARD, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, script, ws.path, method],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert (run.returncode, run.stdout) == (0, "sos.xlsx: accepted\n"), run.stderr
    assert ws.merge().files == []  # merged once, by the script itself


def test_the_tests_start_processes_as_asked() -> None:
    """The run's start method (XLFOLLOW_START_METHOD) is the one in force."""
    import multiprocessing

    if START_METHOD is None:
        pytest.skip("XLFOLLOW_START_METHOD is not set: the platform's own start method")
    assert multiprocessing.get_start_method() == START_METHOD
