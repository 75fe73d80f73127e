"""Issued workbooks, read back with openpyxl: sheets, rows, drop-downs, locks, metadata."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from cells import present, text, text_or_none
from conftest import copied
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.worksheet import Worksheet
from returns import without_milestone

from xlfollow.answers import Field
from xlfollow.definition.fingerprint import fingerprint
from xlfollow.errors import WorkspaceError
from xlfollow.ledger.store import Ledger
from xlfollow.model import Contributors, Definition
from xlfollow.returns.reader import read_workbook
from xlfollow.texts import texts
from xlfollow.workbooks.layout import FIRST_DATA_ROW, HEADER_ROW, METADATA_SHEET, sheet_columns
from xlfollow.workbooks.spec import Recipient, WorkbookSpec
from xlfollow.workbooks.writer import write_round, write_workbook
from xlfollow.workspace.folder import IssueResult, Workspace, recipients

MILESTONE_LIST = '"😊 Opfyldt,😐 Delvist opfyldt,☹️ Ikke opfyldt"'
ECONOMY_LIST = '"😊 Overholdt,☹️ Ikke overholdt"'
R1, R2, R3 = "1. budgetopfølgning 2018", "2. budgetopfølgning 2018", "3. budgetopfølgning 2018"


@pytest.fixture(scope="module")
def ballerup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, IssueResult]:
    workspace = Workspace.init(tmp_path_factory.mktemp("ws") / "ballerup", "ballerup-2018")
    return workspace, workspace.issue("1")


def chapter_sheets(book: openpyxl.Workbook) -> list[Worksheet]:
    return [ws for ws in book.worksheets if ws.title not in ("Forside", METADATA_SHEET)]


def header_index(sheet: Worksheet) -> dict[str, int]:
    return {str(c.value): c.column for c in sheet[HEADER_ROW + 1] if c.value is not None}


def data_rows(sheet: Worksheet) -> range:
    return range(FIRST_DATA_ROW + 1, sheet.max_row + 1)


def open_book(path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path)


def test_a_master_and_eleven_centre_workbooks(ballerup: tuple[Workspace, IssueResult]) -> None:
    workspace, result = ballerup
    names = sorted(path.name for path in result.folder.iterdir())
    assert result.folder == workspace.path / "outbox" / "round-1"
    assert names == [
        "01-politisk-sekretariat-runde-1.xlsx",
        "02-oekonomi-og-styring-runde-1.xlsx",
        "03-social-og-sundhed-runde-1.xlsx",
        "04-skoler-institutioner-og-kultur-runde-1.xlsx",
        "05-ejendomme-runde-1.xlsx",
        "06-0-25-aars-udvalget-runde-1.xlsx",
        "07-boerne-og-ungeraadgivning-runde-1.xlsx",
        "08-by-erhverv-og-miljoe-runde-1.xlsx",
        "09-arbejdsmarked-runde-1.xlsx",
        "10-digitaliseringssekretariatet-runde-1.xlsx",
        "11-hr-og-organisationsudvikling-runde-1.xlsx",
        "master-runde-1.xlsx",
    ]
    assert all(name.isascii() for name in names)


def test_master_sheets_and_rows(ballerup: tuple[Workspace, IssueResult]) -> None:
    workspace, result = ballerup
    book = open_book(result.folder / "master-runde-1.xlsx")
    assert book.sheetnames == [
        "Forside",
        "1. Vision 2029",
        "2. Budget 2018 - Budget i…",
        "3. Sammenhængende…",
        "4. Sundhed, Ældre og Voksne…",
        "5. Erhverv og Beskæftigelse",
        "6. Befolkning og Boliger",
        "7. Borgeren og Kommunen",
        "8. Ballerup Kommune som…",
        METADATA_SHEET,
    ]
    keys = [sheet.cell(row, 1).value for sheet in chapter_sheets(book) for row in data_rows(sheet)]
    agreement = workspace.load().agreement
    assert keys == [item.number for item in agreement.items]


def editable_items(path: Path) -> tuple[set[str], set[str]]:
    """(items whose economy smiley cell is unlocked, all items shown). The economy
    smiley, as the milestone's is locked in a round without a milestone."""
    book = open_book(path)
    editable, shown = set(), set()
    for sheet in chapter_sheets(book):
        col = header_index(sheet)[f"Smiley økonomi – {R1}"]
        for row in data_rows(sheet):
            key = text(sheet.cell(row, 1).value)
            shown.add(key)
            if not sheet.cell(row, col).protection.locked:
                editable.add(key)
    return editable, shown


