"""Load and check xlfollow.toml: language, round deadlines, and the centres' codes and emails."""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

from xlfollow.danish import parse_date
from xlfollow.definition.ledgerplace import read_ledger_place
from xlfollow.definition.mailsettings import read_imap
from xlfollow.definition.signinsettings import read_mail_signin
from xlfollow.definition.tomlreader import TomlReader, table_name
from xlfollow.errors import Problems, ValueProblem, did_you_mean
from xlfollow.messages import Text
from xlfollow.model import (
    CODE_MAX,
    Agreement,
    Centre,
    Contributors,
    Language,
    ReportSettings,
    Round,
    Security,
    Sender,
    Settings,
    Smtp,
    default_code,
)

__all__ = [
    "DEFAULT_AGREEMENT_FILE",
    "SETTINGS_FILE",
    "agreement_file",
    "read_settings",
]

SETTINGS_FILE = "xlfollow.toml"
"""The settings' file in a workspace."""
DEFAULT_AGREEMENT_FILE = "agreement.yaml"

_TOP_KEYS = (
    "agreement",
    "language",
    "rounds",
    "centres",
    "workbooks",
    "smtp",
    "mail",
    "imap",
    "sender",
    "report",
    "ledger",
    "ledger_schema",
)
_SENDER_KEYS = ("department", "name", "phone", "email")
_REPORT_KEYS = ("case_number", "template")
_WORKBOOK_KEYS = ("contributors", "password", "reply_to")
_SMTP_KEYS = ("host", "port", "security", "user", "sender")
_SMTP_TEXTS = ("host", "user", "sender")
_ROUND_KEYS = ("deadline",)
_CENTRE_KEYS = ("code", "email", "aliases")
_CODE = re.compile(rf"[A-Za-z0-9][A-Za-z0-9_-]{{0,{CODE_MAX - 1}}}")
_EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")
_TOML_ERROR_LINE = re.compile(r"\(at line (\d+), column \d+\)")


def agreement_file(text: str) -> str:
    """The agreement file that settings text names; the default if it names none clearly."""
    try:
        name = tomllib.loads(text).get("agreement", DEFAULT_AGREEMENT_FILE)
    except tomllib.TOMLDecodeError:
        return DEFAULT_AGREEMENT_FILE
    return name if isinstance(name, str) and name.strip() else DEFAULT_AGREEMENT_FILE


