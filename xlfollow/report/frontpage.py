"""The report's front page, as the seed's: the title naming the round, the date and
the sender, and the reading guide (Læsevejledning) with the smiley definitions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from docx.shared import Cm

from xlfollow.definition.reportform import FormWords
from xlfollow.model import Agreement, Sender
from xlfollow.report.wording import joined, round_title
from xlfollow.report.wordparts import Page, clean
from xlfollow.scales import SmileyScale
from xlfollow.texts import Texts, texts

__all__ = ["FrontPage", "report_title"]


def report_title(
    agreement: Agreement, round_index: int, report: Texts, words: FormWords
) -> list[str]:
    """The report's title in its three lines: "Første opfølgning på", the agreement's
    title, "for Ballerup Kommune" (without a municipality, two)."""
    ordinal = round_title(round_index, len(agreement.rounds), report)
    lines = [f"{ordinal} {words.follow_up_on}", agreement.title]
    if agreement.municipality:
        lines.append(f"{words.municipality_for} {agreement.municipality}")
    return lines


@dataclass(frozen=True)
class FrontPage:
    """What the front page says."""

    agreement: Agreement
    round_index: int
    sender: Sender
    case_number: str
    dated: date
    words: FormWords
    texts: Texts
    """The report's texts (report.yaml)."""

    def write(self, page: Page) -> None:
        agreement, report = self.agreement, self.texts
        title = page.paragraph(style="Title")
        lines = report_title(agreement, self.round_index, report, self.words)
        for number, line in enumerate(lines):
            run = title.add_run()
            if number:
                run.add_break()
            run.add_text(clean(line))
        page.paragraph(agreement.rounds[self.round_index], "Subtitle")
        self._sender(page)
        page.paragraph(self.words.guide, "Heading 1")
        count = len(agreement.rounds)
        numbers = report.list("numbers")
        for text in report.list("guide"):
            page.paragraph(
                text.format(
                    title=agreement.title,
                    count=numbers[count] if count < len(numbers) else str(count),
                    rounds=joined(list(agreement.rounds), report),
                )
            )
        self._scale(page, report["milestone_definitions"], agreement.milestone_scale)
        for text in report.list("economy_guide"):
            page.paragraph(text)
        self._scale(page, report["economy_definitions"], agreement.economy_scale)

    def _sender(self, page: Page) -> None:
        """The sender block: department, date, contact, phone, email, case number."""
        report, sender = self.texts, self.sender
        if sender.department:
            page.paragraph().add_run(sender.department.upper()).bold = True
        workbook_texts = texts(report.language)
        lines = [report["date"].format(date=workbook_texts.date(self.dated))]
        for key, value in (
            ("contact", sender.name),
            ("phone", sender.phone),
            ("email", sender.email),
            ("case", self.case_number),
        ):
            if value:
                lines.append(report[key].format(value=value))
        for line in lines:
            page.paragraph(clean(line)).paragraph_format.space_after = Cm(0)

    def _scale(self, page: Page, heading: str, scale: SmileyScale) -> None:
        """A scale's definitions: "😊 Opfyldt: Milepæl er opfyldt", one per step."""
        page.paragraph().add_run(heading).bold = True
        language = self.texts.language
        for step in scale.steps:
            paragraph = page.paragraph()
            paragraph.paragraph_format.left_indent = Cm(0.6)
            paragraph.add_run(f"{step.glyph} {step.label(language)}:").bold = True
            paragraph.add_run(f" {clean(step.definition(language))}")
