"""The parts of the Microsoft 365 sign-in: the [mail] settings, MSAL's errors said,
the failures around its acquisition, and where the token cache is kept."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import SETTINGS, line_with, make_workspace, problems_of
from oauthfakes import FakeApplication

from xlfollow.definition.agreementwriter import dump_agreement
from xlfollow.definition.settingswriter import settings_template
from xlfollow.errors import WorkspaceError
from xlfollow.mail import tokencache, tokens
from xlfollow.mail.signinerrors import signin_error
from xlfollow.model import MailSignIn, ReceiptMode, SignInFlow, SignInMethod

CLIENT = "8d2e1f4a-0c3b-4e5f-9a6b-7c8d9e0f1a2b"
OAUTH = MailSignIn(SignInMethod.OAUTH2, "ballerup.dk", CLIENT)


# The settings ---------------------------------------------------------------------


def test_the_mail_table_is_read_with_its_defaults(tmp_path: Path) -> None:
    assert make_workspace(tmp_path / "none").load().settings.mail == MailSignIn()
    text = (
        SETTINGS + f'\n[mail]\nauth = "oauth2"\ntenant = " ballerup.dk "\nclient_id = "{CLIENT}"\n'
    )
    assert make_workspace(tmp_path / "oauth", settings=text).load().settings.mail == OAUTH
    text += 'flow = "app"\n'
    mail = make_workspace(tmp_path / "app", settings=text).load().settings.mail
    assert mail.flow is SignInFlow.APP
    for number, (written, mode) in enumerate(
        [
            ('"smtp"', ReceiptMode.SMTP),
            ('"eml"', ReceiptMode.EML),
            ("true", ReceiptMode.EML),
            ("false", ReceiptMode.OFF),
            ('"off"', ReceiptMode.OFF),
        ]
    ):
        text = SETTINGS + f"\n[mail]\nreceipts = {written}\n"
        folder = tmp_path / f"receipts-{number}"
        assert make_workspace(folder, settings=text).load().settings.mail.receipts is mode


@pytest.mark.parametrize(
    ("table", "at", "message"),
    [
        (
            'auth = "oauth2"\nclient_id = "' + CLIENT + '"',
            'auth = "oauth2"',
            'auth = "oauth2" needs tenant under [mail]: ask IT for the app registration in '
            "Entra ID made for xlfollow, its directory (tenant) id and its application "
            "(client) id (README.md, Microsoft 365)",
        ),
        (
            'auth = "oauth2"\ntenant = "ballerup.dk"',
            'auth = "oauth2"',
            'auth = "oauth2" needs client_id under [mail]: ask IT for the app registration in '
            "Entra ID made for xlfollow, its directory (tenant) id and its application "
            "(client) id (README.md, Microsoft 365)",
        ),
        ('auth = "oauth"', 'auth = "oauth"', 'auth "oauth" should be "password" or "oauth2"'),
        ('flow = "browser"', "flow =", 'flow "browser" should be "device" (a person signs in'),
        ('tenant = "ballerup dk"', "tenant =", 'tenant "ballerup dk" should be the municipality'),
        ('client_id = "xlfollow"', "client_id =", 'client_id "xlfollow" should be the app'),
        ("tenant = 7", "tenant =", "tenant should be text in quotes"),
        (
            'client_secret = "hemmelig"',
            "client_secret",
            "the app's secret is never kept in xlfollow.toml: remove client_secret, and set "
            "the environment variable XLFOLLOW_CLIENT_SECRET",
        ),
        ('scope = "SMTP.Send"', "scope", "[mail]: unknown key `scope`."),
        ('receipts = "mail"', "receipts =", 'receipts "mail" should be "off", "eml" (drafts'),
    ],
)
def test_mail_table_mistakes_are_named_at_their_line(
    tmp_path: Path, table: str, at: str, message: str
) -> None:
    text = SETTINGS + "\n[mail]\n" + table + "\n"
    (problem,) = problems_of(make_workspace(tmp_path, settings=text))
    assert problem.file == str(tmp_path / "xlfollow.toml")
    written = (tmp_path / "xlfollow.toml").read_text(encoding="utf-8")
    assert problem.line == line_with(written, at)
    assert str(problem.message).startswith(message)


# MSAL's errors, in the shapes MSAL returns them --------------------------------------

_TRACE = (
    "\r\nTrace ID: 0b7c1a2e-6f3d-4c1b-9a8e-2d4f6a8b0c1d\r\nCorrelation ID: "
    "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b\r\nTimestamp: 2026-12-02 09:14:03Z"
)


@pytest.mark.parametrize(
    ("result", "why", "advice"),
    [
        (
            {
                "error": "invalid_grant",
                "error_description": "AADSTS65001: The user or administrator has not consented "
                "to use the application with ID '" + CLIENT + "' named 'xlfollow'. Send an "
                "interactive authorization request for this user and resource." + _TRACE,
                "error_codes": [65001],
                "suberror": "consent_required",
            },
            "AADSTS65001: The user or administrator has not consented to use the application",
            "grant admin consent for the municipality",
        ),
        (
            {
                "error": "invalid_client",
                "error_description": "AADSTS7000218: The request body must contain the "
                "following parameter: 'client_assertion' or 'client_secret'." + _TRACE,
                "error_codes": [7000218],
            },
            "AADSTS7000218: The request body must contain",
            'switch on "Allow public client flows"',
        ),
        (
            {
                "error": "unauthorized_client",
                "error_description": "AADSTS700016: Application with identifier '"
                + CLIENT
                + "' was not found in the directory 'Ballerup Kommune'."
                + _TRACE,
                "error_codes": [700016],
            },
            "AADSTS700016: Application with identifier",
            "check tenant and client_id under [mail]",
        ),
        (
            {
                "error": "invalid_client",
                "error_description": "AADSTS7000215: Invalid client secret provided." + _TRACE,
                "error_codes": [7000215],
            },
            "AADSTS7000215: Invalid client secret provided",
            "ask IT for a new client secret",
        ),
        (
            {"error": "authorization_declined", "error_description": "The user declined."},
            "The user declined",
            "the sign-in was declined in the browser",
        ),
        (
            {
                "error": "expired_token",
                "error_description": "AADSTS70020: The provided value "
                "for the input parameter 'device_code' is not valid. This device code has "
                "expired." + _TRACE,
                "error_codes": [70020],
            },
            "AADSTS70020: The provided value",
            "the code was not entered in time",
        ),
        (
            {
                "error": "invalid_grant",
                "error_description": "AADSTS53003: Access has been blocked by Conditional "
                "Access policies." + _TRACE,
                "error_codes": [53003],
                "suberror": "message_only",
            },
            "AADSTS53003: Access has been blocked by Conditional Access policies",
            "sign-in rules (Conditional Access, multi-factor)",
        ),
        (
            {
                "error": "temporarily_unavailable",
                "error_description": "AADSTS90033: A "
                "transient error has occurred. Please try again." + _TRACE,
            },
            "AADSTS90033: A transient error has occurred. Please try again",
            "try again later; if it fails again, show this message to IT",
        ),
        ({"error": "server_error"}, "server_error", "try again later"),
    ],
)
def test_msal_errors_say_what_happened_and_what_to_do(
    result: dict[str, Any], why: str, advice: str
) -> None:
    said = str(signin_error(result))
    assert said.startswith(f"signing in to Microsoft 365 failed: {why}")
    assert "Trace ID" not in said  # Microsoft's ids, which say nothing to a person
    assert advice in said.partition("What to do: ")[2]


# MSAL's acquisition, and the failures around it ---------------------------------------


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setitem(sys.modules, "keyring", None)
    return tmp_path / "config" / "xlfollow"


def patched(monkeypatch: pytest.MonkeyPatch, **results: dict[str, Any]) -> list[FakeApplication]:
    made: list[FakeApplication] = []

    def application(signin: MailSignIn, cache: Any, secret: str) -> FakeApplication:
        made.append(FakeApplication(cache, results))
        return made[-1]

    monkeypatch.setattr(tokens, "_application", application)
    return made


def test_a_device_flow_that_cannot_start_is_said(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    patched(
        monkeypatch,
        flow={
            "error": "invalid_client",
            "error_description": "AADSTS7000218: The request body must contain the following "
            "parameter: 'client_assertion' or 'client_secret'." + _TRACE,
        },
    )
    told: list[str] = []
    source = tokens.token_source(OAUTH, tokens.Prompt(True, lambda t: told.append(str(t))))
    with pytest.raises(WorkspaceError, match='switch on "Allow public client flows"'):
        source.token(tokens.scopes_for(OAUTH))
    assert told == [] and not config.exists()  # no code shown, nothing kept


def test_no_network_and_an_unknown_tenant_are_said(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tokens._application
    requests: Any = importlib.import_module("requests")
    assert issubclass(requests.exceptions.RequestException, OSError)

    def offline(*_: Any) -> Any:
        raise requests.exceptions.ConnectionError("Max retries exceeded with url: /ballerup.dk")

    monkeypatch.setattr(tokens, "_application", offline)
    with pytest.raises(WorkspaceError, match=r"cannot reach Microsoft 365 to sign in \(Max"):
        tokens.mail_token(OAUTH, tokens.Service.SMTP)
    msal: Any = importlib.import_module("msal")

    def unknown(*_: Any, **__: Any) -> None:
        raise ValueError(
            "Unable to get authority configuration for https://login.microsoftonline.com/"
            "ballerup.dkk. Authority would typically be in a format of ..."
        )

    monkeypatch.setattr(tokens, "_application", real)
    monkeypatch.setattr(msal.PublicClientApplication, "__init__", unknown)
    wrong = MailSignIn(SignInMethod.OAUTH2, "ballerup.dkk", CLIENT)
    with pytest.raises(
        WorkspaceError, match=r'does not know the directory \(tenant\) "ballerup\.dkk"'
    ):
        tokens.mail_token(wrong, tokens.Service.IMAP)


def test_the_app_flow_wants_its_secret_from_the_environment(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(tokens.SECRET_VARIABLE, raising=False)
    made = patched(monkeypatch, client={"access_token": "a", "expires_in": 3599})
    app = MailSignIn(SignInMethod.OAUTH2, "ballerup.dk", CLIENT, SignInFlow.APP)
    with pytest.raises(WorkspaceError, match="needs the app's client secret: set the environment"):
        tokens.mail_token(app, tokens.Service.SMTP)
    assert made == []
    assert tokens.scopes_for(app, tokens.Service.IMAP) == (
        "https://outlook.office365.com/.default",
    )


# Where the token is kept --------------------------------------------------------------


class Keyring:
    """The keyring package's functions over a dict; `fails` makes it refuse to store."""

    def __init__(self, fails: bool = False) -> None:
        self.kept: dict[tuple[str, str], str] = {}
        self.fails = fails

    def get_password(self, service: str, name: str) -> str | None:
        return self.kept.get((service, name))

    def set_password(self, service: str, name: str, value: str) -> None:
        if self.fails:
            raise RuntimeError("The stub's credential is too big (2560 bytes at most)")
        self.kept[(service, name)] = value

    def delete_password(self, service: str, name: str) -> None:
        del self.kept[(service, name)]


