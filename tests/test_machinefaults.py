"""Faults of the machine say what they are: each names the path and what to do, the batch
goes on where it can, nothing is lost, and none is "xlfollow failed unexpectedly".

Tests run as root here, which permissions do not stop, so a read-only folder or an
unreadable file is made by the error the system would give; a full disk likewise,
or, for the ledger, by SQLite's own limit on its size (it then fails as on a full disk).
"""

from __future__ import annotations

import errno
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
from kill_merge import XLFOLLOW, State, state

import xlfollow.files
from xlfollow.cli.main import cli
from xlfollow.demo.simulate import answer_round
from xlfollow.ledger.dialect import Engine
from xlfollow.ledger.store import Ledger
from xlfollow.workspace.folder import Workspace

LEDGER_ENGINES = (Engine.SQLITE,)
"""Faults of SQLite's own file and of the disk it is on (a full disk, a read-only or
locked file, damaged pages); a server's faults are tested in test_pgledger.py."""

UNEXPECTED = "failed unexpectedly"


@pytest.fixture(scope="module")
def returned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Ballerup example issued, each centre's return waiting in its inbox/."""
    workspace = Workspace.init(tmp_path_factory.mktemp("faults") / "ws", "ballerup-2018")
    workspace.issue("1")
    assert len(answer_round(workspace, "1", seed=4)) >= 3
    return workspace.path


@pytest.fixture(scope="module")
def reference(returned: Path, tmp_path_factory: pytest.TempPathFactory) -> State:
    """What a merge of the returns gives when nothing goes wrong."""
    folder = tmp_path_factory.mktemp("reference") / "ws"
    shutil.copytree(returned, folder)
    Workspace(folder).merge()
    return state(Workspace(folder))


@pytest.fixture
def workspace(returned: Path, tmp_path: Path) -> Workspace:
    """A copy of the returned workspace, to break."""
    return Workspace(shutil.copytree(returned, tmp_path / "ws"))


def merge(workspace: Workspace, *files: str) -> tuple[int, str]:
    """`xlfollow merge` in this process (so an injected fault holds): status and output."""
    result = CliRunner().invoke(cli, ["merge", str(workspace.path), *files])
    return result.exit_code, result.output


