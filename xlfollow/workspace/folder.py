"""A workspace is a folder: settings, agreement, ledger, outbox and inbox. Its front door."""

from __future__ import annotations

import functools
import os
import shutil
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar, Unpack

from xlfollow.definition.agreement import read_agreement
from xlfollow.definition.agreementwriter import dump_agreement
from xlfollow.definition.settings import SETTINGS_FILE, agreement_file, read_settings
from xlfollow.definition.settingswriter import settings_template
from xlfollow.definition.textimport import ImportReport, import_text_file
from xlfollow.definition.todo import mark_seen, open_todos, read_todo, todo_path, write_todo
from xlfollow.errors import DefinitionError, Problems, ValueProblem, WorkspaceError
from xlfollow.files import clean_partials, ensure_replaceable, locked, write_atomically
from xlfollow.ledger.status import RoundStatus, round_status
from xlfollow.ledger.store import (
    AnswerKey,
    ConflictRecord,
    IssueRecord,
    Ledger,
    create_ledger,
    ledger_version,
)
from xlfollow.machinefaults import file_fault, ledger_damage
from xlfollow.mail.mailing import MailReport, ServerOptions, remind_round, send_round, with_smtp
from xlfollow.messages import Text
from xlfollow.model import Agreement, Definition, Progress, Smtp
from xlfollow.report.summary import Summary, summarise
from xlfollow.returns.collect import (
    AGREEMENT_CHANGED,
    FileReport,
    Intake,
    MergeReport,
    Verdict,
    imported_notes,
)
from xlfollow.returns.resolving import Decision, decide
from xlfollow.returns.returnedfiles import file_digest, printable_name, screened
from xlfollow.texts import texts
from xlfollow.workspace.agreementcache import cache_key, cached_agreement, keep_agreement
from xlfollow.workspace.issuing import (
    IssuedFile,
    IssueResult,
    issue_round,
    recipients,
    write_master_file,
)
from xlfollow.workspace.overview import Overview, describe

__all__ = [
    "SETTINGS_FILE",
    "IssueResult",
    "IssuedFile",
    "Overview",
    "Workspace",
    "example_names",
    "recipients",
]

LEDGER_FILE = "ledger.sqlite"


def _examples() -> Traversable:
    return files("xlfollow.examples")


def example_names() -> list[str]:
    """The names of the bundled examples, as `init --example` takes them."""
    return sorted(
        entry.name.replace("_", "-")
        for entry in _examples().iterdir()
        if entry.is_dir() and (entry / "agreement.yaml").is_file()
    )


P = ParamSpec("P")
R = TypeVar("R")
_Method = Callable[Concatenate["Workspace", P], R]


def _changes_it(command: str) -> Callable[[_Method[P, R]], _Method[P, R]]:
    """A Workspace method that changes the workspace: it runs holding the workspace's
    lock (once per call chain), after removing what a killed write left behind."""

    def wrap(method: _Method[P, R]) -> _Method[P, R]:
        @functools.wraps(method)
        def holding(workspace: Workspace, /, *args: P.args, **kwargs: P.kwargs) -> R:
            if workspace._holding or not workspace.settings_path.is_file():
                return method(workspace, *args, **kwargs)  # held already, or no workspace
            try:
                with locked(workspace.path, command):
                    workspace._holding = True
                    try:
                        outbox = workspace.path / "outbox"
                        for folder in (workspace.path, *outbox.glob("round-*")):
                            clean_partials(folder)
                        workspace._refuse_damaged_ledger()
                        return method(workspace, *args, **kwargs)
                    finally:
                        workspace._holding = False
            except OSError as exc:  # a full disk, a read-only folder: said as such
                raise file_fault(exc) from exc

        return holding

    return wrap


