"""Structure-aware mutations of a returned workbook, at four levels: the answer
values (what Excel or another program could put in a cell), the XML of a part,
the parts of the package, and the zip's bytes.

A part-level mutator changes a base's parts in place and may say what the
mutation implies for one answer (an `Expect`); a byte-level one maps the
zipped bytes to new bytes. Each takes its own seeded generator, so a case is
its base and a list of (mutator, seed) steps, and can be made again from them.
"""

from __future__ import annotations

import contextlib
import random
import re
import struct
import zlib
from collections.abc import Callable, Collection
from xml.sax.saxutils import escape

from fuzzcase import AnswerCell, Base, Expect, Parts, zipped

PartMutator = Callable[[random.Random, Base, Parts], Expect | None]
ByteMutator = Callable[[random.Random, bytes], bytes]

SMILEYS = {
    "milestone": {"😊 Opfyldt": "met", "😐 Delvist opfyldt": "partly", "☹️ Ikke opfyldt": "not_met"},
    "economy": {"😊 Overholdt": "kept", "☹️ Ikke overholdt": "not_kept"},
}
"""The drop-down entries and the codes the ledger keeps for them, written by hand."""


def _cell_pattern(ref: str) -> re.Pattern[bytes]:
    return re.compile(rb'<c r="' + ref.encode() + rb'"(?:[^>]*?/>|[^>]*>.*?</c>)', re.S)


def _set_cell(parts: Parts, cell: AnswerCell | tuple[str, str], element: str) -> None:
    """Put `element` (a whole <c>, '{r}' standing for the reference) in place of a cell:
    an answer cell, or (part, cell reference) for another."""
    part, reference = (cell.part, cell.cell) if isinstance(cell, AnswerCell) else cell
    data = parts[part]
    new = element.replace("{r}", reference).encode()
    replaced, count = _cell_pattern(reference).subn(lambda _: new, data, count=1)
    if count == 0:  # not written (an empty cell openpyxl left out): add it to its row
        row = re.sub(r"[A-Z]+", "", reference)
        replaced = re.sub(
            rb'(<row r="' + row.encode() + rb'"[^>]*>)', lambda m: m.group(1) + new, data, count=1
        )
    parts[part] = replaced


def _pick(rng: random.Random, base: Base, *fields: str) -> AnswerCell:
    return rng.choice([c for c in base.cells if not fields or c.field in fields])


def _number(value: str) -> str:
    return f'<c r="{{r}}"><v>{value}</v></c>'


def _inline(text: str) -> str:
    return f'<c r="{{r}}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


# -- values ---------------------------------------------------------------------------


def amount_number(rng: random.Random, base: Base, parts: Parts) -> Expect:
    """A plain number in the amount cell: taken as that number."""
    cell = _pick(rng, base, "deviation")
    text = rng.choice(["0.5", "-1.25", "0", "1E-3", "123456.789", "2.5e2", " 3 "])
    _set_cell(parts, cell, _number(text))
    return Expect(cell.item, cell.field, frozenset({repr(float(text))}))


def amount_out_of_range(rng: random.Random, base: Base, parts: Parts) -> Expect:
    """A number no amount in mio. kr. can be (overflowing, NaN): refused."""
    cell = _pick(rng, base, "deviation")
    _set_cell(parts, cell, _number(rng.choice(["1e999", "-1e999", "NaN", "INF", "-inf"])))
    return Expect(cell.item, cell.field, frozenset())


def amount_malformed(rng: random.Random, base: Base, parts: Parts) -> Expect:
    """A number cell whose <v> is no number ('1,5e'): refused, or the file rejected."""
    cell = _pick(rng, base, "deviation")
    _set_cell(parts, cell, _number(rng.choice(["1,5e", "1.5.3", "0x10", "1_000", "e5", "--1"])))
    return Expect(cell.item, cell.field, frozenset())


