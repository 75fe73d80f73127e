from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from xlfollow.definition.sheetnames import (
    _FORBIDDEN,
    SHEET_NAME_MAX,
    chapter_sheet_name,
    fit_sheet_name,
    sheet_name_problem,
)
from xlfollow.ledger.dialect import Engine
from xlfollow.model import Chapter

LEDGER_ENGINES = (Engine.SQLITE,)
"""Workbook layout: no ledger is opened here."""


def test_seed_chapter_two_is_cut_at_a_word() -> None:
    chapter = Chapter("2", "Budget 2018 - Budget i balance med plads til investeringer")
    assert chapter_sheet_name(chapter) == "2. Budget 2018 - Budget i…"


def test_a_long_word_is_not_cut_inside() -> None:
    chapter = Chapter("3", "Sammenhængende udviklingsforløb 0-25 år")
    assert chapter_sheet_name(chapter) == "3. Sammenhængende…"  # not "udviklingsfo…"
    assert chapter_sheet_name(
        Chapter("3", "Sammenhængende udviklingsforløb", "3. Forløb 0-25 år")
    ) == ("3. Forløb 0-25 år")
    # Only a first word longer than a sheet name is cut inside: nothing else would fit.
    assert fit_sheet_name("3. " + "x" * 40) == "3. " + "x" * 27 + "…"


def test_short_title_is_kept_and_own_sheet_name_wins() -> None:
    assert chapter_sheet_name(Chapter("1", "Vision 2029")) == "1. Vision 2029"
    assert chapter_sheet_name(Chapter("1", "Vision 2029", "Vision")) == "Vision"


def test_forbidden_characters_are_replaced() -> None:
    assert fit_sheet_name("Drift/anlæg: [2018]?") == "Drift-anlæg- -2018--"


def test_reserved_name_is_avoided() -> None:
    assert fit_sheet_name("history") == "history-"


def test_problems_with_user_sheet_names() -> None:
    assert (
        str(sheet_name_problem("x" * 32)) == "a sheet name has at most 31 characters, this has 32"
    )
    assert str(sheet_name_problem("a*b")) == "a sheet name cannot contain *"
    assert (
        str(sheet_name_problem("'quoted'")) == "a sheet name cannot begin or end with an apostrophe"
    )
    assert str(sheet_name_problem("History")) == '"History" is reserved by Excel'
    assert str(sheet_name_problem("  ")) == "a sheet name cannot be empty"
    assert sheet_name_problem("3. Udviklingsforløb") is None


@given(st.text(max_size=80))
def test_fitted_names_are_always_allowed(text: str) -> None:
    name = fit_sheet_name(text)
    assert len(name) <= SHEET_NAME_MAX
    assert sheet_name_problem(name) is None


WORD = st.text(st.characters(codec="utf-8", exclude_characters=" "), min_size=1, max_size=12)


@given(st.lists(WORD, min_size=1, max_size=12))
def test_a_name_is_cut_after_a_whole_word(words: list[str]) -> None:
    text = " ".join(words)
    name = fit_sheet_name(text)
    assert len(name) <= SHEET_NAME_MAX
    assert sheet_name_problem(name) is None
    longer = text + " og" * SHEET_NAME_MAX  # always cut, and always at a word
    cleaned = fit_sheet_name(longer)
    assert cleaned.endswith("…")
    kept = cleaned.removesuffix("…")
    whole = " ".join(_FORBIDDEN.sub("-", longer).split()).strip("'").split(" ")
    # What is kept is whole words of the text, from its start: never a word's part.
    prefixes = [" ".join(whole[:n]) for n in range(1, len(whole) + 1)]
    assert any(p.rstrip(" -,.;:'") == kept for p in prefixes), (kept, whole)


@given(
    st.lists(st.integers(1, 99), min_size=2, max_size=12, unique=True),
    st.lists(st.lists(WORD, min_size=1, max_size=10), min_size=12, max_size=12),
)
def test_chapters_numbered_apart_get_names_apart(
    numbers: list[int], titles: list[list[str]]
) -> None:
    names = [
        chapter_sheet_name(Chapter(str(n), " ".join(title)))
        for n, title in zip(numbers, titles, strict=False)
    ]
    assert all(len(name) <= SHEET_NAME_MAX for name in names)
    assert len({name.casefold() for name in names}) == len(names)
