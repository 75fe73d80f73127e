"""Importing the Ballerup 2018 report's text: counts, items field by field, damaged text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from xlfollow.budget import Budget, BudgetSeries
from xlfollow.definition.agreementwriter import dump_agreement
from xlfollow.definition.textimport import ImportReport, import_text
from xlfollow.errors import DefinitionError
from xlfollow.ledger.dialect import Engine
from xlfollow.model import Agreement, Item, Kind, StatusNotes

LEDGER_ENGINES = (Engine.SQLITE,)
"""A report's text imported as an agreement: no ledger is opened here."""

EXAMPLE = Path(__file__).parent.parent / "examples" / "ballerup_2018"
REPORT = (EXAMPLE / "report.txt").read_text(encoding="utf-8")
R1, R2, R3, FINAL = ROUNDS = (
    "1. budgetopfølgning 2018",
    "2. budgetopfølgning 2018",
    "3. budgetopfølgning 2018",
    "31.12.2018",
)
ALL_CENTRES = (
    "Politisk Sekretariat",
    "Økonomi og Styring",
    "Social og Sundhed",
    "Skoler, Institutioner og Kultur",
    "Ejendomme",
    "0-25 års udvalget",
    "Børne- og Ungerådgivning",
    "By, Erhverv og Miljø",
    "Arbejdsmarked",
    "Digitaliseringssekretariatet",
    "HR og Organisationsudvikling",
)


@pytest.fixture(scope="module")
def imported() -> tuple[Agreement, ImportReport]:
    return import_text(REPORT, "report.txt")


@pytest.fixture(scope="module")
def items(imported: tuple[Agreement, ImportReport]) -> dict[str, Item]:
    return {item.number: item for item in imported[0].items}


def test_counts(imported: tuple[Agreement, ImportReport]) -> None:
    agreement, report = imported
    assert agreement.title == "Aftale om budget 2018"
    assert agreement.municipality == "Ballerup Kommune"
    assert [c.number for c in agreement.chapters] == ["1", "2", "3", "4", "5", "6", "7", "8"]
    assert (
        agreement.chapters[1].title == "Budget 2018 - Budget i balance med plads til investeringer"
    )
    assert len(agreement.items) == 109
    kinds = [item.kind for item in agreement.items]
    assert (
        kinds.count(Kind.DRIFT),
        kinds.count(Kind.ANLAEG),
        kinds.count(Kind.ANLAEG_OG_DRIFT),
    ) == (87, 20, 2)
    assert agreement.rounds == ROUNDS
    assert agreement.centres == ALL_CENTRES
    assert agreement.committees == (
        "Økonomiudvalget",
        "Børne- og Skoleudvalget",
        "Kultur- og Fritidsudvalget",
        "Social- og Sundhedsudvalget",
        "Erhvervs- og Beskæftigelsesudvalget",
        "Teknik- og Miljøudvalget",
    )
    assert report.milestone_slots == 436
    # Counted independently: Milepæl blocks with text before their round's name.
    assert report.milestones_filled == 297
    assert report.status_notes == 23
    assert sum(bool(n.milestone) for i in agreement.items for n in i.status.values()) == 20
    assert all(set(item.status) <= {R1} for item in agreement.items)
    assert report.items_per_centre["Skoler, Institutioner og Kultur"] == 24
    assert report.items_per_centre["By, Erhverv og Miljø"] == 23
    assert report.dropped_lines == 15


def test_every_item_has_its_number_in_order(imported: tuple[Agreement, ImportReport]) -> None:
    numbers = [item.number for item in imported[0].items]
    assert numbers[:4] == ["1.02", "2.02.1", "2.02.2", "2.02.3"]
    assert numbers[-1] == "8.12"
    assert all(item.chapter == item.number.split(".")[0] for item in imported[0].items)
    assert all(item.centre and item.committee for item in imported[0].items)


