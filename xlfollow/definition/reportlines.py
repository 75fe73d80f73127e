"""The follow-up report's text as lines: the patterns that recognise its parts
(item headings, fields, milestone and economy blocks, round names, page footers),
and lines joined into paragraphs, the reading guide's definitions and the title.

The text import's own toolkit: textimport and itemreader use these names, no
module outside definition/ does.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

from xlfollow.definition.linebreaks import join_lines

__all__ = [
    "ALL_OTHERS",
    "CHAPTER",
    "ECONOMY",
    "FIELD",
    "MARKER",
    "MILESTONE",
    "NUMBER",
    "PAGE_FOOTER",
    "ROUND_LABEL",
    "STATUS",
    "Line",
    "field_of",
    "guide_definitions",
    "list_continued",
    "paragraphs",
    "report_title",
    "without_head",
]

MARKER = re.compile(r"^(?P<before>.*?)\s*(?P<kind>Anlæg og drift|Drift|Anlæg)\s+Tid\s+Smiley\s*$")
NUMBER = re.compile(r"^\s*(?P<number>\d{1,2}(?:\.\d{1,3})+)(?:\.\s*|\s+)(?P<title>\S.*)?$")
CHAPTER = re.compile(r"^\s*(?P<number>\d{1,2})\.\s+(?P<title>\S.*?)\s*$")
ROUND_LABEL = re.compile(
    r"^(?P<before>.*?)\s*(?P<label>\d\.\s*budgetopfølgning\s+\d{4}|\d{1,2}\.\d{1,2}\.\d{4})\s*$"
)
PAGE_FOOTER = re.compile(r"\s-\s?\d{1,4}\s?-(\s|$)|^\s*Side\s+\d{1,4}\s*$")
FIELD = re.compile(
    r"^\s*(?P<label>Ansvarligt center|Ansvarligt udvalg|Væsentlig bidragsyder):\s*(?P<value>.*)$"
)
STATUS = re.compile(r"^\s*Status:\s*(?P<rest>.*)$")
MILESTONE = re.compile(r"^\s*Milepæl\b\s*(?P<rest>.*)$")
ECONOMY = re.compile(r"^\s*Økonomi(?:\s+(?P<rest>.*)|\s*)$")
# An entry of a numbered list: "2. Kommunens anlægsinvesteringer ..." (a capital
# after the number, so a date wrapped to a line's start, "1. januar", is none).
_LIST_ENTRY = re.compile(r"^(?P<number>\d{1,2})\.\s+[A-ZÆØÅ]")
ALL_OTHERS = re.compile(r"^de øvrige centre( og sekretariater)?\.?$", re.IGNORECASE)
_TITLE = re.compile(r"(?P<title>Aftale om budget \d{4})\s+for\s+(?P<municipality>.+?)\s*$")


@dataclass(frozen=True)
class Line:
    """One line of the report's text, with its line number in the file."""

    number: int
    text: str

    @property
    def blank(self) -> bool:
        """Whether the line holds only white space."""
        return not self.text.strip()


def without_head(head: re.Pattern[str], line: Line) -> Line:
    """The line with its leading word ('Milepæl', 'Økonomi', 'Status:') taken off."""
    found = head.match(line.text)
    return dataclasses.replace(line, text=found["rest"] or "" if found else line.text)


def field_of(line: Line) -> tuple[str, str]:
    """The label and value of a field line ('Ansvarligt center: ...')."""
    found = FIELD.match(line.text)
    assert found is not None
    return found["label"], found["value"]


def guide_definitions(front: list[Line], heading: str, compounds: frozenset[str]) -> list[str]:
    """The ': text' definitions under a heading of the reading guide."""
    start = next((i for i, line in enumerate(front) if line.text.strip().startswith(heading)), None)
    if start is None:
        return []
    definitions: list[list[str]] = []
    for line in front[start + 1 :]:
        text = line.text.strip()
        if text.startswith(":"):
            definitions.append([text[1:].strip()])
        elif text and definitions and len(definitions[-1]) < 4:
            if text.startswith(("Der gives", "Definition", "ØKONOMI")) or text.isupper():
                break
            definitions[-1].append(text)
        elif text and not definitions:
            break
        elif not text and definitions and len(definitions) >= 3:
            continue
    return [join_lines(parts, compounds).rstrip(". ") for parts in definitions]


def report_title(front: list[Line], compounds: frozenset[str]) -> tuple[str, str]:
    """The agreement's title and municipality, from the report's first lines."""
    joined = join_lines((line.text for line in front[:12] if not line.blank), compounds)
    found = _TITLE.search(joined.split("Læsevejledning")[0])
    if found:
        return found["title"], found["municipality"]
    first = next((line.text.strip() for line in front if not line.blank), "")
    return first or "Aftale om budget", ""


def list_continued(agreement: Sequence[Line], action: Sequence[Line]) -> int:
    """Where in the action text's lines the agreement text's numbered list goes on:
    the agreement text ends with entry N of a list, and a line of the action text
    starts entry N+1 with no entry of a list of its own before it. len(action) if
    nowhere."""
    texts = [line.text.strip() for line in agreement]
    while texts and not texts[-1]:
        texts.pop()
    start = len(texts)
    while start > 0 and texts[start - 1]:
        start -= 1
    entries = [found for text in texts[start:] if (found := _LIST_ENTRY.match(text))]
    if not entries:
        return len(action)
    following = int(entries[-1]["number"]) + 1
    for index, line in enumerate(action):
        found = _LIST_ENTRY.match(line.text.strip())
        if found is None:
            continue
        # The first entry of the action text decides: the list goes on there, or the
        # action text has a list of its own.
        return index if int(found["number"]) == following else len(action)
    return len(action)


def paragraphs(lines: Sequence[Line], compounds: frozenset[str]) -> str:
    """Lines into text: wrapped lines joined, one paragraph per line, bullets kept."""
    parts: list[list[str]] = [[]]
    for line in lines:
        text = line.text.strip()
        if not text:
            parts.append([])
        elif text.startswith(("•", "*", "-")) and parts[-1]:
            parts.append([text])
        else:
            parts[-1].append(text)
    return "\n".join(joined for part in parts if (joined := join_lines(part, compounds)))
