"""SASL XOAUTH2: signing in to a mail server with an OAuth 2.0 access token, as
Microsoft 365 (and Gmail) want it, over SMTP and IMAP."""

from __future__ import annotations

import imaplib
import json
import smtplib

from xlfollow.errors import WorkspaceError
from xlfollow.messages import Text

__all__ = ["imap_xoauth2", "smtp_xoauth2", "xoauth2_string"]


def xoauth2_string(user: str, token: str) -> str:
    """The XOAUTH2 initial response: the mailbox and the bearer token, ^A apart."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


class _Exchange:
    """The client's side of an XOAUTH2 exchange: the string first; to an error
    challenge (a 334 with JSON), an empty response, the challenge kept to say."""

    def __init__(self, user: str, token: str) -> None:
        self.initial = xoauth2_string(user, token)
        self.sent = False
        self.challenge = ""

    def __call__(self, challenge: bytes | None = None) -> str:
        if not self.sent:
            self.sent = True
            return self.initial
        self.challenge = (challenge or b"").decode("utf-8", errors="replace")
        return ""


def _server_said(challenge: str) -> str:
    """The error challenge's JSON in a line: its status and scope, or the text."""
    try:
        data = json.loads(challenge)
    except ValueError:
        return challenge
    if not isinstance(data, dict):
        return challenge
    return ", ".join(f"{key} {value}" for key, value in data.items())


def smtp_xoauth2(server: smtplib.SMTP, user: str, token: str) -> None:
    """Sign in to an SMTP server (secured already) with XOAUTH2; WorkspaceError,
    saying what the server said and what to do, if it refuses."""
    server.ehlo_or_helo_if_needed()
    if "xoauth2" not in server.esmtp_features.get("auth", "").casefold().split():
        raise WorkspaceError(
            Text(
                'the mail server does not offer OAuth 2.0 sign-in (XOAUTH2); use auth = "password" '
                "under [mail] in xlfollow.toml for this server, or check host under [smtp]"
            )
        )
    exchange = _Exchange(user, token)
    try:
        server.auth("XOAUTH2", exchange)
    except UnicodeEncodeError as exc:
        raise WorkspaceError(
            Text("the mailbox {user} is not an address OAuth 2.0 sign-in can give", user=user)
        ) from exc
    except smtplib.SMTPAuthenticationError as exc:
        error = exc.smtp_error
        said = error.decode("utf-8", errors="replace") if isinstance(error, bytes) else error
        if exchange.challenge:
            said += f" ({_server_said(exchange.challenge)})"
        raise WorkspaceError(
            Text(
                "the mail server refused the Microsoft 365 sign-in of {user}: {code} {said}. "
                "What to do: ask IT to switch on SMTP AUTH for the mailbox "
                "(Set-CASMailbox -Identity {user} -SmtpClientAuthenticationDisabled $false) and "
                "to check that the app may send as it (SMTP.Send); then run `xlfollow signin` "
                "again",
                user=user,
                code=exc.smtp_code,
                said=said,
            )
        ) from exc


def imap_xoauth2(connection: imaplib.IMAP4, user: str, token: str) -> None:
    """Sign in to an IMAP server with XOAUTH2; WorkspaceError if it refuses."""
    exchange = _Exchange(user, token)
    try:
        # imaplib sends no initial response: the string answers the first (empty) "+".
        connection.authenticate("XOAUTH2", lambda challenge: exchange(challenge).encode())
    except imaplib.IMAP4.error as exc:
        said = str(exc)
        if exchange.challenge:
            said += f" ({_server_said(exchange.challenge)})"
        raise WorkspaceError(
            Text(
                "the mail server refused the Microsoft 365 sign-in of {user}: {said}. What to "
                "do: ask IT to check that the app may read the mailbox (IMAP.AccessAsUser.All, "
                "or IMAP.AccessAsApp with Add-MailboxPermission); then run `xlfollow signin` "
                "again",
                user=user,
                said=said,
            )
        ) from exc
