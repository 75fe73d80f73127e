"""Issued workbooks opened in LibreOffice Calc through UNO: what a Calc user gets.

Needs LibreOffice (Debian: libreoffice-calc, python3-uno). Where it is missing
the tests are skipped, unless XLFOLLOW_REQUIRE_LIBREOFFICE=1 (CI sets it), when
they fail instead.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from returns import ECONOMY, SMILEY, STATUS, cell_of
from test_summary import HAND_ANSWERS, hand_definition, write_master
from test_summary import ROUND as HAND_ROUND

from xlfollow.answers import Field
from xlfollow.demo.simulate import answer_round
from xlfollow.figures.summary import summarise
from xlfollow.ledger.store import Ledger
from xlfollow.model import Contributors
from xlfollow.workbooks.writer import rows_for
from xlfollow.workspace.folder import Workspace, recipients

SYSTEM_PYTHON = "/usr/bin/python3"
INSPECT = Path(__file__).parent / "libreoffice" / "inspect_workbook.py"
ANSWER = Path(__file__).parent / "libreoffice" / "answer_workbook.py"


def _libreoffice_missing() -> str:
    if shutil.which("soffice") is None:
        return "soffice is not installed (Debian package libreoffice-calc)"
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, check=False)
    if probe.returncode != 0:
        return "the UNO bridge is missing (Debian package python3-uno)"
    return ""


MISSING = _libreoffice_missing()
if MISSING and os.environ.get("XLFOLLOW_REQUIRE_LIBREOFFICE") == "1":
    raise RuntimeError(f"LibreOffice is required here but {MISSING}")
pytestmark = pytest.mark.skipif(bool(MISSING), reason=MISSING)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# Items of Social og Sundhed without a milestone in round 1: their smiley, note and
# economy smiley cells, (sheet, cell) by header, as openpyxl finds them.
CLOSED = ("4.12", "8.12")
WATCHED_COLUMNS = (SMILEY, STATUS, ECONOMY)


@pytest.fixture(scope="module")
def calc_view(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    workspace = Workspace.init(tmp_path_factory.mktemp("lo") / "ws", "ballerup-2018")
    result = workspace.issue("1")
    path = next(f.path for f in result.files if f.recipient == "Social og Sundhed")
    watched = {
        (item, header): cell_of(path, item, header) for item in CLOSED for header in WATCHED_COLUMNS
    }
    cells: dict[str, list[str]] = {}
    for sheet_name, cell in watched.values():
        cells.setdefault(sheet_name, []).append(cell)
    run = subprocess.run(
        [SYSTEM_PYTHON, str(INSPECT), str(path), str(free_port()), json.dumps(cells)],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    view: dict[str, Any] = json.loads(run.stdout)
    view["watched"] = watched
    return view


def sheet(view: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in view["sheets"] if s["name"] == name)


def test_calc_opens_it_with_its_sheets(calc_view: dict[str, Any]) -> None:
    names = [s["name"] for s in calc_view["sheets"]]
    assert names == [
        "Forside",
        "3. Sammenhængende…",
        "4. Sundhed, Ældre og Voksne…",
        "5. Erhverv og Beskæftigelse",
        "7. Borgeren og Kommunen",
        "8. Ballerup Kommune som…",
        "_xlfollow",
    ]
    assert [s["visible"] for s in calc_view["sheets"]] == [True] * 6 + [False]
    assert all(s["protected"] for s in calc_view["sheets"])


def test_calc_offers_the_smileys_in_the_drop_downs(calc_view: dict[str, Any]) -> None:
    chapter = sheet(calc_view, "3. Sammenhængende…")
    milestone = chapter["validations"]["K3"]
    assert milestone["type"] == "LIST"
    assert milestone["show_list"] == 1
    assert milestone["formula1"] == '"😊 Opfyldt";"😐 Delvist opfyldt";"☹️ Ikke opfyldt"'
    assert milestone["error_message"] == "Vælg en af smileyerne på listen."
    economy = chapter["validations"]["Q3"]
    assert economy["formula1"] == '"😊 Overholdt";"☹️ Ikke overholdt"'
    # The expected deviation, after the three budget years.
    assert chapter["validations"]["W3"]["type"] == "DECIMAL"


def test_calc_unlocks_only_the_answer_cells(calc_view: dict[str, Any]) -> None:
    chapter = sheet(calc_view, "3. Sammenhængende…")
    unlocked_columns = {
        name.rstrip("0123456789") for name, cell in chapter["cells"].items() if not cell["locked"]
    }
    assert unlocked_columns == {"K", "L", "Q", "R", "W"}
    assert chapter["cells"]["R3"]["text"].startswith("Beløbet på 0,762 mio kr.")
    # Chapter 5 holds only items the centre contributes to: shown, nothing to fill in.
    assert not [
        c
        for c in sheet(calc_view, "5. Erhverv og Beskæftigelse")["cells"].values()
        if not c["locked"]
    ]


def test_calc_shows_a_round_without_a_milestone_locked_and_grey(
    calc_view: dict[str, Any],
) -> None:
    watched: dict[tuple[str, str], tuple[str, str]] = calc_view["watched"]
    for item in CLOSED:
        for header in WATCHED_COLUMNS:
            sheet_name, name = watched[(item, header)]
            chapter = sheet(calc_view, sheet_name)
            cell = chapter["cells"][name]
            if header == ECONOMY:  # still answered
                assert not cell["locked"], (item, name)
                assert chapter["validations"][name]["type"] == "LIST"
                continue
            assert cell["text"] == ("Ingen milepæl" if header == SMILEY else ""), (item, name)
            assert cell["locked"], (item, name)
            assert cell["background"] == "F2F2F2", (item, name)
            assert name not in chapter["validations"], (item, name)


def answered_in_calc(issued: Path, cells: dict[str, dict[str, str]], tmp_path: Path) -> Path:
    """The issued workbook with these cells typed in Calc (sheet -> cell -> text) and saved
    as a new file, as a centre using LibreOffice returns it."""
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(cells, ensure_ascii=False), encoding="utf-8")
    returned = tmp_path / "returned-from-calc.xlsx"
    subprocess.run(
        [SYSTEM_PYTHON, str(ANSWER), str(issued), str(returned), str(free_port()), str(answers)],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    return returned


def test_a_workbook_answered_and_saved_in_calc_is_merged(tmp_path: Path) -> None:
    workspace = Workspace.init(tmp_path / "ws", "ballerup-2018")
    result = workspace.issue("1")
    issued = next(f.path for f in result.files if f.recipient == "Social og Sundhed")
    definition = workspace.load()
    chapter_4 = [
        (item, editable)
        for item, editable in rows_for(
            definition.agreement, recipients(definition, 0)[3], Contributors.READ
        )
        if item.chapter == "4"
    ]
    own = next(offset for offset, (_, editable) in enumerate(chapter_4) if editable)
    own_number = chapter_4[own][0].number
    returned = answered_in_calc(
        issued,
        {
            "3. Sammenhængende…": {
                "K3": "😊 Opfyldt",
                "L3": "Pilotprojektet er planlagt i Skovlunde.",
                "Q3": "☹️ Ikke overholdt",
                "W3": "-0,25",
            },
            "4. Sundhed, Ældre og Voksne…": {f"K{3 + own}": "😐 Delvist opfyldt"},
        },
        tmp_path,
    )
    report = workspace.merge([returned])
    (file,) = report.files
    assert (file.verdict, file.centre) == ("accepted", "Social og Sundhed"), file.reason
    assert file.cells["accepted"] == 5, file.problems
    assert file.cells["refused"] == 0
    assert file.notes == []  # Calc keeps the locked texts as they were
    with Ledger(workspace.ledger_place) as ledger:
        got = ledger.answers()
    r1 = "1. budgetopfølgning 2018"
    assert got[(r1, "3.01", Field.MILESTONE)] == "met"
    assert got[(r1, "3.01", Field.MILESTONE_NOTE)] == "Pilotprojektet er planlagt i Skovlunde."
    assert got[(r1, "3.01", Field.ECONOMY)] == "not_kept"
    assert got[(r1, "3.01", Field.DEVIATION)] == "-0.25"
    assert got[(r1, own_number, Field.MILESTONE)] == "partly"


RECALCULATE = Path(__file__).parent / "libreoffice" / "recalculate.py"


def recalculated(path: Path, sheets: list[str], edits: list[list[str]] | None = None) -> Any:
    run = subprocess.run(
        [
            SYSTEM_PYTHON,
            str(RECALCULATE),
            str(path),
            str(free_port()),
            json.dumps(sheets),
            json.dumps(edits or []),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.fixture(scope="module")
def two_rounds(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    workspace = Workspace.init(tmp_path_factory.mktemp("lo-sum") / "ws", "ballerup-2018")
    workspace.issue("1")
    answer_round(workspace, "1", seed=1, silent={"By, Erhverv og Miljø"})
    workspace.merge()
    workspace.issue("2")
    answer_round(workspace, "2", seed=2, silent={"By, Erhverv og Miljø"})
    workspace.merge()
    return workspace


def test_calc_computes_every_summary_figure_as_cached(two_rounds: Workspace) -> None:
    path = two_rounds.path / "master.xlsx"
    sheets = ["Overblik", "Økonomi"]
    calc = recalculated(path, sheets)
    formulas = openpyxl.load_workbook(path)
    cached = openpyxl.load_workbook(path, data_only=True)
    compared = 0
    for name in sheets:
        written = {
            cell.coordinate: cached[name][cell.coordinate].value
            for row in formulas[name].iter_rows()
            for cell in row
            if isinstance(cell.value, str) and cell.value.startswith("=")
        }
        assert set(calc[name]) == set(written), name
        for ref, value in written.items():
            if value is None:
                # A share where nothing is due: no figure, in Calc as in the cache.
                assert calc[name][ref] == "", (name, ref)
                continue
            assert isinstance(value, int | float), (name, ref, value)
            assert calc[name][ref] == pytest.approx(value, abs=1e-9), (name, ref)
            compared += 1
    assert compared > 500


def test_a_smiley_corrected_in_the_master_updates_the_summary(two_rounds: Workspace) -> None:
    path = two_rounds.path / "master.xlsx"
    book = openpyxl.load_workbook(path, data_only=True)
    overview = book["Overblik"]
    top = next(
        r for r in range(1, 40) if str(overview.cell(r, 1).value).endswith("fordelt på kapitler")
    )
    met_column = next(c for c in range(2, 20) if overview.cell(top + 1, c).value == "😊 Opfyldt")
    r2 = "2. budgetopfølgning 2018"
    # Per chapter (the table's eight groups): its count of met milestones, and its
    # rows with a milestone in round 2 not met yet and those without a milestone.
    found: dict[str, tuple[str, list[int], list[int]]] = {}
    for group_row in range(top + 2, top + 10):
        met_cell = overview.cell(group_row, met_column).coordinate
        number = str(overview.cell(group_row, 1).value).split(" ")[0]
        sheet = book[next(name for name in book.sheetnames if name.startswith(number + " "))]
        heads = {sheet.cell(2, c).value: c for c in range(1, sheet.max_column + 1)}
        smiley, text = heads[f"Smiley indsats – {r2}"], heads[f"Milepæl {r2}"]
        data = range(3, sheet.max_row + 1)
        open_rows = [
            r
            for r in data
            if sheet.cell(r, text).value and sheet.cell(r, smiley).value != "😊 Opfyldt"
        ]
        closed_rows = [r for r in data if not sheet.cell(r, text).value]
        found[met_cell] = (sheet.title, open_rows, closed_rows)
    # One chapter gets a smiley corrected to "met"; another gets "met" typed where
    # there is no milestone (possible once the protection is lifted): not counted.
    corrected = next(cell for cell, (_, open_rows, _) in found.items() if open_rows)
    closed = next(
        cell for cell, (_, _, closed_rows) in found.items() if closed_rows and cell != corrected
    )
    edits = []
    for cell, row in ((corrected, found[corrected][1][0]), (closed, found[closed][2][0])):
        sheet = book[found[cell][0]]
        smiley = next(c for c in range(1, 40) if sheet.cell(2, c).value == f"Smiley indsats – {r2}")
        edits.append([sheet.title, sheet.cell(row, smiley).coordinate, "😊 Opfyldt"])
    assert book[found[closed][0]][edits[1][1]].value == "Ingen milepæl"
    calc = recalculated(path, ["Overblik"], edits)
    assert calc["Overblik"][corrected] == overview[corrected].value + 1
    assert calc["Overblik"][closed] == overview[closed].value


def test_calc_computes_the_money_at_risk_and_the_shares_as_worked_out_by_hand(
    tmp_path: Path,
) -> None:
    """The hand-worked agreement of test_summary, with two smileys corrected in Calc: the
    money at risk is counted apart and by size, and the shares are of the milestones due."""
    definition = hand_definition()
    path = write_master(summarise(definition, 0, HAND_ANSWERS), definition, HAND_ANSWERS, tmp_path)
    book = openpyxl.load_workbook(path)
    elderly = book["2. Ældre"]
    heads = {c.value: c.column_letter for c in elderly[2] if c.value is not None}
    rows = {elderly.cell(r, 2).value: r for r in range(3, elderly.max_row + 1)}
    smiley, economy = (
        heads[f"Smiley indsats – {HAND_ROUND}"],
        heads[f"Smiley økonomi – {HAND_ROUND}"],
    )
    # 2.02 (spends 2,0) and 2.03 (saves 0,3) now not kept; 2.03's milestone met.
    edits = [
        ["2. Ældre", f"{economy}{rows['2.02']}", "☹️ Ikke overholdt"],
        ["2. Ældre", f"{economy}{rows['2.03']}", "☹️ Ikke overholdt"],
        ["2. Ældre", f"{smiley}{rows['2.03']}", "😊 Opfyldt"],
    ]
    calc = recalculated(path, ["Overblik", "Økonomi"], edits)

    def cells(sheet_name: str, title: str) -> dict[tuple[str, str], str]:
        """(row label, header) -> cell of the table under a heading."""
        sheet = book[sheet_name]
        top = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == title)
        header = {c.column_letter: str(c.value) for c in sheet[top + 1] if c.value is not None}
        found = {}
        for row in range(top + 2, top + 5):  # two chapters and the total
            label = str(sheet.cell(row, 1).value)
            for letter, head in header.items():
                found[(label, head)] = f"{letter}{row}"
        return found

    budget = cells("Økonomi", "Budget (mio. kr.) fordelt på kapitler")
    spending, savings = "Udgift 2018, budget ikke overholdt", "Besparelse 2018, ikke opnået"
    worked_out = {
        ("1. Børn", spending): 1.0,
        ("1. Børn", savings): 0.5,
        ("2. Ældre", spending): 0.4 + 2.0,
        ("2. Ældre", savings): 0.3,
        ("I alt", spending): 3.4,
        ("I alt", savings): 0.8,
    }
    for key, value in worked_out.items():
        assert calc["Økonomi"][budget[key]] == pytest.approx(value), key
    overview = cells("Overblik", f"Milepæle i {HAND_ROUND} fordelt på kapitler")
    total = {
        h: calc["Overblik"].get(ref) for (label, h), ref in overview.items() if label == "I alt"
    }
    assert total["Milepæle i runden"] == 4
    assert total["Andel opfyldt af rundens milepæle"] == pytest.approx(3 / 4)
    assert total["Andel ikke besvaret af rundens milepæle"] == 0
    economy_shares = cells("Overblik", f"Smiley for økonomi i {HAND_ROUND} fordelt på kapitler")
    assert calc["Overblik"][
        economy_shares[("I alt", "Andel ikke overholdt af alle delelementer")]
    ] == pytest.approx(5 / 5)


def test_the_master_edited_and_saved_in_calc_is_merged_before_it_is_written_anew(
    tmp_path: Path,
) -> None:
    """Finance types a smiley and a note into master.xlsx in Calc and saves it where it
    is; `summary`, which writes the master anew, merges the edit first."""
    workspace = Workspace.init(tmp_path / "ws", "ballerup-2018")
    workspace.issue("1")
    answer_round(workspace, "1", seed=5, silent={"Ejendomme"})
    workspace.merge()
    r1 = "1. budgetopfølgning 2018"
    before = workspace.summary().milestones.total
    book = openpyxl.load_workbook(workspace.master_path)
    sheet = book["3. Sammenhængende…"]
    heads = {sheet.cell(2, c).value: c for c in range(1, sheet.max_column + 1)}
    row = next(r for r in range(3, sheet.max_row + 1) if sheet.cell(r, 2).value == "3.04")
    assert sheet.cell(row, heads["Ansvarligt center"]).value == "Ejendomme"
    assert (
        sheet.cell(row, heads[f"Smiley indsats – {r1}"]).value is None
    )  # Ejendomme has not answered
    smiley = sheet.cell(row, heads[f"Smiley indsats – {r1}"]).coordinate
    note = sheet.cell(row, heads[f"Status {r1}"]).coordinate
    edits = tmp_path / "edits.json"
    edits.write_text(
        json.dumps(
            {sheet.title: {smiley: "😐 Delvist opfyldt", note: "Analysen er forsinket."}},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    path = str(workspace.master_path)
    subprocess.run(
        [SYSTEM_PYTHON, str(ANSWER), path, path, str(free_port()), str(edits)],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    assert workspace.master_edited()
    after = workspace.summary().milestones.total
    assert after["partly"] == before["partly"] + 1
    assert after["unanswered"] == before["unanswered"] - 1
    with Ledger(workspace.ledger_place) as ledger:
        got = ledger.answers()
    assert got[(r1, "3.04", Field.MILESTONE)] == "partly"
    assert got[(r1, "3.04", Field.MILESTONE_NOTE)] == "Analysen er forsinket."
    rewritten = openpyxl.load_workbook(workspace.master_path)[sheet.title]
    assert rewritten[smiley].value == "😐 Delvist opfyldt"
    assert rewritten[note].value == "Analysen er forsinket."
    assert not workspace.master_edited()


def test_a_workbook_with_series_notes_answered_in_calc_is_merged(tmp_path: Path) -> None:
    # Ejendomme's 3.04 (Anlæg og drift) carries a note on each budget cell naming its
    # series; Calc keeps the notes, and the return merges as any other.
    workspace = Workspace.init(tmp_path / "ws", "ballerup-2018")
    result = workspace.issue("1")
    issued = next(f.path for f in result.files if f.recipient == "Ejendomme")
    sheet_name = "3. Sammenhængende…"
    book = openpyxl.load_workbook(issued)
    assert book[sheet_name]["A3"].value == "3.04"
    comment = book[sheet_name]["T3"].comment
    assert comment is not None
    assert comment.text == "Beløbet for 2019 er summen af (mio. kr.):\nAnlæg: 2,5\nDrift: 0,5"
    assert book[sheet_name]["T3"].value == 3.0
    returned = answered_in_calc(
        issued, {sheet_name: {"K3": "😊 Opfyldt", "L3": "Arbejdsmiljøgrupperne er med."}}, tmp_path
    )
    saved = openpyxl.load_workbook(returned)
    kept = saved[sheet_name]["T3"].comment
    assert kept is not None and "Anlæg: 2,5" in kept.text
    report = workspace.merge([returned])
    (file,) = report.files
    assert (file.verdict, file.centre) == ("accepted", "Ejendomme"), file.reason
    assert file.cells["accepted"] == 2, file.problems
    with Ledger(workspace.ledger_place) as ledger:
        got = ledger.answers()
    assert got[("1. budgetopfølgning 2018", "3.04", Field.MILESTONE)] == "met"
