"""Merging returned workbooks, built as centres would return them, into the ledger."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import misreaders
import openpyxl
import pytest
from click.testing import CliRunner
from conftest import copied, round_one_issued, session_members
from conftest import ledger_answers as answers
from returns import DEVIATION, ECONOMY, R1, SMILEY, STATUS, cell_of, fill

from xlfollow.answers import Field
from xlfollow.cli.main import cli
from xlfollow.ledger.records import ConflictStatus
from xlfollow.ledger.store import Ledger
from xlfollow.messages import Language
from xlfollow.returns.collect import MergeReport
from xlfollow.workspace.folder import Workspace

SOS = "03-social-og-sundhed-runde-1.xlsx"
SIK = "04-skoler-institutioner-og-kultur-runde-1.xlsx"


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory, new_ledger: Callable[[], str]) -> Workspace:
    """Round 1 issued, its ledger on each engine in turn (conftest's ledger_engine)."""
    return round_one_issued(tmp_path_factory, new_ledger())


@pytest.fixture
def ws(issued: Workspace, tmp_path: Path) -> Workspace:
    return copied(issued, tmp_path)


def outbox(ws: Workspace, name: str) -> Path:
    return ws.path / "outbox" / "round-1" / name


def test_a_centre_fills_in_and_it_is_accepted(ws: Workspace) -> None:
    returned = fill(
        outbox(ws, SOS),
        ws.path / "inbox" / "sos.xlsx",
        {
            ("3.01", SMILEY): "😊 Opfyldt",
            ("3.01", STATUS): "Pilotprojektet er planlagt.",
            ("3.01", ECONOMY): "☹️ Ikke overholdt",
            ("3.01", DEVIATION): "-0,25",
            ("4.11", SMILEY): "gul",
            ("4.11", ECONOMY): "Overholdt",
            ("4.02", SMILEY): "  ☹  ",
        },
    )
    report = ws.merge()
    (file,) = report.files
    assert file.path == "inbox/sos.xlsx"
    assert (file.verdict, file.centre, file.round) == ("accepted", "Social og Sundhed", R1)
    assert file.cells["accepted"] == 7
    assert file.cells["refused"] == 0 and file.cells["conflict"] == 0
    got = answers(ws)
    assert got[(R1, "3.01", Field.MILESTONE)] == "met"
    assert got[(R1, "3.01", Field.MILESTONE_NOTE)] == "Pilotprojektet er planlagt."
    assert got[(R1, "3.01", Field.ECONOMY)] == "not_kept"
    assert got[(R1, "3.01", Field.DEVIATION)] == "-0.25"
    assert got[(R1, "4.11", Field.MILESTONE)] == "partly"
    assert got[(R1, "4.11", Field.ECONOMY)] == "kept"
    assert got[(R1, "4.02", Field.MILESTONE)] == "not_met"
    assert not report.needs_a_person
    assert returned.exists() and (ws.path / "master.xlsx").exists()
    # Nothing new in the inbox: a second merge finds nothing to do.
    assert ws.merge().files == []


def test_sorted_and_renamed_sheets_read_the_same(ws: Workspace) -> None:
    sheet = "4. Sundhed, Ældre og Voksne…"
    fill(
        outbox(ws, SOS),
        ws.path / "inbox" / "sos.xlsx",
        {("4.11", SMILEY): "😊 Opfyldt", ("4.13", SMILEY): "☹️ Ikke opfyldt"},
        reverse_rows=sheet,
        rename=(sheet, "Sundhed"),
    )
    (file,) = ws.merge().files
    assert file.cells["accepted"] == 2 and file.cells["refused"] == 0
    got = answers(ws)
    assert got[(R1, "4.11", Field.MILESTONE)] == "met"
    assert got[(R1, "4.13", Field.MILESTONE)] == "not_met"


def test_an_invalid_value_is_refused_with_file_sheet_and_cell(ws: Workspace) -> None:
    fill(
        outbox(ws, SOS),
        ws.path / "inbox" / "sos.xlsx",
        {("3.01", SMILEY): "Grøøn", ("3.01", DEVIATION): "en del"},
    )
    report = ws.merge()
    (file,) = report.files
    assert file.verdict == "accepted"
    # Both answers of 3.01 are refused whole: the milestone smiley with its note
    # (K, L), the economy smiley with its note and the deviation (Q, R, W).
    assert file.cells["refused"] == 5
    reasons = {p.cell: p.reason for p in file.problems}
    sheet = "3. Sammenhængende…"
    tail = (
        "of the same answer was refused; a smiley is taken only together with its note "
        "(and the economy's with the expected deviation)"
    )
    assert reasons["L3"] == f"{sheet}!L3: not taken, as {sheet}!K3 {tail}"
    assert reasons["Q3"] == f"{sheet}!Q3: not taken, as {sheet}!W3 {tail}"
    assert reasons["R3"] == f"{sheet}!R3: not taken, as {sheet}!W3 {tail}"
    assert reasons["K3"] == (
        f"{ws.path / 'inbox' / 'sos.xlsx'}, sheet '3. Sammenhængende…', cell K3: "
        '"Grøøn" is not a milestone smiley; choose one of "😊 Opfyldt", "😐 Delvist opfyldt", '
        '"☹️ Ikke opfyldt"'
    )
    assert "is not an amount" in reasons["W3"]
    assert report.needs_a_person
    assert (R1, "3.01", "milestone") not in answers(ws)


def test_an_answer_where_there_is_no_milestone_is_refused_and_the_rest_taken(
    ws: Workspace,
) -> None:
    # 4.12 and 8.12 have no milestone in round 1: their smiley cells are locked,
    # but a smiley can be typed there once the protection is lifted.
    issued = outbox(ws, SOS)
    path = fill(
        issued,
        ws.path / "inbox" / "sos.xlsx",
        {
            ("4.12", SMILEY): "😊 Opfyldt",
            ("4.12", ECONOMY): "Overholdt",
            ("8.12", SMILEY): " ingen MILEPÆL",  # the label, retyped: no answer
            ("8.12", STATUS): "Vi er i gang.",
            ("4.11", SMILEY): "grøn",
        },
    )
    report = ws.merge()
    (file,) = report.files
    assert file.verdict == "accepted"
    assert (file.cells["accepted"], file.cells["refused"]) == (2, 2)
    why = "has no milestone in 1. budgetopfølgning 2018, so there is nothing to answer here; "
    expected = []
    for item, header, value in (("4.12", SMILEY, "😊 Opfyldt"), ("8.12", STATUS, "Vi er i gang.")):
        sheet, cell = cell_of(issued, item, header)
        reason = f"{path}, sheet '{sheet}', cell {cell}: item {item} {why}leave the cell as it is"
        expected.append((sheet, cell, item, value, reason))
    assert [(p.sheet, p.cell, p.item, p.value, p.reason) for p in file.problems] == expected
    assert report.needs_a_person
    got = answers(ws)
    assert (R1, "4.12", "milestone") not in got and (R1, "8.12", "milestone_note") not in got
    assert got[(R1, "4.12", Field.ECONOMY)] == "kept"
    assert got[(R1, "4.11", Field.MILESTONE)] == "met"
    # The master written after the merge says so too, and merged back as it is,
    # nothing in it is refused.
    shutil.copy(ws.path / "master.xlsx", ws.path / "inbox" / "master-back.xlsx")
    (back,) = ws.merge().files
    assert back.verdict == "accepted" and back.cells["refused"] == 0, back.problems


def test_an_edited_locked_title_is_reported_and_the_answers_taken(ws: Workspace) -> None:
    fill(
        outbox(ws, SOS),
        ws.path / "inbox" / "sos.xlsx",
        {("3.01", "Delelement"): "Noget andet", ("3.01", SMILEY): "grøn"},
    )
    (file,) = ws.merge().files
    assert any(
        "cell C3: the locked 'Delelement' of item 3.01 was changed" in str(n) for n in file.notes
    )
    assert answers(ws)[(R1, "3.01", Field.MILESTONE)] == "met"


def test_another_centres_item_is_refused(ws: Workspace) -> None:
    # 3.02 is Skoler, Institutioner og Kultur's; Social og Sundhed contributes (shown, locked).
    fill(outbox(ws, SOS), ws.path / "inbox" / "sos.xlsx", {("3.02", SMILEY): "grøn"})
    (file,) = ws.merge().files
    assert file.cells["refused"] == 1
    (problem,) = file.problems
    assert problem.item == "3.02"
    assert problem.reason == (
        "this workbook was not issued for answering the milestone of item 3.02; "
        "the responsible centre answers it"
    )
    assert (R1, "3.02", "milestone") not in answers(ws)


def test_a_correction_supersedes_the_earlier_file(ws: Workspace) -> None:
    fill(
        outbox(ws, SOS),
        ws.path / "inbox" / "first.xlsx",
        {("3.01", SMILEY): "grøn", ("3.01", STATUS): "Godt"},
    )
    ws.merge()
    fill(
        outbox(ws, SOS),
        ws.path / "inbox" / "second.xlsx",
        {("3.01", SMILEY): "rød", ("3.01", STATUS): ""},
    )
    (file,) = ws.merge().files
    assert file.cells["accepted"] == 1 and file.cells["conflict"] == 0
    assert (
        "a correction: a later file from the same centre for the round; what it changes replaces what was given before, and what it leaves as issued keeps it"
        in [str(n) for n in file.notes]
    )
    got = answers(ws)
    assert got[(R1, "3.01", Field.MILESTONE)] == "not_met"
    # The note cell left empty, as issued, says nothing: the note given before stays.
    assert got[(R1, "3.01", Field.MILESTONE_NOTE)] == "Godt"


def test_the_same_file_twice_is_a_duplicate(ws: Workspace) -> None:
    path = fill(outbox(ws, SOS), ws.path / "sos.xlsx", {("3.01", SMILEY): "grøn"})
    ws.merge([path])
    before = answers(ws)
    (file,) = ws.merge([path]).files
    assert file.verdict == "duplicate"
    assert file.reason.startswith("the same file as sos.xlsx, merged ")
    assert answers(ws) == before


def disagree_on_3_02(ws: Workspace) -> MergeReport:
    """Issue again with contributors = "edit"; SIK and SOS both answer 3.02, differently."""
    settings = ws.settings_path.read_text(encoding="utf-8")
    ws.settings_path.write_text(
        settings + '\n[workbooks]\ncontributors = "edit"\n', encoding="utf-8"
    )
    ws.issue("1", again=True)
    # 3.02 is SIK's; SOS contributes and may answer too.
    fill(outbox(ws, SIK), ws.path / "inbox" / "sik.xlsx", {("3.02", SMILEY): "grøn"})
    fill(outbox(ws, SOS), ws.path / "inbox" / "sos.xlsx", {("3.02", SMILEY): "rød"})
    return ws.merge()


def test_two_sources_disagree_and_a_person_resolves_it(ws: Workspace) -> None:
    report = disagree_on_3_02(ws)
    assert [f.cells["conflict"] for f in report.files] == [0, 1]
    (conflict,) = report.conflicts
    # The conflict is about the milestone answer: the smiley with its note.
    assert (conflict.item, conflict.answer) == ("3.02", "milestone")
    assert conflict.base == {"milestone": "", "milestone_note": ""}
    assert conflict.current == {"milestone": "met", "milestone_note": ""}
    assert conflict.current_source == "Skoler, Institutioner og Kultur"
    assert conflict.incoming == {"milestone": "not_met", "milestone_note": ""}
    assert conflict.incoming_source == "Social og Sundhed"
    assert answers(ws)[(R1, "3.02", Field.MILESTONE)] == "met"  # nothing overwritten
    master = openpyxl.load_workbook(ws.path / "master.xlsx")
    rows = list(master["Konflikter"].iter_rows(min_row=3, values_only=True))
    assert rows == [
        (
            conflict.conflict_id,
            R1,
            "3.02",
            "Milepæl",
            "(intet svar)",
            "😊 Opfyldt",
            "Skoler, Institutioner og Kultur",
            "☹️ Ikke opfyldt",
            "Social og Sundhed",
            "Skoler, Institutioner og Kultur har givet et andet svar, siden projektmappen blev "
            "udsendt; konflikten står åben, og intet er overskrevet",
            None,
            None,
        )
    ]
    code = CliRunner().invoke(
        cli, ["resolve", str(ws.path), "3.02", "milestone", "--take", "social og sundhed"]
    )
    assert code.exit_code == 0, code.output
    assert answers(ws)[(R1, "3.02", Field.MILESTONE)] == "not_met"
    with Ledger(ws.ledger_place) as ledger:
        assert ledger.conflicts() == []
        (closed,) = ledger.conflicts(status=ConflictStatus.RESOLVED)
        assert closed.resolution == "took Social og Sundhed"


def test_master_decisions_resolve_conflicts(ws: Workspace) -> None:
    disagree_on_3_02(ws)
    master = ws.path / "master.xlsx"
    book = openpyxl.load_workbook(master)
    sheet = book["Konflikter"]
    sheet.cell(3, sheet.max_column).value = "Tag indkommende"
    book.save(ws.path / "inbox" / "master-back.xlsx")
    report = ws.merge()
    (file,) = report.files
    assert file.verdict == "accepted" and file.centre == ""
    assert any("Tag indkommende" in str(note) for note in file.notes)
    assert report.conflicts == []
    assert answers(ws)[(R1, "3.02", Field.MILESTONE)] == "not_met"


def test_a_decision_is_read_from_its_column_when_finance_adds_one_after_it(
    ws: Workspace,
) -> None:
    """The decision column is found by its header, not by being the last: a finance
    officer's own note column to its right is not taken for the decision."""
    disagree_on_3_02(ws)
    book = openpyxl.load_workbook(ws.path / "master.xlsx")
    sheet = book["Konflikter"]
    decision = sheet.max_column
    assert sheet.cell(2, decision).value == "Beslutning"
    sheet.cell(2, decision + 1).value = "Kommentar"
    sheet.cell(3, decision + 1).value = "Tal med centerchefen"
    sheet.cell(3, decision).value = "Tag indkommende"
    book.save(ws.path / "inbox" / "master-back.xlsx")
    report = ws.merge()
    assert report.conflicts == []
    assert answers(ws)[(R1, "3.02", Field.MILESTONE)] == "not_met"


def test_a_konflikter_sheet_without_its_decision_header_says_so(ws: Workspace) -> None:
    disagree_on_3_02(ws)
    book = openpyxl.load_workbook(ws.path / "master.xlsx")
    sheet = book["Konflikter"]
    sheet.cell(2, sheet.max_column).value = "Hvad gør vi?"
    sheet.cell(3, sheet.max_column).value = "Tag indkommende"
    book.save(ws.path / "inbox" / "master-back.xlsx")
    report = ws.merge()
    (file,) = report.files
    assert any(
        "sheet 'Konflikter': the column 'Beslutning' is not there, so its decisions cannot "
        "be read" in str(problem)
        for problem in (*file.notes, *file.problems, file.reason)
    ), file
    assert len(report.conflicts) == 1
    assert answers(ws)[(R1, "3.02", Field.MILESTONE)] == "met"


def test_a_sheet_whose_title_was_cleared_is_still_read(ws: Workspace, tmp_path: Path) -> None:
    """A centre that clears a chapter sheet's title row leaves a sheet whose used range
    starts at row 2: its answers are read where they stand, not a row lower."""
    path = fill(outbox(ws, SOS), tmp_path / "sos.xlsx", {("3.01", SMILEY): "grøn"})
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        if sheet.sheet_state == "visible" and sheet["B1"].value:
            sheet["B1"].value = None
    book.save(path)
    report = ws.merge([path])
    (file,) = report.files
    assert file.verdict == "accepted" and file.cells["accepted"] == 1, file
    assert answers(ws)[(R1, "3.01", Field.MILESTONE)] == "met"


def test_a_decision_sticks_for_the_files_merged_after_it_in_the_same_batch(
    ws: Workspace,
) -> None:
    """The master's decision (take Social og Sundhed's not met) is merged first; then, in
    the same merge, Skoler, Institutioner og Kultur corrects its own overruled answer to
    partly met. The decision stands and the correction is a conflict with it, as when
    the two are merged one after the other: the correction does not overwrite it."""
    disagree_on_3_02(ws)
    book = openpyxl.load_workbook(ws.path / "master.xlsx")
    sheet = book["Konflikter"]
    sheet.cell(3, sheet.max_column).value = "Tag indkommende"
    book.save(ws.path / "inbox" / "a-master-back.xlsx")
    fill(outbox(ws, SIK), ws.path / "inbox" / "b-sik-again.xlsx", {("3.02", SMILEY): "gul"})
    report = ws.merge()
    assert [(f.path, f.verdict, f.cells["conflict"]) for f in report.files] == [
        ("inbox/a-master-back.xlsx", "accepted", 0),
        ("inbox/b-sik-again.xlsx", "accepted", 1),
    ]
    (conflict,) = report.conflicts
    assert (conflict.item, conflict.answer) == ("3.02", "milestone")
    assert conflict.current == {"milestone": "not_met", "milestone_note": ""}
    assert conflict.current_source == "Social og Sundhed"
    assert conflict.incoming == {"milestone": "partly", "milestone_note": ""}
    assert conflict.incoming_source == "Skoler, Institutioner og Kultur"
    assert answers(ws)[(R1, "3.02", Field.MILESTONE)] == "not_met"


def test_a_rejected_file_left_in_the_inbox_is_said_again_not_read_again(ws: Workspace) -> None:
    """A file rejected once and left in inbox/ is listed by the next merge with the
    first rejection's moment and reason, under its own name or as the same file as the
    one rejected; it is not read or recorded again."""
    name = "03-social-og-sundhed-runde-1-svar.xlsx"
    forged = fill(outbox(ws, SOS), ws.path / "inbox" / name, {("3.01", SMILEY): "grøn"})
    book = openpyxl.load_workbook(forged)
    (row,) = [r for r in book["_xlfollow"].iter_rows() if r[0].value == "issue_id"]
    row[1].value = "0" * 32
    book.save(forged)
    why = f"issue id {'0' * 32} was not issued from this workspace; send the workbook that was sent to you"
    (first,) = ws.merge().files
    assert (first.verdict, first.reason) == ("rejected", why)
    shutil.copy(forged, ws.path / "inbox" / "kopi.xlsx")
    with Ledger(ws.ledger_place) as ledger:
        receipts = len(ledger.receipts())
    report = ws.merge()
    again = {f.path: f for f in report.files}
    assert set(again) == {f"inbox/{name}", "inbox/kopi.xlsx"}
    when = r"\d{4}-\d\d-\d\d \d\d:\d\d"
    tail = re.escape(
        f": {why}. Remove it from inbox/, or name it on the command line to read it again"
    )
    assert re.fullmatch(f"rejected already {when}{tail}", again[f"inbox/{name}"].reason)
    assert re.fullmatch(
        f"the same file as {re.escape(f'inbox/{name}')}, rejected {when}{tail}",
        again["inbox/kopi.xlsx"].reason,
    )
    # The first reason is kept as a message, said in Danish too, not as English text.
    assert first.why is not None
    danish = first.why.say(Language.DA)
    assert (
        danish
        == f"projektmappe-id {'0' * 32} er ikke udsendt herfra; send den projektmappe, I fik tilsendt"
    )
    for file in again.values():
        assert file.why is not None and danish in file.why.say(Language.DA)
        assert file.verdict == "already_rejected"
        assert (file.centre, file.round, file.sha256) == ("Social og Sundhed", R1, first.sha256)
    with Ledger(ws.ledger_place) as ledger:
        assert len(ledger.receipts()) == receipts


def test_items_missing_from_a_file_are_named_in_number_order(
    tmp_path: Path, new_ledger: Callable[[], str]
) -> None:
    """Rows deleted from a returned workbook: its items keep their answers, and the
    report names them in the agreement's number order (4.9 before 4.10)."""
    items = "".join(
        f'  - number: "{number}"\n'
        f"    title: Punkt {number}\n"
        "    kind: Drift\n"
        "    centre: Social og Sundhed\n"
        "    committee: Social- og Sundhedsudvalget\n"
        for number in ("4.10", "4.9", "4.2")
    )
    workspace = Workspace.init(tmp_path / "ws", ledger=new_ledger())  # small example, items added
    with (workspace.path / "agreement.yaml").open("a", encoding="utf-8") as agreement:
        agreement.write(items)
    result = workspace.issue("1")
    issued = next(f.path for f in result.files if f.recipient == "Social og Sundhed")
    returned = workspace.path / "inbox" / "sos.xlsx"
    book = openpyxl.load_workbook(issued)
    sheet = book["4. Sundhed, Ældre og Voksne…"]
    rows = [r for r in range(3, sheet.max_row + 1) if sheet.cell(r, 2).value in ("4.10", "4.9")]
    assert len(rows) == 2
    for row in sorted(rows, reverse=True):
        sheet.delete_rows(row)
    book.save(returned)
    (file,) = workspace.merge().files
    assert file.verdict == "accepted"
    assert "items not found in the file: 4.9, 4.10; they keep their answers" in [
        str(note) for note in file.notes
    ]


def test_a_rejection_an_older_xlfollow_recorded_is_said_again_as_recorded(ws: Workspace) -> None:
    """A receipt written before rejections kept their message (no reason_text in its
    report) is said again with its reason as recorded, in the words it has."""
    bad = ws.path / "inbox" / "notes.xlsx"
    bad.write_text("Status: alt er godt", encoding="utf-8")
    (first,) = ws.merge().files
    assert first.verdict == "rejected"
    with Ledger(ws.ledger_place) as ledger, ledger.transaction() as db:
        (report,) = db.execute("SELECT report FROM receipts").fetchone()
        older = {k: v for k, v in json.loads(report).items() if k != "reason_text"}
        db.execute("UPDATE receipts SET report = ?", (json.dumps(older),))
    (again,) = ws.merge().files
    assert again.verdict == "already_rejected"
    assert again.why is not None
    said = f"{first.reason}. Remove it from inbox/, or name it on the command line to read it again"
    assert again.reason.startswith("rejected already ") and again.reason.endswith(f": {said}")
    # Said in Danish, the recorded English reason stands: it is all the receipt has.
    assert f": {first.reason}. " in again.why.say(Language.DA)


def test_files_that_are_rejected_whole(ws: Workspace, tmp_path: Path) -> None:
    not_xlsx = tmp_path / "notes.xlsx"
    not_xlsx.write_text("Status: alt er godt", encoding="utf-8")
    forged = fill(outbox(ws, SOS), tmp_path / "forged.xlsx", {("3.01", SMILEY): "grøn"})
    book = openpyxl.load_workbook(forged)
    meta = book["_xlfollow"]
    meta["B1"].value = "0" * 32
    book.save(forged)
    foreign = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(foreign)
    report = ws.merge([not_xlsx, forged, foreign])
    verdicts = [(Path(f.path).name, f.verdict, f.reason) for f in report.files]
    assert verdicts[0] == (
        "notes.xlsx",
        "rejected",
        "a text (CSV) file renamed to .xlsx, not a workbook; send the workbook you were "
        "sent, filled in and saved as Excel Workbook (.xlsx)",
    )
    assert verdicts[1][1] == "rejected" and verdicts[1][2].startswith(
        f"issue id {'0' * 32} was not issued from this workspace"
    )
    assert verdicts[2][1] == "rejected" and "not a workbook issued by xlfollow" in verdicts[2][2]
    assert answers(ws) == {}
    with Ledger(ws.ledger_place) as ledger:
        assert [r.verdict for r in ledger.receipts()] == ["rejected"] * 3


def test_a_changed_agreement_rejects_old_workbooks(ws: Workspace) -> None:
    path = fill(outbox(ws, SOS), ws.path / "sos.xlsx", {("3.01", SMILEY): "grøn"})
    agreement = ws.path / "agreement.yaml"
    agreement.write_text(
        agreement.read_text(encoding="utf-8").replace(
            "Arbejdet med Vision 2029", "Arbejdet med Vision 2030"
        ),
        encoding="utf-8",
    )
    (file,) = ws.merge([path]).files
    assert file.verdict == "rejected"
    assert file.reason.startswith("the agreement has changed since this workbook was issued")


def test_merge_json_and_exit_status(ws: Workspace) -> None:
    fill(
        outbox(ws, SOS),
        ws.path / "inbox" / "sos.xlsx",
        {("3.01", SMILEY): "grøn", ("4.11", SMILEY): "lilla"},
    )
    result = CliRunner().invoke(cli, ["merge", str(ws.path), "--json"])
    assert result.exit_code == 3
    data = json.loads(result.stdout)
    assert set(data) == {"files", "conflicts", "totals"}
    (file,) = data["files"]
    assert file["verdict"] == "accepted" and file["centre"] == "Social og Sundhed"
    # 4.11's milestone note is refused with its smiley: an answer is taken whole.
    assert file["cells"]["accepted"] == 1 and file["cells"]["refused"] == 2
    problem, note = file["problems"]
    assert (problem["item"], problem["field"], problem["value"]) == ("4.11", "milestone", "lilla")
    assert (note["item"], note["field"], note["value"]) == ("4.11", "milestone_note", "")
    assert note["reason"].startswith("4. Sundhed, Ældre og Voksne…!L")
    assert ": not taken, as 4. Sundhed, Ældre og Voksne…!K" in note["reason"]
    assert data["totals"]["files"] == 1 and data["totals"]["open_conflicts"] == 0
    fill(outbox(ws, SIK), ws.path / "inbox" / "sik.xlsx", {("3.02", SMILEY): "grøn"})
    result = CliRunner().invoke(cli, ["merge", str(ws.path)])
    assert result.exit_code == 0, result.output


def test_status_lists_what_is_missing(ws: Workspace) -> None:
    fill(
        outbox(ws, SOS),
        ws.path / "inbox" / "sos.xlsx",
        {("3.01", SMILEY): "grøn", ("3.01", ECONOMY): "grøn"},
    )
    ws.merge()
    status = ws.status("1")
    sos = next(c for c in status.centres if c.centre == "Social og Sundhed")
    assert sos.received == ("inbox/sos.xlsx (accepted)",)
    assert "3.01 milestone" not in sos.missing and "3.01 economy" not in sos.missing
    assert "4.11 milestone" in sos.missing
    assert sos.answered == 2
    assert sos.overdue  # the example's deadline is in 2018
    result = CliRunner().invoke(cli, ["status", str(ws.path), "--json"])
    assert json.loads(result.stdout)["round"] == R1


KILL = """
import os, sys
import xlfollow.ledger.store as ledger

original = ledger._set_answers

def dying(*args, **kwargs):
    original(*args, **kwargs)
    os._exit(9)  # killed half way through the file's transaction: answers written, not committed

ledger._set_answers = dying
from xlfollow.workspace.folder import Workspace
Workspace(sys.argv[1]).merge()
"""


def test_a_merge_killed_half_way_changes_nothing(ws: Workspace) -> None:
    fill(
        outbox(ws, SOS),
        ws.path / "inbox" / "sos.xlsx",
        {("3.01", SMILEY): "grøn", ("3.01", STATUS): "x", ("4.11", SMILEY): "rød"},
    )
    killed = subprocess.Popen(
        [sys.executable, "-c", KILL, str(ws.path)], env=os.environ.copy(), start_new_session=True
    )
    assert killed.wait(timeout=120) == 9
    # Its reader processes notice the merge is gone and end: none outlives it.
    deadline = time.monotonic() + 10
    while session_members(killed.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = session_members(killed.pid)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == []
    assert answers(ws) == {}
    with Ledger(ws.ledger_place) as ledger:
        assert ledger.receipts() == []
    (file,) = ws.merge().files  # the file is merged whole afterwards
    assert file.cells["accepted"] == 3


def test_a_returned_file_is_a_zip_with_our_metadata(ws: Workspace) -> None:
    # Guard for the helpers above: what fill() saves is what openpyxl wrote, and
    # keeps the issued metadata sheet.
    path = fill(outbox(ws, SOS), ws.path / "x.xlsx", {})
    assert zipfile.is_zipfile(path)
    assert "_xlfollow" in openpyxl.load_workbook(path).sheetnames


def test_commands_work_inside_the_workspace(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    fill(outbox(ws, SOS), ws.path / "inbox" / "sos.xlsx", {("3.01", SMILEY): "grøn"})
    monkeypatch.chdir(ws.path)
    result = CliRunner().invoke(cli, ["merge"])
    assert result.exit_code == 0, result.output
    assert "sos.xlsx  Social og Sundhed  1. budgetopfølgning 2018  accepted" in result.output
    result = CliRunner().invoke(cli, ["resolve", "3.01", "milestone", "--take", "x"])
    assert result.exit_code == 1
    assert 'item 3.01 has no open conflict on "Milestone"' in result.stderr


def test_rows_are_found_without_the_key_column_and_after_an_inserted_row(ws: Workspace) -> None:
    path = fill(
        outbox(ws, SOS), ws.path / "sos.xlsx", {("3.01", SMILEY): "grøn", ("3.33.1", SMILEY): "rød"}
    )
    book = openpyxl.load_workbook(path)
    sheet = book["3. Sammenhængende…"]
    for row in range(3, sheet.max_row + 1):
        sheet.cell(row, 1).value = None  # the hidden key column destroyed
    sheet.insert_rows(4)  # a row inserted among the items
    sheet.cell(4, 2).value = "Mine noter"
    book.save(path)
    (file,) = ws.merge([path]).files
    assert file.cells["accepted"] == 2 and file.cells["refused"] == 0, file.problems
    got = answers(ws)
    assert got[(R1, "3.01", Field.MILESTONE)] == "met"
    assert got[(R1, "3.33.1", Field.MILESTONE)] == "not_met"


def test_the_master_colours_cells_in_conflict(ws: Workspace) -> None:
    report = disagree_on_3_02(ws)
    assert len(report.conflicts) == 1
    book = openpyxl.load_workbook(ws.path / "master.xlsx")
    sheet = book["3. Sammenhængende…"]
    row = next(r for r in range(3, sheet.max_row + 1) if sheet.cell(r, 1).value == "3.02")
    header = {c.value: c.column for c in sheet[2] if c.value is not None}
    conflicted = sheet.cell(row, header[SMILEY])
    its_note = sheet.cell(row, header[STATUS])
    calm = sheet.cell(row, header[ECONOMY])
    assert conflicted.value == "😊 Opfyldt"  # the ledger's value stands until decided
    # The whole answer in conflict is coloured: the smiley and its note; not the economy.
    assert conflicted.fill.fgColor.rgb.endswith("F8CBAD")
    assert its_note.fill.fgColor.rgb.endswith("F8CBAD")
    assert not calm.fill.fgColor.rgb.endswith("F8CBAD")
    assert [s for s in book.sheetnames if s in ("Konflikter", "Modtaget")] == [
        "Konflikter",
        "Modtaget",
    ]
    received = list(book["Modtaget"].iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in received] == ["inbox/sos.xlsx", "inbox/sik.xlsx"]
    assert [r[5] for r in received] == ["indlæst", "indlæst"]  # the workbook speaks Danish


def test_a_file_that_kills_its_reader_is_rejected_and_the_rest_merged(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    import xlfollow.returns.readers as collect

    files = [
        fill(outbox(ws, SOS), ws.path / "inbox" / f"{n}-sos.xlsx", {("3.01", SMILEY): value})
        for n, value in enumerate(["grøn", "gul", "rød"])
    ]
    fill(outbox(ws, SIK), ws.path / "inbox" / "3-sik.xlsx", {("3.02", SMILEY): "grøn"})
    # The reader processes read with what read_ahead finds as read_file when it starts them.
    monkeypatch.setattr(collect, "read_file", misreaders.deadly)
    report = ws.merge()
    verdicts = {Path(f.path).name: (f.verdict, f.reason) for f in report.files}
    assert verdicts["1-sos.xlsx"][0] == "rejected"
    assert "stopped the program reading it" in verdicts["1-sos.xlsx"][1]
    assert {name: v[0] for name, v in verdicts.items() if name != "1-sos.xlsx"} == {
        "0-sos.xlsx": "accepted",
        "2-sos.xlsx": "accepted",
        "3-sik.xlsx": "accepted",
    }
    # The later SOS file is a correction of the earlier one.
    assert answers(ws)[(R1, "3.01", Field.MILESTONE)] == "not_met"
    assert answers(ws)[(R1, "3.02", Field.MILESTONE)] == "met"
    assert files[1].exists()


@pytest.mark.parametrize("hog", ["time", "memory"])
def test_a_file_that_takes_too_long_or_too_much_memory_is_rejected(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch, hog: str
) -> None:
    import xlfollow.returns.readers as collect

    fill(outbox(ws, SOS), ws.path / "inbox" / "0-sos.xlsx", {("3.01", SMILEY): "grøn"})
    fill(outbox(ws, SIK), ws.path / "inbox" / "1-sik.xlsx", {("3.02", SMILEY): "grøn"})
    greedy = misreaders.spinning if hog == "time" else misreaders.hoarding
    monkeypatch.setattr(collect, "read_file", greedy)
    monkeypatch.setattr(collect, "READER_SECONDS", 1)
    monkeypatch.setattr(collect, "READER_MEMORY", 100 * 2**20)
    report = ws.merge()
    verdicts = {Path(f.path).name: (f.verdict, f.reason) for f in report.files}
    assert verdicts["0-sos.xlsx"][0] == "rejected"
    assert verdicts["0-sos.xlsx"][1].startswith("reading it took more than")
    assert verdicts["1-sik.xlsx"][0] == "accepted"
    assert answers(ws) == {(R1, "3.02", "milestone"): "met"}


@pytest.mark.parametrize(
    ("key", "value"),
    [("fingerprint", "0123456789abcdef"), ("round", "2. budgetopfølgning 2018")],
)
def test_a_file_whose_metadata_differs_from_its_issue_is_rejected(
    ws: Workspace, key: str, value: str
) -> None:
    """The issue id is one issued, but the agreement's fingerprint or the round beside it
    is not what was issued with that id: the file is rejected, under the centre and
    round its id names, and nothing in it is merged."""
    returned = fill(outbox(ws, SOS), ws.path / "inbox" / "sos.xlsx", {("3.01", SMILEY): "grøn"})
    book = openpyxl.load_workbook(returned)
    (row,) = [r for r in book["_xlfollow"].iter_rows() if r[0].value == key]
    assert row[1].value not in (None, value)
    row[1].value = value
    book.save(returned)
    (file,) = ws.merge().files
    assert (file.verdict, file.reason) == (
        "rejected",
        "its identifying data differs from what was issued with its id",
    )
    assert (file.centre, file.round) == ("Social og Sundhed", R1)
    assert answers(ws) == {}
    # Left in inbox/, it is said again under the issue its id names.
    (again,) = ws.merge().files
    assert again.verdict == "already_rejected"
    assert again.issue_id is not None and again.issue_id == file.issue_id
