"""Shared helpers: a small agreement and settings as text, and a way to check one."""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import re
import shutil
import signal
import sqlite3
import textwrap
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from imapserver import Dovecot, running_dovecot
from pgserver import PostgresServer, copy_database, running_postgres
from processes import RUN, RUN_VARIABLE, left_by_tests, processes, still_running

import xlfollow.report.pdf
import xlfollow.workspace.folder
from xlfollow.answers import Field
from xlfollow.definition.ledgerplace import LedgerPlace, default_schema
from xlfollow.errors import DefinitionError, Problem
from xlfollow.ledger.connection import LedgerConnection
from xlfollow.ledger.copying import TABLES
from xlfollow.ledger.database import Database
from xlfollow.ledger.dialect import Engine
from xlfollow.ledger.schema import ACTOR_COLUMNS
from xlfollow.ledger.store import Ledger, create_ledger
from xlfollow.model import Definition
from xlfollow.returns.reader import Reading
from xlfollow.workspace import creation
from xlfollow.workspace.folder import Workspace

# Property tests check results, not speed: a slow moment on a shared machine
# must not fail them.
settings.register_profile("xlfollow", deadline=None)
settings.load_profile("xlfollow")

START_METHOD = os.environ.get("XLFOLLOW_START_METHOD")
"""How this run starts processes (fork, forkserver, spawn); the platform's own if unset.
Python 3.14 starts them by forkserver on Linux and macOS by spawn: CI runs the tests
of the reader processes under each."""
if START_METHOD:
    multiprocessing.set_start_method(START_METHOD, force=True)


os.environ[RUN_VARIABLE] = RUN


@pytest.fixture(scope="session", autouse=True)
def no_process_outlives_the_tests() -> Iterator[None]:
    """No process a test started (a reader, a merge run as a command, LibreOffice) is
    left running when the tests end: it would hold the ledger and its lock open, and
    the terminal (`pytest | tail` would not end)."""
    yield
    left = still_running(left_by_tests(), after=5)
    for process in left:  # ended, so that the run ends; and the run fails
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)
    assert not left, "left running by the tests:\n" + "\n".join(
        f"{p.pid} (parent {p.parent}): {p.command}" for p in left
    )


