"""The commands of a round: issue, merge, status, summary and resolve."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

import click

from xlfollow.cli.frame import EXIT_CODES, Command, current_terminal, progress_bar
from xlfollow.cli.mailcommands import (
    receipt_options,
    receipts_json,
    server_options,
)
from xlfollow.cli.signincommands import prompt_of
from xlfollow.mail.receipts import ReceiptRequest
from xlfollow.messages import Text
from xlfollow.model import Definition
from xlfollow.returns.collect import FileReport, MergeReport, conflict_json
from xlfollow.workspace.folder import Workspace

__all__ = ["issue", "merge", "resolve", "said_workspace", "status", "summary"]


@click.command("issue", cls=Command, epilog=EXIT_CODES)
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--round",
    "round_text",
    required=True,
    help="The round: its number (1 for the first) or its name as in the agreement.",
)
@click.option("--again", is_flag=True, help="Issue a round that has been issued before.")
def issue(directory: Path, round_text: str, again: bool) -> None:
    """Write the master and one workbook per centre for a round, into outbox/round-N/.

    Each workbook and the value of every cell a centre can fill in are recorded in
    the ledger, so that returned workbooks can be merged against them.

    \b
    Example:
      xlfollow issue budget2018 --round 1
    """
    out, workspace = current_terminal(), said_workspace(directory)
    with progress_bar(Text("Writing")) as progress:
        result = workspace.issue(round_text, again, progress, previous=out.outstanding)
    out.echo(
        Text(
            "Issued {round}: {count} workbooks in {folder}",
            round=result.round,
            count=len(result.files),
            folder=str(result.folder),
        )
    )
    out.table(
        (Text("File"), Text("For"), Text("Items"), Text("Cells to fill")),
        [
            (f.path.name, f.recipient or Text("master"), f.items, f.editable_cells)
            for f in result.files
        ],
    )


@click.command("merge", cls=Command, epilog=EXIT_CODES)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[DIR] [FILES]...")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@receipt_options
@server_options
def merge(
    paths: tuple[Path, ...],
    as_json: bool,
    receipts: bool | None,
    as_eml: bool | None,
    **server: Any,
) -> None:
    """Merge returned workbooks into the ledger of the workspace DIR (by default the
    current folder): FILES, or the new files in its inbox/. A reply saved whole
    from the mail program (.eml, or .msg from Outlook) is opened, and each
    workbook attached to it merged.

    Every answer cell ends as accepted, unchanged, conflict (kept open, nothing
    overwritten) or refused, and every file as accepted, rejected or duplicate.
    Afterwards master.xlsx is written anew, with the open conflicts on its
    Konflikter sheet. With --receipts each file's sender gets a receipt (a file
    said again, rejected before, gets none).

    \b
    Examples:
      xlfollow merge budget2018
      xlfollow merge budget2018 ~/Downloads/03-social-og-sundhed.xlsx --json
      xlfollow merge budget2018 --receipts --smtp
    """
    directory, files = (paths[0], paths[1:]) if paths and paths[0].is_dir() else (Path("."), paths)
    workspace = Workspace(directory)
    chosen = list(files) or None
    out = current_terminal()
    asked = ReceiptRequest(receipts, as_eml, server)
    with progress_bar(Text("Merging"), visible=not as_json) as progress:
        report = workspace.merge(chosen, progress, receipts=asked, prompt=prompt_of(out))
    sent = workspace.receipts_sent
    if as_json:
        data = report.to_json()
        if sent is not None:
            data["receipts"] = receipts_json(sent)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        out.merge(report, _loaded(workspace).agreement)
        if sent is not None:
            out.receipts(sent)
    if report.needs_a_person or (sent is not None and sent.needs_a_person):
        sys.exit(3)


@click.command("status", cls=Command, epilog=EXIT_CODES)
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--round", "round_text", help="The round; by default the latest issued.")
@click.option("--json", "as_json", is_flag=True, help="Print the status as one JSON object.")
def status(directory: Path, round_text: str | None, as_json: bool) -> None:
    """Who has answered a round, what is missing, and the open conflicts, per centre.

    \b
    Example:
      xlfollow status budget2018 --round 1
    """
    workspace = Workspace(directory)
    result = workspace.status(round_text)
    conflicts = workspace.conflicts()
    if as_json:
        data = dataclasses.asdict(result)
        data["conflicts"] = [conflict_json(c) for c in conflicts]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    out = current_terminal()
    out.status(result)
    if conflicts:
        out.echo()
        out.echo(
            Text("Open conflicts ({count}); decide with xlfollow resolve:", count=len(conflicts))
        )
        out.conflicts(conflicts, _loaded(workspace).agreement)
    waiting = workspace.waiting()
    if waiting:
        out.echo()
        out.echo(
            Text(
                "Files in inbox/ not merged yet: {count} (xlfollow merge merges them).",
                count=len(waiting),
            )
        )
    if workspace.master_edited():
        out.echo()
        out.echo(
            Text(
                "{master} has edits not merged yet; they count once merged "
                "(xlfollow merge, or any command that writes the master)",
                master=str(workspace.master_path),
            )
        )
    elif workspace.master_outdated():
        out.echo()
        out.echo(
            Text(
                "{master} is missing or older than the ledger (a command stopped before "
                "writing it); xlfollow merge writes it anew.",
                master=str(workspace.master_path),
            )
        )


@click.command("summary", cls=Command, epilog=EXIT_CODES)
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--round", "round_text", help="The round; by default the latest issued.")
@click.option("--json", "as_json", is_flag=True, help="Print every figure as one JSON object.")
def summary(directory: Path, round_text: str | None, as_json: bool) -> None:
    """Milestone and economy fulfilment, budget figures, changes and what is missing.

    Prints the headline tables and writes master.xlsx anew, whose sheets Overblik,
    Økonomi, Ændringer and Mangler hold every figure as a live formula.

    \b
    Example:
      xlfollow summary budget2018 --round 2
    """
    workspace = Workspace(directory) if as_json else said_workspace(directory)
    result = workspace.summary(round_text)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return
    out = current_terminal()
    agreement = _loaded(workspace).agreement
    out.summary(result, (agreement.milestone_scale, agreement.economy_scale))
    out.echo()
    if workspace.master_path.is_file():
        out.echo(
            Text(
                "Every figure, by centre, committee and kind too: {master}",
                master=str(workspace.master_path),
            )
        )
    else:  # no round issued yet: there is no master to point at
        out.echo(Text("No round is issued yet, so there is no master.xlsx to open."))


@click.command("resolve", cls=Command, epilog=EXIT_CODES)
@click.argument("words", nargs=-1, required=True, metavar="[DIR] ITEM FIELD")
@click.option("--round", "round_text", help="The round, if the item has conflicts in several.")
@click.option(
    "--take",
    help="The answer that stands: its source as the conflict lists name it, "
    "or current or incoming.",
)
@click.option(
    "--value",
    help="A value of FIELD's own, e.g. 'Opfyldt' or '-0,5'; the answer's other "
    "fields stay as they are now.",
)
def resolve(
    words: tuple[str, ...],
    round_text: str | None,
    take: str | None,
    value: str | None,
) -> None:
    """Decide an open conflict on ITEM's answer, named by FIELD: one of its fields, by
    code or as the sheets name it: milestone ("Milepæl") or milestone_note ("Status
    milepæl") for the milestone; economy, economy_note or deviation for the economy.

    A smiley and its notes are one answer, decided whole.

    \b
    Examples:
      xlfollow resolve budget2018 3.31.2 milestone --take "Social og Sundhed"
      xlfollow resolve budget2018 3.31.2 "Status milepæl" --take incoming
      xlfollow resolve budget2018 3.31.2 deviation --value -0,5
    """
    out = current_terminal()
    if len(words) not in (2, 3):
        raise click.UsageError(
            out.say(Text("give ITEM and FIELD, after the workspace folder if it is not here"))
        )
    directory, item, field = (".", *words) if len(words) == 2 else words
    workspace = said_workspace(directory)
    decision = workspace.resolve(item, field, round_text, take, value)
    out.decision(decision, _loaded(workspace).agreement)


def said_workspace(directory: Path | str) -> Workspace:
    """The workspace of a command that writes master.xlsx anew: finance's edits in it,
    merged first, are said, as merge says a file."""
    out = current_terminal()
    workspace = Workspace(directory)

    def said(report: FileReport) -> None:
        out.echo(
            Text(
                "{master} had been edited: its changes were merged first.",
                master=str(workspace.master_path),
            )
        )
        out.files(MergeReport([report]))
        out.echo()

    workspace.on_master_edits = said
    return workspace


def _loaded(workspace: Workspace) -> Definition:
    """The definition the command just worked with, to show its results by: loaded
    once per command, not again to print."""
    return workspace.loaded or workspace.load()
