"""Write a new workspace's xlfollow.toml: every key commented, every round and
centre of its agreement listed."""

from __future__ import annotations

from xlfollow.danish import slug
from xlfollow.definition.settings import DEFAULT_AGREEMENT_FILE
from xlfollow.model import Agreement, default_code

__all__ = ["settings_template"]


def settings_template(agreement: Agreement, agreement_file: str = DEFAULT_AGREEMENT_FILE) -> str:
    """A commented xlfollow.toml for an agreement, with every round and centre listed."""
    out = [
        "# xlfollow settings: how this workspace runs the follow-up of the agreement.",
        "# The format is TOML; docs/formats.md describes every key.",
        "",
        "# The agreement file, relative to this folder.",
        f"agreement = {_quote(agreement_file)}",
        "",
        '# The language of the texts a centre reads in its workbook: "da" or "en".',
        'language = "da"',
        "",
        "# One table per follow-up round, named as in the agreement, with its deadline:",
        '# when the centres\' answers are due. Write 2018-04-05, or "5. april 2018".',
    ]
    for name in agreement.rounds:
        out += [f"[rounds.{_quote(name)}]", "# deadline = 2018-04-05", ""]
    out += [
        "# One table per responsible centre, named as in the agreement:",
        "# code    short name for file names (letters, digits, - and _)",
        "# email   where the centre's workbook is sent",
        "# aliases other spellings of the centre's name that should count as it",
    ]
    for name in agreement.centres:
        out += [
            f"[centres.{_quote(name)}]",
            f"code = {_quote(default_code(name))}",
            f"email = {_quote(slug(name) + '@example.org')}",
            "aliases = []",
            "",
        ]
    out += [
        "# The mail server for `xlfollow send --smtp` and `remind --smtp` (without it,",
        "# they write .eml drafts to open and send). The password is never kept here:",
        "# set the environment variable XLFOLLOW_SMTP_PASSWORD.",
        "# [smtp]",
        '# host = "smtp.example.org"',
        "# port = 587",
        '# security = "starttls"   # "tls" for port 465, "none" for a relay on port 25',
        '# user = "oekonomi"',
        '# sender = "oekonomi@example.org"',
        "",
        "# Microsoft 365 (no passwords): sign in with OAuth 2.0, then run `xlfollow signin`",
        "# once. IT gives the directory (tenant) and the app registration's client id.",
        "# [mail]",
        '# auth = "oauth2"',
        '# tenant = "example.org"',
        '# client_id = "00000000-0000-0000-0000-000000000000"',
        "",
        "# The mailbox the centres reply to, for `xlfollow fetch` (it saves each reply with",
        "# a workbook into inbox/ and merges). The password is never kept here: set the",
        "# environment variable XLFOLLOW_IMAP_PASSWORD. Messages are never deleted.",
        "# [imap]",
        '# host = "imap.example.org"',
        '# user = "budget@example.org"',
        '# folder = "Budgetopfølgning"   # default "INBOX"',
        '# move_to = "Budgetopfølgning/Hentet"   # optional: where fetched messages go',
        "",
        "# Who sends the follow-up, for the council's report's front page (xlfollow report).",
        "# [sender]",
        '# department = "Økonomi og Styring"',
        '# name = "Sascha Hjorth"',
        '# phone = "4024 1712"',
        '# email = "okonomi@example.org"',
        "",
        "# The council's report: its case number, and a Word template with the",
        "# municipality's letterhead and styles (report-template.docx in the workspace is",
        "# taken without this).",
        "# [report]",
        '# case_number = "00.30.00-S00-9-16"',
        '# template = "brevpapir.docx"',
        "",
    ]
    return "\n".join(out)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