def test_every_item_is_answered_in_exactly_one_centre_workbook(
    ballerup: tuple[Workspace, IssueResult],
) -> None:
    workspace, result = ballerup
    agreement = workspace.load().agreement
    seen: dict[str, str] = {}
    for issued in result.files:
        if not issued.recipient:
            continue
        editable, shown = editable_items(issued.path)
        own = {item.number for item in agreement.items_of(issued.recipient)}
        contributing = {
            item.number for item in agreement.items if issued.recipient in item.contributors
        }
        assert editable == own
        # contributors = "read" by default: shown, locked.
        assert shown == own | contributing
        for number in editable:
            assert number not in seen, f"{number} editable for {seen.get(number)} too"
            seen[number] = issued.recipient
    assert set(seen) == {item.number for item in agreement.items}


def test_unlocked_cells_are_exactly_the_recorded_editable_ones(
    ballerup: tuple[Workspace, IssueResult],
) -> None:
    workspace, result = ballerup
    with Ledger(workspace.ledger_place) as ledger:
        issues = {issue.issue_id: issue for issue in ledger.issues(R1)}
        for issued in result.files:
            book = open_book(issued.path)
            unlocked = set()
            for sheet in chapter_sheets(book):
                names = {col: header for header, col in header_index(sheet).items()}
                for row in range(1, sheet.max_row + 1):
                    for col in range(1, sheet.max_column + 1):
                        if not sheet.cell(row, col).protection.locked:
                            unlocked.add((sheet.cell(row, 1).value, names[col]))
            recorded = ledger.issued_cells(issued.issue_id)
            headers = texts(workspace.load().settings.language).headers
            by_field = {
                Field.MILESTONE.value: headers["milestone"].format(round=R1),
                Field.MILESTONE_NOTE.value: headers["milestone_note"].format(round=R1),
                Field.ECONOMY.value: headers["economy"].format(round=R1),
                Field.ECONOMY_NOTE.value: headers["economy_note"].format(round=R1),
                Field.DEVIATION.value: headers["deviation"].format(year="2018", round=R1),
            }
            assert unlocked == {(item, by_field[field]) for item, field in recorded}
            assert len(recorded) == issued.editable_cells
            record = issues[issued.issue_id]
            assert record.sha256 == hashlib.sha256(issued.path.read_bytes()).hexdigest()
            assert record.recipient == issued.recipient


def test_every_sheet_is_protected_and_metadata_is_very_hidden(
    ballerup: tuple[Workspace, IssueResult],
) -> None:
    workspace, result = ballerup
    definition = workspace.load()
    issued = next(f for f in result.files if f.recipient == "Social og Sundhed")
    book = open_book(issued.path)
    assert all(sheet.protection.sheet for sheet in book.worksheets)
    meta_sheet = book[METADATA_SHEET]
    assert meta_sheet.sheet_state == "veryHidden"
    metadata = {row[0]: row[1] for row in meta_sheet.iter_rows(values_only=True)}
    assert metadata["issue_id"] == issued.issue_id
    assert metadata["fingerprint"] == fingerprint(definition.agreement)
    assert metadata["round"] == R1
    assert metadata["round_index"] == "0"
    assert metadata["centre"] == "Social og Sundhed"
    assert metadata["centre_code"] == "SOS"
    assert metadata["layout_version"] == "1"
    assert metadata["language"] == "da"
    # types-openpyxl lacks Workbook.custom_doc_props, which openpyxl has since 3.1.
    custom = book.custom_doc_props  # type: ignore[attr-defined]
    properties = {prop.name: prop.value for prop in custom.props}
    assert properties["xlfollow_issue_id"] == issued.issue_id
    assert properties["xlfollow_fingerprint"] == metadata["fingerprint"]
    sheet = book["3. Sammenhængende…"]
    assert sheet.column_dimensions["A"].hidden  # the key column
    assert sheet.freeze_panes == "D3"
    assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A2:")


