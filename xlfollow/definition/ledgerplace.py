"""Where a workspace's ledger is: its SQLite file (the default), or a schema of a
PostgreSQL database named by `ledger = "postgresql://host:port/dbname"` in
xlfollow.toml, read with the line of every mistake."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from xlfollow.definition.tomlreader import TomlReader
from xlfollow.messages import Text

__all__ = ["LEDGER_FILE", "LedgerPlace", "default_schema", "read_ledger_place"]

LEDGER_FILE = "ledger.sqlite"
"""The SQLite ledger's file in a workspace."""

_SCHEMA = re.compile(r"(?!pg_)[a-z][a-z0-9_]{0,62}")


@dataclass(frozen=True)
class LedgerPlace:
    """A ledger's location: an SQLite file, or a PostgreSQL database and a schema in it."""

    path: Path | None = None
    """The SQLite file; None for PostgreSQL."""
    url: str = ""
    """postgresql://host:port/dbname, without a password; '' for SQLite."""
    schema: str = ""
    """The PostgreSQL schema this workspace's ledger is kept in; '' for SQLite."""

    @classmethod
    def sqlite(cls, path: Path) -> LedgerPlace:
        """The SQLite ledger at `path`."""
        return cls(path=path)

    @property
    def is_sqlite(self) -> bool:
        """True for an SQLite file."""
        return self.path is not None

    @property
    def server(self) -> str:
        """The PostgreSQL server as host:port ('' for SQLite)."""
        parts = urlsplit(self.url)
        return f"{parts.hostname or 'localhost'}:{parts.port or 5432}" if self.url else ""

    def __str__(self) -> str:
        """How a message names the ledger: its file, or the database and schema."""
        if self.path is not None:
            return str(self.path)
        return f"{self.url} (schema {self.schema})"


def default_schema(folder: Path) -> str:
    """The schema a workspace's ledger is in unless `ledger_schema` names one: the
    folder's name, lower case, each character other than a-z, 0-9 and _ as _ (with a w
    before it where it would not start with a letter, or would start with pg_)."""
    name = re.sub(r"[^a-z0-9_]", "_", folder.resolve().name.lower())[:63]
    return name if _SCHEMA.fullmatch(name) else f"w{name}"[:63]


def read_ledger_place(data: dict[str, Any], reader: TomlReader, folder: Path) -> LedgerPlace:
    """The ledger's place from parsed settings; a problem, at its line, for a
    `ledger` or `ledger_schema` xlfollow cannot use (the SQLite file then)."""
    sqlite = LedgerPlace.sqlite(folder / LEDGER_FILE)
    raw, schema = data.get("ledger", ""), data.get("ledger_schema")
    if raw == "" and schema is None:
        return sqlite
    problem = _url_problem(raw)
    if problem is not None:
        reader.problem(("ledger",), problem)
        return sqlite
    if schema is None:
        schema = default_schema(folder)
    elif not isinstance(schema, str) or not _SCHEMA.fullmatch(schema):
        reader.problem(
            ("ledger_schema",),
            Text(
                "ledger_schema should be a name of lower-case letters a-z, digits and _, "
                'starting with a letter (not pg_), at most 63 characters, like "budget2018"'
            ),
        )
        return sqlite
    return LedgerPlace(url=str(raw), schema=schema)


def _url_problem(raw: object) -> Text | None:
    """What is wrong with a `ledger` setting, or None if it is a usable address."""
    if not isinstance(raw, str) or not raw.startswith(("postgresql://", "postgres://")):
        return Text(
            'ledger should be a PostgreSQL address like "postgresql://server:5432/budget", '
            "or left out for the ledger file in the workspace"
        )
    parts = urlsplit(raw)
    try:
        password, port = parts.password, parts.port
    except ValueError:
        password, port = None, -1
    if password is not None:
        return Text(
            "ledger: a password does not belong in xlfollow.toml; remove it from the "
            "address, and give it in PGPASSWORD, in a .pgpass file or in "
            "XLFOLLOW_LEDGER_PASSWORD"
        )
    if port == -1:
        return Text("ledger: the port should be a number up to 65535")
    if not parts.hostname or not parts.path.strip("/") or parts.query or parts.fragment:
        return Text(
            'ledger should name a server and a database, like "postgresql://server:5432/budget"'
        )
    return None
