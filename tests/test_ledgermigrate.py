"""`xlfollow ledger migrate`: a workspace's ledger moved from its SQLite file to a
PostgreSQL schema, verified, and set in xlfollow.toml; refused with the workspace
left as it was when anything fails."""

from __future__ import annotations

import shutil
import socket
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from pgserver import PostgresServer
from returns import fill

import xlfollow.ledger.copying
from xlfollow.cli.main import cli
from xlfollow.definition.ledgerplace import LedgerPlace
from xlfollow.demo.run import LATE, run_demo
from xlfollow.errors import LedgerError, WorkspaceError
from xlfollow.figures.summary import Summary
from xlfollow.ledger.copying import _row_bytes as row_bytes
from xlfollow.ledger.database import Database
from xlfollow.ledger.dialect import Engine
from xlfollow.ledger.status import RoundStatus
from xlfollow.ledger.store import Ledger, create_ledger
from xlfollow.messages import Language
from xlfollow.workspace.folder import Workspace
from xlfollow.workspace.ledgermove import with_ledger_settings

LEDGER_ENGINES = (Engine.SQLITE,)
"""Every workspace here starts on SQLite, as the one a migration moves from; the
PostgreSQL it moves to is the test server itself."""

# Every table of the ledger, with the columns that say a row (PostgreSQL's own rowid
# left out): written here by hand, not taken from the code under test.
TABLES = {
    "meta": "key, value",
    "issues": "issue_id, round, recipient, file, sha256, issued_at, fingerprint, "
    "layout_version, issued_by",
    "issued_cells": "issue_id, item, field, value, editable",
    "issued_sets": "issue_id, cells",
    "receipts": "receipt_id, file, sha256, received_at, issue_id, centre, round, verdict, "
    "reason, report, mail_sha256, mail_from, mail_date, mail_subject, mail_id, received_by",
    "answers": "round, item, field, value, source, recorded_at, receipt_id, recorded_by",
    "answer_history": "round, item, field, value, source, receipt_id, recorded_at, recorded_by",
    "conflicts": "conflict_id, round, item, answer, base, current, current_source, incoming, "
    "incoming_source, receipt_id, status, resolution, resolved_at, reason, raised_by, "
    "decided_by",
    "concurrences": "round, item, answer, source, answer_values, receipt_id, recorded_at",
    "messages": "message_id, kind, round, centre, address, issue_id, sent_at, sent_by",
    "fetched": "fetch_id, server, folder, uidvalidity, uid, message_id, sha256, sender, date, "
    "subject, outcome, saved_as, fetched_at, fetched_by",
}


@dataclass(frozen=True)
class Demo:
    """The demo's workspace, and what it said before any migration."""

    path: Path
    status: RoundStatus
    summary: Summary


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """The bundled example after `xlfollow demo`, its ledger in its file."""
    path = tmp_path_factory.mktemp("demo") / "ws"
    run_demo(path)
    workspace = Workspace(path)
    return Demo(path, workspace.status(), workspace.summary())


@pytest.fixture
def workspace(demo: Demo, tmp_path: Path) -> Iterator[Workspace]:
    """A copy of the demo's workspace of the test's own."""
    copy = tmp_path / "budget"
    shutil.copytree(demo.path, copy)
    yield Workspace(copy)


def file_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows in an SQLite ledger, sorted."""
    with sqlite3.connect(path) as db:
        found = {t: db.execute(f"SELECT {c} FROM {t}").fetchall() for t, c in TABLES.items()}
    db.close()
    return {table: sorted(rows, key=repr) for table, rows in found.items()}


def server_rows(url: str, schema: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows in a PostgreSQL ledger, sorted."""
    with psycopg.connect(url, options=f"-c search_path={schema}") as db:
        found = {t: db.execute(f"SELECT {c} FROM {t}").fetchall() for t, c in TABLES.items()}
    return {table: sorted(rows, key=repr) for table, rows in found.items()}


def schemas(url: str) -> set[str]:
    """The schemas of a database."""
    with psycopg.connect(url) as db:
        return {row[0] for row in db.execute("SELECT schema_name FROM information_schema.schemata")}


def untouched(workspace: Workspace, settings: bytes, ledger: bytes) -> None:
    """xlfollow.toml and ledger.sqlite as they were, and no file kept under another name."""
    assert workspace.settings_path.read_bytes() == settings
    assert workspace.ledger_path.read_bytes() == ledger
    assert not list(workspace.path.glob("ledger.sqlite.migrated-*"))
    assert workspace.ledger_place.is_sqlite


def said(error: BaseException) -> str:
    assert isinstance(error, LedgerError | WorkspaceError)
    return error.say(Language.EN)


