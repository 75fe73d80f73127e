"""The Workspace's mail to the centres: each centre's workbook of a round (`send`), and
the reminders (`remind`), each with its workbook issued anew with the answers so far."""

from __future__ import annotations

from typing import TYPE_CHECKING, Unpack

from xlfollow.mail.letters import Delivery
from xlfollow.mail.mailing import (
    Mailing,
    MailReport,
    ServerOptions,
    remind_round,
    send_round,
    with_smtp,
)
from xlfollow.model import Definition, Progress, Smtp
from xlfollow.workspace.locking import changes_it
from xlfollow.workspace.master import round_index, round_status_of
from xlfollow.workspace.reminding import reminding_for

if TYPE_CHECKING:
    from xlfollow.workspace.folder import Workspace

__all__ = ["remind_centres", "send_round_mail"]


@changes_it("send")
def send_round_mail(  # noqa: PLR0913 (a Workspace method: `workspace` is its self)
    workspace: Workspace,
    round_text: str,
    how: Delivery = Delivery.EML,
    again: bool = False,
    smtp: Smtp | None = None,
    *,
    progress: Progress | None = None,
    **server: Unpack[ServerOptions],
) -> MailReport:
    """Each centre's workbook of a round, to its address: as .eml drafts in
    outbox/round-N/mail/ (how="eml"), through the mail server (how="smtp", each
    message recorded in the ledger; again=True to send a second time), or only
    said (how="dry-run"). The server is the settings' [smtp] table, or `smtp`,
    with any of host, port, security, user, sender given as keywords instead.
    `progress`, if given, is told (messages done, messages in all) after each."""
    definition = workspace.load()
    index = round_index(definition, round_text)
    mailing = _mailing(
        workspace, definition, index, how, smtp=smtp, progress=progress, server=server
    )
    return send_round(mailing, again)


@changes_it("remind")
def remind_centres(
    workspace: Workspace,
    round_text: str,
    how: Delivery = Delivery.EML,
    smtp: Smtp | None = None,
    *,
    progress: Progress | None = None,
    **server: Unpack[ServerOptions],
) -> MailReport:
    """A reminder to each centre with unanswered items or open conflicts in a round,
    listing them and its values refused and files rejected, its workbook issued anew
    with its answers so far attached; how and the server as for send."""
    definition = workspace.load()
    if how is not Delivery.DRY_RUN:
        workspace.merge_master_edits(definition)
    status, open_conflicts = round_status_of(workspace.ledger_place, definition, round_text)
    index = definition.agreement.rounds.index(status.round)
    mailing = _mailing(
        workspace, definition, index, how, smtp=smtp, progress=progress, server=server
    )
    reminding = reminding_for(mailing, workspace.answers(definition), open_conflicts)
    report = remind_round(mailing, status, reminding)
    if how is not Delivery.DRY_RUN:
        workspace.write_master(definition)
    return report


def _mailing(  # noqa: PLR0913 (the parts of a round's mail, as both commands take them)
    workspace: Workspace,
    definition: Definition,
    index: int,
    how: Delivery,
    *,
    smtp: Smtp | None,
    progress: Progress | None,
    server: ServerOptions,
) -> Mailing:
    """A round's mail through the settings' [smtp] server, or `smtp`, with what the
    command line gives instead (`server`, and who can sign in to Microsoft 365 at the
    terminal)."""
    return Mailing(
        workspace.path,
        workspace.ledger_place,
        definition,
        index,
        how,
        with_smtp(smtp or definition.settings.smtp, **server),
        progress,
        server.get("prompt"),
        workspace.actor,
    )
