"""Messages in the reader's language: the terminal's, or the workspace's.

Every message xlfollow gives a person (an error, a problem in a file, a line of
a report) is a `Text`: its English template and its values. It is said in a
language only where it is shown: the terminal speaks the language its user set
(`terminal_language`), a workbook the workspace's, and a report kept in the
ledger can be said again in either. workbook_templates/messages.yaml holds the
Danish for each English template; tests/test_messages.py checks that every
template in the source has its Danish, with the same placeholders.
"""

from __future__ import annotations

import locale
import os
import re
from collections.abc import Mapping, Sequence
from enum import StrEnum
from functools import cache
from importlib.resources import files

import yaml

__all__ = [
    "LANGUAGE_VARIABLE",
    "Joined",
    "Language",
    "Text",
    "terminal_language",
    "translations",
]

LANGUAGE_VARIABLE = "XLFOLLOW_LANGUAGE"
"""The environment variable that sets the terminal's language (da or en)."""


class Language(StrEnum):
    """A language xlfollow speaks: in the workbooks a centre reads, and on the terminal."""

    DA = "da"
    EN = "en"


class Text:
    """An English message template (str.format style) with its values.

    A value may itself be a Text (the place a problem is found, say), which is
    said in the same language as the message holding it.
    """

    __slots__ = ("template", "values")

    def __init__(self, template: str, **values: str | int | float | Text) -> None:
        # Kept as given: the place a problem could be found is made for every key
        # of a large agreement, and said only where there is a problem.
        self.template = template
        self.values = values

    def _said_values(self) -> dict[str, str | Text]:
        return {k: v if isinstance(v, Text) else str(v) for k, v in self.values.items()}

    def __str__(self) -> str:
        return self.say(Language.EN)

    def __repr__(self) -> str:
        return f"Text({self.template!r}, {self._said_values()!r})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Text)
            and type(other) is type(self)
            and self.template == other.template
            and self._said_values() == other._said_values()
        )

    def __hash__(self) -> int:
        return hash((self.template, tuple(sorted(self._said_values().items()))))

    def say(self, language: Language) -> str:
        """The message in a language: its translation where there is one."""
        template = translations(language).get(self.template, self.template)
        values = {
            key: value.say(language) if isinstance(value, Text) else value
            for key, value in self.values.items()
        }
        return template.format(**values)

    def to_json(self) -> dict[str, object]:
        """What a ledger record keeps, so the message can be said again in any language."""
        return {
            "template": self.template,
            "values": {
                key: value.to_json() if isinstance(value, Text) else str(value)
                for key, value in self.values.items()
            },
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Text:
        """A message as `to_json` kept it."""
        label = data.get("label")
        if isinstance(label, str):
            from xlfollow.texts import Label  # texts reads messages: imported when needed

            return Label(label)
        parts = data.get("parts")
        if isinstance(parts, list):
            return Joined(
                [Text.from_json(p) if isinstance(p, Mapping) else str(p) for p in parts],
                str(data.get("separator", "; ")),
            )
        values = data.get("values", {})
        assert isinstance(values, Mapping)
        return cls(
            str(data.get("template", "")),
            **{
                str(key): cls.from_json(value) if isinstance(value, Mapping) else str(value)
                for key, value in values.items()
            },
        )


class Joined(Text):
    """Messages one after another, as one: "a; b; c"."""

    def __init__(self, parts: Sequence[Text | str], separator: str = "; ") -> None:
        super().__init__("")
        self.parts = tuple(parts)
        self.separator = separator

    def __repr__(self) -> str:
        return f"Joined({list(self.parts)!r}, {self.separator!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Joined) and (self.parts, self.separator) == (
            other.parts,
            other.separator,
        )

    def __hash__(self) -> int:
        return hash((self.parts, self.separator))

    def say(self, language: Language) -> str:
        """Each part in a language, with the separator between."""
        return self.separator.join(
            part.say(language) if isinstance(part, Text) else part for part in self.parts
        )

    def to_json(self) -> dict[str, object]:
        """The parts as `Text.to_json` keeps each."""
        return {
            "parts": [part.to_json() if isinstance(part, Text) else part for part in self.parts],
            "separator": self.separator,
        }


@cache
def translations(language: Language) -> dict[str, str]:
    """English template -> its translation, for a language ({} for English)."""
    if language is Language.EN:
        return {}
    text = (files("xlfollow.workbook_templates") / "messages.yaml").read_text("utf-8")
    data: dict[str, dict[str, str]] = yaml.safe_load(text)
    return data.get(language.value, {})


def terminal_language(environ: Mapping[str, str] | None = None) -> Language:
    """The language the terminal speaks when none is set: the user's locale's.

    Danish for a Danish locale, as POSIX programs read it (LANGUAGE, LC_ALL,
    LC_MESSAGES, LANG: the first one set) or as Windows reports it; English for
    any other. The command line's --language and XLFOLLOW_LANGUAGE come first.
    """
    environ = os.environ if environ is None else environ
    keys = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
    name = next((environ[key] for key in keys if environ.get(key)), None)
    if name is None and environ is os.environ:
        name = locale.getlocale()[0]
    first = re.split(r"[_.@:-]", (name or "").casefold(), maxsplit=1)[0]
    return Language.DA if first in {"da", "danish"} else Language.EN
