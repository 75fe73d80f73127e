"""A real quarter (issue 14): finance's edits in the master, decisions that stick, rounds
that do not cross, a smiley and its note as one answer, rejected files that stay
rejected, and fields named as the sheets name them. Each test tells the story it
reproduces, on the bundled Ballerup example."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner
from conftest import copied, session_members
from conftest import ledger_answers as answers
from returns import ECONOMY, ECONOMY_NOTE, R1, SMILEY, STATUS, Typed, fill, without_milestone

from xlfollow.answers import Field
from xlfollow.cli.main import cli
from xlfollow.errors import WorkspaceError
from xlfollow.ledger.store import Ledger
from xlfollow.returns.resolving import field_named
from xlfollow.workspace.folder import Workspace

R2 = "2. budgetopfølgning 2018"
SMILEY_2 = f"Smiley indsats – {R2}"
SOS = "Social og Sundhed"
SIK = "Skoler, Institutioner og Kultur"
CHAPTER_3 = "3. Sammenhængende…"


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory, new_ledger: Callable[[], str]) -> Workspace:
    """Round 1 issued, contributing centres allowed to answer (so two centres can disagree);
    its ledger on each engine in turn (conftest's ledger_engine)."""
    folder = tmp_path_factory.mktemp("quarter") / "ws"
    workspace = Workspace.init(folder, "ballerup-2018", ledger=new_ledger())
    with workspace.settings_path.open("a", encoding="utf-8") as settings:
        settings.write('\n[workbooks]\ncontributors = "edit"\n')
    workspace.issue("1")
    return workspace


@pytest.fixture
def ws(issued: Workspace, tmp_path: Path) -> Workspace:
    return copied(issued, tmp_path)


def workbook(ws: Workspace, centre: str, round_number: int = 1) -> Path:
    """The workbook issued to a centre for a round, as the centre saved it."""
    with Ledger(ws.ledger_place) as ledger:
        (issue,) = [
            i
            for i in ledger.issues()
            if i.recipient == centre and i.file.startswith(f"outbox/round-{round_number}/")
        ]
    return ws.path / issue.file


def edit_in_place(path: Path, cells: dict[tuple[str, str], Typed]) -> None:
    """Type into a workbook and save it where it is, as Excel or LibreOffice does, by
    (item, column header); ("Konflikter", row) sets that row's decision."""
    book = openpyxl.load_workbook(path)
    for (where, header), value in cells.items():
        if where == "Konflikter":
            decisions = book["Konflikter"]
            decisions.cell(int(header), decisions.max_column).value = value
            continue
        for sheet in book.worksheets:
            heads = {str(c.value): c.column for c in sheet[2] if c.value is not None}
            if "Nr." not in heads or header not in heads:
                continue
            for row in range(3, sheet.max_row + 1):
                if str(sheet.cell(row, heads["Nr."]).value) == where:
                    sheet.cell(row, heads[header]).value = value
    book.save(path)


def master_value(ws: Workspace, item: str, header: str) -> object:
    book = openpyxl.load_workbook(ws.master_path)
    for sheet in book.worksheets:
        heads = {str(c.value): c.column for c in sheet[2] if c.value is not None}
        if "Nr." in heads and header in heads:
            for row in range(3, sheet.max_row + 1):
                if str(sheet.cell(row, heads["Nr."]).value) == item:
                    return sheet.cell(row, heads[header]).value
    raise KeyError(item)


def disagree_on_3_02(ws: Workspace, note: str = "") -> None:
    """SIK (responsible) says met; SOS (contributor) says not met, with a note if given."""
    fill(workbook(ws, SIK), ws.path / "inbox" / "sik.xlsx", {("3.02", SMILEY): "grøn"})
    typed: dict[tuple[str, str], Typed] = {("3.02", SMILEY): "rød"}
    if note:
        typed[("3.02", STATUS)] = note
    fill(workbook(ws, SOS), ws.path / "inbox" / "sos.xlsx", typed)
    ws.merge()


# 1. Finance's edits in master.xlsx are never lost.


@pytest.mark.parametrize("command", ["summary", "merge", "resolve"])
def test_finance_edits_in_the_master_survive_a_command_that_rewrites_it(
    ws: Workspace, command: str
) -> None:
    disagree_on_3_02(ws)  # the master exists, with a conflict open for resolve
    edit_in_place(
        ws.master_path,
        {("4.11", SMILEY): "😐 Delvist opfyldt", ("4.11", STATUS): "Udbuddet er forsinket."},
    )
    if command == "summary":
        ws.summary()
    elif command == "merge":
        fill(workbook(ws, "Ejendomme"), ws.path / "inbox" / "ejd.xlsx", {("8.06", SMILEY): "grøn"})
        report = ws.merge()
        assert [f.centre for f in report.files] == ["", "Ejendomme"]  # the master first
        assert report.files[0].path == "master.xlsx" and report.files[0].cells["accepted"] == 2
    else:
        ws.resolve("3.02", "milestone", take="current")
    got = answers(ws)
    assert got[(R1, "4.11", Field.MILESTONE)] == "partly"
    assert got[(R1, "4.11", Field.MILESTONE_NOTE)] == "Udbuddet er forsinket."
    # The master was written anew, and shows the edit: nothing of finance's is lost.
    assert master_value(ws, "4.11", SMILEY) == "😐 Delvist opfyldt"
    assert master_value(ws, "4.11", STATUS) == "Udbuddet er forsinket."
    assert not ws.master_edited()
    with Ledger(ws.ledger_place) as ledger:
        (from_master,) = [r for r in ledger.receipts() if r.file == "master.xlsx"]
    assert from_master.verdict == "accepted"


def test_a_decision_chosen_in_the_master_is_taken_by_summary(ws: Workspace) -> None:
    disagree_on_3_02(ws)
    edit_in_place(ws.master_path, {("Konflikter", "3"): "Brug ny værdi"})
    ws.summary()
    assert ws.conflicts() == []
    assert answers(ws)[(R1, "3.02", Field.MILESTONE)] == "not_met"


def test_the_cli_says_the_master_edits_were_merged_first(ws: Workspace) -> None:
    disagree_on_3_02(ws)
    edit_in_place(ws.master_path, {("4.11", SMILEY): "grøn"})
    result = CliRunner().invoke(cli, ["summary", str(ws.path)])
    assert result.exit_code == 0, result.output
    assert f"{ws.master_path} had been edited: its changes were merged first." in result.output
    assert "master.xlsx  master  1. budgetopfølgning 2018  accepted" in result.output


def test_a_damaged_master_stops_the_command_and_is_left_as_it_is(ws: Workspace) -> None:
    disagree_on_3_02(ws)
    content = ws.master_path.read_bytes()
    ws.master_path.write_bytes(content[: len(content) // 2])  # saved half, say
    damaged = ws.master_path.read_bytes()
    before = answers(ws)
    for run in (ws.summary, ws.merge, lambda: ws.resolve("3.02", "milestone", take="current")):
        with pytest.raises(WorkspaceError) as caught:
            run()
        message = str(caught.value)
        assert message.startswith(
            f"{ws.master_path} has been changed since xlfollow wrote it, and its changes "
            "cannot be merged: "
        )
        assert "It is left as it is, and nothing else was done." in message
        assert "move it out of the workspace" in message
        assert ws.master_path.read_bytes() == damaged
        assert answers(ws) == before
        assert len(ws.conflicts()) == 1
    with Ledger(ws.ledger_place) as ledger:  # the damaged bytes are recorded once
        assert [r.verdict for r in ledger.receipts() if r.file == "master.xlsx"] == ["rejected"]
    # Moved aside, the commands go on and write a new master.
    ws.master_path.rename(ws.path / "master-mine.xlsx")
    ws.summary()
    assert ws.master_path.is_file()


KILLED_IN_A_DECISION = """
import os, sys
import xlfollow.ledger.store as ledger

def dying(*args, **kwargs):
    os._exit(9)  # killed as the master's first decision is recorded

ledger._resolve = dying
from xlfollow.workspace.folder import Workspace
Workspace(sys.argv[1]).merge()
"""


def test_a_masters_decisions_and_edits_are_merged_whole_or_not_at_all(ws: Workspace) -> None:
    disagree_on_3_02(ws)
    edit_in_place(
        ws.master_path, {("Konflikter", "3"): "Tag indkommende", ("4.11", SMILEY): "grøn"}
    )
    before = answers(ws)
    killed = subprocess.Popen(
        [sys.executable, "-c", KILLED_IN_A_DECISION, str(ws.path)],
        env=os.environ.copy(),
        start_new_session=True,
    )
    assert killed.wait(timeout=120) == 9
    deadline = time.monotonic() + 10
    while session_members(killed.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert session_members(killed.pid) == []
    assert answers(ws) == before and len(ws.conflicts()) == 1
    assert ws.master_edited()  # nothing of it was taken, so it is merged whole next time
    report = ws.merge()
    assert report.files[0].path == "master.xlsx" and report.conflicts == []
    got = answers(ws)
    assert (got[(R1, "3.02", Field.MILESTONE)], got[(R1, "4.11", Field.MILESTONE)]) == (
        "not_met",
        "met",
    )


def test_an_edit_of_an_answer_decided_otherwise_in_the_same_master_waits_for_a_person(
    ws: Workspace,
) -> None:
    disagree_on_3_02(ws)  # SIK: met; SOS: not met
    edit_in_place(
        ws.master_path,
        {("Konflikter", "3"): "Tag indkommende", ("3.02", STATUS): "Aftalt med centeret."},
    )
    report = ws.merge()
    got = answers(ws)
    assert got[(R1, "3.02", Field.MILESTONE)] == "not_met"  # the decision stands
    (conflict,) = report.conflicts  # and finance's note under the old smiley is not lost
    assert (conflict.item, conflict.incoming_source) == ("3.02", "master")
    assert conflict.incoming == {"milestone": "met", "milestone_note": "Aftalt med centeret."}
    assert conflict.current == {"milestone": "not_met", "milestone_note": ""}


def test_a_master_edited_before_the_agreement_changed_is_merged_once_it_is_restored(
    ws: Workspace,
) -> None:
    disagree_on_3_02(ws)
    edit_in_place(ws.master_path, {("4.11", SMILEY): "gul"})
    agreement = ws.path / "agreement.yaml"
    text = agreement.read_text(encoding="utf-8")
    agreement.write_text(text.replace("Vision 2029", "Vision 2030", 1), encoding="utf-8")
    for run in (ws.summary, lambda: ws.issue("1", again=True)):
        with pytest.raises(WorkspaceError) as caught:
            run()
        assert str(caught.value) == (
            f"{ws.master_path} holds edits made before agreement.yaml was changed, and they "
            "can be merged only with the agreement as it was: restore agreement.yaml, run the "
            "command again (the edits are merged), then change agreement.yaml again; or move "
            f"{ws.master_path} out of the workspace to go on without its edits. Nothing was done."
        )
    agreement.write_text(text, encoding="utf-8")
    ws.summary()
    assert answers(ws)[(R1, "4.11", Field.MILESTONE)] == "partly"
    with Ledger(ws.ledger_place) as ledger:  # one rejection recorded for the two refusals
        assert [r.verdict for r in ledger.receipts() if r.file == "master.xlsx"] == [
            "rejected",
            "accepted",
        ]


def test_issue_merges_the_masters_edits_before_the_next_round(ws: Workspace) -> None:
    disagree_on_3_02(ws)
    edit_in_place(ws.master_path, {("4.11", SMILEY): "rød", ("4.11", STATUS): "Udskudt."})
    assert ws.master_edited()
    status = CliRunner().invoke(cli, ["status", str(ws.path)])
    assert f"{ws.master_path} has edits not merged yet" in status.output
    result = CliRunner().invoke(cli, ["issue", str(ws.path), "--round", "2"])
    assert result.exit_code == 0, result.output
    assert f"{ws.master_path} had been edited: its changes were merged first." in result.output
    assert answers(ws)[(R1, "4.11", Field.MILESTONE)] == "not_met"
    # Round 2's workbooks show the edit among round 1's answers, and so does the master.
    round_2 = workbook(ws, SOS, 2)
    book = openpyxl.load_workbook(round_2)
    sheet = book["4. Sundhed, Ældre og Voksne…"]
    heads = {c.value: c.column for c in sheet[2] if c.value is not None}
    row = next(r for r in range(3, sheet.max_row + 1) if sheet.cell(r, 2).value == "4.11")
    assert sheet.cell(row, heads[SMILEY]).value == "☹️ Ikke opfyldt"
    assert master_value(ws, "4.11", SMILEY) == "☹️ Ikke opfyldt"
    assert not ws.master_edited()


def test_summary_json_merges_the_masters_edits_and_prints_only_json(ws: Workspace) -> None:
    disagree_on_3_02(ws)
    edit_in_place(ws.master_path, {("4.11", SMILEY): "grøn"})
    result = CliRunner().invoke(cli, ["summary", str(ws.path), "--json"])
    assert result.exit_code == 0
    json.loads(result.stdout)  # nothing but the figures on standard output
    assert answers(ws)[(R1, "4.11", Field.MILESTONE)] == "met"


# 2. A decided conflict stays decided.


@pytest.mark.parametrize("where", ["resolve", "master"])
def test_a_conflict_kept_current_does_not_come_back_with_the_same_answer(
    ws: Workspace, where: str
) -> None:
    disagree_on_3_02(ws)
    if where == "resolve":
        ws.resolve("3.02", "milestone", take=SIK)
    else:
        # The words of a master saved before they became "Behold gældende værdi".
        edit_in_place(ws.master_path, {("Konflikter", "3"): "Behold nuværende"})
        ws.merge()
    assert ws.conflicts() == []
    # SOS sends its workbook again, correcting another item and repeating 3.02.
    fill(
        workbook(ws, SOS),
        ws.path / "inbox" / "sos-rettet.xlsx",
        {("3.02", SMILEY): "rød", ("3.01", SMILEY): "grøn"},
    )
    report = ws.merge()
    (file,) = report.files
    assert file.cells["conflict"] == 0 and report.conflicts == []
    assert answers(ws)[(R1, "3.02", Field.MILESTONE)] == "met"
    assert answers(ws)[(R1, "3.01", Field.MILESTONE)] == "met"
    # A new answer from SOS does reopen it.
    fill(workbook(ws, SOS), ws.path / "inbox" / "sos-3.xlsx", {("3.02", SMILEY): "gul"})
    (conflict,) = ws.merge().conflicts
    assert conflict.incoming == {"milestone": "partly", "milestone_note": ""}


def test_a_taken_answer_is_its_senders_to_correct(ws: Workspace) -> None:
    disagree_on_3_02(ws)
    ws.resolve("3.02", "milestone", take=SOS)
    fill(workbook(ws, SOS), ws.path / "inbox" / "sos-rettet.xlsx", {("3.02", SMILEY): "gul"})
    report = ws.merge()
    assert report.conflicts == []  # a correction of its own answer, not a conflict
    assert answers(ws)[(R1, "3.02", Field.MILESTONE)] == "partly"


# Corrections: what a file states replaces, what it leaves as issued keeps.

DEVIATION = "Forventet afvigelse 2018 (mio. kr.) – 1. budgetopfølgning 2018"


def test_the_workbook_as_issued_filled_again_for_what_is_missing_takes_nothing_back(
    ws: Workspace,
) -> None:
    """A reminder attaches the workbook as it was issued; the centre fills in only the
    smileys it still owes. Its notes, deviation and open conflict stay."""
    fill(workbook(ws, SIK), ws.path / "inbox" / "sik.xlsx", {("3.02", SMILEY): "grøn"})
    fill(
        workbook(ws, SOS),
        ws.path / "inbox" / "sos.xlsx",
        {
            ("3.02", SMILEY): "rød",  # a conflict with SIK
            ("4.11", STATUS): "Udbuddet er forsinket.",  # a note, the smiley owed
            ("3.01", ECONOMY_NOTE): "Merforbrug på vikarer.",
            ("3.01", DEVIATION): 0.5,  # the economy smiley owed
        },
    )
    ws.merge()
    (conflict,) = ws.conflicts()
    fill(
        workbook(ws, SOS),
        ws.path / "inbox" / "sos-paamindelse.xlsx",
        {("4.11", SMILEY): "gul", ("3.01", ECONOMY): "rød"},
    )
    (file,) = ws.merge().files
    assert file.cells["accepted"] == 2 and file.cells["conflict"] == 0
    got = answers(ws)
    assert (got[(R1, "4.11", Field.MILESTONE)], got[(R1, "4.11", Field.MILESTONE_NOTE)]) == (
        "partly",
        "Udbuddet er forsinket.",
    )
    assert got[(R1, "3.01", Field.ECONOMY)] == "not_kept"
    assert got[(R1, "3.01", Field.ECONOMY_NOTE)] == "Merforbrug på vikarer."
    assert got[(R1, "3.01", Field.DEVIATION)] == "0.5"
    assert [c.conflict_id for c in ws.conflicts()] == [conflict.conflict_id]


def test_a_centre_resending_its_saved_copy_does_not_undo_what_finance_cleared(
    ws: Workspace,
) -> None:
    saved = fill(
        workbook(ws, SOS),
        ws.path / "inbox" / "sos.xlsx",
        {("3.01", SMILEY): "grøn", ("3.01", STATUS): "Planlagt.", ("4.05", SMILEY): "grøn"},
    )
    ws.merge()
    # Finance takes back 4.05's smiley and 3.01's note in the master.
    edit_in_place(ws.master_path, {("4.05", SMILEY): None, ("3.01", STATUS): None})
    ws.summary()
    assert answers(ws)[(R1, "4.05", Field.MILESTONE)] == ""
    # SOS sends its saved copy again, with 4.11 added and 3.01's smiley changed.
    again = ws.path / "inbox" / "sos-igen.xlsx"
    shutil.copy(saved, again)
    edit_in_place(again, {("4.11", SMILEY): "😊 Opfyldt", ("3.01", SMILEY): "😐 Delvist opfyldt"})
    report = ws.merge()
    got = answers(ws)
    assert got[(R1, "4.11", Field.MILESTONE)] == "met"
    # What finance cleared is not taken again unasked: it waits for a person.
    assert got[(R1, "4.05", Field.MILESTONE)] == ""
    assert got[(R1, "3.01", Field.MILESTONE_NOTE)] == ""
    assert sorted((c.item, c.current_source) for c in report.conflicts) == [
        ("3.01", "master"),
        ("4.05", "master"),
    ]


def test_repeating_an_answer_under_which_finance_wrote_a_note_agrees(ws: Workspace) -> None:
    fill(workbook(ws, SOS), ws.path / "inbox" / "sos.xlsx", {("3.01", SMILEY): "grøn"})
    ws.merge()
    edit_in_place(ws.master_path, {("3.01", STATUS): "Aftalt med centeret, se sag 17/123."})
    ws.summary()
    fill(
        workbook(ws, SOS),
        ws.path / "inbox" / "sos-rettet.xlsx",
        {("3.01", SMILEY): "grøn", ("4.11", SMILEY): "rød"},
    )
    report = ws.merge()
    assert report.conflicts == []
    assert answers(ws)[(R1, "3.01", Field.MILESTONE_NOTE)] == "Aftalt med centeret, se sag 17/123."


def test_a_centre_answering_through_two_workbooks_of_a_round_corrects_itself(
    ws: Workspace,
) -> None:
    old = workbook(ws, SOS)
    ws.issue("1", again=True)
    with Ledger(ws.ledger_place) as ledger:
        new = ws.path / [i for i in ledger.issues(R1) if i.recipient == SOS][-1].file
    shutil.copy(new, ws.path / "new-copy.xlsx")  # outbox/ holds the new one now
    fill(old, ws.path / "inbox" / "a-old.xlsx", {("3.01", SMILEY): "grøn"})
    ws.merge()
    fill(ws.path / "new-copy.xlsx", ws.path / "inbox" / "b-new.xlsx", {("3.01", SMILEY): "gul"})
    report = ws.merge()
    assert report.conflicts == []
    assert answers(ws)[(R1, "3.01", Field.MILESTONE)] == "partly"


# 3. Last round's workbook after the next round is issued.


def test_last_rounds_workbook_changing_an_answer_needs_a_person(ws: Workspace) -> None:
    first = fill(workbook(ws, SOS), ws.path / "inbox" / "sos-1.xlsx", {("3.01", SMILEY): "grøn"})
    ws.merge()
    result = CliRunner().invoke(cli, ["issue", str(ws.path), "--round", "2"])
    assert result.exit_code == 0, result.output
    items = yaml.safe_load((ws.path / "agreement.yaml").read_text(encoding="utf-8"))["items"]
    # Every milestone and economy smiley of round 1, read from agreement.yaml, but 3.01's.
    lacking = 2 * len(items) - len(without_milestone(ws.path, R1)) - 1
    assert result.output.startswith(f"{R1} still lacks smileys: {lacking} in all, from ")
    # The round is in every issued file's name: two quarters' files never collide.
    assert sorted(p.name for p in (ws.path / "outbox" / "round-2").glob("03-*")) == [
        "03-social-og-sundhed-runde-2.xlsx"
    ]
    # SOS re-fills its saved round-1 copy: it changes 3.01 and answers 4.11 late.
    late = ws.path / "inbox" / "sos-1-igen.xlsx"
    shutil.copy(first, late)
    edit_in_place(late, {("3.01", SMILEY): "☹️ Ikke opfyldt", ("4.11", SMILEY): "😊 Opfyldt"})
    result = CliRunner().invoke(cli, ["merge", str(ws.path), "--json"])
    assert result.exit_code == 3
    data = json.loads(result.stdout)
    (file,) = data["files"]
    assert file["round"] == R1
    assert (
        f"a workbook for {R1}, which is not the current round ({R2} has been issued since): "
        f"its answers count for {R1}"
    ) in file["notes"]
    (conflict,) = data["conflicts"]
    assert (conflict["round"], conflict["item"], conflict["answer"]) == (R1, "3.01", "milestone")
    assert conflict["current"]["milestone"] == "met"
    assert conflict["incoming"]["milestone"] == "not_met"
    assert conflict["reason"] == (
        f"this workbook is for {R1}, and {R2} has been issued since: a change to an answer "
        f"given for {R1} needs a person; kept open, nothing overwritten"
    )
    konflikter = openpyxl.load_workbook(ws.master_path)["Konflikter"]
    (row,) = [r for r in konflikter.iter_rows(min_row=3, values_only=True) if r[0]]
    assert row[9] == (
        f"projektmappen er til {R1}, og {R2} er udsendt siden: en ændring af et svar, der "
        f"allerede er givet for {R1}, skal afgøres manuelt; konflikten står åben, og intet "
        "er overskrevet"
    )
    got = answers(ws)
    assert (
        got[(R1, "3.01", Field.MILESTONE)] == "met"
    )  # round 1's figures are not changed after the fact
    assert got[(R1, "4.11", Field.MILESTONE)] == "met"  # a late answer to a blank is taken
    assert (R2, "4.11", "milestone") not in got
    # The tables show the round per file and per conflict.
    status = CliRunner().invoke(cli, ["status", str(ws.path)])
    assert f"{R1}  3.01  Milestone  😊 Met" in status.output


def test_the_merge_table_shows_each_files_round(ws: Workspace) -> None:
    fill(workbook(ws, SOS), ws.path / "inbox" / "sos.xlsx", {("3.01", SMILEY): "grøn"})
    result = CliRunner().invoke(cli, ["merge", str(ws.path)])
    lines = result.output.splitlines()
    assert lines[0].split() == [
        "File",
        "Centre",
        "Round",
        "Verdict",
        "Accepted",
        "Unchanged",
        "Conflict",
        "Refused",
    ]
    assert lines[1].startswith(f"sos.xlsx  {SOS}  {R1}  accepted")


def test_an_earlier_rounds_answer_changed_in_a_later_rounds_workbook_is_refused_and_said(
    ws: Workspace,
) -> None:
    fill(workbook(ws, SOS), ws.path / "inbox" / "sos-1.xlsx", {("3.01", SMILEY): "grøn"})
    ws.merge()
    ws.issue("2")
    # Finance types over round 1's smiley of 3.01 (shown locked) in the round-2 master,
    # and answers round 2 for 4.11.
    edit_in_place(ws.master_path, {("3.01", SMILEY): "rød", ("4.11", SMILEY_2): "grøn"})
    report = ws.merge()
    (master,) = report.files
    assert master.cells["refused"] == 1 and master.cells["accepted"] == 1
    (problem,) = master.problems
    assert (problem.item, problem.field, problem.value) == ("3.01", "milestone", "not_met")
    assert problem.reason == (
        f"{CHAPTER_3}!{problem.cell}: {R1}'s answers are shown here locked, and a workbook for "
        f"{R2} does not change them; the change is not taken. To change {R1}'s, issue it "
        f'again (xlfollow issue --round "{R1}" --again, which writes every centre\'s workbook '
        "of it anew), make the change in its master (in outbox/), merge that file by naming "
        "it, and decide the conflict it gives"
    )
    assert report.needs_a_person
    got = answers(ws)
    assert (got[(R1, "3.01", Field.MILESTONE)], got[(R2, "4.11", Field.MILESTONE)]) == (
        "met",
        "met",
    )
    # Unchanged, the earlier rounds' answers say nothing: a centre's round-2 return.
    fill(workbook(ws, SOS, 2), ws.path / "inbox" / "sos-2.xlsx", {("4.11", SMILEY_2): "gul"})
    (centre,) = ws.merge().files
    assert centre.cells["refused"] == 0 and centre.problems == []


# 4. A smiley and its note are one answer.


def test_met_with_no_note_against_partly_with_a_note_is_one_conflict(ws: Workspace) -> None:
    fill(workbook(ws, SIK), ws.path / "inbox" / "sik.xlsx", {("3.02", SMILEY): "grøn"})
    fill(
        workbook(ws, SOS),
        ws.path / "inbox" / "sos.xlsx",
        {("3.02", SMILEY): "gul", ("3.02", STATUS): "Milepælen er kun delvist nået."},
    )
    report = ws.merge()
    assert [f.cells["conflict"] for f in report.files] == [0, 2]
    assert [f.cells["accepted"] for f in report.files] == [1, 0]  # the note is not taken
    (conflict,) = report.conflicts
    assert conflict.incoming == {
        "milestone": "partly",
        "milestone_note": "Milepælen er kun delvist nået.",
    }
    ws.resolve("3.02", "milestone", take="current")
    # The council reads "met", and no note of a partial milestone beneath it.
    got = answers(ws)
    assert got[(R1, "3.02", Field.MILESTONE)] == "met"
    assert got.get((R1, "3.02", Field.MILESTONE_NOTE), "") == ""
    assert master_value(ws, "3.02", SMILEY) == "😊 Opfyldt"
    assert master_value(ws, "3.02", STATUS) is None
    book = openpyxl.load_workbook(ws.path / "master.xlsx")
    # No conflict is open: the one decided is listed, with who decided it.
    (decided,) = book["Konflikter"].iter_rows(min_row=3, values_only=True)
    assert decided[2] == "3.02" and decided[-1] == "Behold gældende værdi"
    assert str(decided[-2]).startswith(ws.actor + "\n")


def test_the_reverse_is_one_conflict_to_decide_not_two(ws: Workspace) -> None:
    fill(
        workbook(ws, SIK),
        ws.path / "inbox" / "sik.xlsx",
        {("3.02", SMILEY): "gul", ("3.02", STATUS): "Kun delvist."},
    )
    fill(workbook(ws, SOS), ws.path / "inbox" / "sos.xlsx", {("3.02", SMILEY): "grøn"})
    (conflict,) = ws.merge().conflicts
    book = openpyxl.load_workbook(ws.path / "master.xlsx")
    rows = [r for r in book["Konflikter"].iter_rows(min_row=3, values_only=True) if r[0]]
    assert [(r[2], r[3], r[5], r[7]) for r in rows] == [
        ("3.02", "Milepæl", "😐 Delvist opfyldt\nKun delvist.", "😊 Opfyldt")
    ]
    ws.resolve("3.02", "Status milepæl", take=SOS)  # any field names the answer
    got = answers(ws)
    assert (got[(R1, "3.02", Field.MILESTONE)], got[(R1, "3.02", Field.MILESTONE_NOTE)]) == (
        "met",
        "",
    )
    assert conflict.conflict_id not in [c.conflict_id for c in ws.conflicts()]


def test_the_economy_smiley_its_note_and_deviation_are_one_answer(ws: Workspace) -> None:
    deviation = "Forventet afvigelse 2018 (mio. kr.) – 1. budgetopfølgning 2018"
    fill(workbook(ws, SIK), ws.path / "inbox" / "sik.xlsx", {("3.02", ECONOMY): "grøn"})
    fill(
        workbook(ws, SOS),
        ws.path / "inbox" / "sos.xlsx",
        {
            ("3.02", ECONOMY): "rød",
            ("3.02", ECONOMY_NOTE): "Merforbrug",
            ("3.02", deviation): 0.5,
        },
    )
    (conflict,) = ws.merge().conflicts
    assert conflict.answer == "economy"
    assert conflict.incoming == {
        "economy": "not_kept",
        "economy_note": "Merforbrug",
        "deviation": "0.5",
    }
    ws.resolve("3.02", "deviation", value="0,25")  # one field given, the rest kept
    got = answers(ws)
    assert got[(R1, "3.02", Field.ECONOMY)] == "kept"
    assert got[(R1, "3.02", Field.DEVIATION)] == "0.25"
    assert got.get((R1, "3.02", Field.ECONOMY_NOTE), "") == ""


# 6. Rejected files do not come back.


def test_a_rejected_file_left_in_the_inbox_is_listed_not_read_again(ws: Workspace) -> None:
    bad = ws.path / "inbox" / "05-ejendomme-runde-1.xlsx"
    bad.write_text("Status: alt er godt", encoding="utf-8")
    first = CliRunner().invoke(cli, ["merge", str(ws.path)])
    assert first.exit_code == 3
    second = CliRunner().invoke(cli, ["merge", str(ws.path), "--json"])
    assert second.exit_code == 0, second.output
    (file,) = json.loads(second.stdout)["files"]
    assert file["verdict"] == "already_rejected"
    assert file["reason"].startswith("rejected already ")
    assert "a text (CSV) file renamed to .xlsx" in file["reason"]
    with Ledger(ws.ledger_place) as ledger:
        assert len(ledger.receipts()) == 1
    # Named on the command line, it is read again (the agreement may have changed back).
    third = ws.merge([bad])
    assert third.files[0].verdict == "rejected"


def test_status_shows_a_centre_that_sent_only_rejected_files(ws: Workspace) -> None:
    (ws.path / "inbox" / "05-ejendomme-runde-1.xlsx").write_text("x", encoding="utf-8")
    (ws.path / "inbox" / "Svar fra Arbejdsmarked.xlsx").write_bytes(b"PK\x03\x04 broken")
    ws.merge()
    status = {c.centre: c for c in ws.status().centres}
    assert status["Ejendomme"].received == ("inbox/05-ejendomme-runde-1.xlsx (rejected)",)
    assert status["Ejendomme"].rejected == 1
    assert status["Arbejdsmarked"].rejected == 1  # named by its file, dated into round 1
    assert status["Politisk Sekretariat"].received == ()
    result = CliRunner().invoke(cli, ["status", str(ws.path)])
    assert any(
        line.startswith("Ejendomme") and "1, rejected" in line
        for line in result.output.splitlines()
    )


def test_the_same_bytes_from_two_senders_are_recorded_for_each(ws: Workspace) -> None:
    for name in ("03-social-og-sundhed-runde-1.xlsx", "05-ejendomme-runde-1.xlsx"):
        (ws.path / "inbox" / name).write_text("Status: alt er godt", encoding="utf-8")
    ws.merge()
    status = {c.centre: c for c in ws.status().centres}
    assert (status[SOS].rejected, status["Ejendomme"].rejected) == (1, 1)


# 7. Fields named as the sheets name them, in the terminal's language.


def test_resolve_takes_the_field_as_konflikter_names_it_and_says_it_in_danish(
    ws: Workspace,
) -> None:
    disagree_on_3_02(ws, note="Vi når det ikke.")
    status = CliRunner().invoke(cli, ["--language", "da", "status", str(ws.path)])
    assert "Åbne konflikter (1)" in status.output
    conflict_line = next(line for line in status.output.splitlines() if "3.02" in line)
    assert re.split(r"  +", conflict_line)[:3] == [R1, "3.02", "Milepæl"]
    assert SIK in conflict_line and SOS in conflict_line and "Vi når det ikke." in conflict_line
    result = CliRunner().invoke(
        cli,
        ["--language", "da", "resolve", str(ws.path), "3.02", "Status milepæl", "--take", SOS],
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        f'Afgjort: "Milepæl" for delelement 3.02 ({R1}): ☹️ Ikke opfyldt · Vi når det ikke., '
        f"fra {SOS}.\n"
    )
    got = answers(ws)
    assert (got[(R1, "3.02", Field.MILESTONE)], got[(R1, "3.02", Field.MILESTONE_NOTE)]) == (
        "not_met",
        "Vi når det ikke.",
    )


@pytest.mark.parametrize(
    ("named", "field"),
    [
        ("Smiley 1. budgetopfølgning 2018", "milestone"),
        ("status 1. BUDGETOPFØLGNING 2018", "milestone_note"),
        ("Smiley økonomi", "economy"),  # as an earlier version wrote it
        ("Smiley indsats – 1. budgetopfølgning 2018", "milestone"),
        ("smiley økonomi – 1. budgetopfølgning 2018", "economy"),
        ("Economy status", "economy_note"),
        ("Forventet afvigelse 2018 (mio. kr.)", "deviation"),  # as an earlier version wrote it
        ("Forventet afvigelse 2018 (mio. kr.) – 1. budgetopfølgning 2018", "deviation"),
        ("Milepæl", "milestone"),
        ("Status milepæl", "milestone_note"),
    ],
)
def test_a_field_is_named_as_any_sheet_shows_it(named: str, field: str, ws: Workspace) -> None:
    found = field_named(named, ws.load().agreement)
    assert found is not None and found.field == field
    # A header naming its round names the round too; the others none.
    assert found.round == (R1 if "1. budgetopfølgning 2018" in named.casefold() else None)


def test_a_header_naming_another_round_decides_nothing_there(ws: Workspace) -> None:
    disagree_on_3_02(ws)  # a conflict in round 1
    with pytest.raises(WorkspaceError, match="has no open conflict"):
        ws.resolve("3.02", f"Smiley indsats – {R2}", take="current")
    with pytest.raises(WorkspaceError, match=f"is a column of {R1}, and --round gives {R2}"):
        ws.resolve("3.02", SMILEY, round_text="2", take="current")
    ws.resolve("3.02", SMILEY, take="current")
    assert ws.conflicts() == []


def test_a_field_that_is_no_field_is_named_with_the_choices(ws: Workspace) -> None:
    disagree_on_3_02(ws)
    result = CliRunner().invoke(cli, ["resolve", str(ws.path), "3.02", "Smiley", "--take", SOS])
    assert result.exit_code == 1
    assert result.stderr == (
        'Error: "Smiley" is not a field; give one of milestone (Milestone); '
        "milestone_note (Milestone status); economy (Economy); economy_note (Economy status); "
        "deviation (Expected deviation)\n"
    )
