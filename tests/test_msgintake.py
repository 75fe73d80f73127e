"""A reply Outlook saved whole (.msg) in inbox/: each workbook attached is merged as the
workbook itself would be, the message's sender, date and subject kept with its receipt
as a saved .eml's are; a damaged or hostile .msg is rejected in words about mail.

The .msg files are written by scripts/make-test-msg.py (there is no Outlook here), whose
output olefile and extract-msg read (tests/data/mail/README.md)."""

from __future__ import annotations

import importlib.util
import io
import shutil
import struct
import sys
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import olefile
import openpyxl
import pytest
from click.testing import CliRunner
from conftest import copied, ledger_answers, round_one_issued
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from returns import ECONOMY, R1, SMILEY, STATUS, fill

from xlfollow.answers import Field
from xlfollow.cli.main import cli
from xlfollow.errors import WorkbookError
from xlfollow.ledger.records import Verdict
from xlfollow.ledger.store import Ledger
from xlfollow.messages import Language
from xlfollow.returns.msgfile import read_msg
from xlfollow.returns.returnedfiles import MAX_FILE_BYTES, too_large
from xlfollow.workspace.folder import Workspace

ROOT = Path(__file__).resolve().parent.parent
KEPT = ROOT / "tests" / "data" / "mail" / "reply-with-workbook.msg"
SOS = "03-social-og-sundhed-runde-1.xlsx"
REPLY = "SV Aftale om budget 2018.msg"
SUBJECT = "SV: Aftale om budget 2018 – svar fra Ældre og Sundhed"
NAME = "Søren Ærø, Social og Sundhed"
SENDER = f'"{NAME}" <social-og-sundhed@example.org>'
DATE = "Mon, 09 Apr 2018 08:15:00 +0000"  # 10:15 in Ballerup, in UTC as Outlook keeps it
NOT_OUTLOOK = (
    "not an Outlook message (.msg) xlfollow can read; save the reply again from Outlook, "
    "or save its attached workbook in inbox/ instead"
)


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_test_msg", ROOT / "scripts" / "make-test-msg.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_test_msg"] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


MSG = _script()


def message(*attachments: Any, **fields: Any) -> Any:
    """A centre's reply as Outlook keeps it, with files (name, bytes) or messages attached."""
    return MSG.Message(
        subject=fields.pop("subject", SUBJECT),
        sender_name=fields.pop("sender_name", NAME),
        sender_address=fields.pop("sender_address", "social-og-sundhed@example.org"),
        attachments=[
            item if isinstance(item, MSG.Message) else MSG.File(*item) for item in attachments
        ],
        **fields,
    )


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return round_one_issued(tmp_path_factory)


@pytest.fixture
def ws(issued: Workspace, tmp_path: Path) -> Workspace:
    return copied(issued, tmp_path)


@pytest.fixture(scope="module")
def sos_workbook(issued: Workspace, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return fill(
        issued.path / "outbox" / "round-1" / SOS,
        tmp_path_factory.mktemp("sos") / "sos.xlsx",
        {
            ("3.01", SMILEY): "😊 Opfyldt",
            ("3.01", STATUS): "Pilotprojektet er planlagt.",
            ("3.01", ECONOMY): "Overholdt",
            ("4.11", SMILEY): "gul",
        },
    ).read_bytes()


def saved(ws: Workspace, reply: Any, name: str = REPLY) -> Path:
    path = ws.path / "inbox" / name
    path.write_bytes(MSG.msg_bytes(reply))
    return path


def test_the_writer_makes_a_compound_file_olefile_reads_as_a_message(
    sos_workbook: bytes,
) -> None:
    data = MSG.msg_bytes(message((SOS, sos_workbook)))
    with olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT) as ole:
        assert ole.parsing_issues == []
        assert ole.openstream("__substg1.0_0037001F").read().decode("utf-16-le") == SUBJECT
        stored = ole.openstream("__attach_version1.0_#00000000/__substg1.0_37010102").read()
        assert stored == sos_workbook
        assert ole.exists("__nameid_version1.0/__substg1.0_00020102")
        header = ole.openstream("__properties_version1.0").read()[:32]
    # [MS-OXMSG] 2.4.1.1: next recipient id 1, next attachment id 1, one of each.
    assert struct.unpack("<8xIIII8x", header) == (1, 1, 1, 1)


