"""A reply saved whole (.eml) in inbox/: each workbook attached is merged as the workbook
itself would be, the message's sender, date and subject kept with its receipt; a
message without a workbook, or one that is no mail, is said in words about mail."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import copied, ledger_answers, round_one_issued, without_mail
from returns import ECONOMY, R1, SMILEY, STATUS, fill

from xlfollow.answers import Field
from xlfollow.cli.main import cli
from xlfollow.ledger.records import MailOrigin, Verdict
from xlfollow.ledger.schema import SCHEMA_VERSION
from xlfollow.ledger.store import Ledger
from xlfollow.messages import Language
from xlfollow.returns.mailfiles import read_message
from xlfollow.returns.returnedfiles import MAX_FILE_BYTES, too_large
from xlfollow.workspace.folder import Workspace

SOS = "03-social-og-sundhed-runde-1.xlsx"
SIK = "04-skoler-institutioner-og-kultur-runde-1.xlsx"
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
REPLY = "SV Aftale om budget 2018.eml"
SUBJECT = "SV: Aftale om budget 2018"
SENDER = "Social og Sundhed <sos@ballerup.dk>"
DATE = "Mon, 09 Apr 2018 10:15:00 +0200"
BAD = Path(__file__).parent / "data" / "bad"


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory, new_ledger: Callable[[], str]) -> Workspace:
    """Round 1 issued, its ledger on each engine in turn (conftest's ledger_engine)."""
    return round_one_issued(tmp_path_factory, new_ledger())


@pytest.fixture
def ws(issued: Workspace, tmp_path: Path) -> Workspace:
    return copied(issued, tmp_path)


def outbox(ws: Workspace, name: str) -> Path:
    return ws.path / "outbox" / "round-1" / name


def reply(*attachments: tuple[str, bytes] | EmailMessage, subject: str = SUBJECT) -> EmailMessage:
    """A centre's reply as a mail program saves it: a text, and the files attached."""
    message = EmailMessage()
    message["From"] = SENDER
    message["To"] = "budget@ballerup.dk"
    message["Subject"] = subject
    message["Date"] = DATE
    message["Message-ID"] = "<svar-1@ballerup.dk>"
    message.set_content("Hermed vores svar.\n\nVenlig hilsen\nSocial og Sundhed\n")
    for attachment in attachments:
        if isinstance(attachment, EmailMessage):
            message.add_attachment(attachment)
            continue
        name, data = attachment
        kind = XLSX if name.endswith(".xlsx") else ("application", "vnd.ms-excel")
        message.add_attachment(data, *kind, filename=name)
    return message


def saved(ws: Workspace, message: EmailMessage, name: str = REPLY) -> Path:
    path = ws.path / "inbox" / name
    path.write_bytes(bytes(message))
    return path


def sos_answers(ws: Workspace, out: Path) -> Path:
    return fill(
        outbox(ws, SOS),
        out,
        {
            ("3.01", SMILEY): "😊 Opfyldt",
            ("3.01", STATUS): "Pilotprojektet er planlagt.",
            ("3.01", ECONOMY): "Overholdt",
            ("4.11", SMILEY): "gul",
        },
    )


def test_a_saved_reply_merges_as_its_workbook_does(ws: Workspace, tmp_path: Path) -> None:
    alone = copied(ws, tmp_path / "alone")
    workbook = sos_answers(ws, tmp_path / "sos.xlsx")
    shutil.copy(workbook, alone.path / "inbox" / "sos.xlsx")
    (by_itself,) = alone.merge().files
    saved(ws, reply(("sos.xlsx", workbook.read_bytes())))
    report = ws.merge()
    (file,) = report.files
    assert file.path == f"inbox/{REPLY} · sos.xlsx"
    assert (file.verdict, file.centre, file.round) == ("accepted", "Social og Sundhed", R1)
    assert file.cells == by_itself.cells and file.cells["accepted"] == 4
    assert file.sha256 == by_itself.sha256  # the workbook's own bytes, not the message's
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
    assert file.to_json()["mail"] == {
        "from": SENDER,
        "date": DATE,
        "subject": SUBJECT,
        "message_id": "<svar-1@ballerup.dk>",
    }
    # The master's Modtaget sheet names the sender and subject with the file.
    received = openpyxl.load_workbook(ws.path / "master.xlsx")["Modtaget"]
    (row,) = received.iter_rows(min_row=3, values_only=True)
    assert row[0] == f'inbox/{REPLY} · sos.xlsx\nfra {SENDER}: "{SUBJECT}"'
    assert row[5] == "indlæst"
    # Read once: the next merge finds nothing new, and a copy of the message is no news.
    assert ws.merge().files == []
    shutil.copy(ws.path / "inbox" / REPLY, ws.path / "inbox" / "kopi.eml")
    assert ws.merge().files == []
    assert ws.waiting() == []


def test_the_same_message_named_again_is_a_duplicate(ws: Workspace, tmp_path: Path) -> None:
    message = saved(ws, reply(("sos.xlsx", sos_answers(ws, tmp_path / "sos.xlsx").read_bytes())))
    assert [f.verdict for f in ws.merge().files] == ["accepted"]
    (again,) = ws.merge([message]).files
    assert again.verdict == Verdict.DUPLICATE
    assert again.reason.startswith(f"the same file as inbox/{REPLY} · sos.xlsx, merged")


def test_the_terminal_says_who_sent_it(ws: Workspace, tmp_path: Path) -> None:
    saved(ws, reply(("sos.xlsx", sos_answers(ws, tmp_path / "sos.xlsx").read_bytes())))
    result = CliRunner().invoke(cli, ["--language", "en", "merge", str(ws.path)])
    assert result.exit_code == 0, result.output
    assert f"inbox/{REPLY} · sos.xlsx:" in result.output
    assert f'from {SENDER}, {DATE}: "{SUBJECT}"' in result.output


def test_a_refused_cell_is_named_in_the_workbook_the_message_brought(
    ws: Workspace, tmp_path: Path
) -> None:
    workbook = fill(outbox(ws, SOS), tmp_path / "sos.xlsx", {("4.11", SMILEY): "lilla"})
    saved(ws, reply(("sos.xlsx", workbook.read_bytes())))
    (file,) = ws.merge().files
    problem = file.problems[0]
    assert problem.reason.startswith(f"inbox/{REPLY} · sos.xlsx, sheet '4. Sundhed")
    assert '"lilla" is not a milestone smiley' in problem.reason
    with Ledger(ws.ledger_place) as ledger:
        (receipt,) = ledger.receipts()
    # Not the passing file the readers were given to read.
    assert "xlfollow-mail-" not in receipt.report and "workbook.xlsx" not in receipt.report


def test_two_workbooks_in_one_message_are_both_merged(ws: Workspace, tmp_path: Path) -> None:
    sos = sos_answers(ws, tmp_path / "sos.xlsx")
    sik = fill(outbox(ws, SIK), tmp_path / "sik.xlsx", {("3.02", SMILEY): "grøn"})
    saved(ws, reply((SOS, sos.read_bytes()), (SIK, sik.read_bytes())))
    files = ws.merge().files
    assert [(f.path, f.verdict, f.centre) for f in files] == [
        (f"inbox/{REPLY} · {SOS}", "accepted", "Social og Sundhed"),
        (f"inbox/{REPLY} · {SIK}", "accepted", "Skoler, Institutioner og Kultur"),
    ]
    assert ledger_answers(ws)[(R1, "3.02", Field.MILESTONE)] == "met"
    assert ws.merge().files == []


def test_a_message_without_a_workbook_is_said_in_words_about_mail(ws: Workspace) -> None:
    saved(ws, reply())
    (file,) = ws.merge().files
    assert file.path == f"inbox/{REPLY}"
    assert file.verdict == Verdict.REJECTED
    assert file.reason == (
        f'the message "{SUBJECT}" from {SENDER} has no workbook attached (.xlsx); ask the '
        "centre to attach its workbook and send it again"
    )
    assert file.why is not None
    assert file.why.say(Language.DA) == (
        f'mailen "{SUBJECT}" fra {SENDER} har ingen projektmappe vedhæftet (.xlsx); bed '
        "centret vedhæfte sin projektmappe og sende den igen"
    )
    assert "CSV" not in file.reason
    assert file.centre is None  # sos@ballerup.dk is no centre's address in the settings
    # Recorded, and said again, not read again, while it lies in inbox/.
    (again,) = ws.merge().files
    assert again.verdict == Verdict.ALREADY_REJECTED
    assert again.reason.startswith("rejected already")
    with Ledger(ws.ledger_place) as ledger:
        (receipt,) = ledger.receipts()
    assert receipt.mail is not None and receipt.mail.subject == SUBJECT


def test_a_centre_is_known_by_its_address_when_its_message_is_rejected(ws: Workspace) -> None:
    """Its address in the settings names the centre, so `status` counts it as received
    and rejected, not as silent."""
    message = reply(("budget.xls", (BAD / "old-excel.xls").read_bytes()))
    message.replace_header("From", "Social og Sundhed <Social-og-Sundhed@example.org>")
    saved(ws, message)
    empty = reply(subject="SV: glemt")
    empty.replace_header("From", "skoler-institutioner-og-kultur@example.org")
    saved(ws, empty, "glemt.eml")
    files = {f.path: f for f in ws.merge().files}
    assert files[f"inbox/{REPLY} · budget.xls"].centre == "Social og Sundhed"
    assert files["inbox/glemt.eml"].centre == "Skoler, Institutioner og Kultur"
    rejected = {c.centre: c.rejected for c in ws.status().centres if c.rejected}
    assert rejected == {"Social og Sundhed": 1, "Skoler, Institutioner og Kultur": 1}


def test_an_old_xls_attachment_gets_the_words_an_xls_file_gets(ws: Workspace) -> None:
    saved(ws, reply(("budget.xls", (BAD / "old-excel.xls").read_bytes())))
    shutil.copy(BAD / "old-excel.xls", ws.path / "inbox" / "budget.xls")
    by_mail, by_itself = sorted(ws.merge().files, key=lambda f: f.path.endswith(".xls"))
    assert by_mail.path == f"inbox/{REPLY} · budget.xls"
    assert by_mail.verdict == by_itself.verdict == Verdict.REJECTED
    assert by_mail.reason == by_itself.reason
    assert by_mail.reason.startswith("an old .xls workbook; save it as .xlsx")


def test_hostile_attachments_are_rejected_as_hostile_files_are(ws: Workspace) -> None:
    manifest: dict[str, str] = json.loads((BAD / "MANIFEST.json").read_text(encoding="utf-8"))
    corpus = [name for name in manifest if name.endswith((".xlsx", ".xlsm", ".xls", ".ods"))]
    assert len(corpus) > 20
    saved(ws, reply(*((name, (BAD / name).read_bytes()) for name in corpus)))
    by_mail = {Path(f.path.split(" · ")[1]).name: f for f in ws.merge().files}
    assert set(by_mail) == set(corpus)
    files = copied(ws, ws.path.parent / "files")
    for name in corpus:
        shutil.copy(BAD / name, files.path / "inbox" / name)
    by_itself = {
        Path(f.path).name: f for f in files.merge([files.path / "inbox" / n for n in corpus]).files
    }
    for name in corpus:
        mailed, alone = by_mail[name], by_itself[name]
        assert (mailed.verdict, mailed.cells) == (alone.verdict, alone.cells), name
        assert mailed.reason == alone.reason, name
        assert manifest[name] in mailed.reason or mailed.verdict != Verdict.REJECTED, name


def test_a_forwarded_reply_is_looked_into_one_level(ws: Workspace, tmp_path: Path) -> None:
    inner = reply(("sos.xlsx", sos_answers(ws, tmp_path / "sos.xlsx").read_bytes()))
    saved(ws, reply(inner, subject="VS: SV: Aftale om budget 2018"), "forwarded.eml")
    (file,) = ws.merge().files
    assert (file.path, file.verdict) == ("inbox/forwarded.eml · sos.xlsx", "accepted")
    assert file.mail is not None and file.mail.subject == "VS: SV: Aftale om budget 2018"
    # Forwarded twice, the workbook lies deeper than xlfollow looks.
    saved(ws, reply(reply(inner), subject="VS: VS"), "twice.eml")
    (deeper,) = ws.merge().files
    assert deeper.verdict == Verdict.REJECTED and "has no workbook attached" in deeper.reason


def test_headers_that_are_not_utf8_are_read_and_the_workbook_merged(
    ws: Workspace, tmp_path: Path
) -> None:
    workbook = sos_answers(ws, tmp_path / "sos.xlsx").read_bytes()
    raw = bytes(reply(("sos.xlsx", workbook)))
    raw = raw.replace(b"Subject: SV: Aftale", b"Subject: SV: \xc6ndret aftale", 1)
    (ws.path / "inbox" / "latin.eml").write_bytes(raw)
    (file,) = ws.merge().files
    assert file.verdict == "accepted"
    assert file.mail is not None and file.mail.subject.startswith("SV: \ufffdndret aftale")


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"\x00\x01\x02PK garbage \xff\xfe", "not a saved mail message: it has no From"),
        (b"", "not a saved mail message"),
    ],
)
def test_what_is_no_mail_is_said_so_never_a_traceback(
    ws: Workspace, content: bytes, said: str
) -> None:
    (ws.path / "inbox" / "broken.eml").write_bytes(content)
    result = CliRunner().invoke(cli, ["--language", "en", "merge", str(ws.path)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert said in " ".join(result.output.split())
    assert "CSV" not in result.output


def test_which_attachments_are_taken_out(tmp_path: Path) -> None:
    """Spreadsheets by name (any case, the name's last part only) or content type; a
    picture or a PDF passed over."""
    message = reply(("SOS.XLSX", b"one"))
    message.add_attachment(b"two", *XLSX)  # no file name: named by its type
    message.add_attachment(b"three", "application", "octet-stream", filename="..\\..\\x.xlsx")
    message.add_attachment(b"%PDF", "application", "pdf", filename="referat.pdf")
    message.add_attachment(b"GIF89a", "image", "gif", filename="logo.gif")
    path = tmp_path / "reply.eml"
    path.write_bytes(bytes(message))
    taken = read_message(path)
    assert [(a.name, a.data) for a in taken.attachments] == [
        ("SOS.XLSX", b"one"),
        ("attachment.xlsx", b"two"),
        ("x.xlsx", b"three"),
    ]
    assert taken.origin.sender == SENDER and taken.origin.subject == SUBJECT


def test_a_message_nested_thousands_deep_is_said_to_be_unreadable(ws: Workspace) -> None:
    depth = 5000
    body = b"From: a@b.dk\nSubject: dyb\nMIME-Version: 1.0\n"
    for level in range(depth):
        body += b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (level, level)
    body += b"Content-Type: text/plain\n\nhej\n"
    body += b"".join(b"--b%d--\n" % level for level in reversed(range(depth)))
    (ws.path / "inbox" / "deep.eml").write_bytes(body)
    (file,) = ws.merge().files
    assert file.verdict == Verdict.REJECTED
    assert file.reason.startswith("the saved message cannot be read (maximum recursion depth")


def test_an_attachment_too_large_is_refused_as_a_large_file_is(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An attachment decodes to no more bytes than its message has, which the inbox's
    limit holds already; were the limit lower for a workbook, it would be said so."""
    import xlfollow.returns.mailfiles as mailfiles

    monkeypatch.setattr(mailfiles, "too_large", lambda size: too_large(size + MAX_FILE_BYTES))
    workbook = sos_answers(ws, tmp_path / "sos.xlsx")
    saved(ws, reply(("sos.xlsx", workbook.read_bytes())))
    (file,) = ws.merge().files
    assert (file.path, file.verdict) == (f"inbox/{REPLY} · sos.xlsx", Verdict.REJECTED)
    assert file.reason.startswith("256 MB, more than any workbook xlfollow reads (256 MB)")
    with Ledger(ws.ledger_place) as ledger:
        assert ledger.receipts() == []  # like a file too large: said, nothing of it read


def test_a_broken_attachment_is_rejected_as_a_broken_file(ws: Workspace) -> None:
    raw = bytes(reply(("sos.xlsx", b"PK\x03\x04" + b"\x00" * 200)))
    (ws.path / "inbox" / "broken-attachment.eml").write_bytes(raw)
    (file,) = ws.merge().files
    assert file.verdict == Verdict.REJECTED
    assert file.reason.startswith("the .xlsx is damaged")


@pytest.mark.sqlite_only("a ledger from before schema 8 exists only as a file")
def test_a_version_7_ledger_opens_and_keeps_mail(ws: Workspace, tmp_path: Path) -> None:
    """PostgreSQL's ledgers are created at the current version."""
    with sqlite3.connect(ws.ledger_path) as db:
        without_mail(db)
        db.execute(
            "INSERT INTO receipts (file, sha256, received_at, verdict, reason, report) "
            "VALUES ('inbox/old.xlsx', 'x', '2018-04-01T10:00:00', 'rejected', 'old', '{}')"
        )
        db.execute("PRAGMA user_version = 7")
    db.close()
    saved(ws, reply(("sos.xlsx", sos_answers(ws, tmp_path / "sos.xlsx").read_bytes())))
    assert [f.verdict for f in ws.merge().files] == ["accepted"]
    with Ledger(ws.ledger_place) as ledger:
        old, new = ledger.receipts()
    assert old.mail is None and old.file == "inbox/old.xlsx"
    assert new.mail is not None and new.mail.sender == SENDER
    assert isinstance(new.mail, MailOrigin)
    with sqlite3.connect(ws.ledger_path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()


def test_a_message_larger_than_a_reply_is_refused_before_it_is_read(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A message is parsed in the merging process (not a reader process with its
    limits): one larger than any reply with a workbook is refused unread."""
    import xlfollow.returns.mailfiles as mailfiles

    workbook = sos_answers(ws, tmp_path / "sos.xlsx")
    saved(ws, reply(("sos.xlsx", workbook.read_bytes())))
    size = (ws.path / "inbox" / REPLY).stat().st_size
    monkeypatch.setattr(mailfiles, "MAX_MESSAGE_BYTES", size - 1)
    (file,) = ws.merge().files
    assert file.verdict == Verdict.REJECTED
    assert "more than a reply with a workbook attached" in file.reason
    assert "save the workbook from the message into inbox/ instead" in file.reason
