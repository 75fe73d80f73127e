"""The mailbox the centres' replies come to, over IMAP: connect (TLS, or STARTTLS),
sign in, open a folder, list what came since a day, fetch a message whole without
marking it read, and move it to another folder. Nothing is ever deleted.

The password is never read from the settings: it comes from the environment variable
XLFOLLOW_IMAP_PASSWORD, or from the system keyring where the `keyring` package is
installed; or, with `[mail] auth = "oauth2"`, the sign-in is Microsoft 365's (SASL
XOAUTH2, with a token from tokens.py). Signing in goes through one function,
`imap_login`.
"""

from __future__ import annotations

import contextlib
import email.errors
import imaplib
import re
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from email.parser import BytesHeaderParser
from email.policy import default
from types import TracebackType
from typing import Any, Self

from xlfollow.errors import WorkspaceError
from xlfollow.mail.imapnames import folder_from_list, quoted_folder
from xlfollow.mail.xoauth2 import imap_xoauth2
from xlfollow.messages import Text
from xlfollow.model import Imap, Security
from xlfollow.secrets import secret

__all__ = [
    "IMAP_PASSWORD_VARIABLE",
    "Listed",
    "Mailbox",
    "imap_login",
    "imap_password",
    "imap_search_date",
]

IMAP_PASSWORD_VARIABLE = "XLFOLLOW_IMAP_PASSWORD"
TIMEOUT = 60
"""Seconds to wait for the server at any step before saying it is gone."""
_CHUNK = 200
"""How many messages' headers are asked for at once."""
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")
_CANNOT_READ = (email.errors.MessageError, ValueError, LookupError, TypeError, AttributeError)
"""What the standard library raises on a header it cannot take apart."""
_FAILURES = (imaplib.IMAP4.error, OSError, EOFError)
"""What imaplib raises when the server refuses, or the connection fails or is cut."""


@dataclass(frozen=True)
class Listed:
    """A message in the folder, before it is fetched: its UID, size and headers."""

    uid: int
    size: int
    message_id: str
    sender: str = ""
    date: str = ""
    subject: str = ""


def imap_password(imap: Imap) -> str:
    """The mailbox's password: from the environment, else the keyring, else ''."""
    return secret(IMAP_PASSWORD_VARIABLE, f"{imap.user}@{imap.host}" if imap.user else "")


def imap_login(
    connection: imaplib.IMAP4, imap: Imap, secret: str, token: str | None = None
) -> None:
    """Sign in to the mailbox: the one place a sign-in is chosen. With an OAuth 2.0
    access token (Microsoft 365), SASL XOAUTH2, and WorkspaceError if the server refuses
    it; else the password, and imaplib.IMAP4.error if the server refuses it."""
    if token is not None:
        imap_xoauth2(connection, imap.user, token)
        return
    if (imap.user + secret).isascii():
        connection.login(imap.user, secret)
        return
    # LOGIN is ASCII only; SASL PLAIN carries UTF-8 (RFC 4616): a password with æ, ø, å.
    plain = f"\0{imap.user}\0{secret}".encode()
    connection.authenticate("PLAIN", lambda _: plain)


def imap_search_date(day: date) -> str:
    """A day as IMAP's SEARCH SINCE writes it (9-Apr-2018), in English whatever the locale."""
    return f"{day.day}-{_MONTHS[day.month - 1]}-{day.year}"


