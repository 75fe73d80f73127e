"""The commands that mail the centres: send and remind."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from xlfollow.cli.frame import EXIT_CODES, Command, current_terminal, progress_bar
from xlfollow.cli.signincommands import prompt_of
from xlfollow.mail.letters import Delivery
from xlfollow.mail.mailing import MailReport
from xlfollow.messages import Text
from xlfollow.workspace.folder import Workspace

__all__ = [
    "receipt_options",
    "receipts_json",
    "remind",
    "send",
    "server_options",
]


def server_options(command: Callable[..., None]) -> Callable[..., None]:
    """The mail server's options, instead of the settings' [smtp]: send, remind, merge."""
    options = [
        click.option("--host", help="The mail server, instead of [smtp] host."),
        click.option("--port", type=int, help="Its port (default 587, 465 for tls, 25 for none)."),
        click.option(
            "--security", type=click.Choice(["starttls", "tls", "none"]), help="How to connect."
        ),
        click.option(
            "--user",
            help="The login; the password comes from XLFOLLOW_SMTP_PASSWORD. With "
            '[mail] auth = "oauth2": the mailbox to send from.',
        ),
        click.option("--sender", help="The From address."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def receipt_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options of the commands that merge (merge, fetch): receipts or not, and how."""
    options = [
        click.option(
            "--receipts/--no-receipts",
            default=None,
            help="Afterwards, a receipt to the sender of each file received: what was taken, "
            "the values refused, or why the file was rejected and what to do. Default: "
            "receipts under [mail] in xlfollow.toml.",
        ),
        click.option(
            "--eml/--smtp",
            "as_eml",
            default=None,
            help="Write the receipts as .eml drafts in outbox/receipts/, or send them through "
            "the mail server of [smtp] in xlfollow.toml. Default: receipts under [mail], "
            "else drafts.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _mail_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options send and remind share: the way out, and the mail server."""
    options: list[Callable[[Callable[..., None]], Callable[..., None]]] = [
        click.option("--round", "round_text", required=True, help="The round: its number or name."),
        click.option(
            "--eml/--smtp",
            "as_eml",
            default=True,
            help="Write .eml drafts in outbox/round-N/mail/ (the default), or send "
            "through the mail server of [smtp] in xlfollow.toml.",
        ),
        click.option("--dry-run", is_flag=True, help="Say who would get what; send nothing."),
        server_options,
        click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path)),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.command("send", cls=Command, epilog=EXIT_CODES)
@_mail_options
@click.option("--again", is_flag=True, help="Send to centres that were sent the round already.")
def send(
    directory: Path, round_text: str, as_eml: bool, dry_run: bool, again: bool, **server: Any
) -> None:
    """Each centre's workbook of a round, by email, with the deadline and what to do.

    \b
    Examples:
      xlfollow send budget2018 --round 1              # .eml drafts to open and send
      xlfollow send budget2018 --round 1 --smtp --dry-run
      XLFOLLOW_SMTP_PASSWORD=... xlfollow send budget2018 --round 1 --smtp
    """
    out, workspace = current_terminal(), Workspace(directory)
    how = Delivery.DRY_RUN if dry_run else (Delivery.EML if as_eml else Delivery.SMTP)
    with progress_bar(Text("Sending")) as progress:
        report = workspace.send(
            round_text, how, again, progress=progress, prompt=prompt_of(out), **server
        )
    out.mail(report)
    if report.needs_a_person:
        click.get_current_context().exit(3)


@click.command("remind", cls=Command, epilog=EXIT_CODES)
@_mail_options
def remind(directory: Path, round_text: str, as_eml: bool, dry_run: bool, **server: Any) -> None:
    """A reminder to each centre with unanswered items or open conflicts in a round.

    It lists the items by number and title, and the values refused and the files
    rejected of the centre's files, and attaches its workbook issued anew with the
    answers it has given so far (in outbox/round-N/, named ...-paamindelse-DATE.xlsx).

    \b
    Example:
      xlfollow remind budget2018 --round 1 --smtp
    """
    out, workspace = current_terminal(), Workspace(directory)
    how = Delivery.DRY_RUN if dry_run else (Delivery.EML if as_eml else Delivery.SMTP)
    with progress_bar(Text("Sending")) as progress:
        report = workspace.remind(
            round_text, how, progress=progress, prompt=prompt_of(out), **server
        )
    out.mail(report)
    if report.needs_a_person:
        click.get_current_context().exit(3)


def receipts_json(sent: MailReport) -> dict[str, object]:
    """The receipts of a merge as the --json report gives them, per file."""
    return {
        "how": sent.how.value,
        "done": [{"file": f, "address": a, "draft_or_id": w} for f, a, w in sent.done],
        "failed": [{"file": f, "address": a, "reason": str(why)} for f, a, why in sent.failed],
        "skipped": [{"file": f, "reason": str(why)} for f, why in sent.skipped],
    }
