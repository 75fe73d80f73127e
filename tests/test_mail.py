"""Sending the workbooks and the reminders: .eml drafts, and a real SMTP server."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from xlfollow.cli.main import cli
from xlfollow.demo.run import DemoResult, run_demo
from xlfollow.errors import WorkspaceError
from xlfollow.ledger.store import Ledger
from xlfollow.mail.letters import Delivery, LetterKind
from xlfollow.model import Security, Smtp
from xlfollow.workspace.folder import Workspace

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def demo(tmp_path: Path) -> DemoResult:
    return run_demo(tmp_path / "ws")


def parse(path: Path) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(message, EmailMessage)
    return message


def issued_files(workspace: Workspace) -> dict[str, Path]:
    with Ledger(workspace.ledger_place) as ledger:
        return {i.recipient: workspace.path / i.file for i in ledger.issues() if i.recipient}


_GREETINGS = {
    # A name that is not a centre's gets a neutral greeting: "Kære" wants no definite noun.
    "0-25 års udvalget": "Til 0-25 års udvalget",
    "Politisk Sekretariat": "Til Politisk Sekretariat",
    "Digitaliseringssekretariatet": "Til Digitaliseringssekretariatet",
}
"""The demo's centres whose greeting is not "Kære Center for <name>"."""


def test_eml_drafts_carry_the_workbook_to_each_centre(demo: DemoResult) -> None:
    workspace = demo.workspace
    report = workspace.send("1")
    definition = workspace.load()
    emails = {c.name: c.email for c in definition.centres}
    files = issued_files(workspace)
    assert [c for c, _, _ in report.done] == list(files)
    assert report.failed == [] and report.skipped == []
    for centre, address, draft in report.done:
        message = parse(workspace.path / draft)
        assert message["To"] == address == emails[centre]
        assert message["X-Unsent"] == "1"
        assert "1. budgetopfølgning 2018" in message["Subject"]
        assert "frist 23. marts 2018" in message["Subject"]
        body = message.get_body(("plain",))
        assert body is not None
        text = body.get_content()
        assert text.startswith(_GREETINGS.get(centre, f"Kære Center for {centre}") + "\n")
        assert "senest 23. marts 2018" in text
        # The round is "1. budgetopfølgning 2018" on the agreement, said once.
        assert "til 1. budgetopfølgning 2018 på Aftale om budget 2018" in text
        assert "af opfølgningen" not in text
        # The demo's [sender] signs: the person, the department, phone and address.
        assert text.rstrip().endswith(
            "\n\nMed venlig hilsen\nSascha Hjorth\nØkonomi og Styring\nTlf. 4024 1712\n"
            "okonomi@example.org"
        )
        assert "økonomiafdeling" not in text.casefold()
        (attachment,) = message.iter_attachments()
        assert attachment.get_content_type() == XLSX
        assert attachment.get_filename() == files[centre].name
        assert attachment.get_content() == files[centre].read_bytes()


class Server:
    """An SMTP server on the loopback interface that refuses one address."""

    def __init__(self, refuse: str) -> None:
        self.refuse = refuse
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address == self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server() -> Iterator[tuple[Server, int]]:
    handler = Server(refuse="ejendomme@example.org")
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def test_smtp_delivers_one_message_per_centre_and_records_them(
    demo: DemoResult, server: tuple[Server, int]
) -> None:
    handler, port = server
    workspace = demo.workspace
    smtp = Smtp("127.0.0.1", port, Security.NONE, "", "oekonomi@example.org")
    report = workspace.send("1", Delivery.SMTP, smtp=smtp)
    files = issued_files(workspace)
    # One centre's address is refused; the others still go.
    assert [(c, a) for c, a, _ in report.failed] == [("Ejendomme", "ejendomme@example.org")]
    assert "550" in str(report.failed[0][2])
    assert len(handler.received) == len(files) - 1 == len(report.done)
    for recipients, content in handler.received:
        message = parse_bytes(content)
        (address,) = recipients
        assert message["To"] == address and message["From"] == "oekonomi@example.org"
        centre = next(c for c, a, _ in report.done if a == address)
        (attachment,) = message.iter_attachments()
        assert attachment.get_content() == files[centre].read_bytes()
    with Ledger(workspace.ledger_place) as ledger:
        sent = ledger.messages("1. budgetopfølgning 2018")
    assert sorted(m.centre for m in sent) == sorted(c for c, _, _ in report.done)
    assert {m.message_id for m in sent} == {w for _, _, w in report.done}
    # Sending again asks for --again, and then goes.
    with pytest.raises(WorkspaceError, match=r"were sent already to .*; give --again"):
        workspace.send("1", Delivery.SMTP, smtp=smtp)
    again = workspace.send("1", Delivery.SMTP, again=True, smtp=smtp)
    assert len(again.done) == len(files) - 1


