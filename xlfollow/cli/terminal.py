"""What the commands print, in the terminal's language: tables and reports.

Every sentence is a `Text`, said in the language the user set (--language,
XLFOLLOW_LANGUAGE, or the locale). click.echo leaves out the colours when the
output is not a terminal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from xlfollow.errors import XlfollowError
from xlfollow.ledger.status import CentreStatus, RoundStatus
from xlfollow.ledger.store import ConflictRecord
from xlfollow.mail.mailing import MailReport
from xlfollow.messages import Joined, Language, Text
from xlfollow.model import Agreement, SmileyScale
from xlfollow.report.summary import NO_MILESTONE, UNANSWERED, Summary
from xlfollow.returns.collect import MergeReport, Verdict
from xlfollow.returns.resolving import TYPED, Decision
from xlfollow.texts import Label, texts
from xlfollow.workbooks.layout import answer_text
from xlfollow.workspace.overview import Overview

if TYPE_CHECKING:  # the demo (and openpyxl with it) is imported only when it runs
    from xlfollow.demo.run import DemoResult

__all__ = ["Terminal"]

Cell = str | int | Text
"""A table cell: a number (aligned right), data as it is, or words to say."""

_VERDICTS = {
    Verdict.ACCEPTED: Text("accepted"),
    Verdict.REJECTED: Text("rejected"),
    Verdict.DUPLICATE: Text("duplicate"),
    Verdict.ALREADY_REJECTED: Text("already rejected"),
}
_ANSWER_WIDTH = 48
"""The most characters of an answer a conflict's line shows."""
_STATES = {UNANSWERED: Text("not answered"), NO_MILESTONE: Text("no milestone")}


