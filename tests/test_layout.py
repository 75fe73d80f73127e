from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from xlfollow.definition.sheetnames import (
    SHEET_NAME_MAX,
    chapter_sheet_name,
    fit_sheet_name,
    sheet_name_problem,
)
from xlfollow.model import Chapter


def test_seed_chapter_two_is_cut_at_a_word() -> None:
    chapter = Chapter("2", "Budget 2018 - Budget i balance med plads til investeringer")
    assert chapter_sheet_name(chapter) == "2. Budget 2018 - Budget i…"


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
