"""What a round's commands print: where the round stands per centre (status), what
it still lacks (before a later round is issued), its headline figures (summary),
and who was written to (send, remind).
"""

from __future__ import annotations

from datetime import date

import click

from xlfollow.cli.console import Cell, Console
from xlfollow.figures.grouping import Grouping
from xlfollow.figures.summary import NO_MILESTONE, UNANSWERED, Summary
from xlfollow.ledger.actor import UNKNOWN
from xlfollow.ledger.status import CentreStatus, RoundStatus
from xlfollow.mail.mailing import MailReport
from xlfollow.messages import Joined, Text
from xlfollow.scales import SmileyScale
from xlfollow.texts import texts

__all__ = ["RoundOutput"]

_STATES = {UNANSWERED: Text("not answered"), NO_MILESTONE: Text("no milestone")}


class RoundOutput(Console):
    """Prints a round's status, what it lacks, its figures and its mail."""

    def status(self, status: RoundStatus) -> None:
        """Where a round stands: a line per centre."""
        self.echo(
            Text(
                "{round} (deadline {deadline})",
                round=status.round,
                # As the language writes a date: "23. marts 2018".
                deadline=texts(self.language).date(date.fromisoformat(status.deadline))
                if status.deadline
                else "-",
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
                Text("Merged by"),
            ),
            [
                (
                    c.centre,
                    self._received(c),
                    c.answered,
                    len(c.missing),
                    c.conflicts,
                    Text("yes") if c.overdue else "",
                    ", ".join(who or UNKNOWN for who in c.merged_by),
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

    def summary(self, result: Summary, scales: tuple[SmileyScale, SmileyScale]) -> None:
        """The headline figures of a round: milestones by chapter, economy, budget."""
        milestone_scale, economy_scale = scales
        self.echo(Text("Milestones, {round}", round=result.round), bold=True)
        total = result.milestones.total
        rows: list[tuple[Cell, ...]] = [
            (name, *counts.values(), sum(counts.values()))
            for name, counts in result.milestones[Grouping.CHAPTER].items()
        ]
        rows.append((Text("Total"), *total.values(), sum(total.values())))
        states = tuple(self._state(code, milestone_scale) for code in total)
        self.table((Text("Chapter"), *states, Text("items")), rows)
        self.echo()
        economy = result.economy.total
        counted = ", ".join(
            f"{self.say(self._state(code, economy_scale))} {n}" for code, n in economy.items()
        )
        click.echo(click.style(self.say(Text("Economy smileys:")), bold=True) + " " + counted)
        budget = result.budget.total
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

    def mail(self, report: MailReport, first: Text | None = None) -> None:
        """A send or a reminder: a line per centre, drafted, sent, failed or skipped;
        receipts a line per file (`first` names the first column)."""
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
                    first or Text("Centre"),
                    Text("Address"),
                    Text("Result"),
                    Text("Draft, message id, subject or reason"),
                ),
                rows,
            )
        else:
            self.echo(Text("Nobody to write to for {round}.", round=report.round))

    def receipts(self, report: MailReport) -> None:
        """A merge's receipts, a line per file; a line saying so where no file was new."""
        self.echo()
        if report.done or report.failed or report.skipped:
            self.echo(Text("Receipts:"), bold=True)
            self.mail(report, Text("File"))
        else:
            self.echo(Text("Receipts: none, no new file came."))