def test_no_page_furniture_left_anywhere(imported: tuple[Agreement, ImportReport]) -> None:
    text = dump_agreement(imported[0])
    assert "Sagsid" not in text
    assert "Den 5. april 2018" not in text
    assert "Tid Smiley" not in text


def expect(item: Item, **fields: object) -> None:
    for name, value in fields.items():
        assert getattr(item, name) == value, name


def test_item_1_02_first_item(items: dict[str, Item]) -> None:
    expect(
        items["1.02"],
        title="Arbejdet med Vision 2029",
        kind=Kind.DRIFT,
        chapter="1",
        centre="Politisk Sekretariat",
        committee="Økonomiudvalget",
        contributors=(),
        milestones={R1: "Den ny kommunalbestyrelse er introduceret for Vision 2029."},
        economy_text="Der er ikke afsat økonomi.",
        budget=Budget(),
        status={},
    )
    assert items["1.02"].agreement_text.startswith(
        "Vision 2029 blev vedtaget af en enig kommunalbestyrelse"
    )
    assert (
        "\n• Nyt design, der skal visualisere temaerne i visionen.\n"
        in items["1.02"].agreement_text
    )


def test_item_2_02_1_status_inside_a_milestone(items: dict[str, Item]) -> None:
    item = items["2.02.1"]
    expect(item, title="Økonomi - Den økonomiske strategi", centre="Økonomi og Styring")
    assert item.milestones[R1] == (
        "Ramme og oplæg til ny Økonomisk Strategi for 2019-2022 er førstegangsbehandlet i Økonomiudvalget."
    )
    assert item.status == {
        R1: StatusNotes(
            milestone="Sagen har endnu ikke været forelagt Økonomiudvalget. "
            "Den vil formenligt blive forelagt i maj 2018."
        )
    }


def test_item_2_02_1_agreement_text_running_on_after_the_action_text(
    items: dict[str, Item],
) -> None:
    # The PDF put the centre, committee and action text beside entry 1 of the
    # agreement's numbered list; entries 2-5 and what follows came after them.
    item = items["2.02.1"]
    assert item.action_text == (
        "Indsatsen vedrører Ballerup Kommunes samlede økonomi, dvs. såvel drift som anlæg samt "
        "øvrige poster.\n"
        "Der skal udarbejdes en ny økonomisk strategi for perioden 2019-2022 i Ballerup Kommune "
        "der tager erfaringerne fra den eksisterende med fokus på at sætte de økonomiske "
        "pejlemærker for den nye periode."
    )
    paragraphs = item.agreement_text.split("\n")
    assert [p[:2] for p in paragraphs if p[:1].isdigit()] == ["1.", "2.", "3.", "4.", "5."]
    assert paragraphs[4:6] == [
        "1. Servicerammen, som udgør rammen for, hvor meget kommunen kan anvende til "
        "driftsudgifter skal ligge på niveau med KL's udmeldte ramme for 2018.",
        "2. Kommunens anlægsinvesteringer skal ligge på niveau med KL's udmeldte ramme for "
        "anlæg i 2018.",
    ]
    assert paragraphs[8].startswith("5. Gælden skal falde med 50 mio. kr. over budgetperioden")
    assert paragraphs[-1] == (
        "Parterne er enige om, at der igangsættes et arbejde med at reformulere den økonomiske "
        "strategi i begyndelsen af 2018, som skal gælde for perioden 1. januar 2019 til "
        "31. december 2022."
    )


def test_a_numbered_paragraph_of_the_action_text_stays_there_without_an_open_list() -> None:
    # Without entry 1 ending the agreement text, "2. Kommunens ..." is the action text's own.
    text = REPORT.replace("1. Servicerammen, som udgør", "Servicerammen, som udgør", 1)
    assert text != REPORT
    agreement, _ = import_text(text, "report.txt")
    item = next(i for i in agreement.items if i.number == "2.02.1")
    assert item.agreement_text.endswith("skal ligge på niveau med KL's udmeldte ramme for 2018.")
    assert "den nye periode. 2. Kommunens anlægsinvesteringer" in item.action_text
    assert item.action_text.endswith("for perioden 1. januar 2019 til 31. december 2022.")


