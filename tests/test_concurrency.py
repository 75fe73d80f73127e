"""Several people at once on a PostgreSQL ledger: the workspace's lock is an advisory
lock of the database that names its holder; two merges at once end as one after the
other; two decisions on one conflict end with one decision and the other told who
decided it. The processes are real `xlfollow` commands, started together while the
test holds the lock, so that both are waiting for it when it is let go."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from pgserver import PostgresServer
from returns import R1, SMILEY, fill

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
from kill_merge import XLFOLLOW, copy_workspace, master_values

from xlfollow.answers import Field
from xlfollow.cli.main import cli
from xlfollow.demo.simulate import answer_round
from xlfollow.errors import LedgerError, WorkspaceError
from xlfollow.ledger.actor import this_actor
from xlfollow.ledger.dblock import WAIT_VARIABLE, database_locked, lock_key
from xlfollow.ledger.records import ConflictStatus, Resolution
from xlfollow.ledger.store import Ledger
from xlfollow.messages import Language
from xlfollow.workspace.folder import Workspace

SOS = "03-social-og-sundhed-runde-1.xlsx"
SIK = "04-skoler-institutioner-og-kultur-runde-1.xlsx"
HOLDER = "xlfollow merge 10:42 anna@OEKPC042"
SAFETY = 300.0
"""Seconds after which a test gives up on a process (a bound, never a measurement)."""


def lock_held(ws: Workspace, application_name: str = HOLDER) -> psycopg.Connection[object]:
    """A connection of the test's own holding the workspace's advisory lock till it is
    closed (it is a context manager that closes it)."""
    place = ws.ledger_place
    db = psycopg.connect(place.url, autocommit=True, application_name=application_name)
    db.execute("SELECT pg_advisory_lock(%s)", (lock_key(place.schema),))
    return db


def waiting_for_lock(ws: Workspace, command: str, count: int) -> None:
    """Returns once `count` xlfollow processes running `command` are connected (waiting
    for the lock the test holds); fails if they never are."""
    deadline = time.monotonic() + SAFETY
    with psycopg.connect(ws.ledger_place.url, autocommit=True) as db:
        while True:
            row = db.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE %s",
                (f"xlfollow {command} %",),
            ).fetchone()
            if row is not None and row[0] >= count:
                return
            assert time.monotonic() < deadline, f"no {count} xlfollow {command} waiting"
            time.sleep(0.1)


@contextmanager
def started(*commands: Sequence[str]) -> Iterator[list[subprocess.Popen[str]]]:
    """xlfollow commands started at once, waiting up to SAFETY for the lock; each ended
    (killed if it must be) when the block ends."""
    env = {**os.environ, WAIT_VARIABLE: str(SAFETY), "XLFOLLOW_LANGUAGE": "en"}
    processes = [
        subprocess.Popen(
            [*XLFOLLOW, *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for command in commands
    ]
    try:
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
            process.communicate()


def finished(processes: list[subprocess.Popen[str]]) -> list[tuple[int, str]]:
    """Each process's exit code and what it said on stderr, once it has ended."""
    said = [process.communicate(timeout=SAFETY) for process in processes]
    return [(process.returncode, err) for process, (_, err) in zip(processes, said, strict=True)]


# Two merges at once.


