"""Read YAML keeping line numbers, so every problem can say where it is.

PyYAML's composer gives a node tree with positions; these helpers turn nodes
into plain values and record a Problem (file, line, what to do) for each
mistake instead of stopping at the first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TypeVar

import yaml

from xlfollow.danish import parse_amount
from xlfollow.errors import Problems, ValueProblem, did_you_mean
from xlfollow.messages import Text

__all__ = ["NodeReader", "compose", "is_null", "line_of"]

Node = yaml.Node
T = TypeVar("T")

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_NUMBER = re.compile(r"[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][-+]?[0-9]+)?")


def _plain(node: Node) -> bool:
    """Written without quotes (libyaml says '' for that, PyYAML None)."""
    return isinstance(node, yaml.ScalarNode) and not node.style


def is_null(node: Node) -> bool:
    """An empty value: nothing after the colon, or ~ or null, unquoted."""
    return _plain(node) and node.value in _NULLS


def _is_number(node: Node) -> bool:
    """A YAML number: unquoted digits, as 0.762, -1 or 1e3 (0,762 is text to YAML)."""
    return _plain(node) and _NUMBER.fullmatch(str(node.value)) is not None


# libyaml's parser, where PyYAML was built with it, is some 15 times faster and
# keeps the same line marks. Scalars are left untyped (every value is read as
# the text written; is_null and _is_number say what it is), which spares
# PyYAML's implicit resolver, a third of the loading time of a large agreement.
class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    def resolve(self, kind: type[Node], value: object, implicit: object) -> str:
        if kind is yaml.ScalarNode:
            return "tag:yaml.org,2002:str"
        if kind is yaml.SequenceNode:
            return "tag:yaml.org,2002:seq"
        return "tag:yaml.org,2002:map"


_LOADER = _Loader


def compose(text: str, problems: Problems) -> Node | None:
    """Parse YAML text into a node tree; a syntax error becomes a problem with its line."""
    try:
        return yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        source_line = text.splitlines()[line - 1] if line and line <= len(text.splitlines()) else ""
        indent = source_line[: len(source_line) - len(source_line.lstrip())]
        if "\t" in indent:
            problems.add(
                line, Text("a tab in the indentation; indent with spaces: YAML does not allow tabs")
            )
        else:
            # PyYAML's own words for the mistake, which it gives in English only.
            problems.add(
                line,
                Text(
                    "{what}; fix the YAML syntax here (check indentation and quotes)",
                    what=exc.problem or "the YAML cannot be read",
                ),
            )
    except yaml.YAMLError as exc:
        problems.add(None, Text("the YAML cannot be read ({why}); fix the syntax", why=str(exc)))
    return None


def line_of(node: Node) -> int:
    """The 1-based line where a node starts."""
    return int(node.start_mark.line) + 1


class NodeReader:
    """Turns nodes into values, recording a problem for each one that does not fit."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems

    def problem(self, node: Node, message: Text) -> None:
        """Record a problem at the node's line."""
        self.problems.add(line_of(node), message)

    def mapping(
        self, node: Node, what: Text, allowed: tuple[str, ...], required: tuple[str, ...] = ()
    ) -> dict[str, Node] | None:
        """A mapping's keys and value nodes; unknown, repeated and missing keys are problems."""
        if not isinstance(node, yaml.MappingNode):
            self._not_a_mapping(node, what)
            return None
        found: dict[str, Node] = {}
        suggested: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in found:
                self._twice(key_node, what, key, found[key])
            elif key not in allowed:
                hint = did_you_mean(key, allowed)
                suggested.update(k for k in allowed if f'"{k}"' in str(hint))
                self.problem(
                    key_node,
                    Text(
                        "{what}: unknown key `{key}`.{hint} Allowed keys: {allowed}",
                        what=what,
                        key=key,
                        hint=hint,
                        allowed=", ".join(allowed),
                    ),
                )
            else:
                found[key] = value_node
        for key in required:
            # A misspelt key is one mistake: it was reported above as unknown.
            if key not in found and key not in suggested:
                self.problem(
                    node, Text("{what}: `{key}` is missing; add `{key}: ...`", what=what, key=key)
                )
        return found

    def _not_a_mapping(self, node: Node, what: Text) -> None:
        self.problem(node, Text("{what} should be a mapping of `key: value` lines", what=what))

    def _twice(self, node: Node, what: Text, key: str, first: Node) -> None:
        self.problem(
            node,
            Text(
                "{what}: `{key}` is given twice (also on line {line}); keep one",
                what=what,
                key=key,
                line=line_of(first),
            ),
        )

    def pairs(self, node: Node, what: Text) -> Iterator[tuple[Node, Node]]:
        """The key and value nodes of a mapping whose keys are data (round names, years)."""
        if is_null(node):
            return
        if not isinstance(node, yaml.MappingNode):
            self._not_a_mapping(node, what)
            return
        seen: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                self._twice(key_node, what, key, seen[key])
                continue
            seen[key] = key_node
            yield key_node, value_node

    def sequence(self, node: Node, what: Text) -> list[Node]:
        """A list's item nodes; an empty value is an empty list."""
        if is_null(node):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.problem(
                node, Text("{what} should be a list, one `- ...` line per entry", what=what)
            )
            return []
        return list(node.value)

    def text(self, node: Node, what: Text) -> str | None:
        """A scalar as the text the user wrote, stripped; an empty value is ''."""
        if not isinstance(node, yaml.ScalarNode):
            self.problem(
                node, Text("{what} should be a single text, not a list or mapping", what=what)
            )
            return None
        if is_null(node):
            return ""
        # The source text, not the resolved value: item number 3.10 stays "3.10".
        return str(node.value).strip()

    def name(self, node: Node, what: Text) -> str | None:
        """A non-empty one-line name, with runs of white space folded to one space."""
        value = self.text(node, what)
        if value is None:
            return None
        folded = " ".join(value.split())
        if not folded:
            self.problem(node, Text("{what} is empty; write the name", what=what))
            return None
        return folded

    def names(self, node: Node, what: Text) -> list[str]:
        """A list of names (a single name is a list of one)."""
        if isinstance(node, yaml.ScalarNode) and not is_null(node):
            one = self.name(node, what)
            return [one] if one is not None else []
        return [n for child in self.sequence(node, what) if (n := self.name(child, what))]

    def amount(self, node: Node, what: Text) -> float | None:
        """An amount in mio. kr.: a YAML number, or text with a decimal comma like "0,762"."""
        if not isinstance(node, yaml.ScalarNode) or is_null(node):
            self.problem(
                node, Text("{what}: an amount is missing; write it like 0,762 or -1,5", what=what)
            )
            return None
        raw = str(node.value)
        try:
            if _is_number(node):
                return float(raw.replace("_", ""))
            return parse_amount(raw)
        except ValueProblem as exc:
            self.problem(node, Text("{what}: {why}", what=what, why=exc.text))
            return None

    def year(self, node: Node, what: Text) -> int | None:
        """A four-digit year such as 2018."""
        raw = str(node.value).strip() if isinstance(node, yaml.ScalarNode) else ""
        if raw.isdigit() and 1900 <= int(raw) <= 2200:
            return int(raw)
        self.problem(
            node,
            Text('{what}: "{raw}" is not a year; write the year like 2018', what=what, raw=raw),
        )
        return None

    def each(self, nodes: list[Node], read: Callable[[Node], T | None]) -> list[tuple[Node, T]]:
        """Read every node, keeping those that gave a value, each with its node."""
        return [(node, value) for node in nodes if (value := read(node)) is not None]
