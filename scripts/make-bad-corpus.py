"""Write the corpus of bad returned files under tests/data/bad/, and its manifest.

Every file is made here from a centre workbook of the small example, written
with a fixed issue id and date, so the corpus is the same each time and each
file can be reviewed: what was done to it is the function that makes it.
MANIFEST.json maps each file to a part of the message its rejection must carry.

    python scripts/make-bad-corpus.py
"""

from __future__ import annotations

import importlib
import io
import json
import shutil
import struct
import sys
import tempfile
import warnings
import zipfile
import zlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import ModuleType

from xlfollow.definition.fingerprint import fingerprint
from xlfollow.workbooks.layout import METADATA_SHEET
from xlfollow.workbooks.spec import WorkbookSpec
from xlfollow.workbooks.writer import write_workbook
from xlfollow.workspace.folder import Workspace, recipients

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "bad"
sys.path.insert(0, str(OUT.parent.parent))  # the tests' own helpers, shared with them
sys.path.insert(0, str(Path(__file__).resolve().parent))  # make-test-msg.py beside it
import zipbytes  # noqa: E402

WHEN = (2018, 3, 1, 9, 0, 0)
Parts = dict[str, bytes]


def good_parts() -> Parts:
    """The parts of a centre workbook of the small example, as xlfollow issues it."""
    with tempfile.TemporaryDirectory() as scratch:
        definition = Workspace.init(Path(scratch) / "ws").load()
    spec = WorkbookSpec(
        definition=definition,
        round_index=0,
        recipient=recipients(definition, 0)[1],
        issue_id="badc0ffee0ddf00dbadc0ffee0ddf00d",
        issued_at=datetime(2018, 3, 1, 9, 0, 0),
        answers={},
        fingerprint=fingerprint(definition.agreement),
        tool_version="corpus",
    )
    with zipfile.ZipFile(io.BytesIO(write_workbook(spec).content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zipped(parts: Parts, level: int = 6) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in parts.items():
            archive.writestr(zipfile.ZipInfo(name, WHEN), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def first_sheet(parts: Parts) -> str:
    return "xl/worksheets/sheet2.xml"  # the first chapter sheet (sheet1 is the front)


def with_part(parts: Parts, name: str, data: bytes) -> bytes:
    return zipped({**parts, name: data})


# -- files that are not an .xlsx at all ------------------------------------------


def old_excel(_: Parts) -> bytes:
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + b"\x3e\0\x03\0\xfe\xff"
    return header + b"\0" * (512 - len(header)) + "Workbook".encode("utf-16-le") + b"\0" * 1000


def password(_: Parts) -> bytes:
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + b"\x3e\0\x03\0\xfe\xff"
    streams = "EncryptionInfo".encode("utf-16-le") + b"\0" * 50
    streams += "EncryptedPackage".encode("utf-16-le") + b"\0" * 50
    return header + b"\0" * (512 - len(header)) + streams + b"\x17" * 2000


def csv_renamed(_: Parts) -> bytes:
    return "Nr.;Delelement;Smiley\n3.01;Sundhedsplatform;Opfyldt\n".encode("cp1252")


def html_renamed(_: Parts) -> bytes:
    return b"<html><body><table><tr><td>3.01</td><td>Opfyldt</td></tr></table></body></html>"


def ods(_: Parts) -> bytes:
    return zipped(
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": b'<?xml version="1.0"?><office:document-content/>',
        }
    )


def empty(_: Parts) -> bytes:
    return b""


def truncated(parts: Parts) -> bytes:
    whole = zipped(parts)
    return whole[: len(whole) // 2]


def crc_error(parts: Parts) -> bytes:
    """One byte of a sheet's compressed data flipped: its CRC no longer matches."""
    data = bytearray(zipped(parts, level=0))  # stored: the flip stays a valid stream
    name = first_sheet(parts).encode()
    at = data.index(name) + len(name) + 200
    data[at] ^= 0x01
    return bytes(data)


# -- zip bombs ----------------------------------------------------------------------


def bomb_ratio(parts: Parts) -> bytes:
    """A 48 MB part of spaces that packs into some 50 KB."""
    return with_part(parts, "xl/media/padding.xml", b" " * (48 * 2**20))


def bomb_entries(parts: Parts) -> bytes:
    """Three thousand parts."""
    many = {f"xl/media/p{n}.bin": b"" for n in range(3000)}
    return zipped({**parts, **many})


def bomb_overlap(parts: Parts) -> bytes:
    """The 'quoted-overlap' construction: the central directory's entries all point
    into one deflate stream, so a few kilobytes claim many megabytes (here 40)."""
    size = 2**20  # a megabyte each, below the size where a part's ratio is checked
    kernel = zlib.compressobj(9, zlib.DEFLATED, -15)
    payload = kernel.compress(b"A" * size) + kernel.flush()
    crc = zlib.crc32(b"A" * size)
    names = [f"xl/media/bomb{n}.bin".encode() for n in range(40)]
    local = b""
    offsets = []
    for name in names:
        offsets.append(len(local))
        # each local header is followed by the next one, except the last: it
        # quotes them all as stored data before the shared deflate stream
        local += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(payload), size, len(name), 0
        )
        local += name
    local += payload
    central = b""
    for name, offset in zip(names, offsets, strict=True):
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            8,
            0,
            0,
            crc,
            len(payload),
            size,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += name
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(names), len(names), len(central), len(local), 0
    )
    return local + central + end


def duplicate_names(parts: Parts) -> bytes:
    buffer = io.BytesIO()
    with (
        warnings.catch_warnings(action="ignore", category=UserWarning),  # "Duplicate name"
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for name, data in parts.items():
            archive.writestr(zipfile.ZipInfo(name, WHEN), data)
        archive.writestr(zipfile.ZipInfo(first_sheet(parts), WHEN), parts[first_sheet(parts)])
    return buffer.getvalue()


def inflates_past_size(parts: Parts) -> bytes:
    """A sheet whose entries declare its first 100 bytes, with their CRC: a reader that
    stops at the declared size sees a valid, shorter part; the data inflates further."""
    whole = bytearray(zipped(parts))
    name = first_sheet(parts).encode()
    content = parts[first_sheet(parts)]
    for signature, crc_at, name_at in ((b"PK\x03\x04", 14, 30), (b"PK\x01\x02", 16, 46)):
        at = 0
        while (at := whole.find(signature, at)) >= 0:
            if whole[at + name_at : at + name_at + len(name)] == name:
                struct.pack_into("<I", whole, at + crc_at, zlib.crc32(content[:100]))
                struct.pack_into("<I", whole, at + crc_at + 8, 100)  # the size unpacked
            at += 4
    return bytes(whole)


# -- hostile XML ---------------------------------------------------------------------


def billion_laughs(parts: Parts) -> bytes:
    lol = b'<!ENTITY lol "lol">'
    for n in range(1, 10):
        lol += b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
    data = (
        b'<?xml version="1.0"?><!DOCTYPE sst ['
        + lol
        + b"]>"
        + parts["xl/sharedStrings.xml"][parts["xl/sharedStrings.xml"].index(b"<sst") :].replace(
            b"<t>", b"<t>&lol9;", 1
        )
    )
    return with_part(parts, "xl/sharedStrings.xml", data)


def external_entity(parts: Parts) -> bytes:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        + parts["xl/sharedStrings.xml"][parts["xl/sharedStrings.xml"].index(b"<sst") :].replace(
            b"<t>", b"<t>&xxe;", 1
        )
    )
    return with_part(parts, "xl/sharedStrings.xml", data)


def doctype_late(parts: Parts) -> bytes:
    """A DOCTYPE after 8 KB of comment, past where a quick look at the head ends."""
    styles = parts["xl/styles.xml"]
    body = styles[styles.index(b"<styleSheet") :]
    data = (
        b'<?xml version="1.0"?><!--'
        + b" " * 8192
        + b'--><!DOCTYPE styleSheet [<!ENTITY a "a">]>'
        + body
    )
    return with_part(parts, "xl/styles.xml", data)


def utf16_xml(parts: Parts) -> bytes:
    styles = parts["xl/styles.xml"].decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    return with_part(parts, "xl/styles.xml", styles.encode("utf-16"))


# -- workbooks of the wrong kind --------------------------------------------------


def macros(parts: Parts) -> bytes:
    return with_part(parts, "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\0" * 500)


def strict(parts: Parts) -> bytes:
    book = parts["xl/workbook.xml"].replace(
        b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        b"http://purl.oclc.org/ooxml/spreadsheetml/main",
    )
    return with_part(parts, "xl/workbook.xml", book)


def external_link(parts: Parts) -> bytes:
    link = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<externalBook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
        b' r:id="rId1"/></externalLink>'
    )
    return with_part(parts, "xl/externalLinks/externalLink1.xml", link)


