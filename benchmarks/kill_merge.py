"""Kill `xlfollow merge` at random instants, and check that a clean `merge` after each
kill ends where a run never killed ends.

    python benchmarks/kill_merge.py [--runs N] [--seed S]

The Ballerup example is issued (round 1) and 20 returns are put in its inbox/:
each centre's answers, then corrections from half of them. A run never killed
gives the reference. Then, until --runs merges (100) have been killed: a fresh
copy of the workspace before the merge (every other one without its
master.xlsx, as when finance has moved it away), `xlfollow merge` in a process
of its own, SIGKILLed (with its reader processes) after a random delay between
0 and the time a whole merge takes (the median of three), then `xlfollow merge`
again, with no other step. The ledger is compared with the reference by its
content (answers with their sources; receipts by file, bytes, verdict, centre,
round and reason; conflicts by item, answer, values and status: no ids or
times), and master.xlsx by the values of its chapter sheets (not its bytes: it
carries the time it was written).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from xlfollow.demo.simulate import answer_round
from xlfollow.ledger.store import Ledger
from xlfollow.workspace.folder import Workspace

RETURNS = 20
XLFOLLOW = [sys.executable, "-c", "from xlfollow.cli.main import main; main()"]


@dataclass(frozen=True)
class State:
    """A workspace's outcome, as compared: the ledger's content and the master's values."""

    answers: frozenset[tuple[str, ...]]
    receipts: tuple[tuple[str | None, ...], ...]
    conflicts: frozenset[tuple[str | None, ...]]
    master: tuple[tuple[str, tuple[tuple[object, ...], ...]], ...] | None
    """The chapter sheets' values, by sheet; None if there is no master.xlsx."""


@dataclass
class Figures:
    """What the loop saw."""

    runs: int = 0
    killed: int = 0
    """Runs whose merge was killed before it ended by itself."""
    master_missing_after_kill: int = 0
    master_stale_after_kill: int = 0
    """Killed runs whose master was there but not the reference's (before the rerun)."""
    ledger_differs_after_kill: int = 0
    """Killed runs whose ledger was not yet the reference's (files left to merge)."""
    matched: int = 0
    """Runs that ended, after the clean rerun, with the reference's ledger and master."""
    rerun_failed: int = 0
    seconds: float = 0.0


def prepare(folder: Path, ledger: str = "") -> Workspace:
    """The Ballerup example issued, with 20 returns waiting in its inbox/; its ledger in
    the PostgreSQL database `ledger` names, if given."""
    workspace = Workspace.init(folder, "ballerup-2018", ledger=ledger)
    workspace.issue("1")
    first = answer_round(workspace, "1", seed=1)
    for path in first:
        path.rename(path.with_name(f"a-{path.name}"))
    corrections = sorted(answer_round(workspace, "1", seed=2))
    for path in corrections[: RETURNS - len(first)]:
        path.rename(path.with_name(f"b-{path.name}"))
    for path in corrections[RETURNS - len(first) :]:
        path.unlink()
    assert len(list((folder / "inbox").iterdir())) == RETURNS
    return workspace


def state(workspace: Workspace) -> State:
    """The outcome of a workspace, without ids, times or bytes that differ run to run."""
    with Ledger(workspace.ledger_place) as ledger:
        db = ledger.db
        answers = frozenset(
            tuple(row)
            for row in db.execute("SELECT round, item, field, value, source FROM answers")
        )
        receipts = tuple(
            tuple(row)
            for row in db.execute(
                "SELECT file, sha256, verdict, centre, round, reason FROM receipts "
                "ORDER BY receipt_id"
            )
        )
        conflicts = frozenset(
            tuple(row)
            for row in db.execute(
                "SELECT round, item, answer, base, current, current_source, incoming, "
                "incoming_source, status FROM conflicts"
            )
        )
    return State(answers, receipts, conflicts, master_values(workspace.master_path))


def copy_workspace(source: Path, target: Path) -> None:
    """A copy of a workspace; a ledger on PostgreSQL copied into a new database beside
    its own (CREATE DATABASE ... TEMPLATE: nobody may be connected to it)."""
    shutil.copytree(source, target)
    place = Workspace(source).ledger_place
    if place.is_sqlite:
        return
    import psycopg

    base, _, name = place.url.rpartition("/")
    copy = f"{name[:40]}_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
    settings = target / "xlfollow.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(
        text.replace(f'ledger = "{place.url}"', f'ledger = "{base}/{copy}"', 1), encoding="utf-8"
    )


