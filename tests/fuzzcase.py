"""One fuzz case checked: a workspace issued once, base returns built from it, and
a mutated file received into a fresh copy of its ledger.

The file goes through `read_file` and `receive_file`, the two calls
`Workspace.merge` makes per file (in a reader process, then in the merge), so
an exception that escapes them would escape the merge. Left out, as they do
not depend on the file: loading the definition (done once), the workspace's
lock, merging master.xlsx edits and writing master.xlsx after an accepted file.
This is about 25 times faster than `Workspace.merge` on a copied workspace
(4 ms a file against 110 ms, most of it starting reader processes and writing
the master), and the reader process's limits are the fuzz job's own.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import sqlite3
import tempfile
import uuid
import zipfile
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from unittest import mock

from python_calamine import CalamineWorkbook

from xlfollow.answers import Field
from xlfollow.definition.fingerprint import fingerprint
from xlfollow.demo.simulate import fill_workbook
from xlfollow.ledger.mergeplan import SubmittedCell
from xlfollow.ledger.records import Verdict
from xlfollow.ledger.store import Ledger
from xlfollow.model import Definition
from xlfollow.returns.collect import Intake
from xlfollow.returns.mergereport import FileReport
from xlfollow.returns.reader import Reading, read_workbook
from xlfollow.returns.readers import read_file
from xlfollow.returns.receiving import receive_file
from xlfollow.workbooks.layout import METADATA_SHEET
from xlfollow.workbooks.spec import WorkbookSpec
from xlfollow.workbooks.writer import write_workbook
from xlfollow.workspace.folder import Workspace, recipients

CENTRE = "Social og Sundhed"
"""The centre whose workbook is the base of every case: two items of its own, on two
chapter sheets, and one it contributes to."""

TYPED: dict[tuple[str, Field], str | float] = {
    ("3.01", Field.MILESTONE): "😐 Delvist opfyldt",
    ("3.01", Field.MILESTONE_NOTE): "Forsinket; indhentes i næste kvartal.",
    ("3.01", Field.ECONOMY): "☹️ Ikke overholdt",
    ("3.01", Field.ECONOMY_NOTE): "Udgifterne er højere end ventet.",
    ("3.01", Field.DEVIATION): 0.25,
    ("4.11", Field.MILESTONE): "😊 Opfyldt",
    ("4.11", Field.MILESTONE_NOTE): "Som planlagt.",
    ("4.11", Field.ECONOMY): "😊 Overholdt",
    ("4.11", Field.ECONOMY_NOTE): "Besparelsen er opnået.",
    ("4.11", Field.DEVIATION): -0.1,
}
"""What the centre types in the base returns, as the drop-down lists write it."""

STORED = {
    ("3.01", Field.MILESTONE): "partly",
    ("3.01", Field.MILESTONE_NOTE): "Forsinket; indhentes i næste kvartal.",
    ("3.01", Field.ECONOMY): "not_kept",
    ("3.01", Field.ECONOMY_NOTE): "Udgifterne er højere end ventet.",
    ("3.01", Field.DEVIATION): "0.25",
    ("4.11", Field.MILESTONE): "met",
    ("4.11", Field.MILESTONE_NOTE): "Som planlagt.",
    ("4.11", Field.ECONOMY): "kept",
    ("4.11", Field.ECONOMY_NOTE): "Besparelsen er opnået.",
    ("4.11", Field.DEVIATION): "-0.1",
}
"""What the ledger holds after the base return is merged, written by hand."""

Parts = dict[str, bytes]
WHEN = (2018, 3, 1, 9, 0, 0)


@dataclass(frozen=True)
class AnswerCell:
    """An answer cell of a base return: where it is, and what it holds."""

    item: str
    field: Field
    sheet: str
    part: str
    cell: str
    stored: str


@dataclass(frozen=True)
class Base:
    """A returned workbook to mutate: its parts, in order, and its answer cells."""

    name: str
    parts: Parts
    cells: tuple[AnswerCell, ...]
    metadata_rows: dict[str, int]
    """Row number of each key on the metadata sheet."""
    metadata_part: str
    shared_strings: tuple[str, ...]


@dataclass(frozen=True)
class Expect:
    """What a value-level mutation implies for one answer: the values it may be taken
    as (none: it must be refused), or the file rejected."""

    item: str
    field: Field
    allowed: frozenset[str]

    def to_json(self) -> dict[str, Any]:
        """As kept beside a regression case."""
        return {"item": self.item, "field": self.field, "allowed": sorted(self.allowed)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Expect:
        """As read back from a regression case."""
        return cls(data["item"], data["field"], frozenset(data["allowed"]))


@dataclass
class Result:
    """What became of one file: its verdict, or the failures found."""

    verdict: str | None = None
    failures: list[tuple[str, str]] = field(default_factory=list)
    """(kind, detail): unexpected/ExceptionType, wrong-value/..., ledger-changed/..."""
    message: str = ""


def zipped(parts: Parts) -> bytes:
    """The parts as an .xlsx, deflated, in order, dated alike."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(zipfile.ZipInfo(name, WHEN), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def unzipped(content: bytes) -> Parts:
    """An .xlsx's parts, in order."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


class Harness:
    """A small workspace with round 1 issued (issue ids fixed), its ledger's bytes, and
    the base returns of CENTRE's workbook; receives a file into a fresh ledger copy."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        counter = itertools.count(1)
        with mock.patch.object(uuid, "uuid4", side_effect=lambda: uuid.UUID(int=next(counter))):
            workspace = Workspace.init(folder / "ws")
            workspace.issue("1")
        self.definition: Definition = workspace.load()
        self.reading = Reading(self.definition.agreement)
        self.round = self.definition.agreement.rounds[0]
        self.ledger_bytes = workspace.ledger_path.read_bytes()
        self.use_scratch(folder / "scratch")
        self.ledger_path.write_bytes(self.ledger_bytes)
        self.rows_before = ledger_rows(self.ledger_path)
        with Ledger(self.ledger_path) as ledger:
            issue = next(i for i in ledger.issues(self.round) if i.recipient == CENTRE)
            self.current_before = {k: c.value for k, c in ledger.current(self.round).items()}
        self.identity = {
            "issue_id": issue.issue_id,
            "fingerprint": fingerprint(self.definition.agreement),
        }
        """What a kept case must have been made against (tests/data/fuzz/WORKSPACE.json)."""
        issued = workspace.path / issue.file
        filled = fill_workbook(
            issued, folder / "filled.xlsx", TYPED, self.definition, round_index=0
        )
        recipient = next(r for r in recipients(self.definition, 0) if r.name == CENTRE)
        written = write_workbook(
            WorkbookSpec(
                self.definition,
                0,
                recipient,
                issue.issue_id,
                datetime(2018, 3, 1, 9, 0, 0),
                {(self.round, item, f): STORED[(item, f)] for item, f in STORED},
                fingerprint=fingerprint(self.definition.agreement),
                tool_version="fuzz",
            )
        ).content
        self.bases = {
            "openpyxl": self._base("openpyxl", filled.read_bytes()),
            "xlsxwriter": self._base("xlsxwriter", written),
        }

    def use_scratch(self, folder: Path) -> None:
        """Receive files in this folder (a worker process's own)."""
        folder.mkdir(exist_ok=True)
        self.ledger_path = folder / "ledger.sqlite"
        self.file_path = folder / "01-social-og-sundhed-runde-1.xlsx"

    def _base(self, name: str, content: bytes) -> Base:
        """A base return: its parts and where its answer cells are."""
        parts = unzipped(content)
        path = self.folder / f"{name}.xlsx"
        path.write_bytes(content)
        returned = read_workbook(path, self.definition.agreement, self.reading)
        part_of = sheet_parts(parts)
        cells = tuple(
            AnswerCell(c.item, c.field, c.sheet, part_of[c.sheet], c.cell, c.value)
            for c in returned.cells
        )
        assert {(c.item, c.field): c.stored for c in cells} == STORED, name
        grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(METADATA_SHEET)
        rows = {str(row[0]): number for number, row in enumerate(grid.to_python(), 1) if row}
        strings = tuple(_text(si) for si in _SI.findall(parts.get("xl/sharedStrings.xml", b"")))
        return Base(name, parts, cells, rows, part_of[METADATA_SHEET], strings)

    def check(self, content: bytes, expect: Expect | None) -> Result:
        """Receive a file into a fresh copy of the ledger and check what became of it."""
        self.ledger_path.write_bytes(self.ledger_bytes)
        for extra in ("-wal", "-shm"):
            Path(f"{self.ledger_path}{extra}").unlink(missing_ok=True)
        self.file_path.write_bytes(content)
        result = Result()
        try:
            with Ledger(self.ledger_path) as ledger:
                intake = Intake(self.definition, ledger)
                read = read_file(self.file_path, self.reading)
                report = receive_file(self.file_path, intake, self.file_path.name, read)
        except MemoryError:
            result.failures.append(("memory", "MemoryError"))
            return result
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # a Rust panic is a BaseException
            result.failures.append(("unexpected", type(exc).__name__))
            result.message = f"{type(exc).__name__}: {exc}"[:300]
            return result
        result.verdict = report.verdict.value
        result.message = report.reason[:300]
        submitted = read.returned.cells if read.returned is not None else ()
        self._check_report(report, result, expect, submitted)
        return result

    def _check_report(
        self,
        report: FileReport,
        result: Result,
        expect: Expect | None,
        submitted: tuple[SubmittedCell, ...],
    ) -> None:
        with closing(sqlite3.connect(self.ledger_path)) as db:
            receipts = db.execute("SELECT verdict FROM receipts").fetchall()
        if receipts != [(report.verdict.value,)]:
            result.failures.append(("verdict", "receipts"))
        if report.verdict not in (Verdict.ACCEPTED, Verdict.REJECTED):
            result.failures.append(("verdict", report.verdict.value))
        if (report.why is None) != (report.verdict is Verdict.ACCEPTED):
            result.failures.append(("verdict", "reason"))
        if report.verdict is not Verdict.ACCEPTED:
            if ledger_rows(self.ledger_path) != self.rows_before:
                result.failures.append(("ledger-changed", report.verdict.value))
            return
        if expect is None:
            return
        with Ledger(self.ledger_path) as ledger:
            now = {k: c.value for k, c in ledger.current(self.round).items()}
        key = (expect.item, expect.field)
        refused = any((p.item, p.field) == key for p in report.problems)
        if refused:
            if now.get(key) != self.current_before.get(key):
                result.failures.append(("wrong-value", "refused-but-changed"))
        elif key not in now or now.get(key) == self.current_before.get(key):
            # Read as an empty cell, or not read at all: the answer silently lost.
            read_as = [c.value for c in submitted if (c.item, c.field) == key]
            result.failures.append(("wrong-value", "blank" if read_as else "dropped"))
        elif now[key] not in expect.allowed:
            result.failures.append(("wrong-value", "taken"))
            result.message = f"{expect.item} {expect.field}: took {now[key]!r}"


