"""Load, check and write agreement.yaml: the agreement's chapters, items and milestones."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import yaml

from xlfollow.definition.yamlnodes import Node, NodeReader, compose, is_null, line_of
from xlfollow.errors import Problems, did_you_mean
from xlfollow.messages import Text
from xlfollow.model import (
    DEFAULT_ECONOMY_SCALE,
    DEFAULT_MILESTONE_SCALE,
    Agreement,
    Budget,
    BudgetSeries,
    Chapter,
    Item,
    Kind,
    SmileyScale,
    StatusNotes,
)
from xlfollow.workbooks.layout import SHEET_NAME_MAX, chapter_sheet_name, sheet_name_problem

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
_ITEM_KEYS = (
    "number",
    "title",
    "kind",
    "chapter",
    "centre",
    "committee",
    "contributors",
    "contributors_text",
    "agreement_text",
    "action_text",
    "milestones",
    "economy_text",
    "budget",
    "status",
)
_STATUS_KEYS = ("milestone", "economy")
_ITEM_REQUIRED = ("number", "title", "kind", "centre", "committee")
STEP_KEYS = ("glyph", "colour", "label_da", "label_en", "definition_da", "definition_en")
"""What agreement.yaml may change of a smiley scale's step."""
_ITEM_NUMBER = re.compile(r"[0-9A-Za-z]+(\.[0-9A-Za-z]+)*")
_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
_KINDS = {kind.value.casefold(): kind for kind in Kind}


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
    root = compose(text, problems) if text else None
    if root is None:
        if len(problems.found) == before:
            problems.add(None, Text("the agreement is empty; see docs/formats.md for an example"))
        return None
    return _AgreementReader(NodeReader(problems)).read(root)


