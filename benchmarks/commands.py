"""Time every command, each in a fresh process, with the agreement's cache cold and warm.

    python benchmarks/commands.py [--tiers 109,5000,20000] [--repeat N]

Tiers: the bundled Ballerup 2018 example (109 items, 11 centres), and synthetic
agreements of 5,000 and 20,000 items over 200 centres (benchmarks/issue_round.py's
generator). For each tier a workspace is made and brought through a round in this
process: issued, every centre's workbook returned with an answer on each of its own
items, and the master returned with another milestone smiley on one item, so the
merge leaves a conflict for `resolve` to decide. Each command then runs as
`xlfollow ...` in a new process, on a fresh copy of the state it starts from: once
with no cached agreement (cold: the first command after agreement.yaml changed) and
once with it (warm: every command after). Reported: the wall time of the process
(interpreter start, imports, the command, exit); its CPU time, user and system, its
child processes' too (what it costs when it has the cores to itself: the machine
is shared, and the wall time varies with what else runs); and the peak resident
memory of its largest process (GNU time's %M; a merge's reader processes count on
their own). Of N runs, the one with the least CPU time is kept. Also timed: the
agreement's load alone, and the floors of the two big writes, xlsxwriter writing
the same cells unformatted (issue_round.raw_write, merge_returns.raw_master_write).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from issue_round import baseline_cells, raw_write, synthetic, workspace_for
from merge_returns import raw_master_write, returned_files, summary_cells

from xlfollow.answers import Field
from xlfollow.definition.fingerprint import fingerprint
from xlfollow.ledger.store import Ledger
from xlfollow.workbooks.spec import WorkbookSpec
from xlfollow.workbooks.writer import write_round
from xlfollow.workspace.agreementcache import CACHE_FILE
from xlfollow.workspace.folder import Workspace, recipients

TIME = "/usr/bin/time"
XLFOLLOW = str(Path(sys.executable).parent / "xlfollow")
REPORT = Path(__file__).resolve().parent.parent / "examples" / "ballerup_2018" / "report.txt"
LOAD = """
import sys, time
start = time.perf_counter(), time.process_time()
from xlfollow.workspace.folder import Workspace
imported = time.perf_counter(), time.process_time()
Workspace(sys.argv[1]).load()
print(time.perf_counter() - imported[0], time.process_time() - imported[1])
"""


@dataclass
class Run:
    """One command in its own process."""

    seconds: float
    cpu: float
    """User and system time of the command and its child processes."""
    megabytes: float
    status: int
    said: str = ""


def run(args: list[str], cwd: Path) -> Run:
    """Run a command in a new process; its wall time, peak memory and exit status.

    The memory is GNU time's (%M: the largest process's peak resident set), not
    os.wait4's: a child forked from this process would count this process's memory
    as its own until it runs the command."""
    with tempfile.TemporaryDirectory() as folder:
        said, peak = Path(folder) / "said", Path(folder) / "peak"
        with said.open("wb") as out:
            start = time.perf_counter()
            status = subprocess.call(
                [TIME, "-f", "%U %S %M", "-o", str(peak), *args],
                cwd=cwd,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            seconds = time.perf_counter() - start
        user, system, kilobytes = peak.read_text().split()[-3:]
        cpu = float(user) + float(system)
        return Run(seconds, cpu, int(kilobytes) / 1024, status, said.read_text("utf-8", "replace"))


@dataclass
class Timed:
    """A command's best cold and warm runs."""

    command: str
    cold: Run
    warm: Run