def ledger_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows but the received files'."""
    with closing(sqlite3.connect(path)) as db:
        tables = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {
            table: sorted(db.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in tables
            if table != "receipts"
        }


def sheet_parts(parts: Parts) -> dict[str, str]:
    """Sheet name -> worksheet part, from workbook.xml and its relationships."""
    rels: dict[str, str] = {}
    for element in re.findall(rb"<Relationship [^>]*>", parts["xl/_rels/workbook.xml.rels"]):
        rid = re.search(rb'Id="([^"]+)"', element)
        target = re.search(rb'Target="([^"]+)"', element)
        if rid and target:
            path = target.group(1).decode().lstrip("/")
            rels[rid.group(1).decode()] = path if path.startswith("xl/") else f"xl/{path}"
    found = {}
    for element in re.findall(rb"<sheet [^>]*>", parts["xl/workbook.xml"]):
        name = re.search(rb'name="([^"]+)"', element)
        rid = re.search(rb'r:id="([^"]+)"', element)
        if name and rid:
            found[_unescape(name.group(1).decode())] = rels[rid.group(1).decode()]
    return found


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    )


def _text(si: bytes) -> str:
    return _unescape(b"".join(re.findall(rb"<t[^>]*>(.*?)</t>", si, re.S)).decode())


_SI = re.compile(rb"<si>(.*?)</si>", re.S)


def scratch_harness() -> tuple[Harness, tempfile.TemporaryDirectory[str]]:
    """A harness in a temporary folder; the caller cleans the folder up."""
    # In memory where there is a tmpfs: the ledger's commits sync to disk, and a
    # disk shared with other jobs makes each sync cost more than the file's reading.
    shm = Path("/dev/shm")
    where = str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None
    folder = tempfile.TemporaryDirectory(prefix="xlfollow-fuzz-", dir=where)
    return Harness(Path(folder.name)), folder
