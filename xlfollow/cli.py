"""The `xlfollow` command: parse the arguments, call the workspace, print the result."""

from __future__ import annotations

import dataclasses
import json
import sys
import traceback
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import click

from xlfollow.agreement import write_agreement
from xlfollow.collect import MergeReport
from xlfollow.demo import DemoResult, run_demo
from xlfollow.errors import XlfollowError
from xlfollow.mailing import MailReport, with_smtp
from xlfollow.summary import Summary
from xlfollow.textimport import import_text_file
from xlfollow.workspace import Overview, Workspace, example_names

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


class _Group(click.Group):
    """Turns xlfollow's own errors into one clean message and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except XlfollowError as exc:
            if ctx.find_root().params.get("debug"):
                raise
            click.secho(f"Error: {exc}", fg="red", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, BrokenPipeError):
            # A closed pipe (`xlfollow ... | head`) is click's to handle: it exits quietly.
            raise
        except Exception:
            if ctx.find_root().params.get("debug"):
                raise
            error = traceback.format_exception_only(*sys.exc_info()[:2])[-1].strip()
            click.secho(
                f"xlfollow failed unexpectedly: {error}\n"
                "Run the same command with --debug to see where, and report it.",
                fg="red",
                err=True,
            )
            ctx.exit(1)


@click.group(cls=_Group, epilog=EXIT_CODES)
@click.version_option(version("xlfollow"), prog_name="xlfollow")
@click.option("--debug", is_flag=True, help="Show a traceback when something fails.")
def cli(debug: bool) -> None:
    """Follow up a municipal budget agreement through Excel workbooks.

    A workspace is a folder with the agreement (agreement.yaml), its settings
    (xlfollow.toml) and the ledger of everything issued and received.

    \b
    A round:
      xlfollow init budget2018 --example ballerup-2018
      xlfollow check budget2018
      xlfollow issue budget2018 --round 1
      (mail outbox/round-1/ to the centres; save their returns in inbox/)
      xlfollow merge budget2018
      xlfollow status budget2018
      xlfollow summary budget2018
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
    if report is not None:
        workspace, import_report = Workspace.init_from_text(directory, report)
        for line in import_report.lines():
            click.echo(line)
        source = f"the text of {report}"
    else:
        workspace = Workspace.init(directory, example)
        source = f"the example {example}"
    click.echo(f"Created the workspace {workspace.path} from {source}.")
    click.echo("Next: edit agreement.yaml and xlfollow.toml there, then run")
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
    of (budget figures without a year, say) is listed for a person to decide.

    \b
    Example:
      xlfollow import-text opfoelgning.txt -o agreement.yaml
    """
    if output.exists() and not force:
        raise XlfollowError(f"{output} exists; give another -o, or --force to overwrite it")
    agreement, import_report = import_text_file(report)
    write_agreement(agreement, output, f"Imported by xlfollow import-text from {report.name}.")
    for line in import_report.lines():
        click.echo(line)
    click.echo(f"Wrote {output}.")


@cli.command(epilog=EXIT_CODES)
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
def check(directory: Path) -> None:
    """Check the agreement and settings of a workspace and give an overview.

    Every problem of both files is listed with its file and line. DIRECTORY is the
    workspace, by default the current folder.

    \b
    Example:
      xlfollow check budget2018
    """
    _print_overview(Workspace(directory).check())


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
    result = Workspace(directory).issue(round_text, again)
    click.echo(f"Issued {result.round}: {len(result.files)} workbooks in {result.folder}")
    _table(
        ("File", "For", "Items", "Cells to fill"),
        [(f.path.name, f.recipient or "master", f.items, f.editable_cells) for f in result.files],
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
    if as_json or not sys.stderr.isatty():
        report = workspace.merge(chosen)
    else:
        with click.progressbar(length=len(files) or 1, label="Merging", file=sys.stderr) as bar:
            report = workspace.merge(chosen, progress=lambda _: bar.update(1))
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        _print_merge(report)
    if report.needs_a_person:
        sys.exit(3)


def _print_merge(report: MergeReport) -> None:
    if not report.files:
        click.echo("No new files to merge.")
    _table(
        ("File", "Centre", "Verdict", "Accepted", "Unchanged", "Conflict", "Refused"),
        [
            (
                Path(r.path).name,
                r.centre if r.centre is not None else "-",
                r.verdict,
                r.cells["accepted"],
                r.cells["unchanged"],
                r.cells["conflict"],
                r.cells["refused"],
            )
            for r in report.files
        ],
    )
    for r in report.files:
        lines = ([r.reason] if r.reason else []) + [p["reason"] for p in r.problems] + r.notes
        if lines:
            click.echo(f"\n{r.path}:")
            for line in lines:
                click.echo(f"  - {line}")
    if report.conflicts:
        click.echo(f"\nOpen conflicts ({len(report.conflicts)}); decide with xlfollow resolve:")
        _table(
            ("Item", "Field", "Current", "Current source", "Incoming", "Incoming source"),
            [
                (c.item, c.field, c.current, c.current_source, c.incoming, c.incoming_source)
                for c in report.conflicts
            ],
        )


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
    result = Workspace(directory).status(round_text)
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(result), ensure_ascii=False, indent=2))
        return
    click.echo(f"{result.round} (deadline {result.deadline or '-'})")
    _table(
        ("Centre", "Received", "Answered", "Missing", "Conflicts", "Overdue"),
        [
            (
                c.centre,
                len(c.received),
                c.answered,
                len(c.missing),
                c.conflicts,
                "yes" if c.overdue else "",
            )
            for c in result.centres
        ],
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
    result = run_demo(directory)
    _print_demo(result)
    problems = result.problems()
    if problems:
        raise click.ClickException(
            "the demo did not run as designed: " + "; ".join(problems) + ". Please report it."
        )


def _print_demo(result: DemoResult) -> None:
    echo, path = click.echo, result.workspace.path
    master = path / "master.xlsx"
    first, correction = result.first, result.correction
    reports = [*first.files, *correction.files]
    totals = {
        o: sum(r.cells[o] for r in reports)
        for o in ("accepted", "unchanged", "conflict", "refused")
    }
    echo(click.style(f"xlfollow demo: {result.round} of the Ballerup 2018 agreement", bold=True))
    echo(f"Workspace: {path}")
    outbox = path / "outbox" / "round-1"
    echo(f"Issued {result.issued} workbooks (the master and one per centre) in {outbox}")
    echo(
        f"Received {len(reports)} files from {len({r.centre for r in reports})} centres, "
        "filled in by simulated centres (inbox/)."
    )
    echo(
        f"Merged: {totals['accepted']} cells taken, {totals['unchanged']} unchanged, "
        f"{totals['conflict']} in conflict, {totals['refused']} refused."
    )
    echo()
    centre, item, value = result.invalid
    echo(click.style("What to look at", bold=True))
    echo(
        f"- A value no list has: {centre} typed {value!r} as the smiley of item {item}. "
        "The cell was refused, the rest of the file taken:"
    )
    for problem in result.refused:
        echo(f"    {problem['reason']}")
    echo(
        f"- A correction: {result.corrected} sent its workbook again with the smiley put "
        "right; the second file superseded the first (sheet Modtaget, newest first)."
    )
    staged = result.conflict
    echo(
        f"- A conflict: item {staged.item}'s milestone was answered by {staged.responsible} "
        f"and, differently, by the contributing centre {staged.contributor}. Nothing was "
        "overwritten: it waits in sheet Konflikter, where a decision can be chosen, or:"
    )
    echo(f'    xlfollow resolve {path} {staged.item} milestone --take "{staged.responsible}"')
    missing = next(c for c in result.status.centres if c.centre == result.late)
    echo(
        f"- A late centre: {result.late} has not answered; its {len(missing.missing)} "
        "missing smileys are listed, with its email, in sheet Mangler, and by:"
    )
    echo(f"    xlfollow status {path}")
    echo()
    echo(f"Open {master}: sheet Overblik has the figures and charts, Økonomi the budget.")
    echo(f"Or print them: xlfollow summary {path}")


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
    workspace = Workspace(directory)
    result = workspace.summary(round_text)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return
    _print_summary(result)
    click.echo(
        f"\nEvery figure, by centre, committee and kind too: {workspace.path / 'master.xlsx'}"
    )


def _print_summary(result: Summary) -> None:
    echo = click.echo
    echo(click.style(f"Milestones, {result.round}", bold=True))
    states = list(result.milestones["total"][""])
    rows: list[tuple[str | int, ...]] = [
        (name, *counts.values(), sum(counts.values()))
        for name, counts in result.milestones["chapter"].items()
    ]
    total = result.milestones["total"][""]
    rows.append(("Total", *total.values(), sum(total.values())))
    _table(("Chapter", *states, "items"), rows)
    echo()
    economy = result.economy["total"][""]
    echo(
        click.style("Economy smileys: ", bold=True)
        + ", ".join(f"{k} {v}" for k, v in economy.items())
    )
    budget = result.budget["total"][""]
    if budget.years:
        echo()
        _table(
            ("Budget (mio. kr.)", "spending", "savings", "net"),
            [
                (str(year), _amount(spending), _amount(savings), _amount(spending + savings))
                for year, (spending, savings) in sorted(budget.years.items())
            ],
        )
    if result.budget_year is not None:
        at_risk = _amount(budget.at_risk)
        echo(f"At risk in {result.budget_year} (economy not kept): {at_risk} mio. kr.")
    echo(
        f"Expected deviation entered by the centres: {_amount(budget.expected_deviation)} mio. kr."
    )
    worse = sum(1 for change in result.changes if change.steps > 0)
    echo(
        f"Since the previous round: {worse} smileys worse, "
        f"{len(result.changes) - worse} better. Still missing: {len(result.missing)} items."
    )


def _amount(value: float) -> str:
    return f"{value:,.3f}"


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
    workspace = Workspace(directory)
    how = "dry-run" if dry_run else ("eml" if as_eml else "smtp")
    smtp = with_smtp(workspace.load().settings.smtp, **server)
    _print_mail(workspace.send(round_text, how, again, smtp))


@cli.command("remind", epilog=EXIT_CODES)
@_mail_options
def remind(directory: Path, round_text: str, as_eml: bool, dry_run: bool, **server: Any) -> None:
    """A reminder to each centre with unanswered items or open conflicts in a round.

    It lists the items by number and title and attaches the workbook again.

    \b
    Example:
      xlfollow remind budget2018 --round 1 --smtp
    """
    workspace = Workspace(directory)
    how = "dry-run" if dry_run else ("eml" if as_eml else "smtp")
    smtp = with_smtp(workspace.load().settings.smtp, **server)
    _print_mail(workspace.remind(round_text, how, smtp))


def _print_mail(report: MailReport) -> None:
    done = {"eml": "draft", "smtp": "sent", "dry-run": "would send"}[report.how]
    rows: list[tuple[str | int, ...]] = [(c, a, done, w) for c, a, w in report.done]
    rows += [(c, a, "FAILED", why) for c, a, why in report.failed]
    rows += [(c, "", "skipped", why) for c, why in report.skipped]
    if rows:
        _table(("Centre", "Address", "", "Draft, message id, subject or reason"), rows)
    else:
        click.echo(f"Nobody to write to for {report.round}.")
    if report.needs_a_person:
        click.get_current_context().exit(3)


@cli.command("resolve", epilog=EXIT_CODES)
@click.argument("words", nargs=-1, required=True, metavar="[DIR] ITEM FIELD")
@click.option("--round", "round_text", help="The round, if the item has conflicts in several.")
@click.option("--take", help="The source whose value stands, as the conflict report names it.")
@click.option("--value", help="The value that stands instead, e.g. 'Opfyldt' or '-0,5'.")
def resolve(
    words: tuple[str, ...],
    round_text: str | None,
    take: str | None,
    value: str | None,
) -> None:
    """Decide an open conflict on ITEM's FIELD (milestone, milestone_note, economy,
    economy_note, deviation).

    \b
    Examples:
      xlfollow resolve budget2018 3.31.2 milestone --take "Social og Sundhed"
      xlfollow resolve budget2018 3.31.2 deviation --value -0,5
    """
    if len(words) not in (2, 3):
        raise click.UsageError("give ITEM and FIELD, after the workspace folder if it is not here")
    directory, item, field = (".", *words) if len(words) == 2 else words
    conflict = Workspace(directory).resolve(item, field, round_text, take, value)
    click.echo(f"Resolved item {conflict.item} {conflict.field} ({conflict.round}).")


def _print_overview(overview: Overview) -> None:
    echo = click.echo
    echo(click.style(overview.title, bold=True))
    echo(
        f"{overview.items} items in {len(overview.chapters)} chapters, "
        f"{len(overview.centres)} centres, {overview.committees} committees, "
        f"{len(overview.rounds)} rounds."
    )
    echo()
    _table(("Chapter", "Sheet", "Items"), [(c[0], c[2], c[3]) for c in overview.chapters])
    echo()
    _table(
        ("Centre", "Code", "Email", "Items"),
        [(n, c, e or "-", k) for n, c, e, k in overview.centres],
    )
    echo()
    _table(("Round", "Deadline", "Milestones"), [(n, d or "-", k) for n, d, k in overview.rounds])
    if overview.notes:
        echo("\nWorth a look:")
        for note in overview.notes:
            echo(f"  - {note}")
    echo(click.style("\nThe workspace is sound.", fg="green"))


def _table(headers: tuple[str, ...], rows: list[tuple[str | int, ...]]) -> None:
    """Print rows under headers in aligned columns; numbers to the right."""
    cells = [headers, *(tuple(str(cell) for cell in row) for row in rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [all(isinstance(row[i], int) for row in rows) for i in range(len(headers))]
    for index, row in enumerate(cells):
        line = "  ".join(
            cell.rjust(width) if right else cell.ljust(width)
            for cell, width, right in zip(row, widths, numeric, strict=True)
        )
        click.echo(click.style(line.rstrip(), bold=True) if index == 0 else line.rstrip())


def main() -> None:
    """Run the command line."""
    cli(prog_name="xlfollow")
