"""Deciding an open conflict from the command line: which answer stands, and why.

A conflict is about an answer (a smiley with its notes), and it is decided
whole: the current answer is kept, an incoming one taken, or one field given a
value of its own. The field may be named as the sheets show it ("Status
milepæl", "Milestone status") or by its code (milestone_note).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from xlfollow.answers import Answer, Field
from xlfollow.danish import parse_amount
from xlfollow.definition.ledgerplace import LedgerPlace
from xlfollow.errors import ValueProblem, WorkspaceError
from xlfollow.ledger.decisions import when_said
from xlfollow.ledger.mergeplan import Current
from xlfollow.ledger.store import ConflictRecord, ConflictStatus, Ledger, Resolution
from xlfollow.messages import Joined, Language, Text
from xlfollow.model import Agreement, Definition
from xlfollow.returns.collect import current_answers
from xlfollow.texts import Label, texts
from xlfollow.workbooks.layout import sheet_columns
from xlfollow.workbooks.smileys import smiley_code

__all__ = [
    "CURRENT",
    "INCOMING",
    "TYPED",
    "Decision",
    "DecisionRequest",
    "NamedField",
    "decide",
    "field_named",
    "typed_value",
]

CURRENT = frozenset({"current", "keep", "nuværende", "gældende", "behold"})
"""What `--take` takes for the current answer, whoever gave it."""
INCOMING = frozenset({"incoming", "take", "indkommende", "ny", "tag"})
"""What `--take` takes for the incoming answer, whoever gave it."""
TYPED = "resolve"
"""The source of a value given with `xlfollow resolve --value`."""


class NamedField(NamedTuple):
    """A field as a person named it, and the round its column's header names, if any."""

    field: Field
    round: str | None = None


def field_named(text: str, agreement: Agreement) -> NamedField | None:
    """The field a person names: its code (milestone_note), its name on the Konflikter
    sheet ("Status milepæl", "Milestone status") or its column's header on the chapter
    sheets ("Smiley økonomi - 1. budgetopfølgning 2018", "Status 1. budgetopfølgning 2018",
    which name their round too, or as an earlier version wrote it: "Smiley økonomi"), in
    either language and any case."""
    folded = _fold(text)
    for field in Field:
        names = {field.value, field.value.replace("_", " ")}
        names |= {texts(language)[field.label_key] for language in Language}
        if folded in {_fold(name) for name in names}:
            return NamedField(field)
    for language in Language:
        for index in range(len(agreement.rounds)):
            for column in sheet_columns(agreement, index, language):
                if column.field is None:
                    continue
                header = next((h for h in column.known_headers() if _fold(h) == folded), None)
                if header is None:
                    continue
                assert column.round_name is not None
                named = column.round_name
                return NamedField(column.field, named if named in header else None)
    return None


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class DecisionRequest:
    """What a person asks to be decided: the open conflicts on an item's answer, named by
    one of its fields (of a round, if given), and either the source whose answer to take
    or a value for the field."""

    item: str
    field: str
    """The field as the person named it: its code, or as the sheets name it."""
    round: str | None = None
    take: str | None = None
    """A source of the conflict, or current or incoming."""
    value: str | None = None
    actor: str | None = None
    """Who decides ('anna@OEKPC042'); None: this process's user and machine."""


