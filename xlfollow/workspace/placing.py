"""The warning of a workspace whose ledger is on a network drive or in a synced folder,
which every command gives once and `check` lists among what is worth a look."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from xlfollow.ledger.journal import PLACE_CHECK_VARIABLE, ledger_place
from xlfollow.ledger.placement import Machine
from xlfollow.messages import Text

__all__ = ["place_warning"]


def place_warning(
    ledger: Path, environ: Mapping[str, str] | None = None, machine: Machine | None = None
) -> Text | None:
    """The warning of a ledger on a place SQLite is not safe on (a ledger in WAL mode
    there is switched to the rollback journal first, where it can be); None on a local
    disk, or where XLFOLLOW_LEDGER_PLACE_CHECK=0 says the municipality accepts the risk."""
    environ = os.environ if environ is None else environ
    if environ.get(PLACE_CHECK_VARIABLE, "").strip() == "0":
        return None
    found = ledger_place(ledger, machine)
    return None if found is None else found.warning()
