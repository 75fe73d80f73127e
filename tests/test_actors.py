"""Who did what: every change in the ledger records the user and machine that made it,
and the master, the terminal and --json say who (issue 21, point 4)."""

from __future__ import annotations

import getpass
import json
import re
import shutil
import socket
import sqlite3
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import copied, ledger_rows, without_actors
from hypothesis import given
from hypothesis import strategies as st
from returns import R1, SMILEY, fill
from smtpserver import smtp_server

from xlfollow.answers import Answer
from xlfollow.cli.main import cli
from xlfollow.ledger.actor import actor_of, this_actor
from xlfollow.ledger.records import ConflictRecord, ConflictStatus
from xlfollow.ledger.schema import ACTOR_COLUMNS, SCHEMA_VERSION
from xlfollow.ledger.store import Ledger
from xlfollow.mail.letters import Delivery
from xlfollow.messages import Language
from xlfollow.model import Security, Smtp
from xlfollow.returns.mergereport import conflict_json
from xlfollow.texts import texts
from xlfollow.workbooks.mastersheets import decision_said
from xlfollow.workspace.folder import Workspace

ANNA, BO, CARL, DORTE = "anna@OEKPC042", "bo@OEKPC007", "carl@OEKPC009", "dorte@OEKPC011"
SOS = "Social og Sundhed"
SIK = "Skoler, Institutioner og Kultur"


def test_an_actor_is_the_user_at_the_machines_short_name() -> None:
    assert actor_of("anna", "OEKPC042.ballerup.local") == "anna@OEKPC042"
    assert actor_of("anna", "OEKPC042") == "anna@OEKPC042"
    assert actor_of("", "") == "?@?"
    assert actor_of("an\tna\x00", " pc7 ") == "anna@pc7"
    assert actor_of("x" * 100, "pc") == "x" * 64 + "@pc"


def test_this_processes_actor_is_its_user_and_machine() -> None:
    expected = f"{getpass.getuser()}@{socket.gethostname().split('.')[0]}"
    assert this_actor() == expected


@given(st.text(max_size=200), st.text(max_size=200))
def test_an_actor_is_short_printable_and_names_both(user: str, host: str) -> None:
    actor = actor_of(user, host)
    assert actor.isprintable() and "@" in actor
    assert 3 <= len(actor) <= 2 * 64 + 1
    shown_user = "".join(ch for ch in user if ch.isprintable()).strip()
    # Unknown is said as ?; so is a user whose name is ? (hypothesis found one).
    assert actor.startswith("?@") == (shown_user in ("", "?"))
    if shown_user:
        assert actor.startswith(shown_user[:64] + "@")


def as_actor(workspace: Workspace, actor: str) -> Workspace:
    """The same workspace, with its commands run by another person."""
    return Workspace(workspace.path, actor=actor)


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """Anna issues round 1 (contributors may answer), Bo merges SIK's and SOS's
    different answers to 3.02: one conflict, raised by Bo's merge."""
    anna = as_actor(Workspace.init(tmp_path_factory.mktemp("actors") / "ws", "ballerup-2018"), ANNA)
    settings = anna.settings_path.read_text(encoding="utf-8")
    anna.settings_path.write_text(
        settings + '\n[workbooks]\ncontributors = "edit"\n', encoding="utf-8"
    )
    anna.issue("1")
    outbox = anna.path / "outbox" / "round-1"
    fill(
        outbox / "04-skoler-institutioner-og-kultur-runde-1.xlsx",
        anna.path / "inbox" / "sik.xlsx",
        {("3.02", SMILEY): "grøn"},
    )
    fill(
        outbox / "03-social-og-sundhed-runde-1.xlsx",
        anna.path / "inbox" / "sos.xlsx",
        {("3.02", SMILEY): "rød"},
    )
    report = as_actor(anna, BO).merge()
    assert len(report.conflicts) == 1
    return anna


@pytest.fixture
def decided(merged: Workspace, tmp_path: Path) -> Workspace:
    """A copy of `merged` where Carl has taken SOS's answer to 3.02."""
    carl = as_actor(copied(merged, tmp_path), CARL)
    carl.resolve("3.02", "milestone", take=SOS)
    return carl


def rows(workspace: Workspace, query: str) -> list[tuple[object, ...]]:
    return ledger_rows(workspace, query)


def test_a_merge_and_a_decision_record_who_made_them(decided: Workspace) -> None:
    assert rows(decided, "SELECT DISTINCT issued_by FROM issues WHERE recipient <> ''") == [(ANNA,)]
    # The master is issued anew by whoever's command wrote it.
    masters = {who for (who,) in rows(decided, "SELECT issued_by FROM issues WHERE recipient = ''")}
    assert masters == {ANNA, BO, CARL}
    assert rows(decided, "SELECT file, received_by FROM receipts ORDER BY receipt_id") == [
        ("inbox/sik.xlsx", BO),
        ("inbox/sos.xlsx", BO),
    ]
    assert rows(
        decided,
        "SELECT source, recorded_by FROM answer_history "
        "WHERE item = '3.02' AND field = 'milestone' ORDER BY recorded_at",
    ) == [(SIK, BO), (SOS, CARL)]
    assert rows(
        decided, "SELECT recorded_by FROM answers WHERE item = '3.02' AND field = 'milestone'"
    ) == [(CARL,)]
    assert rows(decided, "SELECT status, raised_by, decided_by FROM conflicts") == [
        ("resolved", BO, CARL)
    ]
    with Ledger(decided.ledger_place) as ledger:
        (conflict,) = ledger.conflicts(status=ConflictStatus.RESOLVED)
        assert [r.received_by for r in ledger.receipts()] == [BO, BO]
    assert (conflict.raised_by, conflict.decided_by) == (BO, CARL)
    assert datetime.fromisoformat(conflict.decided_at).tzinfo is not None
    said = conflict_json(conflict)
    assert (said["raised_by"], said["decided_by"]) == (BO, CARL)


