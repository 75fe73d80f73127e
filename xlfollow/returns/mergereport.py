"""What a merge reports: per file its verdict, cell counts, refused cells and notes;
the conflicts open after it. The `--json` output and the ledger's receipts are
made from these."""

from __future__ import annotations

from dataclasses import dataclass, field

from xlfollow.answers import Field
from xlfollow.ledger.mergeplan import Outcome
from xlfollow.ledger.records import MailOrigin, Verdict
from xlfollow.ledger.store import ConflictRecord
from xlfollow.messages import Text

__all__ = ["FileReport", "MergeReport", "RefusedCell", "Verdict", "conflict_json"]


@dataclass
class FileReport:
    """What became of one received file."""

    path: str
    sha256: str
    verdict: Verdict
    why: Text | None = None
    """Why it was rejected or a duplicate, as a message that can be said in the
    workspace's language; None when it was accepted."""
    centre: str | None = None
    round: str | None = None
    issue_id: str | None = None
    cells: dict[str, int] = field(default_factory=lambda: {o.value: 0 for o in Outcome})
    problems: list[RefusedCell] = field(default_factory=list)
    notes: list[Text] = field(default_factory=list)
    mail: MailOrigin | None = None
    """The saved message the file came in (or is); None for a file that came alone."""

    @property
    def reason(self) -> str:
        """Why, in English; '' for a file accepted."""
        return "" if self.why is None else str(self.why)

    def to_json(self) -> dict[str, object]:
        """The file's entry of the --json report."""
        return {
            "path": self.path,
            "sha256": self.sha256,
            "verdict": self.verdict.value,
            "reason": self.reason,
            "centre": self.centre,
            "round": self.round,
            "issue_id": self.issue_id,
            "cells": self.cells,
            "problems": [problem.to_json() for problem in self.problems],
            "notes": [str(note) for note in self.notes],
            "mail": None
            if self.mail is None
            else {
                "from": self.mail.sender,
                "date": self.mail.date,
                "subject": self.mail.subject,
                "message_id": self.mail.message_id,
            },
        }


@dataclass(frozen=True)
class RefusedCell:
    """A cell of a returned file that was not taken, and why."""

    sheet: str
    cell: str
    item: str
    field: Field
    value: str
    why: Text

    @property
    def reason(self) -> str:
        """Why, in English."""
        return str(self.why)

    def to_json(self) -> dict[str, str]:
        """The cell's entry of the --json report."""
        return {
            "sheet": self.sheet,
            "cell": self.cell,
            "item": self.item,
            "field": self.field,
            "value": self.value,
            "reason": self.reason,
        }


@dataclass
class MergeReport:
    """The merge of a batch of files, and the conflicts open after it."""

    files: list[FileReport] = field(default_factory=list)
    conflicts: list[ConflictRecord] = field(default_factory=list)
    master_written: bool = False
    """master.xlsx was written anew: a file was merged, or it was missing or older
    than the ledger (an earlier command stopped before writing it)."""

    @property
    def totals(self) -> dict[str, int]:
        """Counts over the batch: files by verdict, cells by outcome, open conflicts."""
        totals = {"files": len(self.files)} | {verdict.value: 0 for verdict in Verdict}
        for report in self.files:
            totals[report.verdict.value] += 1
            for outcome, count in report.cells.items():
                totals[f"cells_{outcome}"] = totals.get(f"cells_{outcome}", 0) + count
        totals["open_conflicts"] = len(self.conflicts)
        return totals

    @property
    def needs_a_person(self) -> bool:
        """A file was rejected, a cell refused, or a conflict is open."""
        return bool(
            self.conflicts
            or any(r.verdict is Verdict.REJECTED or r.cells.get("refused") for r in self.files)
        )

    def to_json(self) -> dict[str, object]:
        """The --json report: files, conflicts and totals."""
        return {
            "files": [report.to_json() for report in self.files],
            "conflicts": [conflict_json(conflict) for conflict in self.conflicts],
            "totals": self.totals,
        }


def conflict_json(conflict: ConflictRecord) -> dict[str, object]:
    """A conflict as the --json reports give it: its answer's values by field."""
    return {
        "id": conflict.conflict_id,
        "round": conflict.round,
        "item": conflict.item,
        "answer": conflict.answer.value,
        "base": dict(conflict.base),
        "current": dict(conflict.current),
        "current_source": conflict.current_source,
        "concurring": list(conflict.concurring),
        "incoming": dict(conflict.incoming),
        "incoming_source": conflict.incoming_source,
        "reason": str(conflict.reason) if conflict.reason is not None else "",
        "raised_by": conflict.raised_by,
        "decided_by": conflict.decided_by,
    }