def text_in_number_cell(rng: random.Random, base: Base, parts: Parts) -> Expect:
    """A note's cell typed as a number but holding text ('1,5e' with no t=): the text
    taken as it stands, or refused."""
    cell = _pick(rng, base, "milestone_note", "economy_note")
    text = rng.choice(["1,5e", "abc", "Forsinket"])
    _set_cell(parts, cell, _number(text))
    return Expect(cell.item, cell.field, frozenset({text}))


def cell_type_unknown(rng: random.Random, base: Base, parts: Parts) -> Expect:
    """A cell type no program writes (t="x"): refused, or the file rejected."""
    cell = _pick(rng, base)
    kind = rng.choice(["x", "", "S", "number"])
    _set_cell(parts, cell, f'<c r="{{r}}" t="{kind}"><v>1</v></c>')
    return Expect(cell.item, cell.field, frozenset())


def shared_string_other_smiley(rng: random.Random, base: Base, parts: Parts) -> Expect | None:
    """A smiley cell pointing at another smiley's shared string: taken as that smiley."""
    cell = _pick(rng, base, "milestone", "economy")
    choices = [(s, code) for s, code in SMILEYS[cell.field].items() if s in base.shared_strings]
    if not choices:
        return None
    text, code = rng.choice(choices)
    _set_cell(parts, cell, f'<c r="{{r}}" t="s"><v>{base.shared_strings.index(text)}</v></c>')
    return Expect(cell.item, cell.field, frozenset({code}))


def shared_string_bad_index(rng: random.Random, base: Base, parts: Parts) -> Expect:
    """A shared-string index past the table, negative or not a number: refused or rejected."""
    cell = _pick(rng, base)
    size = len(base.shared_strings)
    index = rng.choice([str(size), str(size + 1000), "-1", "4294967296", "1.5", "x", ""])
    _set_cell(parts, cell, f'<c r="{{r}}" t="s"><v>{index}</v></c>')
    return Expect(cell.item, cell.field, frozenset())


def error_cell(rng: random.Random, base: Base, parts: Parts) -> Expect:
    """An error value (t="e"): no answer; refused, or the file rejected."""
    cell = _pick(rng, base)
    error = rng.choice(["#N/A", "#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!"])
    _set_cell(parts, cell, f'<c r="{{r}}" t="e"><v>{error}</v></c>')
    return Expect(cell.item, cell.field, frozenset())


def boolean_cell(rng: random.Random, base: Base, parts: Parts) -> Expect:
    """TRUE in a smiley or amount cell: no smiley, no amount; refused."""
    cell = _pick(rng, base, "milestone", "economy", "deviation")
    _set_cell(parts, cell, f'<c r="{{r}}" t="b"><v>{rng.choice("01")}</v></c>')
    return Expect(cell.item, cell.field, frozenset())


def inline_string(rng: random.Random, base: Base, parts: Parts) -> Expect:
    """A note as an inline string (as some programs write text): taken as written."""
    cell = _pick(rng, base, "milestone_note", "economy_note")
    text = rng.choice(["Ny status.", 'Æøå — ☹️ <ok> & "godt"', "x" * 500])
    _set_cell(parts, cell, _inline(text))
    return Expect(cell.item, cell.field, frozenset({text}))


def smiley_inline(rng: random.Random, base: Base, parts: Parts) -> Expect:
    """A smiley as an inline string (or a formula's cached string): taken as that smiley."""
    cell = _pick(rng, base, "milestone", "economy")
    text, code = rng.choice(list(SMILEYS[cell.field].items()))
    element = _inline(text) if rng.random() < 0.5 else f'<c r="{{r}}" t="str"><v>{text}</v></c>'
    _set_cell(parts, cell, element)
    return Expect(cell.item, cell.field, frozenset({code}))