def test_drop_downs_cover_exactly_the_editable_smiley_cells(
    ballerup: tuple[Workspace, IssueResult],
) -> None:
    _, result = ballerup
    issued = next(f for f in result.files if f.recipient == "Skoler, Institutioner og Kultur")
    book = open_book(issued.path)
    checked = 0
    for sheet in chapter_sheets(book):
        headers = header_index(sheet)
        lists: dict[str, set[str]] = {}
        for validation in sheet.data_validations.dataValidation:
            if validation.type == "list":
                cells = {str(c) for r in validation.sqref.ranges for c in _cells(r.coord)}
                lists.setdefault(validation.formula1, set()).update(cells)
                assert validation.showErrorMessage and validation.errorStyle in (None, "stop")
                assert validation.error == "Vælg en af smileyerne på listen."
                assert validation.prompt.startswith("Vælg")
        for header, expected in (
            (f"Smiley indsats – {R1}", MILESTONE_LIST),
            (f"Smiley økonomi – {R1}", ECONOMY_LIST),
        ):
            col = headers[header]
            unlocked = {
                sheet.cell(row, col).coordinate
                for row in data_rows(sheet)
                if not sheet.cell(row, col).protection.locked
            }
            assert lists.get(expected, set()) == unlocked
            checked += len(unlocked)
    # 24 items, 23 with a milestone in round 1 (6.27 has none).
    assert checked == 24 + 23


def _cells(coord: str) -> list[str]:
    min_col, min_row, max_col, max_row = (present(b) for b in range_boundaries(coord))
    return [
        f"{get_column_letter(col)}{row}"
        for row in range(min_row, max_row + 1)
        for col in range(min_col, max_col + 1)
    ]


def covered_cells(sheet: Worksheet) -> set[str]:
    """Every cell a data validation or a conditional format of the sheet applies to."""
    ranges = [r for v in sheet.data_validations.dataValidation for r in v.sqref.ranges]
    ranges += [r for cf in sheet.conditional_formatting for r in cf.sqref.ranges]
    return {cell for r in ranges for cell in _cells(r.coord)}


def test_a_round_without_a_milestone_shows_it_locked_and_grey(
    ballerup: tuple[Workspace, IssueResult],
) -> None:
    workspace, result = ballerup
    closed = without_milestone(workspace.path, R1)
    assert {"4.12", "8.12"} <= closed and len(closed) == 19
    agreement = workspace.load().agreement
    with Ledger(workspace.ledger_place) as ledger:
        for issued in result.files:  # the master and every centre's workbook
            book = open_book(issued.path)
            own = {i.number for i in agreement.items if i.centre == issued.recipient}
            seen = set()
            for sheet in chapter_sheets(book):
                heads = header_index(sheet)
                covered = covered_cells(sheet)
                for row in data_rows(sheet):
                    number = str(sheet.cell(row, 1).value)
                    if number not in closed:
                        continue
                    seen.add(number)
                    smiley = sheet.cell(row, heads[f"Smiley indsats – {R1}"])
                    status = sheet.cell(row, heads[f"Status {R1}"])
                    assert smiley.value == "Ingen milepæl", (issued.path.name, number)
                    assert status.value is None
                    editable = not issued.recipient or number in own
                    # (An empty cell of a row shown locked is not written: its
                    # column's format, locked and grey, shows.)
                    for cell in (smiley, status) if editable else (smiley,):
                        assert cell.protection.locked, (issued.path.name, cell.coordinate)
                        assert cell.fill.fgColor.rgb == "FFF2F2F2"  # the locked grey
                        assert cell.coordinate not in covered
                    economy = sheet.cell(row, heads[f"Smiley økonomi – {R1}"])
                    assert economy.protection.locked is not editable
                    assert (economy.coordinate in covered) is editable
            cells = ledger.issued_cells(issued.issue_id)
            shown = ledger.issued_cells(issued.issue_id, editable=False)
            if not issued.recipient:
                assert seen == closed
            elif issued.recipient == "Social og Sundhed":
                assert {"4.12", "8.12"} <= seen
            for number in seen:
                for field in (Field.MILESTONE, Field.MILESTONE_NOTE):
                    assert (number, field) not in cells and (number, field) not in shown
                if not issued.recipient or number in own:
                    assert cells[(number, Field.ECONOMY)] == ""
    master = open_book(result.folder / "master-runde-1.xlsx")
    sheet = master["4. Sundhed, Ældre og Voksne…"]
    (row,) = [r for r in data_rows(sheet) if sheet.cell(r, 1).value == "4.13"]
    assert not sheet.cell(row, header_index(sheet)[f"Smiley indsats – {R1}"]).protection.locked


