"""Workspaces: init creates a sound one; check describes it or names every problem."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import make_workspace, without_mail

from xlfollow.answers import Field
from xlfollow.errors import DefinitionError, LedgerError, WorkspaceError
from xlfollow.ledger.dialect import Engine
from xlfollow.ledger.store import SCHEMA_VERSION, Ledger, create_ledger
from xlfollow.workspace.folder import Workspace, example_names

R1 = "1. budgetopfølgning 2018"


def test_init_creates_a_sound_workspace(tmp_path: Path, ledger_engine: Engine) -> None:
    workspace = Workspace.init(tmp_path / "budget2018")
    names = sorted(p.name for p in workspace.path.iterdir())
    ledger_file = ["ledger.sqlite"] if ledger_engine is Engine.SQLITE else []
    assert names == ["agreement.yaml", "inbox", *ledger_file, "outbox", "xlfollow.toml"]
    assert "# The language of the texts" in workspace.settings_path.read_text(encoding="utf-8")
    overview = workspace.check()
    assert overview.items == 4
    assert [c.number for c in overview.chapters] == ["3", "4", "6"]
    assert [(c.code, c.items) for c in overview.centres] == [
        ("SOS", 2),
        ("SIK", 0),
        ("BUR", 0),
        ("BEM", 2),
    ]
    assert [r.deadline for r in overview.rounds] == [
        "2018-04-05",
        "2018-06-15",
        "2018-10-01",
        "2019-01-31",
    ]
    assert [r.milestones for r in overview.rounds] == [3, 3, 2, 4]
    assert overview.notes == ()


@pytest.mark.sqlite_only("the file's PRAGMA user_version")
def test_ledger_is_created_empty_with_its_version(tmp_path: Path) -> None:
    """SQLite only: the file's PRAGMA user_version (a PostgreSQL ledger keeps its
    version in meta: test_pgledger)."""
    workspace = Workspace.init(tmp_path / "ws")
    with sqlite3.connect(workspace.ledger_path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {
        "meta",
        "issues",
        "issued_cells",
        "issued_sets",
        "messages",
        "concurrences",
        "answers",
        "answer_history",
        "receipts",
        "conflicts",
        "fetched",
    }
    with pytest.raises(LedgerError, match="a ledger is already there; it is never overwritten"):
        create_ledger(workspace.ledger_path)


@pytest.mark.sqlite_only("ledgers of schema 1 exist only as files")
def test_a_version_1_ledger_is_brought_up_to_date(tmp_path: Path) -> None:
    """SQLite only: a PostgreSQL ledger is created at the current version and has no
    history of migrations."""
    path = tmp_path / "ledger.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('created', '2026-01-01')")
        db.execute("PRAGMA user_version = 1")
    db.close()
    with Ledger(path) as ledger:
        assert ledger.issues() == []
        assert ledger.answers() == {}
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("SELECT value FROM meta").fetchone()[0] == "2026-01-01"
    db.close()


@pytest.mark.sqlite_only("a damaged file")
def test_check_refuses_a_damaged_ledger(tmp_path: Path) -> None:
    """SQLite only: a damaged file (a server keeps its own pages)."""
    workspace = Workspace.init(tmp_path / "ws")
    workspace.ledger_path.write_bytes(b"not a database, just text " * 100)
    with pytest.raises(LedgerError, match=r"ledger\.sqlite: this is not an xlfollow ledger"):
        workspace.check()
    workspace.ledger_path.unlink()
    with pytest.raises(LedgerError, match="the ledger is missing; restore it from a backup"):
        workspace.check()


def test_init_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(WorkspaceError, match="is not empty; give a new or empty folder"):
        Workspace.init(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_init_unknown_example(tmp_path: Path) -> None:
    with pytest.raises(
        WorkspaceError, match='there is no example "nope"; choose one of: ballerup-2018, small'
    ):
        Workspace.init(tmp_path / "ws", example="nope")
    assert "small" in example_names()


def test_folder_without_settings_is_not_a_workspace(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match=r"is not an xlfollow workspace \(no xlfollow.toml\)"):
        Workspace(tmp_path).load()


def test_missing_agreement_file_names_the_setting(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    (tmp_path / "agreement.yaml").unlink()
    with pytest.raises(DefinitionError) as caught:
        workspace.load()
    (problem,) = caught.value.problems
    assert problem.file == str(tmp_path / "agreement.yaml")
    assert (
        str(problem.message)
        == "the file does not exist; create it or fix `agreement` in xlfollow.toml"
    )


def test_overview_notes_missing_emails_and_deadlines(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, settings='language = "en"\n')
    create_ledger(workspace.ledger_place)
    notes = [str(n) for n in workspace.check().notes]
    assert 'centre "Social og Sundhed" has no email yet; add it in xlfollow.toml' in notes
    assert 'round "1. budgetopfølgning 2018" has no deadline yet; add it in xlfollow.toml' in notes


def test_the_example_in_the_format_docs_is_sound(tmp_path: Path) -> None:
    docs = (Path(__file__).parent.parent / "docs" / "formats.md").read_text(encoding="utf-8")
    blocks = docs.split("```")
    yaml_text = next(b for b in blocks if b.startswith("yaml\ntitle:")).removeprefix("yaml\n")
    toml_text = next(b for b in blocks if b.startswith("toml\n")).removeprefix("toml\n")
    workspace = make_workspace(tmp_path, yaml_text, toml_text)
    create_ledger(workspace.ledger_place)
    overview = workspace.check()
    assert overview.items == 3
    assert [c.sheet for c in overview.chapters] == [
        "2. Budget i balance",
        "3. Sammenhængende…",
    ]


@pytest.mark.sqlite_only("ledgers of schema 3 exist only as files")
def test_issues_recorded_by_a_version_3_ledger_still_merge(tmp_path: Path) -> None:
    """SQLite only: ledgers from before schema 4 exist only as files."""
    from returns import SMILEY, fill

    workspace = Workspace.init(tmp_path / "ws", "ballerup-2018")
    result = workspace.issue("1")
    sos = next(f for f in result.files if f.recipient == "Social og Sundhed")
    with Ledger(workspace.ledger_place) as ledger:
        editable, shown, _ = ledger.issued_sets(sos.issue_id)
    # The ledger as schema 3 kept it: a row per cell, none of the later tables.
    with sqlite3.connect(workspace.ledger_path) as db:
        without_mail(db)
        db.execute("DROP TABLE issued_sets")
        db.execute("DROP TABLE messages")
        db.execute("DROP TABLE concurrences")
        db.execute("ALTER TABLE conflicts DROP COLUMN reason")
        db.execute("ALTER TABLE conflicts RENAME COLUMN answer TO field")
        db.executemany(
            "INSERT INTO issued_cells (issue_id, item, field, value, editable) "
            "VALUES (?, ?, ?, ?, ?)",
            [(sos.issue_id, i, f, v, 1) for (i, f), v in editable.items()]
            + [(sos.issue_id, i, f, v, 0) for (i, f), v in shown.items()],
        )
        db.execute("PRAGMA user_version = 3")
    db.close()
    with Ledger(workspace.ledger_place) as ledger:
        assert ledger.issued_sets(sos.issue_id) == (editable, shown, {})
    returned = fill(sos.path, workspace.path / "inbox" / "sos.xlsx", {("3.01", SMILEY): "grøn"})
    (file,) = workspace.merge([returned]).files
    assert file.verdict == "accepted" and file.cells["accepted"] == 1
    with sqlite3.connect(workspace.ledger_path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()


@pytest.mark.sqlite_only("ledgers of schema 5 exist only as files")
def test_a_version_5_ledger_keeps_its_conflicts_as_answers(tmp_path: Path) -> None:
    """Before schema 6 a conflict was about one cell; it becomes one about the answer
    the cell is part of, holding that cell's values, and can still be decided. SQLite
    only: ledgers from before schema 6 exist only as files."""
    workspace = Workspace.init(tmp_path / "ws", "ballerup-2018")
    with sqlite3.connect(workspace.ledger_path) as db:
        without_mail(db)
        db.execute("DROP TABLE concurrences")
        db.execute("ALTER TABLE conflicts DROP COLUMN reason")
        db.execute("ALTER TABLE conflicts RENAME COLUMN answer TO field")
        db.execute(
            "INSERT INTO receipts (file, sha256, received_at, verdict, reason, report) "
            "VALUES ('inbox/sos.xlsx', 'x', '2018-04-01T10:00:00', 'accepted', '', '{}')"
        )
        db.executemany(
            "INSERT INTO conflicts (round, item, field, base, current, current_source, "
            "incoming, incoming_source, receipt_id, status) "
            "VALUES (?, ?, ?, '', ?, 'SIK', ?, 'SOS', 1, 'open')",
            [
                (R1, "3.02", "milestone_note", "Godt", "Skidt"),
                (R1, "3.02", "deviation", "0.5", "1.0"),
            ],
        )
        db.execute("PRAGMA user_version = 5")
    db.close()
    with Ledger(workspace.ledger_place) as ledger:
        note, deviation = ledger.conflicts()
    assert (note.answer, note.current, note.incoming) == (
        "milestone",
        {"milestone_note": "Godt"},
        {"milestone_note": "Skidt"},
    )
    assert (deviation.answer, deviation.base, deviation.incoming) == (
        "economy",
        {"deviation": ""},
        {"deviation": "1.0"},
    )
    workspace.resolve("3.02", "Forventet afvigelse", take="SOS")
    assert workspace.answers(workspace.load())[(R1, "3.02", Field.DEVIATION)] == "1.0"