def test_a_message_sent_records_who_sent_it(merged: Workspace, tmp_path: Path) -> None:
    dorte = as_actor(copied(merged, tmp_path), DORTE)
    with smtp_server() as (handler, port):
        smtp = Smtp("127.0.0.1", port, Security.NONE, "", "oekonomi@example.org")
        report = dorte.send("1", Delivery.SMTP, smtp=smtp)
    assert report.done and len(handler.received) == len(report.done)
    assert rows(dorte, "SELECT DISTINCT sent_by FROM messages") == [(DORTE,)]


@pytest.mark.sqlite_only("ledgers of schema 9 exist only as files")
def test_a_version_9_ledger_keeps_its_rows_with_nobody_for_who(
    merged: Workspace, tmp_path: Path
) -> None:
    shutil.copytree(merged.path, tmp_path / "ws")
    old = Workspace(tmp_path / "ws")
    with sqlite3.connect(old.ledger_path) as db:
        without_actors(db)
        db.execute("PRAGMA user_version = 9")
        before = {
            table: db.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
            for table in {table for table, _ in ACTOR_COLUMNS}
        }
    db.close()
    assert before["receipts"] and before["conflicts"] and before["issues"]
    with Ledger(old.ledger_path, actor=DORTE) as ledger:
        assert [r.received_by for r in ledger.receipts()] == ["", ""]
        (conflict,) = ledger.conflicts()
        assert (conflict.raised_by, conflict.decided_by) == ("", "")
    with sqlite3.connect(old.ledger_path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 10
        for table, was in before.items():
            added = [column for name, column in ACTOR_COLUMNS if name == table]
            now = db.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
            assert now == [(*row, *([""] * len(added))) for row in was], table
    db.close()
    # A change after the upgrade says who made it; the rows before stay as they were.
    old = as_actor(old, DORTE)
    old.resolve("3.02", "milestone", take="current")
    assert rows(old, "SELECT raised_by, decided_by FROM conflicts") == [("", DORTE)]


def test_modtaget_says_who_merged_each_file(decided: Workspace) -> None:
    sheet = openpyxl.load_workbook(decided.master_path)["Modtaget"]
    assert [cell.value for cell in sheet[2]][:4] == ["Fil", "Modtaget", "Indlæst af", "Center"]
    listed = [(row[0], row[2]) for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert listed == [("inbox/sos.xlsx", BO), ("inbox/sik.xlsx", BO)]  # newest first


def test_konflikter_lists_a_decided_conflict_with_who_decided_it(decided: Workspace) -> None:
    sheet = openpyxl.load_workbook(decided.master_path)["Konflikter"]
    headers = [cell.value for cell in sheet[2]]
    assert headers[-3:] == ["Årsag", "Besluttet af", "Beslutning"]
    (row,) = sheet.iter_rows(min_row=3, values_only=True)
    assert row[:3] == (1, R1, "3.02")
    who, when = str(row[-2]).split("\n")
    assert who == CARL and re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4} kl\. \d{1,2}\.\d\d", when)
    assert row[-1] == "Brug ny værdi"


def test_a_decided_row_is_not_read_again_as_a_decision(decided: Workspace) -> None:
    book = openpyxl.load_workbook(decided.master_path)
    book.save(decided.path / "inbox" / "master-back.xlsx")
    report = as_actor(decided, DORTE).merge()
    (file,) = report.files
    assert file.verdict == "accepted"
    assert not any("no longer open" in str(note) for note in file.notes), file.notes
    assert rows(decided, "SELECT status, decided_by FROM conflicts") == [("resolved", CARL)]


def test_status_and_its_json_say_who_merged(merged: Workspace) -> None:
    result = CliRunner().invoke(cli, ["status", str(merged.path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    by_centre = {c["centre"]: c["merged_by"] for c in data["centres"]}
    assert by_centre[SOS] == [BO] and by_centre[SIK] == [BO]
    (conflict,) = data["conflicts"]
    assert (conflict["raised_by"], conflict["decided_by"]) == (BO, "")
    shown = CliRunner().invoke(cli, ["status", str(merged.path)], terminal_width=300)
    assert shown.exit_code == 0, shown.output
    assert "Merged by" in shown.output
    assert shown.output.count(BO) >= 3  # SIK's line, SOS's line and the conflict's


@pytest.mark.parametrize(
    ("resolution", "said"),
    [
        ("kept current", "Behold gældende værdi"),
        ("took Social og Sundhed", "Brug ny værdi"),
        ("set deviation to '-0,5'", "Anden værdi angivet"),
        ("Brug ny værdi (master)", "Brug ny værdi"),
        ("behold gældende VÆRDI (master)", "Behold gældende værdi"),
        ("Tag indkommende (master)", "Brug ny værdi"),  # the words of an older master
        ("Måske (master)", "Måske (master)"),  # never recorded, but said as it is
    ],
)
def test_a_decision_is_said_in_the_sheets_words(resolution: str, said: str) -> None:
    conflict = ConflictRecord(
        1,
        R1,
        "3.02",
        Answer.MILESTONE,
        {},
        {},
        SIK,
        {},
        SOS,
        1,
        ConflictStatus.RESOLVED,
        resolution,
    )
    assert decision_said(conflict, texts(Language.DA)) == said
