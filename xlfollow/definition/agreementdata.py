"""A checked agreement as plain JSON data, and back, without checking it again.

This is the form the workspace caches (xlfollow.workspace.agreementcache), not a
file format for people: agreement.yaml is that. Items are rows (lists in a fixed
order), not objects with keys, because lists parse faster and 20,000 items should
load in a fraction of a second.
"""

from __future__ import annotations

from typing import Any

from xlfollow.budget import Budget, BudgetSeries
from xlfollow.model import Agreement, Chapter, Item, Kind, StatusNotes
from xlfollow.scales import SmileyScale, SmileyStep

__all__ = ["agreement_data", "agreement_from_data"]

_KINDS = {kind.value: kind for kind in Kind}


def agreement_data(agreement: Agreement) -> dict[str, object]:
    """The agreement as JSON-ready data that `agreement_from_data` reads back equal."""
    return {
        "title": agreement.title,
        "municipality": agreement.municipality,
        "rounds": list(agreement.rounds),
        "centres": list(agreement.centres),
        "committees": list(agreement.committees),
        "chapters": [[c.number, c.title, c.sheet] for c in agreement.chapters],
        "scales": [_scale_data(agreement.milestone_scale), _scale_data(agreement.economy_scale)],
        "budget_period": list(agreement.budget_period),
        "items": [_item_row(item) for item in agreement.items],
    }


def agreement_from_data(data: object) -> Agreement:
    """The agreement `agreement_data` gave, rebuilt without checking its content again.

    ValueError if the data is not of that shape (a damaged or foreign file): the
    caller then reads agreement.yaml instead.
    """
    try:
        if not isinstance(data, dict):
            raise TypeError("not an object")
        milestone_scale, economy_scale = (_scale(s) for s in data["scales"])
        return Agreement(
            title=_text(data["title"]),
            municipality=_text(data["municipality"]),
            rounds=_texts(data["rounds"]),
            centres=_texts(data["centres"]),
            committees=_texts(data["committees"]),
            chapters=tuple(
                Chapter(_text(number), _text(title), None if sheet is None else _text(sheet))
                for number, title, sheet in data["chapters"]
            ),
            items=tuple(_item(row) for row in data["items"]),
            milestone_scale=milestone_scale,
            economy_scale=economy_scale,
            budget_period=tuple(int(year) for year in data["budget_period"]),
        )
    except (KeyError, IndexError, TypeError, AttributeError) as exc:
        raise ValueError(f"not an agreement's data: {exc!r}") from exc


def _item_row(item: Item) -> list[object]:
    return [
        item.number,
        item.title,
        item.kind.value,
        item.chapter,
        item.centre,
        item.committee,
        list(item.contributors),
        item.contributors_text,
        item.agreement_text,
        item.action_text,
        dict(item.milestones),
        item.economy_text,
        # JSON keys are strings: a series' years go as pairs, so they come back as ints.
        [[one.name, list(one.amounts.items())] for one in item.budget.series],
        {name: [notes.milestone, notes.economy] for name, notes in item.status.items()},
    ]


def _item(row: list[Any]) -> Item:
    # The cache's digest stands for the content, so fields are taken as they are;
    # only the shape is checked, by unpacking (a row of another length is refused).
    (
        number,
        title,
        kind,
        chapter,
        centre,
        committee,
        contributors,
        contributors_text,
        agreement_text,
        action_text,
        milestones,
        economy_text,
        budget,
        status,
    ) = row
    return Item(
        number,
        title,
        _KINDS[kind],
        chapter,
        centre,
        committee,
        tuple(contributors),
        contributors_text,
        agreement_text,
        action_text,
        dict(milestones),
        economy_text,
        Budget([BudgetSeries(name, dict(amounts)) for name, amounts in budget]),
        {name: StatusNotes(*notes) for name, notes in status.items()},
    )


def _scale_data(scale: SmileyScale) -> list[object]:
    return [
        scale.name,
        [
            [s.code, s.glyph, s.colour, s.label_da, s.label_en, s.definition_da, s.definition_en]
            for s in scale.steps
        ],
    ]


def _scale(data: list[object]) -> SmileyScale:
    name, steps = data
    return SmileyScale(
        _text(name), tuple(SmileyStep(*(_text(value) for value in step)) for step in _list(steps))
    )


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not text")
    return value


def _texts(values: object) -> tuple[str, ...]:
    return tuple(_text(value) for value in _list(values))


def _list(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"{value!r} is not a list")
    return value