_FORMULAS = {
    "plain": '<c r="{r}"><f>1+1</f><v>2</v></c>',
    "comment before f": '<c r="{r}"><!-- typed --><f>1+1</f><v>2</v></c>',
    "v before f": '<c r="{r}"><v>2</v><f>1+1</f></c>',
    "single quotes": "<c r='{r}'><f>1+1</f><v>2</v></c>",
    "attribute before r": '<c s="0" r="{r}"><f>1+1</f><v>2</v></c>',
    "shared formula": '<c r="{r}"><f t="shared" si="0" ref="{r}">1+1</f><v>2</v></c>',
    "spaces in tags": '<c r="{r}" ><f >1+1</f ><v >2</v ></c >',
}


def _formula(name: str) -> PartMutator:
    def mutate(rng: random.Random, base: Base, parts: Parts) -> Expect:
        cell = _pick(rng, base, "deviation", "milestone_note", "economy_note")
        _set_cell(parts, cell, _FORMULAS[name])
        return Expect(cell.item, cell.field, frozenset())  # a formula is refused

    mutate.__doc__ = f"A formula ({name}) where a value belongs: refused."
    return mutate


def duplicate_cell(rng: random.Random, base: Base, parts: Parts) -> Expect:
    """The amount cell written twice with two values: one of them, or refused."""
    cell = _pick(rng, base, "deviation")
    _set_cell(parts, cell, _number("0.5") + _number("0.75"))
    return Expect(cell.item, cell.field, frozenset({"0.5", "0.75"}))


def duplicate_row(rng: random.Random, base: Base, parts: Parts) -> Expect | None:
    """An answer's row written twice, the copy's amount changed: one of them, or refused."""
    cell = _pick(rng, base, "deviation")
    row = re.sub(r"[A-Z]+", "", cell.cell).encode()
    data = parts[cell.part]
    found = re.search(rb'<row r="' + row + rb'"[^>]*>.*?</row>', data, re.S)
    if found is None:
        return None
    copy = _cell_pattern(cell.cell).sub(
        lambda _: _number("0.75").replace("{r}", cell.cell).encode(), found.group(0)
    )
    parts[cell.part] = data[: found.end()] + copy + data[found.end() :]
    return Expect(cell.item, cell.field, frozenset({cell.stored, "0.75"}))


def header_capitals(rng: random.Random, base: Base, parts: Parts) -> Expect:
    """An answer column's header retyped in capitals: the answers are still taken, or
    refused with a reason; never silently left out."""
    cell = _pick(rng, base)
    header = {
        "milestone": "Smiley indsats – 1. budgetopfølgning 2018",
        "milestone_note": "Status 1. budgetopfølgning 2018",
        "economy": "Smiley økonomi – 1. budgetopfølgning 2018",
        "economy_note": "Status økonomi – 1. budgetopfølgning 2018",
        "deviation": "Forventet afvigelse 2018 (mio. kr.) – 1. budgetopfølgning 2018",
    }[cell.field]
    old, new = f">{escape(header)}<".encode(), f">{escape(header.upper())}<".encode()
    for name in [cell.part, "xl/sharedStrings.xml"]:  # an inline string, or a shared one
        if name in parts:
            parts[name] = parts[name].replace(old, new)
    return Expect(cell.item, cell.field, frozenset({cell.stored}))


def _metadata(key: str, values: list[str]) -> PartMutator:
    def mutate(rng: random.Random, base: Base, parts: Parts) -> None:
        row = base.metadata_rows.get(key)
        if row is None:
            return None
        value = rng.choice(values)
        cell = (base.metadata_part, f"B{row}")
        _set_cell(parts, cell, _inline(value) if value != "<number>" else _number("1.5"))
        return None

    mutate.__doc__ = f"The metadata's {key} changed: rejected, or read as it was."
    return mutate


# -- XML ------------------------------------------------------------------------------


def _xml_part(rng: random.Random, parts: Parts) -> str:
    return rng.choice([n for n in parts if n.endswith((".xml", ".rels"))])


