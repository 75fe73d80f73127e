"""Look at a returned file before any spreadsheet reader does.

A fast value reader (python-calamine) sizes its grid from the cells a sheet
names, so one cell at XFD1048576 makes it allocate without limit and abort
the process. Nothing reaches it, then, until this scan has read the zip
directory and every worksheet's XML as bytes: what kind of file it is, the
sizes and ratios of its parts, the cells it names, and where it holds formulas.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from defusedxml import ElementTree

from xlfollow.errors import XlfollowError

__all__ = ["Limits", "Scan", "ScanError", "scan_workbook"]


class ScanError(XlfollowError):
    """The file is not one xlfollow reads; the message says what it is and what to do."""


@dataclass(frozen=True)
class Limits:
    """What a returned workbook may hold. xlfollow's own workbooks stay far inside."""

    entries: int = 2_000
    entry_bytes: int = 64 * 2**20
    total_bytes: int = 256 * 2**20
    ratio: int = 200
    """Largest compression ratio for an entry of more than a megabyte."""
    columns: int = 256
    rows: int = 200_000


@dataclass
class Scan:
    """What the scan saw: per sheet name, the cells holding a formula."""

    formulas: dict[str, set[str]] = field(default_factory=dict)


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CELL_REF = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]{1,3})([0-9]{1,7})\"")
_FORMULA_CELL = re.compile(
    rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]{1,3}[0-9]{1,7})\"[^>]*>\s*<(?:\w+:)?f[\s>/]"
)
# A cell or row without its reference takes the next position, unseen by a scan
# of references: Excel and LibreOffice always write them, so one without is refused.
_WITHOUT_REF = re.compile(rb"<(?:\w+:)?(?:c|row)(?=[\s>/])(?![^>]*\br=)")
# References that could lie beyond the limits: two or three letters, or five or
# more digits. Only a sheet that has one is scanned cell by cell.
# (A pattern that opens with a literal is searched for fast, hence no \b.)
_MAYBE_FAR = re.compile(rb"r=\"(?:[A-Z]{2,3}[0-9]|[A-Z][0-9]{5,})")
_DIMENSION = re.compile(rb"dimension\s+ref=\"([A-Z0-9:]+)\"")
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def scan_workbook(path: Path, limits: Limits = Limits()) -> Scan:
    """Scan a file; ScanError with a plain reason if it is not a workbook xlfollow reads."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if not head:
        raise ScanError("the file is empty; send the workbook again")
    if head.startswith(_OLE2):
        raise ScanError(
            "an old .xls workbook, or one saved with a password; save it as .xlsx "
            "(Excel Workbook) without a password and send it again"
        )
    if not head.startswith(b"PK"):
        raise ScanError("not an .xlsx workbook; save it from Excel as .xlsx and send it again")
    try:
        with zipfile.ZipFile(path) as archive:
            return _scan_archive(archive, limits)
    except zipfile.BadZipFile as exc:
        raise ScanError(
            f"the .xlsx is damaged ({exc}); save it again from Excel and send it again"
        ) from exc


def _scan_archive(archive: zipfile.ZipFile, limits: Limits) -> Scan:
    entries = archive.infolist()
    if len(entries) > limits.entries:
        raise ScanError(f"it holds {len(entries)} parts, more than a workbook does")
    names = [entry.filename for entry in entries]
    if len(set(names)) != len(names):
        raise ScanError("it holds two parts of the same name: it is damaged or forged")
    total = sum(entry.file_size for entry in entries)
    for entry in entries:
        big = entry.file_size > 2**20
        if entry.file_size > limits.entry_bytes or (
            big and entry.file_size > limits.ratio * max(1, entry.compress_size)
        ):
            raise ScanError(
                f"its part {entry.filename} unpacks too large: it is not a plain workbook"
            )
    if total > limits.total_bytes:
        raise ScanError("it unpacks larger than any workbook xlfollow issues")
    if "xl/workbook.xml" not in names:
        raise ScanError("a zip file, but not an .xlsx workbook; send the workbook you were sent")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise ScanError("a macro-enabled workbook; save it as .xlsx without macros")
    sheets = _sheet_parts(archive)
    scan = Scan()
    for name in names:
        if name.endswith((".xml", ".rels")):
            data = _read(archive, name, limits)
            if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:4096]:
                raise ScanError("its XML declares a DOCTYPE, which no spreadsheet writes; refused")
            if name in sheets:
                scan.formulas[sheets[name]] = _check_sheet(sheets[name], data, limits)
    return scan


def _read(archive: zipfile.ZipFile, name: str, limits: Limits) -> bytes:
    """A part's bytes, never more than its declared size (a part may lie about it)."""
    declared = archive.getinfo(name).file_size
    with archive.open(name) as part:
        data = part.read(min(declared, limits.entry_bytes) + 1)
    if len(data) > declared:
        raise ScanError(f"its part {name} unpacks past its declared size: it is damaged or forged")
    return data


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part name -> sheet name, from the workbook and its relationships."""
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError) as exc:
        raise ScanError(f"its workbook part cannot be read ({exc}); save it again") from exc
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        targets[rel.get("Id")] = path
    parts = {}
    for element in book.iter():
        if element.tag.endswith("}sheet") or element.tag == "sheet":
            target = targets.get(element.get(f"{_REL_NS}id"))
            if target is not None:
                parts[target] = element.get("name", "")
    return parts


def _check_sheet(sheet: str, data: bytes, limits: Limits) -> set[str]:
    """Refuse a sheet that names cells beyond the limits; the cells holding a formula."""
    for found in _DIMENSION.finditer(data):
        for ref in found.group(1).split(b":"):
            letters = bytes(c for c in ref if 65 <= c <= 90)
            digits = bytes(c for c in ref if 48 <= c <= 57)
            if _too_far(letters, digits, limits):
                raise ScanError(_too_far_message(sheet, ref.decode()))
    # Cells live in sheetData; the rest of the sheet (validations, conditional
    # formats with their <formula> elements) is skipped by the searches below.
    start, end = _cell_data(data)
    if _may_lack_refs(data, start, end) and _WITHOUT_REF.search(data, start, end):
        raise ScanError(
            f"sheet '{sheet}' has cells or rows without a cell reference, which Excel and "
            "LibreOffice always write; save the workbook again from one of them"
        )
    refs = _CELL_REF.findall(data, start, end) if _MAYBE_FAR.search(data, start, end) else []
    if refs:
        widest = max(refs, key=lambda ref: (len(ref[0]), ref[0]))
        deepest = max(refs, key=lambda ref: int(ref[1]))
        for letters, digits in (widest, deepest):
            if _too_far(letters, digits, limits):
                raise ScanError(_too_far_message(sheet, (letters + digits).decode()))
    if data.find(b"<f", start, end) < 0 and data.find(b":f", start, end) < 0:
        return set()  # no formula element at all: the common case, found fast
    return {ref.decode() for ref in _FORMULA_CELL.findall(data, start, end)}


def _cell_data(data: bytes) -> tuple[int, int]:
    """Where the cells are: from the first sheetData tag to the last closing one, or
    the whole part when it has none (a prefixed or unusual sheet is searched whole)."""
    start = data.find(b"<sheetData")
    end = data.rfind(b"</sheetData>")
    if start < 0 or end < start or b":sheetData" in data:
        return 0, len(data)
    return start, end


def _may_lack_refs(data: bytes, start: int, end: int) -> bool:
    """A fast count first: every cell and row element opens with its reference, as
    Excel and LibreOffice write them, unless a count says otherwise. ('<c' also
    counts a rich text run's <color>; an uneven count only means a closer look.)"""
    if data.find(b":c ", start, end) >= 0 or data.find(b":row ", start, end) >= 0:
        return True  # elements with a namespace prefix: look closely
    cells = data.count(b"<c", start, end) - data.count(b'<c r="', start, end)
    rows = data.count(b"<row", start, end) - data.count(b'<row r="', start, end)
    return cells != 0 or rows != 0


def _too_far_message(sheet: str, ref: str) -> str:
    return (
        f"sheet '{sheet}' has a cell at {ref}, far outside the workbook's table; "
        "delete what is there and send the workbook again"
    )


def _too_far(letters: bytes, digits: bytes, limits: Limits) -> bool:
    column = _column_number(letters) if letters else 1
    row = int(digits) if digits else 1
    return column > limits.columns or row > limits.rows