def read_settings(text: str, problems: Problems, agreement: Agreement | None) -> Settings | None:
    """Read xlfollow.toml text, checking names against the agreement when there is one.

    Adds a problem for every mistake; the result is sound only if none was added.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_ERROR_LINE.search(str(exc))
        message = _TOML_ERROR_LINE.sub("", str(exc)).strip()
        # tomllib's own words for the mistake, which it gives in English only.
        problems.add(
            int(found.group(1)) if found else None,
            Text(
                "{what}; fix the TOML syntax (text in quotes, one `key = value` per line)",
                what=message,
            ),
        )
        return None
    return _SettingsReader(problems, text, agreement).read(data)


class _SettingsReader(TomlReader):
    def __init__(self, problems: Problems, text: str, agreement: Agreement | None) -> None:
        super().__init__(problems, text)
        self.agreement = agreement
        self._names: dict[str, dict[str, str]] = {}

    def read(self, data: dict[str, Any]) -> Settings:
        self.known_keys(data, (), _TOP_KEYS, Text("the settings"))
        read_ledger_place(data, self, Path("."))  # its problems said with the others
        agreement_file = data.get("agreement", DEFAULT_AGREEMENT_FILE)
        if not isinstance(agreement_file, str) or not agreement_file.strip():
            self.problem(
                ("agreement",), Text('agreement should be a file name like "agreement.yaml"')
            )
            agreement_file = DEFAULT_AGREEMENT_FILE
        language = self.one_of(
            ("language",),
            data.get("language", Language.DA),
            Language.DA,
            Text('language "{value}" should be "da" or "en"', value=str(data.get("language"))),
        )
        workbooks = self.table(data, "workbooks")
        self.known_keys(workbooks, ("workbooks",), _WORKBOOK_KEYS, table_name("workbooks"))
        contributors = self.one_of(
            ("workbooks", "contributors"),
            workbooks.get("contributors", Contributors.READ),
            Contributors.READ,
            Text(
                'contributors "{value}" should be "none", "read" (shown, locked) or "edit"',
                value=str(workbooks.get("contributors")),
            ),
        )
        texts = self.texts(workbooks, "workbooks", ("password", "reply_to"))
        return Settings(
            smtp=self._smtp(self.table(data, "smtp")),
            mail=read_mail_signin(self, self.table(data, "mail")),
            imap=read_imap(self, self.table(data, "imap")),
            agreement_file=agreement_file,
            language=language,
            rounds=self._rounds(self.table(data, "rounds")),
            centres=self._centres(self.table(data, "centres")),
            contributors=contributors,
            password=texts["password"],
            reply_to=texts["reply_to"],
            sender=self._sender(self.table(data, "sender")),
            report=self._report(self.table(data, "report")),
        )

    def _sender(self, table: dict[str, Any]) -> Sender:
        """The [sender] table: who in the finance department signs the follow-up."""
        self.known_keys(table, ("sender",), _SENDER_KEYS, table_name("sender"))
        texts = {
            k: " ".join(v.split()) for k, v in self.texts(table, "sender", _SENDER_KEYS).items()
        }
        if texts["email"] and not _EMAIL.fullmatch(texts["email"]):
            self.problem(
                ("sender", "email"),
                Text(
                    'the sender\'s email "{email}" is not one address like okonomi@kommune.dk',
                    email=texts["email"],
                ),
            )
        return Sender(**texts)

    def _report(self, table: dict[str, Any]) -> ReportSettings:
        """The [report] table: the council's report's case number and Word template."""
        self.known_keys(table, ("report",), _REPORT_KEYS, table_name("report"))
        texts = {k: v.strip() for k, v in self.texts(table, "report", _REPORT_KEYS).items()}
        if texts["template"] and not texts["template"].lower().endswith(".docx"):
            self.problem(
                ("report", "template"),
                Text(
                    'template "{file}" should be a Word document (.docx) in the workspace, '
                    'like "brevpapir.docx"; save a .dotx or .doc template as .docx in Word',
                    file=texts["template"],
                ),
            )
        return ReportSettings(**texts)

    def _smtp(self, table: dict[str, Any]) -> Smtp:
        """The [smtp] table: where mail goes out. The password is never read from here."""
        if "password" in table:
            self.problem(
                ("smtp", "password"),
                Text(
                    "the mail password is never kept in xlfollow.toml: remove it, and set the "
                    "environment variable XLFOLLOW_SMTP_PASSWORD (or the system keyring) instead"
                ),
            )
            table = {k: v for k, v in table.items() if k != "password"}
        self.known_keys(table, ("smtp",), _SMTP_KEYS, table_name("smtp"))
        texts = {k: v.strip() for k, v in self.texts(table, "smtp", _SMTP_TEXTS).items()}
        port = table.get("port", 0)
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            self.problem(
                ("smtp", "port"), Text("port {value} should be a number like 587", value=repr(port))
            )
            port = 0
        security = self.one_of(
            ("smtp", "security"),
            table.get("security", Security.STARTTLS),
            Security.STARTTLS,
            Text(
                'security "{value}" should be "starttls", "tls" (implicit, port 465) or "none"',
                value=str(table.get("security")),
            ),
        )
        return Smtp(texts["host"], port, security, texts["user"], texts["sender"])

    def _spellings(self, kind: str) -> dict[str, str]:
        """The agreement's rounds or centres by their names in any case, made once: a
        settings file names every centre, and an agreement may have hundreds."""
        if kind not in self._names:
            assert self.agreement is not None
            choices = self.agreement.rounds if kind == "round" else self.agreement.centres
            names: dict[str, str] = {}
            for choice in choices:
                names.setdefault(choice.casefold(), choice)
            self._names[kind] = names
        return self._names[kind]

    def _declared(self, kind: str, name: str, path: tuple[str, ...]) -> str | None:
        """The agreement's own spelling of a round or centre name, or None with a problem."""
        if self.agreement is None:
            return name
        choices = self.agreement.rounds if kind == "round" else self.agreement.centres
        found = self._spellings(kind).get(" ".join(name.split()).casefold())
        if found is not None:
            return found
        hint = did_you_mean(name, choices)
        if kind == "round":
            why = Text(
                'round "{name}" is not declared in the agreement.{hint} '
                "Use a name from its `rounds:` list, or declare it there.",
                name=name,
                hint=hint,
            )
        else:
            why = Text(
                'centre "{name}" is not declared in the agreement.{hint} '
                "Use a name from its `centres:` list, or declare it there.",
                name=name,
                hint=hint,
            )
        self.problem(path, why)
        return None

    def _rounds(self, table: dict[str, Any]) -> dict[str, Round]:
        rounds: dict[str, Round] = {}
        for name, value in table.items():
            path = ("rounds", name)
            declared = self._declared("round", name, path)
            if not isinstance(value, dict):
                self.problem(
                    path, Text('round "{name}" should be a table with a `deadline`', name=name)
                )
                continue
            self.known_keys(value, path, _ROUND_KEYS, Text('round "{name}"', name=name))
            deadline = self._deadline(value.get("deadline"), (*path, "deadline"), name)
            if declared is not None:
                rounds[declared] = Round(declared, deadline)
        if self.agreement is not None:
            ordered = [rounds.get(name, Round(name)) for name in self.agreement.rounds]
            self._deadlines_in_order(ordered)
            return {r.name: r for r in ordered}
        return rounds

    def _deadline(self, value: object, path: tuple[str, ...], name: str) -> date | None:
        if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
            return value
        if isinstance(value, str):
            try:
                return parse_date(value)
            except ValueProblem as exc:
                self.problem(path, Text('round "{name}": deadline {why}', name=name, why=exc.text))
                return None
        self.problem(
            path, Text('round "{name}": deadline should be a date like 2018-04-05', name=name)
        )
        return None

    def _deadlines_in_order(self, rounds: list[Round]) -> None:
        dated = [r for r in rounds if r.deadline is not None]
        for earlier, later in pairwise(dated):
            assert earlier.deadline is not None and later.deadline is not None
            if later.deadline < earlier.deadline:
                self.problem(
                    ("rounds", later.name),
                    Text(
                        'round "{name}" has its deadline {deadline} before that of '
                        'the earlier round "{earlier}" ({earlier_deadline}); check the dates',
                        name=later.name,
                        deadline=str(later.deadline),
                        earlier=earlier.name,
                        earlier_deadline=str(earlier.deadline),
                    ),
                )

    def _centres(self, table: dict[str, Any]) -> dict[str, Centre]:
        centres: dict[str, Centre] = {}
        for name, value in table.items():
            path = ("centres", name)
            declared = self._declared("centre", name, path)
            if not isinstance(value, dict):
                self.problem(
                    path, Text('centre "{name}" should be a table with code and email', name=name)
                )
                continue
            self.known_keys(value, path, _CENTRE_KEYS, Text('centre "{name}"', name=name))
            centre = self._centre(declared or name, value, path)
            if declared is not None and centre is not None:
                centres[declared] = centre
        if self.agreement is not None:
            for name in self.agreement.centres:
                centres.setdefault(name, Centre(name, default_code(name)))
            centres = {name: centres[name] for name in self.agreement.centres}
        self._unique(centres)
        return centres

    def _centre(self, name: str, value: dict[str, Any], path: tuple[str, ...]) -> Centre | None:
        code = value.get("code", default_code(name))
        if not isinstance(code, str) or not _CODE.fullmatch(code):
            self.problem(
                (*path, "code"),
                Text(
                    'centre "{name}": code "{code}" should be 1 to {max} letters, digits, - or _ '
                    "(it names the centre's workbook file)",
                    name=name,
                    code=str(code),
                    max=CODE_MAX,
                ),
            )
            return None
        email = value.get("email", "")
        if not isinstance(email, str) or (email and not _EMAIL.fullmatch(email.strip())):
            self.problem(
                (*path, "email"),
                Text(
                    'centre "{name}": email "{email}" is not one address like center@kommune.dk',
                    name=name,
                    email=str(email),
                ),
            )
            return None
        aliases = value.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            self.problem(
                (*path, "aliases"),
                Text(
                    'centre "{name}": aliases should be a list of names, like ["SoS", "Sundhed"]',
                    name=name,
                ),
            )
            return None
        folded = tuple(" ".join(alias.split()) for alias in aliases if alias.strip())
        return Centre(name, code, email.strip(), folded)

    def _unique(self, centres: dict[str, Centre]) -> None:
        codes: dict[str, str] = {}
        names: dict[str, str] = {name.casefold(): name for name in centres}
        for centre in centres.values():
            path = ("centres", centre.name)
            other = codes.setdefault(centre.code.casefold(), centre.name)
            if other != centre.name:
                self.problem(
                    (*path, "code"),
                    Text(
                        'centre "{name}" has the code "{code}" that "{other}" has '
                        "too; give each centre its own code",
                        name=centre.name,
                        code=centre.code,
                        other=other,
                    ),
                )
            for alias in centre.aliases:
                owner = names.setdefault(alias.casefold(), centre.name)
                if owner != centre.name:
                    self.problem(
                        (*path, "aliases"),
                        Text(
                            'centre "{name}": alias "{alias}" already names "{owner}"; '
                            "an alias must point to one centre only",
                            name=centre.name,
                            alias=alias,
                            owner=owner,
                        ),
                    )
