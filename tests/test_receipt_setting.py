"""Receipts as the settings ask for them: `receipts` under [mail] gives every merge (and
every fetch, which merges) its receipts without --receipts; the command line wins."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import copied, round_one_issued
from returns import SMILEY, fill

from xlfollow.cli.main import cli
from xlfollow.mail.letters import Delivery
from xlfollow.mail.receipts import ReceiptRequest
from xlfollow.model import ReceiptMode
from xlfollow.workspace.folder import Workspace

SOS = "03-social-og-sundhed-runde-1.xlsx"


@pytest.mark.parametrize(
    ("setting", "asked", "as_eml", "expected"),
    [
        (ReceiptMode.OFF, None, None, None),
        (ReceiptMode.OFF, None, False, None),  # --smtp alone asks for no receipts
        (ReceiptMode.OFF, True, None, Delivery.EML),
        (ReceiptMode.OFF, True, False, Delivery.SMTP),
        (ReceiptMode.EML, None, None, Delivery.EML),
        (ReceiptMode.EML, None, False, Delivery.SMTP),
        (ReceiptMode.SMTP, None, None, Delivery.SMTP),
        (ReceiptMode.SMTP, None, True, Delivery.EML),
        (ReceiptMode.SMTP, False, None, None),
        (ReceiptMode.EML, False, True, None),
    ],
)
def test_the_command_line_wins_over_the_setting(
    setting: ReceiptMode, asked: bool | None, as_eml: bool | None, expected: Delivery | None
) -> None:
    assert ReceiptRequest(asked, as_eml).delivery(setting) is expected


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return round_one_issued(tmp_path_factory)


def with_receipts(issued: Workspace, tmp_path: Path, mode: str) -> Workspace:
    ws = copied(issued, tmp_path)
    with (ws.path / "xlfollow.toml").open("a", encoding="utf-8") as settings:
        settings.write(f'\n[mail]\nreceipts = "{mode}"\n')
    outbox = ws.path / "outbox" / "round-1"
    fill(outbox / SOS, ws.path / "inbox" / SOS, {("3.01", SMILEY): "😊 Opfyldt"})
    return ws


def test_the_setting_gives_a_merge_its_receipts_as_drafts(
    issued: Workspace, tmp_path: Path
) -> None:
    ws = with_receipts(issued, tmp_path, "eml")
    result = CliRunner().invoke(cli, ["merge", str(ws.path), "--json"])
    assert result.exit_code == 0, result.output
    receipts = json.loads(result.stdout)["receipts"]
    assert receipts["how"] == "eml"
    ((draft,),) = [[entry["draft_or_id"] for entry in receipts["done"]]]
    assert draft.startswith("outbox/receipts/receipt-") and draft.endswith(".eml")
    assert (ws.path / draft).is_file()


def test_no_receipts_on_the_command_line_overrides_the_setting(
    issued: Workspace, tmp_path: Path
) -> None:
    ws = with_receipts(issued, tmp_path, "eml")
    result = CliRunner().invoke(cli, ["merge", str(ws.path), "--json", "--no-receipts"])
    assert result.exit_code == 0, result.output
    assert "receipts" not in json.loads(result.stdout)
    assert not (ws.path / "outbox" / "receipts").exists()


def test_a_merge_with_nothing_new_says_no_receipt_was_due(
    issued: Workspace, tmp_path: Path
) -> None:
    ws = with_receipts(issued, tmp_path, "eml")
    assert CliRunner().invoke(cli, ["merge", str(ws.path)]).exit_code == 0
    again = CliRunner().invoke(cli, ["--language", "da", "merge", str(ws.path)])
    assert again.exit_code == 0, again.output
    assert "Kvitteringer: ingen, der kom ingen nye filer." in again.output
    assert len(list((ws.path / "outbox" / "receipts").glob("*.eml"))) == 1
