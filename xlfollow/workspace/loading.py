"""A workspace's definition: xlfollow.toml and the agreement it names, read and checked,
the agreement taken from the workspace's cache when its text was checked before."""

from __future__ import annotations

import tomllib
from pathlib import Path

from xlfollow.definition.agreement import read_agreement
from xlfollow.definition.ledgerplace import LEDGER_FILE, LedgerPlace, read_ledger_place
from xlfollow.definition.settings import SETTINGS_FILE, agreement_file, read_settings
from xlfollow.definition.tomlreader import TomlReader
from xlfollow.errors import DefinitionError, Problems, WorkspaceError
from xlfollow.messages import Text
from xlfollow.model import Agreement, Definition
from xlfollow.workspace.agreementcache import cache_key, cached_agreement, keep_agreement

__all__ = ["ledger_place", "load_definition"]


def load_definition(folder: Path) -> Definition:
    """Read and check the settings and the agreement, reporting every problem of both."""
    settings_path = folder / SETTINGS_FILE
    if not settings_path.is_file():
        raise WorkspaceError(
            Text(
                "{path} is not an xlfollow workspace (no {settings}); "
                "create one with: xlfollow init {path}",
                path=str(folder),
                settings=SETTINGS_FILE,
            )
        )
    settings_problems = Problems(str(settings_path))
    settings_text = settings_problems.read_text(settings_path)
    if settings_text is None:
        raise DefinitionError(settings_problems.found)
    agreement_path = folder / agreement_file(settings_text)
    agreement_problems = Problems(str(agreement_path))
    agreement = _checked_agreement(folder, agreement_path, agreement_problems)
    settings = read_settings(settings_text, settings_problems, agreement)
    found = agreement_problems.found + settings_problems.found
    if found or agreement is None or settings is None:
        raise DefinitionError(found)
    return Definition(agreement, settings)


def _checked_agreement(folder: Path, path: Path, problems: Problems) -> Agreement | None:
    """The agreement in this file: kept in the workspace from an earlier check of the
    same bytes, or read and checked now (and kept, if sound)."""
    key = _key(path)
    agreement = cached_agreement(folder, key) if key is not None else None
    if agreement is not None:
        return agreement
    text = problems.read_text(
        path, Text("create it or fix `agreement` in {settings}", settings=SETTINGS_FILE)
    )
    if text is None:
        return None
    agreement = read_agreement(text, problems)
    # Kept only if the file is still the one the key was made from: the agreement of
    # a file changed meanwhile must not be served for the bytes it had before.
    if agreement is not None and not problems.found and key is not None and _key(path) == key:
        keep_agreement(folder, key, agreement)
    return agreement


def _key(path: Path) -> dict[str, object] | None:
    try:
        return cache_key(path.read_bytes())
    except OSError:
        return None  # read_text says why


def ledger_place(folder: Path) -> LedgerPlace:
    """Where the workspace in `folder` keeps its ledger; DefinitionError naming
    xlfollow.toml and the line if its `ledger` setting is one xlfollow cannot use."""
    path = folder / SETTINGS_FILE
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        if path.is_file():
            # Said as loading says it (file and line), not as a ledger file missing.
            load_definition(folder)
        return LedgerPlace.sqlite(folder / LEDGER_FILE)
    problems = Problems(str(path))
    place = read_ledger_place(data, TomlReader(problems, text), folder)
    problems.raise_if_any()
    return place
