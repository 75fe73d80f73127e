"""Look at a returned file before any spreadsheet reader does.

A fast value reader (python-calamine) sizes its grid from the cells a sheet
names, so one cell at XFD1048576 makes it allocate without limit and abort
the process. Nothing reaches it, then, until this scan has read the zip
directory and every worksheet's XML as bytes: what kind of file it is, the
sizes and ratios of its parts (zipscan.py), the cells it names; then every
part is parsed as XML, and each sheet's cells walked (cellscan.py): where it
holds formulas, errors and values hidden under merged cells, and whether it is
damaged.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from defusedxml import ElementTree

from xlfollow.errors import DamagedPart, ScanError
from xlfollow.messages import Text
from xlfollow.returns.cellscan import check_xml, shared_string_count, walk_sheet
from xlfollow.returns.zipscan import (
    LIMITS,
    Limits,
    check_directory,
    check_overlaps,
    damaged,
    read_part,
)

__all__ = ["SAVE_AS_XLSX", "Limits", "Scan", "damaged", "scan_workbook"]


@dataclass
class Scan:
    """What the scan saw: per sheet name, the cells holding a formula or an error, and
    those whose value merged cells hide."""

    formulas: dict[str, set[str]] = field(default_factory=dict)
    errors: dict[str, dict[str, str]] = field(default_factory=dict)
    hidden: dict[str, dict[str, str]] = field(default_factory=dict)


_MACROS = Text("a macro-enabled workbook; save it as .xlsx without macros")
_OLD_XLS = Text("an old .xls workbook; save it as .xlsx (Excel Workbook) and send it again")
_WEB_PAGE = Text(
    "a web page or XML file renamed to .xlsx, not a workbook; open it in Excel, "
    "save it as Excel Workbook (.xlsx) and send it again"
)
_CSV = Text(
    "a text (CSV) file renamed to .xlsx, not a workbook; send the workbook you were "
    "sent, filled in and saved as Excel Workbook (.xlsx)"
)
_NOT_XLSX = Text("not an .xlsx workbook; save it from Excel as .xlsx and send it again")
_ODS = Text(
    "an OpenDocument spreadsheet (.ods); save it as Excel Workbook (.xlsx) and send it again"
)
_STRICT_XML = Text(
    "saved as Strict Open XML, which xlfollow does not read; save it as "
    "Excel Workbook (.xlsx), not Strict Open XML Spreadsheet, and send it again"
)
SAVE_AS_XLSX = frozenset(
    text.template for text in (_MACROS, _OLD_XLS, _WEB_PAGE, _CSV, _NOT_XLSX, _ODS, _STRICT_XML)
)
"""The templates of the rejections a sender puts right by saving the file as .xlsx
from Excel: a receipt says so in as many words."""
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CELL_REF = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]{1,3})([0-9]{1,7})\"")
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


def scan_workbook(path: Path, limits: Limits = LIMITS) -> Scan:
    """Scan a file; ScanError with a plain reason if it is not a workbook xlfollow reads."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    if not head:
        raise ScanError(Text("the file is empty; send the workbook again"))
    if head.startswith(_OLE2):
        raise ScanError(_ole_message(path))
    if not head.startswith(b"PK"):
        raise ScanError(_not_a_zip_message(head))
    try:
        with zipfile.ZipFile(path) as archive, path.open("rb") as handle:
            return _scan_archive(archive, handle, limits)
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError) as exc:
        raise ScanError(
            Text(
                "the .xlsx is damaged ({why}); save it again from Excel and send it again",
                why=str(exc),
            )
        ) from exc


def _ole_message(path: Path) -> Text:
    """An OLE2 compound file is an old .xls, or an .xlsx saved with a password
    (Excel wraps an encrypted workbook in one, with an EncryptedPackage stream)."""
    with path.open("rb") as handle:
        data = handle.read(1 << 20)
    if "EncryptedPackage".encode("utf-16-le") in data:
        return Text(
            "the workbook is protected with a password (encrypted), so it cannot be read; "
            "remove the password (File > Info > Protect Workbook) and send it again"
        )
    return _OLD_XLS