def xml_unclosed(rng: random.Random, base: Base, parts: Parts) -> None:
    """A part cut off part-way (its XML left unclosed)."""
    name = _xml_part(rng, parts)
    parts[name] = parts[name][: rng.randrange(len(parts[name]))]


def xml_undeclared_entity(rng: random.Random, base: Base, parts: Parts) -> None:
    """An entity no DTD declares (&nbsp;) in a text or value."""
    name = rng.choice([n for n in parts if "sheet" in n or "sharedStrings" in n])
    parts[name] = re.sub(rb"<(v|t)>", lambda m: m.group(0) + b"&nbsp;", parts[name], count=3)


def xml_mismatched_tag(rng: random.Random, base: Base, parts: Parts) -> None:
    """A closing tag that does not match its opening one."""
    name = _xml_part(rng, parts)
    closers = list(re.finditer(rb"</(\w+:)?\w+>", parts[name]))
    if closers:
        found = rng.choice(closers)
        data = parts[name]
        parts[name] = data[: found.start()] + b"</mismatched>" + data[found.end() :]


def xml_non_utf8(rng: random.Random, base: Base, parts: Parts) -> None:
    """A part in Latin-1 or cp1252 (declared so, or not), or with a stray byte."""
    name = rng.choice([n for n in parts if "sheet" in n or "sharedStrings" in n])
    text = parts[name].decode("utf-8")
    how = rng.choice(["declared", "undeclared", "stray byte"])
    if how == "stray byte":
        at = rng.randrange(len(parts[name]))
        parts[name] = parts[name][:at] + b"\xff" + parts[name][at:]
        return
    data = text.encode("cp1252", errors="replace")
    if how == "declared":
        data = data.replace(b'encoding="UTF-8"', b'encoding="windows-1252"', 1)
    parts[name] = data


def xml_prefixed(rng: random.Random, base: Base, parts: Parts) -> None:
    """A sheet written with a namespace prefix (x:c, x:row), as some programs do."""
    name = rng.choice([c.part for c in base.cells])
    data = re.sub(rb"<(/?)(?!\?)(\w+)([\s>/])", rb"<\1x:\2\3", parts[name])
    parts[name] = data.replace(b"<x:worksheet xmlns=", b"<x:worksheet xmlns:x=", 1)


def rows_shuffled(rng: random.Random, base: Base, parts: Parts) -> None:
    """A sheet's rows written out of order, each keeping its reference."""
    name = rng.choice([c.part for c in base.cells])
    data = parts[name]
    rows = list(re.finditer(rb"<row [^>]*>.*?</row>|<row [^>]*/>", data, re.S))
    if len(rows) > 1:
        shuffled = [r.group(0) for r in rows]
        rng.shuffle(shuffled)
        parts[name] = data[: rows[0].start()] + b"".join(shuffled) + data[rows[-1].end() :]


def far_cell(rng: random.Random, base: Base, parts: Parts) -> None:
    """A cell far down or right, inside the scan's limits."""
    name = rng.choice([c.part for c in base.cells])
    row = rng.choice([1_000, 65_536, 199_999])
    column = rng.choice(["Z", "AZ", "IV"])
    cell = f'<row r="{row}"><c r="{column}{row}"><v>1</v></c></row>'.encode()
    parts[name] = parts[name].replace(b"</sheetData>", cell + b"</sheetData>", 1)


def sheet_data_removed(rng: random.Random, base: Base, parts: Parts) -> None:
    """A sheet's cells removed (<sheetData/>)."""
    name = rng.choice([c.part for c in base.cells] + [base.metadata_part])
    parts[name] = re.sub(rb"<sheetData>.*</sheetData>", b"<sheetData/>", parts[name], flags=re.S)


# -- parts ----------------------------------------------------------------------------


def part_removed(rng: random.Random, base: Base, parts: Parts) -> None:
    """A part left out of the package."""
    del parts[rng.choice(list(parts))]


