"""The Danish a centre and a finance officer read, as docs/danish-review.md decided it:
the bundled texts themselves, and the cells of the workbooks written from them."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from xlfollow.demo.run import DemoResult, run_demo

R1 = "1. budgetopfølgning 2018"
DEPARTMENT = "Økonomi og Styring"  # the demo's [sender] department


def bundled(name: str) -> dict[str, Any]:
    """A bundled template file's Danish texts."""
    source = files("xlfollow.workbook_templates") / name
    data: dict[str, Any] = yaml.safe_load(source.read_text(encoding="utf-8"))["da"]
    return data


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(tmp_path_factory.mktemp("danish") / "ws")


def column_a_and_b(sheet: Any) -> list[tuple[str, str]]:
    """A front sheet's rows as (column A, column B) texts, blank rows left out."""
    rows = [
        (str(a or ""), str(b or ""))
        for a, b, *_ in sheet.iter_rows(min_col=1, max_col=2, values_only=True)
    ]
    return [row for row in rows if any(row)]


def test_the_workbook_texts_say_what_the_review_asks() -> None:
    t = bundled("texts.yaml")
    assert "Kun de hvide og gule celler kan udfyldes." in t["instructions"]  # point 1
    assert (t["milestone_scale"], t["economy_scale"]) == (
        "Smileys på indsats (milepæle)",
        "Smileys på økonomi",
    )  # point 4
    headers = t["headers"]
    assert headers["milestone"].format(round=R1) == f"Smiley indsats – {R1}"  # point 5
    assert headers["economy"].format(round=R1) == f"Smiley økonomi – {R1}"  # point 6
    assert headers["economy_note"].format(round=R1) == f"Status økonomi – {R1}"
    assert (headers["action_text"], headers["kind"]) == ("Indsats", "Drift/anlæg")  # 7, 8
    assert t["contents_items"] == "Antal delelementer"  # point 12
    assert "Kapitel-rækkerne" not in t["summary_note"]  # point 14
    assert t["milestones_by"].format(round=R1, grouping=t["grouping_by_chapter"]) == (
        f"Milepæle i {R1} fordelt på kapitler"
    )  # point 15
    assert t["economy_by"].format(round=R1, grouping=t["grouping_by_chapter"]) == (
        f"Smiley for økonomi i {R1} fordelt på kapitler"
    )  # point 16
    assert t["conflict_headers"][:10] == [
        "Nr.",
        "Runde",
        "Delelement",
        "Felt",
        "Oprindelig værdi",
        "Gældende værdi",
        "Gældende værdi fra",
        "Ny værdi",
        "Ny værdi fra",
        "Årsag",
    ]  # point 19
    assert (t["decision_keep"], t["decision_take"]) == ("Behold gældende værdi", "Brug ny værdi")
    received = t["received_headers"]
    assert received[5] == "Resultat" and received[7] == "Indlæst"  # point 21
    assert received[2] == "Indlæst af" and t["conflict_headers"][10:] == [
        "Besluttet af",
        "Beslutning",
    ]
    everything = yaml.safe_dump(t, allow_unicode=True)
    for calque in (" efter kapitel", "Økonomi-smiley", "I risiko", "Indkommende", "Taget"):
        assert calque not in everything, calque


def test_the_mail_texts_say_what_the_review_asks() -> None:
    m = bundled("mail.yaml")
    for body in (m["send_body"], m["remind_body"]):
        assert body.startswith("{greeting}\n")  # points 24-25
        assert "af opfølgningen" not in body  # points 26-27
        assert "{round} på {agreement}" in body
    assert "Kun de hvide og gule celler kan udfyldes" in m["send_body"]
    assert m["missing_conflict"].format(field="milepælen") == (
        "der er to forskellige svar på milepælen"
    )


def test_a_centre_workbook_names_the_department_and_its_columns(demo: DemoResult) -> None:
    path = demo.workspace.path / "outbox" / "round-1" / "03-social-og-sundhed-runde-1.xlsx"
    book = openpyxl.load_workbook(path)
    front = column_a_and_b(book["Forside"])
    said = "\n".join(b for _, b in front)
    assert "Kun de hvide og gule celler kan udfyldes." in said
    assert f"Send den udfyldte projektmappe senest 23. marts 2018 til {DEPARTMENT}." in said
    assert "økonomiafdeling" not in said.casefold()
    assert ("Center", "Social og Sundhed") in front
    assert ("Ark", "Antal delelementer") in front
    sheet = book["3. Sammenhængende…"]
    header = [cell.value for cell in sheet[2]]
    for wanted in (f"Smiley indsats – {R1}", f"Smiley økonomi – {R1}", f"Status økonomi – {R1}"):
        assert wanted in header, wanted


