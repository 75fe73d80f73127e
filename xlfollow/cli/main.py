"""The `xlfollow` command: parse the arguments, call the workspace, print the result."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import click

from xlfollow.cli.fetchcommand import fetch
from xlfollow.cli.frame import EXIT_CODES, Group, current_terminal, set_language
from xlfollow.cli.ledgercommands import ledger
from xlfollow.cli.mailcommands import remind, send
from xlfollow.cli.reportcommands import report
from xlfollow.cli.roundcommands import issue, merge, resolve, status, summary
from xlfollow.cli.setupcommands import check, import_docx, import_text, init
from xlfollow.cli.signincommands import signin, signout
from xlfollow.errors import XlfollowError
from xlfollow.messages import LANGUAGE_VARIABLE, Joined, Language, Text

__all__ = ["cli", "main"]


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
      xlfollow report budget2018              (the council's report, Word and PDF)

    To see it all on the bundled example first:  xlfollow demo example-workspace
    """


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
    from xlfollow.demo.run import run_demo  # here: the other commands need not import it

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


for command in (
    init,
    import_text,
    import_docx,
    check,
    issue,
    merge,
    fetch,
    status,
    summary,
    report,
    send,
    remind,
    resolve,
    signin,
    signout,
    ledger,
):
    cli.add_command(command)


def main() -> None:
    """Run the command line."""
    cli(prog_name="xlfollow")
