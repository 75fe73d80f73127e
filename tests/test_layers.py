"""What importing a part of xlfollow costs: the merge and the reader start without the
libraries they do not use (the reader processes start a fresh interpreter per batch,
so what they import is paid again and again). The packages' layers are kept by the
import-linter contracts in pyproject.toml, run by CI as `lint-imports`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from xlfollow.ledger.dialect import Engine

LEDGER_ENGINES = (Engine.SQLITE,)
"""The packages' import layers: no ledger is opened here."""

HEAVY = ("xlsxwriter", "openpyxl", "sqlite3", "python_calamine")


def loaded_after(module: str) -> set[str]:
    """The heavy libraries loaded by importing a module in a fresh interpreter."""
    script = (
        f"import json, sys, {module}; "
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stdout))


@pytest.mark.parametrize(
    ("module", "allowed"),
    [
        ("xlfollow", set()),
        ("xlfollow.ledger.merge", set()),
        ("xlfollow.model", set()),
        ("xlfollow.returns.reader", {"python_calamine"}),
    ],
)
def test_importing_loads_only_what_the_module_uses(module: str, allowed: set[str]) -> None:
    assert loaded_after(module) == allowed
