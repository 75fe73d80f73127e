"""The commands that set a workspace up: init, import-text, import-docx and check."""

from __future__ import annotations

from pathlib import Path

import click

from xlfollow.cli.frame import EXIT_CODES, Command, current_terminal
from xlfollow.definition.agreementwriter import write_agreement
from xlfollow.definition.textimport import ImportReport, import_text_file
from xlfollow.definition.todo import todo_path, write_todo
from xlfollow.errors import XlfollowError
from xlfollow.messages import Text
from xlfollow.model import Agreement
from xlfollow.workspace.folder import Workspace, example_names

__all__ = ["check", "import_docx", "import_text", "init"]


# The options of both imports.
_OUTPUT = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("agreement.yaml"),
    show_default=True,
    help="Where to write the agreement.",
)
_FORCE = click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")


@click.command(cls=Command, epilog=EXIT_CODES)
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
@click.option(
    "--ledger",
    default="",
    metavar="URL",
    help="Keep the ledger in this PostgreSQL database (postgresql://server:5432/budget), "
    "for a team, instead of in the workspace's folder.",
)
def init(directory: Path, example: str, report: Path | None, ledger: str) -> None:
    """Create a workspace in DIRECTORY (new or empty) with an agreement to start from.

    \b
    Examples:
      xlfollow init budget2018
      xlfollow init budget2018 --example ballerup-2018
      xlfollow init budget2019 --from-text opfoelgning.txt
    """
    out = current_terminal()
    if report is not None:
        workspace, import_report = Workspace.init_from_text(directory, report, ledger)
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
        workspace = Workspace.init(directory, example, ledger=ledger)
        source = Text("the example {name}", name=example)
    out.echo(
        Text("Created the workspace {path} from {source}.", path=str(workspace.path), source=source)
    )
    out.echo(Text("Next: edit agreement.yaml and xlfollow.toml there, then run"))
    click.echo(f"  xlfollow check {workspace.path}")


@click.command("import-text", cls=Command, epilog=EXIT_CODES)
@click.argument("report", type=click.Path(dir_okay=False, path_type=Path))
@_OUTPUT
@_FORCE
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
    _refuse_to_overwrite(output, force)
    if report.suffix.casefold() in (".docx", ".docm", ".doc"):
        raise XlfollowError(
            Text(
                "{file} is a Word file, not a report saved as text; read it with "
                "xlfollow import-docx {file} -o {output}",
                file=str(report),
                output=str(output),
            )
        )
    agreement, import_report = import_text_file(report)
    _write_import(agreement, import_report, report, output, "import-text")


@click.command("import-docx", cls=Command, epilog=EXIT_CODES)
@click.argument("report", type=click.Path(dir_okay=False, path_type=Path))
@_OUTPUT
@_FORCE
def import_docx(report: Path, output: Path, force: bool) -> None:
    """Read the council's report as a Word file (REPORT.docx) and write its agreement as YAML.

    The report is read as `xlfollow report` writes it: the items' headings and
    tables, the reading guide's smileys and the overview's centres and committees.
    A municipality's own Word file in the same form is read too, its budget from
    the texts. If an item's table cannot be read, nothing is written and each
    problem is listed with the item and the table's row. What the import was
    unsure of is kept beside the output (agreement-todo.yaml) for `check` to repeat.

    \b
    Example:
      xlfollow import-docx opfoelgning.docx -o agreement.yaml
    """
    # Here, not at the top: python-docx and lxml are loaded only by this command.
    from xlfollow.definition.docximport import import_docx_file

    _refuse_to_overwrite(output, force)
    agreement, import_report = import_docx_file(report)
    _write_import(agreement, import_report, report, output, "import-docx")


def _refuse_to_overwrite(output: Path, force: bool) -> None:
    if output.exists() and not force:
        raise XlfollowError(
            Text("{file} exists; give another -o, or --force to overwrite it", file=str(output))
        )


def _write_import(
    agreement: Agreement, import_report: ImportReport, report: Path, output: Path, command: str
) -> None:
    """Write an imported agreement and its to-do list, and say what was found."""
    out = current_terminal()
    write_agreement(agreement, output, f"Imported by xlfollow {command} from {report.name}.")
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


@click.command(cls=Command, epilog=EXIT_CODES)
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