def timed(name: str, args: list[str], state: Path, scratch: Path, repeat: int) -> Timed:
    """The least costly of `repeat` runs of a command on fresh copies of a state, cold and warm."""
    best: dict[bool, Run] = {}
    for n in range(repeat):
        for warm in (False, True):
            copy = scratch / f"run-{n}-{warm}"
            shutil.copytree(state, copy)
            cache = copy / CACHE_FILE
            if not warm:
                cache.unlink(missing_ok=True)
            assert cache.exists() == warm
            done = run([XLFOLLOW, *[a.replace("{ws}", str(copy)) for a in args]], scratch)
            if done.status not in (0, 3):
                raise SystemExit(f"{name} failed ({done.status}):\n{done.said}")
            if warm not in best or done.cpu < best[warm].cpu:
                best[warm] = done
            shutil.rmtree(copy)
    return Timed(name, best[False], best[True])


def load_alone(state: Path, scratch: Path, repeat: int) -> tuple[Timed, tuple[float, float]]:
    """Loading the definition alone in a new process, cold and warm; and the load's
    own seconds in that process (imports apart), cold and warm."""
    best: dict[bool, tuple[Run, float]] = {}
    for n in range(repeat):
        for warm in (False, True):
            copy = scratch / f"load-{n}-{warm}"
            shutil.copytree(state, copy)
            if not warm:
                (copy / CACHE_FILE).unlink(missing_ok=True)
            done = run([sys.executable, "-c", LOAD, str(copy)], scratch)
            assert done.status == 0, done.said
            inside = float(done.said.split()[-1])
            if warm not in best or inside < best[warm][1]:
                best[warm] = (done, inside)
            shutil.rmtree(copy)
    timed_load = Timed("(load the agreement alone)", best[False][0], best[True][0])
    return timed_load, (best[False][1], best[True][1])


def master_return(workspace: Workspace, folder: Path) -> tuple[Path, str]:
    """The issued master returned with another milestone smiley on its first item than
    the item's centre gives: a conflict once both are merged. The path and the item."""
    definition = workspace.load()
    round_name = definition.agreement.rounds[0]
    master = next(r for r in recipients(definition, 0) if r.is_master)
    with Ledger(workspace.ledger_place) as ledger:
        (issue,) = [i for i in ledger.issues(round_name) if Path(i.file).name == master.file_name]
    item = next(i for i in definition.agreement.items if i.milestone(round_name))
    # The note differs from every centre's, so the answer (smiley and note) does.
    answers = {
        (round_name, item.number, Field.MILESTONE): "not_met",
        (round_name, item.number, Field.MILESTONE_NOTE): "Finance sees it otherwise.",
    }
    spec = WorkbookSpec(
        definition,
        0,
        master,
        issue.issue_id,
        datetime(2026, 1, 1),
        answers,
        fingerprint=issue.fingerprint,
    )
    path = folder / f"zz-{master.file_name}"
    path.write_bytes(next(write_round([spec])).content)
    return path, item.number


@dataclass
class Tier:
    """A tier's figures."""

    name: str
    items: int
    rows: list[Timed]
    load_inside: tuple[float, float]
    issue_floor: float
    master_floor: float
    returns: int


def prepare(scratch: Path, items: int) -> tuple[dict[str, Path], str, int, float, float]:
    """The states the commands start from, the item in conflict, the number of returns,
    and the floors of issuing and of writing the master."""
    agreement = None if items == 109 else synthetic(items, 200)
    fresh = workspace_for(scratch / "fresh", agreement)
    fresh.load()  # the cache, as a warm run finds it
    issued_path = scratch / "issued"
    shutil.copytree(fresh.path, issued_path)
    issued = Workspace(issued_path)
    issued.issue("1")
    books = baseline_cells(issued)  # the values computed before the clock starts
    start = time.process_time()
    raw_write(books)
    issue_floor = time.process_time() - start
    returns = returned_files(issued, scratch / "returns", 10**6)
    conflict, item = master_return(issued, scratch / "returns")
    inbox_path = scratch / "inbox"
    shutil.copytree(issued_path, inbox_path)
    for path in [*returns, conflict]:
        shutil.copy(path, inbox_path / "inbox" / path.name)
    merged_path = scratch / "merged"
    shutil.copytree(inbox_path, merged_path)
    merged = Workspace(merged_path)
    report = merged.merge()
    assert report.conflicts, "the master's return should leave a conflict"
    definition = merged.load()
    fingerprint(definition.agreement)
    (sheets,) = baseline_cells(merged, merged.answers(definition))[:1]
    summary = summary_cells(merged.path / "master.xlsx", definition)
    start = time.process_time()
    raw_master_write(sheets, summary)
    master_floor = time.process_time() - start
    states = {"fresh": fresh.path, "issued": issued_path, "inbox": inbox_path}
    states["merged"] = merged_path
    return states, item, len(returns) + 1, issue_floor, master_floor


