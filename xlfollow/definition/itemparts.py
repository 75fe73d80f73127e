"""An imported item's contributors matched to the declared centres, and its budget
read from its texts: shared by the import of a report's text (itemreader) and of its
Word file (docximport), so both say the same doubts in the same words."""

from __future__ import annotations

import re

from xlfollow.budget import Budget
from xlfollow.definition.budgettext import read_budget
from xlfollow.definition.reportlines import ALL_OTHERS
from xlfollow.definition.todo import Doubt, Subject
from xlfollow.messages import Text
from xlfollow.model import Kind

__all__ = ["budget_from_texts", "split_contributors"]


def split_contributors(
    wording: str, responsible: str, centres: list[str], number: str, line: int | None = None
) -> tuple[tuple[str, ...], str, list[Doubt]]:
    """Split 'A, B samt C' into declared centres, although names hold commas themselves;
    with the wording as written where the names do not say it all ('' where they do),
    and a doubt for each name that is no declared centre. `line` is where the text
    import found the wording; a Word file has no lines (None)."""
    text = " ".join(wording.split()).rstrip(".")
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
