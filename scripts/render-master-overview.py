"""Render the master's Overblik sheet as docs/master-overview.png.

The bundled Ballerup example is issued for two rounds and answered by
simulated centres (xlfollow.demo.simulate, fixed seeds; one centre never answers),
the returns are merged, and LibreOffice (headless) prints master.xlsx to PDF;
the top of the Overblik sheet's first page becomes the picture.
Needs: libreoffice-calc and poppler-utils (Debian), xlfollow installed.
Usage: python scripts/render-master-overview.py
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from xlfollow.demo.simulate import answer_round
from xlfollow.workspace.folder import Workspace

DOCS = Path(__file__).resolve().parent.parent / "docs"


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        workspace = Workspace.init(work / "ws", "ballerup-2018")
        for round_text, seed in (("1", 1), ("2", 2)):
            workspace.issue(round_text)
            answer_round(workspace, round_text, seed, silent={"By, Erhverv og Miljø"})
            workspace.merge()
        subprocess.run(
            [
                "soffice",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work),
                str(workspace.path / "master.xlsx"),
            ],
            check=True,
            capture_output=True,
        )
        pdf = work / "master.pdf"
        page = next(
            n
            for n in range(1, 200)
            if "Overblik ·"
            in subprocess.run(
                ["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        # The top of the page: milestones by chapter and by centre, with their charts.
        crop = ["-x", "100", "-y", "110", "-W", "1640", "-H", "540"]
        pages = ["-f", str(page), "-l", str(page)]
        target = str(DOCS / "master-overview")
        subprocess.run(
            ["pdftoppm", "-r", "160", "-png", "-singlefile", *pages, *crop, str(pdf), target],
            check=True,
        )
    print(f"wrote {DOCS / 'master-overview.png'} (page {page} of master.pdf)")


if __name__ == "__main__":
    main()
