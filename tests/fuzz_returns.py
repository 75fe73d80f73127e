"""The fuzz job: mutated returns merged one by one, each checked.

    python tests/fuzz_returns.py --seed 1 --budget-seconds 180 [--files N]
        [--allow-known tests/data/fuzz/known.txt] [--save-failures tests/data/fuzz]

Two base returns of the small example (one saved by openpyxl as a centre's
program would, one written by xlsxwriter) are built once; each case is a base
and one to three mutations (tests/fuzzmutators.py), made in memory and
received into a fresh copy of the issued ledger (tests/fuzzcase.py says how,
and what is left out of Workspace.merge). Each file must end with exactly one
verdict and one receipt, let no exception escape, finish within --file-seconds,
stay within --memory-mb, leave the ledger as it was when rejected, and, for a
value mutation, take the value the mutation implies or refuse the cell.

A plain seeded loop, not hypothesis: a CI job needs a time budget, an even
spread over the mutators, counts it can print, and worker processes it can kill
when a file hangs or takes the memory; hypothesis gives none of these, and its
shrinking does not know a mutation from a byte. A case is its base and its
(mutator, seed) steps, so it is made again from them; a failing case of several
steps is minimised by leaving steps out while it fails alike, and the first of
each failure class can be kept in tests/data/fuzz/ for the regression test.

Exit status 1 if any failure is not of a class listed in --allow-known.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import multiprocessing
import os
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from fuzzcase import Harness, Result, scratch_harness
from fuzzmutators import MUTATORS, PART_MUTATORS, Step, build

try:
    import resource
except ImportError:  # Windows: no memory limit
    resource = None  # type: ignore[assignment]

HERE = Path(__file__).parent
KNOWN = HERE / "data" / "fuzz" / "known.txt"


@dataclass
class Case:
    """A base and its mutation steps."""

    index: int
    base: str
    steps: list[Step]


@dataclass
class Done:
    """A case as checked: minimised if it failed, with its result."""

    case: Case
    result: Result
    seconds: float

    def failure_class(self) -> str:
        """'mutator kind detail' of its first failure; '' if it did not fail."""
        if not self.result.failures:
            return ""
        kind, detail = self.result.failures[0]
        names = "+".join(sorted({name for name, _ in self.case.steps}))
        return f"{names} {kind} {detail}"


def make_case(seed: int, index: int, bases: list[str]) -> Case:
    """Case `index` of a run: the first mutator in turn, so every one gets its share."""
    rng = random.Random(f"{seed}-{index}")
    count = rng.choices([1, 2, 3], weights=[7, 2, 1])[0]
    names = [MUTATORS[index % len(MUTATORS)]] + [rng.choice(MUTATORS) for _ in range(count - 1)]
    return Case(index, rng.choice(bases), [(name, rng.randrange(2**32)) for name in names])


def run_case(harness: Harness, case: Case) -> Done:
    """Check a case; minimise it if it fails in a way that is cheap to try again."""
    start = time.perf_counter()
    result = _check(harness, case)
    seconds = time.perf_counter() - start
    if result.failures and len(case.steps) > 1:
        wanted = result.failures[0]
        shrinking = True
        while shrinking and len(case.steps) > 1:
            shrinking = False
            for left_out in range(len(case.steps)):
                fewer = Case(
                    case.index, case.base, case.steps[:left_out] + case.steps[left_out + 1 :]
                )
                again = _check(harness, fewer)
                if again.failures[:1] == [wanted]:
                    case, result, shrinking = fewer, again, True
                    break
    return Done(case, result, seconds)


def _check(harness: Harness, case: Case) -> Result:
    content, expect = build(harness.bases[case.base], case.steps)
    return harness.check(content, expect)


def _worker(connection: Connection, harness: Harness, memory_mb: int) -> None:
    """Checks the cases it is sent, one at a time, until it is sent None."""
    # Calamine's panics print a backtrace; the result says what happened.
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 2)
    folder = tempfile.TemporaryDirectory(prefix="xlfollow-fuzz-worker-", dir=harness.folder)
    harness.use_scratch(Path(folder.name))
    if resource is not None and memory_mb:
        size = int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (size + memory_mb * 2**20, hard))
    try:
        while (case := connection.recv()) is not None:
            try:
                done = run_case(harness, case)
            except Exception as exc:  # the job's own fault: said, not taken for the file's
                failure = ("harness-error", type(exc).__name__)
                done = Done(case, Result(failures=[failure], message=repr(exc)[:300]), 0.0)
            connection.send(done)
    finally:
        folder.cleanup()


class Worker:
    """A worker process and the case it is on."""

    def __init__(self, harness: Harness, memory_mb: int) -> None:
        self.connection, theirs = multiprocessing.Pipe()
        # Forked, a worker starts with the harness built; spawned, it gets a copy.
        method = "fork" if sys.platform == "linux" else "spawn"
        context: Any = multiprocessing.get_context(method)
        self.process: BaseProcess = context.Process(
            target=_worker, args=(theirs, harness, memory_mb), daemon=True
        )
        self.process.start()
        self.case: Case | None = None
        self.since = 0.0

    def send(self, case: Case) -> None:
        self.case, self.since = case, time.monotonic()
        self.connection.send(case)

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()


def fuzz(
    harness: Harness,
    seed: int,
    budget: float,
    files: int | None,
    workers: int,
    file_seconds: float,
    memory_mb: int,
) -> list[Done]:
    """Check cases until the budget or the number of files is spent."""
    deadline = time.monotonic() + budget
    bases = ["openpyxl", "xlsxwriter"]
    pool = [Worker(harness, memory_mb) for _ in range(workers)]
    done: list[Done] = []
    index = 0
    try:
        while True:
            more = time.monotonic() < deadline and (files is None or index < files)
            for worker in pool:
                if worker.case is None and more:
                    worker.send(make_case(seed, index, bases))
                    index += 1
                    more = time.monotonic() < deadline and (files is None or index < files)
            busy = [w for w in pool if w.case is not None]
            if not busy:
                break
            ready = wait([w.connection for w in busy], timeout=0.25)
            for worker in busy:
                case = worker.case
                assert case is not None
                if worker.connection in ready:
                    try:
                        done.append(worker.connection.recv())
                        worker.case = None
                        continue
                    except EOFError:
                        worker.process.join()
                        code = worker.process.exitcode or 0
                        failure = ("crash", f"signal-{-code}" if code < 0 else f"exit-{code}")
                elif time.monotonic() - worker.since > file_seconds:
                    failure = ("hang", f"over-{file_seconds:g}s")
                else:
                    continue
                done.append(Done(case, Result(failures=[failure]), file_seconds))
                worker.stop()
                pool[pool.index(worker)] = Worker(harness, memory_mb)
    finally:
        for worker in pool:
            if worker.process.is_alive() and worker.case is None:
                worker.connection.send(None)
            worker.process.join(timeout=5)
            worker.stop()
    return done


def known_classes(path: Path | None) -> list[str]:
    """The failure classes listed as known (shell patterns), one a line; # comments."""
    if path is None or not path.is_file():
        return []
    lines = (line.split("#")[0].strip() for line in path.read_text("utf-8").splitlines())
    return [line for line in lines if line]