def test_the_demo_ledger_moves_verified_and_works_the_same_after(
    demo: Demo, workspace: Workspace, postgres: PostgresServer
) -> None:
    url = postgres.url(postgres.new_database())
    before = file_rows(workspace.ledger_path)
    settings_before = workspace.settings_path.read_text(encoding="utf-8")

    run = CliRunner().invoke(
        cli, ["--language", "en", "ledger", "migrate", str(workspace.path), "--to", url]
    )

    assert run.exit_code == 0, run.output
    for table, rows in before.items():
        assert f"{table}: rows copied: {len(rows)}; the checksums agree" in run.output
    assert len(before["answers"]) > 50 and len(before["receipts"]) > 5  # the demo's round
    after = server_rows(url, "budget")
    assert {t: r for t, r in after.items() if t != "meta"} == {
        t: r for t, r in before.items() if t != "meta"
    }
    meta = dict(after["meta"])
    assert meta.pop("schema_version") == "10"
    assert meta == dict(before["meta"])
    # The settings: the two keys on top, every line of before kept.
    text = workspace.settings_path.read_text(encoding="utf-8")
    assert text == f'ledger = "{url}"\nledger_schema = "budget"\n' + settings_before
    kept = workspace.path / f"ledger.sqlite.migrated-{date.today().isoformat()}"
    assert not workspace.ledger_path.exists()
    assert file_rows(kept) == before
    moved = Workspace(workspace.path)
    assert moved.ledger_place == LedgerPlace(url=url, schema="budget")
    # The same figures from the server's ledger.
    assert moved.status() == demo.status
    assert moved.summary() == demo.summary
    assert moved.merge().files == []


def test_a_merge_after_the_move_numbers_its_receipt_past_the_copied_ones(
    workspace: Workspace, postgres: PostgresServer
) -> None:
    url = postgres.url(postgres.new_database())
    highest = max(row[0] for row in file_rows(workspace.ledger_path)["receipts"])
    workspace.migrate_ledger(url, "moved")
    with Ledger(workspace.ledger_place) as ledger:
        late = [i for i in ledger.issues() if i.recipient == LATE]
    shutil.copy(workspace.path / late[0].file, workspace.path / "inbox" / "late.xlsx")

    report = workspace.merge()

    assert [Path(f.path).name for f in report.files] == ["late.xlsx"]
    receipts = server_rows(url, "moved")["receipts"]
    assert max(row[0] for row in receipts) == highest + 1
    assert [row[1] for row in receipts if row[0] == highest + 1] == ["inbox/late.xlsx"]


def test_a_schema_holding_a_ledger_is_refused_and_kept(
    workspace: Workspace, postgres: PostgresServer
) -> None:
    url = postgres.url(postgres.new_database())
    create_ledger(LedgerPlace(url=url, schema="budget"))
    with psycopg.connect(url, options="-c search_path=budget") as db:
        db.execute("INSERT INTO meta VALUES ('mine', 'kept')")
    settings, ledger = workspace.settings_path.read_bytes(), workspace.ledger_path.read_bytes()

    with pytest.raises(LedgerError) as refused:
        workspace.migrate_ledger(url)

    assert "schema budget holds a ledger already; it is never overwritten" in said(refused.value)
    untouched(workspace, settings, ledger)
    assert ("mine", "kept") in server_rows(url, "budget")["meta"]


def test_a_server_not_reachable_is_said_and_nothing_changes(workspace: Workspace) -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    settings, ledger = workspace.settings_path.read_bytes(), workspace.ledger_path.read_bytes()

    run = CliRunner().invoke(
        cli,
        [
            "--language",
            "en",
            "ledger",
            "migrate",
            str(workspace.path),
            "--to",
            f"postgresql://nobody@127.0.0.1:{port}/budget",
        ],
    )

    assert run.exit_code == 1
    assert f"127.0.0.1:{port}: the ledger's server cannot be reached" in run.output
    assert "Traceback" not in run.output
    untouched(workspace, settings, ledger)


def test_a_password_in_the_address_is_refused_without_saying_it(workspace: Workspace) -> None:
    settings, ledger = workspace.settings_path.read_bytes(), workspace.ledger_path.read_bytes()

    with pytest.raises(WorkspaceError) as refused:
        workspace.migrate_ledger("postgresql://finance:hemmelig@127.0.0.1:1/budget")

    assert said(refused.value).startswith("--to: ledger: a password does not belong in")
    assert "hemmelig" not in said(refused.value)
    untouched(workspace, settings, ledger)


