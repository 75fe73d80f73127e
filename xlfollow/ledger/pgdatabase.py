"""A ledger kept in PostgreSQL: one schema of a database per workspace, connected to
with psycopg 3 (the password from the environment, .pgpass or the keyring), its
faults (a server not reachable, a wrong password, a database missing, a connection
lost mid-change) said with the server and what to do."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import psycopg

from xlfollow.definition.ledgerplace import LedgerPlace
from xlfollow.errors import LedgerError
from xlfollow.ledger.database import Database, Rows
from xlfollow.ledger.dialect import POSTGRESQL
from xlfollow.ledger.tables import current_schema
from xlfollow.messages import Text
from xlfollow.secrets import stored_secret

__all__ = ["PASSWORD_VARIABLE", "PostgresDatabase", "create_pg_ledger", "pg_fault", "pg_version"]

PASSWORD_VARIABLE = "XLFOLLOW_LEDGER_PASSWORD"
"""The ledger server's password, where neither PGPASSWORD nor a .pgpass file gives it."""

# SQLSTATEs: a wrong password or a user not let in; a database that does not exist.
_AUTH = ("28P01", "28000")
_NO_DATABASE = "3D000"


class PostgresDatabase(Database):
    """A connection to a PostgreSQL ledger, its search path the workspace's schema."""

    dialect = POSTGRESQL

    def __init__(self, place: LedgerPlace, application_name: str = "xlfollow") -> None:
        self.place = place
        extra: dict[str, Any] = {}
        if password := _password(place):
            extra["password"] = password
        try:
            # Autocommit: each read stands alone, and transaction() is a real one (in a
            # transaction left open by a read it would be a mere savepoint).
            self.db = psycopg.connect(
                place.url,
                autocommit=True,
                connect_timeout=10,
                options=f"-c search_path={place.schema}",
                application_name=application_name,
                **extra,
            )
        except psycopg.Error as exc:
            raise pg_fault(place, exc) from exc

    def execute(self, statement: str, params: Sequence[Any] = ()) -> Rows:
        return self.db.execute(self.dialect.sql(statement), params or None)

    def executemany(self, statement: str, rows: Iterable[Sequence[Any]]) -> None:
        batch = list(rows)
        if batch:
            with self.db.cursor() as cursor:
                cursor.executemany(self.dialect.sql(statement), batch)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.db.transaction():
            yield

    def close(self) -> None:
        self.db.close()

    def has_ledger(self) -> bool:
        """True if the schema holds an xlfollow ledger (its meta table)."""
        row = self.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = ? "
            "AND table_name = 'meta'",
            (self.place.schema,),
        ).fetchone()
        return row is not None


def _password(place: LedgerPlace) -> str:
    """The server's password where xlfollow gives it: XLFOLLOW_LEDGER_PASSWORD, else the
    system keyring (service xlfollow, name user@host:port), where the keyring package
    is installed and PGPASSWORD is not set; '' leaves it to libpq (PGPASSWORD, .pgpass)."""
    found = os.environ.get(PASSWORD_VARIABLE, "")
    parts = urlsplit(place.url)
    if found or os.environ.get("PGPASSWORD") or not parts.username:
        return found
    return stored_secret(f"{parts.username}@{place.server}")


def pg_version(db: PostgresDatabase) -> int:
    """The schema version of the PostgreSQL ledger, kept in its meta table."""
    place = db.place
    if not db.has_ledger():
        raise LedgerError(
            Text(
                "{server}: the database has no xlfollow ledger in schema {schema}; set "
                "ledger_schema in xlfollow.toml to the schema the workspace's ledger is in, "
                "or create a workspace with it: xlfollow init FOLDER --ledger {url}",
                server=place.server,
                schema=place.schema,
                url=place.url,
            )
        )
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def create_pg_ledger(place: LedgerPlace, version: int) -> None:
    """Create an empty ledger at the current schema version in the place's schema;
    refuse a schema that holds one already."""
    db = PostgresDatabase(place)
    try:
        if db.has_ledger():
            raise LedgerError(
                Text(
                    "{server}: schema {schema} holds a ledger already; it is never "
                    "overwritten: give the workspace another ledger_schema",
                    server=place.server,
                    schema=place.schema,
                )
            )
        with db.transaction():
            db.execute(f'CREATE SCHEMA IF NOT EXISTS "{place.schema}"')
            for statement in current_schema(POSTGRESQL):
                db.execute(statement)
            db.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [("created", datetime.now(UTC).isoformat()), ("schema_version", str(version))],
            )
    except psycopg.Error as exc:
        raise pg_fault(place, exc) from exc
    finally:
        db.close()


def pg_fault(place: LedgerPlace, exc: psycopg.Error) -> LedgerError:
    """PostgreSQL's error on the ledger, said as what it is, with the server and what
    to do. A transaction the error cut short is rolled back by the server."""
    said = " ".join(str(exc).split())
    # libpq says a failed connection as 'connection failed: connection to server at
    # "host", port N failed: FATAL: what': the server's own words are what matters.
    why = said.rpartition(" failed: ")[2] or type(exc).__name__
    server = place.server
    state = exc.sqlstate or ""
    if "password authentication failed" in said:
        state = _AUTH[0]
    elif "FATAL: database" in said and "does not exist" in said:
        state = _NO_DATABASE
    if state in _AUTH:
        text = Text(
            "{server}: the ledger's server did not accept the user or password ({why}). "
            "Give the password in PGPASSWORD, in a .pgpass file or in "
            "XLFOLLOW_LEDGER_PASSWORD (never in xlfollow.toml), and run the command again.",
            server=server,
            why=why,
        )
    elif state == _NO_DATABASE:
        text = Text(
            "{server}: the ledger's database does not exist ({why}). Check the database's "
            "name in `ledger` in xlfollow.toml, or have it created on the server.",
            server=server,
            why=why,
        )
    elif isinstance(exc, psycopg.OperationalError):
        text = Text(
            "{server}: the ledger's server cannot be reached, or the connection to it was "
            "lost ({why}). Nothing of the command's unfinished change was recorded: the "
            "server undoes it. Check the network and that the server is running, and run "
            "the command again.",
            server=server,
            why=why,
        )
    else:
        text = Text("{server}: {why}", server=server, why=why)
    error = LedgerError(text)
    error.__cause__ = exc
    return error