def master_values(path: Path) -> tuple[tuple[str, tuple[tuple[object, ...], ...]], ...] | None:
    """The values of a master's chapter sheets (their names start with the chapter's
    number), by sheet; None if there is no master."""
    if not path.is_file():
        return None
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return tuple(
            (name, tuple(tuple(row) for row in book[name].iter_rows(values_only=True)))
            for name in book.sheetnames
            if name[:1].isdigit()
        )
    finally:
        book.close()


def merge(workspace: Path) -> subprocess.CompletedProcess[bytes]:
    """A clean `xlfollow merge` of a workspace."""
    return subprocess.run([*XLFOLLOW, "merge", str(workspace)], capture_output=True, check=False)


def killed_merge(workspace: Path, delay: float) -> bool:
    """`xlfollow merge` SIGKILLed, with its reader processes, after `delay` seconds;
    True if it was still running then."""
    process = subprocess.Popen(
        [*XLFOLLOW, "merge", str(workspace)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        process.wait(delay)
        return False
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return True


def kill_loop(template: Path, work: Path, kills: int, seed: int) -> tuple[Figures, list[str]]:
    """Kill a merge of the template's workspace until `kills` merges were killed before
    they ended, each in a fresh copy, and merge again after each; the figures, and a
    line for each run that did not end as the reference."""
    timings = []
    for attempt in range(3):
        reference_copy = work / f"reference-{attempt}"
        copy_workspace(template, reference_copy)
        started = time.monotonic()
        result = merge(reference_copy)
        timings.append(time.monotonic() - started)
        assert result.returncode in (0, 3), result.stderr.decode()
    whole = sorted(timings)[1]
    reference = state(Workspace(reference_copy))
    assert reference.master is not None
    rng = random.Random(seed)
    figures, failures = Figures(), []
    clock = time.monotonic()
    run = 0
    while figures.killed < kills and run < 3 * kills:
        run += 1
        copy = work / f"run-{run}"
        copy_workspace(template, copy)
        if run % 2:
            (copy / "master.xlsx").unlink()
        delay = rng.uniform(0.0, whole)
        figures.runs += 1
        if killed_merge(copy, delay):
            figures.killed += 1
            between = state(Workspace(copy))
            if between.master is None:
                figures.master_missing_after_kill += 1
            elif between.master != reference.master:
                figures.master_stale_after_kill += 1
            if (between.answers, between.receipts) != (reference.answers, reference.receipts):
                figures.ledger_differs_after_kill += 1
        rerun = merge(copy)
        if rerun.returncode not in (0, 3):
            figures.rerun_failed += 1
            failures.append(f"run {run} (kill at {delay:.3f} s): {rerun.stderr.decode()}")
        elif (after := state(Workspace(copy))) == reference:
            figures.matched += 1
        else:
            parts = [
                f
                for f in ("answers", "receipts", "conflicts", "master")
                if getattr(after, f) != getattr(reference, f)
            ]
            failures.append(f"run {run} (kill at {delay:.3f} s): differs in {', '.join(parts)}")
        shutil.rmtree(copy)
    figures.seconds = time.monotonic() - clock
    return figures, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--runs",
        type=int,
        default=100,
        help="merges to kill (100); a run whose merge ended before its kill is checked too",
    )
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        prepare(work / "template")
        figures, failures = kill_loop(work / "template", work, args.runs, args.seed)
    for line in failures:
        print(line)
    print(
        f"{figures.runs} runs, {figures.killed} merges killed before they ended; "
        f"right after the kill: master.xlsx missing in {figures.master_missing_after_kill}, "
        f"older than the reference's in {figures.master_stale_after_kill}, ledger short of "
        f"the reference's in {figures.ledger_differs_after_kill}; after one clean merge: "
        f"{figures.matched} of {figures.runs} match a run never killed "
        f"({figures.rerun_failed} reruns failed); {figures.seconds:.0f} s"
    )
    sys.exit(0 if figures.matched == figures.runs else 1)


if __name__ == "__main__":
    main()