def contributors_cells(path: Path) -> dict[str, str | None]:
    """The contributors column of a workbook, by item number."""
    cells = {}
    for sheet in chapter_sheets(open_book(path)):
        col = header_index(sheet)["Væsentlig bidragsyder"]
        for row in data_rows(sheet):
            cells[str(sheet.cell(row, 1).value)] = text_or_none(sheet.cell(row, col).value)
    return cells


def test_contributors_show_their_wording_or_one_name_a_line(
    ballerup: tuple[Workspace, IssueResult],
) -> None:
    _, result = ballerup
    master = contributors_cells(result.folder / "master-runde-1.xlsx")
    assert master["7.04"] == "De øvrige centre og sekretariater"
    assert master["3.01"] == "Skoler, Institutioner og Kultur\nBørne- og Ungerådgivning"
    assert master["4.08"] == (
        "Politisk Sekretariat\nSkoler, Institutioner og Kultur\nBørne- og Ungerådgivning"
    )
    assert master["3.04"] == "Skoler, Institutioner og Kultur"
    assert master["1.02"] is None
    # A centre that only contributes to 7.04 sees it with the wording too.
    digital = contributors_cells(result.folder / "10-digitaliseringssekretariatet-runde-1.xlsx")
    assert digital["7.04"] == "De øvrige centre og sekretariater"


def test_conditional_formats_colour_steps_missing_and_invalid(
    ballerup: tuple[Workspace, IssueResult],
) -> None:
    _, result = ballerup
    book = open_book(result.folder / "05-ejendomme-runde-1.xlsx")
    sheet = book["3. Sammenhængende…"]
    rules = [rule for cf in sheet.conditional_formatting for rule in cf.rules]
    kinds = sorted(rule.type for rule in rules)
    # Per smiley column: one invalid rule, one rule per step; the current round's
    # milestone and economy smileys are also marked when blank.
    assert kinds.count("expression") == 2
    assert kinds.count("cellIs") == 3 + 2
    assert kinds.count("containsBlanks") == 2
    formulas = [rule.formula[0] for rule in rules if rule.type == "cellIs"]
    assert '"😊 Opfyldt"' in formulas and '"☹️ Ikke overholdt"' in formulas


def test_status_notes_from_the_report_are_the_base_of_round_one(
    ballerup: tuple[Workspace, IssueResult],
) -> None:
    workspace, result = ballerup
    issued = next(f for f in result.files if f.recipient == "Social og Sundhed")
    with Ledger(workspace.ledger_place) as ledger:
        cells = ledger.issued_cells(issued.issue_id)
    assert cells[("3.01", Field.ECONOMY_NOTE)].startswith("Beløbet på 0,762 mio kr.")
    assert cells[("3.01", Field.MILESTONE)] == ""
    book = open_book(issued.path)
    sheet = book["3. Sammenhængende…"]
    col = header_index(sheet)[f"Status økonomi – {R1}"]
    assert text(sheet.cell(3, col).value).startswith("Beløbet på 0,762 mio kr.")