def test_item_2_02_2_heading_wrapped_over_three_lines(items: dict[str, Item]) -> None:
    expect(
        items["2.02.2"],
        title="Økonomi - Ny finansiel strategi - Grøn profil på investeringer og fortrinsvis "
        "fastforrentede lån",
        kind=Kind.DRIFT,
        milestones={R1: "Økonomiudvalget har vedtaget en ny finansiel strategi."},
        economy_text="Ændringen vurderes ikke at få økonomiske konsekvenser af betydende karakter.",
    )


def test_item_3_01_contributors_with_commas_and_samt(items: dict[str, Item]) -> None:
    item = items["3.01"]
    expect(
        item,
        title="Barnets første 1.000 dage: Samarbejde om børns trivsel og udvikling",
        centre="Social og Sundhed",
        committee="Børne- og Skoleudvalget",
        contributors=("Skoler, Institutioner og Kultur", "Børne- og Ungerådgivning"),
        milestones={
            R1: "Pilotprojekt i Distrikt Skovlunde planlægges med inddragelse af relevante "
            "samarbejdspartnere.",
            R2: "Indsatser afprøves og erfaring indsamles.",
            R3: "Samarbejde med almen praksis indledes.",
            FINAL: "Det styrkede samarbejde forberedes til udbredelse i øvrige distrikter.",
        },
        economy_text="Der er afsat 0,762 mio. kr. på ramme 30.31 Sundheds- og tandpleje.",
        budget=Budget.of({2018: 0.762, 2019: 0.938, 2020: 0.9, 2021: 0.9}),
    )
    assert item.status[R1].milestone == ""
    assert item.status[R1].economy.startswith("Beløbet på 0,762 mio kr. blev afsat teknisk")
    assert item.status[R1].economy.endswith(
        "er fortsat på ramme 30.50 Dagtilbud til 0- til 5-årige."
    )


def test_item_3_04_anlaeg_og_drift(items: dict[str, Item]) -> None:
    expect(
        items["3.04"],
        title="Bygning - Indeklima i daginstitutioner",
        kind=Kind.ANLAEG_OG_DRIFT,
        centre="Ejendomme",
        committee="Økonomiudvalget",
        contributors=("Skoler, Institutioner og Kultur",),
        economy_text="Hele det afsatte budget faktureres i 2018.",
    )
    assert items["3.04"].milestones[FINAL] == "Delopgaverne er afsluttet."


def test_item_3_23_committee_written_as_centre(items: dict[str, Item]) -> None:
    expect(
        items["3.23"],
        title="Et stærkt ungeområde",
        centre="0-25 års udvalget",
        committee="Økonomiudvalget",
        contributors=(
            "Børne- og Ungerådgivning",
            "Skoler, Institutioner og Kultur",
            "Arbejdsmarked",
        ),
        milestones={
            R1: "Kommissorium for analysen er udarbejdet.",
            R2: "Analysen er fremlagt for Børne- og Skoleudvalget samt Social- og Sundhedsudvalget.",
        },
        action_text="Gennemførelse af en analyse, der fremlægges i løbet af andet halvår 2018.",
    )


def test_item_3_31_1_three_level_number(items: dict[str, Item]) -> None:
    expect(
        items["3.31.1"],
        title="Tilbudsviften på børneområdet - SAMSPAL",
        chapter="3",
        centre="Skoler, Institutioner og Kultur",
        milestones={R1: "Eksisterende indsats fortsættes."},
        economy_text="Finansieres via specialundervisningsmidler fra den 1. august 2018.",
    )