def ledger_bytes(workspace: Workspace) -> dict[str, list[Any]]:
    """The ledger's rows, table by table."""
    with sqlite3.connect(workspace.ledger_path) as db:
        tables = [
            name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        return {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}


def failing_open(
    monkeypatch: pytest.MonkeyPatch, hit: Callable[[Path], bool], code: int, why: str
) -> None:
    """Path.open raising the system's error for the paths `hit` picks."""
    opened = Path.open

    def open_(self: Path, *args: Any, **kwargs: Any) -> Any:
        if hit(self):
            raise OSError(code, why, str(self))
        return opened(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)


def test_a_full_disk_while_writing_the_master_is_said_and_the_next_merge_writes_it(
    workspace: Workspace, reference: State, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = xlfollow.files.write_atomically

    def full(path: Path, content: bytes) -> None:
        if path.name == "master.xlsx":
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        written(path, content)

    monkeypatch.setattr("xlfollow.workspace.issuing.write_atomically", full)
    status, output = merge(workspace)
    assert status == 1
    assert f"Error: {workspace.master_path} cannot be written (No space left on device). " in output
    assert "the next xlfollow merge or summary writes it anew" in output
    assert UNEXPECTED not in output
    monkeypatch.undo()  # space freed

    status, output = merge(workspace)

    assert status == 0, output
    assert "master.xlsx was missing or older than the ledger" in output
    assert state(workspace) == reference


def test_a_full_disk_under_the_ledger_is_said_as_such_and_nothing_is_lost(
    workspace: Workspace, reference: State, monkeypatch: pytest.MonkeyPatch
) -> None:
    connect = sqlite3.connect

    def full(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        db: sqlite3.Connection = connect(*args, **kwargs)
        # SQLite stops the file growing past this, with the error of a full disk.
        (pages,) = db.execute("PRAGMA page_count").fetchone()
        db.execute(f"PRAGMA max_page_count = {pages}")
        return db

    monkeypatch.setattr(sqlite3, "connect", full)
    status, output = merge(workspace)
    assert status == 1
    assert (
        f"Error: {workspace.ledger_path}: the disk is full, so the ledger cannot record " in output
    )
    assert "do not restore it from a backup" in output
    assert "not an xlfollow ledger" not in output and UNEXPECTED not in output
    monkeypatch.undo()

    status, output = merge(workspace)

    assert status == 0, output
    assert state(workspace) == reference


def test_a_read_only_ledger_is_said_and_left_as_it_was(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = ledger_bytes(workspace)
    connect = sqlite3.connect

    def read_only(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        if str(database) == str(workspace.ledger_path):  # as chmod a-w would leave it
            database = f"file:{database}?mode=ro"
            kwargs["uri"] = True
        db: sqlite3.Connection = connect(database, *args, **kwargs)
        return db

    monkeypatch.setattr(sqlite3, "connect", read_only)
    status, output = merge(workspace)

    assert status == 1
    assert (
        f"Error: {workspace.ledger_path}: the ledger cannot be written (attempt to write a readonly database): it or its folder is read-only"
        in output
    )
    assert UNEXPECTED not in output
    monkeypatch.undo()
    assert ledger_bytes(workspace) == before


def test_a_read_only_workspace_folder_is_said(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = ledger_bytes(workspace)
    failing_open(
        monkeypatch, lambda p: p.name == xlfollow.files.LOCK_FILE, errno.EACCES, "Permission denied"
    )

    status, output = merge(workspace)

    assert status == 1
    lock = workspace.path / xlfollow.files.LOCK_FILE
    assert (
        f"Error: {lock}: permission denied (Permission denied). Let your user read and write it and its folder"
        in output
    )
    assert UNEXPECTED not in output
    monkeypatch.undo()
    assert ledger_bytes(workspace) == before


@pytest.mark.parametrize("kind", ["folder", "named pipe (FIFO)"])
def test_a_master_that_is_a_folder_or_a_pipe_is_said_and_nothing_is_done(
    workspace: Workspace, kind: str
) -> None:
    before = ledger_bytes(workspace)
    workspace.master_path.unlink()
    if kind == "folder":
        workspace.master_path.mkdir()
    else:
        os.mkfifo(workspace.master_path)

    status, output = merge(workspace)

    assert status == 1
    assert output == (
        f"Error: {workspace.master_path} is a {kind}, where xlfollow writes a workbook. Move "
        "it out of the way (or rename it) and run the command again; nothing has been changed.\n"
    )
    assert ledger_bytes(workspace) == before


def test_an_unreadable_file_in_the_inbox_is_said_and_the_rest_are_merged(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    unreadable = sorted((workspace.path / "inbox").iterdir())[0]
    unreadable.chmod(0)  # enough for anyone but root; root is refused below
    failing_open(
        monkeypatch, lambda p: p.name == unreadable.name, errno.EACCES, "Permission denied"
    )

    status, output = merge(workspace)

    assert status == 3
    assert (
        f"inbox/{unreadable.name}:\n  - xlfollow may not read it (Permission denied); "
        "let your user read it (its permissions, or ask whoever shares the folder) and run "
        "xlfollow merge again"
    ) in output
    with Ledger(workspace.ledger_place) as ledger:
        merged = {Path(r.file).name for r in ledger.receipts() if r.verdict == "accepted"}
    others = {p.name for p in (workspace.path / "inbox").iterdir()} - {unreadable.name}
    assert merged == others and others


def test_a_file_name_that_is_not_utf8_is_said_and_the_rest_are_merged(
    workspace: Workspace,
) -> None:
    inbox = workspace.path / "inbox"
    first = sorted(inbox.iterdir())[0]
    os.rename(bytes(first), bytes(inbox) + b"/caf\xe9.xlsx")  # a Latin-1 name

    status, output = merge(workspace)

    assert status == 3
    assert (
        "inbox/caf\ufffd.xlsx:\n  - its name is not UTF-8 text (shown with � for the "
        "bytes that are not), so it cannot be recorded; rename it (with plain letters, say) "
        "and run xlfollow merge again"
    ) in output
    with Ledger(workspace.ledger_place) as ledger:
        verdicts = [r.verdict for r in ledger.receipts()]
    assert verdicts == ["accepted"] * (len(list(inbox.iterdir())) - 1)


def test_a_2_gb_file_is_refused_by_its_size_before_it_is_read(workspace: Workspace) -> None:
    huge = workspace.path / "inbox" / "huge.xlsx"
    with huge.open("wb") as handle:  # sparse: 2 GB that take no room on the disk
        handle.truncate(2 * 2**30)

    status, output = merge(workspace)

    assert status == 3
    assert (
        "inbox/huge.xlsx:\n  - 2048 MB, more than any workbook xlfollow reads (256 MB): "
        "it is not a returned workbook; send the workbook that was sent, filled in"
    ) in output
    # Never read into memory: this process never held even half of it.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 < 2**30


def test_a_named_pipe_on_the_command_line_is_said_and_nothing_waits_for_it(
    workspace: Workspace,
) -> None:
    pipe = workspace.path.parent / "return.xlsx"
    os.mkfifo(pipe)
    other = sorted((workspace.path / "inbox").iterdir())[0]

    # In a process of its own: where it hangs, the test fails instead.
    result = subprocess.run(
        [*XLFOLLOW, "merge", str(workspace.path), str(pipe), str(other)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "XLFOLLOW_LANGUAGE": "en"},
    )

    assert result.returncode == 3, result.stderr
    assert (
        f"{pipe}:\n  - a named pipe (FIFO), not a file: reading it would wait for ever; "
        "name the workbook itself"
    ) in result.stdout
    with Ledger(workspace.ledger_place) as ledger:
        assert [(Path(r.file).name, r.verdict) for r in ledger.receipts()] == [
            (other.name, "accepted")
        ]


def zero_a_page(ledger: Path) -> None:
    """Zero the first page of the answers table, as a disk's bad sector would."""
    with sqlite3.connect(ledger) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (page_size,) = db.execute("PRAGMA page_size").fetchone()
        (root,) = db.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'answers'"
        ).fetchone()
    with ledger.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(bytes(page_size))


def test_a_damaged_ledger_is_found_by_check_and_merge_refuses_to_write_into_it(
    workspace: Workspace,
) -> None:
    Workspace(workspace.path).merge()
    zero_a_page(workspace.ledger_path)
    damaged = workspace.ledger_path.read_bytes()

    checked = CliRunner().invoke(cli, ["check", str(workspace.path)])
    status, output = merge(workspace)

    assert checked.exit_code == 1
    assert f"Error: {workspace.ledger_path}: the ledger is damaged (SQLite says: " in checked.output
    assert "restore the ledger from your latest backup" in checked.output
    assert status == 1
    assert f"Error: {workspace.ledger_path}: the ledger is damaged" in output
    assert "xlfollow will not write into it, and nothing was changed" in output
    assert workspace.ledger_path.read_bytes() == damaged


@pytest.mark.parametrize(
    ("code", "said"),
    [
        (errno.ENOSPC, "the disk is full (No space left on device). Free space on it"),
        (errno.EROFS, "the disk is read-only (Read-only file system). Run xlfollow on a copy"),
        (errno.EACCES, "permission denied (Permission denied). Let your user read and write"),
    ],
)
def test_a_fault_of_the_system_anywhere_is_said_with_its_path_and_what_to_do(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, code: int, said: str
) -> None:
    # The lock file, the first file a command writes: on a full disk, a read-only one,
    # or in a folder of another user's.
    failing_open(monkeypatch, lambda p: p.name == xlfollow.files.LOCK_FILE, code, os.strerror(code))

    result = CliRunner().invoke(cli, ["summary", str(workspace.path)])

    assert result.exit_code == 1
    lock = workspace.path / xlfollow.files.LOCK_FILE
    assert result.output.startswith(f"Error: {lock}: {said}")
    assert "What was done before is kept, and nothing half done was recorded" in result.output
    assert UNEXPECTED not in result.output


@pytest.mark.parametrize(
    ("code", "said"),
    [
        (13, "the disk is full, so the ledger cannot record the change (disk I/O). Free space"),
        (10, "the disk failed to read or write the ledger (disk I/O). Check the disk"),
        (8, "the ledger cannot be written (disk I/O): it or its folder is read-only"),
        (5, "another program holds the ledger (disk I/O); close it"),
    ],
)
def test_the_machine_failing_as_the_ledger_is_opened_is_no_damaged_ledger(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, code: int, said: str
) -> None:
    def failing(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        error = sqlite3.OperationalError("disk I/O")
        error.sqlite_errorcode = code  # as SQLite sets it
        raise error

    monkeypatch.setattr(sqlite3, "connect", failing)

    result = CliRunner().invoke(cli, ["status", str(workspace.path)])

    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {workspace.ledger_path}: {said}")
    assert "not an xlfollow ledger" not in result.output
    assert "; restore it from a backup" not in result.output