def test_issuing_a_round_twice_needs_again(
    ballerup: tuple[Workspace, IssueResult], tmp_path: Path
) -> None:
    workspace, _ = ballerup
    copy = copied(workspace, tmp_path)
    with pytest.raises(WorkspaceError, match=r"has been issued already; .* Give --again"):
        copy.issue("1")
    again = copy.issue("1. budgetopfølgning 2018", again=True)
    with Ledger(copy.ledger_place) as ledger:
        # Each time: the outbox's 12 workbooks, and master.xlsx written anew.
        assert len(ledger.issues(R1)) == 26
    assert len(again.files) == 12


def test_round_three_shows_earlier_rounds_locked(tmp_path: Path) -> None:
    workspace = Workspace.init(tmp_path / "ws", "ballerup-2018")
    with Ledger(workspace.ledger_place) as ledger:
        ledger.set_answers(
            [
                ((R1, "3.01", Field.MILESTONE), "met"),
                ((R1, "3.01", Field.MILESTONE_NOTE), "Pilotprojektet er planlagt."),
                ((R2, "3.01", Field.MILESTONE), "partly"),
                ((R2, "3.01", Field.ECONOMY), "not_kept"),
                ((R3, "3.01", Field.MILESTONE), "not_met"),
            ],
            source="test",
        )
    result = workspace.issue("3")
    book = open_book(result.folder / "03-social-og-sundhed-runde-3.xlsx")
    sheet = book["3. Sammenhængende…"]
    headers = header_index(sheet)
    assert list(headers)[9:27] == [
        f"Milepæl {R1}",
        f"Smiley indsats – {R1}",
        f"Status {R1}",
        f"Milepæl {R2}",
        f"Smiley indsats – {R2}",
        f"Status {R2}",
        f"Milepæl {R3}",
        f"Smiley indsats – {R3}",
        f"Status {R3}",
        "Milepæl 31.12.2018",
        "Økonomi",
        # The earlier rounds' economy, shown as their milestones are.
        f"Smiley økonomi – {R1}",
        f"Status økonomi – {R1}",
        f"Forventet afvigelse 2018 (mio. kr.) – {R1}",
        f"Smiley økonomi – {R2}",
        f"Status økonomi – {R2}",
        f"Forventet afvigelse 2018 (mio. kr.) – {R2}",
        f"Smiley økonomi – {R3}",
    ]
    row = 3
    assert sheet.cell(row, 1).value == "3.01"

    def cell(header: str) -> openpyxl.cell.Cell:
        found = sheet.cell(row, headers[header])
        assert isinstance(found, openpyxl.cell.Cell), f"{header}: a merged cell"
        return found

    assert cell(f"Smiley indsats – {R1}").value == "😊 Opfyldt"
    assert cell(f"Status {R1}").value == "Pilotprojektet er planlagt."
    assert cell(f"Smiley indsats – {R2}").value == "😐 Delvist opfyldt"
    assert all(
        cell(h).protection.locked
        for h in (f"Smiley indsats – {R1}", f"Status {R1}", f"Smiley indsats – {R2}")
    )
    # The current round: its value is the base, and it can be changed.
    assert cell(f"Smiley indsats – {R3}").value == "☹️ Ikke opfyldt"
    assert not cell(f"Smiley indsats – {R3}").protection.locked
    assert cell(f"Milepæl {R3}").value == "Samarbejde med almen praksis indledes."
    assert cell("Milepæl 31.12.2018").protection.locked
    # The economy smiley of round 3 starts empty: round 2's was for round 2, and is
    # shown, locked, in its own column.
    assert cell(f"Smiley økonomi – {R3}").value is None
    assert cell(f"Smiley økonomi – {R2}").value == "☹️ Ikke overholdt"
    assert cell(f"Smiley økonomi – {R2}").protection.locked
    assert cell(f"Smiley økonomi – {R1}").value is None
    with Ledger(workspace.ledger_place) as ledger:
        (issue,) = [i for i in ledger.issues(R3) if i.recipient == "Social og Sundhed"]
        assert ledger.issued_cells(issue.issue_id)[("3.01", Field.MILESTONE)] == "not_met"