def not_ours(_: Parts) -> bytes:
    """A plain workbook, not one xlfollow issued: no metadata sheet."""
    names = {
        "[Content_Types].xml": (
            b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            b'package/2006/content-types"><Default Extension="rels" ContentType="application/'
            b'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            b'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
            b'"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http:'
            b"//schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
            b'" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.'
            b'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats'
            b'.org/officeDocument/2006/relationships"><sheets><sheet name="Ark1" sheetId="1" '
            b'r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http:'
            b"//schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
            b'" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
            b'openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" '
            b't="inlineStr"><is><t>Budgetopf\xc3\xb8lgning</t></is></c></row></sheetData>'
            b"</worksheet>"
        ),
    }
    return zipped(names)


# -- cells that lie ------------------------------------------------------------------


def far_cell(parts: Parts) -> bytes:
    sheet = parts[first_sheet(parts)].replace(
        b"</sheetData>",
        b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
    )
    return with_part(parts, first_sheet(parts), sheet)


def lying_dimension(parts: Parts) -> bytes:
    """The far cell again, behind a dimension that claims a small table."""
    sheet = parts[first_sheet(parts)]
    start = sheet.index(b"<dimension ref=")
    end = sheet.index(b"/>", start) + 2
    sheet = sheet[:start] + b'<dimension ref="A1:B2"/>' + sheet[end:]
    sheet = sheet.replace(
        b"</sheetData>",
        b'<row r="900000"><c r="AAA900000"><v>1</v></c></row></sheetData>',
    )
    return with_part(parts, first_sheet(parts), sheet)


