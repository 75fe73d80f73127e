"""A damaged or hostile Outlook message (.msg) in inbox/: not a compound file, cut
short, its sizes or sector chains lying, or bytes changed anywhere, it is merged or
rejected in words about Outlook, never a traceback, and the ledger keeps its values."""

from __future__ import annotations

import io
import struct
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import copied, ledger_answers, round_one_issued
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from msgfiles import MSG, NOT_OUTLOOK, SOS, message, sos_answers

from xlfollow.cli.main import cli
from xlfollow.errors import WorkbookError
from xlfollow.ledger.records import Verdict
from xlfollow.ledger.store import Ledger
from xlfollow.messages import Language
from xlfollow.returns.msgfile import read_msg
from xlfollow.workspace.folder import Workspace


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return round_one_issued(tmp_path_factory)


@pytest.fixture
def ws(issued: Workspace, tmp_path: Path) -> Workspace:
    return copied(issued, tmp_path)


@pytest.fixture(scope="module")
def sos_workbook(issued: Workspace, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return sos_answers(issued, tmp_path_factory.mktemp("sos"))


# ---------------------------------------------------------------- damaged and hostile


def _entry(data: bytes, name: str) -> int:
    """Where a stream's directory entry begins in a compound file."""
    at = data.find(name.encode("utf-16-le") + b"\0\0")
    assert at > 0 and (at - 512) % 128 == 0, name
    return at


def _with(data: bytes, at: int, value: int) -> bytes:
    return data[:at] + struct.pack("<I", value) + data[at + 4 :]


def _lying_size(data: bytes) -> bytes:
    """The workbook's stream said to be 2 GB, in a file of some kilobytes."""
    return _with(data, _entry(data, "__substg1.0_37010102") + 120, 0x7FFFFFFF)


def _cyclic_chain(data: bytes) -> bytes:
    """The workbook's first sector followed, in the FAT, by itself."""
    start = struct.unpack_from("<I", data, _entry(data, "__substg1.0_37010102") + 116)[0]
    fat = struct.unpack_from("<I", data, 76)[0]  # the first FAT sector, from the DIFAT
    return _with(data, 512 + fat * 512 + start * 4, start)


def _huge_mini_fat(data: bytes) -> bytes:
    """A header that counts 2**31 mini FAT sectors."""
    return _with(data, 64, 0x7FFFFFFF)


def _no_properties(data: bytes) -> bytes:
    """The message's property stream renamed: a compound file, but no message."""
    at = _entry(data, "__properties_version1.0")
    return data[:at] + "__xroperties_version1.0".encode("utf-16-le") + data[at + 46 :]


def _renamed_workbook(data: bytes, workbook: bytes) -> bytes:
    return workbook


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (lambda data, book: b"Hej, her er vores svar.\r\n", NOT_OUTLOOK),
        (_renamed_workbook, NOT_OUTLOOK),
        (lambda data, book: data[:400], "(it is shorter than a compound file's header)"),
        (lambda data, book: data[: len(data) // 2], "(incomplete OLE sector)"),
        (lambda data, book: _no_properties(data), NOT_OUTLOOK),
        (lambda data, book: _lying_size(data), "is said to be larger than the file"),
        (lambda data, book: _cyclic_chain(data), "__substg1.0_37010102 is broken"),
        (lambda data, book: _huge_mini_fat(data), "counts more sectors than the file has"),
    ],
    ids=["text", "xlsx", "header-cut", "halved", "no-properties", "size", "cycle", "header"],
)
def test_a_damaged_msg_is_rejected_in_words_about_mail(
    ws: Workspace, sos_workbook: bytes, damage: Any, said: str
) -> None:
    good = MSG.msg_bytes(message((SOS, sos_workbook)))
    (ws.path / "inbox" / "damaged.msg").write_bytes(damage(good, sos_workbook))
    before = ledger_answers(ws)
    result = CliRunner().invoke(cli, ["--language", "en", "merge", str(ws.path)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "damaged.msg" in result.output
    assert said in " ".join(result.output.split())
    assert "CSV" not in result.output
    assert ledger_answers(ws) == before
    with Ledger(ws.ledger_place) as ledger:
        (receipt,) = ledger.receipts()
    assert (receipt.file, receipt.verdict) == ("inbox/damaged.msg", Verdict.REJECTED)
    assert receipt.reason.startswith("not an Outlook message (.msg) xlfollow can read")
    assert receipt.reason.endswith(
        "save the reply again from Outlook, or save its attached workbook in inbox/ instead"
    )


def test_the_reasons_are_in_danish_too(tmp_path: Path) -> None:
    path = tmp_path / "x.msg"
    path.write_bytes(b"PK\x03\x04 en projektmappe med et forkert navn")
    with pytest.raises(WorkbookError) as caught:
        read_msg(path)
    assert caught.value.why.say(Language.DA) == (
        "ikke en Outlook-mail (.msg), som xlfollow kan læse; gem svaret igen fra Outlook, "
        "eller gem i stedet den vedhæftede projektmappe i inbox/"
    )


@pytest.fixture(scope="module")
def small_msg() -> bytes:
    """A small .msg to mutate: a workbook-named attachment of a few bytes."""
    book = io.BytesIO()
    with zipfile.ZipFile(book, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    data: bytes = MSG.msg_bytes(message(("svar.xlsx", book.getvalue())))
    return data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_every_mutated_msg_is_read_or_rejected_cleanly(
    small_msg: bytes, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """Bytes changed anywhere (the header, the FAT, the directory, the streams), or the
    file cut short: a SavedMessage, or a WorkbookError about Outlook, never another."""
    mutated = bytearray(small_msg)
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(mutated) - 4))
        word = data.draw(
            st.sampled_from([0, 1, 0x7FFFFFFF, 0xFFFFFFFE, 0xFFFFFFFF, 0x1000])
            | st.integers(0, 2**32 - 1)
        )
        mutated[at : at + 4] = struct.pack("<I", word)
    if data.draw(st.booleans()):
        mutated = mutated[: data.draw(st.integers(0, len(mutated)))]
    path = tmp_path_factory.mktemp("mutated") / "m.msg"
    path.write_bytes(bytes(mutated))
    try:
        read = read_msg(path)
    except WorkbookError as exc:
        assert str(exc.why).startswith("not an Outlook message (.msg) xlfollow can read")
    else:
        assert all(a.name and len(a.data) <= len(mutated) for a in read.attachments)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_mutated_msg_merges_or_is_rejected_and_the_ledger_keeps_its_values(
    issued: Workspace, sos_workbook: bytes, tmp_path_factory: pytest.TempPathFactory, data: Any
) -> None:
    ws = copied(issued, tmp_path_factory.mktemp("ws"))
    (ws.path / "inbox" / "first.xlsx").write_bytes(sos_workbook)
    assert [f.verdict for f in ws.merge().files] == ["accepted"]
    before = ledger_answers(ws)
    good = bytearray(MSG.msg_bytes(message((SOS, sos_workbook))))
    for _ in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(0, len(good) - 1))
        good[at] = data.draw(st.integers(0, 255))
    (ws.path / "inbox" / "mutated.msg").write_bytes(bytes(good))
    files = ws.merge().files
    assert files, "the message is said"
    for file in files:
        assert file.verdict in (Verdict.REJECTED, Verdict.DUPLICATE, "accepted"), file
    assert ledger_answers(ws) == before  # the same answers again: nothing new, nothing lost


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(["From", "Date", "Subject", "Message-ID", "Received", "X-Ørsted"])
        | st.text(min_size=1, max_size=12),
        max_size=6,
    ),
    st.lists(
        st.sampled_from(["=?utf-8?q?=FF=FE?=", "<<@>>", '"', "=?x-unknown?b?QUJD?=", ";", ""])
        | st.text(max_size=40),
        max_size=6,
    ),
)
def test_any_transport_headers_are_read_or_left_out(names: list[str], values: list[str]) -> None:
    """A .msg without its sender's properties falls back on its transport headers: what
    the email package cannot take apart there is left out, the message still read."""
    headers = "".join(f"{name}: {value}\r\n" for name, value in zip(names, values, strict=False))
    reply = message(("svar.xlsx", b"PK"), headers=headers, smtp_sender=False, sent=None)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "headers.msg"
        path.write_bytes(MSG.msg_bytes(reply))
        read = read_msg(path)
    assert [a.name for a in read.attachments] == ["svar.xlsx"]
    assert "\n" not in read.origin.sender + read.origin.date + read.origin.message_id
