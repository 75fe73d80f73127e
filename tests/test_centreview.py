"""What a centre needs to answer in its workbook: the items it only contributes to
marked as such, and from round 2 on the earlier rounds' economy shown beside the
milestones' (issue 19)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

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
    with Ledger(workspace.ledger_path) as ledger:
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