def test_every_round_without_a_milestone_says_so_whatever_the_ledger_holds(
    tmp_path: Path,
) -> None:
    workspace = Workspace.init(tmp_path / "ws", "ballerup-2018")
    # 4.12 has a milestone in round 2 only.
    assert "4.12" in without_milestone(workspace.path, R1)
    assert "4.12" not in without_milestone(workspace.path, R2)
    assert "4.12" in without_milestone(workspace.path, R3)
    with Ledger(workspace.ledger_place) as ledger:
        ledger.set_answers(  # as a ledger from before these cells were locked may hold
            [
                ((R1, "4.12", Field.MILESTONE), "met"),
                ((R1, "4.12", Field.MILESTONE_NOTE), "Gammel note."),
                ((R2, "4.12", Field.MILESTONE), "partly"),
                ((R3, "4.12", Field.MILESTONE), "not_met"),
                ((R3, "4.12", Field.MILESTONE_NOTE), "Ny note."),
            ],
            source="test",
        )
    result = workspace.issue("3")
    book = open_book(result.folder / "03-social-og-sundhed-runde-3.xlsx")
    sheet = book["4. Sundhed, Ældre og Voksne…"]
    heads = header_index(sheet)
    (row,) = [r for r in data_rows(sheet) if sheet.cell(r, 1).value == "4.12"]
    cell = {header: sheet.cell(row, col) for header, col in heads.items()}
    assert cell[f"Smiley indsats – {R1}"].value == "Ingen milepæl"
    assert cell[f"Status {R1}"].value is None
    assert cell[f"Smiley indsats – {R2}"].value == "😐 Delvist opfyldt"
    assert cell[f"Smiley indsats – {R3}"].value == "Ingen milepæl"
    assert cell[f"Status {R3}"].value is None
    assert (
        cell[f"Smiley indsats – {R3}"].protection.locked and cell[f"Status {R3}"].protection.locked
    )
    assert not cell[f"Smiley økonomi – {R3}"].protection.locked
    with Ledger(workspace.ledger_place) as ledger:
        (issue,) = [i for i in ledger.issues(R3) if i.recipient == "Social og Sundhed"]
        cells = ledger.issued_cells(issue.issue_id)
    assert ("4.12", Field.MILESTONE) not in cells and ("4.12", Field.MILESTONE_NOTE) not in cells
    assert ("4.12", Field.ECONOMY) in cells


def test_contributors_none_and_edit(tmp_path: Path) -> None:
    for mode, shown, editable in (("none", 21, 21), ("edit", 27, 27)):
        workspace = Workspace.init(tmp_path / mode, "ballerup-2018")
        settings_text = workspace.settings_path.read_text(encoding="utf-8")
        workspace.settings_path.write_text(
            settings_text + f'\n[workbooks]\ncontributors = "{mode}"\n', encoding="utf-8"
        )
        assert workspace.load().settings.contributors is Contributors(mode)
        result = workspace.issue("1")
        path = next(f.path for f in result.files if f.recipient == "Social og Sundhed")
        editable_numbers, shown_numbers = editable_items(path)
        assert (len(shown_numbers), len(editable_numbers)) == (shown, editable)


def spec_for(definition: Definition, answers: dict[tuple[str, str, Field], str]) -> WorkbookSpec:
    return WorkbookSpec(
        definition=definition,
        round_index=0,
        recipient=recipients(definition, 0)[1],
        issue_id="0123456789abcdef0123456789abcdef",
        issued_at=datetime(2018, 3, 1, 9, 0, 0),
        answers=answers,
        fingerprint=fingerprint(definition.agreement),
        tool_version="test",
    )


def test_the_same_spec_gives_the_same_bytes(tmp_path: Path) -> None:
    definition = Workspace.init(tmp_path / "ws").load()
    first = write_workbook(spec_for(definition, {}))
    second = write_workbook(spec_for(definition, {}))
    assert first.content == second.content
    assert first.cells == second.cells


