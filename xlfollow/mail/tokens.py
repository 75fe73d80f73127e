"""Microsoft 365 sign-in: OAuth 2.0 access tokens for SMTP and IMAP, got with MSAL.

A person at a terminal signs in once with the device code flow (`xlfollow signin`:
a URL and a code to enter in a browser); MSAL keeps the refresh token in the token
cache (tokencache.py), so that `send`, `remind` and `fetch` get a fresh token
silently afterwards. An app registered by the municipality's IT signs in with the
client credentials flow, its secret from XLFOLLOW_CLIENT_SECRET or the keyring.
Everything that asks Microsoft is behind `TokenSource`, which a test replaces.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from xlfollow.errors import WorkspaceError
from xlfollow.mail import tokencache
from xlfollow.mail.signinerrors import signin_error
from xlfollow.messages import Text
from xlfollow.model import MailSignIn, SignInFlow

__all__ = [
    "APP_SCOPES",
    "SECRET_VARIABLE",
    "MsalTokens",
    "Prompt",
    "Service",
    "SignedIn",
    "TokenSource",
    "mail_token",
    "scopes_for",
    "token_source",
]

SECRET_VARIABLE = "XLFOLLOW_CLIENT_SECRET"
APP_SCOPES = ("https://outlook.office365.com/.default",)
"""The app's scope (client credentials): the application permissions IT granted."""


class Service(StrEnum):
    """A mail server a token is for."""

    SMTP = "smtp"
    IMAP = "imap"


_DELEGATED = {
    Service.SMTP: "https://outlook.office.com/SMTP.Send",
    Service.IMAP: "https://outlook.office.com/IMAP.AccessAsUser.All",
}
"""A person's scopes; MSAL adds offline_access (the refresh token) itself."""


def scopes_for(signin: MailSignIn, *services: Service) -> tuple[str, ...]:
    """The scopes of a token for the services (all of them if none named)."""
    if signin.flow is SignInFlow.APP:
        return APP_SCOPES
    return tuple(_DELEGATED[service] for service in services or tuple(Service))


class TokenSource(Protocol):
    """Where an OAuth 2.0 access token comes from."""

    def token(self, scopes: Sequence[str]) -> str:
        """An access token for the scopes; WorkspaceError if none can be had."""
        ...


@dataclass(frozen=True)
class Prompt:
    """Who is there while a token is got: a person who can sign in with a code now
    (interactive), and how to tell them the URL and the code."""

    interactive: bool = False
    tell: Callable[[Text], None] = field(default=lambda _: None)


@dataclass(frozen=True)
class SignedIn:
    """Who is signed in (a person's address, or the app's id), and until when the
    token holds (MSAL renews it silently while the sign-in lasts)."""

    account: str
    expires: datetime


def _application(signin: MailSignIn, cache: Any, secret: str) -> Any:
    """MSAL's application for the settings; it asks Microsoft for the directory's
    endpoints as it is made."""
    import msal  # here: only a sign-in loads MSAL and requests

    authority = f"https://login.microsoftonline.com/{signin.tenant}"
    try:
        if signin.flow is SignInFlow.APP:
            return msal.ConfidentialClientApplication(
                signin.client_id, client_credential=secret, authority=authority, token_cache=cache
            )
        return msal.PublicClientApplication(
            signin.client_id, authority=authority, token_cache=cache
        )
    except ValueError as exc:  # MSAL's words for a directory it cannot find
        raise WorkspaceError(
            Text(
                'Microsoft 365 does not know the directory (tenant) "{tenant}" ({why}); check '
                "tenant under [mail] in xlfollow.toml, or ask IT for the directory (tenant) id",
                tenant=signin.tenant,
                why=str(exc).splitlines()[0],
            )
        ) from exc


