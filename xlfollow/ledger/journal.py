"""The ledger's journal: write-ahead logging (WAL) on a local disk, SQLite's rollback
journal (DELETE) where the file is on a network drive or in a synced folder, since WAL
does not work over a network filesystem. A ledger in WAL mode found on such a place is
switched when nobody else has it open; while somebody does, it is left as it is."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from xlfollow.ledger.placement import Machine, Place, place_of
from xlfollow.messages import Joined, Text

__all__ = ["PLACE_CHECK_VARIABLE", "Journal", "LedgerPlace", "ledger_place", "use_journal"]

PLACE_CHECK_VARIABLE = "XLFOLLOW_LEDGER_PLACE_CHECK"
"""Set to 0, the warning of a ledger on a network drive or in a synced folder is not given."""


class Journal(StrEnum):
    """An SQLite journal mode, as `PRAGMA journal_mode` names it."""

    WAL = "wal"
    DELETE = "delete"


def use_journal(db: sqlite3.Connection, path: Path, machine: Machine | None = None) -> str:
    """Give a ledger's connection the journal for its place: WAL on a local disk, the
    rollback journal on a network drive or in a synced folder; the mode in force after.
    A ledger in WAL mode that another connection has open stays so (SQLite refuses to
    leave WAL then): `ledger_place` says so."""
    wanted = Journal.WAL if place_of(path, machine) is None else Journal.DELETE
    current = str(db.execute("PRAGMA journal_mode").fetchone()[0]).lower()
    if wanted is Journal.DELETE and current != Journal.WAL:
        return current  # a rollback journal already (DELETE, or one a user chose)
    try:
        if current == Journal.WAL and wanted is Journal.DELETE:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return str(db.execute(f"PRAGMA journal_mode = {wanted.value}").fetchone()[0]).lower()
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY:
            raise
        return current  # open elsewhere: left in WAL until nobody else has it open


@dataclass(frozen=True)
class LedgerPlace:
    """A ledger on a place SQLite is not safe on, and what its journal is now."""

    ledger: Path
    place: Place
    still_wal: bool
    """Still in WAL mode: another program had it open when it was to be switched."""
    switched: bool
    """Switched from WAL to the rollback journal just now."""

    def warning(self) -> Text:
        """The warning every command gives: the place, the risk, what xlfollow does
        about it, and the setting that puts the ledger where it is safe."""
        parts = [
            Text("Warning: {ledger} is {place}.", ledger=str(self.ledger), place=self.place.said())
        ]
        if self.place.kind.synced:
            parts.append(
                Text(
                    "A sync client can copy the ledger while it is being written, or keep two "
                    "versions of it, and what was merged can be lost."
                )
            )
        else:
            parts.append(
                Text(
                    "SQLite's file locking is unreliable on a network drive: two people writing "
                    "to the ledger at the same time from different machines can damage it."
                )
            )
        if self.still_wal:
            parts.append(
                Text(
                    "The ledger is still in WAL mode, which does not work there: another program "
                    "has it open (another xlfollow command?). Close it and run the command "
                    "again; xlfollow then switches it to the rollback journal."
                )
            )
        elif self.switched:
            parts.append(
                Text(
                    "It was in WAL mode; xlfollow has switched it to the rollback journal, "
                    "every row kept."
                )
            )
        parts.append(
            Text(
                "xlfollow uses SQLite's rollback journal there, not WAL, and runs one command "
                "at a time on this machine. For a team, put the ledger on a PostgreSQL server: "
                "{setting} in xlfollow.toml ({variable}=0 silences this warning).",
                setting='ledger = "postgresql://server/database"',
                variable=PLACE_CHECK_VARIABLE,
            )
        )
        return Joined(parts, " ")


_WAL_HEADER = b"\x02\x02"
"""Bytes 18 and 19 of an SQLite file's header (its write and read versions) in WAL mode."""


def ledger_place(ledger: Path, machine: Machine | None = None) -> LedgerPlace | None:
    """Where a ledger is if SQLite is not safe there (None on a local disk). A ledger in
    WAL mode there is switched to the rollback journal, every row kept, unless another
    connection has it open."""
    place = place_of(ledger, machine)
    if place is None:
        return None
    if not ledger.is_file() or _header_versions(ledger) != _WAL_HEADER:
        return LedgerPlace(ledger, place, still_wal=False, switched=False)
    try:
        db = sqlite3.connect(ledger, timeout=0)
        try:
            mode = use_journal(db, ledger, machine)
        finally:
            db.close()
    except sqlite3.Error:  # damaged or unreadable: `check` and the commands say so
        return LedgerPlace(ledger, place, still_wal=False, switched=False)
    still_wal = mode == Journal.WAL
    return LedgerPlace(ledger, place, still_wal=still_wal, switched=not still_wal)


def _header_versions(ledger: Path) -> bytes:
    try:
        with ledger.open("rb") as handle:
            return handle.read(20)[18:20]
    except OSError:
        return b""