def test_item_4_01_1_anlaeg_with_wrapped_heading(items: dict[str, Item]) -> None:
    expect(
        items["4.01.1"],
        title="Nyt plejecenter - Plejecenter Toftehaven",
        kind=Kind.ANLAEG,
        centre="Ejendomme",
        contributors=("Social og Sundhed",),
        budget=Budget(),
    )
    assert set(items["4.01.1"].milestones) == set(ROUNDS)


def test_item_4_01_2_contributors_joined_with_og(items: dict[str, Item]) -> None:
    expect(items["4.01.2"], contributors=("Ejendomme", "By, Erhverv og Miljø"))


def test_item_4_03_status_on_milestone_and_economy(items: dict[str, Item]) -> None:
    item = items["4.03"]
    assert item.title == 'Udmøntning af midler fra ny "velfærdspulje" fra finansloven'
    assert set(item.milestones) == {R1, R2, FINAL}
    assert item.status[R1].milestone.startswith("Tilskud er søgt")
    assert item.status[R1].economy == (
        "Ballerup Kommune har søgt om 4,632 mio. kr. til bedre bemanding i Hjemmeplejen og på plejecentrene."
    )


def test_item_4_11_number_without_space(items: dict[str, Item]) -> None:
    expect(
        items["4.11"],
        title="Undgå madspild i Køkken Ballerup",
        centre="Social og Sundhed",
        committee="Social- og Sundhedsudvalget",
        contributors=(),
        milestones={
            R1: "Ud fra målinger af madspild foretaget i november 2017, er der igangsat flere "
            "tiltag for at nedsætte madspildet.",
            R2: "Der har løbende været justeringer og igangsættelse af tiltag, der reducerer madspild.",
            R3: "I august 2018 foretages slutmåling af madspild.\nProjektet afsluttes i september "
            "2018, hvor mål for fastholdelse af resultaterne er fastsat.",
            FINAL: "Mængden af madspild er nedsat med 25 pct. i antal kg, målt ud fra det niveau, "
            "der var ved målingen i november 2017.",
        },
        economy_text="Der er indregnet en besparelse på 0,1 mio. kr. fra 2019.",
        budget=Budget.of({2019: -0.1, 2020: -0.1, 2021: -0.1}),
    )


def test_item_5_08_1_committee_wrapped_over_two_lines(items: dict[str, Item]) -> None:
    expect(
        items["5.08.1"],
        title="Flere job i Ballerup Kommune - Flere i job",
        centre="Arbejdsmarked",
        committee="Erhvervs- og Beskæftigelsesudvalget",
        budget=Budget(),
    )


def test_item_5_08_2_page_footers_inside(items: dict[str, Item]) -> None:
    item = items["5.08.2"]
    assert item.status[R1].milestone == (
        "Indsatsen kom senere i gang end planlagt, og derfor er der kun ansat 2 ud af 10 på "
        "nuværende tidspunkt. Målet om 20 fleksjobbere i 2018 fastholdes og forventes opfyldt."
    )
    assert item.economy_text == (
        "Investeringen vil i 2018 være neutral, og give en besparelse på 0,5 mio. kr. i 2019 "
        "stigende til 1 mio. kr. i 2021."
    )
    # "lønpulje på 2 mio. kr. i 2018", "besparelse på 0,5 mio. kr. i 2019 stigende til 1
    # mio. kr. i 2021": 2020 is not stated.
    assert item.budget.series == (
        BudgetSeries("Drift", {2018: 2.0}),
        BudgetSeries("Besparelse", {2019: -0.5, 2021: -1.0}),
    )


def test_item_6_13_status_on_the_same_line(items: dict[str, Item]) -> None:
    item = items["6.13"]
    assert item.milestones == {
        R1: "Bevillingsansøgning og forslag til prioritering af strækninger er forelagt politisk.",
        FINAL: "Fortove er etableret.",
    }
    assert item.status[R1].milestone.startswith("Økonomiudvalget har på møde den 13. marts 2018")
    assert item.budget == {2018: 1.0}


