"""The terminal speaks Danish or English as set: --language, XLFOLLOW_LANGUAGE, the locale."""

from __future__ import annotations

import functools
import inspect
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import copied
from test_messages import templates

import xlfollow
from xlfollow.cli.frame import help_texts
from xlfollow.cli.main import cli
from xlfollow.errors import DefinitionError, Problem
from xlfollow.messages import Joined, Language, Text, terminal_language, translations
from xlfollow.workspace.folder import Workspace

REPORT = Path(xlfollow.__file__).parent.parent / "examples" / "ballerup_2018" / "report.txt"
BAD = Path(__file__).parent / "data" / "bad"


@functools.cache
def english_fragments() -> frozenset[str]:
    """The words of every English message that its Danish does not share: the
    literal runs between placeholders, of two words or more, found in no Danish
    message (so names, paths and commands that both languages print do not count)."""
    danish = translations(Language.DA)
    every_danish = "\n".join(danish.values())
    fragments = set()
    for template in templates():
        if danish[template] == template:
            continue
        for run in re.split(r"\{\w+\}", template):
            run = run.strip(" .,:;()'\"-")
            if len(re.findall(r"[A-Za-z]{2,}", run)) >= 2 and run not in every_danish:
                fragments.add(run)
    return frozenset(fragments)


def leaks(output: str) -> list[str]:
    """English messages in what a Danish terminal printed."""
    return sorted(fragment for fragment in english_fragments() if fragment in output)


