"""How a round's figures are grouped: by the items' chapter, responsible centre,
committee or kind, each group named as the sheets name it, and figures kept for all
items and for each group."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from xlfollow.model import Agreement, Item

__all__ = ["GROUPINGS", "Grouped", "Grouping", "group_of", "groups"]


class Grouping(StrEnum):
    """How the items are grouped in the figures: by their chapter, responsible centre,
    committee, or kind."""

    CHAPTER = "chapter"
    CENTRE = "centre"
    COMMITTEE = "committee"
    KIND = "kind"


GROUPINGS = tuple(Grouping)


def group_of(agreement: Agreement, item: Item, grouping: Grouping) -> str:
    """The name of the group an item falls in: its chapter ('3. Title'), centre,
    committee or kind."""
    if grouping is Grouping.CHAPTER:
        return _chapter_names(agreement)[item.chapter]
    if grouping is Grouping.KIND:
        return item.kind.value
    return item.centre if grouping is Grouping.CENTRE else item.committee


def _chapter_names(agreement: Agreement) -> dict[str, str]:
    """Chapter number -> 'number. title', remembered for the last agreement."""
    known = _CHAPTER_NAMES.get(id(agreement))
    if known is None or known[0] is not agreement:
        names = {c.number: f"{c.number}. {c.title}" for c in agreement.chapters}
        _CHAPTER_NAMES.clear()
        known = _CHAPTER_NAMES[id(agreement)] = (agreement, names)
    return known[1]


_CHAPTER_NAMES: dict[int, tuple[Agreement, dict[str, str]]] = {}


def groups(agreement: Agreement, grouping: Grouping) -> list[str]:
    """A grouping's group names in the agreement's order, each once."""
    seen: dict[str, None] = {}
    if grouping is Grouping.CHAPTER:
        for chapter in agreement.chapters:
            if any(item.chapter == chapter.number for item in agreement.items):
                seen[f"{chapter.number}. {chapter.title}"] = None
        return list(seen)
    for item in agreement.items:
        seen.setdefault(group_of(agreement, item, grouping), None)
    return list(seen)


T = TypeVar("T")


@dataclass(frozen=True)
class Grouped(Generic[T]):
    """A round's figures of one kind: for all items, and for each group of each grouping
    (`grouped[Grouping.CENTRE]["Social og Sundhed"]`)."""

    total: T
    by: Mapping[Grouping, Mapping[str, T]]

    def __getitem__(self, grouping: Grouping) -> Mapping[str, T]:
        """The figures of each group of a grouping, in the agreement's order."""
        return self.by[grouping]
