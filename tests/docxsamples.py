"""A small report in the form, for the Word import's tests: its rounds, centres,
committees, reading guide and three items, written with docxform."""

from __future__ import annotations

from docxform import Economy, Form, Milestone, TableItem

__all__ = [
    "BSU",
    "EJD",
    "FINAL",
    "ITEM_1_02",
    "ITEM_1_03",
    "ITEM_3_01",
    "R1",
    "R2",
    "R3",
    "ROUNDS",
    "SIK",
    "SOS",
    "SSU",
    "guide",
    "milestones",
    "styled_report",
]

R1, R2, R3, FINAL = ROUNDS = (
    "1. budgetopfølgning 2018",
    "2. budgetopfølgning 2018",
    "3. budgetopfølgning 2018",
    "31.12.2018",
)
SOS, SIK, EJD = "Social og Sundhed", "Skoler, Institutioner og Kultur", "Ejendomme"
BSU, SSU = "Børne- og Skoleudvalget", "Social- og Sundhedsudvalget"


def guide(form: Form, milestone_label: str = "Opfyldt") -> Form:
    """The reading guide as the form writes it, with its smiley definitions."""
    return (
        form.heading("Læsevejledning")
        .paragraph("Opfølgningen på Aftale om budget 2018 sker ved, at der gives smileys.")
        .paragraph("Definition af smileys på indsats:")
        .paragraph(f"😊 {milestone_label}: Milepælen er nået")
        .paragraph("😐 Delvist opfyldt: Milepæl er ikke fuldt opfyldt")
        .paragraph("☹️ Ikke opfyldt: Milepæl er ikke opfyldt")
        .paragraph("Der gives én samlet smiley-status på økonomi ved hver opfølgning.")
        .paragraph("Definition af smileys på økonomi:")
        .paragraph("😊 Overholdt: Budget er overholdt")
        .paragraph("☹️ Ikke overholdt: Budget er ikke overholdt")
    )


def milestones(*texts: str) -> list[Milestone]:
    return [Milestone(name, text) for name, text in zip(ROUNDS, texts, strict=True)]


ITEM_1_02 = TableItem(
    number="1.02",
    title="Arbejdet med Vision 2029",
    agreement="Parterne er enige om:\n\n\tat arbejde  videre\n• med visionen",
    fields=(
        f"Ansvarligt center: {SOS}",
        f"Ansvarligt udvalg: {SSU}",
        f"Væsentlig bidragsyder: {SIK} samt {EJD}",
    ),
    action="Administrationen følger op.\nAnden linje",
    milestones=[
        Milestone(
            R1, "Pilotprojekt planlægges.", "Projektet er i gang.\nAnden linje", "😊 Opfyldt"
        ),
        Milestone(R2, "Indsatser afprøves."),
        Milestone(R3, ""),
        Milestone(FINAL, "Evaluering."),
    ],
    economy=[
        Economy(
            R1,
            "Der er afsat 0,5 mio. kr. årligt.",
            ("Budget, Anlæg (mio. kr.): 2018: 2; 2019: 2,5", "Drift (mio. kr.): 2018: -0,125"),
            "Budgettet holder.",
            "Forventet afvigelse: -0,5 mio. kr.",
            "😊 Overholdt",
        ),
        Economy(R2, status="Stadig i balance."),
    ],
)
ITEM_1_03 = TableItem(
    number="1.03",
    title="Budget: i balance",
    kind="Anlæg og drift",
    agreement="Kort tekst",
    fields=(f"Ansvarligt center: {EJD}", f"Ansvarligt udvalg: {BSU}"),
    milestones=milestones("a", "b", "c", "d"),
    economy=[Economy(R1, "Ingen økonomi.", ("Budget (mio. kr.): 2019: 1.234,5",))],
)
ITEM_3_01 = TableItem(
    number="3.01",
    title="Barnets første 1.000 dage",
    kind="Anlæg",
    fields=(
        f"Ansvarligt center: {SIK}",
        f"Ansvarligt udvalg: {BSU}",
        "Væsentlig bidragsyder: De øvrige centre og sekretariater",
    ),
    milestones=milestones("", "", "", ""),
    economy=[Economy(R1)],
)


def styled_report() -> Form:
    form = Form().title("Første opfølgning på", "Aftale om budget 2018", "for Ballerup Kommune")
    guide(form, "Nået")
    form.heading("Overblik").paragraph("Budgetperiode: 2018-2020")
    form.overview("Kapitel", ["1. Vision", "3. Børn"])
    form.overview("Ansvarligt center", [SOS, EJD, SIK, "Økonomi og Styring"])
    form.overview("Ansvarligt udvalg", [SSU, BSU, "Økonomiudvalget"])
    form.heading("1. Vision 2029").item(ITEM_1_02).item(ITEM_1_03)
    form.heading("2. Kapitel uden delelementer")
    return form.heading("3. Sammenhængende udviklingsforløb").item(ITEM_3_01)