def test_a_saved_outlook_reply_merges_as_its_workbook_does(
    ws: Workspace, tmp_path: Path, sos_workbook: bytes
) -> None:
    alone = copied(ws, tmp_path / "alone")
    (alone.path / "inbox" / "sos.xlsx").write_bytes(sos_workbook)
    (by_itself,) = alone.merge().files
    saved(ws, message((SOS, sos_workbook)))
    (file,) = ws.merge().files
    assert file.path == f"inbox/{REPLY} · {SOS}"
    assert (file.verdict, file.centre, file.round) == ("accepted", "Social og Sundhed", R1)
    assert file.cells == by_itself.cells and file.cells["accepted"] == 4
    assert file.sha256 == by_itself.sha256
    assert ledger_answers(ws) == ledger_answers(alone)
    assert ledger_answers(ws)[(R1, "3.01", Field.MILESTONE)] == "met"
    with Ledger(ws.ledger_path) as ledger:
        (receipt,) = ledger.receipts()
    assert receipt.mail is not None
    assert (receipt.mail.sender, receipt.mail.date, receipt.mail.subject) == (
        SENDER,
        DATE,
        SUBJECT,
    )
    assert receipt.mail.message_id == "<svar-1@ballerup.dk>"
    received = openpyxl.load_workbook(ws.path / "master.xlsx")["Modtaget"]
    (row,) = received.iter_rows(min_row=3, values_only=True)
    assert row[0] == f'inbox/{REPLY} · {SOS}\nfra {SENDER}: "{SUBJECT}"'
    assert row[4] == "indlæst"
    # Read once: the next merge finds nothing new, and a copy of the message is no news.
    assert ws.merge().files == []
    shutil.copy(ws.path / "inbox" / REPLY, ws.path / "inbox" / "kopi.msg")
    assert ws.merge().files == []
    assert ws.waiting() == []


def test_the_terminal_says_who_sent_it(ws: Workspace, sos_workbook: bytes) -> None:
    saved(ws, message((SOS, sos_workbook)))
    result = CliRunner().invoke(cli, ["--language", "en", "merge", str(ws.path)])
    assert result.exit_code == 0, result.output
    assert f"inbox/{REPLY} · {SOS}:" in result.output
    assert f'from {SENDER}, {DATE}: "{SUBJECT}"' in result.output


def test_the_kept_msg_merges_into_the_workspace_it_answers(tmp_path: Path) -> None:
    """tests/data/mail/reply-with-workbook.msg holds the small example's workbook for
    Social og Sundhed, issued with the issue ids the script pins, one smiley chosen."""
    workspace = Workspace(MSG.issued_small_example(tmp_path))
    shutil.copy(KEPT, workspace.path / "inbox" / "SV.msg")
    (file,) = workspace.merge().files
    assert file.path == "inbox/SV.msg · 01-social-og-sundhed-runde-1.xlsx"
    assert (file.verdict, file.centre, file.cells["accepted"]) == (
        "accepted",
        "Social og Sundhed",
        1,
    )
    assert file.mail is not None
    assert file.mail.sender == f'"{NAME}" <social-og-sundhed@example.org>'
    assert file.mail.subject == "SV: Aftale om budget 2018 – svar fra Social og Sundhed"
    assert file.mail.date == DATE
    assert "met" in ledger_answers(workspace).values()


def test_a_message_without_a_workbook_is_said_in_words_about_mail(ws: Workspace) -> None:
    saved(ws, message())
    saved(ws, message(("referat.pdf", b"%PDF-1.4 ...", "application/pdf")), "pdf.msg")
    files = {f.path: f for f in ws.merge().files}
    assert set(files) == {f"inbox/{REPLY}", "inbox/pdf.msg"}
    for file in files.values():
        assert file.verdict == Verdict.REJECTED
        assert file.reason == (
            f'the message "{SUBJECT}" from {SENDER} has no workbook attached (.xlsx); ask '
            "the centre to attach its workbook and send it again"
        )
        assert file.why is not None
        assert file.why.say(Language.DA).startswith(f'mailen "{SUBJECT}" fra {SENDER} har')
        # Its sender's address is the centre's in the settings: status counts it.
        assert file.centre == "Social og Sundhed"
    assert {c.centre: c.rejected for c in ws.status().centres if c.rejected} == {
        "Social og Sundhed": 2
    }
    assert {f.verdict for f in ws.merge().files} == {Verdict.ALREADY_REJECTED}


def test_a_forwarded_reply_is_looked_into_one_level(ws: Workspace, sos_workbook: bytes) -> None:
    inner = message((SOS, sos_workbook))
    saved(ws, message(inner, subject="VS: SV: Aftale om budget 2018"), "forwarded.msg")
    (file,) = ws.merge().files
    assert (file.path, file.verdict) == (f"inbox/forwarded.msg · {SOS}", "accepted")
    assert file.mail is not None and file.mail.subject == "VS: SV: Aftale om budget 2018"
    # Forwarded twice, the workbook lies deeper than xlfollow looks.
    saved(ws, message(message(inner), subject="VS: VS"), "twice.msg")
    (deeper,) = ws.merge().files
    assert deeper.verdict == Verdict.REJECTED and "has no workbook attached" in deeper.reason


