"""Receive returned workbooks: identify each, check it against its issue, merge it.

Each file is merged completely or not at all (one ledger transaction), and
ends with a verdict: accepted (merged; some cells may be refused or in
conflict), rejected (not merged, with the reason) or duplicate (the same bytes
as a file already merged).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from xlfollow.danish import slug
from xlfollow.definition.fingerprint import fingerprint
from xlfollow.ledger.store import (
    AnswerKey,
    ConflictRecord,
    IssuedSets,
    Ledger,
    ReceiptRecord,
    Resolution,
)
from xlfollow.messages import Text
from xlfollow.model import Agreement, Definition
from xlfollow.returns.merge import (
    IMPORTED,
    Current,
    Decided,
    LateRound,
    MergePlan,
    Outcome,
    merge_cells,
)
from xlfollow.returns.mergereport import (
    FileReport,
    MergeReport,
    RefusedCell,
    Verdict,
    conflict_json,
)
from xlfollow.returns.reader import Reading, ReturnedWorkbook
from xlfollow.returns.readers import FileRead, read_ahead, read_file
from xlfollow.texts import Label, texts
from xlfollow.workbooks.layout import Answer

Key = tuple[str, str]

__all__ = [
    "AGREEMENT_CHANGED",
    "SUPERSEDES_EARLIER",
    "FileReport",
    "Intake",
    "MergeReport",
    "RefusedCell",
    "Verdict",
    "conflict_json",
    "current_answers",
    "imported_notes",
    "receive_file",
    "sender_from_name",
    "source_label",
]


SUPERSEDES_EARLIER = Text(
    "a correction: a later file from the same centre for the round; what it changes "
    "replaces what was given before, and what it leaves as issued keeps it"
)
"""The note on a file that follows an earlier one from the same centre for the round."""
AGREEMENT_CHANGED = Text(
    "the agreement has changed since this workbook was issued; issue the round "
    "again (xlfollow issue --again) and send the new workbook, or restore the "
    "agreement"
)
"""Why a workbook issued under another agreement is rejected."""


def source_label(centre: str | None) -> str:
    """How a file's answers are named as a source: the centre, or 'master'."""
    return centre or "master"


def imported_notes(agreement: Agreement) -> dict[AnswerKey, str]:
    """The status notes imported with the agreement, as answers by (round, item, field)."""
    found: dict[AnswerKey, str] = {}
    for item in agreement.items:
        for round_name, notes in item.status.items():
            if notes.milestone:
                found[(round_name, item.number, "milestone_note")] = notes.milestone
            if notes.economy:
                found[(round_name, item.number, "economy_note")] = notes.economy
    return found


def current_answers(
    definition: Definition, ledger: Ledger, round_name: str
) -> dict[tuple[str, str], Current]:
    """A round's current answers by (item, field), with their sources: the status notes
    imported with the agreement, then the ledger's."""
    found = {
        (item, field): Current(value, IMPORTED)
        for (round_of, item, field), value in imported_notes(definition.agreement).items()
        if round_of == round_name
    }
    found.update(ledger.current(round_name))
    return found


