"""The command line: messages, exit codes, and never a traceback for a user's mistake."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import AGREEMENT, make_workspace

from xlfollow.cli.frame import progress_bar
from xlfollow.cli.main import cli
from xlfollow.messages import Text
from xlfollow.model import Definition
from xlfollow.workspace import folder, loading
from xlfollow.workspace.folder import Workspace, recipients


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
    assert "3. Sammenhængende…" in out
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
    assert "1  an error stopped the run" in out
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
        [
            sys.executable,
            "-c",
            "from xlfollow.cli.main import main; main()",
            "check",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "is not an xlfollow workspace" in result.stderr
    assert "Traceback" not in result.stderr


EXAMPLE_REPORT = Path(__file__).parent.parent / "examples" / "ballerup_2018" / "report.txt"


def test_import_text_writes_the_agreement_and_its_report(tmp_path: Path) -> None:
    output = tmp_path / "agreement.yaml"
    code, out, _ = run("import-text", str(EXAMPLE_REPORT), "-o", str(output))
    assert code == 0
    assert out.startswith(
        f"Read {EXAMPLE_REPORT}: 8 chapters, 109 items (87 Drift, 20 Anlæg, 2 Anlæg og drift)."
    )
    assert "Milestones: 297 written of 436 slots; status notes: 23" in out
    assert output.read_text(encoding="utf-8").startswith(
        "# Imported by xlfollow import-text from report.txt.\n"
    )
    code, _, err = run("import-text", str(EXAMPLE_REPORT), "-o", str(output))
    assert code == 1
    assert "exists; give another -o, or --force to overwrite it" in err


def test_import_text_of_a_damaged_report_writes_nothing(tmp_path: Path) -> None:
    damaged = tmp_path / "report.txt"
    damaged.write_text(
        EXAMPLE_REPORT.read_text(encoding="utf-8").replace(
            "Ansvarligt center: Social og Sundhed \n", "", 1
        ),
        encoding="utf-8",
    )
    code, out, err = run("import-text", str(damaged), "-o", str(tmp_path / "agreement.yaml"))
    assert code == 1
    assert out == ""
    assert f"{damaged}:348: item 3.01 (line 348) has no 'Ansvarligt center:' line" in err
    assert not (tmp_path / "agreement.yaml").exists()


def test_init_from_text_and_from_the_bundled_example(tmp_path: Path) -> None:
    code, out, _ = run("init", str(tmp_path / "imported"), "--from-text", str(EXAMPLE_REPORT))
    assert code == 0 and "109 items" in out
    code, out, _ = run("check", str(tmp_path / "imported"))
    assert code == 0
    assert "109 items in 8 chapters, 11 centres, 6 committees, 4 rounds." in out
    assert "has no deadline yet" in out
    code, _, _ = run("init", str(tmp_path / "bundled"), "--example", "ballerup-2018")
    code, out, _ = run("check", str(tmp_path / "bundled"))
    assert code == 0
    assert "109 items in 8 chapters, 11 centres, 6 committees, 4 rounds." in out
    assert "Worth a look" not in out


def test_issue_round_by_number_and_wrong_round(tmp_path: Path) -> None:
    run("init", str(tmp_path / "ws"))
    code, out, _ = run("issue", str(tmp_path / "ws"), "--round", "1")
    assert code == 0
    assert out.startswith("Issued 1. budgetopfølgning 2018: 3 workbooks in ")
    assert "master-runde-1.xlsx" in out and "01-social-og-sundhed-runde-1.xlsx" in out
    code, _, err = run("issue", str(tmp_path / "ws"), "--round", "5")
    assert code == 1
    assert '"5" is not a round; give its number or name: 1 ("1. budgetopfølgning 2018")' in err
    code, _, err = run("issue", str(tmp_path / "ws"), "--round", "1")
    assert code == 1 and "Give --again" in err


def test_init_into_a_folder_in_use_is_refused(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "budget.xlsx").write_bytes(b"someone's work")
    code, _, err = run("init", str(tmp_path / "ws"))
    assert code == 1
    assert "is not empty; give a new or empty folder, so nothing there is overwritten" in err
    assert (tmp_path / "ws" / "budget.xlsx").read_bytes() == b"someone's work"


def test_status_table_and_its_user_errors(tmp_path: Path) -> None:
    run("init", str(tmp_path / "ws"))
    code, _, err = run("status", str(tmp_path / "ws"))
    assert code == 1
    assert "no round has been issued yet; run xlfollow issue first" in err
    run("issue", str(tmp_path / "ws"), "--round", "1")
    code, out, _ = run("status", str(tmp_path / "ws"))
    assert code == 0
    assert out.splitlines()[0].startswith("1. budgetopfølgning 2018 (deadline")
    assert "Centre" in out.splitlines()[1] and "Social og Sundhed" in out
    code, _, err = run("status", str(tmp_path / "ws"), "--round", "9")
    assert code == 1
    assert '"9" is not a round; give its number or name' in err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_bar_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with progress_bar(Text("Merging")) as progress:
        assert progress is not None
        for done in range(1, 4):
            progress(done, 3)
    drawn = terminal.getvalue()
    assert "Merging" in drawn and drawn.count("%") >= 3 and "100%" in drawn
    with progress_bar(Text("Merging"), visible=False) as progress:  # --json: nothing drawn
        assert progress is None
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # a pipe or a log
    with progress_bar(Text("Merging")) as progress:
        assert progress is None


def test_issue_and_merge_tell_their_progress_file_by_file(tmp_path: Path) -> None:
    workspace = Workspace.init(tmp_path / "ws")
    told: list[tuple[int, int]] = []
    result = workspace.issue("1", progress=lambda done, total: told.append((done, total)))
    written = len(recipients(workspace.load(), 0))
    assert told == [(n, written) for n in range(1, written + 1)]
    assert len(result.files) <= written  # a centre with nothing to answer gets no file
    for issued in result.files[:2]:
        shutil.copy(issued.path, workspace.path / "inbox" / issued.path.name)
    told.clear()
    workspace.merge(progress=lambda done, total: told.append((done, total)))
    assert told == [(1, 2), (2, 2)]  # the inbox's files, none given by name


@pytest.mark.parametrize(
    "command",
    [["merge"], ["summary"], ["status"], ["resolve", "1.01", "milestone", "--take", "current"]],
)
def test_a_command_loads_the_agreement_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    workspace = Workspace.init(tmp_path / "ws")
    workspace.issue("1")
    loads: list[Path] = []
    real = loading.load_definition

    def counted(path: Path) -> Definition:
        loads.append(path)
        return real(path)

    # The workspace calls the name it imported; the count is of its calls.
    monkeypatch.setattr(folder, "load_definition", counted)
    name, *rest = command
    run(name, str(workspace.path), *rest)  # resolve finds no conflict: it loaded all the same
    assert loads == [workspace.path]