class Workspace:
    """A folder with an agreement, its settings and its ledger."""

    def __init__(
        self, path: Path | str, *, on_master_edits: Callable[[FileReport], None] | None = None
    ) -> None:
        self.path = Path(path)
        self.on_master_edits = on_master_edits
        """Told the report of finance's edits in master.xlsx, when a command that writes
        the master anew merges them first (`merge` lists them among its files)."""
        self._holding = False
        self.loaded: Definition | None = None
        """The definition the last `load` returned: what a command worked with, for
        the terminal to show its results by, without loading it again."""

    @property
    def settings_path(self) -> Path:
        """Where xlfollow.toml is."""
        return self.path / SETTINGS_FILE

    @property
    def ledger_path(self) -> Path:
        """Where the ledger is."""
        return self.path / LEDGER_FILE

    @classmethod
    def init(cls, path: Path | str, example: str = "small") -> Workspace:
        """Create a workspace in a new or empty folder from a bundled example."""
        source = _examples() / example.replace("-", "_")
        if not (source / "agreement.yaml").is_file():
            raise WorkspaceError(
                Text(
                    'there is no example "{example}"; choose one of: {names}',
                    example=example,
                    names=", ".join(example_names()),
                )
            )
        return cls._create(
            Path(path),
            (source / "agreement.yaml").read_text(encoding="utf-8"),
            (source / SETTINGS_FILE).read_text(encoding="utf-8"),
        )

    @classmethod
    def init_from_text(cls, path: Path | str, report: Path) -> tuple[Workspace, ImportReport]:
        """Create a workspace whose agreement is imported from a report's text; what the
        import was unsure of is kept beside it, in the workspace's language, for `check`
        to repeat."""
        agreement, import_report = import_text_file(report)
        header = f"Imported by xlfollow import-text from {report.name}."
        workspace = cls._create(
            Path(path), dump_agreement(agreement, header), settings_template(agreement)
        )
        agreement_path = workspace.path / "agreement.yaml"
        language = workspace.load().settings.language
        write_todo(
            todo_path(agreement_path), import_report.unsure, agreement, language, report.name
        )
        return workspace, import_report

    @classmethod
    def _create(cls, target: Path, agreement_text: str, settings_text: str) -> Workspace:
        if target.exists() and not target.is_dir():
            raise WorkspaceError(
                Text("{path} is a file; give a folder for the workspace", path=str(target))
            )
        if target.is_dir() and any(target.iterdir()):
            raise WorkspaceError(
                Text(
                    "{path} is not empty; give a new or empty folder, so nothing there is "
                    "overwritten",
                    path=str(target),
                )
            )
        workspace = cls(target)
        try:
            for folder in (target, target / "outbox", target / "inbox"):
                folder.mkdir(parents=True, exist_ok=True)
            write_atomically(target / "agreement.yaml", agreement_text.encode("utf-8"))
            write_atomically(workspace.settings_path, settings_text.encode("utf-8"))
            create_ledger(workspace.ledger_path)
        except (OSError, sqlite3.Error) as exc:
            shutil.rmtree(target, ignore_errors=True)
            raise WorkspaceError(
                Text("{path}: cannot create the workspace: {why}", path=str(target), why=str(exc))
            ) from exc
        return workspace

    def load(self) -> Definition:
        """Read and check the settings and the agreement, reporting every problem of both."""
        if not self.settings_path.is_file():
            raise WorkspaceError(
                Text(
                    "{path} is not an xlfollow workspace (no {settings}); "
                    "create one with: xlfollow init {path}",
                    path=str(self.path),
                    settings=SETTINGS_FILE,
                )
            )
        settings_problems = Problems(str(self.settings_path))
        settings_text = settings_problems.read_text(self.settings_path)
        if settings_text is None:
            raise DefinitionError(settings_problems.found)
        agreement_path = self.path / agreement_file(settings_text)
        agreement_problems = Problems(str(agreement_path))
        text = agreement_problems.read_text(
            agreement_path,
            Text("create it or fix `agreement` in {settings}", settings=SETTINGS_FILE),
        )
        agreement = self._checked_agreement(text, agreement_problems) if text is not None else None
        settings = read_settings(settings_text, settings_problems, agreement)
        found = agreement_problems.found + settings_problems.found
        if found or agreement is None or settings is None:
            raise DefinitionError(found)
        self.loaded = Definition(agreement, settings)
        return self.loaded

    def _checked_agreement(self, text: str, problems: Problems) -> Agreement | None:
        """The agreement of this text: kept in the workspace from an earlier check of the
        same text, or read and checked now (and kept, if sound)."""
        key = cache_key(text)
        agreement = cached_agreement(self.path, key)
        if agreement is None:
            agreement = read_agreement(text, problems)
            if agreement is not None and not problems.found:
                keep_agreement(self.path, key, agreement)
        return agreement

    def check(self) -> Overview:
        """Check the whole workspace and describe it, with what the import left to do;
        raise with every problem found. The ledger gets SQLite's full integrity check."""
        definition = self.load()
        ledger_version(self.ledger_path)
        damage = ledger_damage(self.ledger_path, thorough=True)
        if damage is not None:
            raise damage
        todo = todo_path(self.path / definition.settings.agreement_file)
        return describe(definition, open_todos(read_todo(todo), definition.agreement), todo.name)

    def _refuse_damaged_ledger(self) -> None:
        """LedgerError if SQLite's quick check finds the ledger damaged: nothing is
        written into it then."""
        if self.ledger_path.is_file():
            damage = ledger_damage(self.ledger_path)
            if damage is not None:
                raise damage

    def mark_seen(self, items: list[str]) -> int:
        """Mark what the import left to do about these items ('all' for every one) as
        seen, so `check` no longer lists it; how many entries were marked."""
        definition = self.load()
        return mark_seen(todo_path(self.path / definition.settings.agreement_file), items)

    def answers(self, definition: Definition) -> dict[AnswerKey, str]:
        """The current answers: notes imported with the agreement, then the ledger's."""
        answers = imported_notes(definition.agreement)
        with Ledger(self.ledger_path) as ledger:
            answers.update(ledger.answers())
        return answers

    @_changes_it("issue")
    def issue(
        self,
        round_text: str,
        again: bool = False,
        progress: Progress | None = None,
        *,
        previous: Callable[[RoundStatus], None] | None = None,
    ) -> IssueResult:
        """Write the master and one workbook per centre for a round, and record them.

        The files go to outbox/round-N/; every editable cell's value as issued is
        recorded in the ledger, as the base the merge compares returns with.
        master.xlsx is written anew for the latest round issued, after finance's
        edits in it are merged. `previous`, if given, is told where the round
        before stands (what it still lacks), before anything is written;
        `progress` (workbooks done, workbooks in all) after each workbook.
        """
        definition = self.load()
        round_index = self._round_index(definition, round_text)
        round_name = definition.agreement.rounds[round_index]
        with Ledger(self.ledger_path) as ledger:
            if ledger.issues(round_name) and not again:
                raise WorkspaceError(
                    Text(
                        'round "{name}" has been issued already; returns against those '
                        "workbooks still merge. Give --again to issue it anew.",
                        name=round_name,
                    )
                )
        self.merge_master_edits(definition)
        if previous is not None and round_index > 0:
            with Ledger(self.ledger_path) as ledger:
                earlier = definition.agreement.rounds[round_index - 1]
                issued_before = bool(ledger.issues(earlier))
            if issued_before:
                previous(self._round_status(definition, earlier)[0])
        result = issue_round(
            self.path, self.ledger_path, definition, round_index, self.answers(definition), progress
        )
        self._write_master(definition)
        return result

    @_changes_it("merge")
    def merge(
        self, files: list[Path] | None = None, progress: Progress | None = None
    ) -> MergeReport:
        """Receive returned workbooks (by default the new files in inbox/) and merge them.

        Finance's edits in master.xlsx, if any, are merged first, as finance's
        return. Each file is merged completely or not at all; afterwards
        master.xlsx is written anew from the ledger. A file in inbox/ whose bytes
        were rejected before is listed as such and not read again; one named in
        `files` is. A file the system will not give whole (a named pipe, a folder,
        one too big to be a workbook, one that may not be read, or a name that is not
        UTF-8) is rejected before it is read, and not recorded: merged once put right.
        `progress`, if given, is told (files done, files in all) after each file.
        """
        definition = self.load()
        report = MergeReport()
        master = self.merge_master_edits(definition)
        if master is not None:
            report.files.append(master)
        workers = min(4, os.cpu_count() or 1)
        with Ledger(self.ledger_path) as ledger:
            intake = Intake(definition, ledger)
            if files is None:
                batch, rejected = _inbox_files(self, ledger)
                for path, digest in rejected:
                    again = intake.already_rejected(_shown(path, self.path), digest)
                    assert again is not None
                    report.files.append(again)
            else:
                batch = files
            # What the system says of a file (a pipe, a folder, too big, unreadable, a
            # name not UTF-8) is said before anything reads it; the rest go on.
            readable = []
            for path in batch:
                why = screened(path)
                if why is None:
                    readable.append(path)
                else:
                    shown = _shown(path, self.path)
                    report.files.append(FileReport(shown, "", Verdict.REJECTED, why))
            done = len(report.files)
            for file_report in intake.receive_all(
                readable, lambda p: _shown(p, self.path), workers
            ):
                report.files.append(file_report)
                if progress is not None:
                    progress(len(report.files) - done, len(readable))
        if self._master_stale():
            report.master_written = self._write_master(definition) is not None
        with Ledger(self.ledger_path) as ledger:
            report.conflicts = ledger.conflicts()
        return report

    def _master_stale(self) -> bool:
        """True if a round has been issued and master.xlsx is missing or older than the
        ledger: something it shows changed since it was written (a command was killed,
        or the disk was full, before the master was written), or it is not the master
        last written."""
        with Ledger(self.ledger_path) as ledger:
            if not ledger.issues():
                return False
            if ledger.master_due():
                return True
            latest = ledger.latest_master(self.master_path.name)
        return latest is None or _digest(self.master_path) != latest.sha256

    def master_outdated(self) -> bool:
        """True if a round has been issued and master.xlsx is missing or older than the
        ledger; `merge` (or any command that writes the master) writes it anew."""
        return self._master_stale()

    def master_edited(self) -> bool:
        """True if master.xlsx is not as xlfollow wrote it and has not been merged since:
        finance has edited it."""
        return self._edited_master() is not None

    def _edited_master(self) -> str | None:
        """The digest of master.xlsx if finance has edited it; None if it is as xlfollow
        wrote it, was merged since, or is not there."""
        digest = _digest(self.master_path)
        if digest is None:
            return None
        with Ledger(self.ledger_path) as ledger:
            return None if ledger.known_file(digest) else digest

    @_changes_it("merge")
    def merge_master_edits(self, definition: Definition | None = None) -> FileReport | None:
        """Merge finance's edits in master.xlsx (smileys, notes, amounts, and the decisions
        chosen on its Konflikter sheet) as finance's return, exactly as `merge` merges a
        centre's; None if the file is as xlfollow wrote it. Every command that writes
        master.xlsx anew does this first, so no edit is lost. WorkspaceError, with the
        file left as it is and nothing else done, if its edits cannot be merged, or if
        it cannot be replaced afterwards (open in Excel or LibreOffice, where it may
        also hold edits not saved yet)."""
        path = self.master_path
        ensure_replaceable(path)
        digest = self._edited_master()
        if digest is None:
            return None
        definition = definition or self.load()
        shown = _shown(path, self.path)
        with Ledger(self.ledger_path) as ledger:
            # Read again even if these bytes were rejected before: what was wrong may
            # have been put right since (the agreement restored, say).
            (report,) = Intake(definition, ledger).receive_all([path], lambda _: shown)
        if report.why == AGREEMENT_CHANGED:
            raise WorkspaceError(
                Text(
                    "{path} holds edits made before agreement.yaml was changed, and they "
                    "can be merged only with the agreement as it was: restore "
                    "agreement.yaml, run the command again (the edits are merged), then "
                    "change agreement.yaml again; or move {path} out of the workspace to "
                    "go on without its edits. Nothing was done.",
                    path=str(path),
                )
            )
        if report.verdict is Verdict.ACCEPTED:
            if self.on_master_edits is not None:
                self.on_master_edits(report)
            return report
        raise WorkspaceError(
            Text(
                "{path} has been changed since xlfollow wrote it, and its changes cannot "
                "be merged: {why}. It is left as it is, and nothing else was done. Open it, "
                "save it again as .xlsx (Excel Workbook) and run the command again; or, to "
                "go on without its changes, move it out of the workspace, and xlfollow "
                "writes a new one.",
                path=str(path),
                why=report.why or Text("it is not a workbook xlfollow issued"),
            )
        )

    @_changes_it("write master.xlsx")
    def write_master(self, definition: Definition | None = None) -> Path | None:
        """Write master.xlsx from the ledger for the latest round issued, after merging
        finance's edits in it, and record it as an issue, so that finance staff can edit
        it and merge it back."""
        definition = definition or self.load()
        self.merge_master_edits(definition)
        return None if self._write_master(definition) is None else self.master_path

    @property
    def master_path(self) -> Path:
        """Where master.xlsx is."""
        return self.path / "master.xlsx"

    def _write_master(self, definition: Definition) -> Summary | None:
        """Write and record the master; the summary it shows (None: nothing issued)."""
        with Ledger(self.ledger_path) as ledger:
            issued = ledger.issues()
            if not issued:
                return None
            round_index = self._issued_round(definition, issued, None)
            conflicts = tuple(ledger.conflicts())
            receipts = tuple(ledger.receipts())
        answers = self.answers(definition)
        summary = summarise(definition, round_index, answers)
        write_master_file(
            self.master_path,
            self.ledger_path,
            definition,
            round_index,
            answers,
            summary,
            conflicts,
            receipts,
        )
        return summary

    @_changes_it("summary")
    def summary(self, round_text: str | None = None) -> Summary:
        """A round's figures (by default the latest issued): milestone and economy
        fulfilment by chapter, centre, committee and kind, budget figures, changes
        since the previous round and what is missing. master.xlsx is written anew,
        with the same figures in its summary sheets, after finance's edits in it
        are merged."""
        definition = self.load()
        with Ledger(self.ledger_path) as ledger:
            round_index = self._issued_round(definition, ledger.issues(), round_text)
        self.merge_master_edits(definition)
        shown = self._write_master(definition)
        if shown is not None and shown.round_index == round_index:
            return shown  # the master shows the round asked for: its figures
        return summarise(definition, round_index, self.answers(definition))

    @_changes_it("send")
    def send(
        self,
        round_text: str,
        how: str = "eml",
        again: bool = False,
        smtp: Smtp | None = None,
        *,
        progress: Progress | None = None,
        **server: Unpack[ServerOptions],
    ) -> MailReport:
        """Each centre's workbook of a round, to its address: as .eml drafts in
        outbox/round-N/mail/ (how="eml"), through the mail server (how="smtp", each
        message recorded in the ledger; again=True to send a second time), or only
        said (how="dry-run"). The server is the settings' [smtp] table, or `smtp`,
        with any of host, port, security, user, sender given as keywords instead.
        `progress`, if given, is told (messages done, messages in all) after each."""
        definition = self.load()
        round_index = self._round_index(definition, round_text)
        mail_server = with_smtp(smtp or definition.settings.smtp, **server)
        return send_round(
            self.path, self.ledger_path, definition, round_index, how, mail_server, again, progress
        )

    @_changes_it("remind")
    def remind(
        self,
        round_text: str,
        how: str = "eml",
        smtp: Smtp | None = None,
        *,
        progress: Progress | None = None,
        **server: Unpack[ServerOptions],
    ) -> MailReport:
        """A reminder to each centre with unanswered items or open conflicts in a round,
        listing them, its workbook attached again; how and the server as for send."""
        definition = self.load()
        status, open_conflicts = self._round_status(definition, round_text)
        round_index = definition.agreement.rounds.index(status.round)
        centre_of = {item.number: item.centre for item in definition.agreement.items}
        words = texts(definition.settings.language)
        conflicts: dict[str, list[tuple[str, str]]] = {}
        for conflict in open_conflicts:
            centre = centre_of.get(conflict.item, "")
            name = words[f"field_{conflict.answer.value}"]
            conflicts.setdefault(centre, []).append((conflict.item, name))
        mail_server = with_smtp(smtp or definition.settings.smtp, **server)
        return remind_round(
            self.path,
            self.ledger_path,
            definition,
            round_index,
            how,
            mail_server,
            status,
            conflicts,
            progress,
        )

    def _issued_round(
        self, definition: Definition, issues: list[IssueRecord], round_text: str | None
    ) -> int:
        """The index of the round asked for, or of the latest round issued."""
        if round_text is not None:
            return self._round_index(definition, round_text)
        rounds = [i.round for i in issues if i.round in definition.agreement.rounds]
        if not rounds:
            raise WorkspaceError(Text("no round has been issued yet; run xlfollow issue first"))
        return max(definition.agreement.rounds.index(r) for r in rounds)

    def waiting(self) -> list[Path]:
        """The files in inbox/ not merged yet (nor rejected before)."""
        with Ledger(self.ledger_path) as ledger:
            return _inbox_files(self, ledger)[0]

    def conflicts(self) -> list[ConflictRecord]:
        """The open conflicts of every round, oldest first."""
        with Ledger(self.ledger_path) as ledger:
            return ledger.conflicts()

    def status(self, round_text: str | None = None) -> RoundStatus:
        """Per centre for a round (by default the latest issued): files issued and
        received, smileys answered and missing, open conflicts, overdue or not."""
        return self._round_status(self.load(), round_text)[0]

    def _round_status(
        self, definition: Definition, round_text: str | None
    ) -> tuple[RoundStatus, list[ConflictRecord]]:
        """A round's status, and its open conflicts."""
        with Ledger(self.ledger_path) as ledger:
            issues = ledger.issues()
            round_index = self._issued_round(definition, issues, round_text)
            round_name = definition.agreement.rounds[round_index]
            receipts = ledger.receipts()
            conflicts = ledger.conflicts(round_name)
        status = round_status(
            definition,
            round_index,
            self.answers(definition),
            issues,
            receipts,
            conflicts,
            datetime.now(UTC).date(),
        )
        return status, conflicts

    @_changes_it("resolve")
    def resolve(
        self,
        item: str,
        field: str,
        round_text: str | None = None,
        take: str | None = None,
        value: str | None = None,
    ) -> Decision:
        """Decide an open conflict on an item's answer, named by any of its fields (by
        code, or as the sheets name it): take one of its sources' answers (or "current"
        or "incoming"), or give the named field a value. Finance's edits in master.xlsx
        are merged first; the master is written anew after."""
        if (take is None) == (value is None):
            raise WorkspaceError(Text("give either --take SOURCE or --value VALUE"))
        definition = self.load()
        round_name = None
        if round_text is not None:
            round_name = definition.agreement.rounds[self._round_index(definition, round_text)]
        self.merge_master_edits(definition)
        conflict = decide(self.ledger_path, definition, item, field, round_name, take, value)
        self._write_master(definition)
        return conflict

    @staticmethod
    def _round_index(definition: Definition, round_text: str) -> int:
        try:
            return definition.round_index(round_text)
        except ValueProblem as exc:
            raise WorkspaceError(exc.text) from exc


