"""The decisions finance chose on a returned master's Konflikter sheet: read as
resolutions, each said in the file's report, and a round's answers and decisions
as they stand once those are recorded, to merge the master's own edits against.
"""

from __future__ import annotations

from xlfollow.answers import Answer, Field
from xlfollow.ledger.mergeplan import Current, Decided
from xlfollow.ledger.store import ConflictRecord, Resolution
from xlfollow.messages import Text
from xlfollow.model import Definition
from xlfollow.returns.mergereport import FileReport
from xlfollow.returns.reader import ReturnedWorkbook
from xlfollow.texts import Label, texts

__all__ = ["as_decided", "master_decisions"]

Key = tuple[str, Field]


def master_decisions(
    report: FileReport,
    returned: ReturnedWorkbook,
    conflicts: list[ConflictRecord],
    definition: Definition,
) -> list[Resolution]:
    """The decisions chosen on a master's Konflikter sheet, each said in the report."""
    words = texts(definition.settings.language)
    # A master saved before a decision's wording changed still says the words of then.
    before = words.data.get("decisions_before", {})
    keep = {w.casefold() for w in (words["decision_keep"], *before.get("keep", ()))}
    take = {w.casefold() for w in (words["decision_take"], *before.get("take", ()))}
    open_by_id = {c.conflict_id: c for c in conflicts}
    found = []
    for conflict_id, decision in returned.decisions:
        conflict = open_by_id.get(conflict_id)
        if conflict is None:
            report.notes.append(
                Text(
                    "conflict {id}: {decision} was not taken, as the conflict is no longer "
                    "open (decided, or superseded by a correction)",
                    id=conflict_id,
                    decision=repr(decision),
                )
            )
            continue
        how = f"{decision} (master)"
        if decision.casefold() in keep:
            found.append(Resolution.keep([conflict], how))
        elif decision.casefold() in take:
            found.append(Resolution.take([conflict], conflict, how))
        else:
            report.notes.append(
                Text(
                    "conflict {id}: decision {decision} is neither {keep} nor {take}; left open",
                    id=conflict_id,
                    decision=repr(decision),
                    keep=repr(words["decision_keep"]),
                    take=repr(words["decision_take"]),
                )
            )
            continue
        report.notes.append(
            Text(
                'conflict {id} (item {item}, "{answer}", {round}): {decision}',
                id=conflict_id,
                item=conflict.item,
                answer=Label(conflict.answer.label_key),
                round=conflict.round,
                decision=decision,
            )
        )
    return found


def as_decided(
    resolutions: list[Resolution],
    conflicts: list[ConflictRecord],
    round_name: str,
    current: dict[Key, Current],
    decided: dict[tuple[str, Answer], list[Decided]],
) -> tuple[dict[Key, Current], dict[tuple[str, Answer], list[Decided]]]:
    """A round's current answers and decisions as they are once `resolutions` are
    recorded, for merging the file that carries them."""
    by_id = {c.conflict_id: c for c in conflicts}
    current, decided = dict(current), {key: list(found) for key, found in decided.items()}
    for resolution in resolutions:
        for conflict in (by_id[cid] for cid in resolution.conflict_ids):
            if conflict.round != round_name:
                continue
            key = (conflict.item, conflict.answer)
            sides = [Decided(s, conflict.current) for s in conflict.current_sources]
            decided.setdefault(key, []).extend(
                [*sides, Decided(conflict.incoming_source, conflict.incoming)]
            )
            for f, value in (resolution.values or {}).items():
                current[(conflict.item, f)] = Current(value, resolution.source, resolution.receipt)
    return current, decided
