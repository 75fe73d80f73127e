"""Every declared column binds the writer, the reader, the lock check and the fingerprint:
what a column writes reads back as itself, what it shows locked is what the return is
checked against, and what it shows of an item is in the fingerprint a return is
matched by. Properties over every column of every round, in both languages."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_roundtrip import agreements

from xlfollow.answers import Field
from xlfollow.definition.agreement import load_agreement
from xlfollow.definition.fingerprint import fingerprint
from xlfollow.errors import CellError
from xlfollow.ledger.dialect import Engine
from xlfollow.model import Agreement, Item, Language
from xlfollow.workbooks.column import MAX_TEXT, Column, ColumnKind
from xlfollow.workbooks.layout import sheet_columns

LEDGER_ENGINES = (Engine.SQLITE,)
"""Workbook columns: no ledger is opened here."""

EXAMPLE = load_agreement(
    Path(__file__).parent.parent / "examples" / "ballerup_2018" / "agreement.yaml"
)


def every_column(agreement: Agreement) -> list[Column]:
    return [
        column
        for index in range(len(agreement.rounds))
        for language in Language
        for column in sheet_columns(agreement, index, language)
    ]


def answers_for(column: Column) -> st.SearchStrategy[str]:
    """The answers a column stores, as the reader makes them."""
    if column.scale is not None:
        return st.sampled_from([step.code for step in column.scale.steps])
    if column.kind is ColumnKind.AMOUNT:
        return st.floats(-1e6, 1e6, allow_nan=False).map(repr)
    printable = st.characters(categories=("L", "N", "P", "S", "Zs"), include_characters="\n")
    return st.text(printable, min_size=1, max_size=200).map(str.strip).filter(bool)


EDITABLE = [column for column in every_column(EXAMPLE) if column.field is not None]


def test_the_example_declares_an_answer_column_for_every_field_and_round() -> None:
    declared = {(c.round_name, c.field, c.language) for c in EDITABLE}
    milestones = {
        (name, field, language)
        for name in EXAMPLE.rounds
        for field in (Field.MILESTONE, Field.MILESTONE_NOTE)
        for language in Language
    }
    economy = {
        (name, field, language)
        for name in EXAMPLE.rounds
        for field in (Field.ECONOMY, Field.ECONOMY_NOTE, Field.DEVIATION)
        for language in Language
    }
    assert declared == milestones | economy


@given(st.data())
def test_an_answer_written_in_its_column_reads_back_as_itself(data: st.DataObject) -> None:
    column = data.draw(st.sampled_from(EDITABLE))
    answer = data.draw(answers_for(column))
    # The value a spreadsheet hands back: a number as a float, a text as the text.
    assert column.read(column.cell(answer)) == answer


@given(st.data())
def test_a_smiley_reads_back_whichever_language_wrote_it(data: st.DataObject) -> None:
    column = data.draw(st.sampled_from([c for c in EDITABLE if c.scale is not None]))
    answer = data.draw(answers_for(column))
    other = next(c for c in EDITABLE if c.key == column.key and c.language is not column.language)
    assert column.read(other.cell(answer)) == answer


@given(st.sampled_from(EDITABLE), st.text(min_size=1).filter(str.strip))
def test_a_column_reads_any_text_as_an_answer_or_says_what_it_takes(
    column: Column, typed: str
) -> None:
    try:
        answer = column.read(typed)
    except CellError as exc:
        assert str(exc)
    else:
        if column.scale is not None:
            assert answer in column.scale.codes
        elif column.kind is ColumnKind.AMOUNT:
            assert abs(float(answer)) <= 1e6
        else:
            assert answer == typed.strip() and len(answer) <= MAX_TEXT


def test_every_column_shows_the_examples_items() -> None:
    """Each non-answer column shows something for some item of the example: none is
    declared and left empty by mistake."""
    for column in every_column(EXAMPLE):
        if column.field is None and not column.key.startswith("milestone_text@"):
            assert any(column.shows(item, {}) for item in EXAMPLE.items), column.key


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(agreements())
def test_a_locked_text_is_checked_against_what_its_column_wrote(agreement: Agreement) -> None:
    """The reader compares a locked cell with `issued`; the writer wrote `shows`. Were
    they to differ, every return would be reported as changed."""
    for column in every_column(agreement):
        if column.issued is None:
            continue
        for item in agreement.items:
            written = column.shows(item, {})
            assert (written or "") == column.issued(item), (column.key, item.number)


def _item_changes(item: Item, other: Item) -> list[Item]:
    """The item with each of its fields in turn taken from another item."""
    changes = []
    for item_field in dataclasses.fields(Item):
        if item_field.name == "number":
            continue
        theirs = getattr(other, item_field.name)
        if theirs != getattr(item, item_field.name):
            changes.append(dataclasses.replace(item, **{item_field.name: theirs}))
    return changes


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(agreements())
def test_what_a_column_shows_of_an_item_is_in_the_fingerprint(agreement: Agreement) -> None:
    """A return is matched to its agreement by the fingerprint: a change to anything a
    workbook shows of an item must change it."""
    if len(agreement.items) < 2:
        return
    columns = every_column(agreement)
    first, second = agreement.items[0], agreement.items[1]
    before = fingerprint(agreement)
    for changed in _item_changes(first, second):
        shown = [c.shows(first, {}) != c.shows(changed, {}) for c in columns]
        if any(shown):
            items = (changed, *agreement.items[1:])
            assert fingerprint(dataclasses.replace(agreement, items=items)) != before
