"""The `ledger` commands: what is done to the ledger itself, such as moving it to a
PostgreSQL server."""

from __future__ import annotations

from pathlib import Path

import click

from xlfollow.cli.frame import EXIT_CODES, Group, current_terminal
from xlfollow.messages import Text
from xlfollow.workspace.folder import Workspace

__all__ = ["ledger"]


@click.group("ledger", cls=Group, epilog=EXIT_CODES)
def ledger() -> None:
    """Commands on the workspace's ledger itself."""


@ledger.command("migrate", epilog=EXIT_CODES)
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--to",
    "url",
    required=True,
    metavar="postgresql://SERVER:PORT/DATABASE",
    help="The PostgreSQL database to move the ledger to (no password: give it in "
    "PGPASSWORD, .pgpass or XLFOLLOW_LEDGER_PASSWORD).",
)
@click.option(
    "--schema",
    metavar="NAME",
    help="The schema to keep the ledger in; by default the workspace folder's name.",
)
def migrate(directory: Path, url: str, schema: str | None) -> None:
    """Move the workspace's ledger from its file to a PostgreSQL server, for a team.

    Every row is copied in one transaction, then each table's rows are counted and
    checksummed on both sides. Only when all agree are ledger and ledger_schema
    written into xlfollow.toml, and ledger.sqlite renamed to
    ledger.sqlite.migrated-YYYY-MM-DD (kept, never deleted). If anything fails,
    the workspace is left as it was.

    \b
    Example:
      xlfollow ledger migrate budget2018 --to postgresql://db.kommune.dk:5432/budget
    """
    out = current_terminal()
    moved = Workspace(directory).migrate_ledger(url, schema)
    for table in moved.tables:
        out.echo(
            Text(
                "{table}: rows copied: {rows}; the checksums agree",
                table=table.table,
                rows=table.rows,
            )
        )
    out.echo(
        Text(
            "The ledger is now in {ledger}, as xlfollow.toml says; the ledger file is kept "
            "as {kept}.",
            ledger=str(moved.place),
            kept=moved.kept.name,
        )
    )
