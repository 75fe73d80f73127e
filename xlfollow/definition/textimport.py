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
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from xlfollow.definition.budgettext import read_budget
from xlfollow.definition.linebreaks import hyphenated_words, join_lines
from xlfollow.definition.todo import Doubt, Subject
from xlfollow.errors import Problems
from xlfollow.messages import Language, Text
from xlfollow.model import (
    DEFAULT_ECONOMY_SCALE,
    DEFAULT_MILESTONE_SCALE,
    Agreement,
    Budget,
    Chapter,
    Item,
    Kind,
    SmileyScale,
    StatusNotes,
)

__all__ = ["ImportReport", "import_text", "import_text_file"]

_MARKER = re.compile(r"^(?P<before>.*?)\s*(?P<kind>Anlæg og drift|Drift|Anlæg)\s+Tid\s+Smiley\s*$")
_NUMBER = re.compile(r"^\s*(?P<number>\d{1,2}(?:\.\d{1,3})+)(?:\.\s*|\s+)(?P<title>\S.*)?$")
_CHAPTER = re.compile(r"^\s*(?P<number>\d{1,2})\.\s+(?P<title>\S.*?)\s*$")
_ROUND_LABEL = re.compile(
    r"^(?P<before>.*?)\s*(?P<label>\d\.\s*budgetopfølgning\s+\d{4}|\d{1,2}\.\d{1,2}\.\d{4})\s*$"
)
_PAGE_FOOTER = re.compile(r"\s-\s?\d{1,4}\s?-(\s|$)|^\s*Side\s+\d{1,4}\s*$")
_FIELD = re.compile(
    r"^\s*(?P<label>Ansvarligt center|Ansvarligt udvalg|Væsentlig bidragsyder):\s*(?P<value>.*)$"
)
_STATUS = re.compile(r"^\s*Status:\s*(?P<rest>.*)$")
_MILESTONE = re.compile(r"^\s*Milepæl\b\s*(?P<rest>.*)$")
_ECONOMY = re.compile(r"^\s*Økonomi(?:\s+(?P<rest>.*)|\s*)$")
# An entry of a numbered list: "2. Kommunens anlægsinvesteringer ..." (a capital
# after the number, so a date wrapped to a line's start, "1. januar", is none).
_LIST_ENTRY = re.compile(r"^(?P<number>\d{1,2})\.\s+[A-ZÆØÅ]")
_ALL_OTHERS = re.compile(r"^de øvrige centre( og sekretariater)?\.?$", re.IGNORECASE)
_TITLE = re.compile(r"(?P<title>Aftale om budget \d{4})\s+for\s+(?P<municipality>.+?)\s*$")


@dataclass(frozen=True)
class _Line:
    number: int
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()


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
            Text("Page headers and footers dropped: {count} lines.", count=self.dropped_lines),
            Text("Items per responsible centre:"),
        ]
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


