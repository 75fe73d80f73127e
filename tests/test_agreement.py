"""agreement.yaml: the bundled example loads, and every mistake is named with its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import AGREEMENT, line_with, make_workspace, problems_of

from xlfollow.budget import Budget, BudgetSeries
from xlfollow.definition.agreement import load_agreement
from xlfollow.definition.agreementwriter import dump_agreement
from xlfollow.definition.fingerprint import fingerprint
from xlfollow.errors import DefinitionError
from xlfollow.ledger.dialect import Engine
from xlfollow.model import Agreement, Kind

LEDGER_ENGINES = (Engine.SQLITE,)
"""Agreements and settings read: no ledger is opened here."""


def load_text(tmp_path: Path, text: str) -> Agreement:
    path = tmp_path / "agreement.yaml"
    path.write_text(text, encoding="utf-8")
    return load_agreement(path)


def only_problem(tmp_path: Path, text: str) -> tuple[str, int | None, str]:
    """Load text expecting exactly one problem; give its file, line and message."""
    path = tmp_path / "agreement.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        load_agreement(path)
    problems = caught.value.problems
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0].file, problems[0].line, str(problems[0].message)


def test_sound_agreement_loads_every_field(tmp_path: Path) -> None:
    agreement = load_text(tmp_path, AGREEMENT)
    assert agreement.title == "Aftale om budget 2018"
    first, second = agreement.items
    assert first.number == "3.01"
    assert first.chapter == "3"
    assert first.kind is Kind.DRIFT
    assert first.contributors == ("Skoler, Institutioner og Kultur",)
    assert first.milestone("2. budgetopfølgning 2018") == "Indsatser afprøves."
    assert first.budget == {2018: 0.762, 2019: 0.938}
    assert second.kind is Kind.ANLAEG
    assert second.budget == {2019: -0.1}
    assert second.milestones == {}


WORDED = AGREEMENT.replace(
    "      - Skoler, Institutioner og Kultur\n",
    "      - Skoler, Institutioner og Kultur\n"
    "    contributors_text: De øvrige centre og sekretariater\n",
)


def test_contributors_text_is_read_and_written_back(tmp_path: Path) -> None:
    assert WORDED != AGREEMENT
    first = load_text(tmp_path, WORDED).items[0]
    assert first.contributors == ("Skoler, Institutioner og Kultur",)
    assert first.contributors_text == "De øvrige centre og sekretariater"
    assert load_text(tmp_path, AGREEMENT).items[0].contributors_text == ""
    written = dump_agreement(load_text(tmp_path, WORDED))
    assert "    contributors_text: De øvrige centre og sekretariater\n" in written
    assert "contributors_text" not in dump_agreement(load_text(tmp_path, AGREEMENT))


def test_the_fingerprint_changes_only_for_an_item_with_contributors_text(tmp_path: Path) -> None:
    # The print of the agreement in conftest before contributors_text existed
    # (xlfollow 7f01159): a workspace issued then must not look changed now.
    assert fingerprint(load_text(tmp_path, AGREEMENT)) == "dd4f78c107b08564"
    assert fingerprint(load_text(tmp_path, WORDED)) != "dd4f78c107b08564"


@pytest.mark.parametrize(
    ("amounts", "printed"),
    [
        # Prints of xlfollow 7f01159, before budgets had series: amounts as written, not
        # the rounded totals, and -0.0 as written.
        ("      2018: 0.1234567\n", "55215d0cff87b0cc"),
        ("      2018: -0.0\n", "91cc72430b145e27"),
        ("      2019: 1\n      2018: 2\n", "f6f7678ede81a2b5"),
        ("      2018: 0.0000001\n", "01500467c7963a5c"),
    ],
)
def test_the_fingerprint_of_a_budget_without_series_is_as_before(
    tmp_path: Path, amounts: str, printed: str
) -> None:
    old = '    budget:\n      2018: "0,762"\n      2019: 0.938\n'
    text = AGREEMENT.replace(old, "    budget:\n" + amounts, 1)
    assert fingerprint(load_text(tmp_path, text)) == printed


def test_decimal_comma_is_read_quoted_or_not(tmp_path: Path) -> None:
    text = AGREEMENT.replace('2018: "0,762"', "2018: 0,762").replace(
        "2019: 0.938", '2019: "1.234,5"'
    )
    item = load_text(tmp_path, text).items[0]
    assert item.budget == {2018: 0.762, 2019: 1234.5}


SERIES = """\
    budget:
      Anlæg:
        2018: 2
        2019: "2,5"
        2020: 2
      Drift:
        2018: 0.5
        2019: 0.5
        2020: 0.5
        2021: 0.5