FAST_FIRST = (
    "test_merge.py",
    "test_intake.py",
    "test_roundtrip.py",
    "test_summary.py",
    "test_damaged.py",
    "test_readers.py",
    "test_collect.py",
    "test_files.py",
    "test_badfiles.py",
)
"""The modules mutmut runs, cheapest first: the pure merge's tests before those that
issue and merge whole workspaces."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test on an engine XLFOLLOW_TEST_ENGINES leaves out is deselected. While mutmut
    tries a mutant (docs/mutation.md) the cheap tests run first, so that the first to
    fail, which ends the run (-x), comes soon. Other runs keep the order."""
    chosen = engines_to_test()
    left_out = [item for item in items if _engine_of(item) not in chosen]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if _engine_of(item) in chosen]
    if os.environ.get("MUTANT_UNDER_TEST", "") in ("", "stats", "list_all_tests"):
        return
    rank = {name: n for n, name in enumerate(FAST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture(autouse=True)
def readers_in_this_process_while_mutmut_maps_the_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    """mutmut (docs/mutation.md) first maps each function to the tests that call it, by
    counting calls in the test's own process (MUTANT_UNDER_TEST=stats), and later tries
    a function's mutants against those tests only. A reader process's calls are not
    counted, so reader.py's functions would seem called by no test that merges. While
    mutmut maps, files are read in this process instead; the mutants themselves are
    then tried with real reader processes, which import the mutated copy (they are
    given this process's sys.path). A test that puts its own read_file in the readers
    (tests/misreaders.py) keeps its processes."""
    if os.environ.get("MUTANT_UNDER_TEST") != "stats":
        return
    import xlfollow.returns.collect as collect
    import xlfollow.returns.readers as readers

    real_read_file, real_read_ahead = readers.read_file, readers.read_ahead

    def read_here(
        paths: Sequence[Path], definition: Definition, workers: int
    ) -> Iterator[tuple[Path, readers.FileRead]]:
        if readers.read_file is not real_read_file:
            yield from real_read_ahead(paths, definition, workers)
            return
        reading = Reading(definition.agreement)
        for path in paths:
            yield path, real_read_file(path, reading)

    monkeypatch.setattr(collect, "read_ahead", read_here)


@pytest.fixture(autouse=True)
def english_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests read the terminal's English, whatever the machine's locale says;
    the ones about Danish set it themselves."""
    monkeypatch.setenv("XLFOLLOW_LANGUAGE", "en")


AGREEMENT = textwrap.dedent(
    """\
    title: Aftale om budget 2018
    municipality: Ballerup Kommune
    rounds:
      - 1. budgetopfølgning 2018
      - 2. budgetopfølgning 2018
    centres:
      - Social og Sundhed
      - Skoler, Institutioner og Kultur
    committees:
      - Børne- og Skoleudvalget
      - Økonomiudvalget
    chapters:
      - number: "3"
        title: Sammenhængende udviklingsforløb 0-25 år
      - number: "4"
        title: Sundhed, Ældre og Voksne med særlige behov
    items:
      - number: "3.01"
        title: Barnets første 1.000 dage
        kind: Drift
        centre: Social og Sundhed
        committee: Børne- og Skoleudvalget
        contributors:
          - Skoler, Institutioner og Kultur
        milestones:
          1. budgetopfølgning 2018: Pilotprojekt planlægges.
          2. budgetopfølgning 2018: Indsatser afprøves.
        economy_text: Der er afsat 0,762 mio. kr.
        budget:
          2018: "0,762"
          2019: 0.938
      - number: "4.11"
        title: Undgå madspild i Køkken Ballerup
        kind: Anlæg
        centre: Skoler, Institutioner og Kultur
        committee: Økonomiudvalget
        budget:
          2019: -0.1
    """
)

SETTINGS = textwrap.dedent(
    """\
    agreement = "agreement.yaml"
    language = "da"

    [rounds."1. budgetopfølgning 2018"]
    deadline = 2018-04-05

    [rounds."2. budgetopfølgning 2018"]
    deadline = "15. juni 2018"

    [centres."Social og Sundhed"]
    code = "SOS"
    email = "sos@example.org"
    aliases = ["Sundhed"]
    """
)


def line_with(text: str, fragment: str, occurrence: int = 1) -> int:
    """The 1-based line number of the n-th line of text containing fragment."""
    hits = [number for number, line in enumerate(text.splitlines(), 1) if fragment in line]
    assert len(hits) >= occurrence, f"{fragment!r} not in text"
    return hits[occurrence - 1]


def make_workspace(root: Path, agreement: str = AGREEMENT, settings: str = SETTINGS) -> Workspace:
    """A workspace folder with the given agreement and settings texts; no ledger yet."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "agreement.yaml").write_text(agreement, encoding="utf-8")
    if _new_server_ledger and not re.search(r"(?m)^\s*ledger\s*=", settings):
        # The module runs on PostgreSQL (workspaces_on_the_engine): the ledger's place
        # a new database, named first as `init --ledger` does; like a file, made by
        # create_ledger(workspace.ledger_place).
        url, schema = _new_server_ledger[0](), default_schema(root)
        settings = f'ledger = "{url}"\nledger_schema = "{schema}"\n' + settings
    (root / "xlfollow.toml").write_text(settings, encoding="utf-8")
    return Workspace(root)


def problems_of(workspace: Workspace) -> tuple[Problem, ...]:
    """The problems loading the workspace reports; fails the test if there are none."""
    with pytest.raises(DefinitionError) as caught:
        workspace.load()
    return caught.value.problems


def session_members(session: int) -> list[int]:
    """The live processes of a session (Linux; elsewhere none are seen): what a test
    that started one must not leave behind."""
    return [p.pid for p in processes() if p.session == session]


def round_one_issued(tmp_path_factory: pytest.TempPathFactory, ledger: str = "") -> Workspace:
    """The Ballerup example with round 1 issued: the start of a module's returns; its
    ledger in the PostgreSQL database `ledger` names, if given."""
    folder = tmp_path_factory.mktemp("issued") / "ws"
    workspace = Workspace.init(folder, "ballerup-2018", ledger=ledger)
    workspace.issue("1")
    return workspace


def copied(workspace: Workspace, folder: Path) -> Workspace:
    """A copy of a workspace in a folder of the test's own, to change freely; a ledger
    on PostgreSQL copied into a new database of its own."""
    copy = folder / "ws"
    shutil.copytree(workspace.path, copy)
    place = workspace.ledger_place
    if not place.is_sqlite:
        settings = copy / "xlfollow.toml"
        text = settings.read_text(encoding="utf-8")
        settings.write_text(
            text.replace(f'ledger = "{place.url}"', f'ledger = "{copy_database(place.url)}"', 1),
            encoding="utf-8",
        )
    return Workspace(copy)


@contextlib.contextmanager
def ledger_database(workspace: Workspace) -> Iterator[Database]:
    """The workspace's ledger on whichever engine keeps it: statements with ?
    parameters, run on its tables as the ledger's own code runs them."""
    with LedgerConnection(workspace.ledger_place) as connection:
        yield connection.db


def ledger_rows(
    workspace: Workspace, query: str, params: Sequence[object] = ()
) -> list[tuple[Any, ...]]:
    """The rows a query of the workspace's ledger gives, on either engine."""
    with ledger_database(workspace) as db:
        return [tuple(row) for row in db.execute(query, params).fetchall()]


def ledger_tables(
    workspace: Workspace, leaving_out: Sequence[str] = ()
) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows (but those `leaving_out`), sorted: what a test compares before
    and after to see that nothing in the ledger changed, on either engine."""
    with ledger_database(workspace) as db:
        return {
            table: sorted((tuple(row) for row in db.execute(f"SELECT * FROM {table}")), key=repr)
            for table in TABLES
            if table not in leaving_out
        }


def ledger_answers(workspace: Workspace) -> dict[tuple[str, str, Field], str]:
    """The ledger's current answers, by (round, item, field)."""
    with Ledger(workspace.ledger_place) as ledger:
        return ledger.answers()


_servers: list[PostgresServer] = []
"""The session's PostgreSQL server, once a test has started it."""


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server on 127.0.0.1, for the whole session; stopped after.
    Skipped where PostgreSQL 15 is not installed, unless XLFOLLOW_REQUIRE_POSTGRESQL=1."""
    with running_postgres() as server:
        _servers.append(server)
        try:
            yield server
        finally:
            _servers.clear()


ENGINES_VARIABLE = "XLFOLLOW_TEST_ENGINES"
"""Names the engines the tests keep their ledgers in, comma-separated ("sqlite",
"postgresql"); both unless set. The mutation run (docs/mutation.md) sets "sqlite": it
mutates the merge's rules, which are the same code on both."""


def engines_to_test() -> tuple[Engine, ...]:
    """The engines this run keeps ledgers in (XLFOLLOW_TEST_ENGINES)."""
    raw = os.environ.get(ENGINES_VARIABLE, "").strip()
    if not raw:
        return tuple(Engine)
    names = [name.strip() for name in raw.split(",")]
    unknown = [name for name in names if name not in {engine.value for engine in Engine}]
    if unknown:
        raise pytest.UsageError(
            f"{ENGINES_VARIABLE}: {', '.join(unknown)} is no engine; give sqlite, postgresql "
            "or both, comma-separated"
        )
    return tuple(engine for engine in Engine if engine.value in names)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test runs once on each engine (SQLite, then PostgreSQL): the workspaces it
    makes keep their ledgers there (workspaces_on_the_engine). A module whose tests
    have nothing to do with where a ledger is kept, or are about SQLite's own file,
    says so in LEDGER_ENGINES = (Engine.SQLITE,) with the reason beside it, and runs
    once; so does a test marked @pytest.mark.sqlite_only("the reason"), and one that
    asks for the PostgreSQL server itself."""
    if "ledger_engine" not in metafunc.fixturenames:
        return
    declared: tuple[Engine, ...] = getattr(metafunc.module, "LEDGER_ENGINES", tuple(Engine))
    if "postgres" in metafunc.fixturenames:
        # A test of the server itself (a password, two processes at once) makes its
        # ledgers there: once, on PostgreSQL; a migration's from SQLite, on SQLite.
        declared = (Engine.POSTGRESQL,) if Engine.POSTGRESQL in declared else declared[:1]
    marker = metafunc.definition.get_closest_marker("sqlite_only")
    if marker is not None:
        if not marker.args:
            raise pytest.UsageError(f"{metafunc.definition.nodeid}: sqlite_only needs its reason")
        declared = (Engine.SQLITE,)
    metafunc.parametrize(
        "ledger_engine", declared, indirect=True, scope="module", ids=[e.value for e in declared]
    )


def _engine_of(item: pytest.Item) -> Engine:
    """The engine a collected test runs on (pytest_generate_tests)."""
    callspec = getattr(item, "callspec", None)
    engine: Engine = (
        callspec.params.get("ledger_engine", Engine.SQLITE) if callspec else Engine.SQLITE
    )
    return engine


@pytest.fixture(scope="module")
def ledger_engine(request: pytest.FixtureRequest) -> Engine:
    """The engine a module's ledgers are kept in: its tests run once with each."""
    engine: Engine = request.param
    return engine


@pytest.fixture(scope="module", autouse=True)
def databases_dropped_after_each_module() -> Iterator[None]:
    """When a module ends, on both engines, the databases its tests made on the
    session's server are dropped: each is some 8 MB, and a full run makes hundreds."""
    yield
    for server in _servers:
        server.drop_databases()


_new_server_ledger: list[Callable[[], str]] = []
"""While a module runs on PostgreSQL: gives the address of a new, empty database."""


@pytest.fixture(scope="module", autouse=True)
def workspaces_on_the_engine(
    ledger_engine: Engine, request: pytest.FixtureRequest
) -> Iterator[None]:
    """While a module runs on PostgreSQL, a workspace made without naming its ledger
    (Workspace.init, `xlfollow init` or `demo` in this process, make_workspace) keeps
    it in a new database of the test server's own, named in its xlfollow.toml, as
    `init --ledger` does; on SQLite, in its folder as always."""
    if ledger_engine is Engine.SQLITE:
        yield
    else:
        yield from _on_server(request.getfixturevalue("postgres"))


def _on_server(server: PostgresServer) -> Iterator[None]:
    """workspaces_on_the_engine's part on PostgreSQL."""

    def new_database() -> str:
        return server.url(server.new_database())

    real_create = creation.create

    @functools.wraps(real_create)
    def create_on_server(
        target: Path, agreement_text: str, settings_text: str, ledger: str = ""
    ) -> None:
        real_create(target, agreement_text, settings_text, ledger or new_database())

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(creation, "create", create_on_server)
        patch.setattr(xlfollow.workspace.folder, "create", create_on_server)
        _new_server_ledger.append(new_database)
        try:
            yield
        finally:
            _new_server_ledger.clear()


@pytest.fixture(scope="module")
def new_ledger(ledger_engine: Engine, request: pytest.FixtureRequest) -> Callable[[], str]:
    """Gives `Workspace.init`'s `ledger` for a new workspace on the module's engine:
    '' (its SQLite file), or the address of a new, empty PostgreSQL database."""
    if ledger_engine is Engine.SQLITE:
        return lambda: ""
    server: PostgresServer = request.getfixturevalue("postgres")
    return lambda: server.url(server.new_database())


@pytest.fixture(scope="module")
def new_place(
    ledger_engine: Engine, request: pytest.FixtureRequest
) -> Callable[[Path], LedgerPlace]:
    """Makes an empty ledger on the module's engine and gives its place: a file in the
    folder given, or a new schema of one PostgreSQL database of the module's."""
    if ledger_engine is Engine.SQLITE:

        def in_file(folder: Path) -> LedgerPlace:
            place = LedgerPlace.sqlite(folder / "ledger.sqlite")
            create_ledger(place)
            return place

        return in_file
    server: PostgresServer = request.getfixturevalue("postgres")
    url = server.url(server.new_database())
    numbers = iter(range(1_000_000))

    def in_schema(folder: Path) -> LedgerPlace:
        place = LedgerPlace(url=url, schema=f"ledger{next(numbers)}")
        create_ledger(place)
        return place

    return in_schema


@pytest.fixture
def nowhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH with no soffice on it, and no usual place to look: a machine without
    LibreOffice."""
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(xlfollow.report.pdf, "SOFFICE_PLACES", ())
    return empty


def without_actors(db: sqlite3.Connection) -> None:
    """A ledger as before schema 10: no change says who made it."""
    for table, column in ACTOR_COLUMNS:
        db.execute(f"ALTER TABLE {table} DROP COLUMN {column}")


def without_mail(db: sqlite3.Connection) -> None:
    """A ledger as before schema 8: no saved message kept with its receipts, (schema 9)
    no message fetched from a mailbox, and (schema 10) no change saying who made it."""
    without_actors(db)
    db.execute("DROP TABLE fetched")
    db.execute("DROP INDEX receipts_mail_sha256")
    for column in ("mail_sha256", "mail_from", "mail_date", "mail_subject", "mail_id"):
        db.execute(f"ALTER TABLE receipts DROP COLUMN {column}")


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    """A real IMAP server (Dovecot) on 127.0.0.1, for a module's tests; stopped after,
    also when a test fails. Skipped where Dovecot is not installed, unless
    XLFOLLOW_REQUIRE_DOVECOT=1."""
    with running_dovecot() as server:
        yield server
