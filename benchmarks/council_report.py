"""Time the council's report: the Word document of a round, and its PDF by LibreOffice.

    python benchmarks/council_report.py [--items 109,5000] [--repeat N] [--pdf]

For the bundled Ballerup 2018 example (109 items) and the synthetic agreement of
benchmarks/issue_round.py (5,000 items over 200 centres), every item answered: the
milestone and economy smiley of round 1, a note on one in three, an expected deviation
on one in five. Timed, best of N: the Word document made and saved (python-docx), in
memory, from the answers and the round's figures (`report_document`, as `xlfollow
report` runs it after loading); then, with --pdf, once, LibreOffice's conversion to a
tagged PDF (`to_pdf`). Printed: the times, the .docx's size, and the PDF's size and
pages.
"""

from __future__ import annotations

import argparse
import io
import random
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from issue_round import synthetic

from xlfollow.answers import Field
from xlfollow.figures.summary import summarise
from xlfollow.ledger.records import AnswerKey
from xlfollow.model import Agreement, Definition, Settings
from xlfollow.report.pdf import to_pdf
from xlfollow.report.writing import ReportRequest, report_document
from xlfollow.workspace.folder import Workspace


def answered(agreement: Agreement, seed: int = 3) -> dict[AnswerKey, str]:
    """Round 1 answered for every item."""
    rng = random.Random(seed)
    name = agreement.rounds[0]
    answers: dict[AnswerKey, str] = {}
    for n, item in enumerate(agreement.items):
        answers[(name, item.number, Field.MILESTONE)] = rng.choice(agreement.milestone_scale.codes)
        answers[(name, item.number, Field.ECONOMY)] = rng.choice(agreement.economy_scale.codes)
        if n % 3 == 0:
            answers[(name, item.number, Field.MILESTONE_NOTE)] = "Sagen er forelagt udvalget."
        if n % 5 == 0:
            answers[(name, item.number, Field.DEVIATION)] = str(round(rng.uniform(-1, 1), 2))
    return answers


def definition_of(items: int, folder: Path) -> Definition:
    if items == 109:
        return Workspace.init(folder / "ws", "ballerup-2018").load()
    return Definition(synthetic(items, 200), Settings())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", default="109,5000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pdf", action="store_true")
    args = parser.parse_args()
    for items in (int(n) for n in args.items.split(",")):
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch)
            definition = definition_of(items, folder)
            answers = answered(definition.agreement)
            summary = summarise(definition, 0, answers)
            request = ReportRequest(definition, 0, answers, summary, None, date(2026, 4, 5))
            best = float("inf")
            content = b""
            for _ in range(args.repeat):
                start = time.perf_counter()
                buffer = io.BytesIO()
                report_document(request).save(buffer)
                best = min(best, time.perf_counter() - start)
                content = buffer.getvalue()
            docx = folder / "report.docx"
            docx.write_bytes(content)
            print(f"{items} items: .docx {best:.2f} s, {len(content) / 1e6:.2f} MB")
            if args.pdf:
                start = time.perf_counter()
                pdf = to_pdf(docx, folder / "report.pdf", timeout=3600)
                seconds = time.perf_counter() - start
                info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True)
                pages = next(
                    (
                        line.split()[-1]
                        for line in info.stdout.splitlines()
                        if line.startswith("Pages")
                    ),
                    "?",
                )
                print(
                    f"{items} items: .pdf {seconds:.1f} s, {pdf.stat().st_size / 1e6:.2f} MB, "
                    f"{pages} pages"
                )
        sys.stdout.flush()


if __name__ == "__main__":
    main()
