"""What a recipient answers about an item in a round: the fields of the cells it fills
in, and the answers those fields make up together."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["FIELDS", "Answer", "Field"]


class Field(StrEnum):
    """The answers a recipient gives for an item in a round: the editable cells."""

    MILESTONE = "milestone"
    MILESTONE_NOTE = "milestone_note"
    ECONOMY = "economy"
    ECONOMY_NOTE = "economy_note"
    DEVIATION = "deviation"

    @property
    def answer(self) -> Answer:
        """The answer this cell is part of."""
        return _ANSWER_OF[self]

    @property
    def label_key(self) -> str:
        """The key of its name in the workbook texts (workbook_templates/texts.yaml)."""
        return f"field_{self.value}"


class Answer(StrEnum):
    """What a recipient answers about an item in a round, merged, in conflict and decided
    as one: a smiley with its note (the economy's with the expected deviation too). A
    note belongs to its smiley: "met" from one centre must never stand above "only
    partly reached" from another. Named by its smiley's field."""

    MILESTONE = "milestone"
    ECONOMY = "economy"

    @property
    def fields(self) -> tuple[Field, ...]:
        """Its cells, the smiley first."""
        return tuple(field for field in Field if _ANSWER_OF[field] is self)

    @property
    def smiley(self) -> Field:
        """The field of its smiley."""
        return Field(self.value)

    @property
    def label_key(self) -> str:
        """The key of its name in the workbook texts (workbook_templates/texts.yaml)."""
        return f"field_{self.value}"


_ANSWER_OF = {
    Field.MILESTONE: Answer.MILESTONE,
    Field.MILESTONE_NOTE: Answer.MILESTONE,
    Field.ECONOMY: Answer.ECONOMY,
    Field.ECONOMY_NOTE: Answer.ECONOMY,
    Field.DEVIATION: Answer.ECONOMY,
}


FIELDS = {field.value: field for field in Field}
"""Each field by its name, as the ledger stores it (a dict: its rows are many, and an
enum's constructor costs more than a look-up)."""
