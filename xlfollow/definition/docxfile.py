"""Opening a Word file from anyone as a python-docx Document, or saying in words
why it cannot be: not a .docx at all (an old .doc, an RTF, a renamed text file),
damaged, or built to hurt the reader.

python-docx parses every part with lxml (docx.oxml.parser and docx.opc.oxml:
`XMLParser(remove_blank_text=True, resolve_entities=False)`): entities are not
resolved, so an external entity is never fetched and an internal one never
expanded; lxml's defaults add no_network=True, load_dtd=False and huge_tree=False
(libxml2's limits on depth and on a text node's size stay on). What lxml does not
bound is the size of a part, which python-docx reads whole into memory; so the zip's
parts are measured first (the sizes their entries declare, which zipfile never reads
past), and a part with a document type declaration, which no Word file has, is
refused before python-docx sees it.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

import docx
from docx.document import Document
from docx.opc.exceptions import OpcError

from xlfollow.errors import Problems
from xlfollow.messages import Text

__all__ = ["MAX_FILE", "MAX_PARTS", "MAX_UNPACKED", "open_docx", "read_docx_bytes"]

MAX_FILE = 50 * 1024 * 1024
"""The largest .docx read: a council's report with its charts is a few MB."""
MAX_UNPACKED = 200 * 1024 * 1024
"""The most its parts may hold unpacked, all together."""
MAX_PARTS = 5000
"""The most parts its zip may hold."""

_PROLOG = 64 * 1024
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_AS = Text("open it in Word and save it as a Word Document (.docx)")


def read_docx_bytes(path: Path, problems: Problems) -> bytes | None:
    """A Word file's bytes, or None with a problem recorded that says why not."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE:
            problems.add(
                None,
                Text(
                    "the file holds {megabytes} MB, more than a report does ({limit} MB); "
                    "check that it is the report",
                    megabytes=size // (1024 * 1024),
                    limit=MAX_FILE // (1024 * 1024),
                ),
            )
            return None
        return path.read_bytes()
    except FileNotFoundError:
        problems.add(
            None, Text("the file does not exist; {hint}", hint=Text("create it or fix the path"))
        )
    except OSError as exc:
        problems.add(None, Text("the file cannot be read: {why}", why=exc.strerror or str(exc)))
    return None


def open_docx(data: bytes, problems: Problems) -> Document | None:
    """The Word document in `data`, or None with a problem recorded that says why not
    and what to do."""
    why = _not_a_docx(data)
    if why is None:
        why = _unsafe_parts(data)
    if why is None:
        try:
            return _checked(docx.Document(io.BytesIO(data)))
        # What python-docx raises on a zip that is not a Word document (ValueError,
        # KeyError: a missing part or content type), a damaged zip or part, XML that is
        # not well formed, or a part of another kind (AttributeError, TypeError).
        except (
            AttributeError,
            TypeError,
            OpcError,
            ValueError,
            KeyError,
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            SyntaxError,  # lxml's XMLSyntaxError is one
            NotImplementedError,
        ) as exc:
            why = Text(
                "it is damaged or not a Word document ({why}); {what}",
                why=type(exc).__name__,
                what=_SAVE_AS,
            )
    problems.add(None, why)
    return None


def _checked(document: Document) -> Document:
    """The document, once the parts the reader uses are of their kind: python-docx
    reads a part whose root element is another's only on its first use, and fails
    there with AttributeError."""
    if document.element.body is None:
        raise ValueError("the document part has no body")
    _ = list(document.styles)
    return document


def _not_a_docx(data: bytes) -> Text | None:
    if not data:
        return Text("the file is empty; {what}", what=_SAVE_AS)
    if data.startswith(_OLE):
        return Text(
            "it is an old Word document (.doc) or a protected one, not a .docx; "
            "{what}, without a password",
            what=_SAVE_AS,
        )
    if data.lstrip().startswith(b"{\\rtf"):
        return Text("it is an RTF document, not a .docx; {what}", what=_SAVE_AS)
    if not data.startswith(b"PK"):
        return Text("it is not a Word document (.docx), nor any zip; {what}", what=_SAVE_AS)
    return None


def _unsafe_parts(data: bytes) -> Text | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_PARTS:
                return Text(
                    "it holds {count} parts, more than a Word document does; {what}",
                    count=len(entries),
                    what=_SAVE_AS,
                )
            if sum(entry.file_size for entry in entries) > MAX_UNPACKED:
                return Text(
                    "it would unpack to more than {limit} MB, more than a report does; {what}",
                    limit=MAX_UNPACKED // (1024 * 1024),
                    what=_SAVE_AS,
                )
            names = {entry.filename for entry in entries}
            if "word/document.xml" not in names:
                return Text(
                    "it is a zip but not a Word document (it has no word/document.xml); {what}",
                    what=_SAVE_AS,
                )
            for entry in entries:
                if entry.filename.endswith((".xml", ".rels")) and _declares_a_dtd(archive, entry):
                    return Text(
                        "its part {part} declares a document type, which Word never writes; "
                        "it is not read. {what}",
                        part=entry.filename,
                        what=_SAVE_AS,
                    )
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as exc:
        return Text(
            "it is damaged: its zip cannot be read ({why}); {what}",
            why=type(exc).__name__,
            what=_SAVE_AS,
        )
    return None


def _declares_a_dtd(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bool:
    """Whether the part's prolog (before its first element) has a <!DOCTYPE or an
    <!ENTITY, or is longer than any Word writes."""
    with archive.open(entry) as part:
        head = part.read(_PROLOG)
    start = _first_element(head)
    if start < 0:
        return len(head) == _PROLOG
    prolog = head[:start].upper()
    return b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog


def _first_element(data: bytes) -> int:
    """Where the first element's '<' is (not '<?' nor '<!'), -1 if not yet seen."""
    at = data.find(b"<")
    while at >= 0:
        following = data[at + 1 : at + 2]
        if following and following not in (b"?", b"!"):
            return at
        at = data.find(b"<", at + 1)
    return -1
