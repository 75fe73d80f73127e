"""The ledger on PostgreSQL: where it is set, one schema per workspace, the tables the
same as SQLite's, and the server's faults said, never a traceback."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from conftest import copied, ledger_answers, make_workspace, problems_of
from pgserver import PostgresServer
from returns import R1, SMILEY, STATUS, fill

import xlfollow.ledger.store
from xlfollow.answers import Field
from xlfollow.cli.main import cli
from xlfollow.definition.ledgerplace import LedgerPlace, default_schema
from xlfollow.errors import DefinitionError, LedgerError, WorkspaceError
from xlfollow.ledger.dialect import SQLITE
from xlfollow.ledger.fetchlog import FetchedRecord, FetchOutcome, MailboxPlace
from xlfollow.ledger.records import MessageRecord
from xlfollow.ledger.store import Ledger, create_ledger
from xlfollow.ledger.tables import current_schema
from xlfollow.messages import Language
from xlfollow.workspace.folder import Workspace

SOS = "03-social-og-sundhed-runde-1.xlsx"
SIK = "04-skoler-institutioner-og-kultur-runde-1.xlsx"
SETTINGS = 'agreement = "agreement.yaml"\n'


def said(error: BaseException) -> str:
    """An error as the terminal says it, in English."""
    assert isinstance(error, LedgerError | WorkspaceError | DefinitionError)
    return error.say(Language.EN)


# Where the ledger is set: xlfollow.toml, with the line of every mistake.


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            'ledger = "postgresql://finance:hemmelig@db.example.org/budget"',
            "a password does not belong in xlfollow.toml",
        ),
        ('ledger = "/srv/ledger.sqlite"', "ledger should be a PostgreSQL address"),
        ('ledger = "postgresql://db.example.org"', "ledger should name a server and a database"),
        ('ledger = "postgresql://db.example.org:99999/budget"', "the port should be a number"),
        (
            'ledger = "postgresql://db.example.org/budget"\nledger_schema = "Budget-2018"',
            "ledger_schema should be a name of lower-case letters",
        ),
        (
            'ledger = "postgresql://db.example.org/budget"\nledger_schema = "pg_budget"',
            "starting with a letter (not pg_)",
        ),
    ],
)
def test_a_ledger_setting_xlfollow_cannot_use_is_said_at_its_line(
    tmp_path: Path, setting: str, message: str
) -> None:
    settings = "# settings\n" + setting + "\n" + SETTINGS
    workspace = make_workspace(tmp_path / "ws", settings=settings)
    with pytest.raises(DefinitionError) as caught:
        _ = workspace.ledger_place
    (problem,) = caught.value.problems
    assert problem.file.endswith("xlfollow.toml")
    wrong = "ledger_schema" if "ledger_schema =" in setting else "ledger ="
    assert problem.line == next(
        n for n, line in enumerate(settings.splitlines(), 1) if line.startswith(wrong)
    )
    assert message in problem.say(Language.EN)
    assert "hemmelig" not in problem.say(Language.EN)
    # Loading the whole workspace says it too, with the others.
    assert any(message in p.say(Language.EN) for p in problems_of(workspace))


def test_settings_that_are_not_toml_are_said_before_the_ledger_is_looked_for(
    tmp_path: Path,
) -> None:
    """A workspace with `ledger` set and a slip elsewhere in the file: the slip is said at
    its line, not an SQLite ledger file missing."""
    settings = 'ledger = "postgresql://db.example.org/budget"\nlanguage = da\n'
    workspace = make_workspace(tmp_path / "ws", settings=settings)
    with pytest.raises(DefinitionError) as caught:
        _ = workspace.ledger_place
    (problem,) = caught.value.problems
    assert problem.file.endswith("xlfollow.toml") and problem.line == 2


@pytest.mark.sqlite_only("a workspace without the setting keeps its ledger in SQLite")
def test_the_schema_comes_from_the_setting_or_the_folders_name(tmp_path: Path) -> None:
    url = "postgresql://db.example.org:5433/budget"
    workspace = make_workspace(tmp_path / "Budget 2018", settings=f'ledger = "{url}"\n' + SETTINGS)
    assert workspace.ledger_place == LedgerPlace(url=url, schema="budget_2018")
    assert workspace.ledger_place.server == "db.example.org:5433"
    assert default_schema(tmp_path / "2019") == "w2019"
    assert default_schema(tmp_path / "pg_x") == "wpg_x"
    named = make_workspace(
        tmp_path / "other", settings=f'ledger = "{url}"\nledger_schema = "okonomi"\n' + SETTINGS
    )
    assert named.ledger_place.schema == "okonomi"
    assert make_workspace(tmp_path / "plain").ledger_place == LedgerPlace.sqlite(
        tmp_path / "plain" / "ledger.sqlite"
    )


def test_the_tables_written_once_are_those_the_migrations_built(tmp_path: Path) -> None:
    """A new ledger from tables.py has the columns, keys, indexes and triggers that an
    SQLite ledger brought up through every migration has (SQLite both: the same SQL
    that PostgreSQL is given, with SQLite's types)."""
    migrated = tmp_path / "migrated.sqlite"
    create_ledger(migrated)
    direct = sqlite3.connect(":memory:")
    for statement in current_schema(SQLITE):
        direct.execute(statement)

    def shape(db: sqlite3.Connection) -> dict[str, object]:
        names = db.execute("SELECT type, name FROM sqlite_master ORDER BY type, name").fetchall()
        columns = {
            # (name, type, not null, in the key); BIGINT is SQLite's INTEGER, and
            # PostgreSQL's 64 bits for an IMAP UIDVALIDITY (up to 2**32 - 1).
            name: [
                (row[1], row[2].replace("BIGINT", "INTEGER"), row[3], row[5])
                for row in db.execute(f"PRAGMA table_info({name})")
            ]
            for kind, name in names
            if kind == "table"
        }
        return {"objects": names, "columns": columns}

    with sqlite3.connect(migrated) as db:
        assert shape(direct) == shape(db)


# A workspace on PostgreSQL.


def test_a_workspace_on_postgresql_issues_merges_and_resolves(
    postgres: PostgresServer, tmp_path: Path
) -> None:
    url = postgres.url(postgres.new_database())
    result = CliRunner().invoke(
        cli, ["init", str(tmp_path / "ws"), "--example", "ballerup-2018", "--ledger", url]
    )
    assert result.exit_code == 0, result.output
    ws = Workspace(tmp_path / "ws")
    assert not ws.ledger_path.exists()  # no file beside it to be used by mistake
    assert ws.ledger_place == LedgerPlace(url=url, schema="ws")
    ws.check()
    settings = ws.settings_path.read_text(encoding="utf-8")
    ws.settings_path.write_text(settings + '\n[workbooks]\ncontributors = "edit"\n')
    ws.issue("1")
    # 3.02 is SIK's; SOS contributes and may answer too.
    outbox = ws.path / "outbox" / "round-1"
    fill(outbox / SIK, ws.path / "inbox" / "sik.xlsx", {("3.02", SMILEY): "grøn"})
    fill(outbox / SOS, ws.path / "inbox" / "sos.xlsx", {("3.02", SMILEY): "rød"})
    report = ws.merge()
    assert [f.verdict for f in report.files] == ["accepted", "accepted"]
    assert [f.cells["conflict"] for f in report.files] == [0, 1]
    assert ledger_answers(ws)[(R1, "3.02", Field.MILESTONE)] == "met"
    result = CliRunner().invoke(
        cli, ["resolve", str(ws.path), "3.02", "milestone", "--take", "social og sundhed"]
    )
    assert result.exit_code == 0, result.output
    assert ledger_answers(ws)[(R1, "3.02", Field.MILESTONE)] == "not_met"
    with Ledger(ws.ledger_place) as ledger:
        assert ledger.conflicts() == []
        assert [r.verdict for r in ledger.receipts()] == ["accepted", "accepted"]
        assert not ledger.master_due()  # the master was written after the decision
    # The same file again is a duplicate: the digests are looked up in the server.
    sent = fill(outbox / SOS, ws.path / "sos-again.xlsx", {("3.01", SMILEY): "grøn"})
    assert [f.verdict for f in ws.merge([sent]).files] == ["accepted"]
    assert [f.verdict for f in ws.merge([sent]).files] == ["duplicate"]
    status = ws.status("1")
    assert {c.centre: c.received for c in status.centres}["Social og Sundhed"][0].endswith(
        "(accepted)"
    )


def test_workspaces_sharing_a_database_each_keep_their_own_schema(
    postgres: PostgresServer, tmp_path: Path
) -> None:
    url = postgres.url(postgres.new_database())
    first = Workspace.init(tmp_path / "budget2018", "ballerup-2018", ledger=url)
    second = Workspace.init(tmp_path / "budget2019", "ballerup-2018", ledger=url)
    first.issue("1")
    with Ledger(first.ledger_place) as ledger:
        assert len(ledger.issues(R1)) > 1
    with Ledger(second.ledger_place) as ledger:
        assert ledger.issues() == []
    with psycopg.connect(url) as db:
        schemas = {
            row[0] for row in db.execute("SELECT schema_name FROM information_schema.schemata")
        }
    assert {"budget2018", "budget2019"} <= schemas
    # A third workspace named after a folder of the same name is refused, and left no
    # folder behind: the schema holds a ledger already.
    with pytest.raises(LedgerError) as caught:
        Workspace.init(tmp_path / "again" / "budget2018", ledger=url)
    assert "schema budget2018 holds a ledger already" in said(caught.value)
    assert not (tmp_path / "again" / "budget2018").exists()


def test_a_schema_without_a_ledger_names_the_setting(
    postgres: PostgresServer, tmp_path: Path
) -> None:
    url = postgres.url(postgres.new_database())
    ws = make_workspace(tmp_path / "ws", settings=f'ledger = "{url}"\nledger_schema = "nothing"\n')
    with pytest.raises(LedgerError) as caught:
        Ledger(ws.ledger_place)
    text = said(caught.value)
    assert f"127.0.0.1:{postgres.port}" in text
    assert "no xlfollow ledger in schema nothing" in text and "ledger_schema" in text


# The server's faults, said with the server and what to do.


def test_a_server_not_reachable_is_said(tmp_path: Path) -> None:
    place = LedgerPlace(url="postgresql://127.0.0.1:1/budget", schema="ws")
    with pytest.raises(LedgerError) as caught:
        Ledger(place)
    text = said(caught.value)
    assert text.startswith("127.0.0.1:1: the ledger's server cannot be reached")
    assert "run the command again" in text


def test_a_missing_database_is_said(postgres: PostgresServer) -> None:
    place = LedgerPlace(url=postgres.url("no_such_database"), schema="ws")
    with pytest.raises(LedgerError) as caught:
        Ledger(place)
    assert "the ledger's database does not exist" in said(caught.value)
    assert "`ledger` in xlfollow.toml" in said(caught.value)


def test_a_wrong_password_is_said_and_a_right_one_taken_from_the_environment(
    postgres: PostgresServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    postgres.add_user("okonomi", "rigtigt")
    database = postgres.new_database()
    url = f"postgresql://okonomi@127.0.0.1:{postgres.port}/{database}"
    place = LedgerPlace(url=url, schema="ws")
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    monkeypatch.setenv("XLFOLLOW_LEDGER_PASSWORD", "forkert")
    with pytest.raises(LedgerError) as caught:
        create_ledger(place)
    text = said(caught.value)
    assert "did not accept the user or password" in text
    assert "XLFOLLOW_LEDGER_PASSWORD" in text and "forkert" not in text
    monkeypatch.setenv("XLFOLLOW_LEDGER_PASSWORD", "rigtigt")
    create_ledger(place)
    with Ledger(place) as ledger:
        assert ledger.receipts() == []


def test_a_connection_lost_mid_merge_records_nothing_of_the_file(
    postgres: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = postgres.url(postgres.new_database())
    ws = Workspace.init(tmp_path / "ws", "ballerup-2018", ledger=url)
    ws.issue("1")
    before = ledger_answers(ws)
    outbox = ws.path / "outbox" / "round-1"
    fill(outbox / SIK, ws.path / "inbox" / SIK, {("3.02", STATUS): "Godt på vej"})
    real = xlfollow.ledger.store._set_answers
    database = url.rpartition("/")[2]

    def cut_off(*args: object, **kwargs: object) -> None:
        # The receipt is written in the transaction; then the server goes away.
        postgres.end_connections(database)
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(xlfollow.ledger.store, "_set_answers", cut_off)
    with pytest.raises(LedgerError) as caught:
        ws.merge()
    text = said(caught.value)
    assert f"127.0.0.1:{postgres.port}" in text
    assert "Nothing of the command's unfinished change was recorded" in text
    monkeypatch.undo()
    with Ledger(ws.ledger_place) as ledger:
        assert ledger.receipts() == []  # not half merged: no receipt, no answer
    assert ledger_answers(ws) == before
    # Run again, it merges whole.
    (file,) = ws.merge().files
    assert file.verdict == "accepted"
    assert ledger_answers(ws)[(R1, "3.02", Field.MILESTONE_NOTE)] == "Godt på vej"


def test_a_copied_workspace_has_a_ledger_of_its_own(
    postgres: PostgresServer, tmp_path: Path
) -> None:
    """The tests' own helper, copied(), that the parametrised modules rely on."""
    ws = Workspace.init(
        tmp_path / "a", "ballerup-2018", ledger=postgres.url(postgres.new_database())
    )
    ws.issue("1")
    copy = copied(ws, tmp_path / "b")
    assert copy.ledger_place.url != ws.ledger_place.url
    with Ledger(ws.ledger_place) as original:
        issued = original.issues()
    with Ledger(copy.ledger_place) as ledger:
        assert ledger.issues() == issued
        ledger.forget_issue(issued[-1].issue_id)
    with Ledger(ws.ledger_place) as original:
        assert original.issues() == issued


def test_what_fetch_and_send_record_reads_back_the_same_on_either_engine(
    new_place: Callable[[Path], LedgerPlace], tmp_path: Path
) -> None:
    """The records outside the merge, on each engine: a UIDVALIDITY as large as IMAP
    allows (2**32 - 1, past PostgreSQL's INTEGER), messages in the order sent."""
    place = new_place(tmp_path)
    fetched = FetchedRecord(
        MailboxPlace("okonomi@imap.example.org", "INBOX", 2**32 - 1, 7),
        "<a@b>",
        "ab" * 32,
        "sos@example.org",
        "Mon, 2 Apr 2018 10:00:00 +0200",
        "Svar",
        FetchOutcome.SAVED,
        "inbox/svar.eml",
        "2018-04-02T08:00:00+00:00",
    )
    sent = [
        MessageRecord(f"<m{n}@x>", "send", R1, "Social og Sundhed", "sos@x", None, "2018-03-01")
        for n in (2, 1, 3)
    ]
    with Ledger(place) as ledger:
        ledger.record_fetched(fetched)
        for message in sent:
            ledger.record_message(message)
    with Ledger(place) as ledger:
        assert ledger.fetched() == [fetched]
        assert ledger.fetched_at_place(fetched.place)
        assert ledger.fetched_message(message_id="<a@b>") == fetched
        assert ledger.messages(R1) == sent  # same time: in the order recorded


def test_init_from_a_reports_text_keeps_its_ledger_on_the_server(
    postgres: PostgresServer, tmp_path: Path
) -> None:
    url = postgres.url(postgres.new_database())
    report = Path(__file__).parent.parent / "examples" / "ballerup_2018" / "report.txt"
    result = CliRunner().invoke(
        cli, ["init", str(tmp_path / "imported"), "--from-text", str(report), "--ledger", url]
    )
    assert result.exit_code == 0, result.output
    ws = Workspace(tmp_path / "imported")
    assert not ws.ledger_path.exists()
    assert ws.ledger_place == LedgerPlace(url=url, schema="imported")
    with Ledger(ws.ledger_place) as ledger:
        assert ledger.issues() == []


def test_init_refuses_a_ledger_address_with_a_password(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["init", str(tmp_path / "ws"), "--ledger", "postgresql://okonomi:hemmelig@db/budget"]
    )
    assert result.exit_code != 0
    assert "--ledger: ledger: a password does not belong in xlfollow.toml" in result.output
    assert "hemmelig" not in result.output
    assert not (tmp_path / "ws").exists()


def test_the_password_comes_from_the_keyring_where_the_environment_gives_none(
    postgres: PostgresServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    postgres.add_user("kasserer", "fra-noeglering")
    url = f"postgresql://kasserer@127.0.0.1:{postgres.port}/{postgres.new_database()}"
    asked: list[tuple[str, str]] = []

    class Keyring:
        """The keyring package, as the system's keyring answers it."""

        @staticmethod
        def get_password(service: str, name: str) -> str | None:
            asked.append((service, name))
            return "fra-noeglering"

    monkeypatch.setitem(sys.modules, "keyring", Keyring)
    for variable in ("PGPASSWORD", "XLFOLLOW_LEDGER_PASSWORD"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    place = LedgerPlace(url=url, schema="ws")
    create_ledger(place)
    with Ledger(place) as ledger:
        assert ledger.receipts() == []
    assert asked[0] == ("xlfollow", f"kasserer@127.0.0.1:{postgres.port}")


MISSING_PSYCOPG = r"needs psycopg; install it with: pip install 'xlfollow\[postgresql\]'"


def test_a_ledger_on_postgresql_without_psycopg_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "xlfollow.ledger.pgdatabase", None)  # import fails
    place = LedgerPlace(url="postgresql://db.example.org/budget", schema="ws")
    with pytest.raises(LedgerError, match=MISSING_PSYCOPG) as caught:
        Ledger(place)
    assert caught.value.say(Language.EN).startswith(
        "postgresql://db.example.org/budget (schema ws)"
    )


@pytest.mark.sqlite_only("a migration starts from SQLite's file")
def test_a_migration_without_psycopg_says_what_to_install_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = Workspace.init(tmp_path / "ws")
    settings = workspace.settings_path.read_bytes()
    monkeypatch.setitem(sys.modules, "xlfollow.ledger.pgdatabase", None)
    with pytest.raises(LedgerError, match=MISSING_PSYCOPG):
        workspace.migrate_ledger("postgresql://db.example.org/budget", None)
    assert workspace.settings_path.read_bytes() == settings
    assert workspace.ledger_place.is_sqlite and workspace.ledger_path.is_file()
