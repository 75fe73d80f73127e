"""A merge killed at any instant: a clean merge after it ends where a run never killed
ends, the master written anew too (benchmarks/kill_merge.py runs the long loop)."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
from kill_merge import State, copy_workspace, kill_loop, prepare, state

from xlfollow.cli.main import cli
from xlfollow.ledger.store import Ledger
from xlfollow.workspace.folder import Workspace


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, new_ledger: Callable[[], str]) -> Path:
    """The Ballerup example issued, with 20 returns in its inbox/ (not merged), its
    ledger on each engine in turn (conftest's ledger_engine)."""
    return prepare(tmp_path_factory.mktemp("kill") / "template", new_ledger()).path


@pytest.fixture(scope="module")
def merged(template: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, State]:
    """The template merged, with the master it issued kept beside it, and its outcome."""
    folder = tmp_path_factory.mktemp("merged") / "ws"
    copy_workspace(template, folder)
    shutil.copy(folder / "master.xlsx", folder.parent / "issued-master.xlsx")
    Workspace(folder).merge()
    return folder, state(Workspace(folder))


def copy_of(merged: tuple[Path, State], tmp_path: Path) -> tuple[Workspace, Path, State]:
    """A copy of the merged workspace to change, the master first issued, the outcome."""
    folder, outcome = merged
    copy_workspace(folder, tmp_path / "ws")
    return Workspace(tmp_path / "ws"), folder.parent / "issued-master.xlsx", outcome


@pytest.mark.kill
def test_a_handful_of_kills_during_merge_end_as_a_run_never_killed(
    template: Path, tmp_path: Path
) -> None:
    figures, failures = kill_loop(template, tmp_path, kills=5, seed=7)
    assert failures == []
    assert figures.killed == 5 and figures.matched == figures.runs


def test_a_merge_with_no_new_files_writes_a_master_older_than_the_ledger(
    merged: tuple[Path, State], tmp_path: Path
) -> None:
    # As a merge killed after its files were recorded and before the master was written
    # leaves it: every return in the ledger, the master as issued.
    workspace, issued_master, outcome = copy_of(merged, tmp_path)
    shutil.copy(issued_master, workspace.master_path)
    with Ledger(workspace.ledger_place) as ledger, ledger.transaction() as db:
        db.execute("INSERT INTO meta VALUES ('master_due', '1')")

    result = CliRunner().invoke(cli, ["merge", str(workspace.path)])

    assert result.exit_code == 0, result.output
    assert result.output == (
        "No new files to merge; master.xlsx was missing or older than the ledger (an earlier "
        "command stopped before writing it), and is written anew.\n"
    )
    assert state(workspace) == outcome


def test_a_merge_with_no_new_files_writes_a_missing_master(
    merged: tuple[Path, State], tmp_path: Path
) -> None:
    workspace, _, outcome = copy_of(merged, tmp_path)
    workspace.master_path.unlink()

    report = workspace.merge()

    assert report.files == [] and report.master_written
    assert state(workspace) == outcome


def test_a_master_put_back_from_before_is_written_anew(
    merged: tuple[Path, State], tmp_path: Path
) -> None:
    # xlfollow wrote it, so it is no edit of finance's; but it is not the latest.
    workspace, issued_master, outcome = copy_of(merged, tmp_path)
    shutil.copy(issued_master, workspace.master_path)

    report = workspace.merge()

    assert report.files == [] and report.master_written
    assert state(workspace) == outcome


def test_a_merge_with_no_new_files_leaves_a_current_master_alone(
    merged: tuple[Path, State], tmp_path: Path
) -> None:
    workspace, _, _ = copy_of(merged, tmp_path)
    before = workspace.master_path.read_bytes()

    report = workspace.merge()

    assert report.files == [] and not report.master_written
    assert workspace.master_path.read_bytes() == before


def test_status_says_when_the_master_is_missing(merged: tuple[Path, State], tmp_path: Path) -> None:
    workspace, _, _ = copy_of(merged, tmp_path)
    workspace.master_path.unlink()

    result = CliRunner().invoke(cli, ["status", str(workspace.path)])

    assert result.exit_code == 0, result.output
    assert result.output.endswith(
        f"\n{workspace.master_path} is missing or older than the ledger (a command stopped "
        "before writing it); xlfollow merge writes it anew.\n"
    )
    assert not workspace.master_path.exists()  # status only says it
