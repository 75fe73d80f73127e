"""Read and check the items of agreement.yaml: each item's fields, milestones, budget and notes."""

from __future__ import annotations

import re

import yaml

from xlfollow.budget import Budget, BudgetSeries
from xlfollow.definition.yamlnodes import Node, NodeReader, is_null, line_of
from xlfollow.errors import did_you_mean
from xlfollow.messages import Text
from xlfollow.model import Item, Kind, StatusNotes

__all__ = ["ROLES", "Declared", "ItemReader", "key_label", "within"]

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
_ITEM_NUMBER = re.compile(r"[0-9A-Za-z]+(\.[0-9A-Za-z]+)*")
_KINDS = {kind.value.casefold(): kind for kind in Kind}


class ItemReader:
    """Reads the `items:` of agreement.yaml, adding a problem for every mistake."""

    def __init__(self, reader: NodeReader) -> None:
        self.reader = reader

    def items(self, node: Node | None, declared: Declared) -> list[Item]:
        """The sound items under `items:`; each mistake is a problem, and its item left out."""
        if node is None:
            return []
        items: list[Item] = []
        lines: dict[str, int] = {}
        for item_node in self.reader.sequence(node, key_label("items")):
            item = self._item(item_node, declared)
            if item is None:
                continue
            if item.number in lines:
                self.reader.problem(
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

    def _item(self, node: Node, declared: Declared) -> Item | None:
        fields = self.reader.mapping(node, _item_label(node), _ITEM_KEYS, _ITEM_REQUIRED)
        if fields is None or any(key not in fields for key in _ITEM_REQUIRED):
            return None
        number = self.reader.name(fields["number"], Text("item number"))
        if number is None:
            return None
        if not _ITEM_NUMBER.fullmatch(number):
            self.reader.problem(
                fields["number"],
                Text(
                    'item number "{number}" should be parts separated by dots, like 3.01 or 3.31.2',
                    number=number,
                ),
            )
            return None
        what = Text("item {number}", number=number)
        problems_before = len(self.reader.problems.found)
        chapter = self._chapter_of(number, fields, declared)
        kind = self._kind(fields["kind"], what)
        centre = declared.one(self.reader, fields["centre"], what, "centre")
        committee = declared.one(self.reader, fields["committee"], what, "committee")
        contributors: list[str] = []
        if "contributors" in fields:
            for child in self._name_nodes(fields["contributors"], within(what, "contributors")):
                name = declared.one(self.reader, child, what, "contributor")
                if name is not None:
                    contributors.append(name)
        milestones: dict[str, str] = {}
        for key_node, value_node in self.reader.pairs(
            fields.get("milestones", _EMPTY), within(what, "milestones")
        ):
            round_name = declared.one(self.reader, key_node, what, "round")
            text = self.reader.text(value_node, within(what, "milestone"))
            if round_name is not None and text:
                milestones[round_name] = text
        budget = self._budget(fields.get("budget", _EMPTY), what, declared.period)
        status = self._status(fields.get("status", _EMPTY), what, declared)
        title = self.reader.name(fields["title"], within(what, "title"))
        texts = {
            key: self.reader.text(fields[key], within(what, key)) or "" if key in fields else ""
            for key in ("contributors_text", "agreement_text", "action_text", "economy_text")
        }
        if len(self.reader.problems.found) > problems_before:
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

    def _status(self, node: Node, what: Text, declared: Declared) -> dict[str, StatusNotes]:
        status: dict[str, StatusNotes] = {}
        for key_node, value_node in self.reader.pairs(node, within(what, "status")):
            round_name = declared.one(self.reader, key_node, what, "round")
            notes = self.reader.mapping(
                value_node,
                Text("{what}: status for {round}", what=what, round=key_node.value),
                _STATUS_KEYS,
            )
            if round_name is None or notes is None:
                continue
            texts = {
                key: self.reader.text(notes[key], within(what, "status")) or "" for key in notes
            }
            if any(texts.values()):
                status[round_name] = StatusNotes(**texts)
        return status

    def _name_nodes(self, node: Node, what: Text) -> list[Node]:
        if isinstance(node, yaml.ScalarNode) and not is_null(node):
            return [node]
        return self.reader.sequence(node, what)

    def _chapter_of(self, number: str, fields: dict[str, Node], declared: Declared) -> str | None:
        if "chapter" in fields:
            chapter = self.reader.name(
                fields["chapter"], within(Text("item {number}", number=number), "chapter")
            )
            where = fields["chapter"]
        else:
            chapter, where = number.split(".")[0], fields["number"]
        if chapter is None:
            return None
        if chapter not in declared.chapters:
            self.reader.problem(
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
        text = self.reader.name(node, within(what, "kind"))
        if text is None:
            return None
        kind = _KINDS.get(text.casefold())
        if kind is None:
            allowed = [kind.value for kind in Kind]
            self.reader.problem(
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

    def _budget(self, node: Node, what: Text, period: tuple[int, ...]) -> Budget:
        """`budget:` as years and amounts (one series), or series by name, each with
        its years and amounts."""
        pairs = list(self.reader.pairs(node, within(what, "budget")))
        if not any(isinstance(value, yaml.MappingNode) for _, value in pairs):
            return Budget.of(self._amounts(pairs, within(what, "budget"), period))
        series = []
        for key_node, value_node in pairs:
            name = self.reader.name(key_node, Text("{what}: a budget series", what=what))
            where = Text("{what}: budget {name}", what=what, name=name or "")
            amounts = self._amounts(list(self.reader.pairs(value_node, where)), where, period)
            if name is not None:
                series.append(BudgetSeries(name, amounts))
        return Budget(series)

    def _amounts(
        self, pairs: list[tuple[Node, Node]], what: Text, period: tuple[int, ...]
    ) -> dict[int, float]:
        amounts: dict[int, float] = {}
        for key_node, value_node in pairs:
            year = self.reader.year(key_node, what)
            amount = self.reader.amount(
                value_node, Text("{what} for {year}", what=what, year=key_node.value)
            )
            if year is not None and period and year not in period:
                self.reader.problem(
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


def _item_label(node: Node) -> Text:
    """'item 3.01' when the item's number can be seen, so problems say which item."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "number" and isinstance(value, yaml.ScalarNode) and value.value:
                return Text("item {number}", number=str(value.value).strip())
    return Text("an item")


def key_label(key: str) -> Text:
    """A key of the YAML as a problem names it: `rounds`."""
    return Text("`{key}`", key=key)


def within(what: Text, key: str) -> Text:
    """A key of something, as a problem names it: item 3.01: budget."""
    return Text("{what}: {key}", what=what, key=key)


ROLES = {
    "round": Text("round"),
    "centre": Text("centre"),
    "committee": Text("committee"),
    "contributor": Text("contributor"),
}


_EMPTY = yaml.ScalarNode("tag:yaml.org,2002:null", "")


class Declared:
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
        name = r.name(node, within(what, role))
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
                role=ROLES[role],
                name=name,
                key=key,
                hint=did_you_mean(name, self.choices[key]),
            ),
        )
        return None
