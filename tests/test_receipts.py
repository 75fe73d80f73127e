"""A receipt to the sender of every file a merge receives: what was taken, exactly the
values of that file refused, or why it was rejected and what to do; as drafts or
through a real SMTP server, recorded, never twice."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import copied, round_one_issued
from hypothesis import given, settings
from hypothesis import strategies as st
from returns import ECONOMY, R1, SMILEY, STATUS, cell_of, fill
from smtpserver import smtp_server

from xlfollow.cli.main import cli
from xlfollow.errors import WorkspaceError
from xlfollow.ledger.records import MailOrigin, Verdict
from xlfollow.ledger.store import Ledger
from xlfollow.mail.letters import Delivery
from xlfollow.mail.receipts import FileReceipt, ReceiptJob, receipt_letter
from xlfollow.mail.troubles import Advice, RefusedValue
from xlfollow.messages import Text
from xlfollow.model import Security, Smtp
from xlfollow.workspace.folder import Workspace
from xlfollow.workspace.receipting import advice_for, sent_name

SOS = "03-social-og-sundhed-runde-1.xlsx"
SIK = "04-skoler-institutioner-og-kultur-runde-1.xlsx"
SIK_ADDRESS = "skoler-institutioner-og-kultur@example.org"
SENDER = "Social og Sundhed <sos@ballerup.dk>"
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
SIGNATURE = (
    "Med venlig hilsen\nSascha Hjorth\nØkonomi og Styring\nTlf. 4024 1712\nokonomi@example.org"
)
"""The bundled example's [sender], signing."""


def taken_words(accepted: int, unchanged: int) -> str:
    """How a receipt counts the values taken, one and many in their own words."""
    new = "ny eller ændret værdi" if accepted == 1 else "nye eller ændrede værdier"
    return f"{accepted} {new} og {unchanged} {'uændret' if unchanged == 1 else 'uændrede'}"


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory, new_ledger: Callable[[], str]) -> Workspace:
    """Round 1 issued, its ledger on each engine in turn (conftest's ledger_engine)."""
    return round_one_issued(tmp_path_factory, new_ledger())


@pytest.fixture
def ws(issued: Workspace, tmp_path: Path) -> Workspace:
    return copied(issued, tmp_path)


def outbox(ws: Workspace, name: str) -> Path:
    return ws.path / "outbox" / "round-1" / name


def parse(data: bytes) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)
    return message


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def replied(ws: Workspace, workbook: Path, name: str) -> None:
    """A centre's reply saved whole in inbox/, the workbook attached as `name`."""
    message = EmailMessage()
    message["From"] = SENDER
    message["To"] = "budget@ballerup.dk"
    message["Subject"] = "SV: Aftale om budget 2018"
    message["Date"] = "Mon, 09 Apr 2018 10:15:00 +0200"
    message["Message-ID"] = "<svar-1@ballerup.dk>"
    message.set_content("Hermed vores svar.")
    message.add_attachment(workbook.read_bytes(), *XLSX, filename=name)
    (ws.path / "inbox" / "SV.eml").write_bytes(bytes(message))


def two_returns(ws: Workspace, tmp_path: Path) -> dict[str, tuple[str, str]]:
    """Social og Sundhed's reply by mail and Skoler, Institutioner og Kultur's workbook
    alone, each with one value refused; (sheet, cell) of each refused value by item."""
    sos = fill(
        outbox(ws, SOS),
        tmp_path / "sos.xlsx",
        {
            ("3.01", SMILEY): "😊 Opfyldt",
            ("3.01", STATUS): "Pilotprojektet er planlagt.",
            ("3.01", ECONOMY): "Overholdt",
            ("4.11", SMILEY): "lilla",
        },
    )
    replied(ws, sos, "sos.xlsx")
    fill(outbox(ws, SIK), ws.path / "inbox" / SIK, {("3.02", SMILEY): "lilla"})
    return {"4.11": cell_of(sos, "4.11", SMILEY), "3.02": cell_of(outbox(ws, SIK), "3.02", SMILEY)}


def refused_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("- ark ")]


