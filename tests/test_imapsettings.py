"""The mailbox `fetch` reads, without a server: the [imap] table of xlfollow.toml and
its mistakes at their lines, IMAP's folder names (modified UTF-7), its dates, and
the ledger's record of messages fetched (schema 9)."""

from __future__ import annotations

import sqlite3
import tempfile
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SETTINGS, line_with, make_workspace, problems_of, without_actors
from hypothesis import given
from hypothesis import strategies as st

from xlfollow.cli.main import cli
from xlfollow.definition.settingswriter import settings_template
from xlfollow.errors import Problem
from xlfollow.ledger.fetchlog import FetchedRecord, FetchOutcome, MailboxPlace
from xlfollow.ledger.schema import SCHEMA_VERSION
from xlfollow.ledger.store import Ledger
from xlfollow.mail.imap import Listed, Mailbox, imap_search_date
from xlfollow.mail.imapnames import decode_folder, encode_folder, folder_from_list, quoted_folder
from xlfollow.model import Imap, Security
from xlfollow.workspace.fetching import FetchedMessage, file_for
from xlfollow.workspace.folder import Workspace


def only_problem(folder: Path, settings: str) -> Problem:
    problems = problems_of(make_workspace(folder, settings=settings))
    assert len(problems) == 1, [str(p) for p in problems]
    assert problems[0].file == str(folder / "xlfollow.toml")
    return problems[0]


def test_the_imap_table_and_its_defaults(tmp_path: Path) -> None:
    good = SETTINGS + (
        '\n[imap]\nhost = "outlook.office365.com"\nuser = "budget@ballerup.dk"\n'
        'folder = "Budgetopfølgning"\nmove_to = "Budgetopfølgning/Behandlet"\n'
    )
    imap = make_workspace(tmp_path / "good", settings=good).load().settings.imap
    assert imap == Imap(
        "outlook.office365.com",
        0,
        Security.TLS,
        "budget@ballerup.dk",
        "Budgetopfølgning",
        "Budgetopfølgning/Behandlet",
    )
    assert imap.port_or_default == 993
    assert Imap(security=Security.STARTTLS).port_or_default == 143
    assert make_workspace(tmp_path / "none").load().settings.imap == Imap(folder="INBOX")


@pytest.mark.parametrize(
    ("lines", "at", "message"),
    [
        (
            'host = "imap.example.org"\npassword = "hemmelig"\n',
            'password = "hemmelig"',
            "the mailbox password is never kept in xlfollow.toml: remove it, and set the "
            "environment variable XLFOLLOW_IMAP_PASSWORD (or the system keyring) instead",
        ),
        (
            'host = "imap.example.org"\nsecurity = "ssl"\n',
            'security = "ssl"',
            'security "ssl" should be "tls" (port 993) or "starttls" (port 143)',
        ),
        (
            'host = "imap.example.org"\nsecurity = "none"\n',
            'security = "none"',
            'security "none" is only for a mail server on this machine (127.0.0.1), not '
            'imap.example.org: use "tls" or "starttls"',
        ),
        ('port = "993"\n', 'port = "993"', "port '993' should be a number like 993"),
        (
            'move_to = "INBOX"\n',
            'move_to = "INBOX"',
            'move_to "INBOX" is the folder fetched from; name another folder, or leave move_to out',
        ),
        ("fodler = 1\n", "fodler = 1", "[imap]: unknown key `fodler`."),
    ],
)
def test_a_mistake_in_the_imap_table_is_named_at_its_line(
    tmp_path: Path, lines: str, at: str, message: str
) -> None:
    text = SETTINGS + "\n[imap]\n" + lines
    problem = only_problem(tmp_path, text)
    written = (tmp_path / "xlfollow.toml").read_text(encoding="utf-8")
    assert problem.line == line_with(written, at)
    assert str(problem.message).startswith(message)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_security_none_is_allowed_on_this_machine_only(tmp_path: Path, host: str) -> None:
    text = SETTINGS + f'\n[imap]\nhost = "{host}"\nsecurity = "none"\n'
    imap = make_workspace(tmp_path, settings=text).load().settings.imap
    assert (imap.security, imap.port_or_default) == (Security.NONE, 143)


@pytest.mark.parametrize(
    ("name", "wire"),
    [
        # RFC 3501, 5.1.3's own example, and a shared mailbox's Danish folder.
        ("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"),
        ("Budgetopfølgning", "Budgetopf&APg-lgning"),
        ("Økonomi & Styring", "&ANg-konomi &- Styring"),
        ("INBOX", "INBOX"),
    ],
)
def test_folder_names_in_modified_utf7(name: str, wire: str) -> None:
    assert encode_folder(name) == wire
    assert decode_folder(wire) == name


@given(st.text())
def test_any_folder_name_goes_there_and_back_in_printable_ascii(name: str) -> None:
    wire = encode_folder(name)
    assert all(0x20 <= ord(char) <= 0x7E for char in wire)
    assert decode_folder(wire) == name


