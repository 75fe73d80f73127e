"""Render the council's report of the bundled example after two rounds (every centre
answers round 1, all but By, Erhverv og Miljø round 2, simulated as the demo does) to
PDF with LibreOffice, and its front page, the overview's first page and an item's page
to docs/report-*.png for the README. Prints the PDF's page count and size.

    .venv/bin/python scripts/make-report-pictures.py
"""

from __future__ import annotations

import subprocess
import tempfile
from datetime import date
from pathlib import Path

from xlfollow.demo.simulate import answer_round
from xlfollow.workspace.folder import Workspace
from xlfollow.workspace.reporting import ReportFormat

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = {"report-front": 1, "report-overview": 2, "report-item": 14}


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        workspace = Workspace.init(Path(scratch) / "ws", "ballerup-2018")
        workspace.issue("1")
        answer_round(workspace, "1", seed=1)
        workspace.merge()
        workspace.issue("2")
        answer_round(workspace, "2", seed=2, silent={"By, Erhverv og Miljø"})
        workspace.merge()
        result = workspace.report("2", ReportFormat.BOTH, dated=date(2018, 6, 15))
        assert result.pdf is not None
        info = subprocess.run(
            ["pdfinfo", str(result.pdf)], capture_output=True, text=True, check=True
        ).stdout
        print(*(line for line in info.splitlines() if line.startswith(("Pages", "File size"))))
        for name, page in PAGES.items():
            out = DOCS / name
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "70",
                    "-singlefile",
                    "-f",
                    str(page),
                    "-l",
                    str(page),
                    str(result.pdf),
                    str(out),
                ],
                check=True,
            )
            print(f"wrote {out}.png")


if __name__ == "__main__":
    main()
