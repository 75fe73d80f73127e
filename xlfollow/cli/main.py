"""The `xlfollow` command: parse the arguments, call the workspace, print the result."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import click

from xlfollow.cli.frame import Group, current_terminal, progress_bar, set_language
from xlfollow.definition.agreementwriter import write_agreement
from xlfollow.definition.textimport import import_text_file
from xlfollow.definition.todo import todo_path, write_todo
from xlfollow.demo.run import run_demo
from xlfollow.errors import XlfollowError
from xlfollow.messages import LANGUAGE_VARIABLE, Joined, Language, Text
from xlfollow.model import Definition
from xlfollow.returns.collect import FileReport, MergeReport, conflict_json
from xlfollow.workspace.folder import Workspace, example_names

__all__ = ["cli", "main"]

EXIT_CODES = """\b
Exit status:
  0  done, or the workspace is sound
  1  an error stopped the run: the message says which file, line and what to do
     (an unexpected failure too: run again with --debug and report it)
  2  the command line is wrong (unknown option, missing argument)
  3  merge: done, but something needs a person (a rejected file, a refused
     cell, an open conflict); send, remind: a message failed or a centre has
     no address"""


@click.group(cls=Group, epilog=EXIT_CODES)
@click.version_option(version("xlfollow"), prog_name="xlfollow")
@click.option("--debug", is_flag=True, help="Show a traceback when something fails.")
@click.option(
    "--language",
    type=click.Choice([language.value for language in Language]),
    envvar=LANGUAGE_VARIABLE,
    is_eager=True,
    expose_value=False,
    callback=set_language,
    help=f"What the terminal speaks: da (dansk) or en. Also {LANGUAGE_VARIABLE}; "
    "by default Danish for a Danish locale, else English.",
)
def cli(debug: bool) -> None:
    """Follow up a municipal budget agreement through Excel workbooks.

    A workspace is a folder with the agreement (agreement.yaml), its settings
    (xlfollow.toml) and the ledger of everything issued and received.

    \b
    A round:
      xlfollow init budget2018 --example ballerup-2018
      xlfollow check budget2018
      xlfollow issue budget2018 --round 1
      xlfollow send budget2018 --round 1      (or --smtp)
      (save the centres' returns in budget2018/inbox/)
      xlfollow merge budget2018
      xlfollow status budget2018
      xlfollow summary budget2018
      xlfollow remind budget2018 --round 1

    To see it all on the bundled example first:  xlfollow demo example-workspace
    """


@cli.command(epilog=EXIT_CODES)
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--example",
    type=click.Choice(example_names()),
    default="small",
    show_default=True,
    help="The bundled agreement to start from.",
)
@click.option(
    "--from-text",
    "report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Import the agreement from a follow-up report saved as text instead.",
)
def init(directory: Path, example: str, report: Path | None) -> None:
    """Create a workspace in DIRECTORY (new or empty) with an agreement to start from.

    \b
    Examples:
      xlfollow init budget2018
      xlfollow init budget2018 --example ballerup-2018
      xlfollow init budget2019 --from-text opfoelgning.txt
    """
    out = current_terminal()
    if report is not None:
        workspace, import_report = Workspace.init_from_text(directory, report)
        for line in import_report.lines(out.language):
            click.echo(line)
        if import_report.unsure:
            out.echo(
                Text(
                    "What is worth a look is kept in {file}; `xlfollow check` repeats it until "
                    "it is dealt with.",
                    file=str(todo_path(workspace.path / "agreement.yaml")),
                )
            )
        source = Text("the text of {file}", file=str(report))
    else:
        workspace = Workspace.init(directory, example)
        source = Text("the example {name}", name=example)
    out.echo(
        Text("Created the workspace {path} from {source}.", path=str(workspace.path), source=source)
    )
    out.echo(Text("Next: edit agreement.yaml and xlfollow.toml there, then run"))
    click.echo(f"  xlfollow check {workspace.path}")


@cli.command("import-text", epilog=EXIT_CODES)
@click.argument("report", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("agreement.yaml"),
    show_default=True,
    help="Where to write the agreement.",
)
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def import_text(report: Path, output: Path, force: bool) -> None:
    """Read a follow-up report saved as text (REPORT) and write its agreement as YAML.

    Every item heading in the text is counted; if one cannot be read, nothing is
    written and each problem is listed with its line. What the import was unsure
    of (budget figures without a year, say) is listed for a person to decide, and
    kept beside the output (agreement-todo.yaml) for `check` to repeat.

    \b
    Example:
      xlfollow import-text opfoelgning.txt -o agreement.yaml
    """
    if output.exists() and not force:
        raise XlfollowError(
            Text("{file} exists; give another -o, or --force to overwrite it", file=str(output))
        )
    out = current_terminal()
    agreement, import_report = import_text_file(report)
    write_agreement(agreement, output, f"Imported by xlfollow import-text from {report.name}.")
    todo = todo_path(output)
    write_todo(todo, import_report.unsure, agreement, out.language, report.name)
    for line in import_report.lines(out.language):
        click.echo(line)
    out.echo(Text("Wrote {file}.", file=str(output)))
    if import_report.unsure:
        out.echo(
            Text(
                "What is worth a look is kept in {file}; `xlfollow check` repeats it until "
                "it is dealt with.",
                file=str(todo),
            )
        )


@cli.command(epilog=EXIT_CODES)
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--seen",
    "seen",
    multiple=True,
    metavar="ITEM",
    help="Mark what the import left to do about an item as seen (repeat it; 'all' for all).",
)
def check(directory: Path, seen: tuple[str, ...]) -> None:
    """Check the agreement and settings of a workspace and give an overview.

    Every problem of both files is listed with its file and line, and so is what
    the import of a report's text was unsure of, until it is dealt with. DIRECTORY
    is the workspace, by default the current folder.

    \b
    Examples:
      xlfollow check budget2018
      xlfollow check budget2018 --seen 3.04 --seen 6.23
    """
    out = current_terminal()
    workspace = Workspace(directory)
    if seen:
        marked = workspace.mark_seen(list(seen))
        out.echo(Text("Entries marked as seen: {count}.", count=marked))
    out.overview(workspace.check())


@cli.command("issue", epilog=EXIT_CODES)
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
    out, workspace = current_terminal(), _said_workspace(directory)
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


@cli.command("merge", epilog=EXIT_CODES)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[DIR] [FILES]...")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
def merge(paths: tuple[Path, ...], as_json: bool) -> None:
    """Merge returned workbooks into the ledger of the workspace DIR (by default the
    current folder): FILES, or the new files in its inbox/.

    Every answer cell ends as accepted, unchanged, conflict (kept open, nothing
    overwritten) or refused, and every file as accepted, rejected or duplicate.
    Afterwards master.xlsx is written anew, with the open conflicts on its
    Konflikter sheet.

    \b
    Examples:
      xlfollow merge budget2018
      xlfollow merge budget2018 ~/Downloads/03-social-og-sundhed.xlsx --json
    """
    directory, files = (paths[0], paths[1:]) if paths and paths[0].is_dir() else (Path("."), paths)
    workspace = Workspace(directory)
    chosen = list(files) or None
    out = current_terminal()
    with progress_bar(Text("Merging"), shown=not as_json) as progress:
        report = workspace.merge(chosen, progress)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        out.merge(report, _loaded(workspace).agreement)
    if report.needs_a_person:
        sys.exit(3)


@cli.command("status", epilog=EXIT_CODES)
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


@cli.command("demo", epilog=EXIT_CODES)
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def demo(directory: Path) -> None:
    """Run a whole round on the bundled Ballerup 2018 example, centres simulated.

    Creates a workspace in DIRECTORY (new or empty), issues round 1, fills in
    every centre's workbook as centres would (the same way each time), merges
    them, and says what happened and where to look. It stages one centre late,
    one correction sent twice, one conflict between two centres and one value
    no smiley list has: the demo exits 0 when they all show as designed.

    \b
    Example:
      xlfollow demo example-workspace
    """
    out = current_terminal()
    result = run_demo(directory)
    out.demo(result)
    problems = result.problems()
    if problems:
        raise XlfollowError(
            Text(
                "the demo did not run as designed: {problems}. Please report it.",
                problems=Joined(problems),
            )
        )


@cli.command("summary", epilog=EXIT_CODES)
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
    workspace = Workspace(directory) if as_json else _said_workspace(directory)
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


def _mail_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options send and remind share: the way out, and the mail server."""
    options = [
        click.option("--round", "round_text", required=True, help="The round: its number or name."),
        click.option(
            "--eml/--smtp",
            "as_eml",
            default=True,
            help="Write .eml drafts in outbox/round-N/mail/ (the default), or send "
            "through the mail server of [smtp] in xlfollow.toml.",
        ),
        click.option("--dry-run", is_flag=True, help="Say who would get what; send nothing."),
        click.option("--host", help="The mail server, instead of [smtp] host."),
        click.option("--port", type=int, help="Its port (default 587, 465 for tls, 25 for none)."),
        click.option(
            "--security", type=click.Choice(["starttls", "tls", "none"]), help="How to connect."
        ),
        click.option("--user", help="The login; the password comes from XLFOLLOW_SMTP_PASSWORD."),
        click.option("--sender", help="The From address."),
        click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path)),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@cli.command("send", epilog=EXIT_CODES)
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
    how = "dry-run" if dry_run else ("eml" if as_eml else "smtp")
    with progress_bar(Text("Sending")) as progress:
        report = workspace.send(round_text, how, again, progress=progress, **server)
    out.mail(report)
    if report.needs_a_person:
        click.get_current_context().exit(3)


@cli.command("remind", epilog=EXIT_CODES)
@_mail_options
def remind(directory: Path, round_text: str, as_eml: bool, dry_run: bool, **server: Any) -> None:
    """A reminder to each centre with unanswered items or open conflicts in a round.

    It lists the items by number and title and attaches the workbook again.

    \b
    Example:
      xlfollow remind budget2018 --round 1 --smtp
    """
    out, workspace = current_terminal(), Workspace(directory)
    how = "dry-run" if dry_run else ("eml" if as_eml else "smtp")
    with progress_bar(Text("Sending")) as progress:
        report = workspace.remind(round_text, how, progress=progress, **server)
    out.mail(report)
    if report.needs_a_person:
        click.get_current_context().exit(3)


@cli.command("resolve", epilog=EXIT_CODES)
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
    workspace = _said_workspace(directory)
    decision = workspace.resolve(item, field, round_text, take, value)
    out.decision(decision, _loaded(workspace).agreement)


def _said_workspace(directory: Path | str) -> Workspace:
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


def main() -> None:
    """Run the command line."""
    cli(prog_name="xlfollow")
