"""The command that writes the council's report: report."""

from __future__ import annotations

from pathlib import Path

import click

from xlfollow.cli.frame import EXIT_CODES, Command, current_terminal
from xlfollow.cli.roundcommands import said_workspace
from xlfollow.danish import parse_date
from xlfollow.errors import ValueProblem, XlfollowError
from xlfollow.messages import Text
from xlfollow.workspace.reporting import ReportFormat

__all__ = ["report"]


@click.command("report", cls=Command, epilog=EXIT_CODES)
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--round", "round_text", help="The round; by default the latest issued.")
@click.option(
    "--format",
    "how",
    type=click.Choice([f.value for f in ReportFormat]),
    default=ReportFormat.DOCX.value,
    show_default=True,
    help="docx: the Word document; pdf: a tagged PDF, made from it by LibreOffice; both: the two.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write (.docx or .pdf, the other beside it); by default "
    "reports/opfoelgning-runde-N in the workspace.",
)
@click.option("--date", "dated", help="The report's date, e.g. 2018-04-05; by default today.")
def report(
    directory: Path, round_text: str | None, how: str, output: Path | None, dated: str | None
) -> None:
    """The council's report of a round: the follow-up as a Word document and a PDF.

    In the form of the report the council has always read: a front page with the
    reading guide, an overview of the round's figures, then per chapter every item
    with its texts, milestones, smileys and notes, the earlier rounds' smileys kept.
    Its styles, header and footer come from report-template.docx (the bundled one, or
    the municipality's in the workspace); its texts from report.yaml.

    \b
    Examples:
      xlfollow report budget2018 --round 1
      xlfollow report budget2018 --format pdf -o byraad-april.pdf
    """
    out = current_terminal()
    day = None
    if dated is not None:
        try:
            day = parse_date(dated)
        except ValueProblem as exc:
            raise XlfollowError(Text("--date {why}", why=exc.text)) from None
    workspace = said_workspace(directory)
    result = workspace.report(round_text, ReportFormat(how), output, day)
    out.echo(Text("Wrote the report of {round}:", round=result.round))
    for written in (result.docx, result.pdf):
        if written is not None:
            click.echo(f"  {written}")
    if result.open_conflicts:
        out.echo(
            Text(
                "Answers of {round} in conflict, not yet decided: {count}. The report shows "
                "the current answer of each; `xlfollow status` lists them. Decide them with "
                "`xlfollow resolve` and write the report again.",
                count=result.open_conflicts,
                round=result.round,
            )
        )
