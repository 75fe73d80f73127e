"""A reply Outlook saved whole (.msg) in inbox/: each workbook attached is merged as the
workbook itself would be, the message's sender, date and subject kept with its receipt
as a saved .eml's are; a message without a workbook is said in words about mail.

The .msg files are written by scripts/make-test-msg.py (there is no Outlook here), whose
output olefile and extract-msg read (tests/data/mail/README.md)."""

from __future__ import annotations

import io
import shutil
import struct
from collections.abc import Callable
from pathlib import Path

import olefile
import openpyxl
import pytest
from click.testing import CliRunner
from conftest import copied, ledger_answers, round_one_issued
from msgfiles import DATE, KEPT, MSG, NAME, REPLY, SENDER, SOS, SUBJECT, message, saved, sos_answers
from returns import R1

from xlfollow.answers import Field
from xlfollow.cli.main import cli
from xlfollow.ledger.records import Verdict
from xlfollow.ledger.store import Ledger
from xlfollow.messages import Language
from xlfollow.returns.msgfile import read_msg
from xlfollow.returns.returnedfiles import MAX_FILE_BYTES, too_large
from xlfollow.workspace.folder import Workspace


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory, new_ledger: Callable[[], str]) -> Workspace:
    """Round 1 issued, its ledger on each engine in turn (conftest's ledger_engine)."""
    return round_one_issued(tmp_path_factory, new_ledger())


@pytest.fixture
def ws(issued: Workspace, tmp_path: Path) -> Workspace:
    return copied(issued, tmp_path)


@pytest.fixture(scope="module")
def sos_workbook(issued: Workspace, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return sos_answers(issued, tmp_path_factory.mktemp("sos"))


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
    with Ledger(ws.ledger_place) as ledger:
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
    assert row[5] == "indlæst"
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
    # An attachment has no code page of its own: its name is in its message's.
    inner = message(("Бюджет.xlsx", b"PK"), unicode=False, codepage=1251)
    path.write_bytes(MSG.msg_bytes(message(inner, unicode=False, codepage=1251)))
    assert [a.name for a in read_msg(path).attachments] == ["Бюджет.xlsx"]


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