class Intake:
    """Receives a batch of files into one ledger, keeping what every file needs at hand:
    the agreement's fingerprint, each round's current answers and decisions, and the
    latest round issued."""

    def __init__(self, definition: Definition, ledger: Ledger) -> None:
        self.definition = definition
        self.ledger = ledger
        self.fingerprint = fingerprint(definition.agreement)
        self.reading = Reading(definition.agreement)
        rounds = definition.agreement.rounds
        issued = {issue.round for issue in ledger.issues()} & set(rounds)
        self.latest_round = max((rounds.index(name) for name in issued), default=None)
        """The index of the latest round issued: answers to the rounds before are settled."""
        self._current: dict[str, dict[tuple[str, str], Current]] = {}
        self._decided: dict[str, dict[tuple[str, Answer], list[Decided]]] = {}
        self._issued: dict[str, IssuedSets] = {}

    def current(self, round_name: str) -> dict[tuple[str, str], Current]:
        """A round's current answers: the imported notes, then the ledger's."""
        if round_name not in self._current:
            self._current[round_name] = current_answers(self.definition, self.ledger, round_name)
        return self._current[round_name]

    def decided(self, round_name: str) -> dict[tuple[str, Answer], list[Decided]]:
        """A round's answers a person has decided on, for or against."""
        if round_name not in self._decided:
            self._decided[round_name] = self.ledger.decided(round_name)
        return self._decided[round_name]

    def decisions_taken(self) -> None:
        """Forget what decisions changed: the answers and what is decided."""
        self._current.clear()
        self._decided.clear()

    def late(self, round_name: str) -> LateRound | None:
        """The round and the later one issued, if a later round has been issued."""
        rounds = self.definition.agreement.rounds
        if self.latest_round is None or rounds.index(round_name) >= self.latest_round:
            return None
        return LateRound(round_name, rounds[self.latest_round])

    def issued(self, issue_id: str) -> IssuedSets:
        """An issue's answer cells as issued."""
        if issue_id not in self._issued:
            self._issued[issue_id] = self.ledger.issued_sets(issue_id)
        return self._issued[issue_id]

    def receive_all(
        self, paths: Sequence[Path], shown: Callable[[Path], str], workers: int = 1
    ) -> Iterator[FileReport]:
        """Receive files in order; `shown` names a file in messages and the ledger.

        They are read in `workers` reader processes (at least one, at most one per
        file), a few files ahead of the merge, which stays in this process. A
        reader process has limits (READER_SECONDS of processor time a file,
        READER_MEMORY more memory than it starts with): a file that breaks them,
        or brings the reader down otherwise, is rejected, and the rest go on."""
        if not paths:
            return
        workers = max(1, min(workers, len(paths)))
        # Closed here, not when collected, so the readers end with a merge that fails.
        with closing(read_ahead(paths, self.definition, workers)) as reads:
            for path, read in reads:
                yield receive_file(path, self, shown(path), read)

    def already_rejected(self, shown: str, sha256: str) -> FileReport | None:
        """A file whose very bytes were rejected before, said again and not recorded
        again; None if they were not."""
        earlier = self.ledger.rejected_receipt(sha256)
        if earlier is None:
            return None
        report = json.loads(earlier.report)
        why = (
            Text.from_json(report["reason_text"])
            if isinstance(report.get("reason_text"), dict)
            else Text("{reason}", reason=earlier.reason)
        )
        when = earlier.received_at[:16].replace("T", " ")
        if earlier.file == shown:
            said = Text(
                "rejected already {when}: {why}. Remove it from inbox/, or name it on the "
                "command line to read it again",
                when=when,
                why=why,
            )
        else:
            said = Text(
                "the same file as {file}, rejected {when}: {why}. Remove it from inbox/, or "
                "name it on the command line to read it again",
                file=earlier.file,
                when=when,
                why=why,
            )
        return FileReport(
            shown,
            sha256,
            Verdict.ALREADY_REJECTED,
            said,
            centre=earlier.centre,
            round=earlier.round,
            issue_id=earlier.issue_id,
        )


def sender_from_name(name: str, definition: Definition) -> tuple[str | None, str | None]:
    """Who sent a file xlfollow cannot read, and for which round, as its name tells:
    the centre whose name or code it contains (the longest match wins), and the round
    its workbook's name gives ('...-runde-2.xlsx'); None where it does not tell."""
    stem = f"-{slug(Path(name).stem)}-"
    found: tuple[int, str] | None = None
    for centre in definition.centres:
        for candidate in {slug(centre.name), slug(centre.code)} - {""}:
            if f"-{candidate}-" in stem and (found is None or len(candidate) > found[0]):
                found = (len(candidate), centre.name)
    rounds = definition.agreement.rounds
    number = re.search(r"-(?:runde|round)-?(\d+)-", stem)
    round_name = None
    if number is not None and 1 <= int(number.group(1)) <= len(rounds):
        round_name = rounds[int(number.group(1)) - 1]
    return (found[1] if found else None), round_name