def test_a_round_is_written_from_specs_that_share_everything_but_the_recipient(
    tmp_path: Path,
) -> None:
    definition = Workspace.init(tmp_path / "ws").load()
    first = spec_for(definition, {})
    others = [
        dataclasses.replace(first, recipient=recipient, issue_id=f"{n:032x}")
        for n, recipient in enumerate(recipients(definition, 0)[2:4])
    ]
    books = list(write_round([first, *others]))
    assert [b.content for b in books[1:]] == [write_workbook(s).content for s in others]
    # Rows are made once for the round, so answers of its own for one spec are refused.
    own = dataclasses.replace(others[0], answers={(R1, "3.01", Field.MILESTONE): "met"})
    with pytest.raises(ValueError, match="must differ in recipient and issue id only"):
        list(write_round([first, own]))


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    definition = Workspace.init(tmp_path / "ws").load()
    evil = {(R1, "3.01", Field.MILESTONE_NOTE): '=HYPERLINK("http://x.example","klik")'}
    path = tmp_path / "book.xlsx"
    path.write_bytes(write_workbook(spec_for(definition, evil)).content)
    sheet = open_book(path)["3. Sammenhængende…"]
    col = header_index(sheet)[f"Status {R1}"]
    assert sheet.cell(3, col).data_type == "s"
    assert sheet.cell(3, col).value == '=HYPERLINK("http://x.example","klik")'
    # Not sheet._hyperlinks: openpyxl leaves it empty on loading, links or not.
    assert [c.coordinate for row in sheet.iter_rows() for c in row if c.hyperlink] == []


SMALL = Path(__file__).parent.parent / "examples" / "small"
notes = st.text(
    st.characters(categories=("L", "N", "P", "S", "Zs"), include_characters="\n"), max_size=60
).map(str.strip)
amounts = st.decimals(min_value=-1000, max_value=1000, places=3).map(lambda d: repr(float(d)))


