"""Messages that reach a workbook, in the workspace's language.

Why a returned file was rejected is said on the terminal, in the merge report
and in the master's Modtaget sheet, which finance staff read and forward to
the centre. A `Text` keeps the English template and its values, so the sheet
can say it in the workspace's language (workbook_templates/messages.yaml holds
the Danish for each English template) while the report stays as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib.resources import files

import yaml

from xlfollow.model import Language

__all__ = ["Text", "translations"]


class Text:
    """An English message template (str.format style) with its values."""

    def __init__(self, template: str, **values: object) -> None:
        self.template = template
        self.values = {key: str(value) for key, value in values.items()}

    def __str__(self) -> str:
        return self.template.format(**self.values)

    def __repr__(self) -> str:
        return f"Text({self.template!r}, {self.values!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Text) and (self.template, self.values) == (
            other.template,
            other.values,
        )

    def __hash__(self) -> int:
        return hash((self.template, tuple(sorted(self.values.items()))))

    def say(self, language: Language) -> str:
        """The message in a language: its translation where there is one."""
        template = translations(language).get(self.template, self.template)
        return template.format(**self.values)

    def to_json(self) -> dict[str, object]:
        """What a ledger record keeps, so the message can be said again in any language."""
        return {"template": self.template, "values": self.values}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Text:
        """A message as `to_json` kept it."""
        values = data.get("values", {})
        assert isinstance(values, Mapping)
        return cls(str(data.get("template", "")), **{str(k): v for k, v in values.items()})


@cache
def translations(language: Language) -> dict[str, str]:
    """English template -> its translation, for a language ({} for English)."""
    if language is Language.EN:
        return {}
    text = (files("xlfollow.workbook_templates") / "messages.yaml").read_text("utf-8")
    data: dict[str, dict[str, str]] = yaml.safe_load(text)
    return data.get(language.value, {})