def test_a_send_cut_short_has_recorded_every_message_that_went(
    demo: DemoResult, server: tuple[Server, int]
) -> None:
    handler, port = server
    workspace = demo.workspace
    smtp = Smtp("127.0.0.1", port, Security.NONE, "", "oekonomi@example.org")
    told: list[tuple[int, int]] = []

    def interrupted(done: int, total: int) -> None:
        told.append((done, total))
        if done == 4:
            raise KeyboardInterrupt  # Ctrl-C, a lost connection, a killed process

    with pytest.raises(KeyboardInterrupt):
        workspace.send("1", Delivery.SMTP, smtp=smtp, progress=interrupted)
    total = len(issued_files(workspace))
    assert told == [(n, total) for n in range(1, 5)]
    with Ledger(workspace.ledger_place) as ledger:
        recorded = {m.address for m in ledger.messages("1. budgetopfølgning 2018")}
    went = {address for recipients, _ in handler.received for address in recipients}
    assert recorded == went and 3 <= len(went) <= 4  # one address of the first four may be refused
    # So sending the round again is refused for those centres, as after a whole send.
    with pytest.raises(WorkspaceError, match=r"were sent already to .*; give --again"):
        workspace.send("1", Delivery.SMTP, smtp=smtp)


def parse_bytes(content: bytes) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(content)
    assert isinstance(message, EmailMessage)
    return message


def test_remind_lists_exactly_what_each_centre_still_owes(demo: DemoResult) -> None:
    workspace = demo.workspace
    status = workspace.status("1")
    report = workspace.remind("1")
    owing = {c.centre: c for c in status.centres if c.missing}
    conflicted = {demo.conflict.responsible}  # the item in conflict is its item
    assert {c for c, _, _ in report.done} == set(owing) | conflicted
    for centre, _, draft in report.done:
        body = parse(workspace.path / draft).get_body(("plain",))
        assert body is not None
        listed = {
            line.split()[1]: line
            for line in body.get_content().splitlines()
            if line.startswith("- ")
        }
        missing = owing[centre].missing if centre in owing else ()
        expected = {entry.split()[0] for entry in missing}
        if centre in conflicted:
            expected.add(demo.conflict.item)
        assert set(listed) == expected, centre
        for entry in missing:
            number, what = entry.split()
            word = "smiley for milepælen" if what == "milestone" else "smiley for økonomien"
            assert word in listed[number]


