"""Receive a batch of returned workbooks into the ledger, a few read ahead in reader
processes, each merged in this process by receiving.receive_file.

Intake keeps what every file of a batch needs at hand: the agreement's
fingerprint, each round's current answers (the status notes imported with the
agreement, then the ledger's) and decisions, and each issue's cells as issued.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from pathlib import Path

from xlfollow.answers import Answer, Field
from xlfollow.definition.fingerprint import fingerprint
from xlfollow.ledger.mergeplan import IMPORTED, Current, Decided, LateRound
from xlfollow.ledger.records import MailOrigin, Verdict
from xlfollow.ledger.store import (
    AnswerKey,
    IssuedSets,
    Ledger,
)
from xlfollow.messages import Text
from xlfollow.model import Agreement, Definition
from xlfollow.returns.mergereport import (
    FileReport,
    MergeReport,
    RefusedCell,
    conflict_json,
)
from xlfollow.returns.reader import Reading
from xlfollow.returns.readers import FileRead, read_ahead
from xlfollow.returns.receiving import receive_file

__all__ = [
    "FileReport",
    "Intake",
    "MergeReport",
    "RefusedCell",
    "conflict_json",
    "current_answers",
    "imported_notes",
]


def imported_notes(agreement: Agreement) -> dict[AnswerKey, str]:
    """The status notes imported with the agreement, as answers by (round, item, field)."""
    found: dict[AnswerKey, str] = {}
    for item in agreement.items:
        for round_name, notes in item.status.items():
            if notes.milestone:
                found[(round_name, item.number, Field.MILESTONE_NOTE)] = notes.milestone
            if notes.economy:
                found[(round_name, item.number, Field.ECONOMY_NOTE)] = notes.economy
    return found


def current_answers(
    definition: Definition, ledger: Ledger, round_name: str
) -> dict[tuple[str, Field], Current]:
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
        self._current: dict[str, dict[tuple[str, Field], Current]] = {}
        self._decided: dict[str, dict[tuple[str, Answer], list[Decided]]] = {}
        self._issued: dict[str, IssuedSets] = {}

    def current(self, round_name: str) -> dict[tuple[str, Field], Current]:
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
        self,
        paths: Sequence[Path],
        name_of: Callable[[Path], str],
        workers: int = 1,
        mail_of: Callable[[Path], MailOrigin | None] = lambda _: None,
    ) -> Iterator[FileReport]:
        """Receive files in order; `name_of` names a file in messages and the ledger,
        `mail_of` gives the saved message it was attached to, if it was.

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
                mail = mail_of(path)
                if mail is not None:
                    read = _named(read, str(path), name_of(path))
                yield receive_file(path, self, name_of(path), read, mail)

    def already_rejected(self, name: str, sha256: str) -> FileReport | None:
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
        # A saved message's workbooks are named after it: "inbox/SV.eml · bilag.xlsx".
        if earlier.file == name or earlier.file.startswith(f"{name} · "):
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
            name,
            sha256,
            Verdict.ALREADY_REJECTED,
            said,
            centre=earlier.centre,
            round=earlier.round,
            issue_id=earlier.issue_id,
            mail=earlier.mail,
        )


def _named(read: FileRead, path: str, name: str) -> FileRead:
    """A workbook taken out of a saved message, as read from the file it was written to
    for the readers, its messages naming it as the workspace does ('inbox/SV.eml ·
    sos.xlsx') rather than by that file's passing path."""

    def renamed(text: Text) -> Text:
        said = copy.copy(text)
        said.values = {
            key: renamed(value) if isinstance(value, Text) else name if value == path else value
            for key, value in text.values.items()
        }
        return said

    returned = read.returned
    if returned is not None:
        returned = dataclasses.replace(
            returned,
            cells=tuple(
                cell if cell.problem is None else cell._replace(problem=renamed(cell.problem))
                for cell in returned.cells
            ),
            tampered=tuple(renamed(text) for text in returned.tampered),
            notes=tuple(renamed(text) for text in returned.notes),
        )
    problem = None if read.problem is None else renamed(read.problem)
    return FileRead(read.sha256, returned, problem)
