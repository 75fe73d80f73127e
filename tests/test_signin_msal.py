"""xlfollow's sign-in with the real MSAL, only Microsoft's HTTP endpoints answered by
the test: the device code flow, the token kept in the cache file, a later run taking
it silently, and the client credentials flow. It checks that xlfollow calls MSAL as
MSAL works, which the stand-in applications of the other tests cannot."""

from __future__ import annotations

import base64
import json
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import msal
import pytest

from xlfollow.ledger.dialect import Engine
from xlfollow.mail import tokencache, tokens
from xlfollow.model import MailSignIn, SignInFlow, SignInMethod

LEDGER_ENGINES = (Engine.SQLITE,)
"""MSAL's sign-in: no ledger is opened here."""

TENANT_ID = "5f2c8a61-3d4e-4b7a-9c1d-2e3f4a5b6c7d"
CLIENT = "8d2e1f4a-0c3b-4e5f-9a6b-7c8d9e0f1a2b"
LOGIN = "https://login.microsoftonline.com"
OAUTH = MailSignIn(SignInMethod.OAUTH2, "ballerup.dk", CLIENT)


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


class Response:
    def __init__(self, body: dict[str, Any], status: int = 200) -> None:
        self.status_code = status
        self.text = json.dumps(body)
        self.headers: dict[str, str] = {}

    def raise_for_status(self) -> None:
        assert self.status_code < 500


class Endpoints:
    """Microsoft's sign-in endpoints for the directory ballerup.dk, as the HTTP client
    MSAL is given: OpenID discovery, the device code, and the token."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, list[str]]]] = []
        self.issued = 0
        self.scope = ""

    def get(self, url: str, **_: Any) -> Response:
        assert url == f"{LOGIN}/ballerup.dk/v2.0/.well-known/openid-configuration", url
        base = f"{LOGIN}/{TENANT_ID}"
        return Response(
            {
                "issuer": f"{base}/v2.0",
                "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                "token_endpoint": f"{base}/oauth2/v2.0/token",
                "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
            }
        )

    def post(self, url: str, data: Any = None, **_: Any) -> Response:
        form = data if isinstance(data, dict) else parse_qs(data or "")
        form = {k: v if isinstance(v, list) else [v] for k, v in form.items()}
        self.posts.append((url.rsplit("/", 1)[1], form))
        if url.endswith("/devicecode"):
            self.scope = form["scope"][0]
            return Response(
                {
                    "user_code": "B7KQ3XYZ",
                    "device_code": "device-code-1",
                    "verification_uri": "https://microsoft.com/devicelogin",
                    "expires_in": 900,
                    "interval": 5,
                    "message": "To sign in, use a web browser to open the page ...",
                }
            )
        assert url.endswith("/token")
        self.issued += 1
        now = int(time.time())
        claims = {
            "aud": CLIENT,
            "iss": f"{LOGIN}/{TENANT_ID}/v2.0",
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
            "preferred_username": "anna@ballerup.dk",
            "oid": "anna-oid",
            "tid": TENANT_ID,
        }
        body: dict[str, Any] = {
            "token_type": "Bearer",
            "scope": form.get("scope", [self.scope])[0],
            "expires_in": 3599,
            "access_token": f"access-{self.issued}",
        }
        if form["grant_type"] != ["client_credentials"]:
            body |= {
                "refresh_token": "refresh-1",
                "id_token": f"{_b64({'alg': 'none'})}.{_b64(claims)}.",
                "client_info": _b64({"uid": "anna-oid", "utid": TENANT_ID}),
            }
        return Response(body)

    def close(self) -> None:
        pass


@pytest.fixture
def endpoints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Endpoints:
    """Microsoft's endpoints answered here; the user's config folder in tmp, no keyring."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setitem(sys.modules, "keyring", None)
    served = Endpoints()
    for name in ("PublicClientApplication", "ConfidentialClientApplication"):
        real = getattr(msal, name)

        def made(*args: Any, _real: Any = real, **kwargs: Any) -> Any:
            return _real(*args, http_client=served, instance_discovery=False, **kwargs)

        monkeypatch.setattr(msal, name, made)
    return served


def test_device_code_once_then_the_cached_token_in_a_later_run(endpoints: Endpoints) -> None:
    told: list[str] = []
    source = tokens.token_source(OAUTH, tokens.Prompt(True, lambda t: told.append(str(t))))
    assert source.token(tokens.scopes_for(OAUTH)) == "access-1"
    assert [name for name, _ in endpoints.posts] == ["devicecode", "token"]
    asked = set(endpoints.posts[0][1]["scope"][0].split())
    assert asked == {
        "https://outlook.office.com/SMTP.Send",
        "https://outlook.office.com/IMAP.AccessAsUser.All",
        "offline_access",  # MSAL's own: the refresh token
        "openid",
        "profile",
    }
    assert endpoints.posts[1][1]["device_code"] == ["device-code-1"]
    assert len(told) == 1 and "enter the code B7KQ3XYZ within 15 minutes" in told[0]
    who = source.signed_in()
    assert who.account == "anna@ballerup.dk"
    assert 3500 < (who.expires.timestamp() - time.time()) <= 3600
    kept = json.loads(tokencache.cache_file(OAUTH).read_text())
    assert [t["secret"] for t in kept["RefreshToken"].values()] == ["refresh-1"]

    # A later run, with no one at the terminal: the token from the cache, no request.
    later = tokens.token_source(OAUTH, tokens.Prompt(False))
    smtp = tokens.scopes_for(OAUTH, tokens.Service.SMTP)
    assert later.token(smtp) == "access-1"
    assert len(endpoints.posts) == 2
    assert later.signed_in().account == "anna@ballerup.dk"


def test_the_app_signs_in_with_its_secret_and_the_default_scope(
    endpoints: Endpoints, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(tokens.SECRET_VARIABLE, "app-secret")
    app = MailSignIn(SignInMethod.OAUTH2, "ballerup.dk", CLIENT, SignInFlow.APP)
    assert tokens.mail_token(app, tokens.Service.IMAP) == "access-1"
    ((name, form),) = endpoints.posts
    assert name == "token" and form["grant_type"] == ["client_credentials"]
    assert form["client_secret"] == ["app-secret"]
    assert form["scope"] == ["https://outlook.office365.com/.default"]
    # MSAL takes the app's token from the cache while it holds.
    assert tokens.mail_token(app, tokens.Service.SMTP) == "access-1"
    assert len(endpoints.posts) == 1
