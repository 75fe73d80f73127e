"""The form of the council's report as a Word document, shared by the writer that makes
it (xlfollow/report/word.py) and the reader that takes a report back into an
agreement (docximport.py): the paragraph styles that mark its parts, the words of its
fixed labels in both languages, and the columns of an item's table.

The form is the seed's (Ballerup's "Første opfølgning på Aftale om budget 2018"):

- the front page's title (style Title) in three lines: "Første opfølgning på",
  the agreement's title, "for <municipality>";
- Heading 1 for the reading guide, the overview and each chapter ("1. Vision 2029");
  Heading 2 for each item ("1.02. Arbejdet med Vision 2029"), followed by its table,
  the items chapter by chapter;
- an item's table has four columns (label, text, Tid, Smiley) and these rows:
  0. the header row, repeated on every page: "Delelement 1.02 · Drift" | Tid | Smiley;
  1. the agreement text | the fields "Ansvarligt center: …", "Ansvarligt udvalg: …",
     "Væsentlig bidragsyder: …", then the action text;
  2. one row per round: "Milepæl" | its text, then its status notes | the round | smiley;
  3. one row per round up to the report's: "Økonomi" | (the first) the economy text
     and the budget lines, then the status notes and the expected deviation | the
     round | smiley.
- a status note is a paragraph of style STATUS_STYLE that starts with "Status: ";
  a budget line one of style BUDGET_STYLE: "Budget (mio. kr.): 2018: 0,5; 2019: 0,5"
  or, for a named series, "Budget, Anlæg (mio. kr.): …";
- the overview's tables start with their grouping's name ("Kapitel", "Ansvarligt
  center", "Ansvarligt udvalg") and end with a row "I alt"; it says the budget period
  in a paragraph "Budgetperiode: 2018-2021".

A municipality's own Word file of an earlier year has the tables and labels but not
the styles: the reader then knows a status note by its "Status:" and takes the budget
from the texts, as import-text does.
"""

from __future__ import annotations

from dataclasses import dataclass

from xlfollow.messages import Language

__all__ = [
    "BUDGET_STYLE",
    "COLUMNS",
    "DEVIATION_STYLE",
    "NONE_SAID",
    "STATUS_STYLE",
    "FormWords",
    "form_words",
]

STATUS_STYLE = "xlfollow Status"
"""The paragraph style of a status note under a milestone or the economy."""
BUDGET_STYLE = "xlfollow Budget"
"""The paragraph style of a budget line under the economy text."""
DEVIATION_STYLE = "xlfollow Deviation"
"""The paragraph style of the expected deviation under an economy status."""

NONE_SAID = ("\N{EN DASH}", "-")
"""What a field says when it has no value ("Væsentlig bidragsyder:" and a dash), so
that a screen reader does not take the next paragraph for its value."""

COLUMNS = 4
"""An item's table: label, text, round (Tid), smiley."""


@dataclass(frozen=True)
class FormWords:
    """The fixed words of the report's form in one language."""

    item: str
    """The header row's first cell: "{item} 1.02 · Drift"."""
    time: str
    smiley: str
    centre: str
    committee: str
    contributors: str
    milestone: str
    economy: str
    status: str
    deviation: str
    budget: str
    million: str
    """The unit after a series' name: "Budget (mio. kr.)"."""
    chapter: str
    total: str
    period: str
    guide: str
    overview: str
    follow_up_on: str
    """The title's first line after the round's ordinal: "opfølgning på"."""
    municipality_for: str
    """The word before the municipality on the title's third line: "for"."""


_WORDS = {
    Language.DA: FormWords(
        item="Delelement",
        time="Tid",
        smiley="Smiley",
        centre="Ansvarligt center",
        committee="Ansvarligt udvalg",
        contributors="Væsentlig bidragsyder",
        milestone="Milepæl",
        economy="Økonomi",
        status="Status",
        deviation="Forventet afvigelse",
        budget="Budget",
        million="mio. kr.",
        chapter="Kapitel",
        total="I alt",
        period="Budgetperiode",
        guide="Læsevejledning",
        overview="Overblik",
        follow_up_on="opfølgning på",
        municipality_for="for",
    ),
    Language.EN: FormWords(
        item="Item",
        time="Time",
        smiley="Smiley",
        centre="Responsible centre",
        committee="Responsible committee",
        contributors="Contributors",
        milestone="Milestone",
        economy="Economy",
        status="Status",
        deviation="Expected deviation",
        budget="Budget",
        million="mio. kr.",
        chapter="Chapter",
        total="Total",
        period="Budget period",
        guide="Reading guide",
        overview="Overview",
        follow_up_on="follow-up on",
        municipality_for="for",
    ),
}


def form_words(language: Language) -> FormWords:
    """The form's words in a language."""
    return _WORDS[language]
