"""A throwaway PostgreSQL cluster of the tests' own: made with initdb in a temporary
folder, run as the unprivileged user nobody (initdb and postgres refuse root), on
127.0.0.1 and a free port only, trusting connections from there; stopped after, its
whole process group, with nothing left running."""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

__all__ = ["PostgresServer", "copy_database", "postgres_binaries", "running_postgres"]

REQUIRE_VARIABLE = "XLFOLLOW_REQUIRE_POSTGRESQL"
"""Set to 1 (as CI does) to fail, not skip, where PostgreSQL is not installed."""
BIN = Path("/usr/lib/postgresql/15/bin")
USER = "nobody"


@dataclass
class PostgresServer:
    """A running cluster: its port, process, and a counter for fresh databases."""

    folder: Path
    port: int
    process: subprocess.Popen[bytes]
    numbers: Iterator[int] = field(default_factory=itertools.count)

    def url(self, database: str = "postgres") -> str:
        """The address of a database on this server (the superuser nobody, trusted)."""
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A new, empty database of the test's own; its name."""
        import psycopg

        name = f"ledger{next(self.numbers)}"
        with psycopg.connect(self.url(), autocommit=True) as db:
            db.execute(f"CREATE DATABASE {name}")
        return name

    def drop_databases(self) -> None:
        """Drop every database the tests made (connections to them ended): each is a
        copy of template1, some 8 MB, and a full run makes hundreds."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as db:
            names = [
                name
                for (name,) in db.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE 'ledger%%'"
                )
            ]
            for name in names:
                db.execute(f"DROP DATABASE {name} WITH (FORCE)")

    def stop(self) -> None:
        """Stop the postmaster and every backend: its process group."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGINT)  # fast shutdown: sessions ended
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def add_user(self, name: str, password: str) -> None:
        """A user who signs in with a password, allowed to do anything."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as db:
            db.execute(f"CREATE USER {name} SUPERUSER PASSWORD '{password}'")

    def end_connections(self, database: str) -> None:
        """End every connection to a database, as a server restarting would."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as db:
            db.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (database,),
            )


_copies = itertools.count()


def copy_database(url: str) -> str:
    """A copy of the database at `url` (nobody connected to it), in a new database of
    the same server; its address."""
    import psycopg

    base, _, name = url.rpartition("/")
    copy = f"{name}_copy{next(_copies)}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as db:
        db.execute(f"CREATE DATABASE {copy} TEMPLATE {name}")
    return f"{base}/{copy}"


def postgres_binaries() -> Path:
    """PostgreSQL 15's binaries; a skip (or, with XLFOLLOW_REQUIRE_POSTGRESQL=1, a
    failure) without them."""
    if (BIN / "initdb").is_file() and (BIN / "postgres").is_file():
        try:
            import psycopg  # noqa: F401
        except ImportError:
            why = "psycopg is not installed (pip install 'xlfollow[postgresql]')"
        else:
            return BIN
    else:
        why = "PostgreSQL 15 (apt-get install postgresql-15) is not installed"
    if os.environ.get(REQUIRE_VARIABLE) == "1":
        pytest.fail(f"{why}, and {REQUIRE_VARIABLE}=1 requires it")
    pytest.skip(f"{why}: the PostgreSQL ledger's tests need a real server")


def _as_user() -> list[str]:
    """How to run the server's programs: as nobody when the tests run as root."""
    return ["runuser", "-u", USER, "--"] if os.geteuid() == 0 else []


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_postgres(fsync: bool = False) -> Iterator[PostgresServer]:
    """A cluster of the tests' own, stopped after (also when a test fails); without
    fsync unless asked (benchmarks/ledger_engines.py asks, as a real server has it)."""
    binaries = postgres_binaries()
    folder = Path(tempfile.mkdtemp(prefix="xlfollow-postgres-"))
    try:
        data, sockets = folder / "data", folder / "sockets"
        for made in (data, sockets):
            made.mkdir()
        if os.geteuid() == 0:
            user = pwd.getpwnam(USER)
            folder.chmod(0o755)
            for made in (data, sockets):
                os.chown(made, user.pw_uid, user.pw_gid)
        prefix = _as_user()
        username = USER if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
        subprocess.run(
            [*prefix, str(binaries / "initdb"), "-D", str(data), "-U", username,
             "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"],
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        # The tests' own user is trusted; any other gives its password (the tests of a
        # wrong one).
        (data / "pg_hba.conf").write_text(
            f"local all all trust\nhost all {username} 127.0.0.1/32 trust\n"
            "host all all 127.0.0.1/32 scram-sha-256\n",
            encoding="utf-8",
        )
        port = _free_port()
        process = subprocess.Popen(
            [*prefix, str(binaries / "postgres"), "-D", str(data),
             "-c", "listen_addresses=127.0.0.1", "-c", f"port={port}",
             "-k", str(sockets), "-c", f"fsync={'on' if fsync else 'off'}",
             "-c", "logging_collector=off"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=(folder / "server.log").open("wb"),
            start_new_session=True,
        )  # fmt: skip
        server = PostgresServer(folder, port, process)
        try:
            _wait_until_answering(server)
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _wait_until_answering(server: PostgresServer) -> None:
    import psycopg

    for _ in range(300):
        if server.process.poll() is not None:
            log = (server.folder / "server.log").read_text(errors="replace")
            pytest.fail(f"PostgreSQL did not start:\n{log}")
        try:
            with psycopg.connect(server.url(), connect_timeout=2):
                return
        except psycopg.OperationalError:
            time.sleep(0.1)
    pytest.fail("PostgreSQL did not answer within 30 s")