def _inbox_files(workspace: Workspace, ledger: Ledger) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The new files in inbox/, and those whose bytes were rejected before (with their
    digests); files merged before are left out."""
    inbox = workspace.path / "inbox"
    if not inbox.is_dir():
        return [], []
    verdicts: dict[str, set[str]] = {}
    for receipt in ledger.receipts():
        verdicts.setdefault(receipt.sha256, set()).add(receipt.verdict)
    new, rejected = [], []
    for path in sorted(inbox.iterdir()):
        # Excel's lock files (~$name.xlsx) and hidden files are no returns.
        if not path.is_file() or path.name.startswith((".", "~$")):
            continue
        if screened(path) is not None:
            new.append(path)  # the merge says why it cannot be read
            continue
        digest = file_digest(path)
        seen = verdicts.get(digest, set())
        if seen == {Verdict.REJECTED.value}:
            rejected.append((path, digest))
        elif not seen:
            new.append(path)
    return new, rejected


def _digest(path: Path) -> str | None:
    """A file's SHA-256, read a piece at a time; None if it is not a file."""
    return file_digest(path) if path.is_file() else None


def _shown(path: Path, root: Path) -> str:
    """A file as messages name it: relative to the workspace where it lies inside it."""
    try:
        return printable_name(str(path.resolve().relative_to(root.resolve())))
    except ValueError:
        return printable_name(str(path))
