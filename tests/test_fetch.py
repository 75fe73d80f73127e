"""`xlfollow fetch` against a real IMAP server (Dovecot on 127.0.0.1): the replies'
workbooks merged once each, every message recorded, nothing fetched twice, nothing
deleted, a hostile attachment rejected like any return, and the mailbox's faults said."""

from __future__ import annotations

import itertools
import json
import shutil
from collections.abc import Callable
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path

import imapserver
import pytest
from click.testing import CliRunner
from conftest import copied, ledger_answers, round_one_issued, session_members
from imapserver import PASSWORD, Dovecot
from returns import ECONOMY, R1, SMILEY, STATUS, Typed, fill

import xlfollow.workspace.fetching
from xlfollow.answers import Field
from xlfollow.cli.main import cli
from xlfollow.errors import WorkspaceError
from xlfollow.ledger.fetchlog import FetchOutcome
from xlfollow.ledger.store import Ledger
from xlfollow.mail.imap import Mailbox
from xlfollow.messages import Text
from xlfollow.workspace.folder import Workspace

SOS = "03-social-og-sundhed-runde-1.xlsx"
SIK = "04-skoler-institutioner-og-kultur-runde-1.xlsx"
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
SOS_FROM = "Social og Sundhed <sos@ballerup.dk>"
SIK_FROM = '"Skoler, Institutioner og Kultur" <sik@ballerup.dk>'
BAD = Path(__file__).parent / "data" / "bad"
APRIL = datetime(2018, 4, 9, 10, 15)
GONE = Text(
    "the mail server {host} stopped answering ({why}); nothing is lost: fetch again",
    host="127.0.0.1",
    why="the network is gone",
)


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory, new_ledger: Callable[[], str]) -> Workspace:
    """Round 1 issued, its ledger on each engine in turn (conftest's ledger_engine)."""
    return round_one_issued(tmp_path_factory, new_ledger())


@pytest.fixture(scope="module")
def workbooks(issued: Workspace, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The two centres' returns, filled in as a centre would."""
    out, outbox = tmp_path_factory.mktemp("returns"), issued.path / "outbox" / "round-1"
    sos: dict[tuple[str, str], Typed] = {
        ("3.01", SMILEY): "😊 Opfyldt",
        ("3.01", STATUS): "Pilotprojektet er planlagt.",
        ("3.01", ECONOMY): "Overholdt",
    }
    return {
        SOS: fill(outbox / SOS, out / SOS, sos),
        SIK: fill(outbox / SIK, out / SIK, {("3.02", SMILEY): "grøn"}),
    }


@pytest.fixture
def user(dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch) -> str:
    """A mailbox of the test's own; the client trusts the server's test certificate
    (SSL_CERT_FILE) and has the password from XLFOLLOW_IMAP_PASSWORD."""
    name = dovecot.new_user()
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot.cafile))
    monkeypatch.setenv("XLFOLLOW_IMAP_PASSWORD", PASSWORD)
    return name


def workspace(
    issued: Workspace, tmp_path: Path, dovecot: Dovecot, user: str, more: str = ""
) -> Workspace:
    """A copy of the issued workspace whose [imap] table names the user's mailbox."""
    ws = copied(issued, tmp_path)
    with (ws.path / "xlfollow.toml").open("a", encoding="utf-8") as settings:
        settings.write(
            f'\n[imap]\nhost = "127.0.0.1"\nport = {dovecot.tls_port}\nuser = "{user}"\n{more}'
        )
    return ws


