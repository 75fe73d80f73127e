"""Smileys as people see and type them: the drop-down's choices, what a typed text
means, the no-milestone label, and an answer as a list of conflicts shows it."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from xlfollow.answers import Field
from xlfollow.model import Agreement, Language
from xlfollow.scales import SmileyScale, SmileyStep
from xlfollow.texts import texts

__all__ = [
    "answer_text",
    "is_no_milestone_label",
    "no_milestone_label",
    "smiley_choice",
    "smiley_code",
]


def smiley_choice(step: SmileyStep, language: Language) -> str:
    """How a smiley is shown in a cell and offered in the drop-down: glyph and label."""
    return f"{step.glyph} {step.label(language)}"


def no_milestone_label(language: Language) -> str:
    """What a milestone smiley cell shows for a round in which the item has no milestone;
    the master's summary counts its 'no milestone' state under the same words."""
    return texts(language)["state_no_milestone"]


def is_no_milestone_label(value: str) -> bool:
    """True if a cell's text is the no-milestone label, in either language, in any
    case and spacing (compared as a typed smiley is)."""
    return _fold(value) in _no_milestone_labels()


@cache
def _no_milestone_labels() -> frozenset[str]:
    # Either language: a workbook's language may differ from the workspace's.
    return frozenset(_fold(no_milestone_label(language)) for language in Language)


def answer_text(
    agreement: Agreement, values: Mapping[Field, str], language: Language, separator: str = "\n"
) -> str:
    """An answer as a person reads it in a list of conflicts: its smiley as the
    drop-down shows it, its note, and the expected deviation with its name."""
    words = texts(language)
    scales = {Field.MILESTONE: agreement.milestone_scale, Field.ECONOMY: agreement.economy_scale}
    parts = []
    for name, value in values.items():
        if not value:
            continue
        scale = scales.get(Field(name)) if name in _FIELD_NAMES else None
        if scale is not None and value in scale.codes:
            parts.append(smiley_choice(scale.step(value), language))
        elif name == Field.DEVIATION:
            amount = f"{float(value):g}"
            if language is Language.DA:
                amount = amount.replace(".", ",")
            parts.append(f"{words['field_deviation']}: {amount}")
        else:
            parts.append(value)
    return separator.join(parts) or words["no_answer"]


_FIELD_NAMES = frozenset(field.value for field in Field)


def _fold(text: str) -> str:
    # Emoji variation selectors and joiners vary with the program that typed them.
    bare = text.replace("\ufe0f", "").replace("\ufe0e", "").replace("\u200d", "")
    return " ".join(bare.casefold().split())


def _colour_words(position: int, steps: int) -> tuple[str, ...]:
    """Traffic-light words for a step: the best is green, the worst red, between yellow."""
    if position == 0:
        return ("grøn", "green")
    if position == steps - 1:
        return ("rød", "red")
    return ("gul", "yellow")


def smiley_code(scale: SmileyScale, value: str) -> str | None:
    """The step a typed smiley means, however it was typed; None if it means none.

    Taken: the list entry in either language ('😊 Opfyldt'), the glyph alone, the
    label alone, the step's code, or its traffic-light colour in Danish or
    English, in any case and spacing.
    """
    return _smiley_names(scale).get(_fold(value))


# By the scale's identity: hashing a scale (all its steps) costs more than the lookup.
_NAMES: dict[int, tuple[SmileyScale, dict[str, str]]] = {}


def _smiley_names(scale: SmileyScale) -> dict[str, str]:
    """Every folded way of writing each step of a scale, to the step's code."""
    known = _NAMES.get(id(scale))
    if known is not None and known[0] is scale:
        return known[1]
    names: dict[str, str] = {}
    for position, step in enumerate(scale.steps):
        for name in (
            step.glyph,
            step.label_da,
            step.label_en,
            step.code,
            f"{step.glyph} {step.label_da}",
            f"{step.glyph} {step.label_en}",
            *_colour_words(position, len(scale.steps)),
        ):
            names.setdefault(_fold(name), step.code)
    _NAMES[id(scale)] = (scale, names)
    return names
