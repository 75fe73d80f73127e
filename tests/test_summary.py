"""The summary: figures from the ledger, the master's summary sheets, and summary --json.

The Ballerup example is issued for two rounds; most centres answer both, in
varied ways, one centre never answers. Every figure in the sheets is checked
against a count made here, independently of xlfollow.figures.summary, from the
ledger's answers.
"""

from __future__ import annotations

import dataclasses
import json
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from cells import present, text
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from returns import R1, without_milestone
from test_roundtrip import agreements

from xlfollow.answers import Field
from xlfollow.budget import Budget, BudgetSeries
from xlfollow.cli.main import cli
from xlfollow.cli.terminal import Terminal
from xlfollow.definition.agreement import load_agreement
from xlfollow.definition.agreementwriter import write_agreement
from xlfollow.definition.fingerprint import fingerprint
from xlfollow.definition.years import agreement_year
from xlfollow.demo.simulate import answer_round
from xlfollow.figures.grouping import Grouping
from xlfollow.figures.summary import Summary, summarise
from xlfollow.ledger.store import Ledger
from xlfollow.model import Agreement, Chapter, Definition, Item, Kind, Language, Settings
from xlfollow.returns.reader import read_workbook
from xlfollow.texts import texts
from xlfollow.workbooks.spec import Recipient, WorkbookSpec
from xlfollow.workbooks.writer import write_workbook
from xlfollow.workspace.folder import Workspace

R2 = "2. budgetopfølgning 2018"
SILENT = "By, Erhverv og Miljø"
"""The centre that answers nothing."""
GLYPHS = {"met": "😊 Opfyldt", "partly": "😐 Delvist opfyldt", "not_met": "☹️ Ikke opfyldt"}
ECONOMY = {"kept": "😊 Overholdt", "not_kept": "☹️ Ikke overholdt"}


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory, new_ledger: Callable[[], str]) -> Workspace:
    """Two rounds issued and answered, the ledger on each engine in turn (conftest's
    ledger_engine)."""
    folder = tmp_path_factory.mktemp("summary") / "ws"
    workspace = Workspace.init(folder, "ballerup-2018", ledger=new_ledger())
    workspace.issue("1")
    answer_round(workspace, "1", seed=1, silent={SILENT})
    workspace.merge()
    workspace.issue("2")
    answer_round(workspace, "2", seed=2, silent={SILENT})
    workspace.merge()
    return workspace


def ledger_answers(workspace: Workspace) -> dict[tuple[str, str, Field], str]:
    with Ledger(workspace.ledger_place) as ledger:
        return ledger.answers()


def group(definition: Definition, item: Item, grouping: str) -> str:
    if grouping == "chapter":
        (chapter,) = [c for c in definition.agreement.chapters if c.number == item.chapter]
        return f"{chapter.number}. {chapter.title}"
    return {"centre": item.centre, "committee": item.committee, "kind": item.kind.value}[grouping]


def expected_counts(
    definition: Definition, answers: dict[tuple[str, str, Field], str], round_name: str
) -> dict[tuple[str, str, str, str], int]:
    """(table, grouping, group, state) -> count, counted here from the ledger."""
    counts: Counter[tuple[str, str, str, str]] = Counter()
    for item in definition.agreement.items:
        if not item.milestones.get(round_name):
            milestone = "no_milestone"  # whatever the ledger holds
        else:
            milestone = answers.get((round_name, item.number, Field.MILESTONE), "") or "unanswered"
        economy = answers.get((round_name, item.number, Field.ECONOMY), "") or "unanswered"
        for grouping in Grouping:
            name = group(definition, item, grouping)
            counts[("milestones", grouping, name, milestone)] += 1
            counts[(Field.ECONOMY, grouping, name, economy)] += 1
    return counts


SHARE_OF = {
    "opfyldt": "met",
    "delvist opfyldt": "partly",
    "ikke opfyldt": "not_met",
    "ikke besvaret": "unanswered",
    "overholdt": "kept",
    "ikke overholdt": "not_kept",
}
"""A share's header, 'Andel <state> af <whole>', by its state."""
SHARE_WHOLE = {"milestones": "rundens milepæle", "economy": "alle delelementer"}
"""What the shares of each table are of: the round's milestones; all items."""
STATE_OF_HEADER = {
    **{label: code for code, label in GLYPHS.items()},
    **{label: code for code, label in ECONOMY.items()},
    "Ikke besvaret": "unanswered",
    "Ingen milepæl": "no_milestone",
}
GROUPING_OF_WORD = {
    "kapitler": "chapter",
    "ansvarlige centre": "centre",
    "ansvarlige udvalg": "committee",
    "drift og anlæg": "kind",
}


