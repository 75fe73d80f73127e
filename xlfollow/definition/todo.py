"""What an import was unsure of, kept beside the agreement until a person has dealt
with it.

`import-text` and `init --from-text` write the list next to the agreement
(`agreement-todo.yaml` beside `agreement.yaml`). `check` repeats every entry that is
still open: one is dealt with when the part of the agreement it is about (an item's
budget, its contributors, its centre, the smiley scales) has been changed since the
import, or when a person marks it as seen (`check --seen 3.04`, or `seen: true` in
the file). So nobody depends on having read the import's output once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from xlfollow.definition.fingerprint import budget_print, scales_print
from xlfollow.definition.yamlnodes import Node, NodeReader, compose
from xlfollow.errors import Problems
from xlfollow.files import write_atomically
from xlfollow.messages import Language, Text
from xlfollow.model import Agreement, Item

__all__ = [
    "Doubt",
    "Subject",
    "ToDo",
    "mark_seen",
    "open_todos",
    "read_todo",
    "todo_path",
    "write_todo",
]


class Subject(StrEnum):
    """The part of the agreement a doubt is about: editing it deals with the doubt."""

    BUDGET = "budget"
    CONTRIBUTORS = "contributors"
    CENTRE = "centre"
    SCALES = "scales"


@dataclass(frozen=True)
class Doubt:
    """One thing an import was unsure of: where in the text, about what, and why."""

    text: Text
    subject: Subject
    line: int | None = None
    item: str | None = None

    def say(self, language: Language) -> str:
        """The doubt in words, in a language."""
        return self.text.say(language)

    def __str__(self) -> str:
        return self.say(Language.EN)


@dataclass(frozen=True)
class ToDo:
    """A doubt as kept in the to-do file: what was said, and whether it is done."""

    note: str
    subject: Subject
    line: int | None
    item: str | None
    state: str
    """A digest of the part of the agreement it is about, as the import left it."""
    seen: bool = False


def todo_path(agreement_path: Path) -> Path:
    """Where the to-do list of an agreement file is kept."""
    return agreement_path.with_name(f"{agreement_path.stem}-todo.yaml")


_HEADER = """\
# What the import was unsure of. `xlfollow check` lists every entry until the part
# of the agreement it is about has been changed, or it is marked `seen: true` here
# (or by `xlfollow check --seen ITEM`).
"""


def write_todo(
    path: Path, doubts: list[Doubt], agreement: Agreement, language: Language, source: str
) -> None:
    """Keep an import's doubts beside its agreement, each with the state it left."""
    todos = [
        ToDo(d.say(language), d.subject, d.line, d.item, _state(agreement, d.subject, d.item))
        for d in doubts
    ]
    _write(path, source, todos)


def _write(path: Path, source: str, todos: list[ToDo]) -> None:
    data = {"source": source, "todo": [_entry(todo) for todo in todos]}
    body = yaml.dump(data, allow_unicode=True, sort_keys=False, width=88)
    write_atomically(path, (_HEADER + body).encode("utf-8"))


def read_todo(path: Path) -> list[ToDo]:
    """The entries of a to-do file; none if there is no file. DefinitionError, with the
    line, for an entry that cannot be read."""
    return _read(path)[1]


def _read(path: Path) -> tuple[str, list[ToDo]]:
    if not path.is_file():
        return "", []
    problems = Problems(str(path))
    text = problems.read_text(path)
    todos: list[ToDo] = []
    source = ""
    root = compose(text, problems) if text else None
    reader = NodeReader(problems)
    top = reader.mapping(root, Text("the to-do list"), ("source", "todo"), ()) if root else None
    if top is not None:
        source = reader.text(top["source"], Text("`source`")) or "" if "source" in top else ""
        for node in reader.sequence(top.get("todo", _NONE), Text("`todo`")):
            fields = reader.mapping(
                node,
                Text("a to-do entry"),
                ("note", "subject", "line", "item", "state", "seen"),
                ("note", "subject", "state"),
            )
            if fields is None or not {"note", "subject", "state"} <= set(fields):
                continue
            todo = _entry_read(reader, node, fields)
            if todo is not None:
                todos.append(todo)
    problems.raise_if_any()
    return source, todos


def _entry_read(reader: NodeReader, node: Node, fields: dict[str, Node]) -> ToDo | None:
    """One entry, each of its values the kind it must be; a problem at its line if not."""
    texts = {
        key: reader.text(fields[key], Text("a to-do entry: `{key}`", key=key))
        for key in ("note", "subject", "state", "seen", "line", "item")
        if key in fields
    }
    if any(value is None for value in texts.values()):
        return None  # not a single text: the reader said so
    subject = texts["subject"] or ""
    seen = (texts.get("seen") or "false").lower()
    line = texts.get("line") or ""
    if subject not in Subject.__members__.values() or seen not in ("true", "false"):
        reader.problem(
            node,
            Text(
                "a to-do entry has `subject` or `seen` changed; restore the entry's "
                "`subject` and write `seen: true` or `seen: false`"
            ),
        )
        return None
    if line and not line.isdigit():
        reader.problem(
            node, Text("a to-do entry's `line` is not a line number; restore it or remove it")
        )
        return None
    return ToDo(
        note=texts["note"] or "",
        subject=Subject(subject),
        line=int(line) if line else None,
        item=texts.get("item") or None,
        state=texts["state"] or "",
        seen=seen == "true",
    )


def open_todos(todos: list[ToDo], agreement: Agreement) -> list[ToDo]:
    """The entries nobody has dealt with: not seen, and their part of the agreement as
    the import left it."""
    return [
        todo
        for todo in todos
        if not todo.seen and _state(agreement, todo.subject, todo.item) == todo.state
    ]


def mark_seen(path: Path, items: list[str]) -> int:
    """Mark the entries about these items (or, for 'all', every entry) as seen; how many
    were open before."""
    source, todos = _read(path)
    wanted = {number.casefold() for number in items}
    marked = [
        replace(todo, seen=True)
        if not todo.seen and ("all" in wanted or (todo.item or "").casefold() in wanted)
        else todo
        for todo in todos
    ]
    count = sum(a != b for a, b in zip(todos, marked, strict=True))
    if count:
        _write(path, source, marked)
    return count


_NONE = yaml.ScalarNode("tag:yaml.org,2002:null", "")


def _entry(todo: ToDo) -> dict[str, Any]:
    entry: dict[str, Any] = {"note": todo.note, "subject": todo.subject.value}
    if todo.line is not None:
        entry["line"] = todo.line
    if todo.item is not None:
        entry["item"] = todo.item
    entry["state"] = todo.state
    entry["seen"] = todo.seen
    return entry


def _state(agreement: Agreement, subject: Subject, number: str | None) -> str:
    """A digest of what a doubt is about, as the agreement has it now."""
    item = next((i for i in agreement.items if i.number == number), None)
    part: object
    if subject is Subject.SCALES:
        part = scales_print(agreement)
    elif item is None:
        part = None
    else:
        part = _item_part(item, subject)
    canonical = json.dumps(part, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def _item_part(item: Item, subject: Subject) -> object:
    if subject is Subject.BUDGET:
        return budget_print(item.budget)
    if subject is Subject.CONTRIBUTORS:
        return [list(item.contributors), item.contributors_text]
    return item.centre
