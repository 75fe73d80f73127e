"""The texts of the workbooks in each language, from workbook_templates/texts.yaml."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from xlfollow.messages import Text
from xlfollow.model import Language

__all__ = ["Label", "Texts", "texts"]

_MONTHS = {
    Language.DA: [
        "januar",
        "februar",
        "marts",
        "april",
        "maj",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "december",
    ],
    Language.EN: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}


class Texts:
    """The workbook texts of one language; `texts[key]` is one text."""

    def __init__(self, language: Language, data: dict[str, Any]) -> None:
        self.language = language
        self.data = data

    def __getitem__(self, key: str) -> str:
        return str(self.data[key])

    def list(self, key: str) -> list[str]:
        """A list of texts, such as a sheet's column headers."""
        return [str(value) for value in self.data[key]]

    @property
    def headers(self) -> dict[str, str]:
        """The column header templates."""
        return {str(k): str(v) for k, v in self.data["headers"].items()}

    def date(self, value: date | None) -> str:
        """A date written the language's way: '5. april 2018' or '5 April 2018'."""
        if value is None:
            return self["no_deadline"]
        month = _MONTHS[self.language][value.month - 1]
        if self.language is Language.DA:
            return f"{value.day}. {month} {value.year}"
        return f"{value.day} {month} {value.year}"

    def moment(self, stamp: str) -> str:
        """A moment stored as ISO 8601, as the language writes it on the reader's clock:
        '1.12.2026 kl. 20.24' or '2026-12-01 20:24'. A stamp it cannot read is shown as
        it is, cut to the minute."""
        try:
            when = datetime.fromisoformat(stamp)
        except ValueError:
            return stamp[:16].replace("T", " ")
        if when.tzinfo is not None:
            when = when.astimezone()  # stored in UTC; the reader's clock is local
        return self["received_at"].format(
            year=when.year, month=when.month, day=when.day, hour=when.hour, minute=when.minute
        )


@cache
def texts(language: Language) -> Texts:
    """The texts of a language, read once from the bundled templates."""
    source = files("xlfollow.workbook_templates") / "texts.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    return Texts(language, data[language.value])


class Label(Text):
    """A workbook text inside a message, such as a field's name as the sheets show it
    ("Status milepæl"): said from texts.yaml in the language of the message holding it."""

    def __init__(self, key: str) -> None:
        super().__init__("{label}", label=key)
        self.key = key

    def __repr__(self) -> str:
        return f"Label({self.key!r})"

    def say(self, language: Language) -> str:
        """The text in a language."""
        return texts(language)[self.key]

    def to_json(self) -> dict[str, object]:
        """What a ledger record keeps: the key."""
        return {"label": self.key}