"""


def with_series(text: str, period: str = "2018-2021") -> str:
    """The shared agreement with item 3.01's budget as two series, and a period."""
    text = text.replace('    budget:\n      2018: "0,762"\n      2019: 0.938\n', SERIES, 1)
    return text.replace("rounds:", f"budget_period: {period}\nrounds:", 1)


def test_budget_series_and_period(tmp_path: Path) -> None:
    # 3.04 of the seed: anlæg over 2018-2020 and 0,5 a year in drift from 2018.
    agreement = load_text(tmp_path, with_series(AGREEMENT))
    assert agreement.budget_period == (2018, 2019, 2020, 2021)
    budget = agreement.items[0].budget
    assert budget.series == (
        BudgetSeries("Anlæg", {2018: 2.0, 2019: 2.5, 2020: 2.0}),
        BudgetSeries("Drift", {2018: 0.5, 2019: 0.5, 2020: 0.5, 2021: 0.5}),
    )
    assert dict(budget) == {2018: 2.5, 2019: 3.0, 2020: 2.5, 2021: 0.5}
    # Every year of the period has its columns, even with no figure for 2021 elsewhere.
    assert agreement.budget_years == (2018, 2019, 2020, 2021)


def test_budget_totals_are_rounded_sums() -> None:
    budget = Budget([BudgetSeries("Anlæg", {2018: 0.1}), BudgetSeries("Drift", {2018: 0.2})])
    assert budget[2018] == 0.3
    assert budget != Budget.of({2018: 0.3})  # the same total, other series
    assert budget == {2018: 0.3}


def test_without_a_period_the_years_with_figures_stand_for_it(tmp_path: Path) -> None:
    agreement = load_text(tmp_path, AGREEMENT)
    assert agreement.budget_period == ()
    assert agreement.budget_years == (2018, 2019)


def test_a_year_outside_the_period(tmp_path: Path) -> None:
    text = with_series(AGREEMENT).replace("    2021: 0.5", "    2022: 0.5")
    _, line, message = only_problem(tmp_path, text)
    assert line == line_with(text, "2022: 0.5")
    assert message == (
        "item 3.01: budget Drift: 2022 is outside the budget period 2018-2021; "
        "correct the year or widen `budget_period`"
    )


@pytest.mark.parametrize("period", ["2021-2018", "næste år", "2018-2040"])
def test_a_period_that_is_not_one(tmp_path: Path, period: str) -> None:
    text = with_series(AGREEMENT, period)
    _, line, message = only_problem(tmp_path, text)
    assert line == line_with(text, "budget_period:")
    assert message.startswith(f'`budget_period`: "{period}" is not a period; write its first')


def test_a_series_amount_that_is_not_one(tmp_path: Path) -> None:
    text = with_series(AGREEMENT).replace('2019: "2,5"', "2019: to en halv")
    _, line, message = only_problem(tmp_path, text)
    assert line == line_with(text, "2019: to en halv")
    assert message.startswith('item 3.01: budget Anlæg for 2019: "to en halv" is not an amount')


def test_duplicate_item_number(tmp_path: Path) -> None:
    text = AGREEMENT.replace('number: "4.11"', 'number: "3.01"')
    file, line, message = only_problem(tmp_path, text)
    assert file == str(tmp_path / "agreement.yaml")
    assert line == line_with(text, 'number: "3.01"', 2)
    first = line_with(text, 'number: "3.01"')
    assert (
        message
        == f"item 3.01 is given twice (also on line {first}); each item needs its own number"
    )


def test_item_in_no_chapter(tmp_path: Path) -> None:
    text = AGREEMENT.replace('number: "4.11"', 'number: "9.11"')
    _, line, message = only_problem(tmp_path, text)
    assert line == line_with(text, 'number: "9.11"')
    assert 'item 9.11 is in no chapter: chapter "9" is not declared under `chapters:`' in message


def test_item_with_an_explicit_chapter(tmp_path: Path) -> None:
    text = AGREEMENT.replace('number: "4.11"', 'number: "9.11"\n    chapter: "4"')
    assert load_text(tmp_path, text).items[1].chapter == "4"


