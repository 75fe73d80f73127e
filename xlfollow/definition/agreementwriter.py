"""Write agreement.yaml: the agreement as YAML text that reads back unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from xlfollow.definition.agreement import STEP_KEYS
from xlfollow.files import write_atomically
from xlfollow.model import Agreement, Chapter, Item
from xlfollow.scales import DEFAULT_ECONOMY_SCALE, DEFAULT_MILESTONE_SCALE, SmileyScale

__all__ = ["dump_agreement", "write_agreement"]


def dump_agreement(agreement: Agreement, header: str = "") -> str:
    """The agreement as YAML text that load_agreement reads back unchanged.

    A header, if given, comes first as comment lines.
    """
    top: dict[str, Any] = {"title": agreement.title}
    if agreement.municipality:
        top["municipality"] = agreement.municipality
    if agreement.budget_period:
        first, last = agreement.budget_period[0], agreement.budget_period[-1]
        top["budget_period"] = f"{first}-{last}" if last != first else first
    top["rounds"] = list(agreement.rounds)
    top["centres"] = list(agreement.centres)
    top["committees"] = list(agreement.committees)
    top["chapters"] = [_chapter_data(chapter) for chapter in agreement.chapters]
    top["items"] = [_item_data(item) for item in agreement.items]
    scales = {
        scale.name: _scale_data(scale, default)
        for scale, default in (
            (agreement.milestone_scale, DEFAULT_MILESTONE_SCALE),
            (agreement.economy_scale, DEFAULT_ECONOMY_SCALE),
        )
        if scale != default
    }
    if scales:
        top["scales"] = scales
    comment = "".join(f"# {line}\n" for line in header.splitlines())
    body = yaml.dump(top, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=88, indent=2)
    return comment + body


def write_agreement(agreement: Agreement, path: Path, header: str = "") -> None:
    """Write the agreement to a YAML file, with an optional header comment: whole or
    not at all (an existing file stays as it was if the write fails)."""
    write_atomically(path, dump_agreement(agreement, header).encode("utf-8"))


def _chapter_data(chapter: Chapter) -> dict[str, Any]:
    data: dict[str, Any] = {"number": chapter.number, "title": chapter.title}
    if chapter.sheet is not None:
        data["sheet"] = chapter.sheet
    return data


def _item_data(item: Item) -> dict[str, Any]:
    data: dict[str, Any] = {"number": item.number, "title": item.title, "kind": item.kind.value}
    if item.chapter != item.number.split(".")[0]:
        data["chapter"] = item.chapter
    data["centre"] = item.centre
    data["committee"] = item.committee
    optional: dict[str, Any] = {
        "contributors": list(item.contributors),
        "contributors_text": item.contributors_text,
        "agreement_text": item.agreement_text,
        "action_text": item.action_text,
        "milestones": dict(item.milestones),
        "economy_text": item.economy_text,
        "budget": item.budget.data(),
        "status": {
            name: {key: value for key, value in vars(notes).items() if value}
            for name, notes in item.status.items()
        },
    }
    data.update((key, value) for key, value in optional.items() if value)
    return data


def _scale_data(scale: SmileyScale, default: SmileyScale) -> dict[str, Any]:
    return {
        step.code: {
            key: getattr(step, key)
            for key in STEP_KEYS
            if getattr(step, key) != getattr(default.step(step.code), key)
        }
        for step in scale.steps
        if step != default.step(step.code)
    }


class _Dumper(yaml.SafeDumper):
    """Writes multi-line texts as readable `|` blocks and never uses anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent lists under their key, as people write them by hand.
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    # PyYAML falls back to quoting by itself where a block cannot hold the text.
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_str)