def test_a_copy_that_differs_is_found_and_the_schema_dropped(
    workspace: Workspace, postgres: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = postgres.url(postgres.new_database())
    copy_rows = xlfollow.ledger.copying.copy_rows

    def tampering(source: Database, target: Database) -> None:
        copy_rows(source, target)
        target.execute(
            "UPDATE answers SET value = value || '!' WHERE item = (SELECT MIN(item) FROM answers)"
        )

    monkeypatch.setattr(xlfollow.ledger.copying, "copy_rows", tampering)
    settings, ledger = workspace.settings_path.read_bytes(), workspace.ledger_path.read_bytes()

    with pytest.raises(LedgerError) as refused:
        workspace.migrate_ledger(url, "budget")

    assert "the ledger copied into schema budget is not the same as" in said(refused.value)
    assert "(answers: checksum" in said(refused.value)
    untouched(workspace, settings, ledger)
    assert "budget" not in schemas(url)


def test_a_schema_made_beforehand_keeps_what_else_it_holds(
    workspace: Workspace, postgres: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = postgres.url(postgres.new_database())
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("CREATE SCHEMA budget")
        db.execute("CREATE TABLE budget.notes (note TEXT)")

    def failing(source: Database, target: Database) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(xlfollow.ledger.copying, "copy_rows", failing)

    with pytest.raises(Exception, match="No space left"):
        workspace.migrate_ledger(url, "budget")

    with psycopg.connect(url) as db:
        tables = {
            r[0]
            for r in db.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'budget'"
            )
        }
    assert tables == {"notes"}


def test_the_settings_get_both_keys_at_the_top_level_and_keep_every_other_line(
    tmp_path: Path,
) -> None:
    settings = tmp_path / "xlfollow.toml"
    settings.write_text(
        "# Budget 2018\n"
        'agreement = "agreement.yaml"\n'
        'ledger_schema = "old"  # chosen before\n'
        "\n[rounds]\n"
        'ledger = "not the top level"\n',
        encoding="utf-8",
    )

    with_ledger_settings(settings, LedgerPlace(url="postgresql://db:5432/budget", schema="b18"))

    assert settings.read_text(encoding="utf-8") == (
        'ledger = "postgresql://db:5432/budget"\n'
        "# Budget 2018\n"
        'agreement = "agreement.yaml"\n'
        'ledger_schema = "b18"\n'
        "\n[rounds]\n"
        'ledger = "not the top level"\n'
    )


def test_the_terminal_says_it_in_danish_and_a_second_move_is_refused(
    workspace: Workspace, postgres: PostgresServer
) -> None:
    url = postgres.url(postgres.new_database())
    migrate = ["--language", "da", "ledger", "migrate", str(workspace.path), "--to", url]

    first = CliRunner().invoke(cli, migrate)
    again = CliRunner().invoke(cli, migrate)

    assert first.exit_code == 0, first.output
    assert (
        "answers: kopierede rækker: " in first.output
        and "; kontrolsummerne stemmer" in first.output
    )
    assert f"Journalen ligger nu i {url} (schema budget), som xlfollow.toml angiver" in first.output
    assert again.exit_code == 1
    assert "journalen ligger allerede i PostgreSQL" in again.output
    assert "der er ingen journalfil at flytte" in again.output


def test_a_schema_name_xlfollow_cannot_use_is_refused(workspace: Workspace) -> None:
    settings, ledger = workspace.settings_path.read_bytes(), workspace.ledger_path.read_bytes()

    with pytest.raises(WorkspaceError) as refused:
        workspace.migrate_ledger("postgresql://127.0.0.1:1/budget", "Budget-2018")

    assert said(refused.value).startswith("--to: ledger_schema should be a name of lower-case")
    untouched(workspace, settings, ledger)


values = st.none() | st.integers(-(2**63), 2**63 - 1) | st.text() | st.binary()


@given(st.lists(values, max_size=4), st.lists(values, max_size=4))
def test_two_rows_give_the_same_bytes_only_when_they_are_the_same(
    one: list[object], other: list[object]
) -> None:
    # Kind and value both count: 1 is not "1", b"" is not "" nor None, ("a", "") is not ("", "a").
    same = [(type(v), v) for v in one] == [(type(v), v) for v in other]
    assert (row_bytes(tuple(one)) == row_bytes(tuple(other))) == same


def test_finance_edits_in_the_master_are_merged_before_the_move(
    workspace: Workspace, postgres: PostgresServer
) -> None:
    definition = workspace.load()
    status = f"Status {definition.agreement.rounds[0]}"
    item = definition.agreement.items[0].number
    edited = workspace.path / "edited.xlsx"
    fill(workspace.master_path, edited, {(item, status): "Skrevet af økonomi"})
    shutil.move(edited, workspace.master_path)
    url = postgres.url(postgres.new_database())

    workspace.migrate_ledger(url)

    answers = server_rows(url, "budget")["answers"]
    assert [(row[1], row[3]) for row in answers if row[3] == "Skrevet af økonomi"] == [
        (item, "Skrevet af økonomi")
    ]
    assert not Workspace(workspace.path).master_edited()
