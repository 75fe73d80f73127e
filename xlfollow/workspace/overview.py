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

__all__ = ["CentreFacts", "ChapterFacts", "Overview", "RoundFacts", "describe"]


@dataclass(frozen=True)
class ChapterFacts:
    """A chapter as `check` lists it."""

    number: str
    title: str
    sheet: str
    """Its sheet's name in the workbooks."""
    items: int


@dataclass(frozen=True)
class CentreFacts:
    """A centre as `check` lists it."""

    name: str
    code: str
    email: str
    items: int
    """The items it is responsible for."""


@dataclass(frozen=True)
class RoundFacts:
    """A round as `check` lists it."""

    name: str
    deadline: str
    """Its deadline as an ISO date, or '' when none is set yet."""
    milestones: int
    """The items with a milestone written for it."""


@dataclass(frozen=True)
class Overview:
    """What `check` reports about a sound workspace."""

    title: str
    chapters: tuple[ChapterFacts, ...]
    centres: tuple[CentreFacts, ...]
    rounds: tuple[RoundFacts, ...]
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
            ChapterFacts(c.number, c.title, chapter_sheet_name(c), per_chapter[c.number])
            for c in agreement.chapters
        ),
        centres=tuple(
            CentreFacts(c.name, c.code, c.email, per_centre[c.name]) for c in definition.centres
        ),
        rounds=tuple(
            RoundFacts(r.name, r.deadline.isoformat() if r.deadline else "", per_round[r.name])
            for r in definition.rounds
        ),
        items=len(agreement.items),
        committees=len(agreement.committees),
        notes=tuple(notes),
        todo=tuple(todo or ()),
        todo_file=todo_file,
    )
