"""Parse the text of a follow-up report (a PDF or Word document saved as text) into the model.

The report lays each item out as: a numbered heading ending in its kind and the
column heads `Tid Smiley`; the agreement text; `Ansvarligt center:`,
`Ansvarligt udvalg:`, `Væsentlig bidragsyder:`; the action text; one `Milepæl`
block per round, each ending with the round's name; and an `Økonomi` block.
`Status:` paragraphs inside a milestone or economy block are answers already
given. Page headers and footers can fall anywhere and are dropped first.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from xlfollow.definition.itemreader import ItemReader, RawItem
from xlfollow.definition.linebreaks import hyphenated_words, join_lines
from xlfollow.definition.reportlines import (
    CHAPTER,
    FIELD,
    MARKER,
    NUMBER,
    PAGE_FOOTER,
    ROUND_LABEL,
    Line,
    guide_definitions,
    report_title,
)
from xlfollow.definition.todo import Doubt, Subject
from xlfollow.definition.years import budget_period_of
from xlfollow.errors import Problems
from xlfollow.messages import Language, Text
from xlfollow.model import Agreement, Chapter, Kind
from xlfollow.scales import DEFAULT_ECONOMY_SCALE, DEFAULT_MILESTONE_SCALE, SmileyScale

__all__ = ["ImportReport", "import_text", "import_text_file", "summarise"]


@dataclass
class ImportReport:
    """What an import found, and every place where it was unsure."""

    source: str
    chapters: int = 0
    items: int = 0
    items_per_centre: dict[str, int] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)
    milestone_slots: int = 0
    milestones_filled: int = 0
    status_notes: int = 0
    items_with_budget: int = 0
    dropped_lines: int = 0
    unsure: list[Doubt] = field(default_factory=list)

    def lines(self, language: Language = Language.EN) -> list[str]:
        """The report as lines of text for the terminal, in a language."""
        heads = [
            Text(
                "Read {source}: {chapters} chapters, {items} items ({kinds}).",
                source=self.source,
                chapters=self.chapters,
                items=self.items,
                kinds=", ".join(f"{n} {kind}" for kind, n in self.kinds.items()),
            ),
            Text(
                "Milestones: {filled} written of {slots} slots; status notes: {notes}; "
                "items with budget figures: {budgets}.",
                filled=self.milestones_filled,
                slots=self.milestone_slots,
                notes=self.status_notes,
                budgets=self.items_with_budget,
            ),
            Text("Items per responsible centre:"),
        ]
        if self.dropped_lines:  # a text taken from a PDF; a Word file's tables have none
            heads.insert(
                -1,
                Text("Page headers and footers dropped: {count} lines.", count=self.dropped_lines),
            )
        out = [head.say(language) for head in heads]
        out += [f"  {n:>3}  {centre}" for centre, n in self.items_per_centre.items()]
        if self.unsure:
            out.append(Text("Worth a look ({count}):", count=len(self.unsure)).say(language))
            out += [f"  - {note.say(language)}" for note in self.unsure]
        return out


def import_text_file(path: Path) -> tuple[Agreement, ImportReport]:
    """Read a report's text file and parse it; DefinitionError lists what could not be read."""
    problems = Problems(str(path))
    text = problems.read_text(path)
    problems.raise_if_any()
    assert text is not None
    return import_text(text, str(path))


def import_text(text: str, source: str = "report.txt") -> tuple[Agreement, ImportReport]:
    """Parse a report's text into an agreement and a report of what was found.

    Raises DefinitionError, with the line of each, for every item it could not read.
    """
    problems = Problems(source)
    parser = _Parser(problems, ImportReport(source))
    agreement = parser.parse(text.splitlines())
    problems.raise_if_any()
    return agreement, parser.report


