"""A report written by `report` and read back by `import-docx` gives the agreement it
was written from (a property over generated agreements), but for what a report does
not show (docs/formats.md): the chapters' sheet names and the other language's
labels of the scales. And on the bundled example the same holds whole."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date

from hypothesis import HealthCheck, assume, given, settings
from test_roundtrip import agreements

from xlfollow.definition.agreement import read_agreement
from xlfollow.definition.docximport import import_docx
from xlfollow.definition.itemparts import split_contributors
from xlfollow.errors import Problems
from xlfollow.figures.summary import summarise
from xlfollow.ledger.dialect import Engine
from xlfollow.messages import Language
from xlfollow.model import Agreement, Definition, Settings
from xlfollow.report.writing import ReportRequest, report_document
from xlfollow.returns.collect import imported_notes
from xlfollow.scales import DEFAULT_ECONOMY_SCALE, DEFAULT_MILESTONE_SCALE, SmileyScale
from xlfollow.workspace.creation import example_texts

LEDGER_ENGINES = (Engine.SQLITE,)
"""The council's report written and read back: no ledger is opened here."""


def written_and_read(agreement: Agreement, language: Language) -> Agreement:
    """The agreement's report at its last round, read back."""
    definition = Definition(agreement, Settings(language=language))
    answers = imported_notes(agreement)
    last = len(agreement.rounds) - 1
    previous = summarise(definition, last - 1, answers) if last else None
    request = ReportRequest(
        definition, last, answers, summarise(definition, last, answers), previous, date(2018, 4, 5)
    )
    buffer = io.BytesIO()
    report_document(request).save(buffer)
    read, _ = import_docx(buffer.getvalue())
    return read


def shown(agreement: Agreement, language: Language) -> Agreement:
    """What a report in a language shows of an agreement: its items chapter by chapter
    (an agreement may list them otherwise); no sheet names; the other language's words
    of the scales are the defaults'."""

    def scale(own: SmileyScale, default: SmileyScale) -> SmileyScale:
        steps = []
        for step, base in zip(own.steps, default.steps, strict=True):
            if language is Language.DA:
                step = dataclasses.replace(
                    step, label_en=base.label_en, definition_en=base.definition_en
                )
            else:
                step = dataclasses.replace(
                    step, label_da=base.label_da, definition_da=base.definition_da
                )
            steps.append(step)
        return SmileyScale(own.name, tuple(steps))

    chapter_order = {chapter.number: n for n, chapter in enumerate(agreement.chapters)}
    return dataclasses.replace(
        agreement,
        chapters=tuple(dataclasses.replace(c, sheet=None) for c in agreement.chapters),
        items=tuple(sorted(agreement.items, key=lambda item: chapter_order[item.chapter])),
        milestone_scale=scale(agreement.milestone_scale, DEFAULT_MILESTONE_SCALE),
        economy_scale=scale(agreement.economy_scale, DEFAULT_ECONOMY_SCALE),
    )


def named_contributors(agreement: Agreement) -> Agreement:
    """Contributors given by their names only, each once: a wording of their own
    ("De øvrige centre") is a text the report shows instead of the names, read back
    as far as it names centres (tests/test_docximport.py has those cases). A name
    that starts as the list's separators do (a comma, "samt", "og", "and") cannot be
    told from them in "A, B samt C": no centre is called so."""

    def separable(name: str) -> bool:
        return not re.match(r"\s|,|(samt|og|and)\b", name)

    items = tuple(
        dataclasses.replace(
            item,
            contributors=tuple(
                dict.fromkeys(c for c in item.contributors if c != item.centre and separable(c))
            ),
            contributors_text="",
        )
        for item in agreement.items
    )
    return dataclasses.replace(agreement, items=items)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(agreements())
def test_a_written_report_reads_back_as_its_agreement(agreement: Agreement) -> None:
    assume(agreement.items)
    agreement = named_contributors(agreement)
    for language in Language:
        assert written_and_read(agreement, language) == shown(agreement, language)


def test_the_bundled_example_reads_back_whole() -> None:
    agreement_text, _ = example_texts("ballerup-2018")
    agreement = load_agreement_text(agreement_text)
    assert written_and_read(agreement, Language.DA) == shown(agreement, Language.DA)


def load_agreement_text(text: str) -> Agreement:
    problems = Problems("agreement.yaml")
    agreement = read_agreement(text, problems)
    problems.raise_if_any()
    assert agreement is not None
    return agreement


def test_a_contributors_closing_full_stop_goes_unless_it_ends_a_centres_name() -> None:
    centres = ["Ejendomme", "Skoler, Institutioner og Kultur", "Center for X."]
    assert split_contributors("Ejendomme samt Skoler, Institutioner og Kultur.", "", centres, "1")[
        :2
    ] == (
        ("Ejendomme", "Skoler, Institutioner og Kultur"),
        "",
    )
    assert split_contributors("Ejendomme samt Center for X.", "", centres, "1")[:2] == (
        ("Ejendomme", "Center for X."),
        "",
    )
