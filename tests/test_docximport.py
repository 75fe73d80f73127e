"""Reading the council's report back from Word (import-docx): a report in the form,
field by field, in Danish and English; a municipality's own file without xlfollow's
styles; and texts and budget lines as properties."""

from __future__ import annotations

from docxform import Economy, Form, Milestone, TableItem
from docxsamples import (
    BSU,
    EJD,
    FINAL,
    ITEM_1_02,
    ITEM_1_03,
    R1,
    R2,
    R3,
    ROUNDS,
    SIK,
    SOS,
    SSU,
    guide,
    styled_report,
)
from hypothesis import given
from hypothesis import strategies as st

from xlfollow.budget import Budget, BudgetSeries
from xlfollow.definition.docximport import import_docx
from xlfollow.ledger.dialect import Engine
from xlfollow.model import Agreement, Chapter, Item, Kind, StatusNotes
from xlfollow.scales import DEFAULT_ECONOMY_SCALE, DEFAULT_MILESTONE_SCALE, SmileyScale, SmileyStep

LEDGER_ENGINES = (Engine.SQLITE,)
"""Word reports read back: no ledger is opened here."""


def test_a_report_in_the_form_is_read_field_by_field() -> None:
    agreement, report = import_docx(styled_report().bytes(), "rapport.docx")
    milestone_steps = list(DEFAULT_MILESTONE_SCALE.steps)
    milestone_steps[0] = SmileyStep(
        "met", "😊", "#63BE7B", "Nået", "Met", "Milepælen er nået", "The milestone is met"
    )
    milestone_steps[1] = SmileyStep(
        "partly",
        "😐",
        "#FFD966",
        "Delvist opfyldt",
        "Partly met",
        "Milepæl er ikke fuldt opfyldt",
        DEFAULT_MILESTONE_SCALE.steps[1].definition_en,
    )
    milestone_steps[2] = SmileyStep(
        "not_met",
        "☹️",
        "#F8696B",
        "Ikke opfyldt",
        "Not met",
        "Milepæl er ikke opfyldt",
        DEFAULT_MILESTONE_SCALE.steps[2].definition_en,
    )
    economy_steps = (
        SmileyStep(
            "kept",
            "😊",
            "#63BE7B",
            "Overholdt",
            "Kept",
            "Budget er overholdt",
            "The budget is kept / the saving is achieved",
        ),
        SmileyStep(
            "not_kept",
            "☹️",
            "#F8696B",
            "Ikke overholdt",
            "Not kept",
            "Budget er ikke overholdt",
            "The budget is not kept / the expected saving is not achieved in this period",
        ),
    )
    expected = Agreement(
        title="Aftale om budget 2018",
        municipality="Ballerup Kommune",
        rounds=ROUNDS,
        centres=(SOS, EJD, SIK, "Økonomi og Styring"),
        committees=(SSU, BSU, "Økonomiudvalget"),
        chapters=(
            Chapter("1", "Vision 2029"),
            Chapter("2", "Kapitel uden delelementer"),
            Chapter("3", "Sammenhængende udviklingsforløb"),
        ),
        items=(
            Item(
                number="1.02",
                title="Arbejdet med Vision 2029",
                kind=Kind.DRIFT,
                chapter="1",
                centre=SOS,
                committee=SSU,
                contributors=(SIK, EJD),
                agreement_text="Parterne er enige om:\n\n\tat arbejde  videre\n• med visionen",
                action_text="Administrationen følger op.\nAnden linje",
                milestones={
                    R1: "Pilotprojekt planlægges.",
                    R2: "Indsatser afprøves.",
                    FINAL: "Evaluering.",
                },
                economy_text="Der er afsat 0,5 mio. kr. årligt.",
                budget=Budget(
                    [
                        BudgetSeries("Anlæg", {2018: 2.0, 2019: 2.5}),
                        BudgetSeries("Drift", {2018: -0.125}),
                    ]
                ),
                status={
                    R1: StatusNotes("Projektet er i gang.\nAnden linje", "Budgettet holder."),
                    R2: StatusNotes("", "Stadig i balance."),
                },
            ),
            Item(
                number="1.03",
                title="Budget: i balance",
                kind=Kind.ANLAEG_OG_DRIFT,
                chapter="1",
                centre=EJD,
                committee=BSU,
                agreement_text="Kort tekst",
                milestones=dict(zip(ROUNDS, "abcd", strict=True)),
                economy_text="Ingen økonomi.",
                budget=Budget.of({2019: 1234.5}),
            ),
            Item(
                number="3.01",
                title="Barnets første 1.000 dage",
                kind=Kind.ANLAEG,
                chapter="3",
                centre=SIK,
                committee=BSU,
                contributors=(SOS, EJD, "Økonomi og Styring"),
                contributors_text="De øvrige centre og sekretariater",
            ),
        ),
        milestone_scale=SmileyScale("milestone", tuple(milestone_steps)),
        economy_scale=SmileyScale("economy", economy_steps),
        budget_period=(2018, 2019, 2020),
    )
    assert agreement.items == expected.items
    assert agreement == expected
    assert report.source == "rapport.docx"
    assert (report.chapters, report.items, report.status_notes) == (3, 3, 3)
    assert report.items_per_centre == {SOS: 1, EJD: 1, SIK: 1}
    assert report.milestones_filled == 3 + 4
    assert report.unsure == []