def is_known(failure: str, known: list[str]) -> bool:
    """True if a failure class matches a known one."""
    return any(fnmatch.fnmatchcase(failure, pattern) for pattern in known)


def save_failures(done: list[Done], folder: Path, harness: Harness) -> None:
    """Keep the first case of each failure class, minimised, with its manifest entry."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest_path = folder / "MANIFEST.json"
    manifest = json.loads(manifest_path.read_text("utf-8")) if manifest_path.is_file() else {}
    kept = {entry["failure"] for entry in manifest.values()}
    for item in done:
        failure = item.failure_class()
        if not failure or failure in kept or failure.split()[1] in ("hang", "crash", "memory"):
            continue
        kept.add(failure)
        name = failure.replace(" ", "--").replace("+", "_and_") + ".xlsx"
        dropped = _parts_not_needed(harness, item)
        content, expect = build(harness.bases[item.case.base], item.case.steps, dropped)
        (folder / name).write_bytes(content)
        manifest[name] = {
            "failure": failure,
            "base": item.case.base,
            "steps": item.case.steps,
            "dropped": dropped,
            "expect": expect.to_json() if expect is not None else None,
            "message": item.result.message,
        }
    manifest_path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", "utf-8")
    identity = json.dumps(harness.identity, indent=1) + "\n"
    (folder / "WORKSPACE.json").write_text(identity, "utf-8")


def _parts_not_needed(harness: Harness, item: Done) -> list[str]:
    """The base's parts a failing case of part mutations fails alike without, left out
    one by one; none for a case with a byte mutation, whose seeds pick bytes by offset."""
    if any(name not in PART_MUTATORS for name, _ in item.case.steps):
        return []
    base = harness.bases[item.case.base]
    dropped: list[str] = []
    for part in base.parts:
        content, expect = build(base, item.case.steps, [*dropped, part])
        if harness.check(content, expect).failures[:1] == item.result.failures[:1]:
            dropped.append(part)
    return dropped


def report(done: list[Done], known: list[str], elapsed: float) -> int:
    """Print the counts; the number of failures not known."""
    verdicts = Counter(d.result.verdict or "none" for d in done)
    kinds = Counter(kind for d in done for kind, _ in d.result.failures[:1])
    classes = Counter(d.failure_class() for d in done if d.result.failures)
    new = {c: n for c, n in classes.items() if not is_known(c, known)}
    print(f"files tried: {len(done)} in {elapsed:.1f} s ({len(done) / elapsed:.0f} files/s)")
    print("verdicts: " + ", ".join(f"{k}: {n}" for k, n in sorted(verdicts.items())))
    for kind in ("unexpected", "wrong-value", "hang", "crash", "memory", "ledger-changed"):
        print(f"{kind}: {kinds.get(kind, 0)}")
    print(f"verdict: {kinds.get('verdict', 0)}")
    for failure, count in sorted(classes.items()):
        mark = "known" if failure not in new else "NEW"
        example = next(d for d in done if d.failure_class() == failure)
        print(f"  {count:5d}  {mark:5s}  {failure}    e.g. {example.result.message[:120]}")
    print(f"failures not known: {sum(new.values())} in {len(new)} classes")
    return sum(new.values())


def main(argv: list[str] | None = None) -> int:
    """The job's command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--budget-seconds", type=float, default=180.0)
    parser.add_argument("--files", type=int, default=None, help="stop after this many files")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--file-seconds", type=float, default=5.0, help="per-file limit")
    parser.add_argument("--memory-mb", type=int, default=512, help="per-worker memory limit")
    parser.add_argument(
        "--allow-known", type=Path, default=None, help=f"known failure classes, e.g. {KNOWN}"
    )
    parser.add_argument("--save-failures", type=Path, default=None, help="keep failing cases")
    parser.add_argument("--json", type=Path, default=None, help="write every result here")
    args = parser.parse_args(argv)
    harness, folder = scratch_harness()
    try:
        start = time.monotonic()
        done = fuzz(
            harness,
            args.seed,
            args.budget_seconds,
            args.files,
            args.workers,
            args.file_seconds,
            args.memory_mb,
        )
        elapsed = time.monotonic() - start
        if args.save_failures is not None:
            save_failures(done, args.save_failures, harness)
    finally:
        folder.cleanup()
    if args.json is not None:
        args.json.write_text(json.dumps([asdict(d) for d in done], ensure_ascii=False), "utf-8")
    return 1 if report(done, known_classes(args.allow_known), elapsed) else 0


if __name__ == "__main__":
    sys.exit(main())