def run(*args: str, env: Mapping[str, str | None] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def danish_round(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The demo run with the terminal in Danish: its workspace and what it printed."""
    path = tmp_path_factory.mktemp("da") / "ws"
    code, output = run("--language", "da", "demo", str(path))
    assert code == 0, output
    return path, output


def test_the_leak_check_finds_english() -> None:
    fragments = english_fragments()
    assert len(fragments) > 150
    assert leaks("Error: the file does not exist; create it") == ["the file does not exist"]
    assert leaks("Fejl: filen findes ikke; opret den, eller ret stien") == []


def test_the_demo_speaks_danish_when_asked(danish_round: tuple[Path, str]) -> None:
    path, output = danish_round
    assert "Det skal du se på" in output
    assert "er ikke en gyldig smiley for milepælen; vælg en af" in output
    assert f"Eller vis dem i terminalen: xlfollow summary {path}" in output
    # The review's words (docs: danish-review points 28-30): no "masteren", "taget" or
    # "udskriv" (print on paper), the contributor as Ballerup names it.
    assert "(den samlede oversigt og én pr. center)" in output
    assert "Indlæst: " in output and " celler" in output
    assert "står med e-mailadresse på arket Mangler og kan ses med:" in output
    assert "den væsentlige bidragsyder" in output
    for calque in ("masteren", " taget", "udskriv", "medvirkende", "anderledes"):
        assert calque not in output, calque
    assert leaks(output) == []


def test_every_command_speaks_danish(danish_round: tuple[Path, str], tmp_path: Path) -> None:
    path = copied(Workspace(danish_round[0]), tmp_path).path
    shutil.copy(BAD / "empty.xlsx", path / "inbox" / "empty.xlsx")
    said = {}
    for command in (
        ["status", str(path)],
        ["summary", str(path)],
        ["check", str(path)],
        ["merge", str(path)],
        ["send", str(path), "--round", "1", "--dry-run"],
        ["issue", str(path), "--round", "9"],
        ["resolve", str(path), "3.01", "economy", "--take", "nobody"],
        ["import-text", str(REPORT), "-o", str(tmp_path / "agreement.yaml")],
    ):
        said[command[0]] = run("--language", "da", *command)
    assert said["status"][1].startswith("1. budgetopfølgning 2018 (frist 23. marts 2018)")
    assert "Center " in said["status"][1] and "Overskredet" in said["status"][1]
    assert "I alt" in said["summary"][1] and "Forventet afvigelse" in said["summary"][1]
    assert "Arbejdsmappen er i orden." in said["check"][1]
    assert said["merge"][0] == 3
    assert "filen er tom; send projektmappen igen" in said["merge"][1]
    assert "Åbne konflikter (1)" in said["merge"][1]
    assert "ville sende" in said["send"][1]
    assert said["issue"] == (
        1,
        'Fejl: "9" er ikke en runde; angiv dens nummer eller navn: 1 ("1. budgetopfølgning '
        '2018"), 2 ("2. budgetopfølgning 2018"), 3 ("3. budgetopfølgning 2018"), 4 ("31.12.2018")\n',
    )
    assert said["resolve"][0] == 1
    assert 'har ingen åben konflikt om "Økonomi"' in said["resolve"][1]
    assert 'dets åbne konflikter er om: "Milepæl"' in said["resolve"][1]
    assert "Værd at se på (" in said["import-text"][1]
    assert (
        "budget: ikke fordelt på år: 9,4 mio. kr., 7,6 mio. kr. uden årstal"
        in said["import-text"][1]
    )
    for name, (_, output) in said.items():
        assert leaks(output) == [], name
    # Amounts as Danish writes them: a decimal comma.
    assert re.search(
        r"Økonomi ikke overholdt i 2018: \d+,\d{3} mio\. kr\. i udgifter og \d+,\d{3} mio\. "
        r"kr\. i besparelser, i alt \d+,\d{3} mio\. kr\.",
        said["summary"][1],
    )


def test_problems_in_the_agreement_are_listed_in_danish(tmp_path: Path) -> None:
    path = tmp_path / "ws"
    assert run("init", str(path))[0] == 0
    with (path / "agreement.yaml").open("a", encoding="utf-8") as agreement:
        agreement.write("titel: oops\n")
    code, output = run("--language", "da", "check", str(path))
    assert code == 1
    assert output.startswith("Fejl: 1 problem fundet:\n")
    assert 'aftalen: ukendt nøgle `titel`. Mente du "title"? Tilladte nøgler: title,' in output
    assert leaks(output) == []


def test_the_environment_sets_the_language_and_the_option_wins(tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere")
    danish = {"XLFOLLOW_LANGUAGE": "da"}
    assert run("check", missing, env=danish)[1].startswith("Fejl: ")
    assert run("--language", "en", "check", missing, env=danish)[1].startswith("Error: ")
    code, output = run("check", missing, env={"XLFOLLOW_LANGUAGE": "fr"})
    assert code == 2 and "'fr' is not one of 'da', 'en'" in output
    locale_only: dict[str, str | None] = {
        "XLFOLLOW_LANGUAGE": None,
        "LANGUAGE": None,
        "LC_ALL": None,
    }
    locale_only |= {"LC_MESSAGES": None, "LANG": "da_DK.UTF-8"}
    assert run("check", missing, env=locale_only)[1].startswith("Fejl: ")
    assert run("check", missing, env=locale_only | {"LANG": "C.UTF-8"})[1].startswith("Error: ")


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "da_DK.UTF-8"}, Language.DA),
        ({"LANG": "da"}, Language.DA),
        ({"LANGUAGE": "da:en", "LANG": "en_GB.UTF-8"}, Language.DA),
        ({"LC_ALL": "C", "LANG": "da_DK.UTF-8"}, Language.EN),
        ({"LC_MESSAGES": "da_DK.UTF-8", "LANG": "en_US.UTF-8"}, Language.DA),
        ({"LANG": "dav_KE"}, Language.EN),  # Taita, not Danish
        ({"LANG": "Danish_Denmark.1252"}, Language.DA),
        ({}, Language.EN),
    ],
)
def test_the_locale_gives_the_default(environ: dict[str, str], language: Language) -> None:
    assert terminal_language(environ) is language


def test_nested_and_joined_messages_are_said_in_one_language() -> None:
    what = Text("item {number}", number="3.01")
    text = Text("{what}: {key}", what=what, key="budget")
    problem = Problem("agreement.yaml", 7, Text("{what} is empty; write the name", what=text))
    error = DefinitionError([problem])
    assert str(error) == (
        "1 problem found:\n  agreement.yaml:7: item 3.01: budget is empty; write the name"
    )
    assert error.say(Language.DA) == (
        "1 problem fundet:\n  agreement.yaml:7: delelement 3.01: budget er tom; skriv navnet"
    )
    joined = Joined([Text("the economy text"), "plain"], " / ")
    assert joined.say(Language.DA) == "økonomiteksten / plain"
    for message in (text, joined, Text("{a} and {b}", a=joined, b=what)):
        assert Text.from_json(message.to_json()) == message


def help_of(command: click.Command, ctx: click.Context) -> list[str]:
    """Every help text of a command and its subcommands, as click shows them."""
    found = [command.help, command.epilog]
    found += [p.help for p in command.params if isinstance(p, click.Option)]
    help_option = command.get_help_option(ctx)
    found += [help_option.help] if help_option is not None else []
    for sub in getattr(command, "commands", {}).values():
        found += help_of(sub, ctx)
    return [inspect.cleandoc(text) for text in found if text]


def test_every_help_text_has_its_danish() -> None:
    english = help_of(cli, click.Context(cli))
    danish = help_texts(Language.DA)
    assert len(set(english)) >= 38
    assert [text for text in english if text not in danish] == []
    assert set(danish) <= set(english)  # no Danish of a help text no longer given


def test_help_in_danish_when_asked_and_english_after() -> None:
    code, output = run("--language", "da", "--help")
    assert code == 0
    assert "Følg op på en kommunal budgetaftale gennem Excel-projektmapper." in output
    assert "Tjek en arbejdsmappes aftale og indstillinger" in output  # the commands listed
    assert "Vis denne hjælp, og afslut." in output
    code, output = run("--language", "da", "merge", "--help")
    assert "Indlæs returnerede projektmapper i journalen" in output
    assert "Udskriv rapporten som ét JSON-objekt." in output
    assert "Afslutningsstatus:" in output
    # The commands' own texts are as written again: English help stays English.
    code, output = run("merge", "--help")
    assert "Merge returned workbooks into the ledger" in output and "Flet" not in output