class Terminal:
    """Prints for the command line in one language."""

    def __init__(self, language: Language) -> None:
        self.language = language

    def say(self, text: Text) -> str:
        """A message in the terminal's language."""
        return text.say(self.language)

    def echo(self, text: Text | None = None, *, bold: bool = False, fg: str | None = None) -> None:
        """Print a message (an empty line for none), styled on a terminal."""
        line = "" if text is None else self.say(text)
        click.echo(click.style(line, bold=bold or None, fg=fg) if bold or fg else line)

    def error(self, error: XlfollowError) -> None:
        """An error, on standard error, in red on a terminal."""
        message = Text("Error: {message}", message=error.say(self.language))
        click.secho(self.say(message), fg="red", err=True)

    def table(self, headers: tuple[Text | str, ...], rows: list[tuple[Cell, ...]]) -> None:
        """Print rows under headers in aligned columns; numbers to the right."""
        cells = [
            tuple(self.say(c) if isinstance(c, Text) else str(c) for c in row)
            for row in [headers, *rows]
        ]
        widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
        numeric = [all(isinstance(row[i], int) for row in rows) for i in range(len(headers))]
        for index, row in enumerate(cells):
            line = "  ".join(
                cell.rjust(width) if right else cell.ljust(width)
                for cell, width, right in zip(row, widths, numeric, strict=True)
            )
            click.echo(click.style(line.rstrip(), bold=True) if index == 0 else line.rstrip())

    def merge(self, report: MergeReport, agreement: Agreement) -> None:
        """A merge: a line per file with its round, verdict and cell counts, then what is
        open."""
        if not report.files and report.master_written:
            self.echo(
                Text(
                    "No new files to merge; master.xlsx was missing or older than the "
                    "ledger (an earlier command stopped before writing it), and is written "
                    "anew."
                )
            )
        elif not report.files:
            self.echo(Text("No new files to merge."))
        else:
            self.files(report)
        if report.conflicts:
            self.echo()
            self.echo(
                Text(
                    "Open conflicts ({count}); decide with xlfollow resolve:",
                    count=len(report.conflicts),
                )
            )
            self.conflicts(report.conflicts, agreement)

    def conflicts(self, conflicts: Sequence[ConflictRecord], agreement: Agreement) -> None:
        """Open conflicts, a line each: round, item, the answer as the sheets name it, and
        the two answers (smiley, note, deviation) with their sources."""
        words = texts(self.language)

        def shown(values: Mapping[str, str]) -> str:
            text = answer_text(agreement, values, self.language, " · ")
            return text if len(text) <= _ANSWER_WIDTH else text[: _ANSWER_WIDTH - 1] + "…"

        self.table(
            (
                Text("Round"),
                Text("Item"),
                Text("Answer"),
                Text("Current"),
                Text("Current source"),
                Text("Incoming"),
                Text("Incoming source"),
            ),
            [
                (
                    c.round,
                    c.item,
                    words[f"field_{c.answer.value}"],
                    shown(c.current),
                    "; ".join(c.current_sources),
                    shown(c.incoming),
                    c.incoming_source,
                )
                for c in conflicts
            ],
        )

    def decision(self, decision: Decision, agreement: Agreement) -> None:
        """A conflict decided: the answer that stands, from whom, and what was closed."""
        values = answer_text(agreement, decision.values, self.language, " · ")
        said = Label(f"field_{decision.answer.value}")
        if decision.source == TYPED:
            self.echo(
                Text(
                    'Decided "{answer}" of item {item} ({round}): {values}, as given.',
                    answer=said,
                    item=decision.item,
                    round=decision.round,
                    values=values,
                )
            )
        else:
            self.echo(
                Text(
                    'Decided "{answer}" of item {item} ({round}): {values}, from {source}.',
                    answer=said,
                    item=decision.item,
                    round=decision.round,
                    values=values,
                    source=decision.source,
                )
            )
        if decision.closed > 1:
            self.echo(Text("Conflicts closed with it: {count}.", count=decision.closed))

    def files(self, report: MergeReport) -> None:
        """A line per file with its round, verdict and cell counts, then each one's
        problems."""
        self.table(
            (
                Text("File"),
                Text("Centre"),
                Text("Round"),
                Text("Verdict"),
                Text("Accepted"),
                Text("Unchanged"),
                Text("Conflict"),
                Text("Refused"),
            ),
            [
                (
                    Path(r.path).name,
                    (r.centre or Text("master")) if r.issue_id else (r.centre or "-"),
                    r.round or "-",
                    _VERDICTS[r.verdict],
                    r.cells["accepted"],
                    r.cells["unchanged"],
                    r.cells["conflict"],
                    r.cells["refused"],
                )
                for r in report.files
            ],
        )
        for r in report.files:
            lines = [*([r.why] if r.why else []), *(p.why for p in r.problems), *r.notes]
            if lines:
                click.echo(f"\n{r.path}:")
                for line in lines:
                    click.echo(f"  - {self.say(line)}")

    def status(self, status: RoundStatus) -> None:
        """Where a round stands: a line per centre."""
        self.echo(
            Text(
                "{round} (deadline {deadline})",
                round=status.round,
                deadline=status.deadline or "-",
            )
        )
        self.table(
            (
                Text("Centre"),
                Text("Received"),
                Text("Answered"),
                Text("Missing"),
                Text("Conflicts"),
                Text("Overdue"),
            ),
            [
                (
                    c.centre,
                    self._received(c),
                    c.answered,
                    len(c.missing),
                    c.conflicts,
                    Text("yes") if c.overdue else "",
                )
                for c in status.centres
            ],
        )

    @staticmethod
    def _received(centre: CentreStatus) -> Cell:
        """How many files came from a centre, and how many of them were rejected."""
        count = len(centre.received)
        if not centre.rejected:
            return count
        if centre.rejected == count:
            return Text("{count}, rejected", count=count)
        return Text("{count} ({rejected} rejected)", count=count, rejected=centre.rejected)

    def outstanding(self, status: RoundStatus) -> None:
        """What a round still lacks, said before a later round is issued."""
        missing = sum(len(c.missing) for c in status.centres)
        centres = [c.centre for c in status.centres if c.missing]
        conflicts = sum(c.conflicts for c in status.centres)
        if not missing and not conflicts:
            self.echo(
                Text(
                    "{round} is complete: every smiley given, no conflict open.", round=status.round
                )
            )
            return
        parts = [
            Text(
                "{round} still lacks smileys: {missing} in all, from {centres}.",
                round=status.round,
                missing=missing,
                centres="; ".join(centres),
            )
            if missing
            else Text("{round} has every smiley.", round=status.round)
        ]
        if conflicts:
            parts.append(Text("Conflicts still open: {count}.", count=conflicts))
        parts.append(
            Text(
                "Late answers to it are still merged; changes to answers already given "
                "become conflicts."
            )
        )
        self.echo(Joined(parts, " "), fg="yellow")

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

    def summary(self, result: Summary, scales: tuple[SmileyScale, SmileyScale]) -> None:
        """The headline figures of a round: milestones by chapter, economy, budget."""
        milestone_scale, economy_scale = scales
        self.echo(Text("Milestones, {round}", round=result.round), bold=True)
        total = result.milestones["total"][""]
        rows: list[tuple[Cell, ...]] = [
            (name, *counts.values(), sum(counts.values()))
            for name, counts in result.milestones["chapter"].items()
        ]
        rows.append((Text("Total"), *total.values(), sum(total.values())))
        states = tuple(self._state(code, milestone_scale) for code in total)
        self.table((Text("Chapter"), *states, Text("items")), rows)
        self.echo()
        economy = result.economy["total"][""]
        counted = ", ".join(
            f"{self.say(self._state(code, economy_scale))} {n}" for code, n in economy.items()
        )
        click.echo(click.style(self.say(Text("Economy smileys:")), bold=True) + " " + counted)
        budget = result.budget["total"][""]
        if budget.years:
            self.echo()
            self.table(
                (Text("Budget (mio. kr.)"), Text("spending"), Text("savings"), Text("net")),
                [
                    (
                        str(year),
                        self.amount(spending),
                        self.amount(savings),
                        self.amount(spending + savings),
                    )
                    for year, (spending, savings) in sorted(budget.years.items())
                ],
            )
        if result.budget_year is not None:
            self.echo(
                Text(
                    "At risk in {year} (economy not kept): {spending} mio. kr. of spending "
                    "and {savings} mio. kr. of savings, {amount} mio. kr. in all.",
                    year=result.budget_year,
                    spending=self.amount(budget.at_risk_spending),
                    savings=self.amount(budget.at_risk_savings),
                    amount=self.amount(budget.at_risk),
                )
            )
        self.echo(
            Text(
                "Expected deviation entered by the centres: {amount} mio. kr.",
                amount=self.amount(budget.expected_deviation),
            )
        )
        worse = sum(1 for change in result.changes if change.steps > 0)
        self.echo(
            Text(
                "Since the previous round: {worse} smileys worse, {better} better. "
                "Still missing: {missing} items.",
                worse=worse,
                better=len(result.changes) - worse,
                missing=len(result.missing),
            )
        )

    def _state(self, code: str, scale: SmileyScale) -> Text:
        """A state a smiley is counted in, as the terminal names it."""
        if code in _STATES:
            return _STATES[code]
        step = scale.step(code)
        return Text("{glyph} {label}", glyph=step.glyph, label=step.label(self.language))

    def mail(self, report: MailReport) -> None:
        """A send or a reminder: a line per centre, drafted, sent, failed or skipped."""
        done = {
            "eml": Text("draft"),
            "smtp": Text("sent"),
            "dry-run": Text("would send"),
        }[report.how]
        rows: list[tuple[Cell, ...]] = [(c, a, done, w) for c, a, w in report.done]
        rows += [(c, a, Text("FAILED"), why) for c, a, why in report.failed]
        rows += [(c, "", Text("skipped"), why) for c, why in report.skipped]
        if rows:
            self.table(
                (
                    Text("Centre"),
                    Text("Address"),
                    "",
                    Text("Draft, message id, subject or reason"),
                ),
                rows,
            )
        else:
            self.echo(Text("Nobody to write to for {round}.", round=report.round))

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
            [(c[0], c[2], c[3]) for c in overview.chapters],
        )
        self.echo()
        self.table(
            (Text("Centre"), Text("Code"), Text("Email"), Text("Items")),
            [(n, c, e or "-", k) for n, c, e, k in overview.centres],
        )
        self.echo()
        self.table(
            (Text("Round"), Text("Deadline"), Text("Milestones")),
            [(n, d or "-", k) for n, d, k in overview.rounds],
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

    def amount(self, value: float) -> str:
        """An amount in mio. kr. with three decimals, written as the language writes it:
        1,234.500 in English, 1.234,500 in Danish."""
        written = f"{value:,.3f}"
        if self.language is Language.DA:
            return written.translate(str.maketrans(",.", ".,"))
        return written
