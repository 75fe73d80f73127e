"""Stand-ins for Microsoft 365 in the sign-in tests: an SMTP server that takes XOAUTH2
(aiosmtpd, on the loopback interface), MSAL's application objects (what they would
get from Microsoft, with no network), and a keyring kept in a dict."""

from __future__ import annotations

import base64
import json
import socket
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import MISSING, AuthResult

SCOPE_ERROR = {
    "status": "401",
    "schemes": "bearer",
    "scope": "https://outlook.office.com/SMTP.Send",
}
"""The JSON of the error challenge (334) that a refused XOAUTH2 sign-in gets."""


class OAuthServer:
    """An SMTP server that takes XOAUTH2 for one mailbox and one token only: a wrong
    one gets the error challenge (334 and JSON), then 535 after the client's empty
    response, as RFC 7628 has it."""

    def __init__(self, user: str, token: str) -> None:
        self.expected = f"user={user}\x01auth=Bearer {token}\x01\x01"
        self.tried: list[str] = []
        """Each XOAUTH2 string a client sent, decoded."""
        self.after_challenge: list[bytes] = []
        self.received: list[tuple[list[str], bytes]] = []

    async def auth_XOAUTH2(self, server: Any, args: list[str]) -> AuthResult:
        if len(args) == 2:
            initial = base64.b64decode(args[1], validate=True)
        else:
            found = await server.challenge_auth("")
            if found is MISSING:
                return AuthResult(success=False, handled=True)
            initial = found
        self.tried.append(initial.decode())
        if initial.decode() == self.expected:
            return AuthResult(success=True, auth_data="xoauth2")
        answer = await server.challenge_auth(json.dumps(SCOPE_ERROR))
        if answer is MISSING:
            return AuthResult(success=False, handled=True)
        self.after_challenge.append(answer)
        return AuthResult(
            success=False, handled=False, message="535 5.7.3 Authentication unsuccessful"
        )

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if not session.authenticated:
            return "530 5.7.0 Authentication required"
        self.received.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def oauth_server(
    user: str, token: str, *, xoauth2: bool = True
) -> Iterator[tuple[OAuthServer, int]]:
    """The server running on 127.0.0.1 for the block; without xoauth2, one that offers
    only LOGIN and PLAIN."""
    handler = OAuthServer(user, token)
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        # Tokens over plain SMTP on the loopback only: the test has no certificate.
        auth_require_tls=False,
        auth_exclude_mechanism=["LOGIN", "PLAIN"] if xoauth2 else ["XOAUTH2"],
    )
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


class FakeApplication:
    """MSAL's PublicClientApplication or ConfidentialClientApplication as xlfollow uses
    them, answering as Microsoft would; what it keeps goes into the real token cache
    it is given."""

    def __init__(self, cache: Any, results: Mapping[str, Mapping[str, Any]]) -> None:
        self.cache = cache
        self.results = results
        """Per call (device, flow, silent, client): MSAL's result dict."""
        self.calls: list[tuple[str, tuple[str, ...]]] = []

    def _keep(self, refresh: str) -> None:
        self.cache.deserialize(json.dumps({"RefreshToken": {"rt": {"secret": refresh}}}))
        self.cache.has_state_changed = True

    def get_accounts(self, username: str | None = None) -> list[dict[str, str]]:
        if "rt" not in json.loads(self.cache.serialize() or "{}").get("RefreshToken", {}):
            return []
        return [{"username": "anna@ballerup.dk", "home_account_id": "uid.utid"}]

    def acquire_token_silent(self, scopes: list[str], account: Any) -> Mapping[str, Any] | None:
        self.calls.append(("silent", tuple(scopes)))
        return self.results.get("silent")

    def initiate_device_flow(self, scopes: list[str]) -> Mapping[str, Any]:
        self.calls.append(("flow", tuple(scopes)))
        return self.results.get(
            "flow",
            {
                "user_code": "B7KQ3XYZ",
                "device_code": "dc",
                "verification_uri": "https://microsoft.com/devicelogin",
                "expires_in": 900,
                "message": "To sign in, use a web browser ...",
            },
        )

    def acquire_token_by_device_flow(self, flow: Mapping[str, Any]) -> Mapping[str, Any]:
        self.calls.append(("device", ()))
        result = self.results["device"]
        if "access_token" in result:
            self._keep("refresh-1")
        return result

    def acquire_token_for_client(self, scopes: list[str]) -> Mapping[str, Any]:
        self.calls.append(("client", tuple(scopes)))
        result = self.results["client"]
        if "access_token" in result:
            self._keep("app-token-kept")
        return result


def signed_in(token: str, user: str = "anna@ballerup.dk") -> dict[str, Any]:
    """MSAL's result of a sign-in that worked."""
    return {
        "token_type": "Bearer",
        "scope": "https://outlook.office.com/SMTP.Send https://outlook.office.com/IMAP.AccessAsUser.All",
        "expires_in": 3599,
        "ext_expires_in": 3599,
        "access_token": token,
        "refresh_token": "refresh-1",
        "id_token_claims": {"preferred_username": user, "tid": "utid"},
        "token_source": "identity_provider",
    }
