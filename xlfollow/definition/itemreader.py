"""One item of the report read from its lines: its centre, committee and
contributors, its agreement and action texts, a milestone block per round and the
economy; then made the model's Item, its contributors matched to the declared
centres and its budget read from its texts.

Part of the text import: textimport finds each item's lines, this reads them.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from xlfollow.definition.itemparts import make_item
from xlfollow.definition.linebreaks import join_lines
from xlfollow.definition.reportlines import (
    ECONOMY,
    FIELD,
    MILESTONE,
    ROUND_LABEL,
    STATUS,
    Line,
    field_of,
    list_continued,
    paragraphs,
    without_head,
)
from xlfollow.errors import Problems
from xlfollow.messages import Text
from xlfollow.model import Item, Kind, StatusNotes

if TYPE_CHECKING:
    from xlfollow.definition.textimport import ImportReport

__all__ = ["ItemReader", "RawItem"]


@dataclass
class RawItem:
    """An item as the report's lines give it, before it is made the model's Item."""

    number: str
    title: str
    kind: Kind
    line: int
    chapter: str
    body: list[Line]
    centre: str = ""
    committee: str = ""
    contributors_text: str = ""
    contributors_line: int = 0
    agreement_text: str = ""
    action_text: str = ""
    milestones: dict[str, str] = field(default_factory=dict)
    economy_text: str = ""
    status: dict[str, StatusNotes] = field(default_factory=dict)


class ItemReader:
    """Reads items' lines into their fields and texts, and makes them Items."""

    def __init__(self, problems: Problems, report: ImportReport, compounds: frozenset[str]) -> None:
        self.problems = problems
        self.report = report
        self.compounds = compounds

    def fields(self, item: RawItem, rounds: list[str]) -> None:
        """Read an item's fields, texts, milestones and economy from its body."""
        body = item.body
        what = Text("item {number} (line {line})", number=item.number, line=item.line)
        labels = [i for i, line in enumerate(body) if FIELD.match(line.text)]
        centre_lines = [i for i in labels if field_of(body[i])[0] == "Ansvarligt center"]
        if not centre_lines:
            self.problems.add(
                item.line,
                Text(
                    "{what} has no 'Ansvarligt center:' line; add it after the agreement text",
                    what=what,
                ),
            )
            return
        if len(centre_lines) > 1:
            self.problems.add(
                body[centre_lines[1]].number,
                Text(
                    "a second 'Ansvarligt center:' inside {what}: the heading of the item "
                    "before this line is missing or damaged; restore it",
                    what=what,
                ),
            )
            return
        agreement = body[: centre_lines[0]]
        item.agreement_text = paragraphs(agreement, self.compounds)
        position = centre_lines[0]
        values: dict[str, str] = {}
        while position < len(body) and (found := FIELD.match(body[position].text)):
            value_lines = [found["value"]]
            position += 1
            while (
                position < len(body)
                and not body[position].blank
                and not FIELD.match(body[position].text)
                and not MILESTONE.match(body[position].text)
            ):
                value_lines.append(body[position].text)
                position += 1
            values[found["label"]] = join_lines(value_lines, self.compounds)
            if found["label"] == "Væsentlig bidragsyder":
                item.contributors_line = body[position - 1].number
            while position < len(body) and body[position].blank:
                position += 1
        item.centre = values.get("Ansvarligt center", "")
        item.committee = values.get("Ansvarligt udvalg", "")
        item.contributors_text = values.get("Væsentlig bidragsyder", "")
        if not item.committee:
            self.problems.add(
                item.line, Text("{what} has no 'Ansvarligt udvalg:' line; add it", what=what)
            )
        milestone_starts = [i for i in range(position, len(body)) if MILESTONE.match(body[i].text)]
        if not milestone_starts:
            self.problems.add(
                item.line, Text("{what} has no 'Milepæl' lines; add one per round", what=what)
            )
            return
        action = body[position : milestone_starts[0]]
        # Where the PDF's left column runs on over a page, the rest of the agreement
        # text comes after the action text; an open numbered list shows where.
        rest = list_continued(agreement, action)
        if rest < len(action):
            gap = Line(action[rest].number, "")
            item.agreement_text = paragraphs([*agreement, gap, *action[rest:]], self.compounds)
        item.action_text = paragraphs(action[:rest], self.compounds)
        self._milestones(item, body[milestone_starts[0] :], rounds, what)

    def _milestones(self, item: RawItem, region: list[Line], rounds: list[str], what: Text) -> None:
        """Split the region after the action text into milestone blocks and the economy."""
        blocks, economy = _blocks_and_economy(region, len(rounds))
        if len(blocks) != len(rounds):
            self.problems.add(
                region[0].number,
                Text(
                    "{what} has {blocks} 'Milepæl' blocks where {count} rounds ({rounds}) "
                    "were expected; a block or its round may be damaged",
                    what=what,
                    blocks=len(blocks),
                    count=len(rounds),
                    rounds=", ".join(rounds),
                ),
            )
            return
        for expected, block in zip(rounds, blocks, strict=True):
            self._milestone(item, block, expected, what)
        if not economy:
            self.problems.add(
                region[-1].number,
                Text("{what} has no 'Økonomi' line after its milestones; add it", what=what),
            )
            return
        text, status, _ = self._block(economy, ECONOMY)
        item.economy_text = text
        if status:
            # The report is the first round's: an economy note answers that round.
            round_name = rounds[0]
            previous = item.status.get(round_name, StatusNotes())
            item.status[round_name] = dataclasses.replace(previous, economy=status)

    def _milestone(self, item: RawItem, block: list[Line], expected: str, what: Text) -> None:
        """One round's milestone block: its text and status note, if it ends with the
        round's name."""
        text, status, label = self._block(block, MILESTONE)
        if label != expected:
            if label:
                why = Text(
                    "{what}: this 'Milepæl' block should end with the round '{expected}', "
                    "but ends with {label}; restore the round's name at its end",
                    what=what,
                    expected=expected,
                    label=repr(label),
                )
            else:
                why = Text(
                    "{what}: this 'Milepæl' block should end with the round '{expected}', "
                    "but has no round; restore the round's name at its end",
                    what=what,
                    expected=expected,
                )
            self.problems.add(block[0].number, why)
            return
        if text:
            item.milestones[expected] = text
        if status:
            item.status[expected] = StatusNotes(milestone=status)

    def _block(self, block: list[Line], head: re.Pattern[str]) -> tuple[str, str, str]:
        """A block's text, its status note, and the round label it ends with ('' if none)."""
        lines = [without_head(head, block[0]), *block[1:]]
        label = ""
        if head is MILESTONE:
            for index, line in enumerate(lines):
                if found := ROUND_LABEL.match(line.text):
                    label = " ".join(found["label"].split())
                    lines[index] = dataclasses.replace(line, text=found["before"])
                    break
        status_at = next((i for i, line in enumerate(lines) if STATUS.match(line.text)), None)
        if status_at is None:
            return paragraphs(lines, self.compounds), "", label
        status_lines = [without_head(STATUS, lines[status_at]), *lines[status_at + 1 :]]
        return (
            paragraphs(lines[:status_at], self.compounds),
            paragraphs(status_lines, self.compounds),
            label,
        )

    def item(self, raw: RawItem, centres: list[str], period: tuple[int, ...]) -> Item:
        """The model's Item of a raw item, its contributors and budget read."""
        item, doubts = make_item(raw, centres, period, lines=(raw.line, raw.contributors_line))
        self.report.unsure += doubts
        return item


def _blocks_and_economy(region: list[Line], rounds: int) -> tuple[list[list[Line]], list[Line]]:
    """The region's 'Milepæl' blocks, and the 'Økonomi' block after the last round's."""
    blocks: list[list[Line]] = []
    economy: list[Line] = []
    labels_seen = 0
    for line in region:
        if economy or (labels_seen == rounds and ECONOMY.match(line.text)):
            economy.append(line)
        elif MILESTONE.match(line.text):
            blocks.append([line])
        else:
            blocks[-1].append(line)
        if not economy and ROUND_LABEL.match(line.text):
            labels_seen += 1
    return blocks, economy
