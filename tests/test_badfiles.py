"""The corpus of bad returns (tests/data/bad/, made by scripts/make-bad-corpus.py):
each gets its own message, the batch goes on, and the ledger keeps every value."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import copied, ledger_rows, ledger_tables

from xlfollow.demo.simulate import answer_round
from xlfollow.workspace.folder import Workspace

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "bad"
MANIFEST: dict[str, str] = json.loads((CORPUS / "MANIFEST.json").read_text(encoding="utf-8"))


def corpus_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_bad_corpus", ROOT / "scripts" / "make-bad-corpus.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_corpus_is_what_its_script_makes() -> None:
    script = corpus_script()
    parts = script.good_parts()
    assert {name: message for name, _, message in script.CASES} == MANIFEST
    for name, make, _ in script.CASES:
        assert (CORPUS / name).read_bytes() == make(parts), f"{name}: run {script.__file__}"


@pytest.fixture(scope="module")
def answered(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The small example, round 1 issued, answered and merged: a ledger with values."""
    workspace = Workspace.init(tmp_path_factory.mktemp("bad") / "ws")
    workspace.issue("1")
    answer_round(workspace, "1", seed=3)
    assert not any(f.verdict != "accepted" for f in workspace.merge().files)
    return workspace


def test_every_bad_file_gets_its_message_and_the_ledger_keeps_its_values(
    answered: Workspace, tmp_path: Path
) -> None:
    workspace = copied(answered, tmp_path)
    before = ledger_tables(workspace, leaving_out=("receipts",))
    master = (workspace.path / "master.xlsx").read_bytes()
    for name in MANIFEST:
        shutil.copy(CORPUS / name, workspace.path / "inbox" / name)
    report = workspace.merge()
    reasons = {Path(f.path).name: (f.verdict, f.reason) for f in report.files}
    assert set(reasons) == set(MANIFEST)
    for name, message in MANIFEST.items():
        verdict, reason = reasons[name]
        assert verdict == "rejected", (name, reason)
        assert message in reason, (name, reason)
    assert report.needs_a_person
    # Nothing but the receipts changed: no value, no conflict, no issue.
    assert ledger_tables(workspace, leaving_out=("receipts",)) == before
    verdicts = [
        v for (v,) in ledger_rows(workspace, "SELECT verdict FROM receipts ORDER BY receipt_id")
    ]
    assert verdicts[-len(MANIFEST) :] == ["rejected"] * len(MANIFEST)
    assert (workspace.path / "master.xlsx").read_bytes() == master


MEASURE = """
import json, resource, sys, time
from pathlib import Path
from xlfollow.workspace.folder import Workspace
workspace = Workspace(Path(sys.argv[1]))
times = {}
for path in sorted(Path(sys.argv[2]).iterdir()):
    if path.name != "MANIFEST.json":
        start = time.perf_counter()
        workspace.merge([path])
        times[path.name] = time.perf_counter() - start
def peak():
    # This process's own peak, in kB. ru_maxrss is not it on Linux: it keeps the peak of
    # the process that started this one (here pytest's, a few hundred MB late in a full
    # run) across exec; VmHWM is the peak of this program's own memory.
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({
    "times": times,
    "self": peak(),
    "readers": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
}))
"""


def test_no_bad_file_takes_more_than_2_s_or_200_mb(answered: Workspace, tmp_path: Path) -> None:
    workspace = copied(answered, tmp_path).path
    run = subprocess.run(
        [sys.executable, "-c", MEASURE, str(workspace), str(CORPUS)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    measured = json.loads(run.stdout)
    slow = {name: seconds for name, seconds in measured["times"].items() if seconds > 2}
    assert slow == {}
    # In kilobytes: the peak of the merging process, and of any reader.
    assert measured["self"] < 200 * 1024, measured["self"]
    assert measured["readers"] < 200 * 1024, measured["readers"]