def test_drafts_say_each_file_its_own_refused_values(ws: Workspace, tmp_path: Path) -> None:
    refused = two_returns(ws, tmp_path)
    report = ws.merge(receipts=Delivery.EML)
    cells = {f.centre: f.cells for f in report.files}
    problems = {f.centre: f.problems for f in report.files}
    sent = ws.receipts_sent
    assert sent is not None and sent.failed == [] and sent.skipped == []
    drafts = {file: (address, ws.path / draft) for file, address, draft in sent.done}
    assert set(drafts) == {"sos.xlsx", SIK}
    assert {path.parent for _, path in drafts.values()} == {ws.path / "outbox" / "receipts"}
    for file, item, centre, address in (
        ("sos.xlsx", "4.11", "Social og Sundhed", "sos@ballerup.dk"),  # the mail's sender
        (SIK, "3.02", "Skoler, Institutioner og Kultur", SIK_ADDRESS),  # the settings'
    ):
        message = parse(drafts[file][1].read_bytes())
        assert drafts[file][0] == message["To"] == address
        assert message["X-Unsent"] == "1"
        assert message["Subject"] == f"Kvittering – Aftale om budget 2018: {R1} – {file}"
        assert list(message.iter_attachments()) == []
        text = body(message)
        assert text.startswith(f"Kære Center for {centre}\n")
        assert f"\n\nTak for jeres fil {file} til {R1} på Aftale om budget 2018.\n\n" in text
        assert text.rstrip().endswith(SIGNATURE)
        taken = cells[centre]
        assert taken_words(taken["accepted"], taken["unchanged"]) in text
        # Exactly its own refused values (the smiley, and its note refused with it),
        # none of the other file's.
        lines = refused_lines(text)
        assert [line.split(", delelement ")[1].split(":")[0] for line in lines] == [item, item]
        assert {line.split(":")[0] for line in lines} == {
            f"- ark '{p.sheet}', celle {p.cell}, delelement {p.item}" for p in problems[centre]
        }
        sheet, cell = refused[item]
        assert lines[0] == (
            f"- ark '{sheet}', celle {cell}, delelement {item}: "
            '"lilla" er ikke en gyldig smiley for milepælen; vælg en af "😊 Opfyldt", '
            '"😐 Delvist opfyldt", "☹️ Ikke opfyldt"'
        )
    assert cells["Social og Sundhed"]["accepted"] == 3
    # A second merge of the same inbox receipts nothing again.
    ws.merge(receipts=Delivery.EML)
    assert ws.receipts_sent is not None and ws.receipts_sent.done == []
    assert len(list((ws.path / "outbox" / "receipts").iterdir())) == 2


def test_receipts_through_a_mail_server_are_recorded_and_go_once(
    ws: Workspace, tmp_path: Path
) -> None:
    refused = two_returns(ws, tmp_path)
    with smtp_server() as (server, port):
        smtp = Smtp("127.0.0.1", port, Security.NONE, "", "oekonomi@example.org")
        ws.merge(receipts=Delivery.SMTP, smtp=smtp)
        sent = ws.receipts_sent
        assert sent is not None and sent.failed == [] and len(sent.done) == 2
        received = {recipients[0]: message for recipients, message in server.received}
        assert set(received) == {"sos@ballerup.dk", SIK_ADDRESS}
        sos = received["sos@ballerup.dk"]
        assert sos["From"] == "oekonomi@example.org"
        assert sos["Subject"] == f"Kvittering – Aftale om budget 2018: {R1} – sos.xlsx"
        sheet, cell = refused["4.11"]
        line, _ = refused_lines(body(sos))
        assert line.startswith(f"- ark '{sheet}', celle {cell}, delelement 4.11: \"lilla\" er")
        line, _ = refused_lines(body(received[SIK_ADDRESS]))
        assert f"celle {refused['3.02'][1]}, delelement 3.02: " in line
        with Ledger(ws.ledger_place) as ledger:
            recorded = [m for m in ledger.messages() if m.kind == "receipt"]
        assert {(m.centre, m.address, m.round) for m in recorded} == {
            ("Social og Sundhed", "sos@ballerup.dk", R1),
            ("Skoler, Institutioner og Kultur", SIK_ADDRESS, R1),
        }
        assert {m.message_id for m in recorded} == {w for _, _, w in sent.done}
        assert {m.message_id for m in recorded} == {str(m["Message-ID"]) for m in received.values()}
        # Merged again: nothing new, nothing sent twice.
        ws.merge(receipts=Delivery.SMTP, smtp=smtp)
        assert len(server.received) == 2
        # The same workbook named again is a duplicate, and its sender hears so, once.
        shutil.copy(ws.path / "inbox" / SIK, tmp_path / "again.xlsx")
        (again,) = ws.merge([tmp_path / "again.xlsx"], receipts=Delivery.SMTP, smtp=smtp).files
        assert again.verdict is Verdict.DUPLICATE
        assert len(server.received) == 3
        duplicate = server.received[2][1]
        assert duplicate["To"] == SIK_ADDRESS
        assert "Vi har allerede modtaget denne fil" in body(duplicate)


