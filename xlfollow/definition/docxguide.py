"""The reading guide of the council's report read back: its smiley definitions,
"😊 Opfyldt: Milepæl er opfyldt" under "Definition af smileys på indsats:" and
"... på økonomi:", become the scales' labels and definitions in the report's
language; a step's code, glyph, colour and other language stay the defaults'."""

from __future__ import annotations

import dataclasses
import re

from xlfollow.definition.todo import Doubt, Subject
from xlfollow.messages import Language, Text
from xlfollow.scales import DEFAULT_ECONOMY_SCALE, DEFAULT_MILESTONE_SCALE, SmileyScale

__all__ = ["guide_scales"]

_DEFINITION = re.compile(
    r"^\s*(?P<glyph>[^\w\s]\S*)\s+(?P<label>[^:]+?)\s*:\s*(?P<definition>.+?)\s*$"
)
# The reading guide's headings of the two lists of definitions, as report.yaml words
# them in each language; a workspace that words them otherwise is read by position.
_MILESTONE_GUIDE = ("Definition af smileys på indsats", "The smileys of an initiative")
_ECONOMY_GUIDE = ("Definition af smileys på økonomi", "The smileys of the economy")


def guide_scales(
    guide: list[str], language: Language
) -> tuple[SmileyScale, SmileyScale, list[Doubt]]:
    """The reading guide's smileys ("😊 Opfyldt: Milepæl er opfyldt"): their labels and
    definitions in the report's language replace the defaults'; and a doubt where
    the guide does not give them."""
    scales = []
    doubts: list[Doubt] = []
    for headings, default in (
        (_MILESTONE_GUIDE, DEFAULT_MILESTONE_SCALE),
        (_ECONOMY_GUIDE, DEFAULT_ECONOMY_SCALE),
    ):
        found = _definitions(guide, headings, len(default.steps), default is DEFAULT_ECONOMY_SCALE)
        if found is None:
            said = Text(
                "the reading guide's '{heading}' was not found with {count} "
                "definitions; the default texts are used",
                heading=headings[int(language is Language.EN)],
                count=len(default.steps),
            )
            doubts.append(Doubt(said, Subject.SCALES))
            scales.append(default)
            continue
        field = "da" if language is Language.DA else "en"
        steps = tuple(
            dataclasses.replace(
                step, **{f"label_{field}": label, f"definition_{field}": definition}
            )
            for step, (label, definition) in zip(default.steps, found, strict=True)
        )
        scales.append(SmileyScale(default.name, steps))
    return scales[0], scales[1], doubts


def _definitions(
    guide: list[str], headings: tuple[str, ...], count: int, second: bool
) -> list[tuple[str, str]] | None:
    """(label, definition) of the `count` lines under one of the headings; without the
    heading, the first or `second` run of definition lines, where the guide has two."""
    runs: list[list[tuple[str, str]]] = []
    under = False
    for text in guide:
        if text.strip().startswith(headings):
            runs, under = [[]], True
            continue
        found = _DEFINITION.match(text)
        if found is None:
            if under and runs[-1]:
                break
            if runs and runs[-1]:
                runs.append([])
            continue
        if not runs:
            runs.append([])
        runs[-1].append((found["label"], found["definition"]))
    runs = [run for run in runs if run]
    if under and runs and len(runs[0]) == count:
        return runs[0]
    if not under and len(runs) == 2 and len(runs[second]) == count:
        return runs[second]
    return None