def part_renamed(rng: random.Random, base: Base, parts: Parts) -> None:
    """A part renamed: other letter case, another folder, a suffix."""
    name = rng.choice(list(parts))
    new = rng.choice([name.upper(), name.capitalize(), "xl/x/" + name.split("/")[-1], name + "~"])
    data = parts.pop(name)
    parts[new] = data


def rels_target_case(rng: random.Random, base: Base, parts: Parts) -> None:
    """A worksheet's relationship target in other letter case than its part's name."""
    rels = "xl/_rels/workbook.xml.rels"
    targets = re.findall(rb'Target="([^"]*worksheets/[^"]+)"', parts.get(rels, b""))
    if targets:
        target = rng.choice(targets)
        parts[rels] = parts[rels].replace(target, target.upper().replace(b".XML", b".xml"))


def rels_case_with_formula(rng: random.Random, base: Base, parts: Parts) -> Expect:
    """A formula in a sheet whose relationship target differs in case: still refused."""
    cell = _pick(rng, base, "deviation", "milestone_note", "economy_note")
    _set_cell(parts, cell, _FORMULAS["plain"])
    rels = "xl/_rels/workbook.xml.rels"
    target = cell.part.removeprefix("xl/").encode()
    parts[rels] = parts[rels].replace(b'"' + target + b'"', b'"' + target.upper() + b'"')
    parts[rels] = parts[rels].replace(b'"/' + cell.part.encode() + b'"', b'"/' + target.upper())
    return Expect(cell.item, cell.field, frozenset())


# -- zip bytes ------------------------------------------------------------------------


def _central(data: bytes) -> tuple[int, int]:
    """Where the central directory starts, and where the end record is."""
    end = data.rfind(b"PK\x05\x06")
    if end < 0 or end + 22 > len(data):
        return -1, -1
    (start,) = struct.unpack("<I", data[end + 16 : end + 20])
    return start, end


def flip_central_bits(rng: random.Random, data: bytes) -> bytes:
    """Bits flipped in the zip's central directory or end record."""
    start, _ = _central(data)
    if start < 0 or start >= len(data):
        return data
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        at = rng.randrange(start, len(out))
        out[at] ^= 1 << rng.randrange(8)
    return bytes(out)


def flip_any_bits(rng: random.Random, data: bytes) -> bytes:
    """Bits flipped anywhere in the file."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        at = rng.randrange(len(out))
        out[at] ^= 1 << rng.randrange(8)
    return bytes(out)


def truncated(rng: random.Random, data: bytes) -> bytes:
    """The file cut short."""
    return data[: rng.randrange(len(data))]


def local_without_central(rng: random.Random, data: bytes) -> bytes:
    """A part stored with a local header but no central directory entry (an extra part,
    or a second copy of a sheet), before the central directory."""
    start, end = _central(data)
    if start < 0:
        return data
    name = rng.choice([b"xl/worksheets/sheet2.xml", b"xl/worksheets/sheet9.xml", b"evil.xml"])
    body = b'<?xml version="1.0"?><worksheet><sheetData/></worksheet>'

    header = struct.pack(
        "<4sHHHHHIIIHH",
        b"PK\x03\x04",
        20,
        0,
        0,
        0,
        0,
        zlib.crc32(body),
        len(body),
        len(body),
        len(name),
        0,
    )
    local = header + name + body
    out = bytearray(data[:start] + local + data[start:])
    # The central directory moved: the end record says where it now starts.
    end += len(local)
    out[end + 16 : end + 20] = struct.pack("<I", start + len(local))
    return bytes(out)


def central_size_lie(rng: random.Random, data: bytes) -> bytes:
    """A central entry's sizes or offset changed."""
    start, end = _central(data)
    entries = [m.start() for m in re.finditer(rb"PK\x01\x02", data[start:end])]
    if not entries:
        return data
    at = start + rng.choice(entries)
    field_at = at + rng.choice([20, 24, 42, 16])  # compressed, size, offset, CRC
    value = rng.choice([0, 1, 2**31, 2**32 - 1, rng.randrange(2**20)])
    return data[:field_at] + struct.pack("<I", value) + data[field_at + 4 :]