def test_8bit_strings_in_the_messages_code_page_are_read(tmp_path: Path) -> None:
    path = tmp_path / "ansi.msg"
    reply = message(("Budget Ældre.xlsx", b"PK"), unicode=False, codepage=1252)
    path.write_bytes(MSG.msg_bytes(reply))
    read = read_msg(path)
    assert (read.origin.sender, read.origin.subject) == (SENDER, SUBJECT)
    assert [(a.name, a.data) for a in read.attachments] == [("Budget Ældre.xlsx", b"PK")]
    # Its code page read as Windows-1251, the same byte 0xC6 is Cyrillic Ж, not Æ: the page
    # (PR_MESSAGE_CODEPAGE, PR_INTERNET_CPID) is heeded.
    raw = MSG.msg_bytes(message(unicode=False, codepage=1252, subject="Æble"))
    for prop in (0x3FFD0003, 0x3FDE0003):
        written = struct.pack("<IIQ", prop, 6, 1252)
        assert raw.count(written) == 1
        raw = raw.replace(written, struct.pack("<IIQ", prop, 6, 1251))
    path.write_bytes(raw)
    assert read_msg(path).origin.subject == "Жble"


def test_without_sender_properties_the_transport_headers_are_read(tmp_path: Path) -> None:
    headers = (
        "Received: from mail.ballerup.dk\r\n"
        "From: =?utf-8?q?B=C3=B8rne-_og_Unger=C3=A5dgivning?= <bur@ballerup.dk>\r\n"
        "Date: Tue, 10 Apr 2018 09:00:00 +0200\r\n"
        "Message-ID: <fra-headers@ballerup.dk>\r\n\r\n"
    )
    reply = message(headers=headers, smtp_sender=False, sent=None, message_id="")
    path = tmp_path / "headers.msg"
    path.write_bytes(MSG.msg_bytes(reply))
    origin = read_msg(path).origin
    assert origin.sender == "Børne- og Ungerådgivning <bur@ballerup.dk>"
    assert origin.date == "Tue, 10 Apr 2018 09:00:00 +0200"
    assert origin.message_id == "<fra-headers@ballerup.dk>"
    assert origin.subject == SUBJECT


def test_which_attachments_are_taken_out(tmp_path: Path) -> None:
    path = tmp_path / "reply.msg"
    reply = message(
        ("SOS.XLSX", b"one"),
        ("", b"two"),  # no name: named by its MIME tag
        ("..\\..\\x.xlsx", b"three", "application/octet-stream"),
        ("referat.pdf", b"%PDF", "application/pdf"),
        ("logo.gif", b"GIF89a", "image/gif"),
    )
    path.write_bytes(MSG.msg_bytes(reply))
    assert [(a.name, a.data) for a in read_msg(path).attachments] == [
        ("SOS.XLSX", b"one"),
        ("attachment.xlsx", b"two"),
        ("x.xlsx", b"three"),
    ]


def test_an_attachment_too_large_is_refused_unread(
    ws: Workspace, sos_workbook: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    import xlfollow.returns.msgfile as msgfile

    monkeypatch.setattr(msgfile, "too_large", lambda size: too_large(size + MAX_FILE_BYTES))
    saved(ws, message((SOS, sos_workbook)))
    (file,) = ws.merge().files
    assert (file.path, file.verdict) == (f"inbox/{REPLY} · {SOS}", Verdict.REJECTED)
    assert file.reason.startswith("256 MB, more than any workbook xlfollow reads (256 MB)")


def test_a_message_larger_than_a_reply_is_refused_before_it_is_read(
    ws: Workspace, sos_workbook: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    import xlfollow.returns.mailfiles as mailfiles

    path = saved(ws, message((SOS, sos_workbook)))
    monkeypatch.setattr(mailfiles, "MAX_MESSAGE_BYTES", path.stat().st_size - 1)
    (file,) = ws.merge().files
    assert file.verdict == Verdict.REJECTED
    assert "more than a reply with a workbook attached" in file.reason


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
    assert "inbox/damaged.msg: rejected" in result.output or "damaged.msg" in result.output
    assert said in " ".join(result.output.split())
    assert "CSV" not in result.output
    assert ledger_answers(ws) == before
    with Ledger(ws.ledger_path) as ledger:
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
