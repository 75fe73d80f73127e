"""The agreement, its rounds, centres and smiley scales: plain data, no I/O."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from xlfollow.danish import parse_amount, slug
from xlfollow.errors import ValueProblem
from xlfollow.messages import Language, Text

__all__ = [
    "CODE_MAX",
    "DEFAULT_ECONOMY_SCALE",
    "DEFAULT_MILESTONE_SCALE",
    "Agreement",
    "Budget",
    "BudgetSeries",
    "Centre",
    "Chapter",
    "Contributors",
    "Definition",
    "Item",
    "Kind",
    "Language",
    "Progress",
    "Round",
    "Security",
    "Settings",
    "SmileyScale",
    "SmileyStep",
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
class SmileyStep:
    """One step of a smiley scale: a stable code, what it looks like, what it means."""

    code: str
    glyph: str
    colour: str
    label_da: str
    label_en: str
    definition_da: str = ""
    definition_en: str = ""

    def label(self, language: Language) -> str:
        """The short label in the given language."""
        return self.label_da if language is Language.DA else self.label_en

    def definition(self, language: Language) -> str:
        """The reading guide's definition in the given language."""
        return self.definition_da if language is Language.DA else self.definition_en


@dataclass(frozen=True)
class SmileyScale:
    """An ordered scale of smileys, best first."""

    name: str
    steps: tuple[SmileyStep, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """The step codes, best first."""
        return tuple(step.code for step in self.steps)

    def step(self, code: str) -> SmileyStep:
        """The step with this code; KeyError if there is none."""
        for step in self.steps:
            if step.code == code:
                return step
        raise KeyError(code)


# The scales of the reading guide (Læsevejledning) in the Ballerup 2018 report.
# The codes are fixed: summaries and the JSON output count by them.
DEFAULT_MILESTONE_SCALE = SmileyScale(
    "milestone",
    (
        SmileyStep(
            "met",
            "😊",
            "#63BE7B",
            "Opfyldt",
            "Met",
            "Milepæl er opfyldt",
            "The milestone is met",
        ),
        SmileyStep(
            "partly",
            "😐",
            "#FFD966",
            "Delvist opfyldt",
            "Partly met",
            "Milepæl er ikke fuldt opfyldt, men det er fortsat realistisk, "
            "at det samlede mål for året opnås",
            "The milestone is not fully met, but the year's goal is still realistic",
        ),
        SmileyStep(
            "not_met",
            "☹️",
            "#F8696B",
            "Ikke opfyldt",
            "Not met",
            "Milepæl er ikke opfyldt, og det er ikke realistisk at opfylde milepæl "
            "inden for perioden under givende forudsætninger",
            "The milestone is not met, and meeting it within the period is not realistic "
            "on the present assumptions",
        ),
    ),
)

DEFAULT_ECONOMY_SCALE = SmileyScale(
    "economy",
    (
        SmileyStep(
            "kept",
            "😊",
            "#63BE7B",
            "Overholdt",
            "Kept",
            "Budget er overholdt/Besparelse er opnået",
            "The budget is kept / the saving is achieved",
        ),
        SmileyStep(
            "not_kept",
            "☹️",
            "#F8696B",
            "Ikke overholdt",
            "Not kept",
            "Budget ikke overholdt/Den forventede besparelse opnås ikke i indeværende periode",
            "The budget is not kept / the expected saving is not achieved in this period",
        ),
    ),
)


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
class BudgetSeries:
    """One stream of an item's money, as the agreement states it: amounts per year in
    mio. kr., negative for a saving. `name` says what it is ("Anlæg", "Drift",
    "Besparelse"); an item's only series may have none."""

    name: str
    amounts: Mapping[int, float]


class Budget(Mapping[int, float]):
    """An item's agreed money: its series, and as a mapping the total per year.

    The total of a year is the sum of every series' amount for it, so an item with
    10 in anlæg and -0,8 in drift in 2019 counts 9,2 that year. Totals are rounded
    to six decimals (0,1 + 0,2 is 0,3, not 0,30000000000000004).
    """

    __slots__ = ("_total", "series")

    def __init__(self, series: Iterable[BudgetSeries] = ()) -> None:
        # Copied: a caller's dict changed later changes neither the series nor the totals.
        self.series: tuple[BudgetSeries, ...] = tuple(
            BudgetSeries(s.name, dict(s.amounts)) for s in series if s.amounts
        )
        total: dict[int, float] = {}
        for one in self.series:
            for year, amount in one.amounts.items():
                total[year] = total.get(year, 0.0) + amount
        self._total = {year: round(total[year], 6) for year in sorted(total)}

    @classmethod
    def of(cls, amounts: Mapping[int, float], name: str = "") -> Budget:
        """A budget of one series."""
        return cls([BudgetSeries(name, dict(amounts))])

    @classmethod
    def from_data(cls, data: Mapping[object, object]) -> Budget:
        """A budget as agreement.yaml writes it, once read as plain data: years and
        amounts (one series), or series by name, each with years and amounts."""

        def amounts(years: Mapping[object, object]) -> dict[int, float]:
            return {
                int(str(y)): float(a) if isinstance(a, int | float) else parse_amount(str(a))
                for y, a in years.items()
            }

        if all(isinstance(value, Mapping) for value in data.values()) and data:
            return cls(
                BudgetSeries(str(name), amounts(years))
                for name, years in data.items()
                if isinstance(years, Mapping)
            )
        return cls.of(amounts(data))

    def data(self) -> dict[object, object]:
        """The budget as plain data for agreement.yaml: `from_data` reads it back."""
        if not self.named:
            return {year: amount for one in self.series for year, amount in one.amounts.items()}
        return {one.name: dict(one.amounts) for one in self.series}

    def __getitem__(self, year: int) -> float:
        return self._total[year]

    def __iter__(self) -> Iterator[int]:
        return iter(self._total)

    def __len__(self) -> int:
        return len(self._total)

    def __eq__(self, other: object) -> bool:
        """Two budgets are equal when their series are; a budget equals a plain mapping
        of years to amounts when its totals do."""
        if isinstance(other, Budget):
            return [(s.name, dict(s.amounts)) for s in self.series] == [
                (s.name, dict(s.amounts)) for s in other.series
            ]
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Budget({list(self.series)!r})"

    @property
    def named(self) -> bool:
        """Whether the series are told apart by name (more than one, or one with a name)."""
        return len(self.series) > 1 or any(one.name for one in self.series)


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