def overview_tables(path: Path) -> dict[tuple[str, str, str, str], Any]:
    """The Overblik sheet's cached values: (table, grouping, group, header) -> value."""
    sheet = openpyxl.load_workbook(path, data_only=True)["Overblik"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    found: dict[tuple[str, str, str, str], Any] = {}
    index = 0
    while index < len(rows):
        title = rows[index][0]
        if (
            isinstance(title, str)
            and " fordelt på " in title
            and title.startswith(("Milep", "Smiley"))
        ):
            table = "milestones" if title.startswith("Milep") else Field.ECONOMY
            grouping = GROUPING_OF_WORD[title.rsplit(" fordelt på ", 1)[1]]
            header = rows[index + 1]
            index += 2
            while rows[index][0] != "I alt":
                for col, head in enumerate(header[1:], 1):
                    if head is not None:
                        found[(table, grouping, text(rows[index][0]), text(head))] = rows[index][
                            col
                        ]
                index += 1
            for col, head in enumerate(header[1:], 1):
                if head is not None:
                    found[(table, grouping, "I alt", text(head))] = rows[index][col]
        index += 1
    return found


def test_overview_figures_equal_a_count_from_the_ledger(merged: Workspace) -> None:
    definition = merged.load()
    counts = expected_counts(definition, ledger_answers(merged), R2)
    tables = overview_tables(merged.path / "master.xlsx")
    checked = shares = 0
    for (table, grouping, name, header), value in tables.items():
        state = STATE_OF_HEADER.get(header)
        if header == "Se":
            continue
        group_counts = {
            s: n for (t, g, gr, s), n in counts.items() if (t, g, gr) == (table, grouping, name)
        }
        if name == "I alt":  # the round's totals, in every grouping
            group_counts = Counter()
            for (t, g, _, s), n in counts.items():
                if (t, g) == (table, grouping):
                    group_counts[s] += n
        due = sum(n for s, n in group_counts.items() if s != "no_milestone")
        if state is not None:
            assert value == group_counts.get(state, 0), (table, grouping, name, header)
            checked += name != "I alt"
        elif header == "I alt":
            assert value == sum(group_counts.values())
        elif header == "Milepæle i runden":
            assert table == "milestones"
            assert value == due, (grouping, name)
        else:
            # A milestone's share is of the milestones due this round, an economy
            # smiley's of all items; the header says which.
            word, whole_of = header.removeprefix("Andel ").split(" af ")
            assert whole_of == SHARE_WHOLE[table], header
            whole = due if table == "milestones" else sum(group_counts.values())
            part = group_counts.get(SHARE_OF[word], 0)
            if whole:
                assert value == pytest.approx(part / whole), (grouping, name, header)
            else:  # nothing due: no share, rather than a share of 0 %
                assert value is None, (grouping, name, header)
            shares += 1
    # 8 chapters, 11 centres, 6 committees, 3 kinds; 5 + 3 states.
    assert checked == (8 + 11 + 6 + 3) * (5 + 3)
    # A share per state, none for "Ingen milepæl"; the total rows too.
    assert shares == (8 + 11 + 6 + 3 + 4) * (4 + 3)
    assert tables[("milestones", "chapter", "I alt", "Milepæle i runden")] == 109 - sum(
        n
        for (t, g, _, s), n in counts.items()
        if (t, g, s) == ("milestones", "chapter", "no_milestone")
    )
    # The totals of every grouping are the round's totals: 109 items each.
    for grouping in GROUPING_OF_WORD.values():
        assert tables[("milestones", grouping, "I alt", "I alt")] == 109
        assert tables[(Field.ECONOMY, grouping, "I alt", "I alt")] == 109
    # The staged silence shows: the silent centre has answered nothing.
    silent = {
        h: v for (t, g, n, h), v in tables.items() if (t, g, n) == (Field.ECONOMY, "centre", SILENT)
    }
    assert silent["😊 Overholdt"] == silent["☹️ Ikke overholdt"] == 0
    assert silent["Ikke besvaret"] > 0


def test_trend_has_one_column_per_round_so_far(merged: Workspace) -> None:
    definition = merged.load()
    answers = ledger_answers(merged)
    sheet = openpyxl.load_workbook(merged.path / "master.xlsx", data_only=True)["Overblik"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    top = next(n for n, row in enumerate(rows) if row[0] == "Milepæle pr. runde")
    assert rows[top + 1][:4] == ["Milepæl", R1, R2, None]
    for round_name, col in ((R1, 1), (R2, 2)):
        counts = expected_counts(definition, answers, round_name)
        for row in rows[top + 2 : top + 7]:
            state = STATE_OF_HEADER[text(row[0])]
            assert row[col] == sum(
                n
                for (table, grouping, _, s), n in counts.items()
                if (table, grouping, s) == ("milestones", "chapter", state)
            )


def expected_budget(
    definition: Definition, answers: dict[tuple[str, str, Field], str]
) -> dict[str, dict[str, float]]:
    """Per chapter, by the Økonomi sheet's headers: spending/savings per year, the
    spending and the savings at risk (each a size: a saving not achieved never offsets
    spending over budget), and the expected deviation."""
    out: dict[str, dict[str, float]] = {}
    year = agreement_year(definition.agreement)
    for item in definition.agreement.items:
        entry = out.setdefault(group(definition, item, "chapter"), defaultdict(float))
        for budget_year, amount in item.budget.items():
            entry[f"{'Udgift' if amount > 0 else 'Besparelse'} {budget_year}"] += amount
        if answers.get((R2, item.number, Field.ECONOMY)) == "not_kept":
            total = item.budget.get(year or 0, 0.0)
            if total > 0:
                entry[f"Udgift {year}, budget ikke overholdt"] += total
            else:
                entry[f"Besparelse {year}, ikke opnået"] += -total
        deviation = answers.get((R2, item.number, Field.DEVIATION))
        entry["Forventet afvigelse"] += float(deviation) if deviation else 0.0
    return out


def test_budget_figures_equal_a_sum_from_the_ledger(merged: Workspace) -> None:
    definition = merged.load()
    expected = expected_budget(definition, ledger_answers(merged))
    sheet = openpyxl.load_workbook(merged.path / "master.xlsx", data_only=True)["Økonomi"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    top = next(n for n, row in enumerate(rows) if row[0] == "Budget (mio. kr.) fordelt på kapitler")
    header = rows[top + 1]
    years = list(definition.agreement.budget_years)
    assert header[1:4] == [f"Udgift {years[0]}", f"Besparelse {years[0]}", f"Netto {years[0]}"]
    compared = 0
    for row in rows[top + 2 : top + 2 + len(expected)]:
        for col, head in enumerate(header):
            if head in ("Kapitel", "Se", None) or str(head).startswith("Netto"):
                continue
            assert row[col] == pytest.approx(expected[text(row[0])][text(head)], abs=1e-9), (
                row[0],
                head,
            )
            compared += 1
    assert compared == len(expected) * (2 * len(years) + 3)
    # Both kinds of money at risk occur, so both columns are checked.
    assert any(e["Udgift 2018, budget ikke overholdt"] for e in expected.values())
    assert any(e["Besparelse 2018, ikke opnået"] for e in expected.values())
    assert any(v for e in expected.values() for k, v in e.items() if k == "Forventet afvigelse")


def test_changes_and_missing(merged: Workspace) -> None:
    definition = merged.load()
    answers = ledger_answers(merged)
    book = openpyxl.load_workbook(merged.path / "master.xlsx")
    changes = [[c.value for c in row] for row in book["Ændringer"].iter_rows(min_row=4)]
    scale = {"met": 0, "partly": 1, "not_met": 2, "kept": 0, "not_kept": 1}
    expected = []
    for item in definition.agreement.items:
        for field in (Field.MILESTONE, Field.ECONOMY):
            before = answers.get((R1, item.number, field))
            now = answers.get((R2, item.number, field))
            if before and now and before != now:
                expected.append((item.number, scale[now] - scale[before]))
    assert len(changes) == len(expected) > 0
    steps = [
        int(text(row[6]).split("(")[1].split()[0]) * (1 if text(row[6]).startswith("Forv") else -1)
        for row in changes
    ]
    assert steps == sorted(steps, reverse=True)  # worst first
    assert sorted((row[0], s) for row, s in zip(changes, steps, strict=True)) == sorted(expected)
    # Each item number links to its row in its chapter sheet.
    link = book["Ændringer"]["A4"].hyperlink
    assert link is not None and link.location is not None

    missing = [[c.value for c in row] for row in book["Mangler"].iter_rows(min_row=4)]
    expected_missing = {
        item.number
        for item in definition.agreement.items
        if (item.milestones.get(R2) and not answers.get((R2, item.number, Field.MILESTONE)))
        or not answers.get((R2, item.number, Field.ECONOMY))
    }
    assert {row[2] for row in missing} == expected_missing
    silent = [row for row in missing if row[0] == SILENT]
    emails = {centre.name: centre.email for centre in definition.centres}
    assert silent and all(row[1] == emails[SILENT] for row in silent)


def test_charts_cover_the_tables(merged: Workspace) -> None:
    with zipfile.ZipFile(merged.path / "master.xlsx") as archive:
        charts = [
            archive.read(name).decode()
            for name in sorted(archive.namelist())
            if name.startswith("xl/charts/chart")
        ]
    # Milestones and economy by four groupings, and the budget by chapter.
    assert len(charts) == 9
    sheet = openpyxl.load_workbook(merged.path / "master.xlsx")["Overblik"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    first_table = next(
        n for n, row in enumerate(rows) if str(row[0]).endswith("fordelt på kapitler")
    )
    first, last = first_table + 3, first_table + 2 + 8  # eight chapters, 1-based rows
    chapter_chart = next(c for c in charts if "fordelt på kapitler" in c and "Milep" in c)
    assert f"Overblik!$A${first}:$A${last}" in chapter_chart  # categories
    for column in "BCDEF":  # the five milestone states
        assert f"Overblik!${column}${first}:${column}${last}" in chapter_chart


def test_summary_json_matches_the_sheets(merged: Workspace) -> None:
    result = CliRunner().invoke(cli, ["summary", str(merged.path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    definition = merged.load()
    counts = expected_counts(definition, ledger_answers(merged), R2)
    assert data["round"] == R2
    for table in ("milestones", Field.ECONOMY):
        for grouping in Grouping:
            for name, figures in data[table][grouping].items():
                for state, value in figures.items():
                    assert value == counts[(table, grouping, name, state)]
        assert sum(data[table]["total"].values()) == 109
    assert set(data["milestones"]["total"]) == {
        "met",
        "partly",
        "not_met",
        "unanswered",
        "no_milestone",
    }
    assert set(data["economy"]["total"]) == {"kept", "not_kept", "unanswered"}
    expected = expected_budget(definition, ledger_answers(merged))
    spending = sum(e["Udgift 2018, budget ikke overholdt"] for e in expected.values())
    savings = sum(e["Besparelse 2018, ikke opnået"] for e in expected.values())
    assert data["budget"]["at_risk_spending"] == pytest.approx(spending)
    assert data["budget"]["at_risk_savings"] == pytest.approx(savings)
    assert data["budget"]["at_risk"] == pytest.approx(spending + savings)
    assert data["budget"]["expected_deviation"] == pytest.approx(
        sum(e["Forventet afvigelse"] for e in expected.values())
    )
    for name, entry in data["budget"]["chapter"].items():
        for year, amounts in entry["years"].items():
            assert amounts["spending"] == pytest.approx(expected[name].get(f"Udgift {year}", 0))
            assert amounts["savings"] == pytest.approx(expected[name].get(f"Besparelse {year}", 0))
        risk = (
            expected[name]["Udgift 2018, budget ikke overholdt"],
            expected[name]["Besparelse 2018, ikke opnået"],
        )
        assert (entry["at_risk_spending"], entry["at_risk_savings"]) == pytest.approx(risk)
        assert entry["at_risk"] == pytest.approx(sum(risk))


def test_an_answer_where_there_is_no_milestone_counts_as_no_milestone(tmp_path: Path) -> None:
    workspace = Workspace.init(tmp_path / "ws", "ballerup-2018")
    closed = without_milestone(workspace.path, R1)
    assert {"4.12", "8.12"} <= closed and "4.12" not in without_milestone(workspace.path, R2)
    workspace.issue("1")
    # Answers a ledger from before these cells were locked may hold, and one that counts.
    with Ledger(workspace.ledger_place) as ledger:
        ledger.set_answers(
            [
                ((R1, "4.12", Field.MILESTONE), "met"),
                ((R1, "8.12", Field.MILESTONE), "not_met"),
                ((R1, "4.11", Field.MILESTONE), "met"),
                ((R2, "4.12", Field.MILESTONE), "not_met"),
            ],
            source="test",
        )
    summary = workspace.summary()
    total = summary.milestones.total
    assert total["no_milestone"] == len(closed) == 19
    assert (total["met"], total["not_met"]) == (1, 0)
    assert total["unanswered"] == 109 - 19 - 1
    chapter_4 = summary.milestones[Grouping.CHAPTER][
        "4. Sundhed, Ældre og Voksne med særlige behov"
    ]
    assert chapter_4["met"] == 1
    assert summary.trend[R1] == total
    # Mangler asks 4.12 and 8.12 for their economy smiley only.
    wanted = {m.item: m.fields for m in summary.missing}
    assert wanted["4.12"] == wanted["8.12"] == (Field.ECONOMY,)
    # The master's Overblik says the same, and its chapter sheet shows why.
    book = openpyxl.load_workbook(workspace.path / "master.xlsx", data_only=True)
    tables = overview_tables(workspace.path / "master.xlsx")
    assert tables[("milestones", "chapter", "I alt", "Ingen milepæl")] == 19
    assert tables[("milestones", "chapter", "I alt", "😊 Opfyldt")] == 1
    sheet = book["4. Sundhed, Ældre og Voksne…"]
    heads = {c.value: c.column for c in sheet[2] if c.value is not None}
    (row,) = [r for r in range(3, sheet.max_row + 1) if sheet.cell(r, 1).value == "4.12"]
    assert sheet.cell(row, heads[f"Smiley indsats – {R1}"]).value == "Ingen milepæl"
    # From round 1 (no milestone) to round 2 (not met) is no change.
    later = summarise(workspace.load(), 1, ledger_answers(workspace))
    assert [(c.item, c.field) for c in later.changes] == []
    assert later.milestones.total["not_met"] == 1


def test_summary_of_an_agreement_without_budget_figures_and_one_round(tmp_path: Path) -> None:
    workspace = Workspace.init(tmp_path / "ws")
    agreement_path = workspace.path / "agreement.yaml"
    agreement = load_agreement(agreement_path)
    items = tuple(dataclasses.replace(item, budget=Budget()) for item in agreement.items)
    write_agreement(dataclasses.replace(agreement, items=items), agreement_path)
    definition = workspace.load()
    workspace.issue("1")
    summary = summarise(definition, 0, {})
    assert summary.changes == ()
    assert definition.agreement.budget_years == ()
    assert summary.budget.total.years == {}
    path = workspace.write_master()
    assert path is not None
    book = openpyxl.load_workbook(path, data_only=True)
    assert book.sheetnames[1:5] == ["Overblik", "Økonomi", "Ændringer", "Mangler"]
    assert book["Ændringer"]["A3"].value.startswith("Første runde")


def write_master(
    summary: Summary,
    definition: Definition,
    answers: dict[tuple[str, str, Field], str],
    directory: Path,
) -> Path:
    """A master.xlsx with its summary sheets, written without a workspace."""
    spec = WorkbookSpec(
        definition,
        summary.round_index,
        Recipient("", "master", "master.xlsx"),
        "0" * 32,
        datetime(2026, 1, 1),
        answers,
        fingerprint=fingerprint(definition.agreement),
        master_sheets=True,
        summary=summary,
    )
    path = directory / "master.xlsx"
    path.write_bytes(write_workbook(spec).content)
    return path


# A small agreement whose figures are worked out by hand, below each test.
ROUND = "1. budgetopfølgning 2018"
HAND_ANSWERS = {
    (ROUND, "1.01", Field.MILESTONE): "met",
    (ROUND, "1.01", Field.ECONOMY): "not_kept",
    (ROUND, "1.02", Field.MILESTONE): "partly",
    (ROUND, "1.02", Field.ECONOMY): "not_kept",
    (ROUND, "2.01", Field.ECONOMY): "not_kept",
    (ROUND, "2.02", Field.MILESTONE): "met",
    (ROUND, "2.02", Field.ECONOMY): "kept",
}
"""1.01 spends 1,0 in 2018 and 1.02 saves 0,5: both not kept. 2.01 (no milestone this
round) spends 0,6 in anlæg and saves 0,2 in drift, 0,4 in all: not kept. 2.02 spends
2,0, kept; 2.03 saves 0,3, not answered."""


def hand_definition() -> Definition:
    """The agreement HAND_ANSWERS answers: two chapters, five items."""

    def item(number: str, budget: Budget, milestone: bool = True) -> Item:
        return Item(
            number=number,
            title=f"Delelement {number}",
            kind=Kind.DRIFT,
            chapter=number[0],
            centre="Social og Sundhed",
            committee="Økonomiudvalget",
            milestones={ROUND: "Milepæl."} if milestone else {},
            budget=budget,
        )

    items = (
        item("1.01", Budget.of({2018: 1.0, 2019: 2.0})),
        item("1.02", Budget.of({2018: -0.5, 2019: -3.0}, "Besparelse")),
        item(
            "2.01",
            Budget(
                [
                    BudgetSeries("Anlæg", {2018: 0.6}),
                    BudgetSeries("Drift", {2018: -0.2, 2019: -0.2}),
                ]
            ),
            milestone=False,
        ),
        item("2.02", Budget.of({2018: 2.0})),
        item("2.03", Budget.of({2018: -0.3})),
    )
    agreement = Agreement(
        title="Aftale om budget 2018",
        rounds=(ROUND, R2),
        centres=("Social og Sundhed",),
        committees=("Økonomiudvalget",),
        chapters=(Chapter("1", "Børn"), Chapter("2", "Ældre")),
        items=items,
        budget_period=(2018, 2019),
    )
    return Definition(agreement, Settings(language=Language.DA))


def test_at_risk_is_the_size_of_the_shortfall_spending_and_savings_apart() -> None:
    summary = summarise(hand_definition(), 0, HAND_ANSWERS)
    assert summary.budget_year == 2018
    total = summary.budget.total
    # Spending at risk: 1.01's 1,0 and 2.01's 0,4. Savings at risk: 1.02's 0,5, as a
    # size. A signed sum would give 1,0 - 0,5 + 0,4 = 0,9; kept 2.02 and unanswered
    # 2.03 do not count, nor 2019's amounts.
    assert total.at_risk_spending == pytest.approx(1.4)
    assert total.at_risk_savings == pytest.approx(0.5)
    assert total.at_risk == pytest.approx(1.9)
    children, elderly = (
        summary.budget[Grouping.CHAPTER]["1. Børn"],
        summary.budget[Grouping.CHAPTER]["2. Ældre"],
    )
    assert (children.at_risk_spending, children.at_risk_savings) == pytest.approx((1.0, 0.5))
    assert children.at_risk == pytest.approx(1.5)  # not 0,5
    assert (elderly.at_risk_spending, elderly.at_risk_savings) == pytest.approx((0.4, 0.0))
    data = summary.to_json()
    budget = data["budget"]
    assert isinstance(budget, dict)
    assert (budget["at_risk"], budget["at_risk_spending"], budget["at_risk_savings"]) == (
        pytest.approx(1.9),
        pytest.approx(1.4),
        pytest.approx(0.5),
    )
    assert budget["at_risk_year"] == 2018
    entry = budget["chapter"]["1. Børn"]
    assert (entry["at_risk"], entry["at_risk_spending"], entry["at_risk_savings"]) == (
        pytest.approx(1.5),
        pytest.approx(1.0),
        pytest.approx(0.5),
    )
    assert budget["total"]["at_risk"] == pytest.approx(1.9)


def sheet_rows(path: Path, name: str) -> list[list[Any]]:
    sheet = openpyxl.load_workbook(path, data_only=True)[name]
    return [[c.value for c in row] for row in sheet.iter_rows()]


def table_below(
    rows: list[list[Any]], title: str, header_offset: int = 1
) -> dict[str, dict[str, Any]]:
    """A table's rows by their first cell, each by header, under the heading `title`."""
    top = next(n for n, row in enumerate(rows) if row[0] == title)
    header = rows[top + header_offset]
    table = {}
    for row in rows[top + header_offset + 1 :]:
        if row[0] is None:
            break
        table[row[0]] = {h: v for h, v in zip(header, row, strict=True) if h is not None}
        if row[0] == "I alt":
            break
    return table


def test_the_master_shows_the_money_at_risk_apart(tmp_path: Path) -> None:
    definition = hand_definition()
    summary = summarise(definition, 0, HAND_ANSWERS)
    path = write_master(summary, definition, HAND_ANSWERS, tmp_path)
    table = table_below(sheet_rows(path, "Økonomi"), "Budget (mio. kr.) fordelt på kapitler")
    spending, savings = "Udgift 2018, budget ikke overholdt", "Besparelse 2018, ikke opnået"
    assert table["1. Børn"][spending] == pytest.approx(1.0)
    assert table["1. Børn"][savings] == pytest.approx(0.5)
    assert table["2. Ældre"][spending] == pytest.approx(0.4)
    assert table["2. Ældre"][savings] == 0
    assert table["I alt"][spending] == pytest.approx(1.4)
    assert table["I alt"][savings] == pytest.approx(0.5)
    # The agreement's figures themselves are unchanged: savings are negative there
    # (1.02's -0,5 and 2.03's -0,3; 2.01 counts by its total, +0,4).
    assert table["I alt"]["Besparelse 2018"] == pytest.approx(-0.8)
    formulas = openpyxl.load_workbook(path)["Økonomi"]
    header = next(r for r in formulas.iter_rows() if r[0].value == "Kapitel")
    column = next(c.column_letter for c in header if c.value == savings)
    formula = text(formulas[f"{column}{present(header[0].row) + 1}"].value)
    assert formula.startswith("=SUMPRODUCT(") and "<0)*-1," in formula


def test_milestone_shares_are_of_the_milestones_due_this_round(tmp_path: Path) -> None:
    definition = hand_definition()
    summary = summarise(definition, 0, HAND_ANSWERS)
    path = write_master(summary, definition, HAND_ANSWERS, tmp_path)
    rows = sheet_rows(path, "Overblik")
    milestones = table_below(rows, f"Milepæle i {ROUND} fordelt på kapitler")
    # Four of the five items have a milestone this round (2.01 has none): 1.01 and
    # 2.02 met, 1.02 partly met, 2.03 not answered.
    total = milestones["I alt"]
    assert total["I alt"] == 5
    assert total["Milepæle i runden"] == 4
    assert total["Andel opfyldt af rundens milepæle"] == pytest.approx(2 / 4)  # not 2/5
    assert total["Andel delvist opfyldt af rundens milepæle"] == pytest.approx(1 / 4)
    assert total["Andel ikke opfyldt af rundens milepæle"] == 0
    assert total["Andel ikke besvaret af rundens milepæle"] == pytest.approx(1 / 4)
    assert not [h for h in total if "ingen milepæl" in h.lower() and h.startswith("Andel")]
    elderly = milestones["2. Ældre"]
    assert (elderly["Milepæle i runden"], elderly["Andel opfyldt af rundens milepæle"]) == (
        2,
        pytest.approx(1 / 2),
    )
    # The economy's shares are of every item: each has an economy smiley each round.
    economy = table_below(rows, f"Smiley for økonomi i {ROUND} fordelt på kapitler")["I alt"]
    assert "Milepæle i runden" not in economy
    assert economy["Andel overholdt af alle delelementer"] == pytest.approx(1 / 5)
    assert economy["Andel ikke overholdt af alle delelementer"] == pytest.approx(3 / 5)
    assert economy["Andel ikke besvaret af alle delelementer"] == pytest.approx(1 / 5)
    # Live formulas: a share is the count over the milestones due, guarded for none.
    formulas = openpyxl.load_workbook(path)["Overblik"]
    header = next(r for r in formulas.iter_rows() if r[0].value == "Kapitel")
    due = next(c.column_letter for c in header if c.value == "Milepæle i runden")
    share = next(c for c in header if c.value == "Andel opfyldt af rundens milepæle")
    row = present(header[0].row) + 1
    assert (
        formulas.cell(row, present(share.column)).value
        == f'=IF(${due}{row}=0,"",B{row}/${due}{row})'
    )


def test_the_budget_sheet_lists_each_items_figures_with_its_series(tmp_path: Path) -> None:
    definition = hand_definition()
    summary = summarise(definition, 0, HAND_ANSWERS)
    path = write_master(summary, definition, HAND_ANSWERS, tmp_path)
    rows = sheet_rows(path, "Økonomi")
    top = next(n for n, row in enumerate(rows) if row[0] == "Budget pr. delelement (mio. kr.)")
    assert rows[top + 2][:4] == ["Delelement", "Serie", "2018", "2019"]
    listed = [row[:4] for row in rows[top + 3 :] if any(v is not None for v in row[:4])]
    assert listed == [
        ["1.01 Delelement 1.01", None, 1.0, 2.0],
        ["1.02 Delelement 1.02", "Besparelse", -0.5, -3.0],
        ["2.01 Delelement 2.01", "Anlæg", 0.6, None],
        [None, "Drift", -0.2, -0.2],
        [None, "I alt", pytest.approx(0.4), -0.2],
        ["2.02 Delelement 2.02", None, 2.0, None],
        ["2.03 Delelement 2.03", None, -0.3, None],
    ]
    # Plain values, formatted like the other amounts: the agreement's, not answers.
    sheet = openpyxl.load_workbook(path)["Økonomi"]
    cell = sheet.cell(top + 4, 3)
    assert cell.value == 1.0 and cell.number_format == "#,##0.000"


def test_summary_prints_the_money_at_risk_apart(capsys: pytest.CaptureFixture[str]) -> None:
    definition = hand_definition()
    summary = summarise(definition, 0, HAND_ANSWERS)
    scales = (definition.agreement.milestone_scale, definition.agreement.economy_scale)
    Terminal(Language.EN).summary(summary, scales)
    Terminal(Language.DA).summary(summary, scales)
    out = capsys.readouterr().out
    assert (
        "At risk in 2018 (economy not kept): 1.400 mio. kr. of spending and 0.500 mio. kr. "
        "of savings, 1.900 mio. kr. in all." in out
    )
    assert (
        "Økonomi ikke overholdt i 2018: 1,400 mio. kr. i udgifter og 0,500 mio. kr. i "
        "besparelser, i alt 1,900 mio. kr." in out
    )


@st.composite
def shaped_rounds(
    draw: st.DrawFn,
) -> tuple[Definition, int, dict[tuple[str, str, Field], str]]:
    """Any agreement with items, a round of it, and answers for it and the rounds before."""
    agreement = draw(agreements().filter(lambda a: bool(a.items)))
    definition = Definition(agreement, Settings(language=draw(st.sampled_from(Language))))
    round_index = draw(st.integers(0, len(agreement.rounds) - 1))
    answers: dict[tuple[str, str, Field], str] = {}
    for name in agreement.rounds[: round_index + 1]:
        for item in agreement.items:
            for field, scale in (
                (Field.MILESTONE, agreement.milestone_scale),
                (Field.ECONOMY, agreement.economy_scale),
            ):
                code = draw(st.sampled_from(("", *scale.codes)))
                if code:
                    answers[(name, item.number, field)] = code
            if draw(st.booleans()):
                answers[(name, item.number, Field.DEVIATION)] = repr(draw(st.floats(-10, 10)))
    return definition, round_index, answers


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(shaped=shaped_rounds())
def test_any_shape_of_agreement_is_summarised_and_shown(
    shaped: tuple[Definition, int, dict[tuple[str, str, Field], str]], tmp_path_factory: Any
) -> None:
    definition, round_index, answers = shaped
    agreement = definition.agreement
    summary = summarise(definition, round_index, answers)
    for table in (summary.milestones, summary.economy):
        total = table.total
        assert sum(total.values()) == len(agreement.items)
        for grouping in Grouping:
            for state, count in total.items():
                assert sum(g[state] for g in table[grouping].values()) == count
    assert list(summary.trend) == list(agreement.rounds[: round_index + 1])
    years = list(agreement.budget_years)
    assert sorted(summary.budget.total.years) == years
    path = write_master(summary, definition, answers, tmp_path_factory.mktemp("shape"))
    words = texts(definition.settings.language)
    book = openpyxl.load_workbook(path, data_only=True)
    overview = book[words["overview_sheet"]]
    # The first table is by chapter; its total row holds the round's totals.
    column_a = [overview.cell(r, 1).value for r in range(1, overview.max_row + 1)]
    total_row = column_a.index(words["total"]) + 1
    totals = [
        overview.cell(total_row, c).value for c in range(2, 2 + len(summary.milestones.total))
    ]
    assert totals == list(summary.milestones.total.values())
    with zipfile.ZipFile(path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 8 + (1 if years else 0)
    # A master with summary sheets reads back: the summary sheets are skipped.
    returned = read_workbook(path, agreement)
    assert returned.tampered == () and returned.missing == ()


def test_summary_before_any_round_is_issued_says_what_to_do(tmp_path: Path) -> None:
    Workspace.init(tmp_path / "ws")
    result = CliRunner().invoke(cli, ["summary", str(tmp_path / "ws")])
    assert result.exit_code == 1
    assert "no round has been issued yet; run xlfollow issue first" in result.output
    assert "Traceback" not in result.output


def test_summary_prints_the_headline_tables(merged: Workspace) -> None:
    result = CliRunner().invoke(cli, ["summary", str(merged.path), "--round", "1"])
    assert result.exit_code == 0, result.output
    assert f"Milestones, {R1}" in result.output
    counts = expected_counts(merged.load(), ledger_answers(merged), R1)
    met = sum(
        n for (t, g, _, s), n in counts.items() if (t, g, s) == ("milestones", "chapter", "met")
    )
    total_line = next(line for line in result.output.splitlines() if line.startswith("Total"))
    assert total_line.split()[1] == str(met)
    assert "master.xlsx" in result.output