class Mailbox:
    """An open folder of the mailbox. Use it in a `with` block: it signs out after."""

    def __init__(
        self,
        imap: Imap,
        folder: str,
        *,
        writable: bool,
        token: Callable[[], str] | None = None,
    ) -> None:
        """`token`, where the settings sign in with Microsoft 365, gives an access token
        for IMAP; without it the sign-in is the password."""
        self.imap = imap
        self.folder = folder
        self.server = f"{imap.user}@{imap.host}"
        self._there: set[str] = set()
        """Folders known to be there, so a move asks no more than once."""
        _check_named(imap)
        # The token before the connection: a sign-in with a code can take minutes.
        access = None if token is None else token()
        secret = _secret(imap) if access is None else ""
        self.connection = _connected(imap)
        try:
            imap_login(self.connection, imap, secret, access)
        except WorkspaceError:
            self.close()
            raise
        except _FAILURES as exc:
            self.close()
            raise WorkspaceError(
                Text(
                    "the mail server {host} refused the sign-in of {user}: {why}; check user "
                    "under [imap] in xlfollow.toml, and the password in the environment "
                    "variable {variable} (or the system keyring)",
                    host=imap.host,
                    user=imap.user,
                    why=_why(exc),
                    variable=IMAP_PASSWORD_VARIABLE,
                )
            ) from exc
        try:
            self.capabilities = self._capabilities()
            """What the server can do, as it says once signed in (MOVE, UIDPLUS)."""
            self.uidvalidity = self._select(writable)
        except WorkspaceError:
            self.close()
            raise

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Sign out, or at least close the connection."""
        try:
            self.connection.logout()
        except _FAILURES:
            with contextlib.suppress(OSError):
                self.connection.shutdown()

    def _select(self, writable: bool) -> int:
        typ, _ = self._call(self.connection.select, quoted_folder(self.folder), not writable)
        if typ != "OK":
            raise WorkspaceError(
                Text(
                    'the mailbox {server} has no folder "{folder}"; its folders are: {folders}. '
                    "Give one of them as folder under [imap] in xlfollow.toml, or --folder",
                    server=self.server,
                    folder=self.folder,
                    folders=", ".join(self.folders()) or "-",
                )
            )
        found = self.connection.untagged_responses.get("UIDVALIDITY", [b"0"])
        last = found[-1]
        return int(last) if isinstance(last, bytes) and last.isdigit() else 0

    def _capabilities(self) -> set[str]:
        # Asked again: imaplib keeps those said before sign-in, where MOVE may not be.
        typ, data = self._call(self.connection.capability)
        said = b" ".join(d for d in data if isinstance(d, bytes)) if typ == "OK" else b""
        return {c.upper() for c in said.decode(errors="replace").split()} | {
            c.upper() for c in self.connection.capabilities
        }

    def folders(self) -> list[str]:
        """The folders of the mailbox, as the mail program names them."""
        typ, lines = self._call(self.connection.list)
        names = [folder_from_list(line) for line in lines if isinstance(line, bytes)]
        return sorted(name for name in names if name is not None) if typ == "OK" else []

    def since(self, day: date | None) -> list[int]:
        """The UIDs of the folder's messages that came on or after a day (all without one)."""
        criteria = ("ALL",) if day is None else ("SINCE", imap_search_date(day))
        typ, data = self._call(self.connection.uid, "SEARCH", *criteria)
        self._ok(typ, data)
        return sorted(int(uid) for uid in (data[0] or b"").split())

    def listed(self, uids: list[int]) -> Iterator[Listed]:
        """Each message's size, Message-ID, From, Date and Subject, without fetching it."""
        for start in range(0, len(uids), _CHUNK):
            chunk = ",".join(str(uid) for uid in uids[start : start + _CHUNK])
            what = "(UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID FROM DATE SUBJECT)])"
            typ, data = self._call(self.connection.uid, "FETCH", chunk, what)
            self._ok(typ, data)
            for part in data:
                # A message's headers come as a literal (a tuple); none of them, as "".
                line, headers = part if isinstance(part, tuple) else (part, b"")
                if not isinstance(line, bytes):
                    continue
                uid, size = _UID.search(line), _SIZE.search(line)
                if uid is None or size is None:
                    continue
                yield Listed(int(uid.group(1)), int(size.group(1)), *_headers(headers))

    def fetch(self, uid: int) -> bytes:
        """A message whole, as the server keeps it, without marking it read."""
        typ, data = self._call(self.connection.uid, "FETCH", str(uid), "(BODY.PEEK[])")
        self._ok(typ, data)
        for part in data:
            if isinstance(part, tuple) and _UID.search(part[0]):
                return bytes(part[1])
        raise WorkspaceError(
            Text(
                "the mail server {host} gave no message {uid} in {folder}; fetch again",
                host=self.imap.host,
                uid=uid,
                folder=self.folder,
            )
        )

    def move(self, uid: int, folder: str) -> bool:
        """Move a message to another folder (made if it is not there): UID MOVE where the
        server can, else a copy and the original marked deleted and expunged, that UID
        only. False if the server can only copy it (no UIDPLUS): the original stays."""
        target = quoted_folder(folder)
        if folder not in self._there:
            if folder not in self.folders():
                self._call(self.connection.create, target)
            self._there.add(folder)
        if "MOVE" in self.capabilities:
            self._ok(*self._call(self.connection.uid, "MOVE", str(uid), target))
            return True
        self._ok(*self._call(self.connection.uid, "COPY", str(uid), target))
        if "UIDPLUS" not in self.capabilities:
            return False  # an EXPUNGE would remove every message marked deleted
        flag = ("+FLAGS.SILENT", r"(\Deleted)")
        self._ok(*self._call(self.connection.uid, "STORE", str(uid), *flag))
        self._ok(*self._call(self.connection.uid, "EXPUNGE", str(uid)))
        return True

    def _call(self, step: Callable[..., Any], *args: Any) -> tuple[str, list[Any]]:
        """A command to the server; WorkspaceError, naming the server, if it fails."""
        try:
            typ, data = step(*args)
        except _FAILURES as exc:
            raise WorkspaceError(
                Text(
                    "the mail server {host} stopped answering ({why}); nothing is lost: "
                    "fetch again",
                    host=self.imap.host,
                    why=_why(exc),
                )
            ) from exc
        return str(typ), list(data)

    def _ok(self, typ: str, data: list[Any]) -> None:
        if typ != "OK":
            said = b" ".join(d for d in data if isinstance(d, bytes)).decode(errors="replace")
            raise WorkspaceError(
                Text(
                    "the mail server {host} refused: {why}; fetch again, or tell IT",
                    host=self.imap.host,
                    why=said or typ,
                )
            )


