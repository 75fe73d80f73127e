"""A real IMAP server for the tests: Debian's Dovecot, configured in a folder of its own
(a password file, maildirs, a self-signed certificate made here), listening on
127.0.0.1 only, started and stopped by the tests; messages put in with IMAP APPEND.

Dovecot runs its mail processes as an unprivileged user (never root): `nobody`, which
then owns the maildirs, in a folder others may pass through.
"""

from __future__ import annotations

import contextlib
import imaplib
import itertools
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

from xlfollow.mail.imapnames import quoted_folder
from xlfollow.model import Imap, Security

REQUIRE_VARIABLE = "XLFOLLOW_REQUIRE_DOVECOT"
"""Set to 1 (as CI does) to fail, not skip, where Dovecot is not installed."""
MAIL_USER = "nobody"
"""The system user Dovecot's mail processes run as, owner of the maildirs."""
_READY_SECONDS = 30
PLACES = ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot")
"""Where Dovecot is looked for when it is not on the PATH (sbin often is not)."""
PASSWORD = "rigtig-kode"
"""The password of every mailbox user but one."""
DANISH_USER, DANISH_PASSWORD = "okonomi-dk", "blåbærgrød"
"""A user whose password is not ASCII (Dovecot allows ASCII user names only)."""
_USERS = 200
"""The mailboxes the password file holds, made before Dovecot starts: Dovecot would
read a changed file anew only once its modification time changes, at a second's
granularity."""


@dataclass
class Dovecot:
    """A running Dovecot: its folder, ports (implicit TLS and STARTTLS) and certificate."""

    folder: Path
    tls_port: int
    starttls_port: int
    process: subprocess.Popen[bytes]
    users: dict[str, str] = field(default_factory=dict)
    unused: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def cafile(self) -> Path:
        """The self-signed certificate the server shows: the tests' only trusted one."""
        return self.folder / "cert.pem"

    def new_user(self) -> str:
        """A mailbox no test has used yet (each has the password PASSWORD)."""
        user = f"okonomi{next(self.unused)}"
        assert user in self.users, "more mailboxes used than the password file holds"
        return user

    def settings(self, user: str, **changes: object) -> Imap:
        """The [imap] settings of a user's mailbox here."""
        values: dict[str, object] = {
            "host": "127.0.0.1",
            "port": self.tls_port,
            "security": Security.TLS,
            "user": user,
        }
        values.update(changes)
        return Imap(**values)  # type: ignore[arg-type]

    @contextlib.contextmanager
    def client(self, user: str) -> Iterator[imaplib.IMAP4_SSL]:
        """A signed-in connection as a user, trusting the test certificate."""
        context = ssl.create_default_context(cafile=str(self.cafile))
        connection = imaplib.IMAP4_SSL("127.0.0.1", self.tls_port, ssl_context=context)
        try:
            connection.login(user, self.users[user])
            yield connection
        finally:
            connection.logout()

    def append(
        self, user: str, message: bytes, folder: str = "INBOX", when: datetime | None = None
    ) -> None:
        """Put a message into a user's folder (made if it is not there), as delivered
        at `when` (its INTERNALDATE, what SEARCH SINCE looks at)."""
        with self.client(user) as connection:
            if folder != "INBOX":
                connection.create(quoted_folder(folder))
            stamp = imaplib.Time2Internaldate((when or datetime.now()).timestamp())
            typ, data = connection.append(quoted_folder(folder), "", stamp, message)
            assert typ == "OK", data

    def message_ids(self, user: str, folder: str = "INBOX") -> list[str]:
        """The Message-IDs of the messages in a user's folder, in order, and whether the
        server still holds each (none marked deleted, none read: \\Seen not set)."""
        with self.client(user) as connection:
            typ, _ = connection.select(quoted_folder(folder), readonly=True)
            assert typ == "OK"
            typ, data = connection.uid(
                "FETCH", "1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])"
            )
            found = []
            for part in data:
                if isinstance(part, tuple):
                    assert b"\\Seen" not in part[0] and b"\\Deleted" not in part[0], part[0]
                    found.append(part[1].decode().split(":", 1)[1].strip())
            return found

    def stop(self) -> None:
        """Stop Dovecot and every process it started: its process group."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        # The children (login, auth, imap) leave with the master; any still there go.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)


def dovecot_binary() -> str:
    """Dovecot's path; a skip (or, with XLFOLLOW_REQUIRE_DOVECOT=1, a failure) without it."""
    found = shutil.which("dovecot") or next((p for p in PLACES if Path(p).is_file()), None)
    if found is not None and os.geteuid() == 0:
        return found
    why = (
        "Dovecot (apt-get install dovecot-imapd) is not installed"
        if found is None
        else "Dovecot here must be started as root (it drops to the user nobody)"
    )
    if os.environ.get(REQUIRE_VARIABLE) == "1":
        pytest.fail(f"{why}, and {REQUIRE_VARIABLE}=1 requires it")
    pytest.skip(f"{why}: the IMAP tests need a real server")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _certificate(folder: Path) -> None:
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"),
            "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip


def _oauth2(folder: Path, introspection: str | None) -> str:
    """The passdb that takes XOAUTH2 (Microsoft 365's sign-in) where an introspection URL
    is given: Dovecot asks it, with the token as Bearer, whose mailbox the token is."""
    if introspection is None:
        return ""
    (folder / "oauth2.conf.ext").write_text(
        f"introspection_mode = auth\nintrospection_url = {introspection}\n"
        "force_introspection = yes\nusername_attribute = email\n",
        encoding="utf-8",
    )
    return f"""
passdb {{
  driver = oauth2
  mechanisms = xoauth2
  args = {folder}/oauth2.conf.ext
}}
"""


def _configuration(
    folder: Path, tls_port: int, starttls_port: int, introspection: str | None = None
) -> str:
    mail = pwd.getpwnam(MAIL_USER)
    dh = Path("/usr/share/dovecot/dh.pem")
    mechanisms = "plain login" + (" xoauth2" if introspection else "")
    return f"""
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{folder}/cert.pem
ssl_key = <{folder}/key.pem
{f"ssl_dh = <{dh}" if dh.is_file() else ""}
disable_plaintext_auth = yes
auth_mechanisms = {mechanisms}
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = {mail.pw_uid}
last_valid_uid = {mail.pw_uid}
mail_location = maildir:{folder}/mail/%u
namespace inbox {{
  inbox = yes
  separator = /
}}
passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u {folder}/passwd
}}
{_oauth2(folder, introspection)}
userdb {{
  driver = passwd-file
  args = username_format=%u {folder}/passwd
}}
service imap-login {{
  inet_listener imap {{
    port = {starttls_port}
  }}
  inet_listener imaps {{
    port = {tls_port}
    ssl = yes
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


@contextlib.contextmanager
def running_dovecot(introspection: str | None = None) -> Iterator[Dovecot]:
    """A Dovecot of the tests' own, stopped after (also when a test fails); with an
    introspection URL, one that takes XOAUTH2 tokens that URL vouches for."""
    binary = dovecot_binary()
    folder = Path(tempfile.mkdtemp(prefix="xlfollow-dovecot-"))
    try:
        folder.chmod(0o755)  # the mail processes, as nobody, pass through to their maildir
        mail = pwd.getpwnam(MAIL_USER)
        for name in ("mail", "home"):
            (folder / name).mkdir()
            os.chown(folder / name, mail.pw_uid, mail.pw_gid)
        _certificate(folder)
        users = {f"okonomi{n}": PASSWORD for n in range(1, _USERS + 1)}
        users[DANISH_USER] = DANISH_PASSWORD
        # user:password:uid:gid:(gecos):home:(shell): the mail processes run as nobody.
        lines = [
            f"{name}:{{PLAIN}}{secret}:{mail.pw_uid}:{mail.pw_gid}::{folder}/home/{name}::"
            for name, secret in users.items()
        ]
        (folder / "passwd").write_text("\n".join(lines) + "\n", encoding="utf-8")
        tls_port, starttls_port = _free_port(), _free_port()
        conf = folder / "dovecot.conf"
        conf.write_text(
            _configuration(folder, tls_port, starttls_port, introspection), encoding="utf-8"
        )
        process = subprocess.Popen(
            [binary, "-F", "-c", str(conf)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=(folder / "stderr.log").open("wb"),
            start_new_session=True,
        )
        server = Dovecot(folder, tls_port, starttls_port, process, users)
        try:
            _wait_until_answering(server)
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _wait_until_answering(server: Dovecot) -> None:
    deadline = time.monotonic() + _READY_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            with socket.create_connection(("127.0.0.1", server.tls_port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    said = "\n".join(
        (server.folder / name).read_text(errors="replace")
        for name in ("stderr.log", "dovecot.log")
        if (server.folder / name).is_file()
    )
    pytest.fail(f"Dovecot did not start on 127.0.0.1:{server.tls_port}:\n{said}")