class _AgreementReader:
    def __init__(self, reader: NodeReader) -> None:
        self.r = reader

    def read(self, root: Node) -> Agreement | None:
        top = self.r.mapping(
            root, Text("the agreement"), _TOP_KEYS, ("title", "rounds", "centres", "committees")
        )
        if top is None:
            return None
        rounds = self._declared(top, "rounds", "round")
        if "rounds" in top and not rounds:
            self.r.problem(
                top["rounds"], Text("declare at least one follow-up round under `rounds:`")
            )
        centres = self._declared(top, "centres", "centre")
        committees = self._declared(top, "committees", "committee")
        chapters = self._chapters(top.get("chapters"))
        period = self._period(top["budget_period"]) if "budget_period" in top else ()
        context = _Declared(rounds, centres, committees, {c.number for c in chapters}, period)
        items = self._items(top.get("items"), context)
        milestone_scale, economy_scale = self._scales(top.get("scales"))
        title = self.r.name(top["title"], _key("title")) if "title" in top else None
        municipality = ""
        if "municipality" in top:
            municipality = self.r.text(top["municipality"], _key("municipality")) or ""
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
            self.r.problem(
                node,
                Text(
                    '`budget_period`: "{raw}" is not a period; write its first and last '
                    "year like 2018-2021 (the budget year and its overslagsår)",
                    raw=raw,
                ),
            )
            return ()
        return tuple(range(first, last + 1))

    def _budget(self, node: Node, what: Text, period: tuple[int, ...]) -> Budget:
        """`budget:` as years and amounts (one series), or series by name, each with
        its years and amounts."""
        pairs = list(self.r.pairs(node, _in(what, "budget")))
        if not any(isinstance(value, yaml.MappingNode) for _, value in pairs):
            return Budget.of(self._amounts(pairs, _in(what, "budget"), period))
        series = []
        for key_node, value_node in pairs:
            name = self.r.name(key_node, Text("{what}: a budget series", what=what))
            where = Text("{what}: budget {name}", what=what, name=name or "")
            amounts = self._amounts(list(self.r.pairs(value_node, where)), where, period)
            if name is not None:
                series.append(BudgetSeries(name, amounts))
        return Budget(series)

    def _amounts(
        self, pairs: list[tuple[Node, Node]], what: Text, period: tuple[int, ...]
    ) -> dict[int, float]:
        amounts: dict[int, float] = {}
        for key_node, value_node in pairs:
            year = self.r.year(key_node, what)
            amount = self.r.amount(
                value_node, Text("{what} for {year}", what=what, year=key_node.value)
            )
            if year is not None and period and year not in period:
                self.r.problem(
                    key_node,
                    Text(
                        "{what}: {year} is outside the budget period {first}-{last}; "
                        "correct the year or widen `budget_period`",
                        what=what,
                        year=year,
                        first=period[0],
                        last=period[-1],
                    ),
                )
            elif year is not None and amount is not None:
                amounts[year] = amount
        return amounts

    def _declared(self, top: dict[str, Node], key: str, what: str) -> list[str]:
        if key not in top:
            return []
        names: list[str] = []
        first_line: dict[str, int] = {}
        for node in self.r.sequence(top[key], _key(key)):
            name = self.r.name(node, _UNDER[key])
            if name is None:
                continue
            if name.casefold() in first_line:
                self.r.problem(
                    node,
                    Text(
                        '{role} "{name}" is declared twice (also on line {line}); remove one',
                        role=_ROLES[what],
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
        for chapter_node in self.r.sequence(node, _key("chapters")):
            fields = self.r.mapping(
                chapter_node, Text("a chapter"), _CHAPTER_KEYS, ("number", "title")
            )
            if fields is None or "number" not in fields or "title" not in fields:
                continue
            number = self.r.name(fields["number"], Text("chapter number"))
            title = self.r.name(fields["title"], Text("chapter title"))
            sheet = self.r.name(fields["sheet"], _key("sheet")) if "sheet" in fields else None
            if number is None or title is None:
                continue
            if number in lines:
                self.r.problem(
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
                self.r.problem(
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
            self.r.problem(
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

    def _items(self, node: Node | None, declared: _Declared) -> list[Item]:
        if node is None:
            return []
        items: list[Item] = []
        lines: dict[str, int] = {}
        for item_node in self.r.sequence(node, _key("items")):
            item = self._item(item_node, declared)
            if item is None:
                continue
            if item.number in lines:
                self.r.problem(
                    item_node,
                    Text(
                        "item {number} is given twice (also on line {line}); "
                        "each item needs its own number",
                        number=item.number,
                        line=lines[item.number],
                    ),
                )
                continue
            lines[item.number] = line_of(item_node)
            items.append(item)
        return items

    def _item(self, node: Node, declared: _Declared) -> Item | None:
        fields = self.r.mapping(node, _item_label(node), _ITEM_KEYS, _ITEM_REQUIRED)
        if fields is None or any(key not in fields for key in _ITEM_REQUIRED):
            return None
        number = self.r.name(fields["number"], Text("item number"))
        if number is None:
            return None
        if not _ITEM_NUMBER.fullmatch(number):
            self.r.problem(
                fields["number"],
                Text(
                    'item number "{number}" should be parts separated by dots, like 3.01 or 3.31.2',
                    number=number,
                ),
            )
            return None
        what = Text("item {number}", number=number)
        problems_before = len(self.r.problems.found)
        chapter = self._chapter_of(number, fields, declared)
        kind = self._kind(fields["kind"], what)
        centre = declared.one(self.r, fields["centre"], what, "centre")
        committee = declared.one(self.r, fields["committee"], what, "committee")
        contributors: list[str] = []
        if "contributors" in fields:
            for child in self._name_nodes(fields["contributors"], _in(what, "contributors")):
                name = declared.one(self.r, child, what, "contributor")
                if name is not None:
                    contributors.append(name)
        milestones: dict[str, str] = {}
        for key_node, value_node in self.r.pairs(
            fields.get("milestones", _EMPTY), _in(what, "milestones")
        ):
            round_name = declared.one(self.r, key_node, what, "round")
            text = self.r.text(value_node, _in(what, "milestone"))
            if round_name is not None and text:
                milestones[round_name] = text
        budget = self._budget(fields.get("budget", _EMPTY), what, declared.period)
        status = self._status(fields.get("status", _EMPTY), what, declared)
        title = self.r.name(fields["title"], _in(what, "title"))
        texts = {
            key: self.r.text(fields[key], _in(what, key)) or "" if key in fields else ""
            for key in ("contributors_text", "agreement_text", "action_text", "economy_text")
        }
        if len(self.r.problems.found) > problems_before:
            return None
        assert chapter and kind and centre and committee and title
        return Item(
            number=number,
            title=title,
            kind=kind,
            chapter=chapter,
            centre=centre,
            committee=committee,
            contributors=tuple(contributors),
            contributors_text=texts["contributors_text"],
            agreement_text=texts["agreement_text"],
            action_text=texts["action_text"],
            milestones=milestones,
            economy_text=texts["economy_text"],
            budget=budget,
            status=status,
        )

    def _status(self, node: Node, what: Text, declared: _Declared) -> dict[str, StatusNotes]:
        status: dict[str, StatusNotes] = {}
        for key_node, value_node in self.r.pairs(node, _in(what, "status")):
            round_name = declared.one(self.r, key_node, what, "round")
            notes = self.r.mapping(
                value_node,
                Text("{what}: status for {round}", what=what, round=key_node.value),
                _STATUS_KEYS,
            )
            if round_name is None or notes is None:
                continue
            texts = {key: self.r.text(notes[key], _in(what, "status")) or "" for key in notes}
            if any(texts.values()):
                status[round_name] = StatusNotes(**texts)
        return status

    def _name_nodes(self, node: Node, what: Text) -> list[Node]:
        if isinstance(node, yaml.ScalarNode) and not is_null(node):
            return [node]
        return self.r.sequence(node, what)

    def _chapter_of(self, number: str, fields: dict[str, Node], declared: _Declared) -> str | None:
        if "chapter" in fields:
            chapter = self.r.name(
                fields["chapter"], _in(Text("item {number}", number=number), "chapter")
            )
            where = fields["chapter"]
        else:
            chapter, where = number.split(".")[0], fields["number"]
        if chapter is None:
            return None
        if chapter not in declared.chapters:
            self.r.problem(
                where,
                Text(
                    'item {number} is in no chapter: chapter "{chapter}" is not declared under '
                    "`chapters:`; declare it, or give the item a `chapter:` that is",
                    number=number,
                    chapter=chapter,
                ),
            )
            return None
        return chapter

    def _kind(self, node: Node, what: Text) -> Kind | None:
        text = self.r.name(node, _in(what, "kind"))
        if text is None:
            return None
        kind = _KINDS.get(text.casefold())
        if kind is None:
            allowed = [kind.value for kind in Kind]
            self.r.problem(
                node,
                Text(
                    '{what}: kind "{text}" is not one of {allowed}.{hint}',
                    what=what,
                    text=text,
                    allowed=", ".join(allowed),
                    hint=did_you_mean(text, allowed),
                ),
            )
        return kind

    def _scales(self, node: Node | None) -> tuple[SmileyScale, SmileyScale]:
        defaults = (DEFAULT_MILESTONE_SCALE, DEFAULT_ECONOMY_SCALE)
        if node is None:
            return defaults
        fields = self.r.mapping(node, _key("scales"), tuple(s.name for s in defaults))
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
        fields = self.r.mapping(node, what, default.codes) or {}
        steps = []
        for step in default.steps:
            changes: dict[str, str] = {}
            if step.code in fields:
                where = Text("{what}, step {code}", what=what, code=step.code)
                for key, value_node in (
                    self.r.mapping(fields[step.code], where, STEP_KEYS) or {}
                ).items():
                    value = self.r.text(value_node, _in(where, key))
                    if key == "colour" and value is not None and not _COLOUR.fullmatch(value):
                        self.r.problem(
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


def _item_label(node: Node) -> Text:
    """'item 3.01' when the item's number can be seen, so problems say which item."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "number" and isinstance(value, yaml.ScalarNode) and value.value:
                return Text("item {number}", number=str(value.value).strip())
    return Text("an item")


def _key(key: str) -> Text:
    """A key of the YAML as a problem names it: `rounds`."""
    return Text("`{key}`", key=key)


def _in(what: Text, key: str) -> Text:
    """A key of something, as a problem names it: item 3.01: budget."""
    return Text("{what}: {key}", what=what, key=key)


_UNDER = {
    "rounds": Text("a round under `rounds`"),
    "centres": Text("a centre under `centres`"),
    "committees": Text("a committee under `committees`"),
}
_ROLES = {
    "round": Text("round"),
    "centre": Text("centre"),
    "committee": Text("committee"),
    "contributor": Text("contributor"),
}


_EMPTY = yaml.ScalarNode("tag:yaml.org,2002:null", "")


class _Declared:
    """The names an item may use, each looked up without regard to case."""

    def __init__(
        self,
        rounds: list[str],
        centres: list[str],
        committees: list[str],
        chapters: set[str],
        period: tuple[int, ...],
    ) -> None:
        self.chapters = chapters
        self.period = period
        self.choices = {"rounds": rounds, "centres": centres, "committees": committees}
        self.folded = {
            key: {name.casefold(): name for name in names} for key, names in self.choices.items()
        }

    def one(self, r: NodeReader, node: Node, what: Text, role: str) -> str | None:
        """A name that must be among the declared ones of its role; exact or by case."""
        name = r.name(node, _in(what, role))
        if name is None:
            return None
        key = {"contributor": "centres", "round": "rounds"}.get(role, role + "s")
        found = self.folded[key].get(name.casefold())
        if found is not None:
            return found
        r.problem(
            node,
            Text(
                '{what}: {role} "{name}" is not declared under `{key}:`.{hint} '
                "Correct the name or declare it.",
                what=what,
                role=_ROLES[role],
                name=name,
                key=key,
                hint=did_you_mean(name, self.choices[key]),
            ),
        )
        return None
