"""The commands that sign in to Microsoft 365 for the mail, and out again."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from xlfollow.cli.console import Console
from xlfollow.cli.frame import EXIT_CODES, Command, current_terminal
from xlfollow.mail.tokens import Prompt
from xlfollow.messages import Text
from xlfollow.model import SignInFlow
from xlfollow.workspace.signin import sign_in, sign_out

__all__ = ["prompt_of", "signin", "signout"]


def prompt_of(out: Console) -> Prompt:
    """The terminal as a Microsoft 365 sign-in sees it: a person is there when standard
    input is a terminal; the URL and code go to standard error, apart from the output."""
    return Prompt(sys.stdin.isatty(), lambda text: click.echo(out.say(text), err=True))


@click.command("signin", cls=Command, epilog=EXIT_CODES)
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--flow",
    type=click.Choice([flow.value for flow in SignInFlow]),
    help="device: a person signs in with a code in a browser; app: the app registered by "
    "IT, with its secret from XLFOLLOW_CLIENT_SECRET. Default: flow under [mail].",
)
def signin(directory: Path, flow: str | None) -> None:
    """Sign in to Microsoft 365 once, for sending and fetching mail.

    Shows a web address and a code to enter in a browser, and waits for the sign-in.
    The sign-in is kept for you (in the system keyring, or your own configuration
    folder), never in the workspace: send, remind and fetch then sign in silently.
    Needs auth = "oauth2", tenant and client_id under [mail] in xlfollow.toml.

    \b
    Example:
      xlfollow signin budget2018
    """
    out = current_terminal()
    chosen = SignInFlow(flow) if flow else None
    who = sign_in(directory, prompt_of(out), chosen)
    until = who.expires.astimezone().strftime("%Y-%m-%d %H:%M")
    out.echo(
        Text(
            "Signed in to Microsoft 365 as {account}; the token holds until {until} and is "
            "renewed without asking while the sign-in lasts. `xlfollow signout` forgets it.",
            account=who.account,
            until=until,
        )
    )


@click.command("signout", cls=Command, epilog=EXIT_CODES)
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
def signout(directory: Path) -> None:
    """Forget the Microsoft 365 sign-in kept for the workspace's mail.

    \b
    Example:
      xlfollow signout budget2018
    """
    out = current_terminal()
    if sign_out(directory):
        out.echo(Text("Signed out of Microsoft 365: the kept sign-in is forgotten."))
    else:
        out.echo(Text("No Microsoft 365 sign-in was kept; nothing to forget."))