def test_send_command_dry_run_and_its_user_errors(demo: DemoResult) -> None:
    path = str(demo.workspace.path)
    result = CliRunner().invoke(cli, ["send", path, "--round", "1", "--smtp", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would send" in result.output and "arbejdsmarked@example.org" in result.output
    result = CliRunner().invoke(cli, ["send", path, "--round", "1", "--smtp"])
    assert result.exit_code == 1
    assert "no mail server: give host under [smtp] in xlfollow.toml, or --host" in result.stderr
    result = CliRunner().invoke(
        cli,
        [
            *("send", path, "--round", "1", "--smtp", "--host", "127.0.0.1", "--user", "oek"),
            *("--sender", "oekonomi@example.org"),
        ],
        env={"XLFOLLOW_SMTP_PASSWORD": ""},
    )
    assert result.exit_code == 1
    assert (
        "wants a password for oek: set the environment variable XLFOLLOW_SMTP_PASSWORD"
        in result.stderr
    )
    result = CliRunner().invoke(cli, ["send", path, "--round", "9"])
    assert result.exit_code == 1 and '"9" is not a round' in result.stderr


def test_a_workspace_mail_yaml_overrides_the_templates(demo: DemoResult) -> None:
    workspace = demo.workspace
    (workspace.path / "mail.yaml").write_text(
        'da:\n  send_subject: "Budgetopfølgning: {round} til {centre}"\n', encoding="utf-8"
    )
    report = workspace.send("1")
    centre, _, draft = report.done[0]
    message = parse(workspace.path / draft)
    assert message["Subject"] == f"Budgetopfølgning: 1. budgetopfølgning 2018 til {centre}"
    body = message.get_body(("plain",))
    assert body is not None
    assert body.get_content().startswith(_GREETINGS.get(centre, f"Kære Center for {centre}"))
    (workspace.path / "mail.yaml").write_text(
        'da:\n  send_subject: "{unknown}"\n', encoding="utf-8"
    )
    with pytest.raises(WorkspaceError, match="a placeholder it uses is unknown"):
        workspace.send("1")


def test_an_attachment_name_beyond_ascii_is_encoded_for_mail_programs(tmp_path: Path) -> None:
    from xlfollow.mail.letters import LetterParts, compose, mail_texts
    from xlfollow.model import Language

    workbook = tmp_path / "03-social-og-sundhed-ø.xlsx"
    workbook.write_bytes(b"PK\x03\x04 a workbook")
    keys = ("agreement", "round", "centre", "deadline", "reply_to", "sender", "signature")
    values = dict.fromkeys(keys, "x")
    parts = LetterParts(
        kind=LetterKind.SEND,
        texts=mail_texts(Language.DA),
        values=values,
        sender="a@example.org",
        reply_to="",
        address="b@example.org",
        attachment=workbook,
    )
    message = compose(parts)
    raw = bytes(message)
    assert b"filename*=utf-8''03-social-og-sundhed-%C3%B8.xlsx" in raw  # RFC 2231
    (attachment,) = parse_bytes(raw).iter_attachments()
    assert attachment.get_filename() == workbook.name


def test_remind_command_says_who_would_be_reminded(demo: DemoResult) -> None:
    result = CliRunner().invoke(
        cli, ["remind", str(demo.workspace.path), "--round", "1", "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    assert "by-erhverv-og-miljoe@example.org" in result.output  # the late centre
    # Every column has its header, and each row's cells start under theirs.
    header, *rows = result.output.splitlines()
    assert header.split("  ")[:1] == ["Centre"] and "Result" in header
    starts = [header.index(word) for word in ("Address", "Result", "Draft")]
    for row in rows:
        assert all(row[at - 1] == " " and row[at] != " " for at in starts), row
    assert result.output.count("would send") == len(demo.workspace.remind("1").done)


TLS = Path(__file__).parent / "data" / "tls"


@pytest.mark.parametrize("security", [Security.STARTTLS, Security.TLS])
def test_mail_goes_over_starttls_and_implicit_tls(
    demo: DemoResult, monkeypatch: pytest.MonkeyPatch, security: Security
) -> None:
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(TLS / "cert.pem", TLS / "key.pem")
    handler = Server(refuse="")
    port = free_port()
    if security is Security.STARTTLS:
        controller = Controller(
            handler, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True
        )
    else:
        controller = Controller(handler, hostname="127.0.0.1", port=port, ssl_context=context)
    controller.start()
    try:
        smtp = Smtp("127.0.0.1", port, security, "", "oekonomi@example.org")
        # The server's certificate is checked: unknown, it stops the sending.
        monkeypatch.setenv("SSL_CERT_FILE", str(TLS / "README.md"))
        with pytest.raises(WorkspaceError, match="CERTIFICATE_VERIFY_FAILED"):
            demo.workspace.remind("1", Delivery.SMTP, smtp=smtp)
        monkeypatch.setenv("SSL_CERT_FILE", str(TLS / "cert.pem"))
        report = demo.workspace.remind("1", Delivery.SMTP, smtp=smtp)
    finally:
        controller.stop()
    assert report.failed == [] and len(report.done) == len(handler.received) > 0


@pytest.mark.parametrize(
    ("reply_to", "sender"),
    [
        ("økonomiafdelingen", None),  # words: the mail program fills in From
        ("Økonomi <budget@example.org>", "Økonomi <budget@example.org>"),
    ],
)
def test_reply_to_as_words_or_as_an_address(
    tmp_path: Path, reply_to: str, sender: str | None
) -> None:
    workspace = Workspace.init(tmp_path / "ws")
    with workspace.settings_path.open("a", encoding="utf-8") as settings:
        settings.write(f'\n[workbooks]\nreply_to = "{reply_to}"\n')
    workspace.issue("1")
    (_, _, draft), *_ = workspace.send("1").done
    message = parse(workspace.path / draft)
    assert message["From"] == sender
    body = message.get_body(("plain",))
    assert body is not None and f"til {reply_to}" in body.get_content()


@pytest.mark.parametrize(
    ("centre", "expected"),
    [
        ("Social og Sundhed", "Kære Center for Social og Sundhed"),
        ("Skoler, Institutioner og Kultur", "Kære Center for Skoler, Institutioner og Kultur"),
        ("Center for Ejendomme", "Kære Center for Ejendomme"),  # says it is a centre
        ("0-25 års udvalget", "Til 0-25 års udvalget"),  # a committee, as the seed writes it
        ("Politisk Sekretariat", "Til Politisk Sekretariat"),
        ("Digitaliseringssekretariatet", "Til Digitaliseringssekretariatet"),
        ("Børne- og Ungerådgivning", "Kære Center for Børne- og Ungerådgivning"),  # not "råd"
    ],
)
def test_the_greeting_says_what_the_addressee_is(centre: str, expected: str) -> None:
    from xlfollow.mail.letters import greeting, mail_texts
    from xlfollow.model import Language

    assert greeting(centre, mail_texts(Language.DA)) == expected
    assert greeting(centre, mail_texts(Language.EN)) == f"Dear {centre}"


def test_without_a_department_the_mail_says_the_finance_department(tmp_path: Path) -> None:
    workspace = Workspace.init(tmp_path / "ws")
    assert workspace.load().settings.sender.department == ""  # init leaves it unset
    workspace.issue("1")
    (_, _, draft), *_ = workspace.send("1").done
    body = parse(workspace.path / draft).get_body(("plain",))
    assert body is not None
    content = body.get_content()
    assert "til økonomiafdelingen" in content
    assert content.rstrip().endswith("Venlig hilsen\nØkonomiafdelingen")
