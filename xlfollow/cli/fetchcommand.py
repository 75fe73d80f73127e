"""The command that takes the centres' replies from the mailbox: fetch."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from xlfollow.cli.frame import EXIT_CODES, Command, current_terminal
from xlfollow.cli.mailcommands import receipt_options, receipts_json
from xlfollow.cli.signincommands import prompt_of
from xlfollow.cli.terminal import Terminal
from xlfollow.danish import parse_date
from xlfollow.ledger.fetchlog import FetchOutcome
from xlfollow.mail.receipts import ReceiptRequest
from xlfollow.messages import Text
from xlfollow.workspace.fetching import FetchReport
from xlfollow.workspace.folder import Workspace

__all__ = ["fetch"]

_OUTCOMES = {
    FetchOutcome.SAVED: Text("saved"),
    FetchOutcome.NO_WORKBOOK: Text("no workbook"),
    FetchOutcome.UNREADABLE: Text("not read"),
    FetchOutcome.TOO_LARGE: Text("too large"),
    FetchOutcome.DUPLICATE: Text("fetched before"),
}


@click.command("fetch", cls=Command, epilog=EXIT_CODES)
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--since", help="Only messages that came on or after this day (2018-04-01).")
@click.option("--folder", help="The mailbox folder, instead of [imap] folder.")
@click.option("--dry-run", is_flag=True, help="Say what would come; save, record, move nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@receipt_options
def fetch(  # noqa: PLR0913 (click gives each option as an argument)
    directory: Path,
    *,
    since: str | None,
    folder: str | None,
    dry_run: bool,
    as_json: bool,
    receipts: bool | None,
    as_eml: bool | None,
) -> None:
    """Fetch the centres' replies from the mailbox of [imap] in xlfollow.toml, and merge.

    Each message not fetched before that has a workbook attached is saved whole
    into inbox/ (sender, date and subject go with its workbooks into the ledger),
    every message is recorded so none is fetched twice, and then inbox/ is merged
    as xlfollow merge does. Messages are never deleted; with move_to under [imap]
    they are moved to that folder.

    \b
    Example:
      XLFOLLOW_IMAP_PASSWORD=... xlfollow fetch budget2018 --since 2018-04-01
    """
    day = None if since is None else parse_date(since)
    workspace, out = Workspace(directory), current_terminal()
    asked = ReceiptRequest(receipts, as_eml)
    report = workspace.fetch(day, folder, dry_run, prompt=prompt_of(out), receipts=asked)
    sent = workspace.receipts_sent if report.merge is not None else None
    if as_json:
        data = report.to_json()
        if sent is not None:
            data["receipts"] = receipts_json(sent)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        said(out, report)
        if report.merge is not None:
            out.echo()
            agreement = (workspace.loaded or workspace.load()).agreement
            out.merge(report.merge, agreement)
        if sent is not None:
            out.receipts(sent)
    if report.needs_a_person or (sent is not None and sent.needs_a_person):
        sys.exit(3)


def said(out: Terminal, report: FetchReport) -> None:
    """What came from the mailbox: a line per message, then what each was not saved for."""
    out.echo(
        Text(
            "Mailbox {server}, folder {folder}. New messages: {new}; fetched before: {old}.",
            server=report.server,
            folder=report.folder,
            new=len(report.messages),
            old=report.seen_before,
        )
    )
    if report.moved_before:
        out.echo(
            Text(
                'Messages fetched before, moved to the folder "{folder}" now: {count}.',
                folder=report.moved_to,
                count=report.moved_before,
            )
        )
    if report.dry_run:
        out.echo(Text("A dry run: nothing saved, recorded or moved."))
    if not report.messages:
        return
    out.table(
        (Text("From"), Text("Subject"), Text("Workbooks"), Text("Outcome")),
        [
            (m.sender or "-", m.subject or "-", ", ".join(m.workbooks) or "-", _OUTCOMES[m.outcome])
            for m in report.messages
        ],
    )
    for message in report.messages:
        lines = [message.why] if message.why is not None else []
        if message.moved_to:
            lines.append(Text('moved to the folder "{folder}"', folder=message.moved_to))
        if lines:
            click.echo(f"\n{message.sender or '-'}: {message.subject or '-'}")
            for line in lines:
                click.echo(f"  - {out.say(line)}")