def tier(items: int, repeat: int) -> Tier:
    """Every command of one tier."""
    scratch = Path(tempfile.mkdtemp(prefix=f"xlfollow-commands-{items}-"))
    try:
        states, item, returns, issue_floor, master_floor = prepare(scratch, items)
        commands: list[tuple[str, list[str], str]] = []
        if items == 109:
            commands += [
                ("init --example ballerup-2018", ["init", "{ws}/new"], "fresh"),
                (
                    "import-text report.txt",
                    ["import-text", str(REPORT), "-o", "{ws}/a.yaml"],
                    "fresh",
                ),
            ]
        commands += [
            ("check", ["check", "{ws}"], "fresh"),
            ("issue --round 1", ["issue", "{ws}", "--round", "1"], "fresh"),
            ("send --round 1 --dry-run", ["send", "{ws}", "--round", "1", "--dry-run"], "issued"),
            (f"merge ({returns} returns in inbox/)", ["merge", "{ws}"], "inbox"),
            ("status", ["status", "{ws}"], "merged"),
            ("summary", ["summary", "{ws}"], "merged"),
            (
                f"resolve {item} milestone --take current",
                ["resolve", "{ws}", item, "milestone", "--take", "current"],
                "merged",
            ),
            (
                "remind --round 1 --dry-run",
                ["remind", "{ws}", "--round", "1", "--dry-run"],
                "merged",
            ),
        ]
        rows = []
        for name, args, state in commands:
            rows.append(timed(name, args, states[state], scratch, repeat))
            print(
                f"  {items}: {name}: {rows[-1].cold.seconds:.2f} / {rows[-1].warm.seconds:.2f} s",
                file=sys.stderr,
            )
        load, inside = load_alone(states["fresh"], scratch, repeat)
        rows.append(load)
        label = "Ballerup 2018" if items == 109 else "synthetic"
        return Tier(label, items, rows, inside, issue_floor, master_floor, returns)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def table(result: Tier) -> str:
    """A tier as a Markdown table."""
    lines = [
        f"### {result.name}: {result.items:,} items",
        "",
        "| command | cold: wall (s) | CPU (s) | peak (MB) | warm: wall (s) | CPU (s) | peak (MB) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in result.rows:
        lines.append(
            f"| {row.command} | {row.cold.seconds:.2f} | {row.cold.cpu:.2f} "
            f"| {row.cold.megabytes:.0f} | {row.warm.seconds:.2f} | {row.warm.cpu:.2f} "
            f"| {row.warm.megabytes:.0f} |"
        )
    cold, warm = result.load_inside
    lines += [
        "",
        f"Inside its process, the load took {cold:.3f} s of CPU cold and {warm:.3f} s warm. "
        f"Floors, CPU: xlsxwriter writing the round's cells unformatted "
        f"{result.issue_floor:.2f} s (one process), the master's {result.master_floor:.2f} s.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiers", default="109,5000,20000")
    parser.add_argument("--repeat", type=int, default=2, help="the least costly of this many runs")
    args = parser.parse_args()
    when = f"{datetime.now(UTC):%Y-%m-%d}"
    print(
        f"{when}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"the least CPU of {args.repeat} runs\n"
    )
    for items in (int(n) for n in args.tiers.split(",")):
        print(table(tier(items, args.repeat)), flush=True)


if __name__ == "__main__":
    main()
