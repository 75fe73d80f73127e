"""The workspace's lock on a PostgreSQL ledger: a session-level advisory lock of the
ledger's database, keyed by its schema, held by a connection of its own for as long
as a command changes the workspace. Its holder is named by the connection's
application_name ("xlfollow merge 11:05 anna@OEKPC042"), which PostgreSQL shows every
user in pg_stat_activity; the lock ends with the connection, so a command killed or
cut off from the network never leaves the workspace locked."""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

import psycopg

from xlfollow.definition.ledgerplace import LedgerPlace
from xlfollow.errors import WorkspaceError
from xlfollow.ledger.actor import this_actor
from xlfollow.ledger.pgdatabase import PostgresDatabase, pg_fault
from xlfollow.messages import Text

__all__ = ["WAIT_SECONDS", "WAIT_VARIABLE", "database_locked", "lock_holder", "lock_key"]

WAIT_SECONDS = 30.0
"""How long a command waits for another one to finish before it gives up."""
WAIT_VARIABLE = "XLFOLLOW_LOCK_WAIT"
"""Seconds to wait instead, where a team's merges take longer."""
_POLL_SECONDS = 0.5
_LONGEST_NAME = 63  # PostgreSQL keeps this much of an application_name
_HOLDER = re.compile(r"xlfollow (.+?) (\d\d:\d\d) (.+)")


def lock_key(schema: str) -> int:
    """The advisory lock's key of a workspace's schema: a signed 64-bit number."""
    digest = hashlib.sha256(f"xlfollow workspace {schema}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def holder_name(command: str, actor: str, since: datetime) -> str:
    """The lock holder's application_name: the command, when it began, who runs it."""
    return f"xlfollow {command} {since:%H:%M} {actor}"[:_LONGEST_NAME]


@contextmanager
def database_locked(
    place: LedgerPlace,
    command: str,
    wait: float | None = None,
    waiting: Callable[[Text], None] | None = None,
) -> Iterator[None]:
    """Hold the workspace's advisory lock while `command` runs; wait for it up to `wait`
    seconds (WAIT_SECONDS by default), then WorkspaceError naming who holds it.
    `waiting` is told once, with who holds it, when the command has to wait."""
    seconds = _wait() if wait is None else wait
    deadline = time.monotonic() + seconds
    name = holder_name(command, this_actor(), datetime.now())
    db = PostgresDatabase(place, application_name=name)
    try:
        key = lock_key(place.schema)
        try:
            while not db.execute("SELECT pg_try_advisory_lock(?)", (key,)).fetchone()[0]:
                if time.monotonic() >= deadline:
                    raise _taken(place, lock_holder(db, key))
                if waiting is not None:
                    waiting(_waiting(lock_holder(db, key), seconds))
                    waiting = None  # told once
                time.sleep(_POLL_SECONDS)
        except psycopg.Error as exc:
            raise pg_fault(place, exc) from exc
        yield  # closing the connection ends the lock
    finally:
        db.close()


def _wait() -> float:
    """The seconds to wait for the lock: XLFOLLOW_LOCK_WAIT, else WAIT_SECONDS."""
    given = os.environ.get(WAIT_VARIABLE, "").strip()
    if not given:
        return WAIT_SECONDS
    try:
        seconds = float(given)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < 86_400:
        raise WorkspaceError(
            Text(
                "{variable} is {value}; give the seconds to wait for another command, "
                "like 30, or leave it unset",
                variable=WAIT_VARIABLE,
                value=given,
            )
        )
    return seconds


def lock_holder(db: PostgresDatabase, key: int) -> str | None:
    """The application_name of the connection holding the lock `key`, if any."""
    unsigned = key & 0xFFFF_FFFF_FFFF_FFFF
    row = db.execute(
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
        "AND l.classid::bigint = ? AND l.objid::bigint = ?",
        (unsigned >> 32, unsigned & 0xFFFF_FFFF),
    ).fetchone()
    return None if row is None else str(row[0])


def _waiting(holder: str | None, seconds: float) -> Text:
    """What a command says while it waits for the lock: who holds it, and how long it
    waits."""
    named = _HOLDER.fullmatch(holder or "")
    if named is not None:
        command, since, actor = named.groups()
        return Text(
            "{actor} is running {command} on this workspace since {since}; waiting up to "
            "{seconds} s for it to finish",
            actor=actor,
            command=command,
            since=since,
            seconds=f"{seconds:g}",
        )
    return Text(
        "another xlfollow command is changing this workspace; waiting up to {seconds} s "
        "for it to finish",
        seconds=f"{seconds:g}",
    )


def _taken(place: LedgerPlace, holder: str | None) -> WorkspaceError:
    """The lock held by another command, said with who runs it and since when."""
    named = _HOLDER.fullmatch(holder or "")
    if named is not None:
        command, since, actor = named.groups()
        return WorkspaceError(
            Text(
                "{server}: {actor} is running {command} on this workspace since {since}; "
                "try again when it is done",
                server=place.server,
                actor=actor,
                command=command,
                since=since,
            )
        )
    return WorkspaceError(
        Text(
            "{server}: another xlfollow command is changing this workspace; "
            "try again when it is done",
            server=place.server,
        )
    )
