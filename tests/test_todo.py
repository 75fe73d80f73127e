"""What an import was unsure of is kept beside the agreement, and `check` repeats it
until a person has dealt with it: changed the agreement there, or marked it seen."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from xlfollow.cli.main import cli
from xlfollow.workspace.folder import Workspace

REPORT = Path(__file__).parent.parent / "examples" / "ballerup_2018" / "report.txt"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--language", "en", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    code, out, err = run("init", str(tmp_path / "ws"), "--from-text", str(REPORT))
    assert code == 0, err
    kept = tmp_path / "ws" / "agreement-todo.yaml"
    assert f"What is worth a look is kept in {kept}; `xlfollow check` repeats it" in out
    return tmp_path / "ws"


def todo_lines(out: str) -> list[str]:
    """The entries check lists under 'Left to do from the import'."""
    if "Left to do from the import" not in out:
        return []
    block = out.split("Left to do from the import", 1)[1].split("Each stays listed", 1)[0]
    return [line[4:] for line in block.splitlines() if line.startswith("  - ")]


def test_check_repeats_what_the_import_was_unsure_of(imported: Path) -> None:
    kept = yaml.safe_load((imported / "agreement-todo.yaml").read_text(encoding="utf-8"))
    assert kept["source"] == "report.txt"
    assert len(kept["todo"]) == 25
    entry = next(e for e in kept["todo"] if e.get("item") == "6.23")
    assert entry["subject"] == "budget"
    assert entry["line"] == 4613
    assert entry["seen"] is False
    for _ in range(2):  # not once: every time, until dealt with
        code, out, _ = run("check", str(imported))
        assert code == 0
        listed = todo_lines(out)
        assert len(listed) == 25
        # The notes are kept in the workspace's language (Danish here), whatever the terminal's.
        assert any(
            line.startswith("linje 4613: delelement 6.23: budget: ikke fordelt") for line in listed
        )
        assert "Left to do from the import (25), kept in agreement-todo.yaml:" in out
        assert "The workspace is sound." in out


def test_an_entry_is_dealt_with_when_its_part_is_changed(imported: Path) -> None:
    path = imported / "agreement.yaml"
    text = path.read_text(encoding="utf-8")
    # Give 6.23 its budget by hand: the four years of 2,18.
    anchor = "    economy_text: Der er afsat 2,18 mio. kr. i 2018.\n    budget:\n      2018: 2.18\n"
    assert anchor in text
    path.write_text(
        text.replace(anchor, anchor + "      2019: 2.18\n      2020: 2.18\n      2021: 2.18\n"),
        encoding="utf-8",
    )
    _, out, _ = run("check", str(imported))
    listed = todo_lines(out)
    assert len(listed) == 24
    assert not any("delelement 6.23" in line for line in listed)
    # Changing another part of the item (its title) does not deal with a budget doubt.
    text = path.read_text(encoding="utf-8").replace(
        "title: Fælles indsats om Sundhed", "title: Fælles indsats for sundhed"
    )
    path.write_text(text, encoding="utf-8")
    assert len(todo_lines(run("check", str(imported))[1])) == 24


def test_marking_entries_seen(imported: Path) -> None:
    code, out, _ = run("check", str(imported), "--seen", "3.24", "--seen", "7.08")
    assert code == 0
    assert out.startswith("Entries marked as seen: 2.\n")
    listed = todo_lines(out)
    assert len(listed) == 23
    assert not any("delelement 3.24" in line or "delelement 7.08" in line for line in listed)
    # By hand in the file, too.
    path = imported / "agreement-todo.yaml"
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    first = data["todo"][0]
    assert first["seen"] is False
    data["todo"][0]["seen"] = True
    path.write_text(yaml.dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert len(todo_lines(run("check", str(imported))[1])) == 22
    code, out, _ = run("check", str(imported), "--seen", "all")
    assert out.startswith("Entries marked as seen: 22.\n")
    assert "Left to do from the import" not in out


def test_a_damaged_todo_file_is_named_with_its_line(imported: Path) -> None:
    path = imported / "agreement-todo.yaml"
    text = path.read_text(encoding="utf-8")
    damaged = text.replace("seen: false", "seen: maybe", 1)
    path.write_text(damaged, encoding="utf-8")
    code, _, err = run("check", str(imported))
    assert code == 1
    line = next(n for n, t in enumerate(damaged.splitlines(), 1) if t.lstrip().startswith("- note"))
    assert f"{path}:{line}: a to-do entry has `subject` or `seen` changed" in err
    assert "Traceback" not in err


def test_import_text_keeps_its_list_beside_its_output(tmp_path: Path) -> None:
    output = tmp_path / "aftale.yaml"
    code, out, _ = run("import-text", str(REPORT), "-o", str(output))
    assert code == 0
    todo = tmp_path / "aftale-todo.yaml"
    assert f"What is worth a look is kept in {todo};" in out
    assert len(yaml.safe_load(todo.read_text(encoding="utf-8"))["todo"]) == 25


def test_a_workspace_without_an_import_has_nothing_to_do(tmp_path: Path) -> None:
    workspace = Workspace.init(tmp_path / "ws", "ballerup-2018")
    assert workspace.check().todo == ()
    assert workspace.mark_seen(["3.04"]) == 0


def test_the_list_is_danish_in_a_danish_terminal(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--language", "da", "init", str(tmp_path / "ws"), "--from-text", str(REPORT)]
    )
    assert result.exit_code == 0
    result = CliRunner().invoke(cli, ["--language", "da", "check", str(tmp_path / "ws")])
    assert "Tilbage fra importen (25), gemt i agreement-todo.yaml:" in result.stdout
    assert "linje 4613: delelement 6.23: budget: ikke fordelt på år" in result.stdout


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        (
            "  seen: false\n",
            "  seen:\n  - true\n",
            "a to-do entry: `seen` should be a single text",
        ),
        ("  line: 108\n", "  line: abc\n", "a to-do entry's `line` is not a line number"),
    ],
)
def test_a_hand_edit_of_the_wrong_kind_is_named(
    imported: Path, old: str, new: str, said: str
) -> None:
    path = imported / "agreement-todo.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, _, err = run("check", str(imported), "--seen", "3.24")
    assert code == 1
    assert said in err
    assert f"{path}:" in err
    assert path.read_text(encoding="utf-8") == text.replace(old, new, 1)  # left as it was
