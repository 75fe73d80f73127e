"""The years an agreement is about: the budget year its title names, and the year whose
amounts a round's economy smileys put at risk."""

from __future__ import annotations

import re

from xlfollow.model import Agreement

__all__ = ["agreement_year", "at_risk_year", "budget_period_of"]


_YEAR = re.compile(r"\b(19|20)\d\d\b")


def agreement_year(agreement: Agreement) -> int | None:
    """The budget year the agreement is about, from its title ('Aftale om budget 2018')."""
    found = _YEAR.search(agreement.title)
    return int(found.group(0)) if found else None


def budget_period_of(title: str) -> tuple[int, ...]:
    """The budget period a report's title implies, where nothing says it: a Danish
    municipal budget is the budget year and its three overslagsår (2018-2021); ()
    for a title without a year."""
    found = _YEAR.search(title)
    return tuple(range(int(found.group(0)), int(found.group(0)) + 4)) if found else ()


def at_risk_year(agreement: Agreement) -> int | None:
    """The year whose amounts are at risk when an item's economy is not kept: the
    agreement's year where it has figures, else the first year with figures."""
    years = agreement.budget_years
    year = agreement_year(agreement)
    return year if year in years else (years[0] if years else None)
