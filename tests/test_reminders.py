"""Reminders that help: the centre's workbook attached with its answers so far (issued
anew, so that it merges cleanly), the values refused and files rejected listed; and
every letter signed by the person the settings name."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import openpyxl
import pytest
from conftest import copied, ledger_answers, round_one_issued
from returns import ECONOMY, R1, SMILEY, STATUS, cell_of, fill
from smtpserver import smtp_server

from xlfollow.answers import Field
from xlfollow.errors import WorkspaceError
from xlfollow.ledger.store import Ledger
from xlfollow.mail.letters import Delivery, mail_texts
from xlfollow.mail.signature import signature
from xlfollow.model import Language, Security, Sender, Smtp
from xlfollow.workspace.folder import Workspace

SOS = "03-social-og-sundhed-runde-1.xlsx"
SIK = "04-skoler-institutioner-og-kultur-runde-1.xlsx"
SOS_CENTRE = "Social og Sundhed"


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory, new_ledger: Callable[[], str]) -> Workspace:
    """Round 1 issued, its ledger on each engine in turn (conftest's ledger_engine)."""
    return round_one_issued(tmp_path_factory, new_ledger())


@pytest.fixture
def ws(issued: Workspace, tmp_path: Path) -> Workspace:
    return copied(issued, tmp_path)


def outbox(ws: Workspace, name: str) -> Path:
    return ws.path / "outbox" / "round-1" / name


def drafts(ws: Workspace, how: Delivery = Delivery.EML) -> dict[str, EmailMessage]:
    """The reminders of round 1, by centre."""
    found = {}
    for centre, _, draft in ws.remind("1", how).done:
        message = BytesParser(policy=policy.default).parsebytes((ws.path / draft).read_bytes())
        assert isinstance(message, EmailMessage)
        found[centre] = message
    return found


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def value_at(workbook: Path, item: str, header: str) -> object:
    sheet, cell = cell_of(workbook, item, header)
    return openpyxl.load_workbook(workbook)[sheet][cell].value


def test_the_attachment_holds_the_answers_and_merges_back_cleanly(
    ws: Workspace, tmp_path: Path
) -> None:
    fill(
        outbox(ws, SOS),
        ws.path / "inbox" / SOS,
        {
            ("3.01", SMILEY): "😊 Opfyldt",
            ("3.01", STATUS): "Pilotprojektet er planlagt.",
            ("3.01", ECONOMY): "😊 Overholdt",
        },
    )
    ws.merge()
    with Ledger(ws.ledger_place) as ledger:
        issued_before = [i for i in ledger.issues(R1) if i.recipient]
    message = drafts(ws)[SOS_CENTRE]
    (attachment,) = message.iter_attachments()
    name = attachment.get_filename()
    assert name is not None and name.startswith("03-social-og-sundhed-runde-1-paamindelse-")
    reminder = tmp_path / name
    reminder.write_bytes(attachment.get_content())
    assert reminder.read_bytes() == outbox(ws, name).read_bytes()  # beside the round's
    # The answers given so far are in it; the workbook first sent stays blank.
    assert value_at(reminder, "3.01", SMILEY) == "😊 Opfyldt"
    assert value_at(reminder, "3.01", STATUS) == "Pilotprojektet er planlagt."
    assert value_at(reminder, "3.01", ECONOMY) == "😊 Overholdt"
    assert value_at(outbox(ws, SOS), "3.01", SMILEY) is None
    with Ledger(ws.ledger_place) as ledger:
        issues = [i for i in ledger.issues(R1) if i.recipient]
    # One workbook issued anew per centre reminded (the master is written anew too).
    assert len(issues) == len(issued_before) + len(ws.remind("1", Delivery.DRY_RUN).done)
    # Filled in further and sent back, it merges cleanly against what it was issued with.
    done = fill(
        reminder,
        tmp_path / "done.xlsx",
        {("4.11", SMILEY): "😊 Opfyldt", ("4.11", STATUS): "Madspildet er halveret."},
    )
    (file,) = ws.merge([done]).files
    assert file.verdict == "accepted" and file.centre == SOS_CENTRE
    assert file.issue_id in {i.issue_id for i in issues if i.file.endswith(name)}
    assert (file.cells["accepted"], file.cells["conflict"], file.cells["refused"]) == (2, 0, 0)
    answers = ledger_answers(ws)
    assert answers[(R1, "3.01", Field.MILESTONE)] == "met"
    assert answers[(R1, "4.11", Field.MILESTONE)] == "met"
    assert answers[(R1, "4.11", Field.MILESTONE_NOTE)] == "Madspildet er halveret."


def test_the_reminder_lists_what_was_refused_and_rejected(ws: Workspace, tmp_path: Path) -> None:
    refused = fill(outbox(ws, SOS), ws.path / "inbox" / SOS, {("4.11", SMILEY): "lilla"})
    ws.merge()
    csv = "03-social-og-sundhed-runde-1-rettet.xlsx"
    (ws.path / "inbox" / csv).write_text("Nr.;Smiley\n4.11;grøn\n", encoding="utf-8")
    ws.merge()
    reminders = drafts(ws)
    text = body(reminders[SOS_CENTRE])
    sheet, cell = cell_of(refused, "4.11", SMILEY)
    assert (
        "Disse værdier fra jeres seneste projektmappe kunne vi ikke tage imod:\n"
        f"- ark '{sheet}', celle {cell}, delelement 4.11: "
        '"lilla" er ikke en gyldig smiley for milepælen' in text
    )
    assert (
        "Disse filer fra jer kunne vi ikke indlæse:\n"
        f"- {csv}: en tekstfil (CSV) omdøbt til .xlsx, ikke en projektmappe; send den "
        "projektmappe, I fik tilsendt, udfyldt og gemt som Excel-projektmappe (.xlsx). "
        "Gem filen som Excel-projektmappe (.xlsx), og send den igen." in text
    )
    assert text.index("Vi mangler stadig") < text.index("Disse værdier") < text.index("Jeres")
    # Another centre's reminder says nothing of them.
    other = body(reminders["Skoler, Institutioner og Kultur"])
    assert "Disse værdier" not in other and "Disse filer" not in other
    # Once a file merged since puts them right, they are no longer listed.
    (ws.path / "inbox" / csv).unlink()
    fill(outbox(ws, SOS), ws.path / "inbox" / "rettet.xlsx", {("4.11", SMILEY): "😊 Opfyldt"})
    ws.merge()
    text = body(drafts(ws)[SOS_CENTRE])
    assert "Disse værdier" not in text and "Disse filer" not in text


def test_a_dry_run_issues_no_workbook(ws: Workspace) -> None:
    before = sorted(outbox(ws, "").iterdir())
    with Ledger(ws.ledger_place) as ledger:
        issues = ledger.issues()
    report = ws.remind("1", Delivery.DRY_RUN)
    assert report.done
    assert sorted(outbox(ws, "").iterdir()) == before
    with Ledger(ws.ledger_place) as ledger:
        assert ledger.issues() == issues


def test_a_second_reminder_the_same_day_gets_a_name_of_its_own(ws: Workspace) -> None:
    first = drafts(ws)[SOS_CENTRE]
    second = drafts(ws)[SOS_CENTRE]
    names = [next(m.iter_attachments()).get_filename() or "" for m in (first, second)]
    assert names[0] != names[1] and names[1].endswith("-2.xlsx")
    assert all(outbox(ws, name).is_file() for name in names)


def test_a_reminder_is_signed_by_the_person_the_settings_name(ws: Workspace) -> None:
    text = body(drafts(ws)[SOS_CENTRE])
    assert text.startswith("Kære Center for Social og Sundhed\n")
    assert text.rstrip().endswith(
        "\n\nMed venlig hilsen\nSascha Hjorth\nØkonomi og Styring\nTlf. 4024 1712\n"
        "okonomi@example.org"
    )


@pytest.mark.parametrize(
    ("sender", "expected"),
    [
        (
            Sender("Økonomi og Styring", "Sascha Hjorth", "4024 1712", "okonomi@example.org"),
            "Med venlig hilsen\nSascha Hjorth\nØkonomi og Styring\nTlf. 4024 1712\n"
            "okonomi@example.org",
        ),
        (Sender(name="Sascha Hjorth"), "Med venlig hilsen\nSascha Hjorth"),
        (
            Sender("Økonomi og Styring", phone="4024 1712"),
            "Med venlig hilsen\nØkonomi og Styring\nTlf. 4024 1712",
        ),
        (Sender(), "Venlig hilsen\nØkonomiafdelingen"),  # as before [sender] signed
    ],
)
def test_the_signature_leaves_out_what_is_not_set(sender: Sender, expected: str) -> None:
    assert signature(sender, mail_texts(Language.DA), "Økonomiafdelingen") == expected


def test_the_signature_in_english() -> None:
    sender = Sender("Finance", "Sascha Hjorth", "4024 1712", "")
    assert signature(sender, mail_texts(Language.EN), "x") == (
        "Kind regards\nSascha Hjorth\nFinance\nPhone 4024 1712"
    )


def test_a_reminder_without_an_address_issues_nothing(ws: Workspace) -> None:
    settings = ws.settings_path.read_text(encoding="utf-8")
    ws.settings_path.write_text(
        settings.replace('email = "social-og-sundhed@example.org"\n', ""), encoding="utf-8"
    )
    shutil.rmtree(ws.path / "outbox" / "round-1" / "mail", ignore_errors=True)
    report = ws.remind("1")
    assert SOS_CENTRE in {centre for centre, _ in report.skipped}
    assert not list(outbox(ws, "").glob("03-*paamindelse*"))


def test_a_reminder_through_no_mail_server_issues_nothing(ws: Workspace) -> None:
    with pytest.raises(WorkspaceError, match="no mail server: give host under"):
        ws.remind("1", Delivery.SMTP)
    assert not list(outbox(ws, "").glob("*paamindelse*"))


def test_reminders_through_a_mail_server_carry_the_workbook_issued_anew(ws: Workspace) -> None:
    with smtp_server() as (server, port):
        smtp = Smtp("127.0.0.1", port, Security.NONE, "", "oekonomi@example.org")
        report = ws.remind("1", Delivery.SMTP, smtp=smtp)
    assert report.failed == [] and len(server.received) == len(report.done) > 0
    by_address = {recipients[0]: message for recipients, message in server.received}
    (attachment,) = by_address["social-og-sundhed@example.org"].iter_attachments()
    name = attachment.get_filename()
    assert name is not None and "-paamindelse-" in name
    assert attachment.get_content() == outbox(ws, name).read_bytes()
    with Ledger(ws.ledger_place) as ledger:
        reminded = {m.centre: m.issue_id for m in ledger.messages(R1) if m.kind == "remind"}
        issue = ledger.issue(reminded[SOS_CENTRE] or "")
    assert issue is not None and issue.file.endswith(name)  # the letter names its workbook
