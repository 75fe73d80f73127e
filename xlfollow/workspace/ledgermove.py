"""A workspace's ledger moved from its SQLite file to a schema of a PostgreSQL database:
copied in one transaction, verified table by table, and only then set in xlfollow.toml,
the file kept beside it under another name. Anything short of that leaves the workspace
as it was."""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from xlfollow.definition.ledgerplace import LedgerPlace, read_ledger_place
from xlfollow.definition.tomlreader import TomlReader
from xlfollow.errors import LedgerError, Problems, WorkspaceError
from xlfollow.files import write_atomically
from xlfollow.ledger.connection import LedgerConnection, psycopg_missing
from xlfollow.ledger.schema import create_ledger, ledger_version
from xlfollow.machinefaults import is_ledger_fault, ledger_fault
from xlfollow.messages import Text
from xlfollow.workspace.locking import changes_it

if TYPE_CHECKING:
    from xlfollow.ledger.copying import TableCopy
    from xlfollow.ledger.pgdatabase import PostgresDatabase
    from xlfollow.workspace.folder import Workspace

__all__ = ["Migration", "migrate_ledger", "with_ledger_settings"]

_KEYS = ("ledger", "ledger_schema")
# A top-level `ledger = ...` or `ledger_schema = ...` line, bare or quoted key.
_KEY_LINE = re.compile(r"""\s*["']?(ledger|ledger_schema)["']?\s*=""")


@dataclass(frozen=True)
class Migration:
    """A ledger moved: where it is now, each table as copied and verified, and what the
    SQLite file is called now."""

    place: LedgerPlace
    tables: list[TableCopy]
    kept: Path


@changes_it("ledger migrate")
def migrate_ledger(workspace: Workspace, url: str, schema: str | None = None) -> Migration:
    """Move the workspace's ledger from its SQLite file into `schema` (by default named
    after the folder) of the PostgreSQL database at `url`, after merging finance's edits
    in master.xlsx: every row copied with its id in one transaction, then each table's
    rows counted and checksummed on both engines; only when all agree are `ledger` and
    `ledger_schema` written into xlfollow.toml and ledger.sqlite renamed to
    ledger.sqlite.migrated-YYYY-MM-DD (kept). Any failure before that drops what was
    made on the server again and leaves the workspace as it was."""
    definition = workspace.load()
    source = workspace.ledger_place
    if source.path is None:
        raise WorkspaceError(
            Text(
                "{path}: the ledger is on PostgreSQL already ({ledger}); there is no ledger "
                "file to move",
                path=str(workspace.settings_path),
                ledger=str(source),
            )
        )
    ledger_version(source.path)  # a missing or damaged file said as such
    target = _target(workspace.path, url, schema)
    workspace.merge_master_edits(definition)
    try:
        from xlfollow.ledger import copying
        from xlfollow.ledger.pgdatabase import PostgresDatabase, pg_fault
    except ImportError as exc:  # an install without the extra
        raise psycopg_missing(target) from exc
    import psycopg

    server = PostgresDatabase(target)
    try:
        had_schema = _schema_exists(server, target.schema)
        create_ledger(target)  # refuses a schema that holds a ledger already
    except psycopg.Error as exc:
        server.close()
        raise pg_fault(target, exc) from exc
    except BaseException:
        server.close()
        raise
    try:
        tables = _copy_and_verify(source.path, target, server)
        with_ledger_settings(workspace.settings_path, target)
    except BaseException as failure:
        # Only what this command made is removed: the ledger it created just now.
        with contextlib.suppress(psycopg.Error):  # the server gone too: the failure says so
            copying.drop_ledger(server, target.schema, whole_schema=not had_schema)
        if isinstance(failure, psycopg.Error):
            raise pg_fault(target, failure) from failure
        raise
    finally:
        server.close()
    return Migration(target, tables, _keep(source.path))


def _copy_and_verify(path: Path, target: LedgerPlace, server: PostgresDatabase) -> list[TableCopy]:
    """Copy the file's rows into the new ledger in one transaction, and compare both;
    LedgerError, naming the tables, where they differ."""
    from xlfollow.ledger import copying

    try:
        with LedgerConnection(LedgerPlace.sqlite(path)) as sqlite:
            columns = {table: copying.columns_of(sqlite.db, table) for table in copying.TABLES}
            with server.transaction():
                copying.copy_rows(sqlite.db, server)
            mine = copying.fingerprint(sqlite.db, columns)
    except sqlite3.Error as exc:
        if not is_ledger_fault(exc):
            raise
        raise ledger_fault(path, exc) from exc
    copied = copying.fingerprint(server, columns)
    differing = copying.compare(mine, copied)
    if differing:
        raise LedgerError(
            Text(
                "{server}: the ledger copied into schema {schema} is not the same as "
                "{path} ({tables}); nothing was changed: the schema's ledger is removed "
                "again and the workspace keeps its ledger file. Run the command again, "
                "and report it if it says this again.",
                server=target.server,
                schema=target.schema,
                path=str(path),
                tables=", ".join(f"{table}: {what}" for table, what in differing),
            )
        )
    return mine


def _target(folder: Path, url: str, schema: str | None) -> LedgerPlace:
    """The PostgreSQL place `--to` and `--schema` name; WorkspaceError, said without the
    address (it may hold the very password it is refused for), if it cannot be used."""
    problems = Problems("--to")
    given: dict[str, object] = {"ledger": url}
    if schema is not None:
        given["ledger_schema"] = schema
    place = read_ledger_place(given, TomlReader(problems, ""), folder)
    if problems.found:
        raise WorkspaceError(Text("--to: {why}", why=problems.found[0].message))
    return place


def _schema_exists(server: PostgresDatabase, schema: str) -> bool:
    row = server.execute(
        "SELECT 1 FROM information_schema.schemata WHERE schema_name = ?", (schema,)
    ).fetchone()
    return row is not None


def with_ledger_settings(settings: Path, place: LedgerPlace) -> None:
    """Set `ledger` and `ledger_schema` at the top level of xlfollow.toml, replacing the
    lines that set them or adding them before its first table, every other line and
    comment kept; written whole or not at all."""
    text = settings.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    wanted = {"ledger": place.url, "ledger_schema": place.schema}
    # Top-level keys go before the first table; JSON's string is TOML's too.
    new = {key: f"{key} = {json.dumps(value)}\n" for key, value in wanted.items()}
    kept: list[str] = []
    top_level = True
    for line in lines:
        if line.lstrip().startswith("["):
            top_level = False
        found = _KEY_LINE.match(line) if top_level else None
        if found is not None:
            kept.append(new.pop(found.group(1), ""))
        else:
            kept.append(line)
    result = "".join(new.values()) + "".join(kept)
    parsed = tomllib.loads(result)
    assert all(parsed.get(key) == wanted[key] for key in _KEYS), result
    write_atomically(settings, result.encode("utf-8"))


def _keep(path: Path) -> Path:
    """Rename the SQLite file (and a write-ahead log left of it) out of the way, to
    ledger.sqlite.migrated-YYYY-MM-DD (-2, -3 on a second the same day)."""
    stem = f"{path.name}.migrated-{date.today().isoformat()}"
    kept, number = path.with_name(stem), 1
    while kept.exists():
        number += 1
        kept = path.with_name(f"{stem}-{number}")
    path.rename(kept)
    for suffix in ("-wal", "-shm"):
        left = path.with_name(path.name + suffix)
        if left.exists():
            left.rename(kept.with_name(kept.name + suffix))
    return kept
