"""Write the master and the centre workbooks of a round: which rows each recipient's
workbook holds, and the round's workbooks written in one process or, for a large
round, one per core. The layout comes from `layout.sheet_columns`, the same
declaration the reader uses; one workbook is written by `book.BookWriter`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

from xlfollow.model import Agreement, Contributors, Item
from xlfollow.workbooks.book import BookWriter
from xlfollow.workbooks.spec import IssuedWorkbook, Recipient, WorkbookSpec

__all__ = ["rows_for", "write_round", "write_workbook"]


def rows_for(
    agreement: Agreement, recipient: Recipient, contributors: Contributors
) -> list[tuple[Item, bool]]:
    """The items a recipient's workbook shows, each with whether its answers are editable."""
    return _RowIndex(agreement, contributors).rows(recipient)


class _RowIndex:
    """Every recipient's rows, found in one pass over the items."""

    def __init__(self, agreement: Agreement, contributors: Contributors) -> None:
        self.agreement = agreement
        self.by_centre: dict[str, list[tuple[int, Item, bool]]] = {}
        for position, item in enumerate(agreement.items):
            self.by_centre.setdefault(item.centre, []).append((position, item, True))
            if contributors is Contributors.NONE:
                continue
            for centre in item.contributors:
                if centre != item.centre:
                    entry = (position, item, contributors is Contributors.EDIT)
                    self.by_centre.setdefault(centre, []).append(entry)

    def rows(self, recipient: Recipient) -> list[tuple[Item, bool]]:
        if recipient.is_master:
            return [(item, True) for item in self.agreement.items]
        found = sorted(self.by_centre.get(recipient.name, []), key=lambda entry: entry[0])
        return [(item, editable) for _, item, editable in found]


def write_workbook(spec: WorkbookSpec) -> IssuedWorkbook:
    """Write one workbook in memory."""
    writer = BookWriter(spec)
    return writer.write(_RowIndex(writer.agreement, spec.contributors).rows(spec.recipient))


def write_round(specs: Sequence[WorkbookSpec], workers: int = 1) -> Iterator[IssuedWorkbook]:
    """Write the workbooks of one round, in order, sharing the work they have in common.

    The specs differ in recipient and issue id only: the rows are made once, from
    the first spec's definition, round and answers (ValueError otherwise). With
    workers > 1 the workbooks are written in that many processes; each
    workbook's bytes are the same either way.
    """
    if not all(_same_round(spec, specs[0]) for spec in specs[1:]):
        raise ValueError("write_round: the specs must differ in recipient and issue id only")
    rows = len(specs[0].definition.agreement.items) if specs else 0
    # Starting processes costs some 0.1 s: worth it only for large rounds.
    if workers > 1 and len(specs) >= 4 * workers and rows * len(specs) >= 50_000:
        with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(specs[0],)) as pool:
            jobs = [(spec.recipient, spec.issue_id) for spec in specs]
            # Small chunks keep the workers even: the master alone is as large as
            # all the centres' workbooks together.
            yield from pool.map(_write_in_worker, jobs, chunksize=4)
        return
    first: BookWriter | None = None
    index: _RowIndex | None = None
    for spec in specs:
        if first is None or index is None:
            writer = first = BookWriter(spec)
            index = _RowIndex(writer.agreement, spec.contributors)
        else:
            # The round's columns and row values are the same for every recipient.
            writer = BookWriter(spec, first.columns, first.row_cache)
        yield writer.write(index.rows(spec.recipient))


def _same_round(spec: WorkbookSpec, first: WorkbookSpec) -> bool:
    """True if a spec differs from the first in recipient and issue id at most."""
    return all(
        (mine := getattr(spec, name)) is (theirs := getattr(first, name)) or mine == theirs
        for name in _SHARED
    )


_SHARED = tuple(
    f.name for f in dataclasses.fields(WorkbookSpec) if f.name not in {"recipient", "issue_id"}
)


_worker: tuple[WorkbookSpec, _RowIndex, dict[str, tuple[list[str | float | None], float]]]


def _start_worker(base: WorkbookSpec) -> None:
    global _worker
    _worker = (base, _RowIndex(base.definition.agreement, base.contributors), {})


def _write_in_worker(job: tuple[Recipient, str]) -> IssuedWorkbook:
    base, index, cache = _worker
    spec = dataclasses.replace(base, recipient=job[0], issue_id=job[1])
    return BookWriter(spec, row_cache=cache).write(index.rows(spec.recipient))
