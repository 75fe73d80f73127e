"""The fuzz job's kept cases (tests/data/fuzz/), each received again, and a short
run of the mutators that find nothing today (tests/fuzz_returns.py is the job)."""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path

import pytest
from fuzz_returns import KNOWN, is_known, known_classes
from fuzzcase import Expect, Harness
from fuzzmutators import MUTATORS, build
from hypothesis import given, settings
from hypothesis import strategies as st

from xlfollow.answers import Field
from xlfollow.ledger.dialect import Engine

LEDGER_ENGINES = (Engine.SQLITE,)
"""The harness receives each case into a fresh copy of its ledger's file, thousands a
minute; bad files merged into a ledger on either engine are test_badfiles.py's and
test_damaged.py's."""

FUZZ = Path(__file__).parent / "data" / "fuzz"
MANIFEST: dict[str, dict[str, object]] = json.loads(
    (FUZZ / "MANIFEST.json").read_text(encoding="utf-8")
)
KNOWN_CLASSES = known_classes(KNOWN)
REMAKE = "python tests/fuzz_returns.py --seed 1 --save-failures tests/data/fuzz"


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Harness:
    return Harness(tmp_path_factory.mktemp("fuzz"))


def test_the_kept_cases_were_made_against_this_workspace(harness: Harness) -> None:
    recorded = json.loads((FUZZ / "WORKSPACE.json").read_text(encoding="utf-8"))
    assert recorded == harness.identity, (
        f"the small example changed; make the cases again: {REMAKE}"
    )


def test_the_checks_can_fail(harness: Harness) -> None:
    """The base return itself, checked against an expectation it cannot meet."""
    content, _ = build(harness.bases["xlsxwriter"], [])
    result = harness.check(content, Expect("3.01", Field.DEVIATION, frozenset({"0.5"})))
    assert result.verdict == "accepted"
    assert result.failures == [("wrong-value", "taken")]
    assert result.message == "3.01 deviation: took '0.25'"


def test_a_changed_ledger_and_an_escaping_exception_are_caught(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    content, _ = build(harness.bases["xlsxwriter"], [("meta_issue_id", 0)])
    assert harness.check(content, None).verdict == "rejected"
    monkeypatch.setattr(harness, "rows_before", {"answers": [("made up",)]})
    assert harness.check(content, None).failures == [("ledger-changed", "rejected")]

    def escapes(*_: object) -> None:
        raise OverflowError("from the reader")

    monkeypatch.setattr("fuzzcase.read_file", escapes)
    result = harness.check(content, None)
    assert (result.failures, result.message) == (
        [("unexpected", "OverflowError")],
        "OverflowError: from the reader",
    )


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_a_kept_case_fails_no_more(
    harness: Harness, name: str, request: pytest.FixtureRequest
) -> None:
    entry = MANIFEST[name]
    failure = str(entry["failure"])
    if is_known(failure, KNOWN_CLASSES):
        # Strict: once the reader is fixed, this fails until the class leaves known.txt.
        request.applymarker(pytest.mark.xfail(strict=True, reason=f"known: {failure}"))
    expected = entry["expect"]
    expect = Expect.from_json(expected) if isinstance(expected, dict) else None
    result = harness.check((FUZZ / name).read_bytes(), expect)
    assert result.failures == [], f"{failure}: {result.message}"


KEPT = {str(entry["failure"]).split()[0] for entry in MANIFEST.values()}
NAMED = [known.split()[0] for known in KNOWN_CLASSES if known.split()[0] != "*"]
CLEAN = sorted(
    name
    for name in MUTATORS
    if name not in KEPT
    and not any(fnmatch.fnmatchcase(name, pattern) for pattern in NAMED)
    # far_cell: seconds a file, and a memory limit only the job sets; random bit flips
    # may land anywhere, in a known fault too: the job's, not a test's.
    and name not in ("far_cell", "flip_any_bits", "flip_central_bits")
)


@settings(max_examples=60)
@given(
    st.sampled_from(CLEAN),
    st.integers(0, 2**32 - 1),
    st.sampled_from(["openpyxl", "xlsxwriter"]),
)
def test_the_mutators_that_find_nothing_today_still_find_nothing(
    harness: Harness, mutator: str, seed: int, base: str
) -> None:
    content, expect = build(harness.bases[base], [(mutator, seed)])
    result = harness.check(content, expect)
    assert result.failures == [], f"{mutator} seed {seed} on {base}: {result.message}"


def test_a_far_cell_is_rejected_by_the_scan_not_left_to_the_reader(harness: Harness) -> None:
    # A cell at Z/AZ/IV and row 1,000/65,536/199,999: inside the row and column limits,
    # but IV199999 spans a table of 51 million cells, which a reader builds whole. The
    # scan refuses what spans more than 2 million, before any reader runs.
    verdicts = set()
    for seed in range(40):
        content, _ = build(harness.bases["xlsxwriter"], [("far_cell", seed)])
        result = harness.check(content, None)
        assert result.failures == [], seed
        if result.verdict == "rejected":
            assert "far outside the workbook's table" in result.message, seed
        verdicts.add(result.verdict)
    assert verdicts == {"accepted", "rejected"}  # Z1000 is taken, IV199999 refused
