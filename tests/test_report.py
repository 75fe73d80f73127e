"""The council's report as a Word document: on the bundled example after two rounds,
every item in the seed's order with its texts, smileys and notes as the ledger holds
them; the overview's figures those of the summary; the parts an accessible document
needs; the municipality's template and texts; what a centre typed kept as text."""

from __future__ import annotations

import base64
import io
import itertools
import shutil
import subprocess
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from conftest import copied, ledger_database
from docx.shared import Cm
from docx.text.paragraph import Paragraph
from reportdocs import blocks, distinct_rows, item_tables, styled, text_of
from returns import SMILEY, STATUS
from test_quarter import edit_in_place
from test_reportpdf import MISSING, catalog, needs_libreoffice, pdfinfo, tags

from xlfollow.answers import Field
from xlfollow.cli.main import cli
from xlfollow.definition.reportform import BUDGET_STYLE, DEVIATION_STYLE, STATUS_STYLE, form_words
from xlfollow.demo.run import run_demo
from xlfollow.demo.simulate import answer_round
from xlfollow.errors import DefinitionError, WorkspaceError
from xlfollow.figures.summary import summarise
from xlfollow.ledger.store import Ledger
from xlfollow.messages import Language
from xlfollow.model import Definition
from xlfollow.report.items import budget_lines, contributors_text
from xlfollow.workspace.folder import Workspace
from xlfollow.workspace.reporting import ReportFormat, ReportResult

SILENT = "By, Erhverv og Miljø"
DAY = date(2018, 6, 15)