def test_item_6_14_number_without_trailing_dot(items: dict[str, Item]) -> None:
    expect(
        items["6.14"],
        title="Måløv Bymidte",
        kind=Kind.DRIFT,
        centre="By, Erhverv og Miljø",
        committee="Teknik- og Miljøudvalget",
        milestones={
            R2: "Forslag til kommuneplantillæg og forslag til lokalplan er politisk behandlet.",
            FINAL: "Kulturtorvet er taget i brug.",
        },
        economy_text="Der er ikke afsat økonomi.",
    )


def test_item_7_04_all_other_centres(items: dict[str, Item]) -> None:
    item = items["7.04"]
    assert item.centre == "Politisk Sekretariat"
    assert item.contributors == tuple(c for c in ALL_CENTRES if c != "Politisk Sekretariat")
    # "Der omprioriteres 750.000 kr. årligt": kroner, every year.
    assert item.budget == {2018: 0.75, 2019: 0.75, 2020: 0.75, 2021: 0.75}
    assert item.contributors_text == "De øvrige centre og sekretariater"


def test_contributors_text_only_where_the_names_do_not_say_it_all(
    items: dict[str, Item],
) -> None:
    worded = {number for number, item in items.items() if item.contributors_text}
    assert worded == {"7.04"}
    assert items["7.09"].contributors == (
        "Børne- og Ungerådgivning",
        "Skoler, Institutioner og Kultur",
        "Social og Sundhed",
        "By, Erhverv og Miljø",
        "HR og Organisationsudvikling",
        "Politisk Sekretariat",
    )


def test_a_contributor_that_is_no_centre_is_kept_in_the_wording() -> None:
    text = REPORT.replace(
        "Væsentlig bidragsyder: Ejendomme \n", "Væsentlig bidragsyder: Ejendomme samt DTU \n", 1
    )
    assert text != REPORT
    agreement, report = import_text(text, "report.txt")
    item = next(i for i in agreement.items if i.number == "3.26")
    assert item.contributors == ("Ejendomme",)
    assert item.contributors_text == "Ejendomme samt DTU"
    assert [str(u) for u in report.unsure if "contributor" in str(u)] == [
        'line 1376: item 3.26: contributor "DTU" is not a responsible centre; '
        "left out of the contributors, kept in their wording"
    ]
    assert item.budget == {}


def test_item_8_12_last_item_income_is_negative(items: dict[str, Item]) -> None:
    expect(
        items["8.12"],
        title='Reklamer i "De 4 årstider"',
        contributors=("Politisk Sekretariat",),
        milestones={
            R2: "Dialog med Ældresagen omkring deres erfaringer med reklamefinansiering.",
            R3: "Status til Social- og Sundhedsudvalget om hvordan ”De 4 årstider” kan finansieres.",
        },
        budget=Budget.of({2018: -0.1, 2019: -0.1, 2020: -0.1, 2021: -0.1}),
        status={
            R1: StatusNotes(economy="Svært på nuværende tidspunkt at sige om budgettet overholdes.")
        },
    )


