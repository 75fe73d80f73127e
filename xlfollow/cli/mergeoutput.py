"""What merge and resolve print: a line per file with its round, verdict and cell
counts and each file's problems, the open conflicts, a conflict decided.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import click

from xlfollow.answers import Field
from xlfollow.cli.console import Console
from xlfollow.ledger.actor import UNKNOWN
from xlfollow.ledger.records import Verdict
from xlfollow.ledger.store import ConflictRecord
from xlfollow.messages import Text
from xlfollow.model import Agreement
from xlfollow.returns.collect import MergeReport
from xlfollow.returns.resolving import TYPED, Decision
from xlfollow.texts import Label, texts
from xlfollow.workbooks.smileys import answer_text

__all__ = ["MergeOutput"]

_VERDICTS = {
    Verdict.ACCEPTED: Text("accepted"),
    Verdict.REJECTED: Text("rejected"),
    Verdict.DUPLICATE: Text("duplicate"),
    Verdict.ALREADY_REJECTED: Text("already rejected"),
}
_ANSWER_WIDTH = 48
"""The most characters of an answer a conflict's line shows."""


class MergeOutput(Console):
    """Prints a merge's files and conflicts, and a decision."""

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

        def shown(values: Mapping[Field, str]) -> str:
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
                Text("Merged by"),
            ),
            [
                (
                    c.round,
                    c.item,
                    words[c.answer.label_key],
                    shown(c.current),
                    "; ".join(c.current_sources),
                    shown(c.incoming),
                    c.incoming_source,
                    c.raised_by or UNKNOWN,
                )
                for c in conflicts
            ],
        )

    def decision(self, decision: Decision, agreement: Agreement) -> None:
        """A conflict decided: the answer that stands, from whom, and what was closed."""
        values = answer_text(agreement, decision.values, self.language, " · ")
        said = Label(decision.answer.label_key)
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
            if r.mail is not None and r.mail.sender:
                sent = Text(
                    'from {sender}, {date}: "{subject}"',
                    sender=r.mail.sender,
                    date=r.mail.date or "?",
                    subject=r.mail.subject,
                )
                lines.insert(0, sent)
            if lines:
                click.echo(f"\n{r.path}:")
                for line in lines:
                    click.echo(f"  - {self.say(line)}")