@dataclass
class _RawItem:
    number: str
    title: str
    kind: Kind
    line: int
    chapter: str
    body: list[_Line]
    centre: str = ""
    committee: str = ""
    contributors_text: str = ""
    contributors_line: int = 0
    agreement_text: str = ""
    action_text: str = ""
    milestones: dict[str, str] = field(default_factory=dict)
    economy_text: str = ""
    status: dict[str, StatusNotes] = field(default_factory=dict)


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
        for item in items:
            self._fields(item, rounds)
        centres = _unique(item.centre for item in items if item.centre)
        committees = _unique(item.committee for item in items if item.committee)
        title, municipality = _title(front, self.compounds)
        year = re.search(r"\b(?:19|20)\d\d\b", title)
        # A Danish municipal budget is the budget year and its three overslagsår.
        period = tuple(range(int(year[0]), int(year[0]) + 4)) if year else ()
        milestone_scale, economy_scale = self._scales(front)
        agreement = Agreement(
            title=title,
            municipality=municipality,
            rounds=tuple(rounds),
            centres=tuple(centres),
            committees=tuple(committees),
            chapters=tuple(chapters),
            items=tuple(self._item(raw, centres, period) for raw in items),
            milestone_scale=milestone_scale,
            economy_scale=economy_scale,
            budget_period=period,
        )
        self._summarise(agreement)
        return agreement

    def _without_page_furniture(self, raw_lines: Sequence[str]) -> list[_Line]:
        """Drop page footers (page numbers) and the running header printed beside them."""
        lines = [_Line(n, text.rstrip()) for n, text in enumerate(raw_lines, 1)]
        footers = {i for i, line in enumerate(lines) if _PAGE_FOOTER.search(line.text)}
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

    def _headings(self, lines: list[_Line]) -> list[tuple[int, str, str, Kind]]:
        """(index of the first heading line, number, title, kind) per item, in order."""
        headings = []
        for index, line in enumerate(lines):
            marker = _MARKER.match(line.text)
            if marker is None:
                continue
            kind = Kind(marker["kind"])
            parts = [marker["before"]] if marker["before"].strip() else []
            start = index
            while not _NUMBER.match(parts[0] if parts else "") and start > 0:
                if len(parts) >= 4 or index - start > 8:
                    break
                start -= 1
                previous = lines[start]
                if _MARKER.match(previous.text) or _FIELD.match(previous.text):
                    break
                if not previous.blank:
                    parts.insert(0, previous.text)
            found = _NUMBER.match(parts[0]) if parts else None
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
        self, lines: list[_Line], headings: list[tuple[int, str, str, Kind]]
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
            found = _CHAPTER.match(lines[index].text) if index >= 0 else None
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
        lines: list[_Line],
        headings: list[tuple[int, str, str, Kind]],
        chapter_lines: list[int],
    ) -> list[_RawItem]:
        starts = sorted({start for start, *_ in headings} | set(chapter_lines) | set(self.orphans))
        items = []
        for start, number, title, kind in headings:
            body_start = start
            while not _MARKER.match(lines[body_start].text):
                body_start += 1
            end = next((s for s in starts if s > start), len(lines))
            items.append(
                _RawItem(
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

    def _rounds(self, items: list[_RawItem]) -> list[str]:
        """The round names as written, in order: the sequence of round names at the ends
        of lines that most items share (their milestones' time column)."""
        sequences = Counter(
            tuple(
                " ".join(found["label"].split())
                for line in item.body
                if (found := _ROUND_LABEL.match(line.text))
            )
            for item in items
        )
        rounds, _ = sequences.most_common(1)[0]
        if not rounds:
            self.problems.add(None, Text("no round names (like '1. budgetopfølgning 2018') found"))
        return list(rounds)

    def _fields(self, item: _RawItem, rounds: list[str]) -> None:
        body = item.body
        what = Text("item {number} (line {line})", number=item.number, line=item.line)
        labels = [i for i, line in enumerate(body) if _FIELD.match(line.text)]
        centre_lines = [i for i in labels if _field(body[i])[0] == "Ansvarligt center"]
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
        item.agreement_text = _paragraphs(agreement, self.compounds)
        position = centre_lines[0]
        values: dict[str, str] = {}
        while position < len(body) and (found := _FIELD.match(body[position].text)):
            value_lines = [found["value"]]
            position += 1
            while (
                position < len(body)
                and not body[position].blank
                and not _FIELD.match(body[position].text)
                and not _MILESTONE.match(body[position].text)
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
        milestone_starts = [i for i in range(position, len(body)) if _MILESTONE.match(body[i].text)]
        if not milestone_starts:
            self.problems.add(
                item.line, Text("{what} has no 'Milepæl' lines; add one per round", what=what)
            )
            return
        action = body[position : milestone_starts[0]]
        # Where the PDF's left column runs on over a page, the rest of the agreement
        # text comes after the action text; an open numbered list shows where.
        rest = _list_continued(agreement, action)
        if rest < len(action):
            gap = _Line(action[rest].number, "")
            item.agreement_text = _paragraphs([*agreement, gap, *action[rest:]], self.compounds)
        item.action_text = _paragraphs(action[:rest], self.compounds)
        self._milestones(item, body[milestone_starts[0] :], rounds, what)

    def _milestones(
        self, item: _RawItem, region: list[_Line], rounds: list[str], what: Text
    ) -> None:
        """Split the region after the action text into milestone blocks and the economy."""
        blocks: list[list[_Line]] = []
        economy: list[_Line] = []
        labels_seen = 0
        for line in region:
            if economy or (labels_seen == len(rounds) and _ECONOMY.match(line.text)):
                economy.append(line)
            elif _MILESTONE.match(line.text):
                blocks.append([line])
            else:
                blocks[-1].append(line)
            if not economy and _ROUND_LABEL.match(line.text):
                labels_seen += 1
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
            text, status, label = self._block(block, _MILESTONE)
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
                continue
            if text:
                item.milestones[expected] = text
            if status:
                item.status[expected] = StatusNotes(milestone=status)
        if not economy:
            self.problems.add(
                region[-1].number,
                Text("{what} has no 'Økonomi' line after its milestones; add it", what=what),
            )
            return
        text, status, _ = self._block(economy, _ECONOMY)
        item.economy_text = text
        if status:
            # The report is the first round's: an economy note answers that round.
            round_name = rounds[0]
            previous = item.status.get(round_name, StatusNotes())
            item.status[round_name] = dataclasses.replace(previous, economy=status)

    def _block(self, block: list[_Line], head: re.Pattern[str]) -> tuple[str, str, str]:
        """A block's text, its status note, and the round label it ends with ('' if none)."""
        lines = [_after(head, block[0]), *block[1:]]
        label = ""
        if head is _MILESTONE:
            for index, line in enumerate(lines):
                if found := _ROUND_LABEL.match(line.text):
                    label = " ".join(found["label"].split())
                    lines[index] = dataclasses.replace(line, text=found["before"])
                    break
        status_at = next((i for i, line in enumerate(lines) if _STATUS.match(line.text)), None)
        if status_at is None:
            return _paragraphs(lines, self.compounds), "", label
        status_lines = [_after(_STATUS, lines[status_at]), *lines[status_at + 1 :]]
        return (
            _paragraphs(lines[:status_at], self.compounds),
            _paragraphs(status_lines, self.compounds),
            label,
        )

    def _item(self, raw: _RawItem, centres: list[str], period: tuple[int, ...]) -> Item:
        contributors, contributors_text = self._contributors(raw, centres)
        return Item(
            number=raw.number,
            title=raw.title,
            kind=raw.kind,
            chapter=raw.chapter,
            centre=raw.centre,
            committee=raw.committee,
            contributors=contributors,
            contributors_text=contributors_text,
            agreement_text=raw.agreement_text,
            action_text=raw.action_text,
            milestones=raw.milestones,
            economy_text=raw.economy_text,
            budget=self._budget(raw, period),
            status=raw.status,
        )

    def _contributors(self, raw: _RawItem, centres: list[str]) -> tuple[tuple[str, ...], str]:
        """Split 'A, B samt C' into declared centres, although names hold commas themselves;
        with the wording as written where the names do not say it all ('' where they do)."""
        text = " ".join(raw.contributors_text.split()).rstrip(".")
        if not text:
            return (), ""
        if _ALL_OTHERS.match(text):
            return tuple(c for c in centres if c != raw.centre), text
        by_length = sorted(centres, key=len, reverse=True)
        found: list[str] = []
        wording = ""
        rest = text
        while rest:
            rest = re.sub(r"^(,|samt\b|og\b|\s)+", "", rest)
            if not rest:
                break
            match = next((c for c in by_length if rest.casefold().startswith(c.casefold())), None)
            if match is None:
                unknown = re.split(r",|\bsamt\b", rest)[0].strip()
                self.report.unsure.append(
                    Doubt(
                        Text(
                            'line {line}: item {number}: contributor "{name}" is not a '
                            "responsible centre; left out of the contributors, kept in their "
                            "wording",
                            line=raw.contributors_line,
                            number=raw.number,
                            name=unknown,
                        ),
                        Subject.CONTRIBUTORS,
                        raw.contributors_line,
                        raw.number,
                    )
                )
                rest = rest[len(unknown) :]
                wording = text
                continue
            found.append(match)
            rest = rest[len(match) :]
        return tuple(dict.fromkeys(found)), wording

    def _budget(self, raw: _RawItem, period: tuple[int, ...]) -> Budget:
        reading = read_budget(
            raw.agreement_text, raw.action_text, raw.economy_text, period, raw.kind
        )
        for doubt in reading.doubts:
            said = Text(
                "line {line}: item {number}: budget: {doubt}",
                line=raw.line,
                number=raw.number,
                doubt=doubt,
            )
            self.report.unsure.append(Doubt(said, Subject.BUDGET, raw.line, raw.number))
        return reading.budget

    def _scales(self, front: list[_Line]) -> tuple[SmileyScale, SmileyScale]:
        """The reading guide's smiley definitions, kept as the scales' Danish texts."""
        scales = []
        for heading, default in (
            ("Definition af smileys på indsats", DEFAULT_MILESTONE_SCALE),
            ("Definition af smileys på økonomi", DEFAULT_ECONOMY_SCALE),
        ):
            definitions = _definitions(front, heading, self.compounds)
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

    def _summarise(self, agreement: Agreement) -> None:
        report = self.report
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


def _after(head: re.Pattern[str], line: _Line) -> _Line:
    """The line with its leading word ('Milepæl', 'Økonomi', 'Status:') taken off."""
    found = head.match(line.text)
    return dataclasses.replace(line, text=found["rest"] or "" if found else line.text)


def _field(line: _Line) -> tuple[str, str]:
    found = _FIELD.match(line.text)
    assert found is not None
    return found["label"], found["value"]


def _definitions(front: list[_Line], heading: str, compounds: frozenset[str]) -> list[str]:
    """The ': text' definitions under a heading of the reading guide."""
    start = next((i for i, line in enumerate(front) if line.text.strip().startswith(heading)), None)
    if start is None:
        return []
    definitions: list[list[str]] = []
    for line in front[start + 1 :]:
        text = line.text.strip()
        if text.startswith(":"):
            definitions.append([text[1:].strip()])
        elif text and definitions and len(definitions[-1]) < 4:
            if text.startswith(("Der gives", "Definition", "ØKONOMI")) or text.isupper():
                break
            definitions[-1].append(text)
        elif text and not definitions:
            break
        elif not text and definitions and len(definitions) >= 3:
            continue
    return [join_lines(parts, compounds).rstrip(". ") for parts in definitions]


def _title(front: list[_Line], compounds: frozenset[str]) -> tuple[str, str]:
    joined = join_lines((line.text for line in front[:12] if not line.blank), compounds)
    found = _TITLE.search(joined.split("Læsevejledning")[0])
    if found:
        return found["title"], found["municipality"]
    first = next((line.text.strip() for line in front if not line.blank), "")
    return first or "Aftale om budget", ""


def _list_continued(agreement: Sequence[_Line], action: Sequence[_Line]) -> int:
    """Where in the action text's lines the agreement text's numbered list goes on:
    the agreement text ends with entry N of a list, and a line of the action text
    starts entry N+1 with no entry of a list of its own before it. len(action) if
    nowhere."""
    texts = [line.text.strip() for line in agreement]
    while texts and not texts[-1]:
        texts.pop()
    start = len(texts)
    while start > 0 and texts[start - 1]:
        start -= 1
    entries = [found for text in texts[start:] if (found := _LIST_ENTRY.match(text))]
    if not entries:
        return len(action)
    following = int(entries[-1]["number"]) + 1
    for index, line in enumerate(action):
        found = _LIST_ENTRY.match(line.text.strip())
        if found is None:
            continue
        # The first entry of the action text decides: the list goes on there, or the
        # action text has a list of its own.
        return index if int(found["number"]) == following else len(action)
    return len(action)


def _paragraphs(lines: Sequence[_Line], compounds: frozenset[str]) -> str:
    """Lines into text: wrapped lines joined, one paragraph per line, bullets kept."""
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        text = line.text.strip()
        if not text:
            paragraphs.append([])
        elif text.startswith(("•", "*", "-")) and paragraphs[-1]:
            paragraphs.append([text])
        else:
            paragraphs[-1].append(text)
    return "\n".join(joined for part in paragraphs if (joined := join_lines(part, compounds)))


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
