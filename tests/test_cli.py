"""The command line: messages, exit codes, and never a traceback for a user's mistake."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from conftest import AGREEMENT, make_workspace

from xlfollow.cli import cli


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_init_then_check(tmp_path: Path) -> None:
    code, out, _ = run("init", str(tmp_path / "ws"))
    assert code == 0
    assert "Created the workspace" in out
    code, out, _ = run("check", str(tmp_path / "ws"))
    assert code == 0
    assert "4 items in 3 chapters, 4 centres, 3 committees, 4 rounds." in out
    assert "3. Sammenhængende udviklingsfo…" in out
    assert "The workspace is sound." in out


def test_wrong_input_exits_1_with_every_problem(tmp_path: Path) -> None:
    agreement = AGREEMENT.replace("kind: Anlæg", "kind: Anlaeg").replace("2019: 0.938", "2019: x")
    make_workspace(tmp_path, agreement)
    code, out, err = run("check", str(tmp_path))
    assert code == 1
    assert out == ""
    assert err.startswith("Error: 2 problems found:\n")
    assert f"{tmp_path / 'agreement.yaml'}:" in err
    assert 'kind "Anlaeg" is not one of' in err
    assert "Traceback" not in err


def test_not_a_workspace_exits_1(tmp_path: Path) -> None:
    code, _, err = run("check", str(tmp_path))
    assert code == 1
    assert f"Error: {tmp_path} is not an xlfollow workspace" in err


def test_usage_error_exits_2() -> None:
    code, _, err = run("check", "--no-such-option")
    assert code == 2
    assert "No such option" in err


def test_help_lists_exit_codes_and_version() -> None:
    code, out, _ = run("--help")
    assert code == 0
    assert "1  the input is wrong" in out
    code, out, _ = run("check", "--help")
    assert "xlfollow check budget2018" in out
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("xlfollow, version ")


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--debug", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert type(result.exception).__name__ == "WorkspaceError"


def test_installed_command_has_no_traceback(tmp_path: Path) -> None:
    # The real entry point, as a user runs it, in a separate process.
    result = subprocess.run(
        [sys.executable, "-c", "from xlfollow.cli import main; main()", "check", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "is not an xlfollow workspace" in result.stderr
    assert "Traceback" not in result.stderr
