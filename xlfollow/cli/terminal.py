"""What the commands print, in the terminal's language: Terminal gathers the merge's
output (mergeoutput) and a round's (roundoutput), and prints what check and demo found;
console.py says how anything is printed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from xlfollow.cli.mergeoutput import MergeOutput
from xlfollow.cli.roundoutput import RoundOutput
from xlfollow.messages import Text
from xlfollow.workspace.overview import Overview

if TYPE_CHECKING:  # the demo (and openpyxl with it) is imported only when it runs
    from xlfollow.demo.run import DemoResult

__all__ = ["Terminal"]


class Terminal(MergeOutput, RoundOutput):
    """Prints for the command line in one language."""

    def demo(self, result: DemoResult) -> None:
        """What the demo did, and where in the master each staged event shows."""
        echo, path = self.echo, str(result.workspace.path)
        reports = [*result.first.files, *result.correction.files]
        totals = {
            o: sum(r.cells[o] for r in reports)
            for o in ("accepted", "unchanged", "conflict", "refused")
        }
        echo(
            Text("xlfollow demo: {round} of the Ballerup 2018 agreement", round=result.round),
            bold=True,
        )
        echo(Text("Workspace: {path}", path=path))
        outbox = result.workspace.path / "outbox" / "round-1"
        echo(
            Text(
                "Issued {count} workbooks (the master and one per centre) in {folder}",
                count=result.issued,
                folder=str(outbox),
            )
        )
        echo(
            Text(
                "Received {files} files from {centres} centres, "
                "filled in by simulated centres (inbox/).",
                files=len(reports),
                centres=len({r.centre for r in reports}),
            )
        )
        echo(
            Text(
                "Merged: {accepted} cells taken, {unchanged} unchanged, "
                "{conflict} in conflict, {refused} refused.",
                **totals,
            )
        )
        echo()
        centre, item, value = result.invalid
        echo(Text("What to look at"), bold=True)
        echo(
            Text(
                "- A value no list has: {centre} typed {value} as the smiley of item {item}. "
                "The smiley was refused with its note (an answer is taken whole), the rest "
                "of the file taken; sheet Modtaget says why:",
                centre=centre,
                value=repr(value),
                item=item,
            )
        )
        for problem in result.refused:
            click.echo(f"    {self.say(problem.why)}")
        echo(
            Text(
                "- A correction: {centre} sent its workbook again with the smiley put right; "
                "the second file superseded the first (sheet Modtaget, newest first).",
                centre=result.corrected,
            )
        )
        staged = result.conflict
        echo(
            Text(
                "- A conflict: item {item}'s milestone was answered by {responsible} and, "
                "differently and with a note, by the contributing centre {contributor}. "
                "Nothing was overwritten, the note neither: the two answers wait in sheet "
                "Konflikter, where a decision can be chosen, or:",
                item=staged.item,
                responsible=staged.responsible,
                contributor=staged.contributor,
            )
        )
        click.echo(
            f'    xlfollow resolve {path} {staged.item} milestone --take "{staged.responsible}"'
        )
        missing = next(c for c in result.status.centres if c.centre == result.late)
        echo(
            Text(
                "- A late centre: {centre} has not answered; its {count} missing smileys are "
                "listed, with its email, in sheet Mangler, and by:",
                centre=result.late,
                count=len(missing.missing),
            )
        )
        click.echo(f"    xlfollow status {path}")
        echo()
        echo(
            Text(
                "Open {master}: sheet Overblik has the figures and charts, Økonomi the budget.",
                master=str(result.workspace.master_path),
            )
        )
        echo(Text("Or print them: xlfollow summary {path}", path=path))
        echo(
            Text(
                "The council's report of the round, as Word and PDF: xlfollow report {path} "
                "--format both",
                path=path,
            )
        )

    def overview(self, overview: Overview) -> None:
        """What check found in a sound workspace: chapters, centres, rounds, notes."""
        click.echo(click.style(overview.title, bold=True))
        self.echo(
            Text(
                "{items} items in {chapters} chapters, {centres} centres, "
                "{committees} committees, {rounds} rounds.",
                items=overview.items,
                chapters=len(overview.chapters),
                centres=len(overview.centres),
                committees=overview.committees,
                rounds=len(overview.rounds),
            )
        )
        self.echo()
        self.table(
            (Text("Chapter"), Text("Sheet"), Text("Items")),
            [(c.number, c.sheet, c.items) for c in overview.chapters],
        )
        self.echo()
        self.table(
            (Text("Centre"), Text("Code"), Text("Email"), Text("Items")),
            [(c.name, c.code, c.email or "-", c.items) for c in overview.centres],
        )
        self.echo()
        self.table(
            (Text("Round"), Text("Deadline"), Text("Milestones")),
            [(r.name, r.deadline or "-", r.milestones) for r in overview.rounds],
        )
        if overview.notes:
            self.echo()
            self.echo(Text("Worth a look:"))
            for note in overview.notes:
                click.echo(f"  - {self.say(note)}")
        if overview.todo:
            self.echo()
            self.echo(
                Text(
                    "Left to do from the import ({count}), kept in {file}:",
                    count=len(overview.todo),
                    file=overview.todo_file,
                )
            )
            for todo in overview.todo:
                click.echo(f"  - {todo.note}")
            self.echo(
                Text(
                    "Each stays listed until agreement.yaml is changed where it points, or it "
                    "is marked as seen: xlfollow check --seen ITEM (or --seen all)."
                )
            )
        self.echo()
        self.echo(Text("The workspace is sound."), fg="green")
