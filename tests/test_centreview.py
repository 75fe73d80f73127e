"""What a centre needs to answer in its workbook: the items it only contributes to
marked as such, and from round 2 on the earlier rounds' economy shown beside the
milestones' (issue 19)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from xlfollow.answers import Field
from xlfollow.demo.simulate import answer_round
from xlfollow.ledger.store import Ledger
from xlfollow.workspace.folder import Workspace

CONTRIBUTOR = "Skoler, Institutioner og Kultur"
CONTRIBUTED = "FFDDEBF7"


def workspace_with(tmp_path: Path, contributors: str) -> Workspace:
    workspace = Workspace.init(tmp_path / "ws", "ballerup-2018")
    with workspace.settings_path.open("a", encoding="utf-8") as settings:
        settings.write(f'\n[workbooks]\ncontributors = "{contributors}"\n')
    workspace.issue("1")
    return workspace


def issued_to(workspace: Workspace, centre: str) -> Path:
    with Ledger(workspace.ledger_place) as ledger:
        (issue,) = [i for i in ledger.issues() if i.recipient == centre]
    return workspace.path / issue.file


def fills_by_item(book: Path) -> dict[str, tuple[str, ...]]:
    """Per item: the fill of its number, title and responsible centre cells."""
    found = {}
    for sheet in openpyxl.load_workbook(book).worksheets:
        heads = {str(c.value): c.column for c in sheet[2] if c.value is not None}
        if "Nr." not in heads:
            continue
        for row in range(3, sheet.max_row + 1):
            number = sheet.cell(row, heads["Nr."]).value
            if number is None:
                continue
            cells = [sheet.cell(row, heads[h]) for h in ("Nr.", "Delelement", "Ansvarligt center")]
            found[str(number)] = tuple(str(c.fill.fgColor.rgb) for c in cells)
    return found


@pytest.mark.parametrize("contributors", ["edit", "read"])
def test_items_a_centre_only_contributes_to_are_marked(tmp_path: Path, contributors: str) -> None:
    workspace = workspace_with(tmp_path, contributors)
    agreement = workspace.load().agreement
    fills = fills_by_item(issued_to(workspace, CONTRIBUTOR))
    own = {i.number for i in agreement.items if i.centre == CONTRIBUTOR}
    contributed = {
        i.number
        for i in agreement.items
        if CONTRIBUTOR in i.contributors and i.centre != CONTRIBUTOR
    }
    assert own and contributed and set(fills) == own | contributed
    for number, three in fills.items():
        fill_number, fill_title, fill_centre = three
        marked = number in contributed
        assert (fill_number == CONTRIBUTED) is marked, number
        assert (fill_title == CONTRIBUTED) is marked, number
        assert fill_centre != CONTRIBUTED


def test_the_master_marks_no_item(tmp_path: Path) -> None:
    workspace = workspace_with(tmp_path, "edit")
    fills = fills_by_item(workspace.path / "master.xlsx")
    assert fills and all(CONTRIBUTED not in three for three in fills.values())


def test_from_round_2_the_earlier_economy_is_shown_locked_beside_the_new(tmp_path: Path) -> None:
    workspace = Workspace.init(tmp_path / "ws", "ballerup-2018")
    workspace.issue("1")
    answer_round(workspace, "1", seed=1)
    workspace.merge()
    workspace.issue("2")
    definition = workspace.load()
    answers = workspace.answers(definition)
    centre_of = {item.number: item.centre for item in definition.agreement.items}
    book = openpyxl.load_workbook(issued_to_round(workspace, CENTRE, 2))
    shown = 0
    for sheet in book.worksheets:
        heads = {str(c.value): c.column for c in sheet[2] if c.value is not None}
        if "Nr." not in heads:
            continue
        # The economy of round 1 before round 2's, each named by its round.
        order = [heads[h] for h in (*EARLIER.values(), *NOW)]
        assert order == sorted(order)
        for row in range(3, sheet.max_row + 1):
            number = str(sheet.cell(row, heads["Nr."]).value)
            for field, header in EARLIER.items():
                cell = sheet.cell(row, heads[header])
                assert cell.protection.locked
                given = answers.get((R1, number, field), "")
                assert given == _stored(cell.value, field), (number, header)
                shown += bool(given)
            if centre_of[number] == CENTRE:  # its own: the round's economy to answer
                assert not sheet.cell(row, heads[NOW[0]]).protection.locked
    assert shown > 20  # round 1's economy answers, not empty columns that agree


def _stored(value: object, field: Field) -> str:
    """A cell's value as the ledger stores it: a smiley's code, a note, an amount."""
    if value is None:
        return ""
    if field is Field.ECONOMY:
        return {"😊 Overholdt": "kept", "☹️ Ikke overholdt": "not_kept"}[str(value)]
    if field is Field.DEVIATION:
        return repr(float(str(value)))
    return str(value)


def issued_to_round(workspace: Workspace, centre: str, number: int) -> Path:
    with Ledger(workspace.ledger_place) as ledger:
        (issue,) = [
            i
            for i in ledger.issues()
            if i.recipient == centre and i.file.startswith(f"outbox/round-{number}/")
        ]
    return workspace.path / issue.file


CENTRE = "Social og Sundhed"
R1, R2 = "1. budgetopfølgning 2018", "2. budgetopfølgning 2018"
EARLIER = {
    Field.ECONOMY: f"Smiley økonomi – {R1}",
    Field.ECONOMY_NOTE: f"Status økonomi – {R1}",
    Field.DEVIATION: f"Forventet afvigelse 2018 (mio. kr.) – {R1}",
}
NOW = (
    f"Smiley økonomi – {R2}",
    f"Status økonomi – {R2}",
    f"Forventet afvigelse 2018 (mio. kr.) – {R2}",
)


def front_texts(book: Path) -> str:
    sheet = openpyxl.load_workbook(book).worksheets[0]
    return "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)


@pytest.mark.parametrize(
    ("contributors", "said"),
    [
        (
            "edit",
            "Giv også smileys og status for dem ud fra jeres del af opgaven; det ansvarlige "
            "center svarer også, og er svarene forskellige, afgør Økonomi og Styring det.",
        ),
        (
            "read",
            "De vises til orientering og kan ikke udfyldes: det ansvarlige center svarer for dem.",
        ),
    ],
)
def test_the_front_sheet_says_how_to_answer_what_a_centre_contributes_to(
    tmp_path: Path, contributors: str, said: str
) -> None:
    workspace = workspace_with(tmp_path, contributors)
    text = front_texts(issued_to(workspace, CONTRIBUTOR))
    assert "er markeret med lyseblåt i kolonnerne Nr. og Delelement" in text
    assert said in text
    assert "klik på + over kolonnerne for at se dem" in text  # the collapsed texts


def test_without_contributed_items_the_front_sheet_says_nothing_of_them(tmp_path: Path) -> None:
    workspace = workspace_with(tmp_path, "none")
    text = front_texts(issued_to(workspace, CONTRIBUTOR))
    assert "lyseblåt" not in text
    assert "klik på + over kolonnerne for at se dem" in text