def test_without_overview_centres_and_committees_come_from_the_items_in_order() -> None:
    form = Form().title("Første opfølgning på", "Aftale om budget 2019")
    guide(form).heading("1. Vision").item(ITEM_1_03).item(ITEM_1_02)
    agreement, _ = import_docx(form.bytes())
    assert agreement.centres == (EJD, SOS)
    assert agreement.committees == (BSU, SSU)
    assert agreement.municipality == ""
    assert agreement.title == "Aftale om budget 2019"
    # A report of xlfollow's says its period where the agreement has one.
    assert agreement.budget_period == ()
    # SIK and EJD contribute to 1.02; only EJD is a declared centre without an overview.
    assert agreement.items[1].contributors == (EJD,)
    assert agreement.items[1].contributors_text == f"{SIK} samt {EJD}"


def test_an_english_report_is_read_by_its_english_words() -> None:
    form = Form().title("First follow-up on", "Budget agreement 2020", "for Ballerup Municipality")
    form.heading("Reading guide").paragraph("The smileys of an initiative:")
    form.paragraph("😊 Done: The milestone is done")
    form.paragraph("😐 Partly: Not quite")
    form.paragraph("☹️ Not done: Not at all")
    form.paragraph("The smileys of the economy:")
    form.paragraph("😊 Kept: Kept it")
    form.paragraph("☹️ Broken: Did not keep it")
    form.heading("Overview").paragraph("Budget period: 2020-2023")
    form.overview("Responsible centre", ["Centre A", "Centre B"], total="Total")
    form.heading("1. Vision")
    item = TableItem(
        number="1.01",
        title="Vision",
        word="Item",
        agreement="Agreed.",
        fields=(
            "Responsible centre: Centre A",
            "Responsible committee: Committee",
            "Contributors: Centre B",
        ),
        milestones=[Milestone("Q1", "First", "Going well."), Milestone("Q2", "Second")],
        economy=[Economy("Q1", "Money.", ("Budget (mio. kr.): 2020: 1,234.5; 2021: -0.5",))],
    )
    agreement, report = import_docx(form.item(item).bytes(), "report.docx")
    assert (agreement.title, agreement.municipality) == (
        "Budget agreement 2020",
        "Ballerup Municipality",
    )
    assert agreement.rounds == ("Q1", "Q2")
    assert agreement.budget_period == (2020, 2021, 2022, 2023)
    assert agreement.centres == ("Centre A", "Centre B")
    (read,) = agreement.items
    assert read.contributors == ("Centre B",)
    assert read.milestones == {"Q1": "First", "Q2": "Second"}
    assert read.status == {"Q1": StatusNotes("Going well.", "")}
    assert read.budget == Budget.of({2020: 1234.5, 2021: -0.5})
    labels = [(s.label_en, s.definition_en, s.label_da) for s in agreement.milestone_scale.steps]
    assert labels[0] == ("Done", "The milestone is done", "Opfyldt")
    assert [s.label_en for s in agreement.economy_scale.steps] == ["Kept", "Broken"]
    assert report.unsure == []


