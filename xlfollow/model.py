"""The agreement (its chapters and items) and the workspace's settings (rounds,
centres, mail): plain data, no I/O. Its smiley scales are smileys.py's, an item's
budget budget.py's."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from xlfollow.budget import Budget
from xlfollow.danish import slug
from xlfollow.errors import ValueProblem
from xlfollow.messages import Language, Text
from xlfollow.scales import DEFAULT_ECONOMY_SCALE, DEFAULT_MILESTONE_SCALE, SmileyScale

__all__ = [
    "CODE_MAX",
    "Agreement",
    "Centre",
    "Chapter",
    "Contributors",
    "Definition",
    "Imap",
    "Item",
    "Kind",
    "Language",
    "MailSignIn",
    "Progress",
    "ReportSettings",
    "Round",
    "Security",
    "Sender",
    "Settings",
    "SignInFlow",
    "SignInMethod",
    "Smtp",
    "StatusNotes",
    "default_code",
]


class Kind(StrEnum):
    """Which budget an item belongs to, as the agreement writes it."""

    DRIFT = "Drift"
    ANLAEG = "Anlæg"
    ANLAEG_OG_DRIFT = "Anlæg og drift"


class Contributors(StrEnum):
    """What a centre's workbook shows of items it only contributes to."""

    NONE = "none"
    READ = "read"
    EDIT = "edit"


@dataclass(frozen=True)
class Chapter:
    """A chapter of the agreement; its items are those whose `chapter` is its number."""

    number: str
    title: str
    sheet: str | None = None
    """A sheet name chosen by the user; None derives one from number and title."""


@dataclass(frozen=True)
class StatusNotes:
    """The notes given for an item in one round: on the milestone and on the economy."""

    milestone: str = ""
    economy: str = ""


@dataclass(frozen=True)
class Item:
    """One political promise of the agreement (delelement), with its milestones."""

    number: str
    title: str
    kind: Kind
    chapter: str
    centre: str
    committee: str
    contributors: tuple[str, ...] = ()
    contributors_text: str = ""
    """The contributors as the agreement words them, where that is not simply their
    names ("De øvrige centre og sekretariater"); '' shows the names."""
    agreement_text: str = ""
    action_text: str = ""
    milestones: Mapping[str, str] = field(default_factory=dict)
    """Milestone text per round name; a round that is absent has no milestone."""
    economy_text: str = ""
    budget: Budget = field(default_factory=Budget)
    """Agreed money per series and year in mio. kr.; as a mapping, the total per year."""
    status: Mapping[str, StatusNotes] = field(default_factory=dict)
    """Notes already given per round name, as imported from a report."""

    def milestone(self, round_name: str) -> str:
        """The milestone text for a round, '' when the item has none then."""
        return self.milestones.get(round_name, "")


@dataclass(frozen=True)
class Agreement:
    """What was agreed: the content of agreement.yaml."""

    title: str
    rounds: tuple[str, ...]
    centres: tuple[str, ...]
    committees: tuple[str, ...]
    chapters: tuple[Chapter, ...]
    items: tuple[Item, ...]
    municipality: str = ""
    milestone_scale: SmileyScale = DEFAULT_MILESTONE_SCALE
    economy_scale: SmileyScale = DEFAULT_ECONOMY_SCALE
    budget_period: tuple[int, ...] = ()
    """The years the budget covers (the budget year and its overslagsår), in order;
    () when the agreement does not say, and the years with figures stand for it."""

    @property
    def budget_years(self) -> tuple[int, ...]:
        """The budget period's years, and any other year an item has a figure for."""
        figured = {year for item in self.items for year in item.budget}
        return tuple(sorted(figured.union(self.budget_period)))

    def items_of(self, centre: str) -> tuple[Item, ...]:
        """The items a centre is responsible for, in agreement order."""
        return tuple(item for item in self.items if item.centre == centre)


@dataclass(frozen=True)
class Round:
    """A follow-up round: its name as the agreement writes it, and its deadline."""

    name: str
    deadline: date | None = None


CODE_MAX = 40
"""The longest centre code; codes name the centres' workbook files."""


def default_code(name: str) -> str:
    """The code a centre gets when the settings give none: its name as ASCII, shortened."""
    return slug(name)[:CODE_MAX].rstrip("-") or "centre"


@dataclass(frozen=True)
class Centre:
    """A responsible centre: who answers, under which short code, at which address."""

    name: str
    code: str
    email: str = ""
    aliases: tuple[str, ...] = ()


class Security(StrEnum):
    """How the connection to a mail server is protected."""

    STARTTLS = "starttls"
    TLS = "tls"
    NONE = "none"


@dataclass(frozen=True)
class Smtp:
    """The mail server that sends the workbooks: the [smtp] table of xlfollow.toml.
    The password is never here: it comes from XLFOLLOW_SMTP_PASSWORD or the keyring."""

    host: str = ""
    port: int = 0
    """0: the usual port for the security (587, 465 or 25)."""
    security: Security = Security.STARTTLS
    user: str = ""
    sender: str = ""
    """The From address; without it, reply_to."""

    @property
    def port_or_default(self) -> int:
        """The port, or the usual one for the security."""
        defaults = {Security.STARTTLS: 587, Security.TLS: 465, Security.NONE: 25}
        return self.port or defaults[self.security]


