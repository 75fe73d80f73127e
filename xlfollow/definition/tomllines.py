"""Where each key of a TOML text is: the line of every table header and key, by key
path, which tomllib does not give, so that a problem in xlfollow.toml names its line."""

from __future__ import annotations

import tomllib
from typing import Any

__all__ = ["key_lines"]


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The line of each table header and key, by key path (tomllib gives no positions)."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            path = _path_of(stripped)
            if path:
                table = path
                lines.setdefault(table, number)
        elif stripped and not stripped.startswith("#") and (equals := _key_end(stripped)) > 0:
            path = _path_of(stripped[:equals] + "= 0")
            if path:
                lines.setdefault(table + path, number)
    return lines


def _key_end(line: str) -> int:
    """The position of the `=` that ends a key, skipping quoted parts; -1 if none."""
    quote = ""
    for position, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "=":
            return position
    return -1


def _path_of(fragment: str) -> tuple[str, ...]:
    try:
        data: Any = tomllib.loads(fragment)
    except tomllib.TOMLDecodeError:
        return ()
    path: list[str] = []
    while isinstance(data, dict) and len(data) == 1:
        key = next(iter(data))
        path.append(key)
        data = data[key]
    return tuple(path)
