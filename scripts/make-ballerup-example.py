"""Write examples/ballerup_2018/agreement.yaml: the import of report.txt, with the
budgets decided by hand in budget-decisions.yaml put in; and the list of those
decisions in NOTES.md.

    python scripts/make-ballerup-example.py
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import yaml

from xlfollow.budget import Budget
from xlfollow.definition.agreementwriter import write_agreement
from xlfollow.definition.textimport import import_text_file

EXAMPLE = Path(__file__).parent.parent / "examples" / "ballerup_2018"


def written(budget: Budget) -> str:
    """A budget as NOTES.md lists it: 'Anlæg 2018: 2; 2019: 2,5 · Drift ...'."""
    if not budget.series:
        return "none"
    parts = []
    for one in budget.series:
        years = "; ".join(f"{y}: {a:g}".replace(".", ",") for y, a in one.amounts.items())
        parts.append(f"{one.name} {years}" if one.name else years)
    return " · ".join(parts)


def notes_section(decisions: dict[str, dict[str, object]]) -> str:
    lines = [
        "<!-- decisions: written by scripts/make-ballerup-example.py -->",
        "",
    ]
    for number, entry in decisions.items():
        budget = Budget.from_data(entry["budget"])  # type: ignore[arg-type]
        lines.append(f'- **{number}**: "{entry["words"]}"')
        lines.append(f"  {entry['decision']} Budget (mio. kr.): {written(budget)}.")
    lines += ["", "<!-- /decisions -->"]
    return "\n".join(lines)


def main() -> None:
    agreement, _ = import_text_file(EXAMPLE / "report.txt")
    decisions = yaml.safe_load((EXAMPLE / "budget-decisions.yaml").read_text(encoding="utf-8"))
    items = tuple(
        dataclasses.replace(item, budget=Budget.from_data(decisions[item.number]["budget"]))
        if item.number in decisions
        else item
        for item in agreement.items
    )
    write_agreement(
        dataclasses.replace(agreement, items=items),
        EXAMPLE / "agreement.yaml",
        "Imported by xlfollow import-text from report.txt, with the budgets\n"
        "decided by hand in budget-decisions.yaml (see NOTES.md).",
    )
    notes = EXAMPLE / "NOTES.md"
    text = notes.read_text(encoding="utf-8")
    text = re.sub(
        r"<!-- decisions.*?<!-- /decisions -->",
        lambda _: notes_section(decisions),
        text,
        flags=re.DOTALL,
    )
    notes.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