@pytest.fixture(scope="module")
def two_rounds(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The bundled example after two rounds: every centre answered round 1, all but
    one round 2; both merged."""
    workspace = Workspace.init(tmp_path_factory.mktemp("report") / "ws", "ballerup-2018")
    workspace.issue("1")
    answer_round(workspace, "1", seed=1)
    workspace.merge()
    workspace.issue("2")
    answer_round(workspace, "2", seed=2, silent={SILENT})
    workspace.merge()
    return workspace


@pytest.fixture(scope="module")
def report_2(two_rounds: Workspace) -> Path:
    return docx_of(two_rounds.report("2", dated=DAY))


def docx_of(result: ReportResult) -> Path:
    """The Word document a report wrote."""
    assert result.docx is not None and result.docx.is_file()
    return result.docx


def smiley_words(definition: Definition, field: Field, code: str) -> str:
    agreement = definition.agreement
    scale = agreement.milestone_scale if field is Field.MILESTONE else agreement.economy_scale
    step = scale.step(code)
    return f"{step.glyph} {step.label(Language.DA)}"


def test_every_item_is_there_in_the_seeds_order_with_the_ledgers_answers(
    two_rounds: Workspace, report_2: Path
) -> None:
    definition = two_rounds.load()
    agreement = definition.agreement
    with Ledger(two_rounds.ledger_place) as ledger:
        stored = ledger.answers()
    answers = two_rounds.answers(definition)
    assert stored and all(answers[key] == value for key, value in stored.items())
    tables = item_tables(report_2)
    assert [t.heading for t in tables] == [f"{i.number}. {i.title}" for i in agreement.items]
    answered = 0
    for item, table in zip(agreement.items, tables, strict=True):
        head, texts, *rounds = table.rows
        assert text_of(head[0]) == f"Delelement {item.number} · {item.kind.value}"
        assert [text_of(cell) for cell in head[1:]] == ["Tid", "Smiley"]
        assert text_of(texts[0]) == item.agreement_text
        fields = [p.text for p in texts[1][:3]]
        assert fields[0] == f"Ansvarligt center: {item.centre}"
        assert fields[1] == f"Ansvarligt udvalg: {item.committee}"
        contributors = contributors_text(item, Language.DA) or "\N{EN DASH}"
        assert fields[2] == f"Væsentlig bidragsyder: {contributors}"
        assert "\n".join(p.text for p in texts[1][3:]) == item.action_text
        milestones, economy = rounds[:4], rounds[4:]
        assert len(economy) == 2  # rounds 1 and 2, none later
        for index, (row, name) in enumerate(zip(milestones, agreement.rounds, strict=True)):
            label, _, when, smiley = (text_of(cell) for cell in row)
            assert (label, when) == ("Milepæl", name)
            assert text_of(row[1], without=(STATUS_STYLE,)) == item.milestone(name)
            note = answers.get((name, item.number, Field.MILESTONE_NOTE), "")
            assert "\n".join(styled(row[1], STATUS_STYLE)) == (f"Status: {note}" if note else "")
            code = answers.get((name, item.number, Field.MILESTONE), "")
            if index > 1 or not item.milestone(name):
                assert smiley == ""
            elif code:
                assert smiley == smiley_words(definition, Field.MILESTONE, code)
                answered += 1
            else:
                assert smiley == "Status mangler"
        for index, (row, name) in enumerate(zip(economy, agreement.rounds[:2], strict=True)):
            assert (text_of(row[0]), text_of(row[2])) == ("Økonomi", name)
            body = text_of(row[1], without=(STATUS_STYLE, BUDGET_STYLE, DEVIATION_STYLE))
            assert body == (item.economy_text if index == 0 else "")
            expected_budget = budget_lines(item.budget, form_words(Language.DA), Language.DA)
            assert styled(row[1], BUDGET_STYLE) == (expected_budget if index == 0 else [])
            note = answers.get((name, item.number, Field.ECONOMY_NOTE), "")
            assert "\n".join(styled(row[1], STATUS_STYLE)) == (f"Status: {note}" if note else "")
            deviation = answers.get((name, item.number, Field.DEVIATION), "")
            said = styled(row[1], DEVIATION_STYLE)
            assert said == (
                [f"Forventet afvigelse: {_amount(deviation)} mio. kr."] if deviation else []
            )
            code = answers.get((name, item.number, Field.ECONOMY), "")
            smiley = text_of(row[3])
            assert smiley == (
                smiley_words(definition, Field.ECONOMY, code) if code else "Status mangler"
            )
    by_item = {item.number: item for item in agreement.items}
    due = [
        key
        for key in stored
        if key[2] is Field.MILESTONE
        and key[0] in agreement.rounds[:2]
        and by_item[key[1]].milestone(key[0])
    ]
    assert answered == len(due) > 100  # every smiley given; not an empty report that agrees


def _amount(stored: str) -> str:
    value = float(stored)
    text = f"{value:.6f}".rstrip("0").rstrip(".").replace(".", ",")
    return text.replace("-", "\N{MINUS SIGN}")


def test_a_smiley_is_glyph_and_words_never_colour_or_glyph_alone(report_2: Path) -> None:
    words = {"Opfyldt", "Delvist opfyldt", "Ikke opfyldt", "Overholdt", "Ikke overholdt"}
    shown = set()
    for table in item_tables(report_2):
        for row in table.rows[2:]:
            text = text_of(row[3])
            if text and text != "Status mangler":
                glyph, _, label = text.partition(" ")
                assert label in words and glyph in "😊😐☹️"
                shown.add(label)
    assert shown == words


def test_the_overview_counts_are_the_summarys(two_rounds: Workspace, report_2: Path) -> None:
    definition = two_rounds.load()
    summary = summarise(definition, 1, two_rounds.answers(definition))
    document = docx.Document(str(report_2))
    by_first = {t.rows[0].cells[0].text: t for t in document.tables}
    centres = distinct_rows(by_first["Ansvarligt center"])
    names = [row[0][0].text for row in centres[1:]]
    assert names == [*definition.agreement.centres, "I alt"]
    met = definition.agreement.milestone_scale.codes[0]
    for row in centres[1:-1]:
        counts = summary.milestones["centre"][row[0][0].text]  # type: ignore[index]
        assert int(row[1][0].text) == counts.get(met, 0)
    total = centres[-1]
    assert int(total[1][0].text) == summary.milestones.total[met]
    committees = distinct_rows(by_first["Ansvarligt udvalg"])
    assert [r[0][0].text for r in committees[1:-1]] == list(definition.agreement.committees)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Ændringer siden 1. budgetopfølgning 2018" in text
    assert "Budgetperiode: 2018-2021" in text
    assert f"{summary.milestones.total[met]} af de " in text


def test_the_document_has_what_an_accessible_document_needs(report_2: Path) -> None:
    document = docx.Document(str(report_2))
    assert document.core_properties.title == (
        "Første opfølgning på Aftale om budget 2018 for Ballerup Kommune".replace("Første", "Anden")
    )
    assert document.core_properties.language == "da-DK"
    styles_xml = document.styles.element.xml
    assert 'w:lang w:val="da-DK"' in styles_xml
    levels = []
    for block in blocks(report_2):
        if isinstance(block, Paragraph) and block.style is not None:
            name = block.style.name
            if name == "Title":
                levels.append(0)
            elif name.startswith("Heading "):
                levels.append(int(name.split()[1]))
    assert levels[0] == 0
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, "a heading level is skipped"
    for table in document.tables:
        first = table.rows[0]._tr.trPr
        assert first is not None and any(c.tag.endswith("}tblHeader") for c in first)
        captions = [c for c in table._tbl.tblPr if c.tag.endswith("}tblCaption")]
        assert captions and captions[0].get(docx.oxml.ns.qn("w:val"))
    footer = document.sections[0].footer.paragraphs[0]._p.xml
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer
    assert "Side" in document.sections[0].footer.paragraphs[0].text


def test_the_front_page_says_the_round_date_and_sender(report_2: Path) -> None:
    document = docx.Document(str(report_2))
    title = document.paragraphs[0]
    assert title.style is not None and title.style.name == "Title"
    assert title.text == "Anden opfølgning på\nAftale om budget 2018\nfor Ballerup Kommune"
    text = "\n".join(p.text for p in document.paragraphs[:40])
    for line in (
        "2. budgetopfølgning 2018",
        "ØKONOMI OG STYRING",
        "Dato: 15. juni 2018",
        "Kontakt: Sascha Hjorth",
        "Tlf. dir.: 4024 1712",
        "Sagsid: 00.30.00-S00-9-16",
        "Læsevejledning",
        "Opfyldt: Milepæl er opfyldt",
        "Ikke overholdt: Budget ikke overholdt/Den forventede besparelse opnås ikke",
    ):
        assert line in text


def test_a_centres_text_stays_text(two_rounds: Workspace, tmp_path: Path) -> None:
    ws = copied(two_rounds, tmp_path)
    definition = ws.load()
    item = definition.agreement.items[0]
    hostile = '=HYPERLINK("http://evil.example","klik")\x07 https://evil.example'
    key = (definition.agreement.rounds[1], item.number, Field.MILESTONE_NOTE.value)
    with ledger_database(ws) as db, db.transaction():
        db.execute("DELETE FROM answers WHERE round = ? AND item = ? AND field = ?", key)
        db.execute(
            "INSERT INTO answers (round, item, field, value, source, recorded_at) "
            "VALUES (?, ?, ?, ?, 'test', '2018-06-01T00:00:00')",
            (*key, hostile),
        )
    path = docx_of(ws.report("2", output=tmp_path / "r.docx"))
    with zipfile.ZipFile(path) as package:
        rels = package.read("word/_rels/document.xml.rels").decode()
        body = package.read("word/document.xml").decode()
    assert "hyperlink" not in rels and "<w:hyperlink" not in body and "<w:fldSimple" not in body
    assert '=HYPERLINK("http://evil.example","klik")\ufffd https://evil.example' in "".join(
        p.text
        for t in docx.Document(str(path)).tables
        for r in t.rows
        for c in r.cells
        for p in c.paragraphs
    )


def test_the_municipalitys_template_and_texts_are_used(
    two_rounds: Workspace, tmp_path: Path
) -> None:
    ws = copied(two_rounds, tmp_path)
    template = docx.Document()
    template.sections[0].header.paragraphs[0].text = "Ballerup Kommune · Økonomi og Styring"
    template.save(str(ws.path / "report-template.docx"))
    (ws.path / "report.yaml").write_text(
        "da:\n  guide:\n    - Vores egen læsevejledning om {title}.\n", encoding="utf-8"
    )
    document = docx.Document(str(ws.report("1", output=tmp_path / "r.docx").docx))
    assert document.sections[0].header.paragraphs[0].text == "Ballerup Kommune · Økonomi og Styring"
    assert "Side" in document.sections[0].footer.paragraphs[0].text
    text = [p.text for p in document.paragraphs]
    assert "Vores egen læsevejledning om Aftale om budget 2018." in text
    assert text[0].startswith("Første opfølgning på")


def test_a_mistake_in_the_workspaces_report_texts_names_file_and_line(
    two_rounds: Workspace, tmp_path: Path
) -> None:
    ws = copied(two_rounds, tmp_path)
    (ws.path / "report.yaml").write_text("da:\n  guide: []\n  fodnote: x\n", encoding="utf-8")
    with pytest.raises(DefinitionError) as raised:
        ws.report("1", output=tmp_path / "r.docx")
    said = str(raised.value)
    assert "report.yaml" in said and "3" in said and "fodnote" in said
    assert not (tmp_path / "r.docx").exists()


def test_a_template_named_in_the_settings_must_be_there(
    two_rounds: Workspace, tmp_path: Path
) -> None:
    ws = copied(two_rounds, tmp_path)
    text = ws.settings_path.read_text(encoding="utf-8")
    case = 'case_number = "00.30.00-S00-9-16"'
    assert case in text
    text = text.replace(case, f'{case}\ntemplate = "brevpapir.docx"')
    ws.settings_path.write_text(text, encoding="utf-8")
    with pytest.raises(WorkspaceError, match=r"brevpapir\.docx"):
        ws.report("1")


def test_report_from_the_command_line(two_rounds: Workspace, tmp_path: Path) -> None:
    ws = copied(two_rounds, tmp_path)
    result = CliRunner().invoke(
        cli, ["--language", "da", "report", str(ws.path), "--date", "5. april 2018"]
    )
    assert result.exit_code == 0, result.output
    written = ws.path / "reports" / "opfoelgning-runde-2.docx"
    assert f"Skrev rapporten for 2. budgetopfølgning 2018:\n  {written}\n" in result.output
    assert "Dato: 5. april 2018" in [p.text for p in docx.Document(str(written)).paragraphs]
    bad = CliRunner().invoke(cli, ["report", str(ws.path), "-o", str(tmp_path / "r.txt")])
    assert bad.exit_code == 1 and "r.txt" in bad.output and "Traceback" not in bad.output


def test_an_english_workspace_gets_an_english_report(two_rounds: Workspace, tmp_path: Path) -> None:
    ws = copied(two_rounds, tmp_path)
    text = ws.settings_path.read_text(encoding="utf-8").replace(
        'language = "da"', 'language = "en"'
    )
    ws.settings_path.write_text(text, encoding="utf-8")
    path = docx_of(ws.report("2"))
    assert path.name == "follow-up-round-2.docx"
    document = docx.Document(str(path))
    assert document.paragraphs[0].text.startswith("Second follow-up on\n")
    assert document.core_properties.language == "en-GB"
    tables = item_tables(path)
    assert text_of(tables[0].rows[0][0]).startswith("Item 1.02 · ")
    assert tables[0].rows[1][1][0].text.startswith("Responsible centre: ")


@pytest.fixture(scope="module")
def report_2_pdf(two_rounds: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if MISSING:
        pytest.skip(MISSING)
    folder = tmp_path_factory.mktemp("pdf")
    result = two_rounds.report("2", ReportFormat.BOTH, folder / "rapport.pdf", DAY)
    assert result.docx == folder / "rapport.docx" and result.docx.is_file()
    assert result.pdf is not None
    return result.pdf


@needs_libreoffice
def test_the_pdf_holds_every_item_and_every_smileys_words(
    two_rounds: Workspace, report_2_pdf: Path
) -> None:
    run = subprocess.run(
        ["pdftotext", "-layout", str(report_2_pdf), "-"], capture_output=True, text=True, check=True
    )
    text = run.stdout
    for item in two_rounds.load().agreement.items:
        assert f"Delelement {item.number} ·" in text
    for words in ("Opfyldt", "Delvist opfyldt", "Ikke opfyldt", "Overholdt", "Ikke overholdt"):
        assert words in text
    assert "Side 1 af" in text


@needs_libreoffice
def test_the_pdf_is_tagged_with_its_title_and_language(
    two_rounds: Workspace, report_2_pdf: Path
) -> None:
    info = pdfinfo(report_2_pdf)
    assert info["Tagged"] == "yes"
    assert info["Title"] == "Anden opfølgning på Aftale om budget 2018 for Ballerup Kommune"
    assert info["Page size"].endswith("(A4)")
    root = catalog(report_2_pdf)
    assert str(root["/Lang"]) == "da-DK"
    assert root["/MarkInfo"]["/Marked"]
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    roles = Counter(tag.role for tag in tags(root["/StructTreeRoot"]))
    items = len(item_tables(report_2_pdf.with_suffix(".docx")))
    chapters = len(two_rounds.load().agreement.chapters)
    assert roles["/H1"] == 2 + chapters  # the reading guide, the overview, the chapters
    assert roles["/H2"] > items == 109
    assert roles["/Table"] > items and roles["/TH"] > 3 * items


def test_without_libreoffice_the_word_document_is_still_written(
    two_rounds: Workspace, tmp_path: Path, nowhere: Path
) -> None:
    ws = copied(two_rounds, tmp_path)
    result = CliRunner().invoke(cli, ["report", str(ws.path), "--format", "pdf"])
    assert result.exit_code == 1
    assert "apt-get install libreoffice-writer" in result.output
    assert "Traceback" not in result.output
    written = ws.path / "reports" / "opfoelgning-runde-2.docx"
    assert written.is_file() and not written.with_suffix(".pdf").exists()
    assert len(item_tables(written)) == len(ws.load().agreement.items)


@needs_libreoffice
def test_format_pdf_writes_the_pdf_alone(two_rounds: Workspace, tmp_path: Path) -> None:
    ws = copied(two_rounds, tmp_path)
    result = ws.report("1", ReportFormat.PDF, dated=DAY)
    assert result.docx is None and result.pdf == ws.path / "reports" / "opfoelgning-runde-1.pdf"
    assert result.pdf.is_file() and not result.pdf.with_suffix(".docx").exists()


def test_a_round_not_issued_gets_no_report(two_rounds: Workspace, tmp_path: Path) -> None:
    ws = copied(two_rounds, tmp_path)
    with pytest.raises(WorkspaceError) as raised:
        ws.report("3")
    assert str(raised.value).startswith(
        "3. budgetopfølgning 2018 has not been issued, so no centre has been asked about it "
        "(the latest issued is 2. budgetopfølgning 2018)"
    )
    assert not list((ws.path / "reports").glob("*runde-3*"))


def test_open_conflicts_are_said_when_the_report_is_written(tmp_path: Path) -> None:
    run_demo(tmp_path / "demo")  # its round has a conflict on 3.01, left for a person
    result = CliRunner().invoke(cli, ["--language", "da", "report", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    assert "Svar i 1. budgetopfølgning 2018 i konflikt, endnu ikke afgjort: 1." in result.output
    written = tmp_path / "demo" / "reports" / "opfoelgning-runde-1.docx"
    assert f"Skrev rapporten for 1. budgetopfølgning 2018:\n  {written}\n" in result.output


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"PK\x03\x04 not a zip at all", "PackageNotFoundError"),
        (None, "ValueError"),  # a workbook renamed .docx
    ],
)
def test_a_template_that_is_no_word_document_is_said(
    two_rounds: Workspace, tmp_path: Path, content: bytes | None, said: str
) -> None:
    ws = copied(two_rounds, tmp_path)
    template = ws.path / "report-template.docx"
    if content is None:
        shutil.copy(next((ws.path / "outbox" / "round-1").glob("*.xlsx")), template)
    else:
        template.write_bytes(content)
    result = CliRunner().invoke(cli, ["report", str(ws.path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{template} cannot be the report's template" in result.output
    assert said in result.output and "Save it in Word as a Word Document (.docx)" in result.output


def test_a_template_without_heading_styles_gets_them(two_rounds: Workspace, tmp_path: Path) -> None:
    ws = copied(two_rounds, tmp_path)
    template = docx.Document()
    for style in list(template.styles):
        if style.name in ("Heading 1", "Heading 2", "Title", "Subtitle"):
            style.element.getparent().remove(style.element)
    template.save(str(ws.path / "report-template.docx"))
    path = ws.report("1", output=tmp_path / "r.docx").docx
    assert path is not None
    document = docx.Document(str(path))
    heading = document.styles["Heading 2"].element.xml
    assert '<w:outlineLvl w:val="1"/>' in heading
    assert len(item_tables(path)) == len(ws.load().agreement.items)


@pytest.mark.parametrize(
    ("yaml_text", "said"),
    [
        ("da:\n  guide:\n    - Om {titel}\n", '"guide": {titel} is filled in nowhere'),
        ("da:\n  header: [a]\n", '"header": write it as one text, in quotes'),
        ("da:\n  footer: Side {page af {pages}\n", '"footer": a curly bracket is not closed'),
    ],
)
def test_a_workspaces_report_texts_are_checked_before_use(
    two_rounds: Workspace, tmp_path: Path, yaml_text: str, said: str
) -> None:
    ws = copied(two_rounds, tmp_path)
    (ws.path / "report.yaml").write_text(yaml_text, encoding="utf-8")
    with pytest.raises(DefinitionError) as raised:
        ws.report("1", output=tmp_path / "r.docx")
    assert f"{ws.path / 'report.yaml'}:2: " in str(raised.value)
    assert said in str(raised.value)


def test_the_page_header_is_the_workspaces_own_text(two_rounds: Workspace, tmp_path: Path) -> None:
    ws = copied(two_rounds, tmp_path)
    (ws.path / "report.yaml").write_text(
        'da:\n  header: "Ballerup Kommune · {ordinal} opfølgning"\n', encoding="utf-8"
    )
    path = docx_of(ws.report("2", output=tmp_path / "r.docx"))
    assert path is not None
    header = docx.Document(str(path)).sections[0].header.paragraphs[0].text
    assert header == "Ballerup Kommune · Anden opfølgning"


# A 1x1 white PNG: a municipality's logo, as small as one can be.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
)


def test_a_letterheads_logo_in_an_otherwise_empty_footer_is_kept(
    two_rounds: Workspace, tmp_path: Path
) -> None:
    ws = copied(two_rounds, tmp_path)
    template = docx.Document()
    footer = template.sections[0].footer
    footer.is_linked_to_previous = False
    footer.paragraphs[0].add_run().add_picture(io.BytesIO(PNG))
    template.save(str(ws.path / "report-template.docx"))
    document = docx.Document(str(docx_of(ws.report("1", output=tmp_path / "r.docx"))))
    written = document.sections[0].footer._element
    assert written.xpath(".//w:drawing")  # the logo
    assert not written.xpath(".//w:fldSimple")  # its footer, not ours
    assert document.sections[0].header.paragraphs[0].text.startswith("Første opfølgning")


def test_the_tables_span_the_templates_own_text_width(
    two_rounds: Workspace, tmp_path: Path
) -> None:
    ws = copied(two_rounds, tmp_path)
    template = docx.Document()
    section = template.sections[0]
    section.page_width, section.left_margin, section.right_margin = Cm(21), Cm(3), Cm(3)
    template.save(str(ws.path / "report-template.docx"))
    document = docx.Document(str(docx_of(ws.report("1", output=tmp_path / "r.docx"))))
    for table in document.tables:
        grid = table._tbl.tblGrid.gridCol_lst
        assert sum(column.w or 0 for column in grid) == pytest.approx(Cm(15), abs=Cm(0.02))


def test_finances_edits_in_the_master_are_in_the_report(
    two_rounds: Workspace, tmp_path: Path
) -> None:
    ws = copied(two_rounds, tmp_path)
    ws.write_master()
    round_2 = SMILEY.replace("1.", "2.")  # "Smiley 2. budgetopfølgning 2018"
    status_2 = STATUS.replace("1.", "2.")
    edit_in_place(
        ws.master_path,
        {("4.11", round_2): "☹️ Ikke opfyldt", ("4.11", status_2): "Udbuddet er forsinket."},
    )
    result = CliRunner().invoke(cli, ["report", str(ws.path), "-o", str(tmp_path / "r.docx")])
    assert result.exit_code == 0, result.output
    assert "had been edited: its changes were merged first." in result.output
    (table,) = [t for t in item_tables(tmp_path / "r.docx") if t.heading.startswith("4.11.")]
    row = table.rows[3]  # the milestone of round 2
    assert text_of(row[3]) == "☹️ Ikke opfyldt"
    assert styled(row[1], STATUS_STYLE) == ["Status: Udbuddet er forsinket."]
