"""xlfollow.toml: deadlines, centres' codes and emails; each mistake named with its line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from conftest import SETTINGS, line_with, make_workspace, problems_of

from xlfollow.definition.agreementwriter import dump_agreement
from xlfollow.definition.settingswriter import settings_template
from xlfollow.errors import Problem
from xlfollow.ledger.dialect import Engine
from xlfollow.model import Centre, Language, Round

LEDGER_ENGINES = (Engine.SQLITE,)
"""Settings read: no ledger is opened here."""


def only_problem(tmp_path: Path, settings: str) -> Problem:
    problems = problems_of(make_workspace(tmp_path, settings=settings))
    assert len(problems) == 1, [str(p) for p in problems]
    assert problems[0].file == str(tmp_path / "xlfollow.toml")
    return problems[0]


def test_sound_settings_fill_in_rounds_and_centres(tmp_path: Path) -> None:
    definition = make_workspace(tmp_path).load()
    assert definition.settings.language is Language.DA
    assert definition.rounds == (
        Round("1. budgetopfølgning 2018", date(2018, 4, 5)),
        Round("2. budgetopfølgning 2018", date(2018, 6, 15)),
    )
    assert definition.centres == (
        Centre("Social og Sundhed", "SOS", "sos@example.org", ("Sundhed",)),
        # Not in the settings: a code made from its name, no email yet.
        Centre("Skoler, Institutioner og Kultur", "skoler-institutioner-og-kultur"),
    )


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    settings = SETTINGS.replace('code = "SOS"', "code = SOS")
    problem = only_problem(tmp_path, settings)
    assert problem.line == line_with(settings, "code = SOS")
    assert str(problem.message).startswith("Invalid value; fix the TOML syntax")


def test_undeclared_centre_with_did_you_mean(tmp_path: Path) -> None:
    settings = SETTINGS.replace('[centres."Social og Sundhed"]', '[centres."Social og sundhed "]')
    settings = settings.replace('[centres."Social og sundhed "]', '[centres."Social og Sundhd"]')
    problem = only_problem(tmp_path, settings)
    assert problem.line == line_with(settings, "Social og Sundhd")
    assert str(problem.message) == (
        'centre "Social og Sundhd" is not declared in the agreement. Did you mean '
        '"Social og Sundhed"? Use a name from its `centres:` list, or declare it there.'
    )


def test_undeclared_round(tmp_path: Path) -> None:
    settings = SETTINGS.replace(
        '[rounds."2. budgetopfølgning 2018"]', '[rounds."2. budgetopfølgning 2019"]'
    )
    problem = only_problem(tmp_path, settings)
    assert problem.line == line_with(settings, "2. budgetopfølgning 2019")
    assert str(problem.message).startswith(
        'round "2. budgetopfølgning 2019" is not declared in the agreement. Did you mean'
    )


def test_deadline_that_is_not_a_date(tmp_path: Path) -> None:
    settings = SETTINGS.replace('deadline = "15. juni 2018"', 'deadline = "midt i juni"')
    problem = only_problem(tmp_path, settings)
    assert problem.line == line_with(settings, "midt i juni")
    assert str(problem.message) == (
        'round "2. budgetopfølgning 2018": deadline "midt i juni" is not a date; '
        "write it like 5. april 2018, 31.12.2018 or 2018-04-05"
    )


def test_deadlines_out_of_order(tmp_path: Path) -> None:
    settings = SETTINGS.replace('deadline = "15. juni 2018"', 'deadline = "15. marts 2018"')
    problem = only_problem(tmp_path, settings)
    assert problem.line == line_with(settings, '[rounds."2. budgetopfølgning 2018"]')
    assert "before that of the earlier round" in str(problem.message)


def test_bad_email_and_code(tmp_path: Path) -> None:
    settings = SETTINGS.replace('email = "sos@example.org"', 'email = "sos at example.org"')
    settings = settings.replace('code = "SOS"', 'code = "S O S"')
    problems = problems_of(make_workspace(tmp_path, settings=settings))
    assert [(p.line, str(p.message)) for p in problems] == [
        (
            line_with(settings, "code ="),
            'centre "Social og Sundhed": code "S O S" should be 1 to 40 letters, digits, '
            "- or _ (it names the centre's workbook file)",
        ),
    ]
    settings = SETTINGS.replace('email = "sos@example.org"', 'email = "sos at example.org"')
    problem = only_problem(tmp_path, settings)
    assert problem.line == line_with(settings, "email =")
    assert str(problem.message) == (
        'centre "Social og Sundhed": email "sos at example.org" is not one address '
        "like center@kommune.dk"
    )


def test_two_centres_with_one_code(tmp_path: Path) -> None:
    settings = SETTINGS + '\n[centres."Skoler, Institutioner og Kultur"]\ncode = "sos"\n'
    problem = only_problem(tmp_path, settings)
    assert problem.line == line_with(settings, 'code = "sos"')
    assert str(problem.message) == (
        'centre "Skoler, Institutioner og Kultur" has the code "sos" that "Social og Sundhed" '
        "has too; give each centre its own code"
    )


def test_alias_that_names_another_centre(tmp_path: Path) -> None:
    settings = SETTINGS.replace(
        'aliases = ["Sundhed"]', 'aliases = ["Skoler, Institutioner og Kultur"]'
    )
    problem = only_problem(tmp_path, settings)
    assert problem.line == line_with(settings, "aliases")
    assert "already names" in str(problem.message)


def test_unknown_key_and_language(tmp_path: Path) -> None:
    settings = SETTINGS.replace('language = "da"', 'language = "de"').replace(
        "deadline = 2018-04-05", "dedline = 2018-04-05"
    )
    problems = problems_of(make_workspace(tmp_path, settings=settings))
    assert [(p.line, str(p.message)) for p in problems] == [
        (line_with(settings, "language"), 'language "de" should be "da" or "en"'),
        (
            line_with(settings, "dedline"),
            'round "1. budgetopfølgning 2018": unknown key `dedline`. Did you mean "deadline"? '
            "Allowed keys: deadline",
        ),
    ]


def test_template_for_an_agreement_loads_cleanly(tmp_path: Path) -> None:
    agreement = make_workspace(tmp_path).load().agreement
    template = settings_template(agreement)
    definition = make_workspace(tmp_path, dump_agreement(agreement), template).load()
    assert [c.email for c in definition.centres] == [
        "social-og-sundhed@example.org",
        "skoler-institutioner-og-kultur@example.org",
    ]
    assert all(
        line.startswith(("#", "[", "agreement", "language", "code", "email", "aliases"))
        for line in template.splitlines()
        if line
    )


def test_smtp_table_is_read_and_its_mistakes_named_with_their_lines(tmp_path: Path) -> None:
    good = SETTINGS + (
        '\n[smtp]\nhost = "smtp.example.org"\nport = 465\nsecurity = "tls"\n'
        'user = "oekonomi"\nsender = "oekonomi@example.org"\n'
    )
    smtp = make_workspace(tmp_path / "good", settings=good).load().settings.smtp
    assert (smtp.host, smtp.port_or_default, smtp.security.value, smtp.sender) == (
        "smtp.example.org",
        465,
        "tls",
        "oekonomi@example.org",
    )
    bad = SETTINGS + '\n[smtp]\nhost = "smtp.example.org"\nsecurity = "ssl"\n'
    problem = only_problem(tmp_path / "security", bad)
    assert problem.line == line_with(bad, 'security = "ssl"')
    assert str(problem.message).startswith('security "ssl" should be "starttls", "tls"')
    bad = SETTINGS + '\n[smtp]\nport = "587"\n'
    problem = only_problem(tmp_path / "port", bad)
    assert problem.line == line_with(bad, 'port = "587"')
    assert str(problem.message) == "port '587' should be a number like 587"
    bad = SETTINGS + '\n[smtp]\npassword = "hemmelig"\n'
    problem = only_problem(tmp_path / "password", bad)
    assert problem.line == line_with(bad, 'password = "hemmelig"')
    assert str(problem.message).startswith("the mail password is never kept in xlfollow.toml")
