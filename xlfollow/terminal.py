"""What the commands print: tables and reports, plain text when piped.

click.echo leaves out the colours when the output is not a terminal.
"""

from __future__ import annotations

from pathlib import Path

import click

from xlfollow.collect import MergeReport
from xlfollow.demo import DemoResult
from xlfollow.mailing import MailReport
from xlfollow.summary import Summary
from xlfollow.workspace import Overview

__all__ = [
    "amount",
    "print_demo",
    "print_mail",
    "print_merge",
    "print_overview",
    "print_summary",
    "table",
]


def print_merge(report: MergeReport) -> None:
    """A merge: a line per file with its verdict and cell counts, then what is open."""
    if not report.files:
        click.echo("No new files to merge.")
    table(
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
        table(
            ("Item", "Field", "Current", "Current source", "Incoming", "Incoming source"),
            [
                (c.item, c.field, c.current, c.current_source, c.incoming, c.incoming_source)
                for c in report.conflicts
            ],
        )


def print_demo(result: DemoResult) -> None:
    """What the demo did, and where in the master each staged event shows."""
    echo, path = click.echo, result.workspace.path
    master = result.workspace.master_path
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


def print_summary(result: Summary) -> None:
    """The headline figures of a round: milestones by chapter, economy, budget."""
    echo = click.echo
    echo(click.style(f"Milestones, {result.round}", bold=True))
    states = list(result.milestones["total"][""])
    rows: list[tuple[str | int, ...]] = [
        (name, *counts.values(), sum(counts.values()))
        for name, counts in result.milestones["chapter"].items()
    ]
    total = result.milestones["total"][""]
    rows.append(("Total", *total.values(), sum(total.values())))
    table(("Chapter", *states, "items"), rows)
    echo()
    economy = result.economy["total"][""]
    echo(
        click.style("Economy smileys: ", bold=True)
        + ", ".join(f"{k} {v}" for k, v in economy.items())
    )
    budget = result.budget["total"][""]
    if budget.years:
        echo()
        table(
            ("Budget (mio. kr.)", "spending", "savings", "net"),
            [
                (str(year), amount(spending), amount(savings), amount(spending + savings))
                for year, (spending, savings) in sorted(budget.years.items())
            ],
        )
    if result.budget_year is not None:
        at_risk = amount(budget.at_risk)
        echo(f"At risk in {result.budget_year} (economy not kept): {at_risk} mio. kr.")
    echo(f"Expected deviation entered by the centres: {amount(budget.expected_deviation)} mio. kr.")
    worse = sum(1 for change in result.changes if change.steps > 0)
    echo(
        f"Since the previous round: {worse} smileys worse, "
        f"{len(result.changes) - worse} better. Still missing: {len(result.missing)} items."
    )


def amount(value: float) -> str:
    """An amount in mio. kr. with three decimals."""
    return f"{value:,.3f}"


def print_mail(report: MailReport) -> None:
    """A send or a reminder: a line per centre, drafted, sent, failed or skipped."""
    done = {"eml": "draft", "smtp": "sent", "dry-run": "would send"}[report.how]
    rows: list[tuple[str | int, ...]] = [(c, a, done, w) for c, a, w in report.done]
    rows += [(c, a, "FAILED", why) for c, a, why in report.failed]
    rows += [(c, "", "skipped", why) for c, why in report.skipped]
    if rows:
        table(("Centre", "Address", "", "Draft, message id, subject or reason"), rows)
    else:
        click.echo(f"Nobody to write to for {report.round}.")


def print_overview(overview: Overview) -> None:
    """What check found in a sound workspace: chapters, centres, rounds, notes."""
    echo = click.echo
    echo(click.style(overview.title, bold=True))
    echo(
        f"{overview.items} items in {len(overview.chapters)} chapters, "
        f"{len(overview.centres)} centres, {overview.committees} committees, "
        f"{len(overview.rounds)} rounds."
    )
    echo()
    table(("Chapter", "Sheet", "Items"), [(c[0], c[2], c[3]) for c in overview.chapters])
    echo()
    table(
        ("Centre", "Code", "Email", "Items"),
        [(n, c, e or "-", k) for n, c, e, k in overview.centres],
    )
    echo()
    table(("Round", "Deadline", "Milestones"), [(n, d or "-", k) for n, d, k in overview.rounds])
    if overview.notes:
        echo("\nWorth a look:")
        for note in overview.notes:
            echo(f"  - {note}")
    echo(click.style("\nThe workspace is sound.", fg="green"))


def table(headers: tuple[str, ...], rows: list[tuple[str | int, ...]]) -> None:
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
