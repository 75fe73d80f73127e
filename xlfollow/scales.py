"""The smiley scales an answer is given on: each step's code, look, labels and
meaning, and the two scales of the reading guide (milestones, economy)."""

from __future__ import annotations

from dataclasses import dataclass

from xlfollow.messages import Language

__all__ = ["DEFAULT_ECONOMY_SCALE", "DEFAULT_MILESTONE_SCALE", "SmileyScale", "SmileyStep"]


@dataclass(frozen=True)
class SmileyStep:
    """One step of a smiley scale: a stable code, what it looks like, what it means."""

    code: str
    glyph: str
    colour: str
    label_da: str
    label_en: str
    definition_da: str = ""
    definition_en: str = ""

    def label(self, language: Language) -> str:
        """The short label in the given language."""
        return self.label_da if language is Language.DA else self.label_en

    def definition(self, language: Language) -> str:
        """The reading guide's definition in the given language."""
        return self.definition_da if language is Language.DA else self.definition_en


@dataclass(frozen=True)
class SmileyScale:
    """An ordered scale of smileys, best first."""

    name: str
    steps: tuple[SmileyStep, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """The step codes, best first."""
        return tuple(step.code for step in self.steps)

    def step(self, code: str) -> SmileyStep:
        """The step with this code; KeyError if there is none."""
        for step in self.steps:
            if step.code == code:
                return step
        raise KeyError(code)


# The scales of the reading guide (Læsevejledning) in the Ballerup 2018 report.
# The codes are fixed: summaries and the JSON output count by them.
DEFAULT_MILESTONE_SCALE = SmileyScale(
    "milestone",
    (
        SmileyStep(
            "met",
            "😊",
            "#63BE7B",
            "Opfyldt",
            "Met",
            "Milepæl er opfyldt",
            "The milestone is met",
        ),
        SmileyStep(
            "partly",
            "😐",
            "#FFD966",
            "Delvist opfyldt",
            "Partly met",
            "Milepæl er ikke fuldt opfyldt, men det er fortsat realistisk, "
            "at det samlede mål for året opnås",
            "The milestone is not fully met, but the year's goal is still realistic",
        ),
        SmileyStep(
            "not_met",
            "☹️",
            "#F8696B",
            "Ikke opfyldt",
            "Not met",
            "Milepæl er ikke opfyldt, og det er ikke realistisk at opfylde milepæl "
            "inden for perioden under givende forudsætninger",
            "The milestone is not met, and meeting it within the period is not realistic "
            "on the present assumptions",
        ),
    ),
)

DEFAULT_ECONOMY_SCALE = SmileyScale(
    "economy",
    (
        SmileyStep(
            "kept",
            "😊",
            "#63BE7B",
            "Overholdt",
            "Kept",
            "Budget er overholdt/Besparelse er opnået",
            "The budget is kept / the saving is achieved",
        ),
        SmileyStep(
            "not_kept",
            "☹️",
            "#F8696B",
            "Ikke overholdt",
            "Not kept",
            "Budget ikke overholdt/Den forventede besparelse opnås ikke i indeværende periode",
            "The budget is not kept / the expected saving is not achieved in this period",
        ),
    ),
)
