"""What `xlfollow check` says of a sound workspace: its chapters, centres, rounds,
and what is allowed but worth a look."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from xlfollow.definition.settings import SETTINGS_FILE
from xlfollow.definition.sheetnames import chapter_sheet_name
from xlfollow.definition.todo import ToDo
from xlfollow.messages import Text
from xlfollow.model import Definition

__all__ = ["Overview", "describe"]


@dataclass(frozen=True)
class Overview:
    """What `check` reports about a sound workspace."""

    title: str
    chapters: tuple[tuple[str, str, str, int], ...]
    """(number, title, sheet name, item count) per chapter."""
    centres: tuple[tuple[str, str, str, int], ...]
    """(name, code, email, items responsible for) per centre."""
    rounds: tuple[tuple[str, str, int], ...]
    """(name, deadline or '', milestones written for it) per round."""
    items: int
    committees: int
    notes: tuple[Text, ...]
    """Things that are allowed but worth a look: missing emails, deadlines."""
    todo: tuple[ToDo, ...] = ()
    """What the import was unsure of and nobody has dealt with yet."""
    todo_file: str = ""
    """Where those are kept."""


def describe(
    definition: Definition, todo: list[ToDo] | None = None, todo_file: str = ""
) -> Overview:
    """The overview of a checked agreement and its settings, with the import's open
    to-do entries."""
    agreement = definition.agreement
    per_centre = Counter(item.centre for item in agreement.items)
    per_chapter = Counter(item.chapter for item in agreement.items)
    per_round = Counter(name for item in agreement.items for name in item.milestones)
    notes = [
        Text(
            'centre "{name}" has no email yet; add it in {settings}',
            name=centre.name,
            settings=SETTINGS_FILE,
        )
        for centre in definition.centres
        if not centre.email
    ]
    notes += [
        Text(
            'round "{name}" has no deadline yet; add it in {settings}',
            name=r.name,
            settings=SETTINGS_FILE,
        )
        for r in definition.rounds
        if r.deadline is None
    ]
    notes += [
        Text("chapter {number} has no items", number=chapter.number)
        for chapter in agreement.chapters
        if not per_chapter[chapter.number]
    ]
    return Overview(
        title=agreement.title,
        chapters=tuple(
            (c.number, c.title, chapter_sheet_name(c), per_chapter[c.number])
            for c in agreement.chapters
        ),
        centres=tuple((c.name, c.code, c.email, per_centre[c.name]) for c in definition.centres),
        rounds=tuple(
            (r.name, r.deadline.isoformat() if r.deadline else "", per_round[r.name])
            for r in definition.rounds
        ),
        items=len(agreement.items),
        committees=len(agreement.committees),
        notes=tuple(notes),
        todo=tuple(todo or ()),
        todo_file=todo_file,
    )