def garbage_around(rng: random.Random, data: bytes) -> bytes:
    """Bytes before the zip (a self-extractor's stub) or after it."""
    junk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
    return b"PK" + junk + data if rng.random() < 0.5 else data + junk


PART_MUTATORS: dict[str, PartMutator] = {
    "amount_number": amount_number,
    "amount_out_of_range": amount_out_of_range,
    "amount_malformed": amount_malformed,
    "text_in_number_cell": text_in_number_cell,
    "cell_type_unknown": cell_type_unknown,
    "shared_string_other_smiley": shared_string_other_smiley,
    "shared_string_bad_index": shared_string_bad_index,
    "error_cell": error_cell,
    "boolean_cell": boolean_cell,
    "inline_string": inline_string,
    "smiley_inline": smiley_inline,
    **{f"formula_{k.replace(' ', '_')}": _formula(k) for k in _FORMULAS},
    "duplicate_cell": duplicate_cell,
    "duplicate_row": duplicate_row,
    "header_capitals": header_capitals,
    "meta_language": _metadata("language", ["fr", "en", "DA", "", "da-DK"]),
    "meta_round_index": _metadata("round_index", ["1.5", "-1", "99", "x", "<number>"]),
    "meta_layout_version": _metadata("layout_version", ["2", "0", "x", ""]),
    "meta_issue_id": _metadata("issue_id", ["0" * 32, "", "x"]),
    "meta_fingerprint": _metadata("fingerprint", ["0" * 16, ""]),
    "meta_round": _metadata("round", ["2. budgetopfølgning 2018", "x", ""]),
    "meta_centre": _metadata("centre", ["By, Erhverv og Miljø", "", "x"]),
    "xml_unclosed": xml_unclosed,
    "xml_undeclared_entity": xml_undeclared_entity,
    "xml_mismatched_tag": xml_mismatched_tag,
    "xml_non_utf8": xml_non_utf8,
    "xml_prefixed": xml_prefixed,
    "rows_shuffled": rows_shuffled,
    "far_cell": far_cell,
    "sheet_data_removed": sheet_data_removed,
    "part_removed": part_removed,
    "part_renamed": part_renamed,
    "rels_target_case": rels_target_case,
    "rels_case_with_formula": rels_case_with_formula,
}

BYTE_MUTATORS: dict[str, ByteMutator] = {
    "flip_central_bits": flip_central_bits,
    "flip_any_bits": flip_any_bits,
    "truncated": truncated,
    "local_without_central": local_without_central,
    "central_size_lie": central_size_lie,
    "garbage_around": garbage_around,
}

MUTATORS = sorted([*PART_MUTATORS, *BYTE_MUTATORS])

Step = tuple[str, int]


def build(
    base: Base, steps: list[Step], dropped: Collection[str] = ()
) -> tuple[bytes, Expect | None]:
    """A case's file, and what its value mutation implies when it is the only step;
    `dropped` names parts of the base left out (a kept case, made smaller)."""
    parts = {name: data for name, data in base.parts.items() if name not in dropped}
    expects = []
    for name, seed in steps:
        if name in PART_MUTATORS:
            # What it mutates may have been removed by an earlier step: then a no-op.
            with contextlib.suppress(KeyError, IndexError):
                expects.append(PART_MUTATORS[name](random.Random(seed), base, parts))
    data = zipped(parts)
    for name, seed in steps:
        if name in BYTE_MUTATORS:
            data = BYTE_MUTATORS[name](random.Random(seed), data)
    return data, (expects[0] if len(steps) == 1 and expects else None)
