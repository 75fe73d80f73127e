"""Time merging returned workbooks into a ledger on SQLite and on PostgreSQL.

    python benchmarks/ledger_engines.py [--files N] [--repeat K]

The synthetic agreement of merge_returns.py (5,000 items, 200 centres) is issued
(round 1) twice: once with its ledger in ledger.sqlite, once in a schema of a
PostgreSQL 15 server started for the run on 127.0.0.1 (tests/pgserver.py, with
fsync on and synchronous_commit on, as a real server has them; the rest of its
settings PostgreSQL's defaults). Every centre's workbook comes back with an
answer in each answer cell of its own items. Timed, best of --repeat runs (1),
each from a fresh copy of the workspace (on PostgreSQL a copy of the database):
`Workspace.merge` of the N files without writing the master (as merge_returns.py's
"merge" step), so reading, scanning, checking and recording each file in its own
transaction, the advisory lock (PostgreSQL) or the file lock taken, and the
agreement loaded. The master is left out: it is written from the ledger the same
way whichever engine keeps it.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
from issue_round import synthetic, workspace_for
from kill_merge import copy_workspace
from merge_returns import returned_files
from pgserver import running_postgres

from xlfollow.definition.agreementwriter import write_agreement
from xlfollow.definition.settingswriter import settings_template
from xlfollow.workspace.folder import Workspace

SCHEMA = "engines"
"""The workspace's schema, whatever its copies' folders are called."""


def postgres_workspace(root: Path, url: str) -> Workspace:
    """The synthetic agreement in a new workspace whose ledger is on the server."""
    agreement = synthetic(5000, 200)
    workspace = Workspace.init(root, ledger=url)
    write_agreement(agreement, workspace.path / "agreement.yaml")
    workspace.settings_path.write_text(
        f'ledger = "{url}"\nledger_schema = "{SCHEMA}"\n' + settings_template(agreement),
        encoding="utf-8",
    )
    return workspace


def best(template: Path, scratch: Path, paths: list[Path], engine: str, repeat: int) -> float:
    """The fewest seconds of `repeat` merges of the files, each into a new copy of the
    workspace (and of its database), the master not written."""
    times = []
    for n in range(repeat):
        copy = scratch / f"{engine}{n}"
        copy_workspace(template, copy)
        workspace = Workspace(copy)
        start = time.perf_counter()
        with mock.patch.object(Workspace, "_write_master", return_value=None):
            report = workspace.merge(paths)
        times.append(time.perf_counter() - start)
        assert [f.verdict for f in report.files] == ["accepted"] * len(paths)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="xlfollow-engines-bench-"))
    try:
        sqlite = workspace_for(scratch / "sqlite", synthetic(5000, 200))
        sqlite.issue("1")
        paths = returned_files(sqlite, scratch / "returns-sqlite", args.files)
        sqlite_time = best(sqlite.path, scratch, paths, "sqlite", args.repeat)
        with running_postgres(fsync=True) as server:
            url = server.url(server.new_database())
            postgres = postgres_workspace(scratch / SCHEMA, url)
            postgres.issue("1")
            pg_paths = returned_files(postgres, scratch / "returns-postgres", args.files)
            pg_time = best(postgres.path, scratch, pg_paths, "postgres", args.repeat)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(
        f"merging {len(paths)} returned workbooks (5,000 items, 200 centres), best of {args.repeat}"
    )
    print("| ledger | seconds | per file (s) |")
    print("| --- | --- | --- |")
    for name, seconds, count in (
        ("SQLite (WAL, synchronous FULL)", sqlite_time, len(paths)),
        ("PostgreSQL 15 (127.0.0.1, fsync on)", pg_time, len(pg_paths)),
    ):
        print(f"| {name} | {seconds:.2f} | {seconds / count:.3f} |")


if __name__ == "__main__":
    main()
