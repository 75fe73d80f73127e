"""Read a worksheet part's cells strictly, as XML, before any spreadsheet reader does.

A value reader forgives what it should not: it takes a formula's cached value when
a comment stands before the <f>, reads an error cell as empty, a shared-string
index of -1 as the last string, and the last of two cells under one reference.
This walk parses the part as XML (so a part left unclosed, an undeclared entity,
mismatched tags or a character XML forbids make it damaged) and says, per cell,
what the value reader would not: which cells hold a formula or an error, and which
hold a value hidden under merged cells. What no spreadsheet writes is DamagedPart.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from xml.etree import ElementTree
from xml.etree.ElementTree import Element, ParseError

from xlfollow.errors import DamagedPart
from xlfollow.messages import Text

__all__ = ["SheetCells", "check_xml", "shared_string_count", "walk_sheet"]


# The standard parser (C, ten times defusedxml's) is safe here: the scan refuses every
# part that declares a DOCTYPE before any is parsed, and parses each as UTF-8 whatever
# it declares, so no entity can be declared, and none hidden in another encoding.


def _parser() -> ElementTree.XMLParser:
    return ElementTree.XMLParser(encoding="utf-8")


@dataclass
class SheetCells:
    """What a sheet's cells hold that their values do not show."""

    formulas: set[str] = field(default_factory=set)
    errors: dict[str, str] = field(default_factory=dict)
    """Cell -> the error it shows (#N/A, #DIV/0!, ...)."""
    hidden: dict[str, str] = field(default_factory=dict)
    """Cell -> the merged range that hides its value."""


_REF = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")
_RANGE = re.compile(r"([A-Z]{1,3}[1-9][0-9]{0,6})(?::([A-Z]{1,3}[1-9][0-9]{0,6}))?")
# xsd:double as spreadsheets write it: no "1,5", no "1_0", no "inf" (Python's float
# takes the last two).
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INDEX = re.compile(r"[0-9]{1,9}")
_TYPES = frozenset({"b", "d", "e", "inlineStr", "n", "s", "str"})


def _parse_error(exc: ParseError) -> Text:
    line, column = exc.position
    return Text(
        "it is not well-formed XML at line {line}, column {column} ({error})",
        line=line,
        column=column + 1,
        error=str(exc).split(":", 1)[0],
    )


def check_xml(data: bytes) -> None:
    """DamagedPart unless the part is well-formed XML (in UTF-8, with no character XML
    forbids and no entity it does not declare)."""
    try:
        ElementTree.fromstring(data, _parser())
    except ParseError as exc:
        raise DamagedPart(_parse_error(exc)) from exc


def shared_string_count(data: bytes) -> int:
    """How many strings a shared-string table holds."""
    try:
        root = ElementTree.fromstring(data, _parser())
    except ParseError as exc:
        raise DamagedPart(_parse_error(exc)) from exc
    return sum(1 for child in root if _local(child.tag) == "si")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _position(ref: str) -> tuple[int, int]:
    found = _REF.fullmatch(ref)
    assert found is not None
    column = 0
    for letter in found.group(1):
        column = column * 26 + ord(letter) - 64
    return int(found.group(2)), column


def walk_sheet(data: bytes, strings: int) -> SheetCells:
    """Every cell of a worksheet part, checked; what its cells hold besides values.
    `strings` is the size of the shared-string table."""
    found = SheetCells()
    refs: set[str] = set()
    rows: set[str] = set()
    valued: set[tuple[int, int]] = set()
    merges: list[str] = []
    try:
        for _, element in ElementTree.iterparse(io.BytesIO(data), ("end",), _parser()):
            tag = _local(element.tag)
            if tag == "c":
                _cell(element, strings, found, refs, valued)
            elif tag == "row":
                number = element.get("r", "")
                if number in rows:
                    raise DamagedPart(Text("row {row} is written twice", row=number))
                rows.add(number)
                element.clear()
            elif tag == "mergeCell":
                merges.append(element.get("ref", ""))
    except ParseError as exc:
        raise DamagedPart(_parse_error(exc)) from exc
    for merged in merges:
        _hidden(merged, valued, found)
    return found


def _cell(
    element: Element,
    strings: int,
    found: SheetCells,
    refs: set[str],
    valued: set[tuple[int, int]],
) -> None:
    ref = element.get("r", "")
    if _REF.fullmatch(ref) is None:
        raise DamagedPart(Text("a cell has the reference {ref}, not a cell's", ref=repr(ref)))
    if ref in refs:
        raise DamagedPart(Text("cell {cell} is written twice", cell=ref))
    refs.add(ref)
    kind = element.get("t", "n")
    if kind not in _TYPES:
        raise DamagedPart(
            Text("cell {cell} has a type ({type}) no spreadsheet writes", cell=ref, type=kind)
        )
    children = {_local(child.tag): child for child in element}
    if "f" in children:
        found.formulas.add(ref)
    value = children.get("v")
    text = (value.text or "") if value is not None else None
    if text is not None:
        if kind == "s" and not (_INDEX.fullmatch(text) and int(text) < strings):
            raise DamagedPart(
                Text(
                    "cell {cell} points at shared string {index}, which the table lacks",
                    cell=ref,
                    index=text,
                )
            )
        if kind == "n" and text and _NUMBER.fullmatch(text.strip()) is None:
            raise DamagedPart(
                Text("cell {cell} holds {value}, which is not a number", cell=ref, value=text)
            )
        if kind == "e":
            found.errors[ref] = text
    if text or "is" in children:
        valued.add(_position(ref))


def _hidden(merged: str, valued: set[tuple[int, int]], found: SheetCells) -> None:
    """Values under a merged range but its top-left cell are not shown: Excel hides them."""
    match = _RANGE.fullmatch(merged)
    if match is None or match.group(2) is None:
        return
    (top, left), (bottom, right) = _position(match.group(1)), _position(match.group(2))
    for row, column in valued:
        if top <= row <= bottom and left <= column <= right and (row, column) != (top, left):
            found.hidden[_ref(row, column)] = merged


def _ref(row: int, column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"