def test_undeclared_centre_with_did_you_mean(tmp_path: Path) -> None:
    text = AGREEMENT.replace("centre: Social og Sundhed", "centre: Social og Sundhd")
    _, line, message = only_problem(tmp_path, text)
    assert line == line_with(text, "centre: Social og Sundhd")
    assert message == (
        'item 3.01: centre "Social og Sundhd" is not declared under `centres:`. '
        'Did you mean "Social og Sundhed"? Correct the name or declare it.'
    )


def test_undeclared_committee_and_contributor(tmp_path: Path) -> None:
    text = AGREEMENT.replace("committee: Økonomiudvalget", "committee: Økonomi udvalget").replace(
        "  - Skoler, Institutioner og Kultur\n    milestones",
        "  - Skoler og Kultur\n    milestones",
    )
    with pytest.raises(DefinitionError) as caught:
        load_text(tmp_path, text)
    lines = {p.line: str(p.message) for p in caught.value.problems}
    assert (
        'committee "Økonomi udvalget" is not declared under `committees:`. Did you mean'
        in (lines[line_with(text, "committee: Økonomi udvalget")])
    )
    assert (
        'contributor "Skoler og Kultur" is not declared under `centres:`'
        in (lines[line_with(text, "- Skoler og Kultur")])
    )


def test_milestone_for_undeclared_round(tmp_path: Path) -> None:
    text = AGREEMENT.replace(
        "  2. budgetopfølgning 2018: Indsatser", "  3. budgetopfølgning 2018: Indsatser"
    )
    _, line, message = only_problem(tmp_path, text)
    assert line == line_with(text, "3. budgetopfølgning 2018: Indsatser")
    assert message.startswith(
        'item 3.01: round "3. budgetopfølgning 2018" is not declared under `rounds:`'
    )
    assert "Did you mean" in message


def test_non_numeric_amount(tmp_path: Path) -> None:
    text = AGREEMENT.replace("2019: 0.938", "2019: ca. en million")
    _, line, message = only_problem(tmp_path, text)
    assert line == line_with(text, "2019: ca. en million")
    assert message == (
        'item 3.01: budget for 2019: "ca. en million" is not an amount; '
        "write it in mio. kr. like 0,762 or -1,5 (negative for a saving)"
    )


def test_year_that_is_not_a_year(tmp_path: Path) -> None:
    text = AGREEMENT.replace("2019: 0.938", "næste år: 0.938")
    _, line, message = only_problem(tmp_path, text)
    assert line == line_with(text, "næste år")
    assert 'item 3.01: budget: "næste år" is not a year' in message


def test_chapter_declared_twice(tmp_path: Path) -> None:
    text = AGREEMENT.replace('number: "4"', 'number: "3"', 1).replace(
        'number: "4.11"', 'number: "3.11"'
    )
    _, line, message = only_problem(tmp_path, text)
    assert line == line_with(text, 'number: "3"', 2)
    first = line_with(text, 'number: "3"')
    assert (
        message
        == f"chapter 3 is declared twice (also on line {first}); give each chapter its own number"
    )


def test_sheet_names_that_collide_after_excels_limit(tmp_path: Path) -> None:
    text = AGREEMENT.replace(
        "title: Sammenhængende udviklingsforløb 0-25 år",
        "title: Budget 2018 - Budget i balance med plads til investeringer",
    ).replace(
        "title: Sundhed, Ældre og Voksne med særlige behov",
        "title: Sundhed\n    sheet: 3. Budget 2018 - Budget i…",
    )
    _, line, message = only_problem(tmp_path, text)
    assert line == line_with(text, 'number: "4"')
    first = line_with(text, 'number: "3"')
    assert message == (
        'chapter 4 gets the sheet name "3. Budget 2018 - Budget i…", the same as chapter 3 '
        f"(line {first}) once cut to Excel's 31 characters; give one "
        "of them a `sheet:` name of at most 31 characters"
    )


def test_sheet_names_collide_regardless_of_case(tmp_path: Path) -> None:
    text = AGREEMENT.replace(
        "title: Sundhed, Ældre og Voksne med særlige behov",
        "title: Sundhed\n    sheet: 3. SAMMENHÆNGENDE…",
    )
    _, _, message = only_problem(tmp_path, text)
    assert "the same as chapter 3" in message