class _Parser:
    def __init__(self, problems: Problems, report: ImportReport) -> None:
        self.problems = problems
        self.report = report
        self.orphans: list[int] = []
        self.compounds: frozenset[str] = frozenset()

    def parse(self, raw_lines: Sequence[str]) -> Agreement:
        lines = self._without_page_furniture(raw_lines)
        self.compounds = hyphenated_words(line.text for line in lines)
        headings = self._headings(lines)
        if not headings:
            self.problems.add(
                None, Text("no item headings (a number, a title and 'Drift Tid Smiley')")
            )
            return Agreement("", (), (), (), (), ())
        chapters, chapter_lines = self._chapters(lines, headings)
        items = self._items(lines, headings, chapter_lines)
        front = lines[: min([*chapter_lines, headings[0][0]])]
        rounds = self._rounds(items)
        reader = ItemReader(self.problems, self.report, self.compounds)
        for item in items:
            reader.fields(item, rounds)
        centres = _unique(item.centre for item in items if item.centre)
        committees = _unique(item.committee for item in items if item.committee)
        title, municipality = report_title(front, self.compounds)
        period = budget_period_of(title)
        milestone_scale, economy_scale = self._scales(front)
        agreement = Agreement(
            title=title,
            municipality=municipality,
            rounds=tuple(rounds),
            centres=tuple(centres),
            committees=tuple(committees),
            chapters=tuple(chapters),
            items=tuple(reader.item(raw, centres, period) for raw in items),
            milestone_scale=milestone_scale,
            economy_scale=economy_scale,
            budget_period=period,
        )
        summarise(self.report, agreement)
        return agreement

    def _without_page_furniture(self, raw_lines: Sequence[str]) -> list[Line]:
        """Drop page footers (page numbers) and the running header printed beside them."""
        lines = [Line(n, text.rstrip()) for n, text in enumerate(raw_lines, 1)]
        footers = {i for i, line in enumerate(lines) if PAGE_FOOTER.search(line.text)}
        # A running header is a line that repeats and stands just before a footer.
        near = Counter(
            lines[j].text.strip()
            for i in footers
            for j in range(max(0, i - 3), i)
            if not lines[j].blank and j not in footers
        )
        counts = Counter(line.text.strip() for line in lines if not line.blank)
        running = {text for text, n in near.items() if n >= 2 and counts[text] == n}
        kept = [
            line
            for i, line in enumerate(lines)
            if i not in footers and line.text.strip() not in running
        ]
        self.report.dropped_lines = len(lines) - len(kept)
        return kept

    def _headings(self, lines: list[Line]) -> list[tuple[int, str, str, Kind]]:
        """(index of the first heading line, number, title, kind) per item, in order."""
        headings = []
        for index, line in enumerate(lines):
            marker = MARKER.match(line.text)
            if marker is None:
                continue
            kind = Kind(marker["kind"])
            parts = [marker["before"]] if marker["before"].strip() else []
            start = index
            while not NUMBER.match(parts[0] if parts else "") and start > 0:
                if len(parts) >= 4 or index - start > 8:
                    break
                start -= 1
                previous = lines[start]
                if MARKER.match(previous.text) or FIELD.match(previous.text):
                    break
                if not previous.blank:
                    parts.insert(0, previous.text)
            found = NUMBER.match(parts[0]) if parts else None
            if found is None:
                self.problems.add(
                    line.number,
                    Text(
                        "'{text}' ends an item heading, but no item number stands before it; "
                        "the heading may be cut in half: restore its number and title",
                        text=line.text.strip(),
                    ),
                )
                # Still end the item before it here, so one damage gives one problem.
                self.orphans.append(index)
                continue
            first_title = found["title"] or ""
            title = join_lines([first_title, *parts[1:]], self.compounds)
            headings.append((start, found["number"], title, kind))
        self.report.items = len(headings)
        return headings

    def _chapters(
        self, lines: list[Line], headings: list[tuple[int, str, str, Kind]]
    ) -> tuple[list[Chapter], list[int]]:
        chapters: list[Chapter] = []
        chapter_lines: list[int] = []
        current = ""
        for start, number, _, _ in headings:
            chapter = number.split(".")[0]
            if chapter == current:
                continue
            current = chapter
            index = start - 1
            while index >= 0 and lines[index].blank:
                index -= 1
            found = CHAPTER.match(lines[index].text) if index >= 0 else None
            if found is None or found["number"] != chapter:
                self.problems.add(
                    lines[start].number,
                    Text(
                        "item {number} starts chapter {chapter}, but no heading "
                        "'{chapter}. <title>' stands before it; add the chapter's heading line",
                        number=number,
                        chapter=chapter,
                    ),
                )
                continue
            chapters.append(Chapter(chapter, found["title"]))
            chapter_lines.append(index)
        self.report.chapters = len(chapters)
        return chapters, chapter_lines

    def _items(
        self,
        lines: list[Line],
        headings: list[tuple[int, str, str, Kind]],
        chapter_lines: list[int],
    ) -> list[RawItem]:
        starts = sorted({start for start, *_ in headings} | set(chapter_lines) | set(self.orphans))
        items = []
        for start, number, title, kind in headings:
            body_start = start
            while not MARKER.match(lines[body_start].text):
                body_start += 1
            end = next((s for s in starts if s > start), len(lines))
            items.append(
                RawItem(
                    number=number,
                    title=title,
                    kind=kind,
                    line=lines[start].number,
                    chapter=number.split(".")[0],
                    body=lines[body_start + 1 : end],
                )
            )
        seen: dict[str, int] = {}
        for item in items:
            if item.number in seen:
                self.problems.add(
                    item.line,
                    Text(
                        "item {number} has a heading here and on line {line}; "
                        "correct the number of one of them",
                        number=item.number,
                        line=seen[item.number],
                    ),
                )
            seen.setdefault(item.number, item.line)
        return items

    def _rounds(self, items: list[RawItem]) -> list[str]:
        """The round names as written, in order: the sequence of round names at the ends
        of lines that most items share (their milestones' time column)."""
        sequences = Counter(
            tuple(
                " ".join(found["label"].split())
                for line in item.body
                if (found := ROUND_LABEL.match(line.text))
            )
            for item in items
        )
        rounds, _ = sequences.most_common(1)[0]
        if not rounds:
            self.problems.add(None, Text("no round names (like '1. budgetopfølgning 2018') found"))
        return list(rounds)

    def _scales(self, front: list[Line]) -> tuple[SmileyScale, SmileyScale]:
        """The reading guide's smiley definitions, kept as the scales' Danish texts."""
        scales = []
        for heading, default in (
            ("Definition af smileys på indsats", DEFAULT_MILESTONE_SCALE),
            ("Definition af smileys på økonomi", DEFAULT_ECONOMY_SCALE),
        ):
            definitions = guide_definitions(front, heading, self.compounds)
            if len(definitions) != len(default.steps):
                said = Text(
                    "the reading guide's '{heading}' was not found with {count} "
                    "definitions; the default texts are used",
                    heading=heading,
                    count=len(default.steps),
                )
                self.report.unsure.append(Doubt(said, Subject.SCALES))
                scales.append(default)
                continue
            steps = tuple(
                dataclasses.replace(step, definition_da=text)
                for step, text in zip(default.steps, definitions, strict=True)
            )
            scales.append(SmileyScale(default.name, steps))
        return scales[0], scales[1]


def summarise(report: ImportReport, agreement: Agreement) -> None:
    """Count what an import found into its report, and note a centre that looks like a
    committee."""
    report.items_per_centre = dict(Counter(item.centre for item in agreement.items))
    kinds = Counter(item.kind for item in agreement.items)
    report.kinds = {kind.value: kinds[kind] for kind in Kind if kinds[kind]}
    report.milestone_slots = len(agreement.items) * len(agreement.rounds)
    report.milestones_filled = sum(len(item.milestones) for item in agreement.items)
    report.status_notes = sum(
        bool(notes.milestone) + bool(notes.economy)
        for item in agreement.items
        for notes in item.status.values()
    )
    report.items_with_budget = sum(bool(item.budget) for item in agreement.items)
    for item in agreement.items:
        if item.centre.casefold().endswith(("udvalg", "udvalget")):
            said = Text(
                "item {number}: the responsible centre '{centre}' looks like a "
                "committee; kept as written, declared as a centre",
                number=item.number,
                centre=item.centre,
            )
            report.unsure.append(Doubt(said, Subject.CENTRE, item=item.number))


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