def reply(
    sender: str, subject: str, message_id: str, *files: tuple[str, bytes, tuple[str, str]]
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "budget@ballerup.dk"
    message["Subject"] = subject
    message["Date"] = "Mon, 09 Apr 2018 10:15:00 +0200"
    message["Message-ID"] = message_id
    message.set_content("Hermed vores svar.\n\nVenlig hilsen\n")
    for name, data, kind in files:
        message.add_attachment(data, *kind, filename=name)
    return bytes(message)


def fill_mailbox(dovecot: Dovecot, user: str, workbooks: dict[str, Path]) -> None:
    """Two replies with a workbook each, one of them twice, a message without
    attachment, one with a PDF only, and one with a hostile workbook."""
    sos = reply(
        SOS_FROM,
        "SV: Aftale om budget 2018",
        "<sos-1@ballerup.dk>",
        (SOS, workbooks[SOS].read_bytes(), XLSX),
    )
    for message in (
        sos,
        sos,
        reply(
            SIK_FROM,
            "Svar fra SIK",
            "<sik-1@ballerup.dk>",
            (SIK, workbooks[SIK].read_bytes(), XLSX),
        ),
        reply(SOS_FROM, "Tak for påmindelsen", "<tak-1@ballerup.dk>"),
        reply(
            SIK_FROM,
            "Referat",
            "<pdf-1@ballerup.dk>",
            ("referat.pdf", b"%PDF-1.4\n", ("application", "pdf")),
        ),
        reply(
            SIK_FROM,
            "Rettet",
            "<bad-1@ballerup.dk>",
            (SIK, (BAD / "billion-laughs.xlsx").read_bytes(), XLSX),
        ),
    ):
        dovecot.append(user, message, when=APRIL)


ALL_IDS = [f"<{n}@ballerup.dk>" for n in ("sos-1", "sos-1", "sik-1", "tak-1", "pdf-1", "bad-1")]


def test_fetch_merges_each_workbook_once_and_records_every_message(
    issued: Workspace, tmp_path: Path, dovecot: Dovecot, user: str, workbooks: dict[str, Path]
) -> None:
    fill_mailbox(dovecot, user, workbooks)
    ws = workspace(issued, tmp_path, dovecot, user)
    # What the two workbooks give merged straight from inbox/, and the hostile one alone.
    alone = copied(issued, tmp_path / "alone")
    for path in workbooks.values():
        shutil.copy(path, alone.path / "inbox" / path.name)
    alone.merge()
    hostile = copied(issued, tmp_path / "hostile")
    shutil.copy(BAD / "billion-laughs.xlsx", hostile.path / "inbox" / SIK)
    (rejected_alone,) = hostile.merge().files

    report = ws.fetch()

    assert [(m.subject, m.outcome) for m in report.messages] == [
        ("SV: Aftale om budget 2018", FetchOutcome.SAVED),
        ("SV: Aftale om budget 2018", FetchOutcome.DUPLICATE),
        ("Svar fra SIK", FetchOutcome.SAVED),
        ("Tak for påmindelsen", FetchOutcome.NO_WORKBOOK),
        ("Referat", FetchOutcome.NO_WORKBOOK),
        ("Rettet", FetchOutcome.SAVED),
    ]
    assert [m.workbooks for m in report.messages] == [(SOS,), (), (SIK,), (), (), (SIK,)]
    saved = sorted(p.name for p in (ws.path / "inbox").iterdir())
    assert saved == sorted(Path(m.saved_as).name for m in report.messages if m.saved_as)
    assert len(saved) == 3 and all(name.startswith("2018-04-09 1015 s") for name in saved)
    assert report.merge is not None
    files = {(f.mail.subject if f.mail else "", f.verdict) for f in report.merge.files}
    assert files == {
        ("SV: Aftale om budget 2018", "accepted"),
        ("Svar fra SIK", "accepted"),
        ("Rettet", "rejected"),
    }
    (bad,) = [f for f in report.merge.files if f.verdict == "rejected"]
    assert bad.reason == rejected_alone.reason and "DOCTYPE" in bad.reason
    assert ledger_answers(ws) == ledger_answers(alone)
    assert ledger_answers(ws)[(R1, "3.01", Field.MILESTONE)] == "met"
    with Ledger(ws.ledger_place) as ledger:
        receipts, fetched = ledger.receipts(), ledger.fetched()
    taken = {
        (r.mail.sender, r.mail.subject, r.centre)
        for r in receipts
        if r.verdict == "accepted" and r.mail
    }
    assert taken == {
        (SOS_FROM, "SV: Aftale om budget 2018", "Social og Sundhed"),
        (SIK_FROM, "Svar fra SIK", "Skoler, Institutioner og Kultur"),
    }
    assert [(f.message_id, f.outcome) for f in fetched] == [
        (i, m.outcome) for i, m in zip(ALL_IDS, report.messages, strict=True)
    ]
    assert [f.place.uid for f in fetched] == [1, 2, 3, 4, 5, 6]
    # Each one downloaded has its digest; the duplicate was known by its Message-ID first.
    assert [len(f.sha256) for f in fetched] == [64, 0, 64, 64, 64, 64]
    assert dovecot.message_ids(user) == ALL_IDS  # all still there, none marked read

    again = ws.fetch()
    assert (again.messages, again.seen_before) == ([], 6)
    assert again.merge is not None  # the hostile workbook's message, said again only
    assert [(f.path, f.verdict) for f in again.merge.files] == [
        (f"inbox/{saved[0]}", "already_rejected")
    ]
    with Ledger(ws.ledger_place) as ledger:
        assert (ledger.receipts(), ledger.fetched()) == (receipts, fetched)
    assert sorted(p.name for p in (ws.path / "inbox").iterdir()) == saved


def test_since_leaves_the_older_messages(
    issued: Workspace, tmp_path: Path, dovecot: Dovecot, user: str, workbooks: dict[str, Path]
) -> None:
    old = reply(
        SOS_FROM, "Gammelt svar", "<old@ballerup.dk>", (SOS, workbooks[SOS].read_bytes(), XLSX)
    )
    new = reply(SIK_FROM, "Nyt svar", "<new@ballerup.dk>", (SIK, workbooks[SIK].read_bytes(), XLSX))
    dovecot.append(user, old, when=datetime(2018, 3, 1, 12))
    dovecot.append(user, new, when=APRIL)
    ws = workspace(issued, tmp_path, dovecot, user)
    report = ws.fetch(since=date(2018, 4, 1))
    assert [m.subject for m in report.messages] == ["Nyt svar"]
    assert report.merge is not None and [f.centre for f in report.merge.files] == [
        "Skoler, Institutioner og Kultur"
    ]
    later = ws.fetch()  # without --since: the older one now too, the newer not again
    assert ([m.subject for m in later.messages], later.seen_before) == (["Gammelt svar"], 1)


@pytest.mark.parametrize("can_move", [True, False], ids=["uid-move", "copy-and-expunge"])
def test_move_to_moves_each_message_after_it_is_recorded(
    issued: Workspace,
    tmp_path: Path,
    dovecot: Dovecot,
    user: str,
    workbooks: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    can_move: bool,
) -> None:
    fill_mailbox(dovecot, user, workbooks)
    dovecot.append(user, reply(SOS_FROM, "Bliver", "<stay@ballerup.dk>"), folder="Andet")
    if not can_move:  # a server without MOVE: copy, mark deleted, expunge that UID only
        real = Mailbox.__init__

        def without_move(self: Mailbox, *args: object, **kwargs: object) -> None:
            real(self, *args, **kwargs)  # type: ignore[arg-type]
            assert "MOVE" in self.capabilities and "UIDPLUS" in self.capabilities
            self.capabilities.discard("MOVE")

        monkeypatch.setattr(Mailbox, "__init__", without_move)
    ws = workspace(issued, tmp_path, dovecot, user, 'move_to = "Færdigbehandlet"\n')
    report = ws.fetch()
    assert [m.moved_to for m in report.messages] == ["Færdigbehandlet"] * 6
    assert dovecot.message_ids(user) == []
    assert dovecot.message_ids(user, "Færdigbehandlet") == ALL_IDS  # none deleted
    assert dovecot.message_ids(user, "Andet") == ["<stay@ballerup.dk>"]
    assert ws.fetch().messages == []


def test_a_folder_with_a_danish_name_through_the_command(
    issued: Workspace, tmp_path: Path, dovecot: Dovecot, user: str, workbooks: dict[str, Path]
) -> None:
    message = reply(
        SOS_FROM,
        "Svar i delt postkasse",
        "<delt@ballerup.dk>",
        (SOS, workbooks[SOS].read_bytes(), XLSX),
    )
    dovecot.append(user, message, folder="Budgetopfølgning")
    # The server keeps the name as IMAP writes it (modified UTF-7): what went on the wire.
    assert (dovecot.folder / "mail" / user / ".Budgetopf&APg-lgning").is_dir()
    ws = workspace(issued, tmp_path, dovecot, user)
    args = ["fetch", str(ws.path), "--folder", "Budgetopfølgning"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "folder Budgetopfølgning. New messages: 1; fetched before: 0." in result.output
    assert "Svar i delt postkasse" in result.output and SOS in result.output
    assert "accepted" in result.output  # the merge's own report follows
    result = CliRunner().invoke(cli, [*args, "--json"])
    data = json.loads(result.output)
    assert (data["messages"], data["seen_before"], data["merge"]["files"]) == ([], 1, [])


def test_a_dry_run_saves_records_and_moves_nothing(
    issued: Workspace, tmp_path: Path, dovecot: Dovecot, user: str, workbooks: dict[str, Path]
) -> None:
    fill_mailbox(dovecot, user, workbooks)
    ws = workspace(issued, tmp_path, dovecot, user, 'move_to = "Færdigbehandlet"\n')
    report = ws.fetch(dry_run=True)
    assert [m.outcome for m in report.messages].count(FetchOutcome.SAVED) == 3
    assert report.merge is None and list((ws.path / "inbox").iterdir()) == []
    with Ledger(ws.ledger_place) as ledger:
        assert (ledger.fetched(), ledger.receipts()) == ([], [])
    assert dovecot.message_ids(user) == ALL_IDS


def test_a_fetch_cut_short_loses_nothing_and_takes_nothing_twice(
    issued: Workspace,
    tmp_path: Path,
    dovecot: Dovecot,
    user: str,
    workbooks: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fill_mailbox(dovecot, user, workbooks)
    ws = workspace(issued, tmp_path, dovecot, user)
    real_fetch, real_record = Mailbox.fetch, Ledger.record_fetched
    calls = itertools.count(1)

    def network_gone(self: Mailbox, uid: int) -> bytes:
        if next(calls) == 2:
            raise WorkspaceError(GONE)
        return real_fetch(self, uid)

    monkeypatch.setattr(Mailbox, "fetch", network_gone)
    with pytest.raises(WorkspaceError, match="stopped answering"):
        ws.fetch()
    with Ledger(ws.ledger_place) as ledger:
        assert [f.message_id for f in ledger.fetched()] == ["<sos-1@ballerup.dk>"] * 2
    # Saved, and cut short before it was recorded: fetched again into the same file.
    monkeypatch.setattr(Mailbox, "fetch", real_fetch)

    def recorder_gone(self: Ledger, record: object) -> None:
        if getattr(record, "message_id", "") == "<sik-1@ballerup.dk>":
            raise WorkspaceError(GONE)
        real_record(self, record)  # type: ignore[arg-type]

    monkeypatch.setattr(Ledger, "record_fetched", recorder_gone)
    with pytest.raises(WorkspaceError):
        ws.fetch()
    monkeypatch.setattr(Ledger, "record_fetched", real_record)
    report = ws.fetch()
    assert [m.subject for m in report.messages] == [
        "Svar fra SIK",
        "Tak for påmindelsen",
        "Referat",
        "Rettet",
    ]
    assert len(list((ws.path / "inbox").iterdir())) == 3
    assert report.merge is not None
    verdicts = sorted((f.mail.subject if f.mail else "", f.verdict) for f in report.merge.files)
    assert verdicts == [
        ("Rettet", "rejected"),
        ("SV: Aftale om budget 2018", "accepted"),
        ("Svar fra SIK", "accepted"),
    ]
    assert ws.fetch().messages == []


def test_a_message_larger_than_a_reply_is_said_and_not_fetched(
    issued: Workspace,
    tmp_path: Path,
    dovecot: Dovecot,
    user: str,
    workbooks: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fill_mailbox(dovecot, user, workbooks)
    monkeypatch.setattr(xlfollow.workspace.fetching, "MAX_MESSAGE_BYTES", 2000)
    fetched: list[int] = []
    real_fetch = Mailbox.fetch

    def counted(self: Mailbox, uid: int) -> bytes:
        fetched.append(uid)
        return real_fetch(self, uid)

    monkeypatch.setattr(Mailbox, "fetch", counted)
    ws = workspace(issued, tmp_path, dovecot, user)
    report = ws.fetch()
    too_large = [m for m in report.messages if m.outcome is FetchOutcome.TOO_LARGE]
    assert [m.subject for m in too_large] == ["SV: Aftale om budget 2018", "Svar fra SIK", "Rettet"]
    assert all("not fetched" in str(m.why) for m in too_large)
    assert fetched == [4, 5]  # only the small ones were downloaded
    assert list((ws.path / "inbox").iterdir()) == [] and report.needs_a_person


def test_a_wrong_password_names_the_server_and_what_to_set(
    issued: Workspace, tmp_path: Path, dovecot: Dovecot, user: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = workspace(issued, tmp_path, dovecot, user)
    monkeypatch.setenv("XLFOLLOW_IMAP_PASSWORD", "forkert")
    result = CliRunner().invoke(cli, ["fetch", str(ws.path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    said = " ".join(result.output.split())
    assert f"the mail server 127.0.0.1 refused the sign-in of {user}" in said
    assert "XLFOLLOW_IMAP_PASSWORD" in said and "[imap]" in said
    monkeypatch.delenv("XLFOLLOW_IMAP_PASSWORD")
    result = CliRunner().invoke(cli, ["fetch", str(ws.path)])
    assert "wants a password: set the environment variable XLFOLLOW_IMAP_PASSWORD" in " ".join(
        result.output.split()
    )
    with Ledger(ws.ledger_place) as ledger:
        assert (ledger.fetched(), ledger.receipts()) == ([], [])


def test_a_server_that_is_not_there_is_said(
    issued: Workspace, tmp_path: Path, dovecot: Dovecot, user: str
) -> None:
    ws = workspace(issued, tmp_path, dovecot, user)
    settings = ws.path / "xlfollow.toml"
    settings.write_text(settings.read_text().replace(str(dovecot.tls_port), "1"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["fetch", str(ws.path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "cannot reach the mailbox at 127.0.0.1:1 (tls)" in " ".join(result.output.split())


def test_the_server_and_its_processes_are_gone_after(tmp_path: Path) -> None:
    with imapserver.running_dovecot() as server:
        session = server.process.pid  # a session of its own: the master leads it
        assert server.process.poll() is None and session_members(session)
        folder = server.folder
    assert server.process.poll() is not None
    assert session_members(session) == []
    assert not folder.exists()


def test_starttls_and_a_folder_that_is_not_there(
    issued: Workspace, tmp_path: Path, dovecot: Dovecot, user: str, workbooks: dict[str, Path]
) -> None:
    message = reply(
        SOS_FROM,
        "Over STARTTLS",
        "<starttls@ballerup.dk>",
        (SOS, workbooks[SOS].read_bytes(), XLSX),
    )
    dovecot.append(user, message, folder="Budgetopfølgning")
    ws = workspace(issued, tmp_path, dovecot, user)
    settings = ws.path / "xlfollow.toml"
    text = settings.read_text(encoding="utf-8").replace(
        str(dovecot.tls_port), str(dovecot.starttls_port)
    )
    settings.write_text(
        text + 'security = "starttls"\nfolder = "Budgetopfolgning"\n', encoding="utf-8"
    )
    with pytest.raises(WorkspaceError) as caught:
        ws.fetch()
    assert str(caught.value) == (
        f'the mailbox {user}@127.0.0.1 has no folder "Budgetopfolgning"; its folders are: '
        "Budgetopfølgning, INBOX. Give one of them as folder under [imap] in xlfollow.toml, "
        "or --folder"
    )
    report = ws.fetch(folder="Budgetopfølgning")
    assert [(m.subject, m.outcome) for m in report.messages] == [
        ("Over STARTTLS", FetchOutcome.SAVED)
    ]


def test_a_server_whose_certificate_is_not_trusted_is_refused(
    issued: Workspace, tmp_path: Path, dovecot: Dovecot, user: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE")  # the system's trusted certificates only
    ws = workspace(issued, tmp_path, dovecot, user)
    with pytest.raises(WorkspaceError) as caught:
        ws.fetch()
    said = str(caught.value)
    assert said.startswith(f"cannot reach the mailbox at 127.0.0.1:{dovecot.tls_port} (tls): ")
    assert "CERTIFICATE_VERIFY_FAILED" in said


def test_without_dovecot_the_server_tests_skip_or_with_the_variable_fail(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("imapserver.shutil.which", lambda name: None)
    monkeypatch.setattr(imapserver, "PLACES", ())
    monkeypatch.delenv(imapserver.REQUIRE_VARIABLE, raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"Dovecot \(apt-get install dovecot-imapd\)"):
        imapserver.dovecot_binary()
    monkeypatch.setenv(imapserver.REQUIRE_VARIABLE, "1")
    with pytest.raises(pytest.fail.Exception, match="XLFOLLOW_REQUIRE_DOVECOT=1 requires it"):
        imapserver.dovecot_binary()


def test_a_password_beyond_ascii_signs_in(
    issued: Workspace,
    tmp_path: Path,
    dovecot: Dovecot,
    workbooks: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot.cafile))
    monkeypatch.setenv("XLFOLLOW_IMAP_PASSWORD", imapserver.DANISH_PASSWORD)
    ws = workspace(issued, tmp_path, dovecot, imapserver.DANISH_USER)
    report = ws.fetch()
    assert (report.server, report.messages) == ("okonomi-dk@127.0.0.1", [])
    monkeypatch.setenv("XLFOLLOW_IMAP_PASSWORD", "blåbærgrøD")
    with pytest.raises(WorkspaceError, match="refused the sign-in of okonomi-dk"):
        ws.fetch()


def test_move_to_set_later_moves_the_messages_fetched_before(
    issued: Workspace, tmp_path: Path, dovecot: Dovecot, user: str, workbooks: dict[str, Path]
) -> None:
    fill_mailbox(dovecot, user, workbooks)
    ws = workspace(issued, tmp_path, dovecot, user)
    assert len(ws.fetch().messages) == 6 and dovecot.message_ids(user) == ALL_IDS
    with (ws.path / "xlfollow.toml").open("a", encoding="utf-8") as settings:
        settings.write('move_to = "Hentet"\n')
    result = CliRunner().invoke(cli, ["fetch", str(ws.path)])
    assert 'Messages fetched before, moved to the folder "Hentet" now: 6.' in result.output
    assert (dovecot.message_ids(user), dovecot.message_ids(user, "Hentet")) == ([], ALL_IDS)
    with Ledger(ws.ledger_place) as ledger:
        assert len(ledger.fetched()) == 6  # nothing fetched again