def _not_a_zip_message(head: bytes) -> Text:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")) or b"<html" in text:
        return _WEB_PAGE
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or all(
        32 <= byte < 127 or byte in b"\t\r\n" or byte >= 128 for byte in head[:512]
    ):
        return _CSV
    return _NOT_XLSX


def _scan_archive(archive: zipfile.ZipFile, handle: BinaryIO, limits: Limits) -> Scan:
    """The zip directory checked, then what kind of file it is, then every XML part
    read and checked, then each sheet's cells walked."""
    entries = archive.infolist()
    _check_entries(entries, limits)
    check_overlaps(archive, entries)
    check_directory(handle, entries, archive.start_dir)
    _check_kind(archive, [entry.filename for entry in entries])
    return _walk_parts(_xml_parts(handle, entries, limits), limits)


def _check_entries(entries: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse a zip directory no workbook has: too many parts, two of one name, a part
    or the whole unpacking too large."""
    if len(entries) > limits.entries:
        raise ScanError(
            Text("it holds {count} parts, more than a workbook does", count=len(entries))
        )
    names = [entry.filename for entry in entries]
    if len(set(names)) != len(names):
        raise ScanError(Text("it holds two parts of the same name: it is damaged or forged"))
    total = sum(entry.file_size for entry in entries)
    for entry in entries:
        big = entry.file_size > 2**20
        if entry.file_size > limits.entry_bytes or (
            big and entry.file_size > limits.ratio * max(1, entry.compress_size)
        ):
            raise ScanError(
                Text(
                    "its part {part} unpacks too large: it is not a plain workbook",
                    part=entry.filename,
                )
            )
    if total > limits.total_bytes:
        raise ScanError(Text("it unpacks larger than any workbook xlfollow issues"))


def _check_kind(archive: zipfile.ZipFile, names: list[str]) -> None:
    """Refuse, by its part names, a zip that is no .xlsx xlfollow reads: an
    OpenDocument spreadsheet, another zip, a workbook with macros or external links."""
    if "mimetype" in names and b"opendocument" in archive.read("mimetype")[:100]:
        raise ScanError(_ODS)
    if "xl/workbook.xml" not in names:
        raise ScanError(
            Text("a zip file, but not an .xlsx workbook; send the workbook you were sent")
        )
    lowered = [name.lower() for name in names]
    if any(name.endswith("vbaproject.bin") for name in lowered):
        raise ScanError(_MACROS)
    if any(name.startswith("xl/externallinks/") for name in lowered):
        raise ScanError(
            Text(
                "it links to another workbook; break the links (Data > Edit Links > Break "
                "Link), save it and send it again"
            )
        )


def _xml_parts(
    handle: BinaryIO, entries: list[zipfile.ZipInfo], limits: Limits
) -> dict[str, bytes]:
    """Every XML part by name, read within the limits and checked; refused where the
    workbook is Strict Open XML or declares macros."""
    checked: dict[str, bytes] = {}
    for entry in entries:
        name = entry.filename
        if name.endswith((".xml", ".rels")):
            data = read_part(handle, entry, limits)
            _check_xml(name, data)
            checked[name] = data
    if _STRICT in checked["xl/workbook.xml"][:2048]:
        raise ScanError(_STRICT_XML)
    if b"macroEnabled" in checked.get("[Content_Types].xml", b""):
        raise ScanError(_MACROS)
    return checked


def _walk_parts(checked: dict[str, bytes], limits: Limits) -> Scan:
    """Every part parsed as XML, and each sheet's cells walked; a damaged part is
    named in the ScanError."""
    scan = Scan()
    sheets = _sheet_parts(checked)
    strings_part = next((n for n in checked if n.lower() == "xl/sharedstrings.xml"), None)
    name = ""
    try:
        for name, data in checked.items():
            if name not in sheets:
                check_xml(data)
        name = strings_part or ""
        strings = shared_string_count(checked[strings_part]) if strings_part else 0
        for name, data in checked.items():
            if name in sheets:
                sheet = sheets[name]
                _check_sheet(sheet, data, limits)
                cells = walk_sheet(data, strings)
                scan.formulas[sheet], scan.errors[sheet] = cells.formulas, cells.errors
                scan.hidden[sheet] = cells.hidden
    except DamagedPart as exc:
        raise ScanError(damaged(name, exc.text)) from exc
    return scan


_STRICT = b"http://purl.oclc.org/ooxml/spreadsheetml/main"


def _check_xml(name: str, data: bytes) -> None:
    """Refuse XML that declares a DOCTYPE (entities: billion laughs, external files),
    anywhere in the part, and XML not in UTF-8, which no spreadsheet program writes
    and which would hide a DOCTYPE from this check."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:2] in (b"<\0", b"\0<"):
        raise ScanError(
            Text(
                "its part {part} is not UTF-8 XML, which no spreadsheet writes; refused", part=name
            )
        )
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise ScanError(
            Text(
                "its part {part} declares a DOCTYPE, which no spreadsheet writes; refused",
                part=name,
            )
        )


def _sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """Worksheet part name -> sheet name, from the workbook and its relationships
    (the parts as the scan has read and checked them)."""
    try:
        book = ElementTree.fromstring(parts["xl/workbook.xml"])
        rels = ElementTree.fromstring(parts["xl/_rels/workbook.xml.rels"])
    except (KeyError, ElementTree.ParseError) as exc:
        raise ScanError(
            Text("its workbook part cannot be read ({why}); save it again", why=str(exc))
        ) from exc
    # Part names are case-insensitive (Open Packaging Conventions): a relationship
    # to Worksheets/sheet2.xml names the part xl/worksheets/sheet2.xml.
    by_lower = {name.lower(): name for name in parts}
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        targets[rel.get("Id")] = path
    sheets = {}
    for element in book.iter():
        if element.tag.endswith("}sheet") or element.tag == "sheet":
            name = element.get("name", "")
            target = targets.get(element.get(f"{_REL_NS}id"))
            if target is None:
                raise ScanError(
                    damaged(
                        "xl/workbook.xml",
                        Text("sheet '{sheet}' has no relationship to its part", sheet=name),
                    )
                )
            part = by_lower.get(target.lower())
            if part is None:
                raise ScanError(
                    damaged(
                        target, Text("sheet '{sheet}' names it, and the file lacks it", sheet=name)
                    )
                )
            sheets[part] = name
    return sheets


def _check_sheet(sheet: str, data: bytes, limits: Limits) -> None:
    """Refuse a sheet that names cells beyond the limits, or cells without a reference."""
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
            Text(
                "sheet '{sheet}' has cells or rows without a cell reference, which Excel and "
                "LibreOffice always write; save the workbook again from one of them",
                sheet=sheet,
            )
        )
    refs = _CELL_REF.findall(data, start, end) if _MAYBE_FAR.search(data, start, end) else []
    if refs:
        widest = max(refs, key=lambda ref: (len(ref[0]), ref[0]))
        deepest = max(refs, key=lambda ref: int(ref[1]))
        for letters, digits in (widest, deepest):
            if _too_far(letters, digits, limits):
                raise ScanError(_too_far_message(sheet, (letters + digits).decode()))
        if _column_number(widest[0]) * int(deepest[1]) > limits.cells:
            far = widest if len(widest[0]) > 1 else deepest
            raise ScanError(_too_far_message(sheet, (far[0] + far[1]).decode()))


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


def _too_far_message(sheet: str, ref: str) -> Text:
    return Text(
        "sheet '{sheet}' has a cell at {ref}, far outside the workbook's table; "
        "delete what is there and send the workbook again",
        sheet=sheet,
        ref=ref,
    )


def _too_far(letters: bytes, digits: bytes, limits: Limits) -> bool:
    column = _column_number(letters) if letters else 1
    row = int(digits) if digits else 1
    return column > limits.columns or row > limits.rows