class SignInMethod(StrEnum):
    """How xlfollow signs in to the mail server: with a password, or with an OAuth 2.0
    token (Microsoft 365)."""

    PASSWORD = "password"
    OAUTH2 = "oauth2"


class SignInFlow(StrEnum):
    """How an OAuth 2.0 token is got: a person signs in with a code shown at the
    terminal (device), or an app registered by IT signs in with its secret (app)."""

    DEVICE = "device"
    APP = "app"


class ReceiptMode(StrEnum):
    """Whether a merge (and a fetch) gives each file's sender a receipt, and how: none,
    as .eml drafts in outbox/receipts/, or sent through the mail server."""

    OFF = "off"
    EML = "eml"
    SMTP = "smtp"


@dataclass(frozen=True)
class MailSignIn:
    """How to sign in to the mail servers, and whether merges give receipts: the [mail]
    table of xlfollow.toml. The app's secret is never here: it comes from
    XLFOLLOW_CLIENT_SECRET or the keyring."""

    auth: SignInMethod = SignInMethod.PASSWORD
    tenant: str = ""
    """The Microsoft 365 directory (tenant): its domain, like "ballerup.dk", or its id."""
    client_id: str = ""
    """The application (client) id of the app registration in Entra ID."""
    flow: SignInFlow = SignInFlow.DEVICE
    receipts: ReceiptMode = ReceiptMode.OFF
    """A receipt to each file's sender after every merge, unless the command says not."""


@dataclass(frozen=True)
class Imap:
    """The mailbox the centres' replies come to: the [imap] table of xlfollow.toml.
    The password is never here: it comes from XLFOLLOW_IMAP_PASSWORD or the keyring."""

    host: str = ""
    port: int = 0
    """0: the usual port for the security (993, or 143 for starttls and none)."""
    security: Security = Security.TLS
    user: str = ""
    folder: str = "INBOX"
    """The folder read, as the mail program names it ("Budgetopfølgning")."""
    move_to: str = ""
    """A folder fetched messages are moved to; '' leaves them where they are."""

    @property
    def port_or_default(self) -> int:
        """The port, or the usual one for the security."""
        return self.port or (993 if self.security is Security.TLS else 143)


@dataclass(frozen=True)
class Sender:
    """Who in the finance department sends the follow-up: the [sender] table of
    xlfollow.toml, shown on the council's report's front page."""

    department: str = ""
    """The finance department's name, such as "Økonomi og Styring"."""
    name: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class ReportSettings:
    """The council's report: the [report] table of xlfollow.toml."""

    case_number: str = ""
    """The case the report is filed under (Sagsid), such as "00.30.00-S00-9-16"."""
    template: str = ""
    """A Word template (.docx) with the municipality's styles and letterhead, relative
    to the workspace; '' uses report-template.docx in the workspace if there is one,
    else the bundled one."""


@dataclass(frozen=True)
class Settings:
    """How a workspace runs the follow-up: the content of xlfollow.toml."""

    agreement_file: str = "agreement.yaml"
    language: Language = Language.DA
    rounds: Mapping[str, Round] = field(default_factory=dict)
    centres: Mapping[str, Centre] = field(default_factory=dict)
    contributors: Contributors = Contributors.READ
    """What a centre's workbook shows of items it only contributes to."""
    password: str = ""
    """Sheet protection password; '' protects without one."""
    reply_to: str = ""
    """Where centres send their workbooks, as the instructions say."""
    smtp: Smtp = field(default_factory=Smtp)
    mail: MailSignIn = field(default_factory=MailSignIn)
    imap: Imap = field(default_factory=Imap)
    sender: Sender = field(default_factory=Sender)
    report: ReportSettings = field(default_factory=ReportSettings)


@dataclass(frozen=True)
class Definition:
    """An agreement together with its workspace settings: everything a round needs."""

    agreement: Agreement
    settings: Settings

    @property
    def rounds(self) -> tuple[Round, ...]:
        """The agreement's rounds in order, with deadlines where the settings give one."""
        return tuple(self.settings.rounds.get(name, Round(name)) for name in self.agreement.rounds)

    def round_index(self, text: str) -> int:
        """The 0-based index of a round given by position ('1') or by name; ValueProblem if none."""
        names = self.agreement.rounds
        if text.strip().isdigit() and 1 <= int(text) <= len(names):
            return int(text) - 1
        for index, name in enumerate(names):
            if name.casefold() == " ".join(text.split()).casefold():
                return index
        listed = ", ".join(f'{n} ("{name}")' for n, name in enumerate(names, 1))
        raise ValueProblem(
            Text(
                '"{text}" is not a round; give its number or name: {listed}',
                text=text,
                listed=listed,
            )
        )

    @property
    def centres(self) -> tuple[Centre, ...]:
        """The agreement's centres in order, with code and email from the settings."""
        return tuple(
            self.settings.centres.get(name, Centre(name, default_code(name)))
            for name in self.agreement.centres
        )


Progress = Callable[[int, int], None]
"""Told (done, in all) as a command works through its files or messages."""