@st.composite
def round_answers(draw: st.DrawFn, definition: Definition) -> dict[tuple[str, str, Field], str]:
    agreement = definition.agreement
    answers = {}
    for item in agreement.items:
        answers[(R1, item.number, Field.MILESTONE)] = draw(
            st.sampled_from(["", *agreement.milestone_scale.codes])
        )
        answers[(R1, item.number, Field.ECONOMY)] = draw(
            st.sampled_from(["", *agreement.economy_scale.codes])
        )
        answers[(R1, item.number, Field.MILESTONE_NOTE)] = draw(notes)
        answers[(R1, item.number, Field.ECONOMY_NOTE)] = draw(notes)
        answers[(R1, item.number, Field.DEVIATION)] = draw(st.just("") | amounts)
    return answers


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Definition:
    return Workspace.init(tmp_path_factory.mktemp("small") / "ws").load()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_read_of_write_gives_back_every_editable_cell(
    small: Definition, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    answers = data.draw(round_answers(small))
    master = Recipient("", "master", "master.xlsx")
    spec = spec_for(small, answers)
    spec = WorkbookSpec(**{**spec.__dict__, "recipient": master})
    book = write_workbook(spec)
    path = tmp_path_factory.mktemp("rt") / "master.xlsx"
    path.write_bytes(book.content)
    returned = read_workbook(path, small.agreement)
    assert [c for c in returned.cells if c.problem] == []
    assert returned.tampered == () and returned.missing == ()
    # A round without a milestone has nothing to answer: its answers (as an old
    # ledger might hold) are neither issued nor read back.
    closed = {
        (item.number, field)
        for item in small.agreement.items
        if R1 not in item.milestones
        for field in (Field.MILESTONE, Field.MILESTONE_NOTE)
    }
    expected = {
        (item, field): value
        for (_, item, field), value in answers.items()
        if (item, field) not in closed
    }
    assert returned.values() == expected
    assert {(item, field): value for item, field, value in book.cells} == expected
    assert returned.metadata["issue_id"] == spec.issue_id


def test_the_no_milestone_label_in_either_language_is_no_answer(tmp_path: Path) -> None:
    workspace = Workspace.init(tmp_path / "ws")
    text = workspace.settings_path.read_text(encoding="utf-8")
    workspace.settings_path.write_text(
        text.replace('language = "da"', 'language = "en"'), encoding="utf-8"
    )
    agreement = workspace.load().agreement
    assert "6.14" in without_milestone(workspace.path, R1)
    path = workspace.issue("1").folder / "master-round-1.xlsx"  # an English workspace names it so
    book = open_book(path)
    sheet = book["6. Befolkning og Boliger"]
    heads = header_index(sheet)
    (row,) = [r for r in data_rows(sheet) if sheet.cell(r, 1).value == "6.14"]
    smiley = sheet.cell(row, heads[f"Milestone smiley – {R1}"])
    status = sheet.cell(row, heads[f"Status {R1}"])
    assert smiley.value == "No milestone" and smiley.protection.locked
    assert status.protection.locked
    returned = read_workbook(path, agreement)
    assert [c for c in returned.cells if c.problem] == []
    assert {c.field for c in returned.cells if c.item == "6.14"} == {
        Field.ECONOMY,
        Field.ECONOMY_NOTE,
        Field.DEVIATION,
    }
    # The Danish label, in another case and spacing, is the same label.
    smiley.value = "  INGEN   milepæl "
    book.save(tmp_path / "danish.xlsx")
    returned = read_workbook(tmp_path / "danish.xlsx", agreement)
    assert [c for c in returned.cells if c.problem] == []
    assert ("6.14", Field.MILESTONE) not in returned.values()
    # A smiley or a note there is refused, saying where and why.
    smiley.value = "😊 Met"
    status.value = "Done."
    book.save(tmp_path / "typed.xlsx")
    returned = read_workbook(tmp_path / "typed.xlsx", agreement)
    where = f"{tmp_path / 'typed.xlsx'}, sheet '6. Befolkning og Boliger'"
    why = f"item 6.14 has no milestone in {R1}, so there is nothing to answer here; leave the cell as it is"
    assert [
        (c.item, c.field, c.value, c.cell, str(c.problem)) for c in returned.cells if c.problem
    ] == [
        (
            "6.14",
            Field.MILESTONE,
            "😊 Met",
            smiley.coordinate,
            f"{where}, cell {smiley.coordinate}: {why}",
        ),
        (
            "6.14",
            Field.MILESTONE_NOTE,
            "Done.",
            status.coordinate,
            f"{where}, cell {status.coordinate}: {why}",
        ),
    ]
    assert ("6.14", Field.MILESTONE) not in returned.values()


def test_columns_come_from_one_declaration(small: Definition) -> None:
    columns = sheet_columns(small.agreement, 0, small.settings.language)
    editable = [c.field for c in columns if c.editable]
    assert editable == [
        Field.MILESTONE,
        Field.MILESTONE_NOTE,
        Field.ECONOMY,
        Field.ECONOMY_NOTE,
        Field.DEVIATION,
    ]
    assert [c.key for c in columns if c.grouped] == ["agreement_text", "action_text"]


def test_an_english_workspace_gets_english_workbooks(tmp_path: Path) -> None:
    workspace = Workspace.init(tmp_path / "ws")
    text = workspace.settings_path.read_text(encoding="utf-8")
    workspace.settings_path.write_text(
        text.replace('language = "da"', 'language = "en"'), encoding="utf-8"
    )
    result = workspace.issue("1")
    path = next(f.path for f in result.files if f.recipient == "Social og Sundhed")
    book = open_book(path)
    assert book.sheetnames[0] == "Front"
    sheet = book["3. Sammenhængende…"]
    headers = header_index(sheet)
    assert f"Milestone smiley – {R1}" in headers and f"Economy smiley – {R1}" in headers
    lists = {v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list"}
    assert lists == {'"😊 Met,😐 Partly met,☹️ Not met"', '"😊 Kept,☹️ Not kept"'}
    col = headers[f"Milestone smiley – {R1}"]
    sheet.protection.sheet = False
    sheet.cell(3, col).value = "😐 Partly met"
    book.save(path)
    returned = read_workbook(path, workspace.load().agreement)
    assert returned.values()[("3.01", Field.MILESTONE)] == "partly"
