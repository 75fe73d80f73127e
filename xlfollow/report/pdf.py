"""The council's report as a tagged PDF: the Word document converted by LibreOffice,
headless, in a profile and a folder of its own that are removed after.

The PDF is tagged for PDF/UA (headings, tables with their header cells, the document's
language and title), so a screen reader can read it and the city council can publish
it. LibreOffice writes it to a temporary folder; it is moved into place whole, so the
old PDF or the new one is there, never half of one.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from xlfollow.errors import ReportError
from xlfollow.files import ensure_replaceable, write_atomically
from xlfollow.messages import Text

__all__ = ["FILTER_OPTIONS", "SOFFICE_PLACES", "export_filter", "find_soffice", "to_pdf"]

FILTER_OPTIONS: Mapping[str, bool] = {
    # A structure tree: headings, paragraphs, tables, as /StructTreeRoot and /MarkInfo.
    "UseTaggedPDF": True,
    # PDF/UA-1: tagging, and pdfuaid:part=1 in the XMP metadata (LibreOffice 7.2 and later).
    "PDFUACompliance": True,
    # The viewer's window shows the document's title, not its file name; PDF/UA asks for
    # it, and LibreOffice 7.4 does not set it for PDFUACompliance by itself.
    "DisplayPDFDocumentTitle": True,
    # The headings as bookmarks (/Outlines), to find a chapter or an item.
    "ExportBookmarks": True,
}
"""The options of LibreOffice's writer_pdf_Export filter. Writer keeps text as text
(embedded, searchable fonts) without an option for it."""

SOFFICE_PLACES: Sequence[Path] = (
    Path("/usr/bin/soffice"),
    Path("/usr/local/bin/soffice"),
    Path("/opt/libreoffice/program/soffice"),
    Path("/snap/bin/libreoffice"),
    Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"),
    Path(r"C:\Program Files\LibreOffice\program\soffice.exe"),
    Path(r"C:\Program Files (x86)\LibreOffice\program\soffice.exe"),
)
"""Where LibreOffice's soffice is installed when it is not on PATH."""

_WORD_FILTER = "MS Word 2007 XML"
"""The .docx import filter: named, so that a file that is no Word document fails to load
instead of being read as plain text and converted page by page."""

_MONOCHROME_EMOJI = """\
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">{config}</include>
  <selectfont>
    <rejectfont><pattern><patelt name="color"><bool>true</bool></patelt></pattern></rejectfont>
  </selectfont>
</fontconfig>
"""
"""fontconfig's settings, less its colour fonts. LibreOffice 7.4 embeds a colour emoji
font's glyphs in a PDF as empty outlines: a smiley drawn in Noto Color Emoji is blank on
the page (its text is there). Without colour fonts the smileys are drawn in a font with
outlines (DejaVu Sans, which comes with LibreOffice on Debian), in black and white."""


def export_filter(options: Mapping[str, bool] = FILTER_OPTIONS) -> str:
    """The --convert-to argument: the PDF filter and its options, in the typed JSON form
    LibreOffice 7.4 reads (it ignores the plain `{"UseTaggedPDF": true}` of later
    versions without a word)."""
    typed = {
        name: {"type": "boolean", "value": "true" if value else "false"}
        for name, value in options.items()
    }
    return "pdf:writer_pdf_Export:" + json.dumps(typed, separators=(",", ":"))


def find_soffice(places: Sequence[Path] | None = None) -> Path | None:
    """LibreOffice's soffice: on PATH, else in the usual places (SOFFICE_PLACES); None if
    it is nowhere."""
    found = shutil.which("soffice")
    if found is not None:
        return Path(found)
    places = SOFFICE_PLACES if places is None else places
    return next((place for place in places if place.is_file()), None)