def test_a_municipalitys_own_file_without_the_styles() -> None:
    form = Form(styled=False).title(
        "Første opfølgning på Aftale om budget 2018 for Ballerup Kommune"
    )
    form.paragraph("1. Vision 2029")  # a chapter's heading as a plain paragraph
    own = TableItem(
        number="1.01",
        title="Vision",
        agreement="Parterne er enige.",
        fields=(
            f"Ansvarligt center: {SOS}",
            f"Ansvarligt udvalg: {SSU}",
            "Væsentlig bidragsyder: Borgerservice",
        ),
        milestones=[
            Milestone(R1, "Start", "Godt i gang."),
            Milestone(R2, "Midte"),
            Milestone(R3, "Mere"),
            Milestone(FINAL, "Slut"),
        ],
        economy=[Economy(R1, "Der er afsat 0,5 mio. kr. årligt fra 2018", status="Holder.")],
    )
    form.item(own, heading=False)  # the item's heading a plain paragraph
    agreement, report = import_docx(form.bytes(), "egen.docx")
    assert (agreement.title, agreement.municipality) == (
        "Aftale om budget 2018",
        "Ballerup Kommune",
    )
    assert agreement.chapters == (Chapter("1", "Vision 2029"),)
    assert agreement.budget_period == (2018, 2019, 2020, 2021)
    (item,) = agreement.items
    assert item.status == {R1: StatusNotes("Godt i gang.", "Holder.")}
    assert item.milestones == dict(zip(ROUNDS, ["Start", "Midte", "Mere", "Slut"], strict=True))
    assert item.economy_text == "Der er afsat 0,5 mio. kr. årligt fra 2018"
    assert item.budget == Budget.of({2018: 0.5, 2019: 0.5, 2020: 0.5, 2021: 0.5})
    assert (item.contributors, item.contributors_text) == ((), "Borgerservice")
    unsure = [str(doubt) for doubt in report.unsure]
    assert 'item 1.01: contributor "Borgerservice" is not a responsible centre' in unsure[-1]
    # No reading guide: the default scales, and said so.
    assert agreement.milestone_scale == DEFAULT_MILESTONE_SCALE
    assert agreement.economy_scale == DEFAULT_ECONOMY_SCALE
    assert sum("reading guide" in doubt for doubt in unsure) == 2


def test_a_foreign_files_budget_doubts_are_listed_with_the_item() -> None:
    form = Form(styled=False).title("Første opfølgning på", "Aftale om budget 2018")
    doubtful = TableItem(
        number="2.01",
        title="Noget",
        agreement="Der afsættes i alt 3 mio. kr. i 2018-2019.",
        fields=(f"Ansvarligt center: {SOS}", f"Ansvarligt udvalg: {SSU}"),
        milestones=[Milestone(R1, "x")],
        economy=[Economy(R1)],
    )
    agreement, report = import_docx(form.heading("2. To").item(doubtful).bytes())
    assert agreement.items[0].budget == Budget()
    budget = [str(d) for d in report.unsure if str(d).startswith("item 2.01: budget: ")]
    assert budget, [str(d) for d in report.unsure]


# Properties

_TEXT = st.text(alphabet=st.sampled_from("abcæøå ABC\t-.,0123456789\n"), max_size=60)


@given(agreement=_TEXT, action=_TEXT, milestone=_TEXT, status=_TEXT)
def test_texts_keep_their_lines_tabs_and_inner_spaces(
    agreement: str, action: str, milestone: str, status: str
) -> None:
    item = TableItem(
        number="1.01",
        title="T",
        agreement=agreement,
        fields=(f"Ansvarligt center: {SOS}", f"Ansvarligt udvalg: {SSU}"),
        action=action,
        milestones=[Milestone(R1, milestone, status)],
        economy=[Economy(R1, "Tekst")],
    )
    form = Form().title("Første opfølgning på", "Aftale om budget 2018").heading("1. V").item(item)
    (read,) = import_docx(form.bytes())[0].items
    assert read.agreement_text == agreement.strip()
    assert read.action_text == action.strip()
    assert read.milestone(R1) == milestone.strip()
    notes = read.status.get(R1, StatusNotes())
    assert notes.milestone == status.strip()


@given(
    amounts=st.dictionaries(
        st.integers(2000, 2099),
        st.decimals(min_value=-10000, max_value=10000, places=3).map(float),
        min_size=1,
        max_size=5,
    )
)
def test_budget_lines_give_their_amounts_in_either_language(amounts: dict[int, float]) -> None:
    def danish(amount: float) -> str:
        return f"{amount:,.3f}".replace(",", " ").replace(".", ",").replace(" ", ".")

    line = "; ".join(f"{year}: {danish(amount)}" for year, amount in amounts.items())
    item = TableItem(
        number="1.01",
        title="T",
        fields=(f"Ansvarligt center: {SOS}", f"Ansvarligt udvalg: {SSU}"),
        milestones=[Milestone(R1, "m")],
        economy=[Economy(R1, "Tekst", (f"Budget, Drift (mio. kr.): {line}",))],
    )
    form = Form().title("Første opfølgning på", "Aftale om budget 2018").heading("1. V").item(item)
    (read,) = import_docx(form.bytes())[0].items
    assert read.budget == Budget([BudgetSeries("Drift", amounts)])