class MsalTokens:
    """Tokens from Microsoft's identity platform through MSAL, kept in the token
    cache between runs."""

    def __init__(self, signin: MailSignIn, prompt: Prompt, user: str = "") -> None:
        self.signin = signin
        self.prompt = prompt
        self.user = user
        """The mailbox signed in with, where known: the account to take from the cache."""
        self.latest: Mapping[str, Any] = {}
        self.account = user
        """The account the token is for, as the cache names it."""

    def token(self, scopes: Sequence[str]) -> str:
        """An access token: from the cache, else a sign-in (a person's, where one is at
        the terminal; the app's with its secret)."""
        import msal

        cache = msal.SerializableTokenCache()
        try:
            cache.deserialize(tokencache.load(self.signin))
        except ValueError as exc:  # a file damaged by hand or by a full disk
            raise WorkspaceError(
                Text(
                    "the kept Microsoft 365 sign-in ({where}) cannot be read ({why}); run "
                    "`xlfollow signout`, then `xlfollow signin` again",
                    where=tokencache.kept_where(self.signin),
                    why=str(exc),
                )
            ) from exc
        try:
            app = _application(self.signin, cache, self._secret())
            if self.signin.flow is SignInFlow.APP:
                result = app.acquire_token_for_client(scopes=list(scopes))  # cache first
            else:
                result = self._silently(app, scopes) or self._with_code(app, scopes)
        except OSError as exc:  # requests' errors are OSErrors: no network, no proxy
            raise WorkspaceError(
                Text(
                    "cannot reach Microsoft 365 to sign in ({why}); check the network "
                    "connection (and proxy), then try again",
                    why=str(exc),
                )
            ) from exc
        if cache.has_state_changed:
            tokencache.save(self.signin, cache.serialize())
        if "access_token" not in result:
            raise signin_error(result)
        self.latest = result
        return str(result["access_token"])

    def signed_in(self) -> SignedIn:
        """Who the last token is for, and until when it holds."""
        claims = self.latest.get("id_token_claims") or {}
        account = str(claims.get("preferred_username") or self.account or self.signin.client_id)
        seconds = int(self.latest.get("expires_in", 0))
        return SignedIn(account, datetime.now(UTC) + timedelta(seconds=seconds))

    def _secret(self) -> str:
        if self.signin.flow is not SignInFlow.APP:
            return ""
        secret = os.environ.get(SECRET_VARIABLE, "") or tokencache.stored_secret(
            self.signin.client_id
        )
        if not secret:
            raise WorkspaceError(
                Text(
                    'flow = "app" needs the app\'s client secret: set the environment variable '
                    "{variable} (it is never read from xlfollow.toml), or ask IT for the secret",
                    variable=SECRET_VARIABLE,
                )
            )
        return secret

    def _silently(self, app: Any, scopes: Sequence[str]) -> Mapping[str, Any] | None:
        accounts = app.get_accounts(username=self.user or None) or app.get_accounts()
        for account in accounts[:1]:
            found: Mapping[str, Any] | None = app.acquire_token_silent(list(scopes), account)
            if found and "access_token" in found:
                self.account = str(account.get("username") or self.account)
                return found
        return None

    def _with_code(self, app: Any, scopes: Sequence[str]) -> Mapping[str, Any]:
        if not self.prompt.interactive:
            raise WorkspaceError(
                Text(
                    "not signed in to Microsoft 365 (or the sign-in has expired): run "
                    "`xlfollow signin` at a terminal first, then run this command again"
                )
            )
        flow = app.initiate_device_flow(scopes=list(scopes))
        if "user_code" not in flow:
            raise signin_error(flow)
        self.prompt.tell(
            Text(
                "To sign in to Microsoft 365, open {url} in a browser and enter the code "
                "{code} within {minutes} minutes. Waiting for the sign-in ...",
                url=str(flow.get("verification_uri", "https://microsoft.com/devicelogin")),
                code=str(flow["user_code"]),
                minutes=int(flow.get("expires_in", 900)) // 60,
            )
        )
        result: Mapping[str, Any] = app.acquire_token_by_device_flow(flow)
        return result


def token_source(signin: MailSignIn, prompt: Prompt | None = None, user: str = "") -> MsalTokens:
    """The token source for the settings' [mail] sign-in; `user` is the mailbox."""
    return MsalTokens(signin, prompt or Prompt(), user)


def mail_token(
    signin: MailSignIn, service: Service, prompt: Prompt | None = None, user: str = ""
) -> str:
    """An access token for one mail server (SMTP or IMAP) as the settings sign in."""
    return token_source(signin, prompt, user).token(scopes_for(signin, service))
