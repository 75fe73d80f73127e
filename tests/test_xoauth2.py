"""SASL XOAUTH2: its string, SMTP's refusal of a token sent unencrypted, and IMAP's
AUTHENTICATE XOAUTH2 against a server on the loopback interface."""

from __future__ import annotations

import base64
import imaplib
import socketserver
import threading
from collections.abc import Iterator
from typing import ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlfollow.errors import WorkspaceError
from xlfollow.ledger.dialect import Engine
from xlfollow.mail.letters import send_letters
from xlfollow.mail.xoauth2 import imap_xoauth2, xoauth2_string
from xlfollow.model import Security, Smtp

LEDGER_ENGINES = (Engine.SQLITE,)
"""SASL XOAUTH2 against servers: no ledger is opened here."""

# XOAUTH2 ------------------------------------------------------------------------------


@given(
    st.emails(),
    st.text(
        alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/=", min_size=1
    ),
)
def test_the_xoauth2_string_holds_the_user_and_the_token_apart(user: str, token: str) -> None:
    user_part, auth_part, *rest = xoauth2_string(user, token).split("\x01")
    assert (user_part, auth_part, rest) == (f"user={user}", f"auth=Bearer {token}", ["", ""])


class _Imap(socketserver.StreamRequestHandler):
    """Just enough IMAP for AUTHENTICATE XOAUTH2: one user and token taken, others
    given the error challenge and NO."""

    expected = base64.b64encode(xoauth2_string("budget@ballerup.dk", "imap-token").encode())
    seen: ClassVar[list[bytes]] = []

    def handle(self) -> None:
        self.wfile.write(b"* OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2] ready\r\n")
        while line := self.rfile.readline():
            tag, command, *_ = [*line.decode().split(), ""]
            if command.upper() == "AUTHENTICATE":
                self.wfile.write(b"+ \r\n")
                answer = self.rfile.readline().strip()
                self.seen.append(answer)
                if answer == self.expected:
                    self.wfile.write(f"{tag} OK AUTHENTICATE completed.\r\n".encode())
                    continue
                error = base64.b64encode(b'{"status":"401","schemes":"bearer"}')
                self.wfile.write(b"+ " + error + b"\r\n")
                self.seen.append(self.rfile.readline().strip())
                self.wfile.write(f"{tag} NO AUTHENTICATE failed.\r\n".encode())
            elif command.upper() == "LOGOUT":
                self.wfile.write(f"* BYE\r\n{tag} OK LOGOUT completed.\r\n".encode())
                return
            else:
                self.wfile.write(f"{tag} OK done\r\n".encode())


@pytest.fixture
def imap_port() -> Iterator[int]:
    _Imap.seen = []
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Imap) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield int(server.server_address[1])
        finally:
            server.shutdown()
            thread.join()


def test_imap_signs_in_with_xoauth2_and_a_refusal_is_said(imap_port: int) -> None:
    connection = imaplib.IMAP4("127.0.0.1", imap_port, timeout=10)
    try:
        imap_xoauth2(connection, "budget@ballerup.dk", "imap-token")
        assert connection.state == "AUTH"
    finally:
        connection.logout()
    connection = imaplib.IMAP4("127.0.0.1", imap_port, timeout=10)
    try:
        with pytest.raises(WorkspaceError) as refused:
            imap_xoauth2(connection, "budget@ballerup.dk", "stale")
    finally:
        connection.logout()
    said = str(refused.value)
    assert said.startswith(
        "the mail server refused the Microsoft 365 sign-in of budget@ballerup.dk"
    )
    assert "AUTHENTICATE failed." in said and "(status 401, schemes bearer)" in said
    assert _Imap.seen[0] == _Imap.expected and _Imap.seen[-1] == b""


def test_a_token_never_goes_unencrypted_to_another_machine() -> None:
    asked: list[bool] = []

    def token() -> str:
        asked.append(True)
        return "token"

    smtp = Smtp("smtp.office365.com", 25, Security.NONE, "", "oekonomi@ballerup.dk")
    with pytest.raises(WorkspaceError, match="a Microsoft 365 sign-in is never sent unencrypted"):
        next(send_letters(smtp, [], token))
    assert asked == []
