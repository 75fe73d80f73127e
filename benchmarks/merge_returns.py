"""Time merging returned workbooks, against python-calamine reading their values.

    python benchmarks/merge_returns.py [--files N] [--repeat K]

A synthetic agreement of 5,000 items and 200 centres is issued (round 1);
every centre's workbook comes back with a smiley, a note and an amount on
each of its items. Timed, each from a fresh copy of the workspace, best of --repeat runs (3):

- files: reading, scanning, checking and merging the files into the ledger,
  one transaction each, the agreement loaded before the clock starts; files
  are read in one process per core, the merge runs in the main process;
- merge: `Workspace.merge` of the returned files without writing the master,
  as the CLI does it (so with loading and checking the agreement);
- master: writing master.xlsx anew from the ledger (the agreement loaded and
  its fingerprint known, as they are when the merge writes it), timed apart;
- raw read: python-calamine reading every sheet's values of the same files;
- raw write: xlsxwriter writing the master's cells with no formatting: the chapter
  sheets' values and the summary sheets' texts and formulas with their values.

Peak Python memory (tracemalloc) of merging a quarter of the files and all
of them shows whether memory grows with the number of files.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from unittest import mock

import openpyxl
import xlsxwriter
from python_calamine import CalamineWorkbook

sys.path.insert(0, str(Path(__file__).parent))
from issue_round import baseline_cells, raw_sheets, synthetic, workspace_for

from xlfollow.answers import Field
from xlfollow.definition.fingerprint import fingerprint
from xlfollow.ledger.store import Ledger
from xlfollow.model import Definition
from xlfollow.returns.collect import Intake
from xlfollow.texts import texts
from xlfollow.workbooks.layout import SUMMARY_SHEETS
from xlfollow.workbooks.spec import WorkbookSpec
from xlfollow.workbooks.writer import write_round
from xlfollow.workspace.folder import Workspace, recipients


def returned_files(workspace: Workspace, folder: Path, count: int) -> list[Path]:
    """Each centre's issued workbook written again with an answer in every answer cell of
    its own items; the items it contributes to keep what they showed (locked, empty)."""
    definition = workspace.load()
    rng = random.Random(3)
    round_name = definition.agreement.rounds[0]
    with Ledger(workspace.ledger_place) as ledger:
        issues = {i.recipient: i for i in ledger.issues(round_name)}
    answers: dict[str, dict[tuple[str, str, Field], str]] = {}
    for item in definition.agreement.items:
        own = answers.setdefault(item.centre, {})
        own[(round_name, item.number, Field.MILESTONE)] = rng.choice(["met", "partly", "not_met"])
        own[(round_name, item.number, Field.ECONOMY)] = rng.choice(["kept", "not_kept"])
        own[(round_name, item.number, Field.MILESTONE_NOTE)] = "Indsatsen forløber som planlagt."
        own[(round_name, item.number, Field.DEVIATION)] = repr(round(rng.uniform(-1, 1), 3))
    specs = [
        WorkbookSpec(
            definition,
            0,
            r,
            issues[r.name].issue_id,
            datetime(2026, 1, 1),
            answers.get(r.name, {}),
            fingerprint=issues[r.name].fingerprint,
        )
        for r in recipients(definition, 0)
        if r.name and r.name in issues
    ][:count]
    folder.mkdir()
    paths = []
    for spec in specs:  # one by one: write_round shares one set of answers
        book = next(write_round([spec]))
        path = folder / spec.recipient.file_name
        path.write_bytes(book.content)
        paths.append(path)
    return paths


def raw_read(paths: list[Path]) -> int:
    cells = 0
    for path in paths:
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            cells += sum(len(row) for row in book.get_sheet_by_name(name).to_python())
    return cells


def timed_merge(
    template: Path, scratch: Path, paths: list[Path], name: str, trace: bool = False
) -> tuple[float, int]:
    """Seconds to merge the files into a fresh copy of the workspace, or (trace=True,
    a separate run, as tracing slows Python down) the peak traced memory."""
    copy = scratch / name
    shutil.copytree(template, copy)
    workspace = Workspace(copy)
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    with mock.patch.object(Workspace, "_write_master", return_value=None):
        report = workspace.merge(paths)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    tracemalloc.stop()
    assert all(f.verdict == "accepted" for f in report.files), [f.reason for f in report.files]
    assert not any(f.cells["refused"] or f.cells["conflict"] for f in report.files)
    return elapsed, peak


def timed_files(template: Path, scratch: Path, paths: list[Path], name: str) -> float:
    """Seconds to read, scan, check and merge the files, the agreement loaded beforehand."""
    copy = scratch / name
    shutil.copytree(template, copy)
    workspace = Workspace(copy)
    definition = workspace.load()
    with Ledger(workspace.ledger_place) as ledger:
        intake = Intake(definition, ledger)
        start = time.perf_counter()
        workers = min(4, os.cpu_count() or 1)  # as Workspace.merge does
        reports = list(intake.receive_all(paths, lambda path: path.name, workers))
        elapsed = time.perf_counter() - start
    assert all(r.verdict == "accepted" for r in reports)
    assert not any(r.cells["refused"] or r.cells["conflict"] for r in reports)
    return elapsed


SummaryCells = list[tuple[str, list[tuple[int, int, object, object]]]]


def summary_cells(path: Path, definition: Definition) -> SummaryCells:
    """The summary sheets' cells of a written master: (row, col, value or formula, cached)."""
    words = texts(definition.settings.language)
    formulas = openpyxl.load_workbook(path)
    values = openpyxl.load_workbook(path, data_only=True)
    found: SummaryCells = []
    for key in SUMMARY_SHEETS:
        name = words[f"{key}_sheet"]
        cells: list[tuple[int, int, object, object]] = [
            (cell.row - 1, cell.column - 1, cell.value, values[name][cell.coordinate].value)
            for row in formulas[name].iter_rows()
            for cell in row
            if cell.value is not None
        ]
        found.append((name, cells))
    return found