def test_without_a_department_the_instructions_say_the_finance_department(
    tmp_path: Path,
) -> None:
    from xlfollow.workspace.folder import Workspace

    workspace = Workspace.init(tmp_path / "ws")
    result = workspace.issue("1")
    path = next(f.path for f in result.files if f.recipient)
    said = "\n".join(b for _, b in column_a_and_b(openpyxl.load_workbook(path).worksheets[0]))
    assert re.search(r"Send den udfyldte projektmappe senest .+ til økonomiafdelingen\.", said)


def test_the_master_front_sheet_is_for_finance(demo: DemoResult) -> None:
    book = openpyxl.load_workbook(demo.workspace.path / "master.xlsx")
    front = column_a_and_b(book["Forside"])
    said = "\n".join(f"{a} {b}" for a, b in front)
    # Not the centres' instructions, telling finance to send the workbook to itself.
    assert "Sådan udfylder du projektmappen" not in said
    assert "Send den udfyldte projektmappe" not in said
    assert ("Projektmappe", f"Samlet oversigt for {DEPARTMENT}") in front
    assert "Sådan bruges den samlede oversigt" in said
    assert "gem projektmappen, hvor den ligger" in said
    assert "xlfollow merge" in said and "xlfollow status" in said
    # Each of the master's own sheets, named, linked and said what it holds.
    described = {a: b for a, b in front}
    for sheet in ("Overblik", "Økonomi", "Ændringer", "Mangler", "Konflikter", "Modtaget"):
        assert sheet in book.sheetnames
        assert len(described.get(sheet, "")) > 40, sheet
    links = {
        c.hyperlink.location for row in book["Forside"].iter_rows() for c in row if c.hyperlink
    }
    assert {"'Overblik'!A1", "'Modtaget'!A1"} <= links
    # The smileys' definitions and the contents stay.
    assert "Sådan læses smileys" in said and "Indhold" in said


def test_the_master_issued_to_the_outbox_lists_no_sheet_it_has_not(demo: DemoResult) -> None:
    path = demo.workspace.path / "outbox" / "round-1" / "master-runde-1.xlsx"
    book = openpyxl.load_workbook(path)
    front = column_a_and_b(book["Forside"])
    assert ("Sådan bruges den samlede oversigt", "") in front
    assert "Oversigtsarkene" not in [a for a, _ in front]
    assert "Overblik" not in book.sheetnames


def test_the_master_sheets_speak_a_municipality_s_danish(demo: DemoResult) -> None:
    book = openpyxl.load_workbook(demo.workspace.path / "master.xlsx")
    conflicts = book["Konflikter"]
    assert [c.value for c in conflicts[2]][4:9] == [
        "Oprindelig værdi",
        "Gældende værdi",
        "Gældende værdi fra",
        "Ny værdi",
        "Ny værdi fra",
    ]
    (validation,) = conflicts.data_validations.dataValidation
    assert validation.formula1 == '"Behold gældende værdi,Brug ny værdi"'
    received = book["Modtaget"]
    assert [c.value for c in received[2]][5:8] == ["Resultat", "Begrundelse", "Indlæst"]
    stamps = [received.cell(row, 2).value for row in range(3, received.max_row + 1)]
    assert stamps and all(
        re.fullmatch(r"\d{1,2}\.\d{1,2}\.20\d\d kl\. \d{1,2}\.\d\d", str(s)) for s in stamps
    ), stamps  # point 22: "1.12.2026 kl. 20.24"
    refused = "\n".join(str(received.cell(row, 7).value or "") for row in range(3, 20))
    assert "er ikke en gyldig smiley for milepælen; vælg en af" in refused  # point 23
    overview = [str(c.value) for c in book["Overblik"]["A"] if c.value]
    assert f"Milepæle i {R1} fordelt på kapitler" in overview
    assert f"Smiley for økonomi i {R1} fordelt på ansvarlige centre" in overview
