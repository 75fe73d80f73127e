"""Deciding an open conflict from the command line: which value stands, and why."""

from __future__ import annotations

from pathlib import Path

from xlfollow.danish import parse_amount
from xlfollow.errors import WorkspaceError
from xlfollow.layout import smiley_code
from xlfollow.ledger import ConflictRecord, Ledger
from xlfollow.messages import Text, ValueProblem
from xlfollow.model import Definition

__all__ = ["decide", "typed_value"]


def decide(
    ledger_path: Path,
    definition: Definition,
    item: str,
    field: str,
    round_name: str | None,
    take: str | None,
    value: str | None,
) -> ConflictRecord:
    """Decide the open conflicts on an item's field (of a round, if given): the value
    of the source `take` names, or `value`. The conflict decided; WorkspaceError if
    there is none, or it is open in several rounds, or the source or value is wrong."""
    with Ledger(ledger_path) as ledger:
        open_ones = [c for c in ledger.conflicts() if c.item == item and c.field == field]
        if round_name is not None:
            open_ones = [c for c in open_ones if c.round == round_name]
        if not open_ones:
            raise WorkspaceError(
                Text(
                    "there is no open conflict on item {item}, field {field}; "
                    "xlfollow status lists the open ones",
                    item=item,
                    field=field,
                )
            )
        if len({c.round for c in open_ones}) > 1:
            raise WorkspaceError(
                Text(
                    "item {item} {field} has open conflicts in several rounds; give --round",
                    item=item,
                    field=field,
                )
            )
        conflict = open_ones[-1]
        if take is not None:
            sources = {conflict.current_source: conflict.current}
            for other in open_ones:
                sources[other.incoming_source] = other.incoming
            chosen = next((s for s in sources if s.casefold() == take.casefold()), None)
            if chosen is None:
                listed = ", ".join(f'"{s}"' for s in sources)
                raise WorkspaceError(
                    Text(
                        '"{take}" is not a source of this conflict; choose one of {listed}',
                        take=take,
                        listed=listed,
                    )
                )
            decided, source, how = sources[chosen], chosen, f"took {chosen}"
        else:
            assert value is not None
            decided, source, how = (
                typed_value(definition, field, value),
                "resolve",
                f"set to {value!r}",
            )
        ledger.resolve([c.conflict_id for c in open_ones], decided, source, how)
    return conflict


def typed_value(definition: Definition, field: str, value: str) -> str:
    """A value given on the command line, stored the way answers are."""
    scales = {
        "milestone": definition.agreement.milestone_scale,
        "economy": definition.agreement.economy_scale,
    }
    if field in scales:
        code = smiley_code(scales[field], value)
        if code is None:
            codes = ", ".join(scales[field].codes)
            if field == "milestone":
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
    if field == "deviation":
        try:
            return repr(parse_amount(value))
        except ValueProblem as exc:
            raise WorkspaceError(exc.text) from exc
    return value.strip()