def test_a_csv_renamed_xlsx_is_told_to_be_saved_as_xlsx(ws: Workspace) -> None:
    (ws.path / "inbox" / SOS).write_text("Nr.;Smiley\n3.01;grøn\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--language", "en", "merge", str(ws.path), "--receipts"])
    assert result.exit_code == 3, result.output  # a file rejected needs a person
    assert "outbox/receipts/receipt-" in result.output
    (draft,) = (ws.path / "outbox" / "receipts").iterdir()
    message = parse(draft.read_bytes())
    assert message["To"] == "social-og-sundhed@example.org"  # its name tells the centre
    text = body(message)
    assert "Vi kunne ikke indlæse filen: en tekstfil (CSV)" in text
    assert "Gem filen som Excel-projektmappe (.xlsx), og send den igen." in text
    # Said again while it lies in inbox/, it is not receipted again.
    (again,) = ws.merge(receipts=Delivery.EML).files
    assert again.verdict is Verdict.ALREADY_REJECTED
    assert ws.receipts_sent is not None and ws.receipts_sent.done == []
    assert len(list((ws.path / "outbox" / "receipts").iterdir())) == 1


def test_a_dry_run_says_who_would_get_a_receipt_and_writes_nothing(
    ws: Workspace, tmp_path: Path
) -> None:
    two_returns(ws, tmp_path)
    ws.merge(receipts=Delivery.DRY_RUN)
    assert ws.receipts_sent is not None
    assert sorted(ws.receipts_sent.done) == sorted(
        [
            ("sos.xlsx", "sos@ballerup.dk", f"Kvittering – Aftale om budget 2018: {R1} – sos.xlsx"),
            (SIK, SIK_ADDRESS, f"Kvittering – Aftale om budget 2018: {R1} – {SIK}"),
        ]
    )
    assert not (ws.path / "outbox" / "receipts").exists()


def test_the_earlier_round_receipt_names_the_round_to_answer(
    issued: Workspace, tmp_path: Path
) -> None:
    ws = copied(issued, tmp_path)
    late = fill(outbox(ws, SOS), tmp_path / SOS, {("3.01", SMILEY): "😊 Opfyldt"})
    ws.issue("2")
    ws.merge([late], receipts=Delivery.EML)
    assert ws.receipts_sent is not None
    ((_, _, draft),) = ws.receipts_sent.done
    text = body(parse((ws.path / draft).read_bytes()))
    assert (
        f"Det er projektmappen til {R1}, og svarene tæller for {R1}. "
        "Brug projektmappen til 2. budgetopfølgning 2018" in text
    )


def test_a_file_from_nobody_known_gets_no_receipt_and_says_why(ws: Workspace) -> None:
    (ws.path / "inbox" / "budget.xlsx").write_bytes(b"")
    ws.merge(receipts=Delivery.EML)
    sent = ws.receipts_sent
    assert sent is not None and sent.done == []
    ((file, why),) = sent.skipped
    assert file == "budget.xlsx"
    assert str(why) == "no address for its receipt: it came alone, and its centre is not known"
    assert sent.needs_a_person


def test_receipts_without_a_mail_server_stop_before_anything_is_merged(
    ws: Workspace, tmp_path: Path
) -> None:
    two_returns(ws, tmp_path)
    with pytest.raises(WorkspaceError, match="no mail server: give host under"):
        ws.merge(receipts=Delivery.SMTP)
    with Ledger(ws.ledger_place) as ledger:
        assert ledger.receipts() == []


def test_a_server_that_cannot_be_reached_fails_each_receipt_and_keeps_the_merge(
    ws: Workspace, tmp_path: Path
) -> None:
    from smtpserver import free_port

    two_returns(ws, tmp_path)
    smtp = Smtp("127.0.0.1", free_port(), Security.NONE, "", "oekonomi@example.org")
    report = ws.merge(receipts=Delivery.SMTP, smtp=smtp)
    assert [f.verdict for f in report.files] == ["accepted", "accepted"]
    sent = ws.receipts_sent
    assert sent is not None and sent.done == []
    assert sorted(f for f, _, _ in sent.failed) == sorted(["sos.xlsx", SIK])
    assert all("cannot send through 127.0.0.1" in str(why) for _, _, why in sent.failed)


@pytest.mark.parametrize(
    ("why", "path", "mail", "advice"),
    [
        (
            "a text (CSV) file renamed to .xlsx, not a workbook; send the workbook you were "
            "sent, filled in and saved as Excel Workbook (.xlsx)",
            "inbox/a.xlsx",
            False,
            Advice.SAVE_AS_XLSX,
        ),
        (
            "an old .xls workbook; save it as .xlsx (Excel Workbook) and send it again",
            "inbox/SV.eml · a.xls",
            True,
            Advice.SAVE_AS_XLSX,
        ),
        ("the file is empty; send the workbook again", "inbox/SV.eml · a.xlsx", True, Advice.OTHER),
        ("the file is empty; send the workbook again", "inbox/SV.eml", True, Advice.ATTACH),
        ("the file is empty; send the workbook again", "inbox/a.xlsx", False, Advice.OTHER),
    ],
)
def test_what_a_rejected_files_sender_is_told_to_do(
    why: str, path: str, mail: bool, advice: Advice
) -> None:
    origin = MailOrigin("0" * 64, SENDER, "", "", "") if mail else None
    assert advice_for(Text(why), path, origin) is advice