def cells_without_references(parts: Parts) -> bytes:
    """Thousands of cells whose position is implied: they would walk off the table."""
    cells = b"<c><v>1</v></c>" * 20000
    sheet = parts[first_sheet(parts)].replace(
        b"</sheetData>", b'<row r="60">' + cells + b"</row></sheetData>"
    )
    return with_part(parts, first_sheet(parts), sheet)


def no_metadata(parts: Parts) -> bytes:
    """An issued workbook whose metadata sheet was deleted (its part removed)."""
    book = parts["xl/workbook.xml"]
    start = book.index(f'<sheet name="{METADATA_SHEET}"'.encode())
    end = book.index(b"/>", start) + 2
    return with_part(parts, "xl/workbook.xml", book[:start] + book[end:])


# -- damaged parts: each a rejection naming the part, never the batch's end ----------


def _with_row(parts: Parts, cells: bytes) -> bytes:
    """The first chapter sheet with a row 60 of the given cells added."""
    sheet = parts[first_sheet(parts)].replace(
        b"</sheetData>", b'<row r="60">' + cells + b"</row></sheetData>"
    )
    return with_part(parts, first_sheet(parts), sheet)


def part_removed(parts: Parts) -> bytes:
    """A chapter sheet's part gone from the zip; the workbook still names it."""
    return zipped({name: data for name, data in parts.items() if name != first_sheet(parts)})


def central_name_flipped(parts: Parts) -> bytes:
    """A bit flipped in the central directory's first name: it and the local header differ."""
    return zipbytes.central_name_flipped(zipped(parts))


def local_header_unlisted(parts: Parts) -> bytes:
    """The central directory's first entry dropped: its part is still in the zip."""
    return zipbytes.central_entry_dropped(zipped(parts))


def unclosed_xml(parts: Parts) -> bytes:
    return with_part(
        parts, first_sheet(parts), parts[first_sheet(parts)].replace(b"</worksheet>", b"")
    )


def undeclared_entity(parts: Parts) -> bytes:
    return _with_row(parts, b'<c r="A60" t="inlineStr"><is><t>&foo;</t></is></c>')


def cell_type_x(parts: Parts) -> bytes:
    return _with_row(parts, b'<c r="A60" t="x"><v>1</v></c>')


def string_past_table(parts: Parts) -> bytes:
    return _with_row(parts, b'<c r="A60" t="s"><v>99999</v></c>')


def not_a_number(parts: Parts) -> bytes:
    return _with_row(parts, b'<c r="A60"><v>1,5e</v></c>')


def cell_twice(parts: Parts) -> bytes:
    return _with_row(parts, b'<c r="A60"><v>1</v></c><c r="A60"><v>2</v></c>')


def latin1_text(parts: Parts) -> bytes:
    return _with_row(parts, b'<c r="A60" t="inlineStr"><is><t>p\xe5 vej</t></is></c>')


def _outlook() -> ModuleType:
    """The .msg writer of scripts/make-test-msg.py."""
    return importlib.import_module("make-test-msg")


