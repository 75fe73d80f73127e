"""Joining a PDF's wrapped lines: each line-end hyphen of the Ballerup report, decided by hand."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from xlfollow.definition.linebreaks import hyphenated_words, join_lines
from xlfollow.ledger.dialect import Engine

LEDGER_ENGINES = (Engine.SQLITE,)
"""Line breaks in cells: no ledger is opened here."""

# (line ending in a hyphen, next line, the text they make), as the report has them.
BROKEN_WORDS = [
    ("brugerportal AULA på skole- og dagtilbuds-", "området.", "dagtilbudsområdet."),
    ("ændringer omkring de forberedende ungdoms-", "uddannelser.", "ungdomsuddannelser."),
    ("rammeaftaler med en række håndværker-", "virksomheder om", "håndværkervirksomheder om"),
    ("Målet om 20 fleksjobbere i 2018 fastholdes og for-", "ventes opfyldt.", "og forventes"),
    ("Dermed kan der skabes et egentligt campus-", "område, som", "egentligt campusområde,"),
    ("fungerer ikke som en såkaldt ”whistleblower-", "ordning” for", "”whistleblowerordning”"),
    ("processen for integrationspolitikken og forventnin-", "gerne til", "forventningerne til"),
    ("sker ved, at der gives smileys, på hen-", "holdsvis indsats", "på henholdsvis indsats"),
    ("en endelig opfølgning pr. 31. de-", "cember 2018.", "pr. 31. december 2018."),
]
WRITTEN_HYPHENS = [
    (
        "flerårige økonomiske strategi for perioden 2014-",
        "2018 med fokus",
        "perioden 2014-2018 med",
    ),
    ("Ramme og oplæg til ny Økonomisk Strategi for 2019-", "2022 er", "for 2019-2022 er"),
    ("en 1:1 løsning i folkeskolens 4.-", "9. klasse, hvor", "folkeskolens 4.-9. klasse,"),
    ("Projektet er afhængigt af samarbejdet med IT-", "Forsyningen og", "med IT-Forsyningen og"),
    ("utidssvarende vinduer, omdannelse til LED-", "belysning, bedre", "til LED-belysning, bedre"),
    (
        "på baggrund af indmeldingerne fra de lokale MED-",
        "udvalg i centrene.",
        "lokale MED-udvalg i",
    ),
    (
        "SAMSPAL, hvor specialskolerne gennem co-",
        "teaching-forløb støtter",
        "gennem co-teaching-forløb",
    ),
    ("5.10. Indsats for ledige kvinder med ikke-", "vestlig baggrund", "med ikke-vestlig baggrund"),
]
SUSPENDED = [
    (
        "politisk behandlet i Social-",
        "og Sundhedsudvalget, Erhvervs- og",
        "i Social- og Sundhedsudvalget,",
    ),
    ("til en stærk uddannelses-", "og erhvervsby, hvor", "stærk uddannelses- og erhvervsby,"),
    (
        "kan forbedres, forelægges Kultur-",
        "og Fritidsudvalget.",
        "forelægges Kultur- og Fritidsudvalget.",
    ),
]
DASHES = [
    ("2.02.2. Økonomi - Ny finansiel strategi -", "Grøn profil", "strategi - Grøn profil"),
    (
        "3.33.1. Tandklinikstruktur \N{EN DASH}",
        "samarbejdsmodel og",
        "Tandklinikstruktur \N{EN DASH} samarbejdsmodel",
    ),
]


@pytest.mark.parametrize(("line", "following", "expected"), BROKEN_WORDS)
def test_a_word_the_layout_broke_joins_without_its_hyphen(
    line: str, following: str, expected: str
) -> None:
    assert expected in join_lines([line, following])


@pytest.mark.parametrize(("line", "following", "expected"), WRITTEN_HYPHENS)
def test_a_written_hyphen_stays_and_joins_without_a_space(
    line: str, following: str, expected: str
) -> None:
    assert expected in join_lines([line, following])


@pytest.mark.parametrize(("line", "following", "expected"), SUSPENDED)
def test_a_first_part_before_og_keeps_its_hyphen_and_the_space(
    line: str, following: str, expected: str
) -> None:
    assert expected in join_lines([line, following])


@pytest.mark.parametrize(("line", "following", "expected"), DASHES)
def test_a_dash_standing_alone_stays_between_spaces(
    line: str, following: str, expected: str
) -> None:
    assert expected in join_lines([line, following])


def test_a_word_the_text_writes_with_a_hyphen_keeps_it_at_a_line_end() -> None:
    lines = ["Nest-klasserne. Der afsættes 0,3 mio. kr.", "oprettet såkaldte Nest-", "klasser med"]
    assert hyphenated_words(lines) == {"nest"}
    assert join_lines(lines[1:], hyphenated_words(lines)) == "oprettet såkaldte Nest-klasser med"
    assert join_lines(lines[1:]) == "oprettet såkaldte Nestklasser med"


def test_written_hyphens_are_found_inside_lines_only() -> None:
    lines = ["til it-opgradering i folkeskolen, 0-25 år", "gældende it-", "Social- og Sundhed"]
    assert hyphenated_words(lines) == {"it", "0"}


def test_other_conjunctions_keep_the_space_too() -> None:
    assert join_lines(["Dagtilbud til 0-", "til 5-årige"]) == "Dagtilbud til 0- til 5-årige"
    assert join_lines(["børne-", "eller ungeområdet"]) == "børne- eller ungeområdet"
    assert join_lines(["skole-", "samt dagtilbudsområdet"]) == "skole- samt dagtilbudsområdet"


def test_lines_without_hyphens_join_with_one_space() -> None:
    assert join_lines(["  Ansvarligt  center: ", "", "Økonomi og Styring "]) == (
        "Ansvarligt center: Økonomi og Styring"
    )


words = st.text("abcdefghijklmnopqrstuvwxyzæøå", min_size=2, max_size=20)


@given(words, st.integers(min_value=1, max_value=19))
def test_any_lowercase_word_broken_anywhere_joins_back(word: str, at: int) -> None:
    assume(at < len(word))
    head, tail = word[:at], word[at:]
    assume(head not in {"co", "ikke"} and tail not in {"og", "eller", "samt", "til"})
    assert join_lines([f"der {head}-", f"{tail} her"]) == f"der {word} her"


@given(words, st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZÆØÅ0123456789", min_size=1, max_size=3))
def test_a_hyphen_before_a_capital_or_a_figure_stays(head: str, start: str) -> None:
    assert join_lines([f"i {head}-", f"{start}x nu"]) == f"i {head}-{start}x nu"
