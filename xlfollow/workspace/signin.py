"""Signing in to Microsoft 365 once for a workspace's mail, and out again: the token
kept for the user (never in the workspace), so that send, remind and fetch get their
tokens silently."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from xlfollow.errors import WorkspaceError
from xlfollow.mail import tokencache, tokens
from xlfollow.mail.tokens import Prompt, SignedIn
from xlfollow.messages import Text
from xlfollow.model import MailSignIn, SignInFlow, SignInMethod
from xlfollow.workspace.loading import load_definition

__all__ = ["sign_in", "sign_out"]


def _signin(folder: Path, flow: SignInFlow | None) -> tuple[MailSignIn, str]:
    """The workspace's [mail] sign-in, which must be Microsoft 365's, with the flow
    given; and the mailbox of [smtp] user, if any."""
    settings = load_definition(folder).settings
    signin = settings.mail
    if signin.auth is not SignInMethod.OAUTH2:
        raise WorkspaceError(
            Text(
                "{folder}: xlfollow.toml signs in with a password; to sign in to Microsoft 365, "
                'write auth = "oauth2" with tenant and client_id under [mail] (ask IT for them)',
                folder=str(folder),
            )
        )
    return (replace(signin, flow=flow) if flow is not None else signin), settings.smtp.user


def sign_in(folder: Path, prompt: Prompt, flow: SignInFlow | None = None) -> SignedIn:
    """Sign in to Microsoft 365 for SMTP and IMAP (with a code at the terminal, or as
    the app), keeping the token for the user; who is signed in, until when."""
    signin, user = _signin(folder, flow)
    source = tokens.token_source(signin, replace(prompt, interactive=True), user)
    source.token(tokens.scopes_for(signin))
    return source.signed_in()


def sign_out(folder: Path) -> bool:
    """Forget the kept Microsoft 365 sign-in of the workspace's app registration, for
    both flows; whether there was one."""
    signin, _ = _signin(folder, None)
    forgot = [tokencache.forget(replace(signin, flow=flow)) for flow in SignInFlow]
    return any(forgot)
