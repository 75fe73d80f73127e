"""`xlfollow demo`: a whole round on the bundled example, with what it stages."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from cells import integer, text
from click.testing import CliRunner

from xlfollow.cli.main import cli
from xlfollow.demo.run import DemoResult, run_demo
from xlfollow.ledger.store import Ledger


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(tmp_path_factory.mktemp("demo") / "ws")


def test_the_demo_stages_what_it_says(demo: DemoResult) -> None:
    assert demo.problems() == []
    assert demo.issued == 12  # the master and 11 centres
    # Every centre but the late one returned once; the correcting one twice.
    assert len(demo.first.files) == 10
    assert {f.verdict for f in demo.first.files} == {"accepted"}
    assert demo.late not in {f.centre for f in demo.first.files}
    refused, its_note = demo.refused
    assert refused.value == "lilla" and refused.field == "milestone"
    assert "is not a milestone smiley" in refused.reason
    assert (its_note.item, its_note.field) == (refused.item, "milestone_note")
    assert ": not taken, as " in its_note.reason
    (again,) = demo.correction.files
    assert again.centre == demo.corrected and again.cells["accepted"] == 1
    (conflict,) = demo.correction.conflicts
    assert (conflict.item, conflict.current_source, conflict.incoming_source) == (
        demo.conflict.item,
        demo.conflict.responsible,
        demo.conflict.contributor,
    )
    # One answer against another: the smiley and its note together.
    assert conflict.current == {"milestone": "met", "milestone_note": ""}
    assert conflict.incoming == {
        "milestone": "not_met",
        "milestone_note": "Vi oplever, at milepælen ikke nås.",
    }


def test_the_master_shows_them_where_the_printout_says(demo: DemoResult) -> None:
    book = openpyxl.load_workbook(demo.workspace.path / "master.xlsx")
    conflicts = [r for r in book["Konflikter"].iter_rows(min_row=3, values_only=True) if r[0]]
    assert [(r[2], r[3]) for r in conflicts] == [(demo.conflict.item, "Milepæl")]
    received = list(book["Modtaget"].iter_rows(min_row=3, values_only=True))
    assert len(received) == 11
    assert text(received[0][0]).endswith("-svar-rettet.xlsx")  # newest first: the correction
    refused_column = [integer(r[10]) for r in received]
    assert sorted(refused_column) == [0] * 10 + [2]  # the smiley, and its note with it
    # Why, in the workspace's language: the refused value, and the correction.
    (refused_row,) = [r for r in received if r[10] == 2]
    centre, _, value = demo.invalid
    assert refused_row[3] == centre
    assert f'celle K3: "{value}" er ikke en gyldig smiley for milepælen; vælg en af' in text(
        refused_row[6]
    )
    assert (
        received[0][6]
        == "en rettelse: en senere fil fra samme center til runden; det, den ændrer, erstatter det, der blev givet før, og det, den lader stå, som det blev udsendt, bevares"
    )
    assert [r[6] for r in received[1:] if r is not refused_row] == [""] * 9
    missing = [r for r in book["Mangler"].iter_rows(min_row=4, values_only=True) if r[0]]
    late = [r for r in missing if r[0] == demo.late]
    status = next(c for c in demo.status.centres if c.centre == demo.late)
    assert len(late) == len({m.split()[0] for m in status.missing})
    assert all(text(r[1]).endswith("@example.org") for r in late)


def test_the_demo_is_the_same_every_time(demo: DemoResult, tmp_path: Path) -> None:
    again = run_demo(tmp_path / "again")
    with (
        Ledger(demo.workspace.ledger_place) as first,
        Ledger(again.workspace.ledger_place) as second,
    ):
        assert first.answers() == second.answers()


def test_demo_command_prints_where_to_look_and_exits_0(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["demo", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    for words in (
        "Issued 12 workbooks",
        "Received 11 files from 10 centres",
        "'lilla'",
        "sheet Modtaget says why",
        "sheet Konflikter",
        "sheet Mangler",
        "xlfollow resolve",
        "master.xlsx: sheet Overblik",
    ):
        assert words in result.output


def test_demo_into_a_folder_in_use_says_so(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "notes.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(cli, ["demo", str(tmp_path / "ws")])
    assert result.exit_code == 1
    assert "is not empty; give a new or empty folder" in result.stderr
    assert (tmp_path / "ws" / "notes.txt").read_text(encoding="utf-8") == "mine"
