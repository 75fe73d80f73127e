"""The public surface: what __all__ names exists and says what it is."""

from __future__ import annotations

import importlib
import inspect
import os
import re
from pathlib import Path

import pytest

import xlfollow
from xlfollow.ledger.dialect import Engine

LEDGER_ENGINES = (Engine.SQLITE,)
"""The public surface's names: no ledger is opened here."""

PACKAGE = Path(xlfollow.__file__).parent
MODULES = sorted(
    ".".join(("xlfollow", *path.relative_to(PACKAGE).with_suffix("").parts))
    for path in PACKAGE.rglob("*.py")
    if not path.stem.startswith("_")
)


@pytest.mark.parametrize("name", ["xlfollow", *MODULES])
def test_every_public_name_exists_and_has_a_docstring(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__doc__, f"{name} has no module docstring"
    assert hasattr(module, "__all__"), f"{name} has no __all__"
    for public in module.__all__:
        obj = getattr(module, public)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert inspect.getdoc(obj), f"{name}.{public} has no docstring"


def test_errors_are_also_builtin_errors() -> None:
    assert issubclass(xlfollow.DefinitionError, ValueError)
    assert issubclass(xlfollow.LedgerError, xlfollow.XlfollowError)


def test_readme_python_example_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    (code,) = re.findall(r"```python\n(.*?)```", readme, re.DOTALL)
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out
    assert "3.01 Social og Sundhed Pilotprojekt i Distrikt Skovlunde" in out
    assert "3 workbooks in budget2018/outbox/round-1" in out
    assert "'files': 0" in out


def test_ci_runs_the_readme_set_up_commands() -> None:
    root = Path(__file__).parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    ci = (root / ".ci" / "run").read_text(encoding="utf-8")
    block = readme.split("## Set-up: two commands", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    main_job, tests = [line for line in block.splitlines() if line.startswith("python3 -m venv")]
    assert tests in ci  # the test command, as written
    assert "xlfollow demo" in main_job and '.venv/bin/xlfollow demo "$scratch/' in ci
