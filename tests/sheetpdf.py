"""Sheets of a workbook printed to PDF by LibreOffice Calc, and what is on their pages.

A sheet is printed alone by hiding the others in a copy of the workbook (Calc prints
no hidden sheet); the pages' words and their boxes come from poppler's pdftotext.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

__all__ = ["Word", "only_sheets", "pages_of", "print_to_pdf", "printing_missing"]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def printing_missing() -> str:
    """Why sheets cannot be printed here: '' when they can."""
    if shutil.which("soffice") is None:
        return "soffice is not installed (Debian package libreoffice-calc)"
    if shutil.which("pdftotext") is None:
        return "pdftotext is not installed (Debian package poppler-utils)"
    return ""


def only_sheets(xlsx: Path, names: set[str], copy: Path) -> Path:
    """A copy of the workbook in which only the named sheets are visible (and print)."""
    with zipfile.ZipFile(xlsx) as source, zipfile.ZipFile(copy, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "xl/workbook.xml":
                data = _hide_others(data.decode("utf-8"), names).encode("utf-8")
            target.writestr(entry, data)
    return copy


def _hide_others(workbook: str, names: set[str]) -> str:
    sheets = ElementTree.fromstring(workbook).iter(f"{_MAIN}sheet")
    shown = [sheet.get("name") in names for sheet in sheets]
    if not any(shown):
        raise ValueError(f"no sheet named {sorted(names)}")
    counter = iter(shown)

    def tag(match: re.Match[str]) -> str:
        element = re.sub(r' state="[^"]*"', "", match.group(0))
        return element if next(counter) else element.replace("<sheet ", '<sheet state="hidden" ')

    # The active sheet must be one that is shown, or Calc shows (and prints) it anyway.
    active = f' activeTab="{shown.index(True)}"'
    workbook = re.sub(r' activeTab="\d+"', "", workbook).replace(
        "<workbookView ", f"<workbookView{active} "
    )
    workbook = re.sub(r"<sheet [^>]*/>", tag, workbook)

    def print_area(match: re.Match[str]) -> str:
        return match.group(0) if shown[int(match.group(1))] else ""

    # Calc prints a hidden sheet's print area all the same: the hidden sheets lose theirs.
    return re.sub(
        r'<definedName name="_xlnm.Print_Area" localSheetId="(\d+)">[^<]*</definedName>',
        print_area,
        workbook,
    )


def print_to_pdf(workbooks: list[Path], folder: Path, timeout: float = 300) -> list[Path]:
    """Each workbook printed to a PDF in the folder by Calc, headless, in a profile of
    its own that is removed after; the PDFs in the workbooks' order."""
    with tempfile.TemporaryDirectory(prefix="xlfollow-print-") as scratch:
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation={(Path(scratch) / 'profile').as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(folder),
                *map(str, workbooks),
            ],
            capture_output=True,
            timeout=timeout,
            check=True,
        )
    pdfs = [folder / f"{workbook.stem}.pdf" for workbook in workbooks]
    missing = [str(pdf) for pdf in pdfs if not pdf.is_file()]
    assert not missing, f"Calc printed no {missing}"
    return pdfs


@dataclass(frozen=True)
class Word:
    """A word on a page, its box in points (its height is about its font's size)."""

    text: str
    page: int
    x_min: float
    y_min: float
    x_max: float
    y_max: float

    @property
    def height(self) -> float:
        return self.y_max - self.y_min


def pages_of(pdf: Path) -> list[list[Word]]:
    """The words of each page of a PDF, from pdftotext -bbox-layout."""
    run = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    # pdftotext writes XHTML; the words are <word xMin= yMin= xMax= yMax=>text</word>.
    pages: list[list[Word]] = []
    for page in re.split(r"<page ", run.stdout)[1:]:
        words = [
            Word(
                _unescape(text),
                len(pages) + 1,
                float(x_min),
                float(y_min),
                float(x_max),
                float(y_max),
            )
            for x_min, y_min, x_max, y_max, text in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                r"([^<]*)</word>",
                page,
            )
        ]
        pages.append(words)
    return pages


def _unescape(text: str) -> str:
    return html.unescape(text)