def receive_file(
    path: Path, intake: Intake, shown: str, read: FileRead | None = None
) -> FileReport:
    """Identify, check and merge one returned file into the ledger; its report.

    `read` is the file as read already (in a reader process), else it is read here.
    """
    definition, ledger = intake.definition, intake.ledger
    received_at = datetime.now(UTC).isoformat()
    read = read or read_file(path, intake.reading)
    if not read.sha256:
        assert read.problem is not None
        return FileReport(shown, "", Verdict.REJECTED, read.problem)
    sha = read.sha256
    report = FileReport(shown, sha, Verdict.ACCEPTED)

    def record(verdict: Verdict, reason: Text) -> FileReport:
        report.verdict, report.why = verdict, reason
        if verdict is Verdict.REJECTED and report.centre is None:
            # Name the sender where the file lets us, so `status` can tell a centre
            # whose file was rejected from one that sent nothing.
            metadata = read.returned.metadata if read.returned is not None else {}
            named, named_round = sender_from_name(shown, definition)
            if metadata.get("centre") in definition.agreement.centres:
                named = metadata["centre"]
            if metadata.get("round") in definition.agreement.rounds:
                named_round = metadata["round"]
            report.centre, report.round = named, named_round
        if verdict is Verdict.REJECTED:
            before = ledger.rejected_receipt(sha)
            said_before = before is not None and (
                (before.file, before.centre, before.round, before.reason)
                == (report.path, report.centre, report.round, report.reason)
            )
            if said_before:
                return report  # the same file read again, and rejected again alike
        ledger.record_receipt(_receipt(report, received_at))
        return report

    earlier = ledger.accepted_receipt(sha)
    if earlier is not None:
        report.centre, report.round, report.issue_id = (
            earlier.centre,
            earlier.round,
            earlier.issue_id,
        )
        return record(
            Verdict.DUPLICATE,
            Text(
                "the same file as {file}, merged {when}; nothing to do",
                file=earlier.file,
                when=earlier.received_at[:16],
            ),
        )
    if read.returned is None:
        assert read.problem is not None
        return record(Verdict.REJECTED, read.problem)
    returned = read.returned
    metadata = returned.metadata
    issue = ledger.issue(metadata["issue_id"])
    if issue is None:
        return record(
            Verdict.REJECTED,
            Text(
                "issue id {issue_id} was not issued from this workspace; "
                "send the workbook that was sent to you",
                issue_id=metadata["issue_id"],
            ),
        )
    report.issue_id, report.centre, report.round = issue.issue_id, issue.recipient, issue.round
    if metadata["fingerprint"] != issue.fingerprint or metadata["round"] != issue.round:
        return record(
            Verdict.REJECTED,
            Text("its identifying data differs from what was issued with its id"),
        )
    if issue.fingerprint != intake.fingerprint:
        return record(Verdict.REJECTED, AGREEMENT_CHANGED)
    current = intake.current(issue.round)
    decided = intake.decided(issue.round)
    resolutions: list[Resolution] = []
    if not issue.recipient and returned.decisions:
        # Finance's decisions on the master's Konflikter sheet come first, and its
        # edits are merged against what they decided: an edit of an answer just
        # decided differently is then a conflict, not lost.
        open_now = ledger.conflicts()
        resolutions = _master_decisions(report, returned, open_now, definition)
        current, decided = _as_decided(resolutions, open_now, issue.round, current, decided)
    base, shown_locked, shown_earlier = intake.issued(issue.issue_id)
    # A later file from the same centre for the round is a correction, whichever of the
    # round's workbooks it came in (a round issued again gives it a second one).
    before = ledger.files_from(issue.recipient, issue.round)
    same_sender = frozenset(receipt for receipt, _ in before)
    source = source_label(issue.recipient)
    late = intake.late(issue.round)
    plan = merge_cells(
        returned.cells,
        base,
        current,
        same_sender,
        ledger.open_conflicts(issue.round),
        shown_locked,
        source=source,
        decided=decided,
        late=late,
        since=before[0][1] if before else "",
    )
    _report_plan(report, plan, returned, len(same_sender))
    _refuse_earlier(report, returned, shown_earlier, issue.round)
    if late is not None:
        report.notes.append(
            Text(
                "a workbook for {round}, which is not the current round ({later} has been "
                "issued since): its answers count for {round}",
                round=late.round,
                later=late.later,
            )
        )
    receipt = _receipt(report, received_at)
    receipt_id = ledger.record_merge(receipt, issue.round, source, plan, resolutions)
    if resolutions:
        intake.decisions_taken()
    else:
        for key, value in plan.updates.items():
            current[key] = Current(value, source, receipt_id)
    return report


def _master_decisions(
    report: FileReport,
    returned: ReturnedWorkbook,
    conflicts: list[ConflictRecord],
    definition: Definition,
) -> list[Resolution]:
    """The decisions chosen on a master's Konflikter sheet, each said in the report."""
    words = texts(definition.settings.language)
    keep, take = words["decision_keep"].casefold(), words["decision_take"].casefold()
    open_by_id = {c.conflict_id: c for c in conflicts}
    found = []
    for conflict_id, decision in returned.decisions:
        conflict = open_by_id.get(conflict_id)
        if conflict is None:
            report.notes.append(
                Text(
                    "conflict {id}: {decision} was not taken, as the conflict is no longer "
                    "open (decided, or superseded by a correction)",
                    id=conflict_id,
                    decision=repr(decision),
                )
            )
            continue
        how = f"{decision} (master)"
        if decision.casefold() == keep:
            found.append(Resolution.keep([conflict], how))
        elif decision.casefold() == take:
            found.append(Resolution.take([conflict], conflict, how))
        else:
            report.notes.append(
                Text(
                    "conflict {id}: decision {decision} is neither {keep} nor {take}; left open",
                    id=conflict_id,
                    decision=repr(decision),
                    keep=repr(words["decision_keep"]),
                    take=repr(words["decision_take"]),
                )
            )
            continue
        report.notes.append(
            Text(
                'conflict {id} (item {item}, "{answer}", {round}): {decision}',
                id=conflict_id,
                item=conflict.item,
                answer=Label(f"field_{conflict.answer.value}"),
                round=conflict.round,
                decision=decision,
            )
        )
    return found


