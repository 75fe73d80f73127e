"""The council report's texts: workbook_templates/report.yaml, with a workspace's own
report.yaml over it, and the ways the report writes numbers, amounts and lists."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from importlib.resources import files
from pathlib import Path
from string import Formatter
from typing import Any

import yaml

from xlfollow.danish import grouped_amount
from xlfollow.definition.yamlnodes import compose, line_of
from xlfollow.errors import Problems
from xlfollow.messages import Language, Text
from xlfollow.texts import Texts

__all__ = ["REPORT_TEXTS_FILE", "amount", "joined", "money", "report_texts", "round_title"]

REPORT_TEXTS_FILE = "report.yaml"
"""A workspace's own texts of the report, over the bundled ones."""


@cache
def _bundled() -> dict[str, Any]:
    source = files("xlfollow.workbook_templates") / REPORT_TEXTS_FILE
    data: dict[str, Any] = yaml.safe_load(source.read_text(encoding="utf-8"))
    return data


def report_texts(language: Language, workspace: Path | None = None) -> Texts:
    """The report's texts in a language: the bundled ones, each replaced by the
    workspace's report.yaml where it gives one. DefinitionError, with the file and
    line, if that file is not a mapping of known keys to texts."""
    data = dict(_bundled()[language.value])
    path = None if workspace is None else workspace / REPORT_TEXTS_FILE
    if path is not None and path.is_file():
        data.update(_own_texts(path, language, data))
    return Texts(language, data)


def _own_texts(path: Path, language: Language, bundled: dict[str, Any]) -> dict[str, Any]:
    """A workspace's report.yaml, checked key by key against the bundled texts."""
    problems = Problems(str(path))
    text = problems.read_text(path)
    problems.raise_if_any()
    assert text is not None
    root = compose(text, problems)
    problems.raise_if_any()
    if not isinstance(root, yaml.MappingNode):
        problems.add(1, Text("report.yaml should hold the languages da: and en:, each with texts"))
        problems.raise_if_any()
    assert isinstance(root, yaml.MappingNode)
    found: dict[str, Any] = {}
    for key_node, texts_node in root.value:
        if key_node.value != language.value:
            continue
        if not isinstance(texts_node, yaml.MappingNode):
            problems.add(line_of(texts_node), Text("the texts should be given by name"))
            continue
        for name_node, value_node in texts_node.value:
            key = str(name_node.value)
            value = yaml.safe_load(yaml.serialize(value_node))
            if key not in bundled:
                problems.add(
                    line_of(name_node),
                    Text('unknown text "{key}"; use the names of the bundled report.yaml', key=key),
                )
                continue
            why = _mismatch(value, bundled[key])
            if why is not None:
                problems.add(line_of(name_node), Text('"{key}": {why}', key=key, why=why))
            else:
                found[key] = value
    problems.raise_if_any()
    return found


def _mismatch(value: object, bundled: object) -> Text | None:
    """Why a workspace's text cannot stand for the bundled one, or None: it must be of
    the same kind (a text, a list of paragraphs, a table of names) and use only the
    {placeholders} the bundled one has."""
    if isinstance(bundled, list):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return Text("write it as a list of texts, each on a line starting with '- '")
        texts, allowed = value, _placeholders(bundled)
    elif isinstance(bundled, dict):
        if not isinstance(value, dict) or set(value) != set(bundled):
            return Text("write it with the names {names}", names=", ".join(bundled))
        texts, allowed = [str(v) for v in value.values()], set()
    else:
        if not isinstance(value, str):
            return Text("write it as one text, in quotes")
        texts, allowed = [value], _placeholders([str(bundled)])
    try:
        used = _placeholders(texts)
    except ValueError:
        return Text("a curly bracket is not closed; write two for one that is text")
    unknown = sorted(used - allowed)
    if unknown:
        return Text(
            "{{{name}}} is filled in nowhere; the placeholders here are {allowed}",
            name=unknown[0],
            allowed=", ".join(f"{{{name}}}" for name in sorted(allowed)) or "none",
        )
    return None


def _placeholders(texts: list[str]) -> set[str]:
    """The {names} in texts; ValueError if a bracket is not closed."""
    return {name for text in texts for _, name, _, _ in Formatter().parse(text) if name}


def amount(value: float, language: Language) -> str:
    """An amount in mio. kr. as exactly as it is held, with the language's decimal
    mark, a minus sign (U+2212) for a negative one, and never in exponent form: 0,5;
    0,762; 1,25 negative (reading it back gives the same number)."""
    text = format(Decimal(repr(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return _minus(text.replace(".", ",") if language is Language.DA else text)


def _minus(text: str) -> str:
    """A minus sign that is one (U+2212): a line is not broken after it, as it may be
    after a hyphen, so a negative amount is never cut in two."""
    return "\N{MINUS SIGN}" + text[1:] if text.startswith("-") else text


def money(value: float, language: Language) -> str:
    """An amount in mio. kr. as a table of figures shows it: two decimals and
    thousands apart, "1.234,50" (in English "1,234.50")."""
    # round and + 0.0: never "-0,00"
    return _minus(grouped_amount(round(value, 2) + 0.0, 2, language))


def joined(names: list[str], texts: Texts) -> str:
    """Names in a sentence: "a, b og c"."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {texts['and']} " + names[-1]


def round_title(round_index: int, rounds: int, texts: Texts) -> str:
    """The round as the report's title names it: Første, Anden, ...; Endelig for the
    last of several rounds."""
    if rounds > 1 and round_index == rounds - 1:
        return texts["final"]
    ordinals = texts.list("ordinals")
    return ordinals[round_index] if round_index < len(ordinals) else f"{round_index + 1}."
