"""What changed since the previous round (smileys that got better or worse) and what is
still missing (items without a smiley), for the master's lists and the reminders."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from xlfollow.answers import Field
from xlfollow.ledger.records import AnswerKey
from xlfollow.model import Definition

__all__ = ["Change", "Missing", "changes", "missing"]


@dataclass(frozen=True)
class Change:
    """A smiley that changed between the previous round and this one."""

    item: str
    title: str
    centre: str
    field: Field
    """The smiley's field: milestone or economy."""
    previous: str
    current: str
    steps: int
    """How many steps worse (positive) or better (negative)."""
    previous_note: str
    current_note: str


@dataclass(frozen=True)
class Missing:
    """An item still without a smiley for the round."""

    centre: str
    email: str
    item: str
    title: str
    fields: tuple[Field, ...]
    """The smileys missing: milestone and/or economy."""


def changes(
    definition: Definition, round_index: int, answers: Mapping[AnswerKey, str]
) -> tuple[Change, ...]:
    """Smileys that got worse or better since the previous round, worst first; a
    milestone counts only where the item has one in both rounds."""
    if round_index == 0:
        return ()
    agreement = definition.agreement
    now, before = agreement.rounds[round_index], agreement.rounds[round_index - 1]
    found = []
    for item in agreement.items:
        for field_name, note, scale in (
            (Field.MILESTONE, Field.MILESTONE_NOTE, agreement.milestone_scale),
            (Field.ECONOMY, Field.ECONOMY_NOTE, agreement.economy_scale),
        ):
            if field_name is Field.MILESTONE and not (
                item.milestone(before) and item.milestone(now)
            ):
                continue
            previous = answers.get((before, item.number, field_name), "")
            current = answers.get((now, item.number, field_name), "")
            if not previous or not current or previous == current:
                continue
            if previous not in scale.codes or current not in scale.codes:
                continue
            steps = scale.codes.index(current) - scale.codes.index(previous)
            found.append(
                Change(
                    item.number,
                    item.title,
                    item.centre,
                    field_name,
                    previous,
                    current,
                    steps,
                    answers.get((before, item.number, note), ""),
                    answers.get((now, item.number, note), ""),
                )
            )
    order = {item.number: position for position, item in enumerate(agreement.items)}
    return tuple(sorted(found, key=lambda c: (-c.steps, order[c.item], c.field)))


def missing(
    definition: Definition, round_name: str, answers: Mapping[AnswerKey, str]
) -> tuple[Missing, ...]:
    """Items without a milestone smiley (where they have a milestone this round) or
    without an economy smiley, by centre in the settings' order."""
    emails = {centre.name: centre.email for centre in definition.centres}
    centre_order = {centre.name: n for n, centre in enumerate(definition.centres)}
    found = []
    for position, item in enumerate(definition.agreement.items):
        fields = []
        if item.milestone(round_name) and not answers.get(
            (round_name, item.number, Field.MILESTONE)
        ):
            fields.append(Field.MILESTONE)
        if not answers.get((round_name, item.number, Field.ECONOMY)):
            fields.append(Field.ECONOMY)
        if fields:
            found.append(
                (
                    centre_order.get(item.centre, len(centre_order)),
                    position,
                    Missing(
                        item.centre,
                        emails.get(item.centre, ""),
                        item.number,
                        item.title,
                        tuple(fields),
                    ),
                )
            )
    return tuple(missing for _, _, missing in sorted(found, key=lambda f: (f[0], f[1])))
