"""Load and check agreement.yaml: its declarations, chapters and smiley scales here, its
items in xlfollow.definition.agreementitems."""

from __future__ import annotations

import dataclasses
import gc
import re
from pathlib import Path

import yaml

from xlfollow.definition.agreementitems import ROLES, Declared, ItemReader, key_label, within
from xlfollow.definition.sheetnames import SHEET_NAME_MAX, chapter_sheet_name, sheet_name_problem
from xlfollow.definition.yamlnodes import Node, NodeReader, compose, line_of
from xlfollow.errors import Problems
from xlfollow.messages import Text
from xlfollow.model import Agreement, Chapter
from xlfollow.scales import DEFAULT_ECONOMY_SCALE, DEFAULT_MILESTONE_SCALE, SmileyScale

__all__ = [
    "STEP_KEYS",
    "load_agreement",
    "read_agreement",
]

_TOP_KEYS = (
    "title",
    "municipality",
    "budget_period",
    "rounds",
    "centres",
    "committees",
    "chapters",
    "items",
    "scales",
)
_CHAPTER_KEYS = ("number", "title", "sheet")
STEP_KEYS = ("glyph", "colour", "label_da", "label_en", "definition_da", "definition_en")
"""What agreement.yaml may change of a smiley scale's step."""
_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


def load_agreement(path: Path) -> Agreement:
    """Read and check agreement.yaml; raise DefinitionError listing every problem."""
    problems = Problems(str(path))
    text = problems.read_text(path)
    agreement = read_agreement(text, problems) if text is not None else None
    problems.raise_if_any()
    assert agreement is not None  # no problems means it was read
    return agreement


def read_agreement(text: str, problems: Problems) -> Agreement | None:
    """Read agreement YAML text, adding a problem for every mistake.

    Returns what could be read (None if nothing could): it is the whole agreement
    only when no problem was added, but its declarations can check other files.
    """
    before = len(problems.found)
    # The collector is held off meanwhile: the node tree is many objects and none is
    # garbage, and its passes over them took half the time (at 5,000 items 0.6 s of 1.3).
    collecting = gc.isenabled()
    gc.disable()
    try:
        root = compose(text, problems) if text else None
        if root is None:
            if len(problems.found) == before:
                problems.add(
                    None, Text("the agreement is empty; see docs/formats.md for an example")
                )
            return None
        return _AgreementReader(NodeReader(problems)).read(root)
    finally:
        if collecting:
            gc.enable()


