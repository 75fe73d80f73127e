"""A TOML file read with its keys' lines, so every problem names the line it is on:
the helpers of a settings reader (tables, texts, choices, unknown keys)."""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from typing import Any, TypeVar

from xlfollow.definition.tomllines import key_lines
from xlfollow.errors import Problems, did_you_mean
from xlfollow.messages import Text

__all__ = ["TomlReader", "table_name"]

E = TypeVar("E", bound=StrEnum)


class TomlReader:
    """Reads parsed TOML data, recording each problem at its key's line."""

    def __init__(self, problems: Problems, text: str) -> None:
        self.problems = problems
        self.text = text

    @cached_property
    def lines(self) -> dict[tuple[str, ...], int]:
        """The line of each key, worked out when a problem needs one: a sound file (most
        loads) never pays for it (some 0.05 s at 200 centres)."""
        return key_lines(self.text)

    def problem(self, path: tuple[str, ...], message: Text) -> None:
        """Record a problem at the line of the key path, or of its nearest parent."""
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                self.problems.add(self.lines[path[:end]], message)
                return
        self.problems.add(None, message)

    def one_of(self, path: tuple[str, ...], raw: object, default: E, why: Text) -> E:
        """A choice among an enumeration's values; the default, with a problem, if
        raw is none of them."""
        choices = {member.value: member for member in type(default)}
        if isinstance(raw, str) and raw in choices:
            return choices[raw]
        self.problem(path, why)
        return default

    def texts(self, table: dict[str, Any], name: str, keys: tuple[str, ...]) -> dict[str, str]:
        """The text values of a table's keys ('' where absent, or not text: a problem)."""
        found = {}
        for key in keys:
            value = table.get(key, "")
            if not isinstance(value, str):
                self.problem((name, key), Text("{key} should be text in quotes", key=key))
                value = ""
            found[key] = value
        return found

    def table(self, data: dict[str, Any], key: str) -> dict[str, Any]:
        value = data.get(key, {})
        if isinstance(value, dict):
            return value
        self.problem(
            (key,), Text('`{key}` should be a table: write [{key}."name"] sections', key=key)
        )
        return {}

    def known_keys(
        self, data: dict[str, Any], path: tuple[str, ...], allowed: tuple[str, ...], what: Text
    ) -> None:
        for key in data:
            if key not in allowed:
                self.problem(
                    (*path, key),
                    Text(
                        "{what}: unknown key `{key}`.{hint} Allowed keys: {allowed}",
                        what=what,
                        key=key,
                        hint=did_you_mean(key, allowed),
                        allowed=", ".join(allowed),
                    ),
                )


def table_name(name: str) -> Text:
    """A table of the settings as a problem names it: [smtp]."""
    return Text("[{name}]", name=name)
