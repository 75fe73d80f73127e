"""Time issuing a round, against xlsxwriter writing the same cells with no formatting.

    python benchmarks/issue_round.py [--repeat N]

Cases: the bundled Ballerup 2018 example (109 items, 11 centres) and a synthetic
agreement of 5,000 items and 200 centres. For each, `Workspace.issue` (load and
check the agreement, write every workbook, record the round in the ledger) is
timed, and so is xlsxwriter alone writing the same sheets and cell values with
write_string/write_number, in_memory=True, no formats. Values for the baseline
are computed before its clock starts. The best of N runs is reported.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from xlfollow.answers import Field
from xlfollow.budget import Budget
from xlfollow.definition.agreementwriter import write_agreement
from xlfollow.definition.settingswriter import settings_template
from xlfollow.definition.sheetnames import chapter_sheet_name
from xlfollow.model import Agreement, Chapter, Item, Kind
from xlfollow.workbooks.book import BookWriter
from xlfollow.workbooks.layout import FIRST_DATA_ROW, HEADER_ROW
from xlfollow.workbooks.spec import WorkbookSpec
from xlfollow.workbooks.writer import rows_for, write_round
from xlfollow.workspace.folder import Workspace, recipients

ROUNDS = ("1. opfølgning", "2. opfølgning", "3. opfølgning", "31.12")
WORDS = [
    "kommune",
    "borger",
    "indsats",
    "analyse",
    "plan",
    "budget",
    "skole",
    "pleje",
    "center",
    "udvalg",
    "milepæl",
    "status",
]


def text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def synthetic(items: int, centres: int, seed: int = 7) -> Agreement:
    rng = random.Random(seed)
    centre_names = [f"Center {n:03d}" for n in range(centres)]
    committees = [f"Udvalg {n}" for n in range(6)]
    chapters = [Chapter(str(n), f"Kapitel {n} {text(rng, 3)}") for n in range(1, 11)]
    made = []
    for n in range(items):
        chapter = chapters[n % len(chapters)]
        centre = centre_names[n % centres]
        made.append(
            Item(
                number=f"{chapter.number}.{n:04d}",
                title=text(rng, 6),
                kind=rng.choice(list(Kind)),
                chapter=chapter.number,
                centre=centre,
                committee=rng.choice(committees),
                contributors=tuple(sorted(set(rng.sample(centre_names, 2)) - {centre})),
                agreement_text=text(rng, 60),
                action_text=text(rng, 30),
                milestones={r: text(rng, 12) for r in ROUNDS if rng.random() < 0.7},
                economy_text=text(rng, 10),
                budget=Budget.of(
                    {2026: round(rng.uniform(-2, 5), 3), 2027: round(rng.uniform(-2, 5), 3)}
                ),
            )
        )
    return Agreement(
        title="Aftale om budget 2026",
        municipality="Syntetisk Kommune",
        rounds=ROUNDS,
        centres=tuple(centre_names),
        committees=tuple(committees),
        chapters=tuple(chapters),
        items=tuple(made),
    )


def workspace_for(root: Path, agreement: Agreement | None) -> Workspace:
    if agreement is None:
        return Workspace.init(root, "ballerup-2018")
    workspace = Workspace.init(root)
    write_agreement(agreement, workspace.path / "agreement.yaml")
    workspace.settings_path.write_text(settings_template(agreement), encoding="utf-8")
    return workspace


def baseline_cells(
    workspace: Workspace, answers: dict[tuple[str, str, Field], str] | None = None
) -> list[list[tuple[str, list[list[str | float | None]]]]]:
    """Per workbook, per chapter sheet: the header and data rows our writer writes."""
    definition = workspace.load()
    books = []
    for recipient in recipients(definition, 0):
        spec = WorkbookSpec(definition, 0, recipient, "x" * 32, _now(), answers or {})
        writer = BookWriter(spec)
        rows = rows_for(definition.agreement, recipient, definition.settings.contributors)
        if not recipient.is_master and not any(editable for _, editable in rows):
            continue
        sheets = []
        for chapter in definition.agreement.chapters:
            chapter_rows = [item for item, _ in rows if item.chapter == chapter.number]
            if not chapter_rows:
                continue
            values: list[list[str | float | None]] = [[c.header for c in writer.columns]]
            shown = answers or {}
            values += [[c.shows(item, shown) for c in writer.columns] for item in chapter_rows]
            sheets.append((chapter_sheet_name(chapter), values))
        books.append(sheets)
    return books


def raw_write(books: list[list[tuple[str, list[list[str | float | None]]]]]) -> None:
    for sheets in books:
        book = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
        raw_sheets(book, sheets)
        book.close()


def raw_sheets(book: Any, sheets: list[tuple[str, list[list[str | float | None]]]]) -> None:
    """Chapter sheets' header and data rows, written as plain values."""
    for name, rows in sheets:
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            target = HEADER_ROW + r if r == 0 else FIRST_DATA_ROW + r - 1
            for c, value in enumerate(row):
                if isinstance(value, float):
                    sheet.write_number(target, c, value)
                elif value is not None:
                    sheet.write_string(target, c, value)


def _now() -> datetime:
    return datetime(2026, 1, 1)


def best(repeat: int, setup: Callable[[], object], run: Callable[[object], object]) -> float:
    times = []
    for _ in range(repeat):
        state = setup()
        start = time.perf_counter()
        run(state)
        times.append(time.perf_counter() - start)
    return min(times)


def serial_write(workspace: Workspace) -> Callable[[object], object]:
    definition = workspace.load()
    specs = [
        WorkbookSpec(definition, 0, r, "x" * 32, _now(), {}) for r in recipients(definition, 0)
    ]
    return lambda _: list(write_round(specs, workers=1))


def case(
    name: str, agreement: Agreement | None, repeat: int
) -> tuple[str, float, float, float, int]:
    scratch = Path(tempfile.mkdtemp(prefix="xlfollow-bench-"))
    counter = iter(range(10**6))
    try:
        template = workspace_for(scratch / "template", agreement)

        def fresh() -> Workspace:
            copy = scratch / f"ws{next(counter)}"
            shutil.copytree(template.path, copy)
            return Workspace(copy)

        issue_time = best(repeat, fresh, lambda ws: ws.issue("1"))  # type: ignore[attr-defined]
        books = baseline_cells(template)
        raw_time = best(repeat, lambda: books, raw_write)  # type: ignore[arg-type]
        serial_time = best(repeat, lambda: None, serial_write(template))
        return name, issue_time, serial_time, raw_time, len(books)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results = [
        case("Ballerup 2018 (109 items, 11 centres)", None, args.repeat),
        case("synthetic (5,000 items, 200 centres)", synthetic(5000, 200), args.repeat),
    ]
    print(f"cores: {os.cpu_count()}, best of {args.repeat}")
    print(
        "| case | workbooks | issue (s) | ratio | writing alone, 1 process (s) | ratio "
        "| raw xlsxwriter (s) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, issue_time, serial_time, raw_time, books in results:
        print(
            f"| {name} | {books} | {issue_time:.2f} | {issue_time / raw_time:.2f} | "
            f"{serial_time:.2f} | {serial_time / raw_time:.2f} | {raw_time:.2f} |"
        )


if __name__ == "__main__":
    main()