@pytest.fixture(scope="module")
def issued(postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Ballerup example issued on PostgreSQL, every centre's return of round 1
    waiting beside it in two halves (first/, second/), none merged."""
    root = tmp_path_factory.mktemp("issued")
    ws = Workspace.init(root / "ws", "ballerup-2018", ledger=postgres.url(postgres.new_database()))
    ws.issue("1")
    returns = sorted(answer_round(ws, "1", seed=3))
    assert len(returns) >= 4
    for index, path in enumerate(returns):
        half = root / ("first" if index % 2 == 0 else "second")
        half.mkdir(exist_ok=True)
        shutil.move(path, half / path.name)
    return root


def outcome(ws: Workspace) -> tuple[object, ...]:
    """The ledger's answers, receipts' verdicts and conflicts, and the master's cells,
    without ids, times or the order the files came in."""
    with Ledger(ws.ledger_place) as ledger:
        db = ledger.db
        answers = frozenset(
            tuple(r) for r in db.execute("SELECT round, item, field, value, source FROM answers")
        )
        receipts = frozenset(
            tuple(r)
            for r in db.execute("SELECT file, sha256, verdict, centre, round FROM receipts")
        )
        conflicts = frozenset(
            tuple(r)
            for r in db.execute(
                "SELECT round, item, answer, base, current, current_source, incoming, "
                "incoming_source, status FROM conflicts"
            )
        )
    return answers, receipts, conflicts, master_values(ws.master_path)


def test_two_merges_at_once_end_as_one_after_the_other(issued: Path, tmp_path: Path) -> None:
    first = sorted((issued / "first").iterdir())
    second = sorted((issued / "second").iterdir())
    copy_workspace(issued / "ws", tmp_path / "after")
    after = Workspace(tmp_path / "after")
    assert [f.verdict for f in after.merge(first).files] == ["accepted"] * len(first)
    assert [f.verdict for f in after.merge(second).files] == ["accepted"] * len(second)
    copy_workspace(issued / "ws", tmp_path / "together")
    together = Workspace(tmp_path / "together")
    merges = (["merge", str(together.path), *map(str, half)] for half in (first, second))
    with lock_held(together) as holder, started(*merges) as processes:
        waiting_for_lock(together, "merge", 2)
        holder.close()  # both merges may go now, one of them first
        ends = finished(processes)
    assert [code for code, _ in ends] == [0, 0], ends
    assert outcome(together) == outcome(after)
    with Ledger(together.ledger_place) as ledger:
        assert len(ledger.receipts()) == len(first) + len(second)


# Two decisions on one conflict at once.


@pytest.fixture
def in_conflict(postgres: PostgresServer, tmp_path: Path) -> Workspace:
    """A workspace on PostgreSQL with one open conflict: 3.02's milestone, met as its
    centre (SIK) says, not met as a contributor (SOS) says."""
    ws = Workspace.init(
        tmp_path / "ws", "ballerup-2018", ledger=postgres.url(postgres.new_database())
    )
    settings = ws.settings_path.read_text(encoding="utf-8")
    ws.settings_path.write_text(settings + '\n[workbooks]\ncontributors = "edit"\n')
    ws.issue("1")
    outbox = ws.path / "outbox" / "round-1"
    fill(outbox / SIK, ws.path / "inbox" / "sik.xlsx", {("3.02", SMILEY): "grøn"})
    fill(outbox / SOS, ws.path / "inbox" / "sos.xlsx", {("3.02", SMILEY): "rød"})
    assert [f.cells["conflict"] for f in ws.merge().files] == [0, 1]
    return ws


def test_two_decisions_at_once_end_with_one_and_the_other_told_who(
    in_conflict: Workspace,
) -> None:
    ws = in_conflict
    decisions = (
        ["resolve", str(ws.path), "3.02", "milestone", "--take", take]
        for take in ("current", "social og sundhed")
    )
    with lock_held(ws) as holder, started(*decisions) as processes:
        waiting_for_lock(ws, "resolve", 2)
        holder.close()
        ends = finished(processes)
    assert sorted(code for code, _ in ends) == [0, 1], ends
    (told,) = [err for code, err in ends if code == 1]
    assert "already decided by" in told and this_actor() in told, told
    assert "Traceback" not in told
    with Ledger(ws.ledger_place) as ledger:
        assert ledger.conflicts() == []
        (decided,) = ledger.conflicts(R1, ConflictStatus.RESOLVED)
        milestone = ledger.answers()[(R1, "3.02", Field.MILESTONE)]
    assert decided.decided_by == this_actor()
    # The decision recorded is the one that won, whole: its answer stands.
    winner = ends.index(next(end for end in ends if end[0] == 0))
    assert decided.resolution.startswith(("kept current", "took ")[winner])
    assert milestone == ("met", "not_met")[winner]


def test_a_decision_on_a_conflict_decided_meanwhile_records_nothing(
    in_conflict: Workspace,
) -> None:
    # Two officers read the conflict open; the first decides, then the second, who
    # read it before the first's decision was recorded: no waiting for a lock here,
    # the ledger itself refuses the second.
    place = in_conflict.ledger_place
    with Ledger(place, "anna@OEKPC042") as anna, Ledger(place, "bo@OEKPC007") as bo:
        seen_by_anna = anna.conflicts()
        seen_by_bo = bo.conflicts()
        assert seen_by_anna == seen_by_bo and len(seen_by_bo) == 1
        anna.resolve(Resolution.keep(seen_by_anna, "kept current"))
        with pytest.raises(LedgerError) as refused:
            bo.resolve(Resolution.take(seen_by_bo, seen_by_bo[0], "took Social og Sundhed"))
        (decided,) = bo.conflicts(R1, ConflictStatus.RESOLVED)
        answers = bo.answers()
    said = refused.value.say(Language.EN)
    assert said.startswith("item 3.02: the conflict was already decided by anna@OEKPC042 at ")
    assert "(kept current); your decision was not recorded" in said
    assert (decided.decided_by, decided.resolution) == ("anna@OEKPC042", "kept current")
    assert answers[(R1, "3.02", Field.MILESTONE)] == "met"  # bo's value not set


# The lock names its holder.


def test_a_command_finding_the_lock_taken_names_who_holds_it(
    in_conflict: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(WAIT_VARIABLE, "0")
    with lock_held(in_conflict), pytest.raises(WorkspaceError) as refused:
        in_conflict.resolve("3.02", "milestone", take="current")
    assert refused.value.say(Language.EN).endswith(
        "anna@OEKPC042 is running merge on this workspace since 10:42; try again when it is done"
    )
    assert "anna@OEKPC042 er i gang med merge i arbejdsmappen siden kl. 10:42" in (
        refused.value.say(Language.DA)
    )
    with Ledger(in_conflict.ledger_place) as ledger:
        assert len(ledger.conflicts()) == 1  # nothing decided


def test_a_command_waiting_for_the_lock_says_for_whom_while_it_waits(
    in_conflict: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A colleague's merge holds the workspace: `resolve` says on standard error whom
    it waits for, once, before it gives up at the end of the wait."""
    monkeypatch.setenv(WAIT_VARIABLE, "1.5")
    with lock_held(in_conflict):
        result = CliRunner().invoke(
            cli, ["resolve", str(in_conflict.path), "3.02", "milestone", "--take", "current"]
        )
    assert result.exit_code == 1, result.output
    waiting = (
        "anna@OEKPC042 is running merge on this workspace since 10:42; waiting up to 1.5 s "
        "for it to finish"
    )
    assert result.stderr.count(waiting) == 1
    assert result.stderr.index(waiting) < result.stderr.index("try again when it is done")
    assert result.stdout == ""
    with Ledger(in_conflict.ledger_place) as ledger:
        assert len(ledger.conflicts()) == 1  # nothing decided


def test_the_lock_a_command_holds_is_named_with_its_command_user_and_machine(
    in_conflict: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(WAIT_VARIABLE, "0")
    place = in_conflict.ledger_place
    with database_locked(place, "write master.xlsx"), pytest.raises(WorkspaceError) as refused:
        in_conflict.merge()
    said = refused.value.say(Language.EN)
    assert f"{this_actor()} is running write master.xlsx on this workspace since " in said
    # Let go, the lock is free again: the same command runs.
    in_conflict.merge()


def test_a_lock_wait_that_is_not_seconds_is_said(
    in_conflict: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(WAIT_VARIABLE, "half a minute")
    with pytest.raises(WorkspaceError, match="XLFOLLOW_LOCK_WAIT is half a minute; give the"):
        in_conflict.merge()
