"""A new workspace: its folders, agreement, settings and empty ledger, from an example."""

from __future__ import annotations

import json
import shutil
import sqlite3
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from xlfollow.definition.agreementwriter import dump_agreement
from xlfollow.definition.ledgerplace import LEDGER_FILE, LedgerPlace, read_ledger_place
from xlfollow.definition.settings import SETTINGS_FILE
from xlfollow.definition.settingswriter import settings_template
from xlfollow.definition.textimport import ImportReport, import_text_file
from xlfollow.definition.todo import todo_path, write_todo
from xlfollow.definition.tomlreader import TomlReader
from xlfollow.errors import Problems, WorkspaceError, XlfollowError
from xlfollow.files import write_atomically
from xlfollow.ledger.store import create_ledger
from xlfollow.messages import Text
from xlfollow.workspace.loading import load_definition

__all__ = ["LEDGER_FILE", "create", "create_from_text", "example_names", "example_texts"]


def _examples() -> Traversable:
    return files("xlfollow.examples")


def example_names() -> list[str]:
    """The names of the bundled examples, as `init --example` takes them."""
    return sorted(
        entry.name.replace("_", "-")
        for entry in _examples().iterdir()
        if entry.is_dir() and (entry / "agreement.yaml").is_file()
    )


def example_texts(example: str) -> tuple[str, str]:
    """A bundled example's agreement.yaml and xlfollow.toml; WorkspaceError if none is so named."""
    source = _examples() / example.replace("-", "_")
    if not (source / "agreement.yaml").is_file():
        raise WorkspaceError(
            Text(
                'there is no example "{example}"; choose one of: {names}',
                example=example,
                names=", ".join(example_names()),
            )
        )
    return (
        (source / "agreement.yaml").read_text(encoding="utf-8"),
        (source / SETTINGS_FILE).read_text(encoding="utf-8"),
    )


def create(target: Path, agreement_text: str, settings_text: str, ledger: str = "") -> None:
    """Lay out a workspace in a new or empty folder; WorkspaceError, with nothing left
    behind, if the folder is not empty or cannot be written. With `ledger` (a
    PostgreSQL address) its ledger is made there, in a schema named after the folder,
    and both are written into xlfollow.toml."""
    place = LedgerPlace.sqlite(target / LEDGER_FILE)
    if ledger:
        place = _postgresql_place(target, ledger)
        # Top-level keys go before the first table; JSON's string is TOML's too.
        settings_text = (
            f"ledger = {json.dumps(place.url)}\nledger_schema = {json.dumps(place.schema)}\n"
            + settings_text
        )
    if target.exists() and not target.is_dir():
        raise WorkspaceError(
            Text("{path} is a file; give a folder for the workspace", path=str(target))
        )
    if target.is_dir() and any(target.iterdir()):
        raise WorkspaceError(
            Text(
                "{path} is not empty; give a new or empty folder, so nothing there is overwritten",
                path=str(target),
            )
        )
    try:
        for folder in (target, target / "outbox", target / "inbox"):
            folder.mkdir(parents=True, exist_ok=True)
        write_atomically(target / "agreement.yaml", agreement_text.encode("utf-8"))
        write_atomically(target / SETTINGS_FILE, settings_text.encode("utf-8"))
        create_ledger(place)
    except (OSError, sqlite3.Error) as exc:
        shutil.rmtree(target, ignore_errors=True)
        raise WorkspaceError(
            Text("{path}: cannot create the workspace: {why}", path=str(target), why=str(exc))
        ) from exc
    except XlfollowError:
        shutil.rmtree(target, ignore_errors=True)
        raise


def _postgresql_place(target: Path, ledger: str) -> LedgerPlace:
    """The PostgreSQL place `init --ledger` names; WorkspaceError if xlfollow cannot use it."""
    problems = Problems("--ledger")
    place = read_ledger_place({"ledger": ledger}, TomlReader(problems, ""), target)
    if problems.found:
        # Said without the address: it may hold the very password it is refused for.
        raise WorkspaceError(Text("--ledger: {why}", why=problems.found[0].message))
    return place


def create_from_text(target: Path, report: Path, ledger: str = "") -> ImportReport:
    """Create a workspace whose agreement is imported from a report's text; what the
    import was unsure of is kept beside it, in the workspace's language, for `check`
    to repeat."""
    agreement, import_report = import_text_file(report)
    header = f"Imported by xlfollow import-text from {report.name}."
    create(target, dump_agreement(agreement, header), settings_template(agreement), ledger)
    language = load_definition(target).settings.language
    todo = todo_path(target / "agreement.yaml")
    write_todo(todo, import_report.unsure, agreement, language, report.name)
    return import_report