def to_pdf(docx: Path, pdf: Path, *, timeout: float = 300, soffice: Path | None = None) -> Path:
    """Convert a Word document to a tagged PDF (PDF/UA) with LibreOffice; the PDF's path.

    ReportError if LibreOffice is missing, fails or takes longer than `timeout` seconds
    (then it is stopped, every process of it); the Word document is kept in any case,
    and an old PDF stays as it was. `soffice` names the program; by default it is found
    on PATH or in SOFFICE_PLACES.
    """
    if not docx.is_file():
        raise ReportError(Text("{docx} does not exist or is not a file", docx=str(docx)))
    program = soffice or find_soffice()
    if program is None:
        raise ReportError(_no_libreoffice(docx))
    ensure_replaceable(pdf)
    with tempfile.TemporaryDirectory(prefix="xlfollow-pdf-") as scratch:
        folder = Path(scratch)
        output = folder / "out"
        command = [
            str(program),
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nolockcheck",
            f"--infilter={_WORD_FILTER}",
            "--convert-to",
            export_filter(),
            "--outdir",
            str(output),
            str(docx.resolve()),
        ]
        said = _run(command, folder, timeout, docx)
        written = output / f"{docx.stem}.pdf"
        if not written.is_file():
            raise ReportError(
                Text(
                    "LibreOffice could not convert {docx} to PDF: {why}",
                    docx=str(docx),
                    why=said or Text("it wrote no PDF and gave no reason"),
                )
            )
        try:
            write_atomically(pdf, written.read_bytes())
        except OSError as exc:
            raise ReportError(
                Text(
                    "the PDF cannot be written to {pdf}: {why}. The Word document is kept.",
                    pdf=str(pdf),
                    why=exc.strerror or str(exc),
                )
            ) from exc
    return pdf


def _no_libreoffice(docx: Path) -> Text:
    return Text(
        "LibreOffice is needed to write the PDF, and it is not installed (no soffice on "
        "PATH or where LibreOffice installs it). Install it: on Debian or Ubuntu `apt-get "
        "install libreoffice-writer`, on Windows or macOS from https://www.libreoffice.org. "
        "The Word document {docx} is written and kept: it can also be saved as PDF from "
        "Word.",
        docx=str(docx),
    )


def _environment(folder: Path) -> dict[str, str]:
    """soffice's environment: its temporary files in the folder, and on systems with
    fontconfig (Linux, the BSDs), no colour fonts."""
    environment = dict(os.environ, TMPDIR=str(folder), TMP=str(folder), TEMP=str(folder))
    config = Path(os.environ.get("FONTCONFIG_FILE") or "/etc/fonts/fonts.conf").resolve()
    if sys.platform not in ("win32", "darwin") and config.is_file():
        fonts = folder / "fonts.conf"
        fonts.write_text(_MONOCHROME_EMOJI.format(config=config), encoding="utf-8")
        environment["FONTCONFIG_FILE"] = str(fonts)
    return environment


def _run(command: list[str], folder: Path, timeout: float, docx: Path) -> str:
    """Run soffice in a process group of its own; what it said of errors. The group is
    killed after, and at once on a timeout: soffice is a script that starts oosplash,
    which starts soffice.bin, and none of them may outlive the conversion. What they say
    goes to a file, not a pipe, which a stray one of them could hold open."""
    log = folder / "soffice.log"
    with log.open("wb") as said:
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=said,
                stderr=subprocess.STDOUT,
                env=_environment(folder),
                start_new_session=sys.platform != "win32",
                creationflags=getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0),
            )
        except OSError as exc:
            raise ReportError(
                Text(
                    "LibreOffice could not be started ({program}): {why}",
                    program=command[0],
                    why=exc.strerror or str(exc),
                )
            ) from exc
        try:
            status = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ReportError(
                Text(
                    "LibreOffice took more than {seconds} s to convert {docx} to PDF and was "
                    "stopped. The Word document is kept; run the command again, or open it "
                    "in Word or LibreOffice and save it as PDF.",
                    seconds=f"{timeout:g}",
                    docx=str(docx),
                )
            ) from None
        finally:
            _kill_group(process)
    return _errors(log.read_bytes(), status)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill a process and every process of its group that is still there. A group's id
    is not given to a new process while the group has members, so this kills no other."""
    if sys.platform == "win32":
        if process.poll() is None:
            subprocess.run(
                ["taskkill", "/F", "/T", "/PID", str(process.pid)],
                capture_output=True,
                check=False,
            )
    else:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.kill()
    process.wait()


def _errors(said: bytes, status: int) -> str:
    """LibreOffice's own words of what went wrong, less its chatter (the file it
    converts, and that Java is not there, which a conversion does not need)."""
    lines = [
        line.strip()
        for line in said.decode(errors="replace").splitlines()
        if line.strip() and not line.startswith("convert ") and "javaldx" not in line
    ]
    if status != 0:
        lines.append(f"exit status {status}")
    return "; ".join(lines)
