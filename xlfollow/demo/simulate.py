"""Centres answering a round, simulated: filled-in copies of the issued workbooks.

A seeded random generator decides each answer, so the same seed gives the same
files. Each copy is made as a centre makes it: the issued workbook opened
(openpyxl), smileys chosen as the drop-down list writes them, notes and
amounts typed, saved. Used by the tests, the benchmarks and the pictures in
docs/.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Collection, Mapping
from pathlib import Path

import openpyxl

from xlfollow.answers import Field
from xlfollow.ledger.store import Ledger
from xlfollow.model import Definition, Item
from xlfollow.workbooks.layout import FIRST_DATA_ROW, HEADER_ROW, sheet_columns
from xlfollow.workbooks.smileys import smiley_choice
from xlfollow.workspace.folder import Workspace

__all__ = ["answer_round", "fill_workbook", "random_answers"]

NOTES = (
    "Forløber som planlagt.",
    "Forsinket; forventes indhentet i næste kvartal.",
    "Afventer politisk behandling.",
    "Udbuddet er gennemført.",
)
OVERSPENT: tuple[str | float, ...] = (0.25, 0.5, "1,2", "0,8")
"""Expected deviations as centres type them: numbers, or text the Danish way."""
UNDERSPENT: tuple[str | float, ...] = (-0.1, "-0,35")


def fill_workbook(
    issued: Path,
    out: Path,
    typed: Mapping[tuple[str, Field], str | float],
    definition: Definition,
    round_index: int,
) -> Path:
    """A copy of an issued workbook with values typed in, by (item number, field).

    Fields are milestone, milestone_note, economy, economy_note and deviation of
    the round; a value is written as given (a smiley as its list entry, say).
    """
    language = definition.settings.language
    columns = sheet_columns(definition.agreement, round_index, language)
    header_of = {c.field: c.header for c in columns if c.editable and c.field is not None}
    number_header = next(c.header for c in columns if c.key == "number")
    shutil.copy(issued, out)
    book = openpyxl.load_workbook(out)
    left = dict(typed)
    for sheet in book.worksheets:
        heads = {str(c.value): c.column for c in sheet[HEADER_ROW + 1] if c.value is not None}
        if number_header not in heads or sheet.sheet_state != "visible":
            continue
        for row in range(FIRST_DATA_ROW + 1, sheet.max_row + 1):
            number = str(sheet.cell(row, heads[number_header]).value)
            for field, header in header_of.items():
                value = left.pop((number, field), None)
                if value is not None and header in heads:
                    sheet.cell(row, heads[header]).value = value
    if left:
        raise KeyError(f"{issued}: no cell for {sorted(left)[:3]}")
    book.save(out)
    return out


def random_answers(
    definition: Definition, items: Collection[Item], round_index: int, rng: random.Random
) -> dict[tuple[str, Field], str | float]:
    """What a centre types for its items: most smileys given (good ones more often),
    notes where a milestone is not fully met, some expected deviations."""
    agreement = definition.agreement
    language = definition.settings.language
    round_name = agreement.rounds[round_index]
    milestones = [smiley_choice(s, language) for s in agreement.milestone_scale.steps]
    economies = [smiley_choice(s, language) for s in agreement.economy_scale.steps]
    typed: dict[tuple[str, Field], str | float] = {}
    for item in items:
        if item.milestone(round_name) and rng.random() < 0.9:
            choice = rng.choices(range(len(milestones)), weights=[6, 3, 1][: len(milestones)])[0]
            typed[(item.number, Field.MILESTONE)] = milestones[choice]
            if choice:
                typed[(item.number, Field.MILESTONE_NOTE)] = rng.choice(NOTES)
        if rng.random() < 0.9:
            choice = rng.choices(range(len(economies)), weights=[4, 1][: len(economies)])[0]
            typed[(item.number, Field.ECONOMY)] = economies[choice]
            if choice:
                typed[(item.number, Field.ECONOMY_NOTE)] = rng.choice(NOTES)
                typed[(item.number, Field.DEVIATION)] = rng.choice(OVERSPENT)
        elif rng.random() < 0.2:
            typed[(item.number, Field.DEVIATION)] = rng.choice(UNDERSPENT)
    return typed


def answer_round(
    workspace: Workspace, round_text: str, seed: int, silent: Collection[str] = ()
) -> list[Path]:
    """Every centre but the silent ones answers its own items of an issued round;
    the filled-in copies are saved in the workspace's inbox/ (not merged)."""
    definition = workspace.load()
    round_index = definition.round_index(round_text)
    round_name = definition.agreement.rounds[round_index]
    rng = random.Random(seed)
    with Ledger(workspace.ledger_place) as ledger:
        issues = [i for i in ledger.issues(round_name) if i.recipient]
    inbox = workspace.path / "inbox"
    inbox.mkdir(exist_ok=True)
    written = []
    for issue in issues:
        if issue.recipient in silent:
            continue
        own = [item for item in definition.agreement.items if item.centre == issue.recipient]
        typed = random_answers(definition, own, round_index, rng)
        issued = workspace.path / issue.file
        out = inbox / issued.name  # the issued name carries the round
        written.append(fill_workbook(issued, out, typed, definition, round_index))
    return written