def _as_decided(
    resolutions: list[Resolution],
    conflicts: list[ConflictRecord],
    round_name: str,
    current: dict[Key, Current],
    decided: dict[tuple[str, Answer], list[Decided]],
) -> tuple[dict[Key, Current], dict[tuple[str, Answer], list[Decided]]]:
    """A round's current answers and decisions as they are once `resolutions` are
    recorded, for merging the file that carries them."""
    by_id = {c.conflict_id: c for c in conflicts}
    current, decided = dict(current), {key: list(found) for key, found in decided.items()}
    for resolution in resolutions:
        for conflict in (by_id[cid] for cid in resolution.conflict_ids):
            if conflict.round != round_name:
                continue
            key = (conflict.item, conflict.answer)
            sides = [Decided(s, conflict.current) for s in conflict.current_sources]
            decided.setdefault(key, []).extend(
                [*sides, Decided(conflict.incoming_source, conflict.incoming)]
            )
            for f, value in (resolution.values or {}).items():
                current[(conflict.item, f)] = Current(value, resolution.source, resolution.receipt)
    return current, decided


def _refuse_earlier(
    report: FileReport,
    returned: ReturnedWorkbook,
    issued: dict[tuple[str, str, str], str],
    round_name: str,
) -> None:
    """An earlier round's answer, shown locked, changed in the file (its protection lifted,
    or finance's master): refused and said, never silently ignored."""
    for cell in returned.earlier:
        was = issued.get((cell.round, cell.item, cell.field))
        if was is None or cell.value == was:
            continue
        report.cells[Outcome.REFUSED.value] += 1
        report.problems.append(
            RefusedCell(
                cell.sheet,
                cell.cell,
                cell.item,
                cell.field,
                cell.value,
                Text(
                    "{sheet}!{cell}: {round}'s answers are shown here locked, and a workbook "
                    "for {current} does not change them; the change is not taken. To change "
                    '{round}\'s, issue it again (xlfollow issue --round "{round}" --again, '
                    "which writes every centre's workbook of it anew), make the change in its "
                    "master (in outbox/), merge that file by naming it, and decide the "
                    "conflict it gives",
                    sheet=cell.sheet,
                    cell=cell.cell,
                    round=cell.round,
                    current=round_name,
                ),
            )
        )


def _report_plan(
    report: FileReport, plan: MergePlan, returned: ReturnedWorkbook, earlier: int
) -> None:
    report.cells = plan.counts()
    report.problems = [
        RefusedCell(
            result.cell.sheet,
            result.cell.cell,
            result.cell.item,
            result.cell.field,
            result.cell.value,
            result.reason,
        )
        for result in plan.results
        if result.outcome is Outcome.REFUSED
    ]
    report.notes = [*returned.tampered, *returned.notes, *report.notes]
    if returned.missing:
        report.notes.append(
            Text(
                "items not found in the file: {items}; they keep their answers",
                items=", ".join(returned.missing),
            )
        )
    if plan.superseded:
        report.notes.append(
            Text(
                "supersedes the earlier file's {count} open conflict(s)",
                count=len(plan.superseded),
            )
        )
    if earlier:
        # Said whether or not a value changed: a later file of the same issue wins.
        report.notes.append(SUPERSEDES_EARLIER)


def _receipt(report: FileReport, received_at: str) -> ReceiptRecord:
    summary: dict[str, object] = {
        "cells": report.cells,
        "problems": [problem.to_json() for problem in report.problems],
        "notes": [str(note) for note in report.notes],
    }
    if report.why is not None:
        summary["reason_text"] = report.why.to_json()
    # What the master's Modtaget sheet says of the file, in the workspace's language.
    details = [problem.why for problem in report.problems] + report.notes
    if details:
        summary["details_text"] = [detail.to_json() for detail in details]
    return ReceiptRecord(
        None,
        report.path,
        report.sha256,
        received_at,
        report.issue_id,
        report.centre,
        report.round,
        report.verdict.value,
        report.reason,
        json.dumps(summary, ensure_ascii=False),
    )