# Every line-end hyphen of the report's items, read and decided by hand: the
# words the layout broke lose their hyphen, written hyphens stay.
LINE_END_HYPHENS = [
    ("3.11", "agreement_text", "brugerportal AULA på skole- og dagtilbudsområdet. Den nye"),
    ("3.23", "agreement_text", "omkring de forberedende ungdomsuddannelser."),
    ("5.07", "agreement_text", "med en række håndværkervirksomheder om at løse"),
    ("5.08.2", "status", "fleksjobbere i 2018 fastholdes og forventes opfyldt."),
    ("6.19", "agreement_text", "skabes et egentligt campusområde, som vil gøre"),
    ("7.04", "agreement_text", "som en såkaldt ”whistleblowerordning” for medarbejderne."),
    ("7.09", "status", "processen for integrationspolitikken og forventningerne til indsatsen."),
    ("2.02.1", "agreement_text", "strategi for perioden 2014-2018 med fokus på fem målsætninger:"),
    ("2.02.1", "milestone", "Økonomisk Strategi for 2019-2022 er førstegangsbehandlet"),
    ("3.18", "agreement_text", "der oprettet såkaldte Nest-klasser med kun 14-16 elever"),
    ("3.19", "agreement_text", "en 1:1 løsning i folkeskolens 4.-9. klasse, hvor der stilles"),
    ("3.31.1", "agreement_text", "specialskolerne gennem co-teaching-forløb støtter"),
    ("4.01.1", "agreement_text", "32 mio. kr. i perioden 2019-2021 til den ønskede udbygning"),
    (
        "4.14",
        "milestone",
        "behandlet i Social- og Sundhedsudvalget, Erhvervs- og Beskæftigelsesudvalget,",
    ),
    ("5.02", "agreement_text", "udvikle Ballerup til en stærk uddannelses- og erhvervsby, hvor"),
    ("5.08.2", "action_text", "som udfases over perioden 2018-2020. Startniveauet"),
    ("5.10", "title", "Indsats for ledige kvinder med ikke-vestlig baggrund til uddannelse"),
    ("7.07", "milestone", "kan forbedres, forelægges Kultur- og Fritidsudvalget."),
    ("8.03", "agreement_text", "ved at erstatte gældende it-licenser med andre programtyper."),
    ("8.03", "action_text", "afhængigt af samarbejdet med IT-Forsyningen og samarbejdet"),
    ("8.05", "agreement_text", "vinduer, omdannelse til LED-belysning, bedre isolering"),
    ("8.11", "milestone", "fra de lokale MED-udvalg i centrene."),
]


@pytest.mark.parametrize(("number", "where", "expected"), LINE_END_HYPHENS)
def test_line_end_hyphens(items: dict[str, Item], number: str, where: str, expected: str) -> None:
    item = items[number]
    if where == "milestone":
        texts = list(item.milestones.values())
    elif where == "status":
        texts = [notes.milestone for notes in item.status.values()]
    else:
        texts = [getattr(item, where)]
    assert any(expected in text for text in texts), texts


def test_no_first_part_is_glued_to_og(imported: tuple[Agreement, ImportReport]) -> None:
    # The report writes "Social- og", never "Social-og": a suspended hyphen keeps its space.
    assert re.search(r"\w-(og|eller|samt)\b", dump_agreement(imported[0])) is None


def test_unsure_things_are_reported(imported: tuple[Agreement, ImportReport]) -> None:
    unsure = [str(u) for u in imported[1].unsure]
    assert any(
        u.startswith("line 2240: item 4.02: budget: not placed in years: 9,4 mio. kr.")
        for u in unsure
    )
    assert any("item 3.23" in u and "looks like a committee" in u for u in unsure)
    assert sum(": budget: " in u for u in unsure) == 24
    assert imported[1].items_with_budget == 60


# Damaged variants: each is refused with the line and what to do.


def damaged(old: str, new: str, count: int = 1) -> DefinitionError:
    assert REPORT.count(old) >= count, old
    with pytest.raises(DefinitionError) as caught:
        import_text(REPORT.replace(old, new, count), "report.txt")
    return caught.value


def line_of(fragment: str) -> int:
    return next(n for n, line in enumerate(REPORT.splitlines(), 1) if fragment in line)


def test_missing_centre_line() -> None:
    text = REPORT.replace(
        "reducere madspild svarende til en mindreudgift \npå i alt 0,1 mio. kr. fra 2019 og frem. \n\n"
        "Ansvarligt center: Social og Sundhed \n",
        "reducere madspild svarende til en mindreudgift \npå i alt 0,1 mio. kr. fra 2019 og frem. \n\n",
    )
    assert text != REPORT
    with pytest.raises(DefinitionError) as caught:
        import_text(text, "report.txt")
    (problem,) = caught.value.problems
    assert problem.line == line_of("4.11.Undgå madspild")
    assert str(problem.message) == (
        f"item 4.11 (line {problem.line}) has no 'Ansvarligt center:' line; add it after the agreement text"
    )