class _AgreementReader:
    def __init__(self, reader: NodeReader) -> None:
        self.reader = reader

    def read(self, root: Node) -> Agreement | None:
        top = self.reader.mapping(
            root, Text("the agreement"), _TOP_KEYS, ("title", "rounds", "centres", "committees")
        )
        if top is None:
            return None
        rounds = self._declared(top, "rounds", "round")
        if "rounds" in top and not rounds:
            self.reader.problem(
                top["rounds"], Text("declare at least one follow-up round under `rounds:`")
            )
        centres = self._declared(top, "centres", "centre")
        committees = self._declared(top, "committees", "committee")
        chapters = self._chapters(top.get("chapters"))
        period = self._period(top["budget_period"]) if "budget_period" in top else ()
        context = Declared(rounds, centres, committees, {c.number for c in chapters}, period)
        items = ItemReader(self.reader).items(top.get("items"), context)
        milestone_scale, economy_scale = self._scales(top.get("scales"))
        title = self.reader.name(top["title"], key_label("title")) if "title" in top else None
        municipality = ""
        if "municipality" in top:
            municipality = self.reader.text(top["municipality"], key_label("municipality")) or ""
        return Agreement(
            title=title or "",
            municipality=municipality,
            rounds=tuple(rounds),
            centres=tuple(centres),
            committees=tuple(committees),
            chapters=tuple(chapters),
            items=tuple(items),
            milestone_scale=milestone_scale,
            economy_scale=economy_scale,
            budget_period=period,
        )

    def _period(self, node: Node) -> tuple[int, ...]:
        """`budget_period: 2018-2021`: the budget year and its overslagsår."""
        raw = str(node.value).strip() if isinstance(node, yaml.ScalarNode) else ""
        found = re.fullmatch(r"(\d{4})(?:\s*[-\u2013]\s*(\d{4}))?", raw)
        first, last = (int(found[1]), int(found[2] or found[1])) if found else (0, 0)
        if not found or not 1900 <= first <= last < first + 10:
            self.reader.problem(
                node,
                Text(
                    '`budget_period`: "{raw}" is not a period; write its first and last '
                    "year like 2018-2021 (the budget year and its overslagsår)",
                    raw=raw,
                ),
            )
            return ()
        return tuple(range(first, last + 1))

    def _declared(self, top: dict[str, Node], key: str, what: str) -> list[str]:
        if key not in top:
            return []
        names: list[str] = []
        first_line: dict[str, int] = {}
        for node in self.reader.sequence(top[key], key_label(key)):
            name = self.reader.name(node, _UNDER[key])
            if name is None:
                continue
            if name.casefold() in first_line:
                self.reader.problem(
                    node,
                    Text(
                        '{role} "{name}" is declared twice (also on line {line}); remove one',
                        role=ROLES[what],
                        name=name,
                        line=first_line[name.casefold()],
                    ),
                )
                continue
            first_line[name.casefold()] = line_of(node)
            names.append(name)
        return names

    def _chapters(self, node: Node | None) -> list[Chapter]:
        if node is None:
            return []
        chapters: list[Chapter] = []
        lines: dict[str, int] = {}
        sheets: dict[str, tuple[str, int]] = {}
        for chapter_node in self.reader.sequence(node, key_label("chapters")):
            fields = self.reader.mapping(
                chapter_node, Text("a chapter"), _CHAPTER_KEYS, ("number", "title")
            )
            if fields is None or "number" not in fields or "title" not in fields:
                continue
            number = self.reader.name(fields["number"], Text("chapter number"))
            title = self.reader.name(fields["title"], Text("chapter title"))
            sheet = (
                self.reader.name(fields["sheet"], key_label("sheet")) if "sheet" in fields else None
            )
            if number is None or title is None:
                continue
            if number in lines:
                self.reader.problem(
                    chapter_node,
                    Text(
                        "chapter {number} is declared twice (also on line {line}); "
                        "give each chapter its own number",
                        number=number,
                        line=lines[number],
                    ),
                )
                continue
            lines[number] = line_of(chapter_node)
            chapter = Chapter(number, title, sheet)
            if sheet is not None and (why := sheet_name_problem(sheet)):
                self.reader.problem(
                    fields["sheet"],
                    Text(
                        'chapter {number}: sheet "{sheet}": {why}',
                        number=number,
                        sheet=sheet,
                        why=why,
                    ),
                )
            else:
                self._claim_sheet(chapter, chapter_node, sheets)
            chapters.append(chapter)
        return chapters

    def _claim_sheet(
        self, chapter: Chapter, node: Node, sheets: dict[str, tuple[str, int]]
    ) -> None:
        # Excel compares sheet names without regard to case.
        name = chapter_sheet_name(chapter)
        key = name.casefold()
        if key in sheets:
            other, line = sheets[key]
            self.reader.problem(
                node,
                Text(
                    'chapter {number} gets the sheet name "{name}", the same as chapter '
                    "{other} (line {line}) once cut to Excel's {max} characters; give "
                    "one of them a `sheet:` name of at most {max} characters",
                    number=chapter.number,
                    name=name,
                    other=other,
                    line=line,
                    max=SHEET_NAME_MAX,
                ),
            )
        else:
            sheets[key] = (chapter.number, line_of(node))

    def _scales(self, node: Node | None) -> tuple[SmileyScale, SmileyScale]:
        defaults = (DEFAULT_MILESTONE_SCALE, DEFAULT_ECONOMY_SCALE)
        if node is None:
            return defaults
        fields = self.reader.mapping(node, key_label("scales"), tuple(s.name for s in defaults))
        if fields is None:
            return defaults
        return (
            self._scale(fields.get("milestone"), DEFAULT_MILESTONE_SCALE),
            self._scale(fields.get("economy"), DEFAULT_ECONOMY_SCALE),
        )

    def _scale(self, node: Node | None, default: SmileyScale) -> SmileyScale:
        if node is None:
            return default
        what = Text("the {name} scale", name=default.name)
        fields = self.reader.mapping(node, what, default.codes) or {}
        steps = []
        for step in default.steps:
            changes: dict[str, str] = {}
            if step.code in fields:
                where = Text("{what}, step {code}", what=what, code=step.code)
                for key, value_node in (
                    self.reader.mapping(fields[step.code], where, STEP_KEYS) or {}
                ).items():
                    value = self.reader.text(value_node, within(where, key))
                    if key == "colour" and value is not None and not _COLOUR.fullmatch(value):
                        self.reader.problem(
                            value_node,
                            Text(
                                '{where}: colour "{value}" should be like #63BE7B',
                                where=where,
                                value=value,
                            ),
                        )
                    elif value is not None:
                        changes[key] = value
            steps.append(dataclasses.replace(step, **changes))
        return SmileyScale(default.name, tuple(steps))


_UNDER = {
    "rounds": Text("a round under `rounds`"),
    "centres": Text("a centre under `centres`"),
    "committees": Text("a committee under `committees`"),
}
