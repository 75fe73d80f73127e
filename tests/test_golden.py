"""The workbooks xlfollow issues are the golden ones, part by part: a header, a width,
a format, a drop-down list or a locked cell that changes fails here, naming the part.
When the change is intended, run scripts/make-golden-workbooks.py and commit the files."""

from __future__ import annotations

import io
import zipfile

import pytest
from golden import GOLDEN, WORKBOOKS, differences, golden_workbooks, normalised, parts

from xlfollow.ledger.dialect import Engine

LEDGER_ENGINES = (Engine.SQLITE,)
"""Workbooks written from an agreement: no ledger is opened here."""

AGAIN = "If the change is intended, run `python scripts/make-golden-workbooks.py` and commit tests/data/golden/."


@pytest.fixture(scope="module")
def written() -> dict[str, bytes]:
    return golden_workbooks()


@pytest.mark.parametrize("name", sorted(WORKBOOKS))
def test_the_workbook_is_the_golden_one(name: str, written: dict[str, bytes]) -> None:
    found = differences((GOLDEN / name).read_bytes(), written[name], name)
    if found:
        pytest.fail("\n\n".join(map(str, found)) + "\n\n" + AGAIN, pytrace=False)


def rezipped(content: bytes, part: str, old: bytes, new: bytes) -> bytes:
    """A workbook with one string of one part replaced."""
    members = parts(content)
    assert old in members[part], f"{old!r} not in {part}"
    members[part] = members[part].replace(old, new, 1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return buffer.getvalue()


SHEET = "xl/worksheets/sheet2.xml"


@pytest.mark.parametrize(
    ("part", "old", "new"),
    [
        ("xl/sharedStrings.xml", b"<t>Nr.</t>", b"<t>Nummer</t>"),
        (SHEET, b'width="', b'width="1'),
        (
            "xl/styles.xml",
            b'<numFmt numFmtId="164" formatCode="',
            b'<numFmt numFmtId="164" formatCode="0',
        ),
        (SHEET, b"<dataValidation ", b'<dataValidation showErrorMessage="0" '),
    ],
    ids=["header", "width", "format", "validation"],
)
def test_a_changed_header_width_format_or_validation_is_named_by_its_part(
    part: str, old: bytes, new: bytes
) -> None:
    golden = (GOLDEN / "small-centre-round-1.xlsx").read_bytes()
    found = differences(golden, rezipped(golden, part, old, new), "small-centre-round-1.xlsx")
    assert [d.part for d in found] == [f"small-centre-round-1.xlsx: {part}"]
    assert f"--- golden/small-centre-round-1.xlsx/{part}" in found[0].diff
    assert "\n+" + new.decode() in found[0].diff or new.decode() in found[0].diff


def test_a_part_added_is_named_as_the_member_list() -> None:
    golden = (GOLDEN / "small-centre-round-1.xlsx").read_bytes()
    buffer = io.BytesIO(golden)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"macro")
    found = differences(golden, buffer.getvalue(), "small-centre-round-1.xlsx")
    assert [d.part for d in found] == ["small-centre-round-1.xlsx: the zip's member list"]
    assert "+xl/vbaProject.bin" in found[0].diff


def test_only_the_run_s_own_values_are_normalised() -> None:
    members = parts((GOLDEN / "small-master-round-1.xlsx").read_bytes())
    texts = normalised(members)
    assert (
        '<dcterms:created xsi:type="dcterms:W3CDTF">{date}</dcterms:created>'
        in texts["docProps/core.xml"]
    )
    custom = texts["docProps/custom.xml"]
    for name in ("xlfollow_issue_id", "xlfollow_issued_at", "xlfollow_tool_version"):
        assert f'name="{name}"><vt:lpwstr>{{{name}}}</vt:lpwstr>' in custom
    # the round, the centre and the fingerprint are compared as they are
    assert "<vt:lpwstr>1. budgetopfølgning 2018</vt:lpwstr>" in custom
    assert "{xlfollow_issue_id}" in texts["xl/sharedStrings.xml"]