def test_sheet_name_given_by_user_must_be_allowed(tmp_path: Path) -> None:
    text = AGREEMENT.replace(
        "title: Sundhed, Ældre og Voksne med særlige behov",
        "title: Sundhed\n    sheet: 'Sundhed/Ældre: [voksne]'",
    )
    _, line, message = only_problem(tmp_path, text)
    assert line == line_with(text, "sheet:")
    assert (
        message == 'chapter 4: sheet "Sundhed/Ældre: [voksne]": a sheet name cannot contain / : [ ]'
    )


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    text = AGREEMENT.replace("economy_text:", "economy_txt:")
    _, line, message = only_problem(tmp_path, text)
    assert line == line_with(text, "economy_txt:")
    assert message.startswith('item 3.01: unknown key `economy_txt`. Did you mean "economy_text"?')


def test_misspelt_required_key_is_one_problem(tmp_path: Path) -> None:
    text = AGREEMENT.replace("    kind: Anlæg", "    knd: Anlæg")
    _, line, message = only_problem(tmp_path, text)
    assert line == line_with(text, "knd:")
    assert message.startswith('item 4.11: unknown key `knd`. Did you mean "kind"?')


def test_wrong_kind_suggests_the_right_one(tmp_path: Path) -> None:
    text = AGREEMENT.replace("kind: Anlæg", "kind: Anlaeg")
    _, _, message = only_problem(tmp_path, text)
    assert message == (
        'item 4.11: kind "Anlaeg" is not one of Drift, Anlæg, Anlæg og drift. Did you mean "Anlæg"?'
    )


def test_missing_required_field(tmp_path: Path) -> None:
    text = AGREEMENT.replace("    committee: Økonomiudvalget\n", "")
    _, line, message = only_problem(tmp_path, text)
    assert line == line_with(text, 'number: "4.11"')
    assert message == "item 4.11: `committee` is missing; add `committee: ...`"


def test_key_given_twice(tmp_path: Path) -> None:
    text = AGREEMENT.replace("    kind: Anlæg\n", "    kind: Anlæg\n    kind: Drift\n")
    _, line, message = only_problem(tmp_path, text)
    assert line == line_with(text, "kind: Drift", 2)
    first = line_with(text, "kind: Anlæg")
    assert message == f"item 4.11: `kind` is given twice (also on line {first}); keep one"


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    text = AGREEMENT.replace("    kind: Anlæg\n", "    kind: [Anlæg\n")
    _, line, message = only_problem(tmp_path, text)
    assert line is not None and line >= line_with(text, "kind: [Anlæg")
    assert "fix the YAML syntax here" in message


def test_tab_indentation_gets_its_own_hint(tmp_path: Path) -> None:
    text = AGREEMENT.replace("    kind: Anlæg", "\tkind: Anlæg")
    _, line, message = only_problem(tmp_path, text)
    assert line == line_with(text, "\tkind")
    assert message.endswith("; indent with spaces: YAML does not allow tabs")


def test_every_problem_is_reported_in_one_run(tmp_path: Path) -> None:
    text = (
        AGREEMENT.replace("centre: Social og Sundhed", "centre: Sociale")
        .replace("committee: Økonomiudvalget", "committee: Kulturudvalget")
        .replace("2019: 0.938", "2019: mange")
        .replace('number: "4.11"', 'number: "7.11"')
    )
    with pytest.raises(DefinitionError) as caught:
        load_text(tmp_path, text)
    lines = [p.line for p in caught.value.problems if p.line is not None]
    assert lines == sorted(lines)
    assert len(lines) == 4
    assert str(caught.value).startswith("4 problems found:\n  ")


def test_empty_file_and_missing_file(tmp_path: Path) -> None:
    _, line, message = only_problem(tmp_path, "")
    assert line is None and "the agreement is empty" in message
    with pytest.raises(DefinitionError, match="the file does not exist"):
        load_agreement(tmp_path / "nothing.yaml")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "agreement.yaml"
    path.write_bytes(AGREEMENT.encode("cp1252"))
    with pytest.raises(DefinitionError, match=r"not UTF-8 text .* save it as UTF-8"):
        load_agreement(path)


def test_problems_of_both_files_come_together(tmp_path: Path) -> None:
    settings = '[centres."Social og Sundhd"]\nemail = "sos@example.org"\n'
    agreement = AGREEMENT.replace("kind: Anlæg", "kind: Noget")
    problems = problems_of(make_workspace(tmp_path, agreement, settings))
    assert {Path(p.file).name for p in problems} == {"agreement.yaml", "xlfollow.toml"}