def test_a_files_name_is_the_one_its_sender_gave() -> None:
    mail = MailOrigin("0" * 64, SENDER, "", "SV: Aftale om budget 2018", "")
    assert sent_name("inbox/SV Aftale.eml · 03-sos.xlsx", mail) == "03-sos.xlsx"
    assert sent_name("/home/a/Downloads/03-sos.xlsx") == "03-sos.xlsx"
    assert sent_name("inbox/SV.eml", mail) == "SV: Aftale om budget 2018"
    assert sent_name("inbox/SV.eml") == "SV.eml"


def test_a_message_without_a_workbook_is_answered_to_attach_one(ws: Workspace) -> None:
    message = EmailMessage()
    message["From"] = SENDER
    message["To"] = "budget@ballerup.dk"
    message["Subject"] = "SV: Aftale om budget 2018"
    message["Date"] = "Mon, 09 Apr 2018 10:15:00 +0200"
    message.set_content("Hermed vores svar.")
    (ws.path / "inbox" / "SV.eml").write_bytes(bytes(message))
    result = CliRunner().invoke(
        cli, ["--language", "en", "merge", str(ws.path), "--receipts", "--json"]
    )
    assert result.exit_code == 3, result.output
    receipts = json.loads(result.output)["receipts"]
    ((done,),) = [receipts["done"]]
    assert (done["file"], done["address"]) == ("SV: Aftale om budget 2018", "sos@ballerup.dk")
    assert receipts["failed"] == receipts["skipped"] == []
    draft = parse((ws.path / done["draft_or_id"]).read_bytes())
    assert draft["To"] == "sos@ballerup.dk"
    assert (
        draft["Subject"] == f"Kvittering – Aftale om budget 2018: {R1} – SV: Aftale om budget 2018"
    )
    text = body(draft)
    assert text.startswith("Kære kollega\n")  # sos@ballerup.dk is no centre's address
    assert f'Tak for jeres mail "SV: Aftale om budget 2018" til {R1} på Aftale om' in text
    assert 'Vi kunne ikke indlæse filen: mailen "SV: Aftale om budget 2018" fra ' in text
    assert "Vedhæft jeres projektmappe, og send mailen igen." in text


def test_a_workspace_mail_yaml_with_an_unknown_placeholder_is_said(ws: Workspace) -> None:
    (ws.path / "inbox" / SOS).write_bytes(b"")
    (ws.path / "mail.yaml").write_text('da:\n  receipt_rejected: "{nothing}"\n', "utf-8")
    with pytest.raises(WorkspaceError, match=r"mail template receipt: .* \('nothing'\)"):
        ws.merge(receipts=Delivery.EML)


_NAMES = (
    st.text(
        st.characters(
            codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"), exclude_characters="'"
        ),
        min_size=1,
        max_size=20,
    )
    .map(str.strip)
    .filter(bool)
)
_REFUSED = st.lists(
    st.builds(
        RefusedValue,
        sheet=_NAMES,
        cell=st.from_regex(r"[A-Z]{1,2}[1-9][0-9]{0,3}", fullmatch=True),
        item=st.from_regex(r"[1-9]\.[0-9]{2}", fullmatch=True),
        why=st.just(Text("as issued")),
    ),
    max_size=6,
)


@settings(max_examples=40)
@given(refused=_REFUSED, accepted=st.integers(0, 500), unchanged=st.integers(0, 500))
def test_a_receipt_lists_exactly_the_refused_values_it_is_given(
    issued: Workspace, refused: list[RefusedValue], accepted: int, unchanged: int
) -> None:
    job = ReceiptJob(issued.path, issued.ledger_place, issued.load(), Delivery.EML, Smtp())
    receipt = FileReceipt(
        receipt_id=7,
        file=SOS,
        verdict=Verdict.ACCEPTED,
        centre="Social og Sundhed",
        round=R1,
        address="sos@example.org",
        cells={"accepted": accepted, "unchanged": unchanged, "refused": len(refused)},
        refused=tuple(refused),
    )
    letter = receipt_letter(job, receipt)
    text = body(parse(bytes(letter.message)))
    listed = [line for line in text.splitlines() if line.startswith("- ")]
    assert listed == [
        f"- ark '{v.sheet}', celle {v.cell}, delelement {v.item}: som udsendt" for v in refused
    ]
    assert f"Vi har indlæst jeres svar: {taken_words(accepted, unchanged)}." in text
    assert "kunne vi ikke tage imod" in text if refused else "kunne vi ikke" not in text
    assert ".receipt-7@" in str(letter.message["Message-ID"])
