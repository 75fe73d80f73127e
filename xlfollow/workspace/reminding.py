"""A reminder's workbook: the centre's workbook of the round issued anew, with the answers
it has given so far, recorded as an issue so that its return merges against them.

It is written beside the round's workbooks, under a name of its own that says it is a
reminder's and when ('03-social-og-sundhed-runde-1-paamindelse-2026-12-02.xlsx'),
not over the centre's first workbook: that file is the one the ledger recorded (its
digest) and the centre was sent, and a copy of it filled in must still merge.
"""

from __future__ import annotations

import functools
from pathlib import Path

from xlfollow.danish import slug
from xlfollow.definition.ledgerplace import LedgerPlace
from xlfollow.files import write_atomically
from xlfollow.ledger.store import AnswerKey, ConflictRecord, IssueRecord, Ledger
from xlfollow.mail.letters import Delivery, mail_texts
from xlfollow.mail.mailing import Mailing, Reminding, conflicts_by_centre
from xlfollow.mail.receipts import check_server
from xlfollow.workbooks.writer import write_workbook
from xlfollow.workspace.issuing import Issuing, issue_record, issue_spec, recipients
from xlfollow.workspace.receipting import troubles_of

__all__ = ["reminder_workbook", "reminding_for"]


def reminding_for(
    mailing: Mailing, answers: dict[AnswerKey, str], conflicts: list[ConflictRecord]
) -> Reminding:
    """What a round's reminders list besides what is missing (open conflicts, values
    refused, files rejected) and, but in a dry run, each one's workbook issued anew
    with the answers so far."""
    definition, round_name = mailing.definition, mailing.round_name
    if mailing.how is Delivery.SMTP:
        check_server(mailing.smtp)  # before a workbook is issued for a letter that cannot go
    with Ledger(mailing.ledger_place) as ledger:
        since = min((issue.issued_at for issue in ledger.issues(round_name)), default="")
        troubles = troubles_of(ledger.receipts(), round_name, since)
    by_centre = conflicts_by_centre(definition, conflicts)
    if mailing.how is Delivery.DRY_RUN:
        return Reminding(by_centre, troubles)
    issuing = Issuing(definition, mailing.round_index, answers, actor=mailing.actor)
    word = mail_texts(definition.settings.language, mailing.path)["reminder_file"]
    fresh = functools.partial(
        reminder_workbook, mailing.path, mailing.ledger_place, issuing, word=word
    )
    return Reminding(by_centre, troubles, fresh)


def reminder_workbook(
    root: Path, ledger_place: LedgerPlace, issuing: Issuing, centre: str, word: str
) -> IssueRecord:
    """Write a centre's workbook of the round with the answers so far into outbox/round-N/
    of the workspace at root, named with `word` ('påmindelse') and the day, and record it."""
    definition, index = issuing.definition, issuing.round_index
    recipient = next(r for r in recipients(definition, index) if r.name == centre)
    spec = issue_spec(issuing, recipient)
    book = write_workbook(spec)
    folder = root / "outbox" / f"round-{index + 1}"
    stem = f"{Path(recipient.file_name).stem}-{slug(word)}-{issuing.issued_at:%Y-%m-%d}"
    file, number = folder / f"{stem}.xlsx", 2
    while file.exists():  # a second reminder the same day
        file, number = folder / f"{stem}-{number}.xlsx", number + 1
    folder.mkdir(parents=True, exist_ok=True)
    write_atomically(file, book.content)
    record = issue_record(spec, str(file.relative_to(root)), book.content)
    try:
        with Ledger(ledger_place, issuing.actor) as ledger:
            ledger.record_issue(record, book.cells, book.locked, book.earlier)
    except BaseException:
        file.unlink(missing_ok=True)  # a workbook the ledger does not know never merges
        raise
    return record
