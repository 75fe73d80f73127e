"""A workspace is a folder: settings, agreement, ledger, outbox and inbox. Its front door."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from tempfile import TemporaryDirectory

from xlfollow.definition.ledgerplace import LedgerPlace
from xlfollow.definition.settings import SETTINGS_FILE
from xlfollow.definition.textimport import ImportReport
from xlfollow.definition.todo import mark_seen, open_todos, read_todo, todo_path
from xlfollow.errors import WorkspaceError, XlfollowError
from xlfollow.figures.summary import Summary, summarise
from xlfollow.files import ensure_replaceable
from xlfollow.ledger.actor import this_actor
from xlfollow.ledger.status import RoundStatus
from xlfollow.ledger.store import AnswerKey, ConflictRecord, Ledger, ledger_version
from xlfollow.machinefaults import ledger_damage
from xlfollow.mail.letters import Delivery
from xlfollow.mail.mailing import MailReport
from xlfollow.mail.receipts import ReceiptJob, ReceiptRequest, check_server
from xlfollow.mail.tokens import Prompt
from xlfollow.messages import Text
from xlfollow.model import Definition, Progress, Smtp
from xlfollow.returns.collect import FileReport, Intake, MergeReport
from xlfollow.returns.resolving import Decision, DecisionRequest, decide
from xlfollow.workspace.creation import (
    LEDGER_FILE,
    create,
    create_from_text,
    example_names,
    example_texts,
)
from xlfollow.workspace.fetching import fetch_replies
from xlfollow.workspace.inbox import gather, inbox_files
from xlfollow.workspace.issuing import IssuedFile, IssueResult, Issuing, issue_round, recipients
from xlfollow.workspace.ledgermove import migrate_ledger
from xlfollow.workspace.loading import ledger_place, load_definition
from xlfollow.workspace.locking import changes_it
from xlfollow.workspace.mailout import remind_centres, send_round_mail
from xlfollow.workspace.master import (
    current_answers,
    edited_master,
    issued_round,
    master_stale,
    merge_edits,
    round_index,
    round_status_of,
    write_master,
)
from xlfollow.workspace.overview import Overview, describe
from xlfollow.workspace.placing import place_warning
from xlfollow.workspace.receipting import send_receipts
from xlfollow.workspace.reporting import ReportFormat, ReportJob, ReportResult, make_report

__all__ = [
    "SETTINGS_FILE",
    "IssueResult",
    "IssuedFile",
    "Overview",
    "Workspace",
    "example_names",
    "recipients",
]


class Workspace:
    """A folder with an agreement, its settings and its ledger."""

    def __init__(
        self,
        path: Path | str,
        *,
        on_master_edits: Callable[[FileReport], None] | None = None,
        actor: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.actor = this_actor() if actor is None else actor
        """Who runs the commands ('anna@OEKPC042'): recorded with every change they make
        in the ledger; by default this process's user and machine."""
        self.on_master_edits = on_master_edits
        """Told the report of finance's edits in master.xlsx, when a command that writes
        the master anew merges them first (`merge` lists them among its files)."""
        self.holding_lock = False
        """Whether a method that changes the workspace holds its lock (see locking)."""
        self.loaded: Definition | None = None
        """The definition the last `load` returned: what a command worked with, for
        the terminal to show its results by, without loading it again."""
        self.receipts_sent: MailReport | None = None
        """The receipts the last `merge` given `receipts` wrote or sent, per file."""

    @property
    def settings_path(self) -> Path:
        """Where xlfollow.toml is."""
        return self.path / SETTINGS_FILE

    @property
    def ledger_place(self) -> LedgerPlace:
        """Where the ledger is: its file here, or the PostgreSQL database and schema
        `ledger` in xlfollow.toml names (DefinitionError if that cannot be used)."""
        return ledger_place(self.path)

    @property
    def ledger_path(self) -> Path:
        """Where the SQLite ledger file is, or would be (see ledger_place)."""
        return self.path / LEDGER_FILE

    @classmethod
    def init(cls, path: Path | str, example: str = "small", ledger: str = "") -> Workspace:
        """Create a workspace in a new or empty folder from a bundled example; its ledger
        in the PostgreSQL database `ledger` names, if given, else in its folder."""
        create(Path(path), *example_texts(example), ledger=ledger)
        return cls(path)

    @classmethod
    def init_from_text(
        cls, path: Path | str, report: Path, ledger: str = ""
    ) -> tuple[Workspace, ImportReport]:
        """Create a workspace whose agreement is imported from a report's text; what the
        import was unsure of is kept beside it, in the workspace's language, for `check`
        to repeat."""
        return cls(path), create_from_text(Path(path), report, ledger)

    def load(self) -> Definition:
        """Read and check the settings and the agreement, reporting every problem of both."""
        self.loaded = load_definition(self.path)
        return self.loaded

    def check(self) -> Overview:
        """Check the whole workspace and describe it, with what the import left to do;
        raise with every problem found. An SQLite ledger gets SQLite's full integrity check."""
        definition = self.load()
        place = self.ledger_place
        ledger_version(place)
        damage = ledger_damage(place.path, thorough=True) if place.path else None
        if damage is not None:
            raise damage
        todo = todo_path(self.path / definition.settings.agreement_file)
        overview = describe(
            definition, open_todos(read_todo(todo), definition.agreement), todo.name
        )
        warning = self.place_warning()
        if warning is None:
            return overview
        return replace(overview, notes=(warning, *overview.notes))

    def place_warning(self) -> Text | None:
        """The warning of a ledger on a network drive or in a synced folder (its WAL
        switched to the rollback journal first, where it can be); None on a local disk,
        or where XLFOLLOW_LEDGER_PLACE_CHECK=0. None for a ledger on PostgreSQL, and
        where the settings cannot say where the ledger is (the command says why)."""
        try:
            place = self.ledger_place
        except XlfollowError:
            return None
        return None if place.path is None else place_warning(place.path)

    def mark_seen(self, items: list[str]) -> int:
        """Mark what the import left to do about these items ('all' for every one) as
        seen, so `check` no longer lists it; how many entries were marked."""
        definition = self.load()
        return mark_seen(todo_path(self.path / definition.settings.agreement_file), items)

    def answers(self, definition: Definition) -> dict[AnswerKey, str]:
        """The current answers: notes imported with the agreement, then the ledger's."""
        return current_answers(self.ledger_place, definition)

    @changes_it("issue")
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
        index = round_index(definition, round_text)
        round_name = definition.agreement.rounds[index]
        with Ledger(self.ledger_place) as ledger:
            if ledger.issues(round_name) and not again:
                raise WorkspaceError(
                    Text(
                        'round "{name}" has been issued already; returns against those '
                        "workbooks still merge. Give --again to issue it anew.",
                        name=round_name,
                    )
                )
        self.merge_master_edits(definition)
        if previous is not None and index > 0:
            with Ledger(self.ledger_place) as ledger:
                earlier = definition.agreement.rounds[index - 1]
                issued_before = bool(ledger.issues(earlier))
            if issued_before:
                previous(round_status_of(self.ledger_place, definition, earlier)[0])
        issuing = Issuing(definition, index, self.answers(definition), actor=self.actor)
        result = issue_round(self.path, self.ledger_place, issuing, progress)
        self._write_master(definition)
        return result

    @changes_it("merge")
    def merge(
        self,
        files: list[Path] | None = None,
        progress: Progress | None = None,
        *,
        receipts: Delivery | ReceiptRequest | None = None,
        smtp: Smtp | None = None,
        prompt: Prompt | None = None,
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
        `receipts` (eml, smtp, dry-run; or a command line's request, decided with the
        settings' [mail] receipts): a receipt to each file's sender afterwards, through
        `smtp` or the settings' [smtp] (`prompt`: who can sign in to Microsoft 365 at
        the terminal), said in `receipts_sent`."""
        definition = self.load()
        self.receipts_sent, mail_server = None, smtp or definition.settings.smtp
        if isinstance(receipts, ReceiptRequest):
            mail_server = receipts.smtp(mail_server)
            receipts = receipts.delivery(definition.settings.mail.receipts)
        if receipts is Delivery.SMTP:
            check_server(mail_server)  # before anything is merged
        report = MergeReport()
        master = self.merge_master_edits(definition)
        if master is not None:
            report.files.append(master)
        workers = min(4, os.cpu_count() or 1)
        with Ledger(self.ledger_place, self.actor) as ledger:
            intake = Intake(definition, ledger)
            with TemporaryDirectory(prefix="xlfollow-mail-") as scratch:
                batch = gather(self.path, intake, files, Path(scratch))
                report.files.extend(batch.said)
                done, readable = len(report.files), batch.files
                for file_report in intake.receive_all(
                    readable, batch.name_of, workers, batch.mail_of
                ):
                    report.files.append(file_report)
                    if progress is not None:
                        progress(len(report.files) - done, len(readable))
        if master_stale(self.ledger_place, self.master_path):
            report.master_written = self._write_master(definition) is not None
        with Ledger(self.ledger_place) as ledger:
            report.conflicts = ledger.conflicts()
        if receipts is not None:
            job = ReceiptJob(
                self.path,
                self.ledger_place,
                definition,
                receipts,
                mail_server,
                prompt=prompt,
                actor=self.actor,
            )
            self.receipts_sent = send_receipts(job, report)
        return report

    fetch = fetch_replies
    migrate_ledger = migrate_ledger

    def master_outdated(self) -> bool:
        """True if a round has been issued and master.xlsx is missing or older than the
        ledger; `merge` (or any command that writes the master) writes it anew."""
        return master_stale(self.ledger_place, self.master_path)

    def master_edited(self) -> bool:
        """True if master.xlsx is not as xlfollow wrote it and has not been merged since:
        finance has edited it."""
        return edited_master(self.ledger_place, self.master_path) is not None

    @changes_it("merge")
    def merge_master_edits(self, definition: Definition | None = None) -> FileReport | None:
        """Merge finance's edits in master.xlsx (smileys, notes, amounts, and the decisions
        chosen on its Konflikter sheet) as finance's return, exactly as `merge` merges a
        centre's; None if the file is as xlfollow wrote it. Every command that writes
        master.xlsx anew does this first, so no edit is lost. WorkspaceError, with the
        file left as it is and nothing else done, if its edits cannot be merged, or if
        it cannot be replaced afterwards (open in Excel or LibreOffice, where it may
        also hold edits not saved yet)."""
        ensure_replaceable(self.master_path)
        if edited_master(self.ledger_place, self.master_path) is None:
            return None
        report = merge_edits(self.path, self.ledger_place, definition or self.load(), self.actor)
        if self.on_master_edits is not None:
            self.on_master_edits(report)
        return report

    @changes_it("write master.xlsx")
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
        return write_master(self.master_path, self.ledger_place, definition, self.actor)

    @changes_it("summary")
    def summary(self, round_text: str | None = None) -> Summary:
        """A round's figures (by default the latest issued): milestone and economy
        fulfilment by chapter, centre, committee and kind, budget figures, changes
        since the previous round and what is missing. master.xlsx is written anew,
        with the same figures in its summary sheets, after finance's edits in it
        are merged."""
        definition = self.load()
        with Ledger(self.ledger_place) as ledger:
            index = issued_round(definition, ledger.issues(), round_text)
        self.merge_master_edits(definition)
        written = self._write_master(definition)
        if written is not None and written.round_index == index:
            return written  # the master shows the round asked for: its figures
        return summarise(definition, index, self.answers(definition))

    @changes_it("report")
    def report(
        self,
        round_text: str | None = None,
        how: ReportFormat = ReportFormat.DOCX,
        output: Path | None = None,
        dated: date | None = None,
    ) -> ReportResult:
        """The council's report of a round (by default the latest issued) as a Word
        document, and as PDF with LibreOffice (how); in reports/ unless output names
        the file. Finance's edits in master.xlsx are merged first."""
        definition = self.load()
        self.merge_master_edits(definition)
        answers = self.answers(definition)
        job = ReportJob(self.path, self.ledger_place, definition, answers, round_text, how, output)
        return make_report(job, dated)

    send = send_round_mail
    remind = remind_centres

    def waiting(self) -> list[Path]:
        """The files in inbox/ not merged yet (nor rejected before)."""
        with Ledger(self.ledger_place) as ledger:
            return inbox_files(self.path, ledger)[0]

    def conflicts(self) -> list[ConflictRecord]:
        """The open conflicts of every round, oldest first."""
        with Ledger(self.ledger_place) as ledger:
            return ledger.conflicts()

    def status(self, round_text: str | None = None) -> RoundStatus:
        """Per centre for a round (by default the latest issued): files issued and
        received, smileys answered and missing, open conflicts, overdue or not."""
        return round_status_of(self.ledger_place, self.load(), round_text)[0]

    @changes_it("resolve")
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
            round_name = definition.agreement.rounds[round_index(definition, round_text)]
        self.merge_master_edits(definition)
        request = DecisionRequest(item, field, round_name, take, value, self.actor)
        conflict = decide(self.ledger_place, definition, request)
        self._write_master(definition)
        return conflict
