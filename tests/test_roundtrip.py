"""The model survives a trip through agreement.yaml unchanged (property tests)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from xlfollow.budget import Budget, BudgetSeries
from xlfollow.definition.agreement import load_agreement, read_agreement
from xlfollow.definition.agreementwriter import dump_agreement
from xlfollow.definition.sheetnames import chapter_sheet_name
from xlfollow.errors import Problems
from xlfollow.ledger.dialect import Engine
from xlfollow.model import Agreement, Chapter, Item, Kind, StatusNotes
from xlfollow.scales import DEFAULT_MILESTONE_SCALE, SmileyScale

LEDGER_ENGINES = (Engine.SQLITE,)
"""Workbooks written and read back: no ledger is opened here."""

NAME_CHARS = "abcdefghijklmnopqrstuvwxyzæøåABCÆØÅ0123456789 ,.-'&/()"
names = st.text(NAME_CHARS, min_size=1, max_size=40).map(lambda s: " ".join(s.split())).filter(bool)
texts = st.text(
    st.characters(categories=("L", "N", "P", "S", "Zs"), include_characters="\n\t"), max_size=120
).map(str.strip)
status_notes = st.builds(StatusNotes, texts, texts).filter(lambda n: bool(n.milestone or n.economy))
amounts = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
periods = st.just(()) | st.integers(1990, 2100).flatmap(
    lambda first: st.integers(0, 5).map(lambda span: tuple(range(first, first + span + 1)))
)


def budgets(period: tuple[int, ...]) -> st.SearchStrategy[Budget]:
    """One unnamed series, or named ones, with years inside the period if there is one."""
    years = st.sampled_from(period) if period else st.integers(1900, 2200)
    most = min(4, len(period)) if period else 4
    unnamed = st.dictionaries(years, amounts, max_size=most).map(Budget.of)
    named = st.lists(
        st.builds(BudgetSeries, names, st.dictionaries(years, amounts, min_size=1, max_size=most)),
        min_size=1,
        max_size=3,
        unique_by=lambda s: s.name,
    ).map(Budget)
    return unnamed | named


def unique(
    strategy: st.SearchStrategy[str], min_size: int, max_size: int
) -> st.SearchStrategy[list[str]]:
    return st.lists(strategy, min_size=min_size, max_size=max_size, unique_by=str.casefold)


@st.composite
def agreements(draw: st.DrawFn) -> Agreement:
    rounds = draw(unique(names, 1, 4))
    centres = draw(unique(names, 1, 4))
    committees = draw(unique(names, 1, 3))
    numbers = draw(
        st.lists(st.from_regex(r"[1-9][0-9]?", fullmatch=True), min_size=1, max_size=4, unique=True)
    )
    chapters = [
        Chapter(number, draw(names), draw(st.none() | st.just(f"Ark {number}")))
        for number in numbers
    ]
    sheet_names = [chapter_sheet_name(c).casefold() for c in chapters]
    assume(len(set(sheet_names)) == len(sheet_names))
    period = draw(periods)
    items = []
    item_numbers = set()
    for _ in range(draw(st.integers(0, 6))):
        chapter = draw(st.sampled_from(numbers))
        prefix = draw(st.sampled_from([chapter, *numbers, "99"]))
        number = prefix + draw(st.from_regex(r"(\.[0-9]{1,3}){1,2}", fullmatch=True))
        if number in item_numbers:
            continue
        item_numbers.add(number)
        items.append(
            Item(
                number=number,
                title=draw(names),
                kind=draw(st.sampled_from(Kind)),
                chapter=chapter,
                centre=draw(st.sampled_from(centres)),
                committee=draw(st.sampled_from(committees)),
                contributors=tuple(draw(st.lists(st.sampled_from(centres), max_size=3))),
                contributors_text=draw(texts),
                agreement_text=draw(texts),
                action_text=draw(texts),
                milestones=draw(st.dictionaries(st.sampled_from(rounds), texts.filter(bool))),
                economy_text=draw(texts),
                budget=draw(budgets(period)),
                status=draw(st.dictionaries(st.sampled_from(rounds), status_notes, max_size=2)),
            )
        )
    scale = draw(
        st.sampled_from(
            [DEFAULT_MILESTONE_SCALE, _relabelled(DEFAULT_MILESTONE_SCALE, draw(names))]
        )
    )
    return Agreement(
        title=draw(names),
        municipality=draw(st.just("") | names),
        rounds=tuple(rounds),
        centres=tuple(centres),
        committees=tuple(committees),
        chapters=tuple(chapters),
        items=tuple(items),
        milestone_scale=scale,
        budget_period=period,
    )


def _relabelled(scale: SmileyScale, label: str) -> SmileyScale:
    first, *rest = scale.steps
    return SmileyScale(scale.name, (dataclasses.replace(first, label_en=label), *rest))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(agreements())
def test_agreement_round_trips_through_yaml(agreement: Agreement) -> None:
    problems = Problems("agreement.yaml")
    loaded = read_agreement(dump_agreement(agreement), problems)
    assert problems.found == []
    assert loaded == agreement


@given(agreements())
def test_dumping_is_stable(agreement: Agreement) -> None:
    text = dump_agreement(agreement)
    problems = Problems("agreement.yaml")
    loaded = read_agreement(text, problems)
    assert loaded is not None
    assert dump_agreement(loaded) == text


def test_bundled_example_round_trips(tmp_path: Path) -> None:
    example = Path(__file__).parent.parent / "examples" / "small" / "agreement.yaml"
    agreement = load_agreement(example)
    copy = tmp_path / "agreement.yaml"
    copy.write_text(dump_agreement(agreement), encoding="utf-8")
    assert load_agreement(copy) == agreement
    assert len(agreement.items) == 4


@given(periods.flatmap(budgets))
def test_a_budget_as_plain_data_reads_back(budget: Budget) -> None:
    assert Budget.from_data(budget.data()) == budget