def raw_master_write(
    sheets: list[tuple[str, list[list[str | float | None]]]], summary: SummaryCells
) -> None:
    """xlsxwriter writing the master's cells, unformatted: the chapter sheets' values
    and the summary sheets' texts, numbers and formulas (with their cached values)."""
    book = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
    for name, cells in summary:
        sheet = book.add_worksheet(name)
        for at_row, at_col, value, cached in cells:
            if isinstance(value, str) and value.startswith("="):
                sheet.write_formula(at_row, at_col, value, None, cached)
            elif isinstance(value, int | float):
                sheet.write_number(at_row, at_col, value)
            else:
                sheet.write_string(at_row, at_col, str(value))
    raw_sheets(book, sheets)
    book.close()


def seconds(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="xlfollow-merge-bench-"))
    try:
        workspace = workspace_for(scratch / "template", synthetic(5000, 200))
        workspace.issue("1")
        paths = returned_files(workspace, scratch / "returns", args.files)
        quarter = paths[: max(1, len(paths) // 4)]
        repeat = range(args.repeat)
        files_time = min(timed_files(workspace.path, scratch, paths, f"files{n}") for n in repeat)
        merge_time = min(timed_merge(workspace.path, scratch, paths, f"all{n}")[0] for n in repeat)
        _, peak_all = timed_merge(workspace.path, scratch, paths, "traced-all", trace=True)
        _, peak_quarter = timed_merge(workspace.path, scratch, quarter, "quarter", trace=True)
        read_time = min(seconds(lambda: raw_read(paths)) for _ in repeat)
        cells = raw_read(paths)
        merged = Workspace(scratch / "all0")
        # Loaded, and its fingerprint known, when the merge writes the master.
        definition = merged.load()
        fingerprint(definition.agreement)
        master_time = min(seconds(lambda: merged.write_master(definition)) for _ in repeat)
        (master_sheets,) = baseline_cells(merged, merged.answers(definition))[:1]
        summary = summary_cells(merged.path / "master.xlsx", definition)
        raw_master = min(seconds(lambda: raw_master_write(master_sheets, summary)) for _ in repeat)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"{len(paths)} returned workbooks, {cells} cells read by calamine")
    print("| step | xlfollow (s) | baseline (s) | ratio |")
    print("| --- | --- | --- | --- |")
    rows = [
        (f"read, scan, check, merge {len(paths)} files", files_time, "calamine read", read_time),
        ("the merge command (+ load the agreement)", merge_time, "calamine read", read_time),
        ("write master.xlsx", master_time, "xlsxwriter raw", raw_master),
    ]
    for step, ours, base, theirs in rows:
        print(f"| {step} | {ours:.2f} | {base} {theirs:.2f} | {ours / theirs:.2f} |")
    print(
        f"peak traced memory: {len(quarter)} files {peak_quarter / 1e6:.0f} MB, "
        f"{len(paths)} files {peak_all / 1e6:.0f} MB"
    )


if __name__ == "__main__":
    main()
