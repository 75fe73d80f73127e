"""Microsoft 365 sign-in end to end: `xlfollow signin`, then `send --smtp` signing in
to a real SMTP server with XOAUTH2, MSAL's acquisition alone replaced; the token kept
for the user, never in the workspace."""

from __future__ import annotations

import stat
import sys
from collections.abc import Mapping
from dataclasses import replace
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from oauthfakes import SCOPE_ERROR, FakeApplication, oauth_server, signed_in

from xlfollow.cli.main import cli
from xlfollow.ledger.store import Ledger
from xlfollow.mail import tokens
from xlfollow.mail.letters import Delivery
from xlfollow.mail.tokencache import cache_file
from xlfollow.model import MailSignIn, Security, SignInFlow, SignInMethod, Smtp
from xlfollow.workspace.folder import Workspace

TENANT = "ballerup.dk"
CLIENT = "8d2e1f4a-0c3b-4e5f-9a6b-7c8d9e0f1a2b"
MAILBOX = "oekonomi@ballerup.dk"
SMTP_SEND = ("https://outlook.office.com/SMTP.Send",)
BOTH = (*SMTP_SEND, "https://outlook.office.com/IMAP.AccessAsUser.All")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's configuration folder in tmp, and no system keyring."""
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setitem(sys.modules, "keyring", None)  # `import keyring` fails
    return config / "xlfollow"


def workspace_with(path: Path, mail: str) -> Workspace:
    """The small example with round 1 issued, and a [mail] table."""
    workspace = Workspace.init(path)
    workspace.issue("1")
    settings = workspace.path / "xlfollow.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + mail, encoding="utf-8")
    return workspace


OAUTH = f'\n[mail]\nauth = "oauth2"\ntenant = "{TENANT}"\nclient_id = "{CLIENT}"\n'