def workbook_renamed_msg(parts: Parts) -> bytes:
    """A workbook saved as 'SV Aftale.msg': a zip, no compound file."""
    return zipped(parts)


def msg_chain_loops(parts: Parts) -> bytes:
    """An Outlook reply whose attached workbook's first sector is followed, in the FAT,
    by itself: read as told, one sector over and over."""
    outlook = _outlook()
    data: bytes = outlook.msg_bytes(
        outlook.Message(attachments=[outlook.File("svar.xlsx", zipped(parts))])
    )
    entry = data.find("__substg1.0_37010102".encode("utf-16-le"))
    start = struct.unpack_from("<I", data, entry + 116)[0]
    fat = 512 + struct.unpack_from("<I", data, 76)[0] * 512  # the first FAT sector
    return data[: fat + start * 4] + struct.pack("<I", start) + data[fat + start * 4 + 4 :]


CASES: list[tuple[str, Callable[[Parts], bytes], str]] = [
    ("empty.xlsx", empty, "the file is empty"),
    ("old-excel.xls", old_excel, "an old .xls workbook"),
    ("password.xlsx", password, "protected with a password"),
    ("csv-renamed.xlsx", csv_renamed, "a text (CSV) file renamed to .xlsx"),
    ("html-renamed.xlsx", html_renamed, "a web page or XML file renamed to .xlsx"),
    ("opendocument.ods", ods, "an OpenDocument spreadsheet (.ods)"),
    ("truncated.xlsx", truncated, "the .xlsx is damaged"),
    ("crc-error.xlsx", crc_error, "the .xlsx is damaged"),
    ("zip-bomb-ratio.xlsx", bomb_ratio, "unpacks too large"),
    ("zip-bomb-entries.xlsx", bomb_entries, "parts, more than a workbook does"),
    ("zip-bomb-overlap.xlsx", bomb_overlap, "its parts overlap one another"),
    ("duplicate-names.xlsx", duplicate_names, "two parts of the same name"),
    ("inflates-past-size.xlsx", inflates_past_size, "unpacks past its declared size"),
    ("billion-laughs.xlsx", billion_laughs, "declares a DOCTYPE"),
    ("external-entity.xlsx", external_entity, "declares a DOCTYPE"),
    ("doctype-after-8kb.xlsx", doctype_late, "declares a DOCTYPE"),
    ("utf16-xml.xlsx", utf16_xml, "is not UTF-8 XML"),
    ("macros.xlsm", macros, "a macro-enabled workbook"),
    ("strict-open-xml.xlsx", strict, "Strict Open XML"),
    ("external-link.xlsx", external_link, "it links to another workbook"),
    ("not-issued-by-xlfollow.xlsx", not_ours, "not a workbook issued by xlfollow"),
    ("no-metadata-sheet.xlsx", no_metadata, "not a workbook issued by xlfollow"),
    ("far-cell.xlsx", far_cell, "has a cell at XFD1048576, far outside"),
    ("lying-dimension.xlsx", lying_dimension, "has a cell at AAA900000, far outside"),
    ("cells-without-references.xlsx", cells_without_references, "without a cell reference"),
    ("part-removed.xlsx", part_removed, "names it, and the file lacks it"),
    ("central-name-flipped.xlsx", central_name_flipped, "its own header names"),
    ("local-header-unlisted.xlsx", local_header_unlisted, "its directory does not list"),
    ("unclosed-xml.xlsx", unclosed_xml, "not well-formed XML"),
    ("undeclared-entity.xlsx", undeclared_entity, "undefined entity"),
    ("cell-type-x.xlsx", cell_type_x, "cell A60 has a type (x) no spreadsheet writes"),
    ("string-past-table.xlsx", string_past_table, "cell A60 points at shared string 99999"),
    ("not-a-number.xlsx", not_a_number, "cell A60 holds 1,5e, which is not a number"),
    ("cell-twice.xlsx", cell_twice, "cell A60 is written twice"),
    ("latin-1-text.xlsx", latin1_text, "not well-formed XML"),
    ("workbook-renamed.msg", workbook_renamed_msg, "not an Outlook message (.msg)"),
    ("msg-chain-loops.msg", msg_chain_loops, "37010102 is broken"),
]


def main() -> None:
    parts = good_parts()
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    manifest = {}
    for name, make, message in CASES:
        (OUT / name).write_bytes(make(parts))
        manifest[name] = message
    (OUT / "MANIFEST.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    total = sum(path.stat().st_size for path in OUT.iterdir())
    print(f"wrote {len(CASES)} files to {OUT} ({total / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