def test_the_cache_goes_to_the_keyring_where_it_works(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ring = Keyring()
    monkeypatch.setitem(sys.modules, "keyring", ring)
    assert tokencache.save(OAUTH, '{"RefreshToken": {}}') is None
    assert list(ring.kept.values()) == ['{"RefreshToken": {}}'] and not config.exists()
    assert tokencache.load(OAUTH) == '{"RefreshToken": {}}'
    assert tokencache.forget(OAUTH) and ring.kept == {}
    assert tokencache.load(OAUTH) == "" and not tokencache.forget(OAUTH)
    ring.fails = True  # a keyring that will not take it: the file, readable by the user alone
    path = tokencache.save(OAUTH, "{}")
    assert path == tokencache.cache_file(OAUTH) and path.parent == config
    assert oct(path.stat().st_mode & 0o777) == oct(0o600) and ring.kept == {}
    ring.kept[(tokencache.KEYRING_SERVICE, CLIENT)] = "app-secret"
    assert tokencache.stored_secret(CLIENT) == "app-secret"


def test_the_config_folder_of_each_system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert tokencache.config_folder() == tmp_path / "xdg" / "xlfollow"
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/is/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert tokencache.config_folder() == tmp_path / "home" / ".config" / "xlfollow"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", str(tmp_path / "AppData" / "Roaming"))
    assert tokencache.config_folder() == tmp_path / "AppData" / "Roaming" / "xlfollow"


def test_a_damaged_cache_is_named_and_signout_clears_it(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = patched(monkeypatch)
    path = tokencache.cache_file(OAUTH)
    path.parent.mkdir(parents=True)
    path.write_text('{"RefreshToken": {', encoding="utf-8")  # cut short
    with pytest.raises(WorkspaceError) as damaged:
        tokens.mail_token(OAUTH, tokens.Service.SMTP)
    said = str(damaged.value)
    assert said.startswith(f"the kept Microsoft 365 sign-in ({path}) cannot be read (")
    assert said.endswith("run `xlfollow signout`, then `xlfollow signin` again")
    assert made == []  # Microsoft not asked
    assert tokencache.forget(OAUTH) and not path.exists()


def test_the_commented_mail_table_of_a_new_workspace_loads_when_uncommented(
    tmp_path: Path,
) -> None:
    agreement = make_workspace(tmp_path / "a").load().agreement
    lines = settings_template(agreement).splitlines()
    start = lines.index("# [mail]")
    block = [line.removeprefix("# ") for line in lines[start : start + 4]]
    text = "\n".join(lines[:start] + block + lines[start + 4 :])
    mail = make_workspace(tmp_path / "b", dump_agreement(agreement), text).load().settings.mail
    assert mail == MailSignIn(
        SignInMethod.OAUTH2, "example.org", "00000000-0000-0000-0000-000000000000"
    )
