"""The agreement's fingerprint: a digest of its content that every workbook carries."""

from __future__ import annotations

import hashlib
import json

from xlfollow.budget import Budget
from xlfollow.model import Agreement

__all__ = ["budget_print", "fingerprint", "scales_print"]


def fingerprint(agreement: Agreement) -> str:
    """A short digest of the agreement's content: workbooks carry it, so a return
    can be matched to the agreement it was issued from. Remembered for the last
    agreements asked about (by identity: they are immutable), as a merge needs it
    for the files and again for the master."""
    known = _FINGERPRINTS.get(id(agreement))
    if known is not None and known[0] is agreement:
        return known[1]
    digest = _fingerprint(agreement)
    if len(_FINGERPRINTS) >= 4:
        _FINGERPRINTS.clear()
    _FINGERPRINTS[id(agreement)] = (agreement, digest)
    return digest


_FINGERPRINTS: dict[int, tuple[Agreement, str]] = {}


def _fingerprint(agreement: Agreement) -> str:
    items = [
        [
            item.number,
            item.title,
            item.kind.value,
            item.chapter,
            item.centre,
            item.committee,
            item.contributors,
            item.agreement_text,
            item.action_text,
            sorted(item.milestones.items()),
            item.economy_text,
            budget_print(item.budget),
            sorted((name, notes.milestone, notes.economy) for name, notes in item.status.items()),
            # Only when given, so that an agreement written before it keeps its print.
            *([["contributors_text", item.contributors_text]] if item.contributors_text else []),
        ]
        for item in agreement.items
    ]
    head: list[object] = [
        agreement.title,
        agreement.municipality,
        agreement.rounds,
        agreement.centres,
        agreement.committees,
        [[c.number, c.title, c.sheet] for c in agreement.chapters],
        scales_print(agreement),
    ]
    if agreement.budget_period:
        # Only when given, so that an agreement written before periods keeps its print.
        head.append(["period", agreement.budget_period])
    canonical = json.dumps([head, items], ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def scales_print(agreement: Agreement) -> object:
    """The smiley scales as the fingerprint prints them."""
    return [
        [vars(step) for step in scale.steps]
        for scale in (agreement.milestone_scale, agreement.economy_scale)
    ]


def budget_print(budget: Budget) -> object:
    """A budget as the fingerprint prints it. One unnamed series prints as before series
    existed: its years and amounts as written (not the rounded totals)."""
    if not budget.named:
        return sorted((y, a) for one in budget.series for y, a in one.amounts.items())
    return [[one.name, sorted(one.amounts.items())] for one in budget.series]
