"""Microsoft 365 sign-in for the mailbox, end to end short of Microsoft itself: `fetch`
signs in to a real Dovecot with SASL XOAUTH2, Dovecot asking a token service of the
test's own (as Microsoft's would be asked) whose mailbox the token is; then the
receipts of the merge go through an SMTP server that takes XOAUTH2, with a token from
the same sign-in. Only MSAL's application object is replaced."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator, Mapping
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import copied, ledger_answers, ledger_tables, round_one_issued
from imapserver import Dovecot, running_dovecot
from oauthfakes import FakeApplication, oauth_server, signed_in
from returns import R1, SMILEY, fill

from xlfollow.answers import Field
from xlfollow.cli.main import cli
from xlfollow.mail import tokens
from xlfollow.model import MailSignIn
from xlfollow.workspace.folder import Workspace

TENANT = "ballerup.dk"
CLIENT = "8d2e1f4a-0c3b-4e5f-9a6b-7c8d9e0f1a2b"
TOKEN = "eyJ0eXAiOiJKV1QiLCJub25jZSI6ImFwcC10b2tlbiJ9.mailbox"
SOS = "03-social-og-sundhed-runde-1.xlsx"
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


class TokenService:
    """What Dovecot asks whose mailbox a token is (as it would ask Microsoft Graph's
    /me): one token is good, for `mailbox` (or, with none set, for another person's
    mailbox); every question is kept."""

    def __init__(self) -> None:
        self.mailbox = ""
        self.asked: list[str] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                said = self.headers.get("Authorization", "")
                service.asked.append(said)
                good = said == f"Bearer {TOKEN}"
                mailbox = service.mailbox or "someone.else@ballerup.dk"
                body = json.dumps({"email": mailbox} if good else {"error": "invalid_token"})
                self.send_response(200 if good else 401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body.encode())))
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/me"


@pytest.fixture(scope="module")
def token_service() -> Iterator[TokenService]:
    service = TokenService()
    thread = threading.Thread(target=service.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield service
    finally:
        service.server.shutdown()
        service.server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def dovecot_oauth(token_service: TokenService) -> Iterator[Dovecot]:
    """A Dovecot that takes XOAUTH2 tokens the token service vouches for."""
    with running_dovecot(token_service.url) as server:
        yield server


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return round_one_issued(tmp_path_factory)


@pytest.fixture
def signed_in_app(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> list[tuple[str, tuple[str, ...]]]:
    """MSAL replaced: the app registered by IT gets TOKEN for any scope (client
    credentials); the calls it was asked, in order."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setitem(sys.modules, "keyring", None)  # no system keyring
    monkeypatch.setenv("XLFOLLOW_CLIENT_SECRET", "app-secret")
    monkeypatch.delenv("XLFOLLOW_IMAP_PASSWORD", raising=False)
    calls: list[tuple[str, tuple[str, ...]]] = []
    results: Mapping[str, Mapping[str, Any]] = {"client": signed_in(TOKEN)}

    def application(signin: MailSignIn, cache: Any, secret: str) -> FakeApplication:
        assert (signin.tenant, signin.client_id, secret) == (TENANT, CLIENT, "app-secret")
        app = FakeApplication(cache, results)
        app.calls = calls
        return app

    monkeypatch.setattr(tokens, "_application", application)
    return calls


def reply(workbook: bytes) -> bytes:
    message = EmailMessage()
    message["From"] = "Social og Sundhed <sos@ballerup.dk>"
    message["To"] = "budget@ballerup.dk"
    message["Subject"] = "SV: Aftale om budget 2018"
    message["Date"] = "Mon, 09 Apr 2018 10:15:00 +0200"
    message["Message-ID"] = "<sos-oauth-1@ballerup.dk>"
    message.set_content("Hermed vores svar.")
    message.add_attachment(workbook, *XLSX, filename=SOS)
    return bytes(message)


def oauth_workspace(issued: Workspace, folder: Path, dovecot: Dovecot, user: str) -> Workspace:
    ws = copied(issued, folder)
    with (ws.path / "xlfollow.toml").open("a", encoding="utf-8") as settings:
        settings.write(
            f'\n[imap]\nhost = "127.0.0.1"\nport = {dovecot.tls_port}\nuser = "{user}"\n'
            f'\n[mail]\nauth = "oauth2"\nflow = "app"\ntenant = "{TENANT}"\n'
            f'client_id = "{CLIENT}"\nreceipts = "smtp"\n'
        )
    return ws


def test_fetch_signs_in_with_xoauth2_and_its_receipts_go_the_same_way(
    issued: Workspace,
    tmp_path: Path,
    dovecot_oauth: Dovecot,
    token_service: TokenService,
    signed_in_app: list[tuple[str, tuple[str, ...]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = dovecot_oauth.new_user()
    token_service.mailbox = user
    token_service.asked.clear()  # the module's service: what this test's fetch asks only
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot_oauth.cafile))
    outbox = issued.path / "outbox" / "round-1"
    filled = fill(outbox / SOS, tmp_path / SOS, {("3.01", SMILEY): "😊 Opfyldt"})
    dovecot_oauth.append(user, reply(filled.read_bytes()))
    ws = oauth_workspace(issued, tmp_path, dovecot_oauth, user)
    with oauth_server(user, TOKEN) as (smtp, port):
        with (ws.path / "xlfollow.toml").open("a", encoding="utf-8") as settings:
            settings.write(
                f'\n[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
                f'user = "{user}"\nsender = "budget@ballerup.dk"\n'
            )
        result = CliRunner().invoke(cli, ["fetch", str(ws.path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    (message,) = report["messages"]
    assert message["outcome"] == "saved"
    assert [f["verdict"] for f in report["merge"]["files"]] == ["accepted"]
    assert ledger_answers(ws)[(R1, "3.01", Field.MILESTONE)] == "met"
    # Dovecot asked the token service about exactly the app's token.
    assert token_service.asked == [f"Bearer {TOKEN}"]
    # The app signed in by its client credentials, for IMAP and then SMTP.
    assert [call for call, _ in signed_in_app] == ["client", "client"]
    # The receipt went to the reply's sender through XOAUTH2 with the same token.
    assert smtp.tried == [f"user={user}\x01auth=Bearer {TOKEN}\x01\x01"]
    ((to, content),) = smtp.received
    assert to == ["sos@ballerup.dk"]
    receipt = BytesParser(policy=policy.default).parsebytes(content)
    assert SOS in str(receipt["Subject"])
    assert report["receipts"]["how"] == "smtp"
    assert len(report["receipts"]["done"]) == 1


def test_a_token_the_mailbox_refuses_is_said_with_what_to_do(
    issued: Workspace,
    tmp_path: Path,
    dovecot_oauth: Dovecot,
    token_service: TokenService,
    signed_in_app: list[tuple[str, tuple[str, ...]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = dovecot_oauth.new_user()
    token_service.mailbox = ""  # the token is another person's: the mailbox refuses it
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot_oauth.cafile))
    dovecot_oauth.append(user, reply(b"PK"))
    ws = oauth_workspace(issued, tmp_path, dovecot_oauth, user)
    before = ledger_tables(ws)
    result = CliRunner().invoke(cli, ["--language", "en", "fetch", str(ws.path)])
    assert result.exit_code == 1, result.output
    assert "refused the Microsoft 365 sign-in of " + user in result.output
    assert "IMAP.AccessAsUser.All" in result.output
    assert "Traceback" not in result.output
    assert ledger_tables(ws) == before
    assert not list((ws.path / "inbox").glob("*.eml"))