def _headers(data: bytes) -> tuple[str, str, str, str]:
    """A message's Message-ID, From, Date and Subject, as one line each; '' for a header
    the standard library cannot read (a sender's malformed one is no reason to stop)."""
    found = []
    headers = BytesHeaderParser(policy=default).parsebytes(data)
    for name in ("Message-ID", "From", "Date", "Subject"):
        try:
            found.append(" ".join(str(headers.get(name, "")).split()))
        except _CANNOT_READ:
            found.append("")
    return found[0], found[1], found[2], found[3]


def _check_named(imap: Imap) -> None:
    """WorkspaceError unless the settings name a server and a user."""
    if not imap.host or not imap.user:
        raise WorkspaceError(
            Text("no mailbox to fetch from: give host and user under [imap] in xlfollow.toml")
        )


def _secret(imap: Imap) -> str:
    """The password, from the environment or the keyring."""
    secret = imap_password(imap)
    if not secret:
        raise WorkspaceError(
            Text(
                "the mailbox {user} at {host} wants a password: set the environment variable "
                "{variable} (it is never read from xlfollow.toml)",
                user=imap.user,
                host=imap.host,
                variable=IMAP_PASSWORD_VARIABLE,
            )
        )
    return secret


def _connected(imap: Imap) -> imaplib.IMAP4:
    """A connection to the mail server, secured as the settings say."""
    port = imap.port_or_default
    try:
        if imap.security is Security.TLS:
            context = ssl.create_default_context()
            return imaplib.IMAP4_SSL(imap.host, port, ssl_context=context, timeout=TIMEOUT)
        connection = imaplib.IMAP4(imap.host, port, timeout=TIMEOUT)
        if imap.security is Security.STARTTLS:
            try:
                connection.starttls(ssl_context=ssl.create_default_context())
            except _FAILURES:
                connection.shutdown()
                raise
        return connection
    except _FAILURES as exc:
        raise WorkspaceError(
            Text(
                "cannot reach the mailbox at {host}:{port} ({security}): {why}; check host, "
                "port and security under [imap] in xlfollow.toml",
                host=imap.host,
                port=port,
                security=imap.security.value,
                why=_why(exc),
            )
        ) from exc


def _why(exc: BaseException) -> str:
    """An imaplib or socket error in words: the server's reply, not its bytes' repr."""
    said = exc.args[0] if exc.args else ""
    if isinstance(said, bytes):
        said = said.decode(errors="replace")
    text = str(said) or type(exc).__name__
    if text.startswith("b'") or text.startswith('b"'):
        text = text[2:-1]
    return text if isinstance(exc, imaplib.IMAP4.error) else str(exc) or text