def decide(ledger_place: LedgerPlace, definition: Definition, request: DecisionRequest) -> Decision:
    """Decide the open conflicts on an item's answer (of a round, if given): keep the
    current answer, take the one `take` names (its source, or current or incoming), or
    give the named field `value`. The conflict decided; WorkspaceError if there is none,
    it is open in several rounds, or the field, source or value is wrong."""
    item, field_text, round_name = request.item, request.field, request.round
    take, value = request.take, request.value
    named = field_named(field_text, definition.agreement)
    if named is None:
        names = Joined([Text("{code} ({name})", code=f, name=Label(f.label_key)) for f in Field])
        raise WorkspaceError(
            Text('"{field}" is not a field; give one of {names}', field=field_text, names=names)
        )
    field, answer = named.field, named.field.answer
    if named.round is not None and round_name not in (None, named.round):
        raise WorkspaceError(
            Text(
                '"{field}" is a column of {named}, and --round gives {round}; give one of them',
                field=field_text,
                named=named.round,
                round=str(round_name),
            )
        )
    round_name = named.round or round_name
    with Ledger(ledger_place, request.actor) as ledger:
        every = ledger.conflicts()
        open_ones = [c for c in every if c.item == item and c.answer is answer]
        if round_name is not None:
            open_ones = [c for c in open_ones if c.round == round_name]
        if not open_ones:
            _say_if_decided(ledger.conflicts(round_name, ConflictStatus.RESOLVED), item, answer)
            others = [c for c in every if c.item == item]
            if others:
                raise WorkspaceError(
                    Text(
                        'item {item} has no open conflict on "{answer}"; its open '
                        "conflicts are on: {others}",
                        item=item,
                        answer=Label(answer.label_key),
                        others=Joined(
                            [
                                Text(
                                    '"{answer}" ({round})',
                                    answer=Label(c.answer.label_key),
                                    round=c.round,
                                )
                                for c in others
                            ],
                            ", ",
                        ),
                    )
                )
            raise WorkspaceError(
                Text(
                    'item {item} has no open conflict on "{answer}"; '
                    "xlfollow status lists the open ones",
                    item=item,
                    answer=Label(answer.label_key),
                )
            )
        if len({c.round for c in open_ones}) > 1:
            raise WorkspaceError(
                Text(
                    'item {item} has open conflicts on "{answer}" in several rounds; give --round',
                    item=item,
                    answer=Label(answer.label_key),
                )
            )
        conflict = open_ones[-1]
        if take is not None:
            chosen = _chosen(open_ones, take)
            if chosen is None:
                resolution = Resolution.keep(open_ones, "kept current")
            else:
                resolution = Resolution.take(open_ones, chosen, f"took {chosen.incoming_source}")
        else:
            assert value is not None
            now = current_answers(definition, ledger, conflict.round)
            decided = {f: (now.get((item, f)) or _BLANK).value for f in conflict.incoming}
            decided[field] = typed_value(definition, field, value)
            resolution = Resolution(
                tuple(c.conflict_id for c in open_ones),
                f"set {field.value} to {value!r}",
                decided,
                TYPED,
            )
        ledger.resolve(resolution)
    if resolution.values is None:
        stands, source = conflict.current, conflict.current_source
    else:
        stands, source = resolution.values, resolution.source
    return Decision(conflict.round, item, answer, stands, source, len(open_ones))


@dataclass(frozen=True)
class Decision:
    """A conflict decided: the answer that stands, where it came from, and how many
    open conflicts on it were closed."""

    round: str
    item: str
    answer: Answer
    values: Mapping[Field, str]
    source: str
    closed: int


_BLANK = Current("", "")


def _say_if_decided(closed: list[ConflictRecord], item: str, answer: Answer) -> None:
    """WorkspaceError naming who decided the item's answer and when, if someone did
    (another officer, a moment ago, perhaps while this command waited for the lock)."""
    decided = [c for c in closed if c.item == item and c.answer is answer]
    if decided:
        last = decided[-1]
        raise WorkspaceError(
            Text(
                'item {item} has no open conflict on "{answer}": it was already decided by '
                "{who} at {when} ({how})",
                item=item,
                answer=Label(answer.label_key),
                who=last.decided_by or "?",
                when=when_said(last.decided_at),
                how=last.resolution,
            )
        )


def _chosen(open_ones: list[ConflictRecord], take: str) -> ConflictRecord | None:
    """The conflict whose incoming answer `take` names; None for the current answer.
    WorkspaceError if it names neither, or both."""
    folded = _fold(take)
    current_sources = open_ones[-1].current_sources
    keeps = folded in {_fold(source) for source in current_sources}
    if folded in CURRENT:
        return None
    if folded in INCOMING:
        if len({c.incoming_source for c in open_ones}) > 1:
            raise WorkspaceError(
                Text(
                    "there are incoming answers from {sources}; name the one to take",
                    sources=", ".join(f'"{c.incoming_source}"' for c in open_ones),
                )
            )
        return open_ones[-1]
    incoming = [c for c in open_ones if _fold(c.incoming_source) == folded]
    if incoming and keeps:
        raise WorkspaceError(
            Text(
                'both answers are from "{source}"; give --take current or --take incoming',
                source=take,
            )
        )
    if incoming:
        return incoming[-1]
    if keeps:
        return None
    listed = ", ".join(
        f'"{s}"' for s in dict.fromkeys([*current_sources, *(c.incoming_source for c in open_ones)])
    )
    raise WorkspaceError(
        Text(
            '"{take}" is not a source of this conflict; choose one of {listed}, '
            "or current or incoming",
            take=take,
            listed=listed,
        )
    )


def typed_value(definition: Definition, field: Field, value: str) -> str:
    """A value given on the command line, stored the way answers are."""
    scales = {
        Field.MILESTONE: definition.agreement.milestone_scale,
        Field.ECONOMY: definition.agreement.economy_scale,
    }
    if field in scales:
        code = smiley_code(scales[field], value)
        if code is None:
            codes = ", ".join(scales[field].codes)
            if field is Field.MILESTONE:
                why = Text(
                    '"{value}" is not a milestone smiley; give one of {codes}',
                    value=value,
                    codes=codes,
                )
            else:
                why = Text(
                    '"{value}" is not an economy smiley; give one of {codes}',
                    value=value,
                    codes=codes,
                )
            raise WorkspaceError(why)
        return code
    if field is Field.DEVIATION:
        try:
            return repr(parse_amount(value))
        except ValueProblem as exc:
            raise WorkspaceError(exc.text) from exc
    return value.strip()
