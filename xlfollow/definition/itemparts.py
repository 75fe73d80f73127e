"""An imported item made the model's Item: its contributors matched to the declared
centres, and its budget read from its texts. Shared by the import of a report's text
(itemreader) and of its Word file (docximport), so both say the same doubts in the
same words."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Protocol

from xlfollow.budget import Budget
from xlfollow.definition.budgettext import read_budget
from xlfollow.definition.reportlines import ALL_OTHERS
from xlfollow.definition.todo import Doubt, Subject
from xlfollow.messages import Text
from xlfollow.model import Item, Kind, StatusNotes

__all__ = ["ReadItem", "budget_from_texts", "make_item", "split_contributors"]


class ReadItem(Protocol):
    """An item as an import has read it from a report, before it is made an Item."""

    @property
    def number(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def kind(self) -> Kind: ...
    @property
    def chapter(self) -> str: ...
    @property
    def centre(self) -> str: ...
    @property
    def committee(self) -> str: ...
    @property
    def contributors_text(self) -> str: ...
    @property
    def agreement_text(self) -> str: ...
    @property
    def action_text(self) -> str: ...
    @property
    def milestones(self) -> Mapping[str, str]: ...
    @property
    def economy_text(self) -> str: ...
    @property
    def status(self) -> Mapping[str, StatusNotes]: ...


def make_item(
    raw: ReadItem,
    centres: list[str],
    period: tuple[int, ...],
    budget: Budget | None = None,
    lines: tuple[int | None, int | None] = (None, None),
) -> tuple[Item, list[Doubt]]:
    """The model's Item of a read item, and the doubts about it: its contributors split
    into the declared centres, and its budget, unless given, read from its texts over
    the period. `lines` are where the text import found the item and its contributors."""
    line, contributors_line = lines
    contributors, wording, doubts = split_contributors(
        raw.contributors_text, raw.centre, centres, raw.number, contributors_line
    )
    if budget is None:
        texts = (raw.agreement_text, raw.action_text, raw.economy_text)
        budget, budget_doubts = budget_from_texts(texts, period, raw.kind, raw.number, line)
        doubts += budget_doubts
    item = Item(
        number=raw.number,
        title=raw.title,
        kind=raw.kind,
        chapter=raw.chapter,
        centre=raw.centre,
        committee=raw.committee,
        contributors=contributors,
        contributors_text=wording,
        agreement_text=raw.agreement_text,
        action_text=raw.action_text,
        milestones=raw.milestones,
        economy_text=raw.economy_text,
        budget=budget,
        status=raw.status,
    )
    return item, doubts


def split_contributors(
    wording: str, responsible: str, centres: list[str], number: str, line: int | None = None
) -> tuple[tuple[str, ...], str, list[Doubt]]:
    """Split 'A, B samt C' into declared centres, although names hold commas themselves;
    with the wording as written where the names do not say it all ('' where they do),
    and a doubt for each name that is no declared centre. `line` is where the text
    import found the wording; a Word file has no lines (None)."""
    text = " ".join(wording.split())
    # The wording's closing full stop goes, unless it ends the last centre's own name.
    if not any(c.endswith(".") and text.casefold().endswith(c.casefold()) for c in centres):
        text = text.rstrip(".")
    if not text:
        return (), "", []
    if ALL_OTHERS.match(text):
        return tuple(c for c in centres if c != responsible), text, []
    by_length = sorted(centres, key=len, reverse=True)
    found: list[str] = []
    doubts: list[Doubt] = []
    kept = ""
    rest = text
    while rest:
        rest = re.sub(r"^(,|samt\b|og\b|and\b|\s)+", "", rest)
        if not rest:
            break
        match = next((c for c in by_length if rest.casefold().startswith(c.casefold())), None)
        if match is None:
            unknown = re.split(r",|\bsamt\b", rest)[0].strip()
            doubts.append(
                Doubt(_not_a_centre(line, number, unknown), Subject.CONTRIBUTORS, line, number)
            )
            rest = rest[len(unknown) :]
            kept = text
            continue
        found.append(match)
        rest = rest[len(match) :]
    return tuple(dict.fromkeys(found)), kept, doubts


def _not_a_centre(line: int | None, number: str, name: str) -> Text:
    if line is None:
        return Text(
            'item {number}: contributor "{name}" is not a responsible centre; left out of '
            "the contributors, kept in their wording",
            number=number,
            name=name,
        )
    return Text(
        'line {line}: item {number}: contributor "{name}" is not a '
        "responsible centre; left out of the contributors, kept in their "
        "wording",
        line=line,
        number=number,
        name=name,
    )


def budget_from_texts(
    texts: tuple[str, str, str],
    period: tuple[int, ...],
    kind: Kind,
    number: str,
    line: int | None = None,
) -> tuple[Budget, list[Doubt]]:
    """The budget the agreement, action and economy texts give, and a doubt for each
    place where they leave it open or disagree."""
    agreement_text, action_text, economy_text = texts
    reading = read_budget(agreement_text, action_text, economy_text, period, kind)
    doubts = []
    for doubt in reading.doubts:
        if line is None:
            said = Text("item {number}: budget: {doubt}", number=number, doubt=doubt)
        else:
            said = Text(
                "line {line}: item {number}: budget: {doubt}",
                line=line,
                number=number,
                doubt=doubt,
            )
        doubts.append(Doubt(said, Subject.BUDGET, line, number))
    return reading.budget, doubts
