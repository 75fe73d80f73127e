"""A whole round on the bundled Ballerup 2018 example, with centres simulated.

`run_demo` makes a workspace, issues round 1, has the centres fill in their
workbooks (xlfollow.demo.simulate, seeded, so every run is the same) and merges
them. It stages what a real round brings: one centre late, one correction
sent after the first file, one conflict between a responsible centre and a
contributing centre, and one value no smiley list has. `xlfollow demo`
prints the result and where to look.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from xlfollow.answers import Answer, Field
from xlfollow.demo.simulate import fill_workbook, random_answers
from xlfollow.figures.summary import Summary
from xlfollow.ledger.records import Verdict
from xlfollow.ledger.status import RoundStatus
from xlfollow.ledger.store import Ledger
from xlfollow.messages import Text
from xlfollow.model import Definition, Item
from xlfollow.returns.collect import MergeReport, RefusedCell
from xlfollow.returns.receiving import SUPERSEDES_EARLIER
from xlfollow.workbooks.smileys import smiley_choice
from xlfollow.workspace.folder import Workspace

__all__ = ["DemoResult", "run_demo"]

EXAMPLE = "ballerup-2018"
LATE = "By, Erhverv og Miljø"
"""The centre that has not answered when the demo merges."""
CORRECTING = "Arbejdsmarked"
"""The centre that sends its workbook again, corrected."""
INVALID = "lilla"
"""The value typed where a smiley belongs."""
SEED = 2018


@dataclass(frozen=True)
class StagedConflict:
    """Two centres answering one item's milestone differently."""

    item: str
    responsible: str
    contributor: str


@dataclass(frozen=True)
class DemoResult:
    """What the demo did and what came of it."""

    workspace: Workspace
    round: str
    issued: int
    """Workbooks written for the round, the master included."""
    first: MergeReport
    """The merge of every centre's first return."""
    correction: MergeReport
    """The merge of the corrected workbook, sent afterwards."""
    late: str
    corrected: str
    conflict: StagedConflict
    invalid: tuple[str, str, str]
    """(centre, item, value) of the value that is no smiley."""
    status: RoundStatus
    summary: Summary

    @property
    def refused(self) -> list[RefusedCell]:
        """The cells refused in the first returns: the staged invalid value, and the
        note beside it, refused with it (an answer is taken whole)."""
        return [problem for report in self.first.files for problem in report.problems]

    def problems(self) -> list[Text]:
        """What did not come out as the demo stages it; empty when all did."""
        found = []
        _, item, value = self.invalid
        refused = [(p.item, p.field) for p in self.refused]
        if refused != [(item, Field.MILESTONE), (item, Field.MILESTONE_NOTE)] or (
            self.refused[0].value != value
        ):
            found.append(
                Text(
                    "the value {value} of item {item} was not the one refused cell",
                    value=repr(value),
                    item=item,
                )
            )
        open_ones = [(c.item, c.answer) for c in self.correction.conflicts]
        if open_ones != [(self.conflict.item, Answer.MILESTONE)]:
            found.append(
                Text(
                    "item {item}'s milestone is not the one open conflict", item=self.conflict.item
                )
            )
        (again,) = self.correction.files
        if again.verdict is not Verdict.ACCEPTED or SUPERSEDES_EARLIER not in again.notes:
            found.append(
                Text("{centre}'s second file did not supersede its first", centre=self.corrected)
            )
        if any(report.verdict is not Verdict.ACCEPTED for report in self.first.files):
            found.append(Text("a first return was not accepted"))
        late = next(c for c in self.status.centres if c.centre == self.late)
        if late.received or not late.missing:
            found.append(Text("{centre} is not shown as late", centre=self.late))
        return found


def run_demo(path: Path | str, seed: int = SEED) -> DemoResult:
    """Run the demo round in a new or empty folder."""
    workspace = Workspace.init(path, EXAMPLE)
    with workspace.settings_path.open("a", encoding="utf-8") as settings:
        settings.write(
            "\n# The demo lets contributing centres answer their items too, which is how\n"
            '# two centres can disagree (a conflict). The default is "read".\n'
            '[workbooks]\ncontributors = "edit"\n'
        )
    definition = workspace.load()
    issued = workspace.issue("1")
    round_name = issued.round
    rng = random.Random(seed)
    with Ledger(workspace.ledger_place) as ledger:
        files = {i.recipient: workspace.path / i.file for i in ledger.issues(round_name)}
    conflict = _conflict(definition)
    inbox = workspace.path / "inbox"
    typed_by: dict[str, dict[tuple[str, Field], str | float]] = {}
    for centre in sorted(files):
        if not centre or centre == LATE:
            continue
        own = [item for item in definition.agreement.items if item.centre == centre]
        typed = random_answers(definition, own, 0, rng)
        if centre == conflict.responsible:
            typed[(conflict.item, Field.MILESTONE)] = _smiley(definition, 0)
        if centre == conflict.contributor:
            typed[(conflict.item, Field.MILESTONE)] = _smiley(definition, 2)
            typed[(conflict.item, Field.MILESTONE_NOTE)] = "Vi oplever, at milepælen ikke nås."
        typed_by[centre] = typed
    invalid_item = next(
        item for item in definition.agreement.items if item.centre == CORRECTING
    ).number
    # The first file of the correcting centre has a value no list offers ...
    typed_by[CORRECTING][(invalid_item, Field.MILESTONE)] = INVALID
    for centre, typed in typed_by.items():
        target = inbox / f"{files[centre].stem}-svar.xlsx"
        fill_workbook(files[centre], target, typed, definition, 0)
    # ... merged as the contributor's answer arrives after the responsible centre's.
    first = workspace.merge(_order(inbox, files, conflict))
    # The correcting centre sends its workbook again, the smiley put right.
    corrected = dict(typed_by[CORRECTING])
    corrected[(invalid_item, Field.MILESTONE)] = _smiley(definition, 1)
    again = inbox / f"{files[CORRECTING].stem}-svar-rettet.xlsx"
    fill_workbook(files[CORRECTING], again, corrected, definition, 0)
    correction = workspace.merge([again])
    return DemoResult(
        workspace=workspace,
        round=round_name,
        issued=len(issued.files),
        first=first,
        correction=correction,
        late=LATE,
        corrected=CORRECTING,
        conflict=conflict,
        invalid=(CORRECTING, invalid_item, INVALID),
        status=workspace.status(),
        summary=workspace.summary(),
    )


def _smiley(definition: Definition, step: int) -> str:
    scale = definition.agreement.milestone_scale
    return smiley_choice(scale.steps[step], definition.settings.language)


def _conflict(definition: Definition) -> StagedConflict:
    """The first item with a milestone this round and a contributing centre other than
    its responsible one, neither of them late nor correcting."""
    round_name = definition.agreement.rounds[0]
    busy = {LATE, CORRECTING}

    def fits(item: Item) -> bool:
        others = [c for c in item.contributors if c != item.centre and c not in busy]
        return bool(item.milestone(round_name) and others and item.centre not in busy)

    item = next(item for item in definition.agreement.items if fits(item))
    contributor = next(c for c in item.contributors if c != item.centre and c not in busy)
    return StagedConflict(item.number, item.centre, contributor)


def _order(inbox: Path, files: dict[str, Path], conflict: StagedConflict) -> list[Path]:
    """The returns in name order, the contributor's after the responsible centre's."""
    returns = sorted(inbox.iterdir())
    last = inbox / f"{files[conflict.contributor].stem}-svar.xlsx"
    return [path for path in returns if path != last] + [last]