def test_heading_cut_in_half_number_lost() -> None:
    error = damaged("3.31.1. Tilbudsviften på børneområdet - \n", "")
    (problem,) = error.problems
    marker = next(
        n
        for n, line in enumerate(REPORT.splitlines(), 1)
        if n > line_of("3.31.1. Tilbudsviften") and "Tid Smiley" in line
    )
    assert problem.line == marker - 1  # one line fewer above it
    assert "no item number stands before it; the heading may be cut in half" in str(problem.message)


def test_heading_cut_in_half_kind_lost() -> None:
    heading = "3.31.1. Tilbudsviften på børneområdet - \nSAMSPAL \n\nDrift Tid Smiley \n"
    error = damaged(heading, "3.31.1. Tilbudsviften på børneområdet - \nSAMSPAL \n\n")
    (problem,) = error.problems
    assert "a second 'Ansvarligt center:' inside item 3.30" in str(problem.message)
    assert "the heading of the item before this line is missing or damaged" in str(problem.message)


def test_page_footer_inside_a_milestone_is_dropped() -> None:
    footer = (
        "\nFørste opfølgning på Aftale om budget 2018 for Ballerup Kommune Den 5. april 2018\n\n"
        "Ballerup Kommune, Økonomi og Styring - 61 - Sagsid: 00.30.00-S00-9-16\n\n"
    )
    text = REPORT.replace(
        "Milepæl I august 2018 foretages slutmåling af madspild. \n",
        "Milepæl I august 2018 foretages slutmåling af madspild. \n" + footer,
    )
    assert text != REPORT
    agreement, report = import_text(text, "report.txt")
    item = next(i for i in agreement.items if i.number == "4.11")
    assert item.milestones[R3] == (
        "I august 2018 foretages slutmåling af madspild.\n"
        "Projektet afsluttes i september 2018, hvor mål for fastholdelse af resultaterne er fastsat."
    )
    assert report.dropped_lines == 17


def test_milestone_without_its_round() -> None:
    error = damaged(
        "Milepæl I august 2018 foretages slutmåling af madspild. \n\nProjektet afsluttes i september 2018, hvor mål for \nfastholdelse af resultaterne er fastsat. \n\n3. budgetopfølgning 2018",
        "Milepæl I august 2018 foretages slutmåling af madspild. \n\nProjektet afsluttes i september 2018, hvor mål for \nfastholdelse af resultaterne er fastsat. \n\n",
    )
    messages = [str(p.message) for p in error.problems]
    assert any(m.startswith("item 4.11") and "'Milepæl'" in m for m in messages), messages


def test_missing_chapter_heading() -> None:
    error = damaged(" 5. Erhverv og Beskæftigelse \n", "\n")
    (problem,) = error.problems
    assert str(problem.message) == (
        "item 5.01 starts chapter 5, but no heading '5. <title>' stands before it; "
        "add the chapter's heading line"
    )


def test_text_with_no_items() -> None:
    with pytest.raises(DefinitionError, match="no item headings"):
        import_text("Just a letter.\n", "letter.txt")


def test_an_action_text_with_a_list_of_its_own_keeps_it() -> None:
    # The agreement text ends with entries 1 and 2 of its list; the action text has a
    # list of its own, 1 to 3: its entry 3 does not go on the agreement's list.
    from xlfollow.definition.reportlines import Line, list_continued

    agreement = [Line(1, "1. Første mål."), Line(2, "2. Andet mål.")]
    own_list = [Line(4, "Indsatsen:"), Line(5, "1. Et."), Line(6, "2. To."), Line(7, "3. Tre.")]
    assert list_continued(agreement, own_list) == len(own_list)
    going_on = [Line(4, "Indsatsen er beskrevet."), Line(5, "3. Tredje mål.")]
    assert list_continued(agreement, going_on) == 1