def test_a_folder_is_quoted_and_read_back_from_a_list_reply() -> None:
    assert quoted_folder('Svar "2018"') == '"Svar \\"2018\\""'
    assert folder_from_list(b'(\\HasNoChildren) "/" "Budgetopf&APg-lgning"') == "Budgetopfølgning"
    assert folder_from_list(b'(\\HasChildren) "/" INBOX') == "INBOX"
    assert folder_from_list(b'(\\Noselect \\HasChildren) "/" "Delt"') is None
    assert folder_from_list(b"* garbage") is None


def test_a_search_date_is_written_in_english_whatever_the_locale() -> None:
    assert imap_search_date(date(2018, 4, 9)) == "9-Apr-2018"
    assert imap_search_date(date(2019, 12, 31)) == "31-Dec-2019"


@pytest.mark.sqlite_only("ledgers of schema 8 exist only as files")
def test_a_version_8_ledger_gets_the_fetched_table(tmp_path: Path) -> None:
    workspace = Workspace.init(tmp_path / "ws")
    with sqlite3.connect(workspace.ledger_path) as db:
        without_actors(db)
        db.execute("DROP TABLE fetched")
        db.execute("PRAGMA user_version = 8")
    db.close()
    record = FetchedRecord(
        MailboxPlace("budget@imap.example.org", "Budgetopfølgning", 7, 42),
        "<svar@ballerup.dk>",
        "ab" * 32,
        "sos@ballerup.dk",
        "Mon, 09 Apr 2018 10:15:00 +0200",
        "SV: Aftale",
        FetchOutcome.SAVED,
        "inbox/svar.eml",
        "2018-04-09T10:20:00+00:00",
    )
    with Ledger(workspace.ledger_place) as ledger:
        ledger.record_fetched(record)
    with Ledger(workspace.ledger_place) as ledger:
        assert ledger.fetched() == [record]
        assert ledger.fetched_at_place(record.place)
        assert not ledger.fetched_at_place(MailboxPlace("budget@imap.example.org", "INBOX", 7, 42))
        assert ledger.fetched_message(message_id="<svar@ballerup.dk>") == record
        assert ledger.fetched_message(sha256="ab" * 32) == record
        assert ledger.fetched_message(message_id="<andet@ballerup.dk>") is None
    with sqlite3.connect(workspace.ledger_path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 10
    db.close()


def test_the_settings_template_s_imap_example_loads_once_uncommented(tmp_path: Path) -> None:
    agreement = make_workspace(tmp_path / "a").load().agreement
    lines = settings_template(agreement).splitlines()
    start = lines.index("# [imap]")
    block = []
    for line in lines[start:]:
        if not line:
            break
        block.append(line.removeprefix("# "))
    imap = make_workspace(tmp_path / "b", settings=SETTINGS + "\n" + "\n".join(block) + "\n")
    assert imap.load().settings.imap == Imap(
        "imap.example.org",
        user="budget@example.org",
        folder="Budgetopfølgning",
        move_to="Budgetopfølgning/Hentet",
    )


@given(st.text(min_size=1), st.text())
def test_a_saved_message_s_file_name_is_safe_and_fits_any_file_system(
    sender: str, subject: str
) -> None:
    said = FetchedMessage(1, sender, "Mon, 09 Apr 2018 10:15:00 +0200", subject, FetchOutcome.SAVED)
    with tempfile.TemporaryDirectory() as folder:
        path = file_for(Path(folder), said, b"data", "0" * 64)
        assert path.parent == Path(folder) and path.suffix == ".eml"
        assert len(path.name.encode("utf-8")) <= 255
        assert not set(path.name) & set('/\\:*?"<>|\0') and not path.name.startswith(".")
        assert path.name.startswith("2018-04-09 1015")
        path.write_bytes(b"other")  # taken by another message: the next name is another
        assert file_for(Path(folder), said, b"data", "0" * 64).name.endswith(" (2).eml")


def test_fetch_without_an_imap_table_says_what_to_write(tmp_path: Path) -> None:
    workspace = Workspace.init(tmp_path / "ws")
    result = CliRunner().invoke(cli, ["fetch", str(workspace.path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "no mailbox to fetch from: give host and user under [imap] in xlfollow.toml" in (
        " ".join(result.output.split())
    )
    with Ledger(workspace.ledger_place) as ledger:
        assert ledger.fetched() == []


def test_a_listing_reads_headers_given_as_a_literal_or_as_nothing() -> None:
    class Server:
        capabilities = ("IMAP4REV1",)

        def uid(self, command: str, *args: str) -> tuple[str, list[object]]:
            return "OK", [
                (b"1 (UID 7 RFC822.SIZE 1234 BODY[HEADER.FIELDS (MESSAGE-ID)] {25}",
                 b"Message-ID: <a@b.dk>\r\n\r\n"),
                b")",
                b'2 (UID 9 RFC822.SIZE 99 BODY[HEADER.FIELDS (MESSAGE-ID)] "")',
            ]  # fmt: skip

    box = Mailbox.__new__(Mailbox)
    box.connection = Server()  # type: ignore[assignment]
    box.imap = Imap("imap.example.org")
    assert list(box.listed([7, 9])) == [Listed(7, 1234, "<a@b.dk>"), Listed(9, 99, "")]