class Microsoft:
    """MSAL's application objects replaced: each made with the real token cache, each
    answering from `results`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.results: dict[str, Mapping[str, Any]] = {}
        self.apps: list[FakeApplication] = []
        self.secrets: list[str] = []
        monkeypatch.setattr(tokens, "_application", self.application)

    def application(self, signin: MailSignIn, cache: Any, secret: str) -> FakeApplication:
        assert (signin.tenant, signin.client_id) == (TENANT, CLIENT)
        self.secrets.append(secret)
        self.apps.append(FakeApplication(cache, self.results))
        return self.apps[-1]

    @property
    def calls(self) -> list[tuple[str, tuple[str, ...]]]:
        return [call for app in self.apps for call in app.calls]


@pytest.fixture
def microsoft(monkeypatch: pytest.MonkeyPatch) -> Microsoft:
    return Microsoft(monkeypatch)


def files_in(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "ledger.sqlite"
    }


def addresses(workspace: Workspace) -> list[str]:
    """The addresses of the centres issued a workbook of round 1."""
    with Ledger(workspace.ledger_place) as ledger:
        issued = {issue.recipient for issue in ledger.issues()}
    return sorted(c.email for c in workspace.load().centres if c.name in issued)


def send(workspace: Workspace, port: int, *more: str) -> Any:
    return CliRunner().invoke(
        cli,
        [
            *("--language", "en", "send", str(workspace.path), "--round", "1", "--smtp"),
            *("--host", "127.0.0.1", "--port", str(port), "--security", "none"),
            *("--sender", MAILBOX, *more),
        ],
    )


def test_signin_once_then_send_signs_in_silently_with_xoauth2(
    tmp_path: Path, home: Path, microsoft: Microsoft
) -> None:
    workspace = workspace_with(tmp_path / "ws", OAUTH)
    before = files_in(workspace.path)
    microsoft.results["device"] = signed_in("token-1")
    result = CliRunner().invoke(cli, ["--language", "en", "signin", str(workspace.path)])
    assert result.exit_code == 0, result.output
    # The URL and the code on standard error, apart from the output.
    assert (
        "To sign in to Microsoft 365, open https://microsoft.com/devicelogin in a browser "
        "and enter the code B7KQ3XYZ within 15 minutes." in result.stderr
    )
    assert result.stdout.startswith("Signed in to Microsoft 365 as anna@ballerup.dk; ")
    # One sign-in for both servers: SMTP.Send and IMAP.AccessAsUser.All at once.
    assert microsoft.calls == [("flow", BOTH), ("device", ())]
    (kept,) = home.iterdir()
    assert kept.name.startswith("token-cache-") and "refresh-1" in kept.read_text()
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(home.stat().st_mode) & 0o077 == 0

    microsoft.results["silent"] = signed_in("token-2")
    with oauth_server(MAILBOX, "token-2") as (server, port):
        result = send(workspace, port)
    assert result.exit_code == 0, result.output
    # The token from the cache, without a code: stdin is no terminal here anyway.
    assert microsoft.calls[2:] == [("silent", SMTP_SEND)]
    assert server.tried == [f"user={MAILBOX}\x01auth=Bearer token-2\x01\x01"]
    assert sorted(to for (to,), _ in server.received) == addresses(workspace)
    for _, content in server.received:
        message = BytesParser(policy=policy.default).parsebytes(content)
        assert message["From"] == MAILBOX
    # Nothing of the sign-in in the workspace: only the ledger changed (the messages).
    assert files_in(workspace.path) == before
    assert not any("token" in name or "cache" in name for name in before)
    with Ledger(workspace.ledger_place) as ledger:
        assert len(ledger.messages("1. budgetopfølgning 2018")) == len(addresses(workspace))


def test_a_refused_token_says_what_the_server_said_and_sends_nothing(
    tmp_path: Path, home: Path, microsoft: Microsoft
) -> None:
    workspace = workspace_with(tmp_path / "ws", OAUTH)
    microsoft.results["device"] = signed_in("token-1")
    assert CliRunner().invoke(cli, ["signin", str(workspace.path)]).exit_code == 0
    microsoft.results["silent"] = signed_in("expired-token")
    with oauth_server(MAILBOX, "token-2") as (server, port):
        result = send(workspace, port)
    assert result.exit_code == 1
    assert server.tried == [f"user={MAILBOX}\x01auth=Bearer expired-token\x01\x01"]
    assert server.after_challenge == [b""]  # the empty response to the error challenge
    assert server.received == []
    said = " ".join(result.stderr.split())
    assert (
        f"the mail server refused the Microsoft 365 sign-in of {MAILBOX}: 535 5.7.3 "
        "Authentication unsuccessful (status 401, schemes bearer, scope "
        f"{SCOPE_ERROR['scope']}). What to do: ask IT to switch on SMTP AUTH for the mailbox "
        f"(Set-CASMailbox -Identity {MAILBOX} -SmtpClientAuthenticationDisabled $false)"
    ) in said
    assert "Traceback" not in result.output
    with Ledger(workspace.ledger_place) as ledger:
        assert ledger.messages("1. budgetopfølgning 2018") == []


def test_without_a_sign_in_send_says_to_sign_in_and_signout_forgets(
    tmp_path: Path, home: Path, microsoft: Microsoft
) -> None:
    workspace = workspace_with(tmp_path / "ws", OAUTH)
    with oauth_server(MAILBOX, "token-2") as (server, port):
        result = send(workspace, port)
        assert result.exit_code == 1
        assert (
            "not signed in to Microsoft 365 (or the sign-in has expired): run `xlfollow "
            "signin` at a terminal first" in " ".join(result.stderr.split())
        )
        # No code asked for where no person can enter it, and no server reached.
        assert ("flow", SMTP_SEND) not in microsoft.calls
        assert server.tried == []
        microsoft.results["device"] = signed_in("token-1")
        assert CliRunner().invoke(cli, ["signin", str(workspace.path)]).exit_code == 0
        result = CliRunner().invoke(cli, ["--language", "da", "signout", str(workspace.path)])
        assert result.exit_code == 0
        assert result.stdout == "Logget af Microsoft 365: det gemte logon er glemt.\n"
        assert list(home.iterdir()) == []
        microsoft.results["silent"] = signed_in("token-2")  # were the cache still there
        assert send(workspace, port).exit_code == 1
        assert server.tried == []
    result = CliRunner().invoke(cli, ["--language", "en", "signout", str(workspace.path)])
    assert result.stdout == "No Microsoft 365 sign-in was kept; nothing to forget.\n"


def test_at_a_terminal_send_asks_for_the_code_itself(
    tmp_path: Path, home: Path, microsoft: Microsoft
) -> None:
    workspace = workspace_with(tmp_path / "ws", OAUTH)
    microsoft.results["device"] = signed_in("token-2")
    told: list[str] = []
    prompt = tokens.Prompt(True, lambda text: told.append(str(text)))
    with oauth_server(MAILBOX, "token-2") as (server, port):
        smtp = Smtp("127.0.0.1", port, Security.NONE, "", MAILBOX)
        report = workspace.send("1", Delivery.SMTP, smtp=smtp, prompt=prompt)
    assert len(report.done) == len(server.received) == len(addresses(workspace))
    assert microsoft.calls == [("flow", SMTP_SEND), ("device", ())]
    assert len(told) == 1 and "B7KQ3XYZ" in told[0]


def test_a_server_without_xoauth2_is_said_so(tmp_path: Path, home: Path) -> None:
    workspace = workspace_with(tmp_path / "ws", OAUTH)
    fake = Fixed("token-2")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tokens, "token_source", lambda signin, prompt=None, user="": fake)
        with oauth_server(MAILBOX, "token-2", xoauth2=False) as (server, port):
            result = send(workspace, port)
    assert result.exit_code == 1
    assert "the mail server does not offer OAuth 2.0 sign-in (XOAUTH2)" in result.stderr
    assert fake.asked == [SMTP_SEND] and server.received == []


class Fixed:
    """A TokenSource that gives one token, and remembers the scopes asked for."""

    def __init__(self, token: str) -> None:
        self.value = token
        self.asked: list[tuple[str, ...]] = []

    def token(self, scopes: Any) -> str:
        self.asked.append(tuple(scopes))
        return self.value


def test_the_user_option_names_the_mailbox_and_app_flow_asks_for_default(
    tmp_path: Path, home: Path, microsoft: Microsoft, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = workspace_with(tmp_path / "ws", OAUTH + 'flow = "app"\n')
    monkeypatch.setenv("XLFOLLOW_CLIENT_SECRET", "app-secret")
    microsoft.results["client"] = {
        "token_type": "Bearer",
        "expires_in": 3599,
        "access_token": "app-token",
    }
    shared = "budget@ballerup.dk"
    with oauth_server(shared, "app-token") as (server, port):
        result = send(workspace, port, "--user", shared)
    assert result.exit_code == 0, result.output
    assert microsoft.secrets == ["app-secret"]
    assert microsoft.calls == [("client", ("https://outlook.office365.com/.default",))]
    assert server.tried == [f"user={shared}\x01auth=Bearer app-token\x01\x01"]
    (kept,) = home.iterdir()  # the app's token is kept too, apart from a person's
    app = MailSignIn(SignInMethod.OAUTH2, TENANT, CLIENT, SignInFlow.APP)
    assert kept == cache_file(app) != cache_file(replace(app, flow=SignInFlow.DEVICE))


@pytest.fixture(autouse=True)
def _no_real_msal_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """MSAL never reaches Microsoft from these tests."""
    import msal

    def refuse(*_: Any, **__: Any) -> None:
        raise AssertionError("a test reached for Microsoft")

    monkeypatch.setattr(msal.PublicClientApplication, "__init__", refuse)
    monkeypatch.setattr(msal.ConfidentialClientApplication, "__init__", refuse)


def test_signin_in_danish_and_in_a_workspace_that_signs_in_with_a_password(
    tmp_path: Path, home: Path, microsoft: Microsoft
) -> None:
    workspace = workspace_with(tmp_path / "ws", "")
    result = CliRunner().invoke(cli, ["--language", "en", "signin", str(workspace.path)])
    assert result.exit_code == 1 and microsoft.apps == []
    assert (
        f"{workspace.path}: xlfollow.toml signs in with a password; to sign in to Microsoft "
        '365, write auth = "oauth2" with tenant and client_id under [mail]'
    ) in " ".join(result.stderr.split())
    workspace = workspace_with(tmp_path / "oauth", OAUTH)
    microsoft.results["device"] = signed_in("token-1")
    result = CliRunner().invoke(cli, ["--language", "da", "signin", str(workspace.path)])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(
        "Log på Microsoft 365 ved at åbne https://microsoft.com/devicelogin i en browser og "
        "indtaste koden B7KQ3XYZ inden for 15 minutter."
    )
    assert result.stdout.startswith("Logget på Microsoft 365 som anna@ballerup.dk; ")
