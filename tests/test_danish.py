from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlfollow.danish import parse_amount, parse_date, slug
from xlfollow.ledger.dialect import Engine

LEDGER_ENGINES = (Engine.SQLITE,)
"""Danish numbers and dates: no ledger is opened here."""


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0,762", 0.762),
        ("-1,5", -1.5),
        ("1.234,5", 1234.5),
        ("\u22122", -2.0),
        ("\u2013 0,1", -0.1),
        ("0.762", 0.762),
        ("12", 12.0),
        ("1 234,5", 1234.5),
        ("0,5 mio. kr.", 0.5),
        ("+3", 3.0),
    ],
)
def test_amounts_as_danes_write_them(text: str, value: float) -> None:
    assert parse_amount(text) == pytest.approx(value)


def test_thousands_dots_without_comma_are_ambiguous() -> None:
    with pytest.raises(ValueError, match=r'"1\.234" is ambiguous: write "1234" .* or "1,234"'):
        parse_amount("1.234")


@pytest.mark.parametrize("text", ["abc", ".", "-", "1,2,3", "nan", "1e5", ""])
def test_not_amounts_say_how_to_write_one(text: str) -> None:
    with pytest.raises(ValueError, match=r"not an amount; write it in mio\. kr\. like 0,762"):
        parse_amount(text)


@given(st.decimals(min_value=-100000, max_value=100000, places=3))
def test_danish_formatting_reads_back(value: object) -> None:
    # Format as a Danish report would: dots between thousands, decimal comma.
    text = f"{value:,.3f}".replace(",", "X").replace(".", ",").replace("X", ".")
    assert parse_amount(text) == pytest.approx(float(str(value)))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("5. april 2018", date(2018, 4, 5)),
        ("31.12.2018", date(2018, 12, 31)),
        ("2018-04-05", date(2018, 4, 5)),
        ("5/4 2018", date(2018, 4, 5)),
        ("1. maj 2018", date(2018, 5, 1)),
        ("15. okt. 2018", date(2018, 10, 15)),
    ],
)
def test_dates_day_before_month(text: str, value: date) -> None:
    assert parse_date(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("april 2018", "not a whole date; give day, month and year"),
        ("5. april", "not a whole date"),
        ("31.02.2018", "not a date; write it like 5. april 2018"),
        ("snart", "not a date"),
        ("1.1.2018 12:00", "has a time of day"),
    ],
)
def test_incomplete_or_wrong_dates_are_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_date(text)


def test_slug_spells_danish_letters_out() -> None:
    assert slug("Børne- og Ungerådgivning") == "boerne-og-ungeraadgivning"
    assert slug("Skoler, Institutioner og Kultur") == "skoler-institutioner-og-kultur"
    assert slug("Æblehaven Å") == "aeblehaven-aa"
