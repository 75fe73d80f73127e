"""Messages that reach a workbook: every one has its Danish, and the master says it."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml
from cells import text

import xlfollow
from xlfollow.ledger.records import Verdict
from xlfollow.ledger.store import ReceiptRecord
from xlfollow.messages import Text, translations
from xlfollow.model import Language
from xlfollow.texts import texts
from xlfollow.workbooks.mastersheets import receipt_reason
from xlfollow.workspace.folder import Workspace

SOURCES = Path(xlfollow.__file__).parent


def templates() -> list[str]:
    """Every message template given to Text in xlfollow's source."""
    found = []
    for path in sorted(SOURCES.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Text":
                (template, *_) = node.args
                assert isinstance(template, ast.Constant), f"{path}: a template must be literal"
                found.append(str(template.value))
    return found


def test_every_message_has_its_danish_with_the_same_placeholders() -> None:
    found = templates()
    assert len(found) >= 35
    danish = translations(Language.DA)
    for template in found:
        assert template in danish, template
        placeholders = set(re.findall(r"\{(\w+)\}", template))
        assert set(re.findall(r"\{(\w+)\}", danish[template])) == placeholders, template
    assert set(danish) <= set(found)  # no translation of a message no longer given


def test_a_text_is_english_by_default_and_danish_on_request() -> None:
    text = Text("it holds {count} parts, more than a workbook does", count=3000)
    assert str(text) == "it holds 3000 parts, more than a workbook does"
    assert text.say(Language.DA) == "den indeholder 3000 dele, flere end en projektmappe gør"
    assert Text.from_json(text.to_json()) == text


def test_the_received_sheet_gives_reasons_in_the_workspace_language(tmp_path: Path) -> None:
    workspace = Workspace.init(tmp_path / "ws")
    workspace.issue("1")
    bad = Path(__file__).parent / "data" / "bad"
    for name in ("empty.xlsx", "old-excel.xls"):
        shutil.copy(bad / name, workspace.path / "inbox" / name)
    report = workspace.merge()
    assert [f.reason for f in report.files] == [  # the report stays English
        "the file is empty; send the workbook again",
        "an old .xls workbook; save it as .xlsx (Excel Workbook) and send it again",
    ]
    workspace.write_master()
    sheet = openpyxl.load_workbook(workspace.path / "master.xlsx")["Modtaget"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["inbox/empty.xlsx"][5:7] == ("afvist", "filen er tom; send projektmappen igen")
    assert text(rows["inbox/old-excel.xls"][6]).startswith("en gammel .xls-projektmappe")


def test_the_received_sheet_lists_a_taken_files_refusals_and_notes_at_most_twenty() -> None:
    refused = [Text("{where}: {what}", where=f"K{n}", what=Text("as issued")) for n in range(3, 28)]
    report = {"details_text": [t.to_json() for t in refused]}
    receipt = ReceiptRecord(
        1, "inbox/a.xlsx", "0" * 64, "", "x", "SoS", "R1", Verdict.ACCEPTED, "", ""
    )
    lines = receipt_reason(receipt, report, texts(Language.DA)).split("\n")
    assert lines[:2] == ["K3: som udsendt", "K4: som udsendt"]
    assert len(lines) == 21 and lines[-1] == "… og 5 mere af samme slags"
    # A receipt from before the reasons were kept as messages: its English, as it was.
    old = {"problems": [{"reason": "K3: not a smiley"}], "notes": ["a note"]}
    assert receipt_reason(receipt, old, texts(Language.DA)) == "K3: not a smiley\na note"


@pytest.mark.parametrize("name", ["messages.yaml", "texts.yaml", "help.yaml", "mail.yaml"])
def test_no_text_is_given_twice(name: str) -> None:
    # YAML keeps the last of two equal keys without a word: a text added twice would
    # silently replace the first.
    path = Path(__file__).parent.parent / "workbook_templates" / name
    root = yaml.compose(path.read_text(encoding="utf-8"))
    twice: list[str] = []

    def walk(node: yaml.Node) -> None:
        if isinstance(node, yaml.MappingNode):
            keys = [key.value for key, _ in node.value]
            twice.extend(key for key in set(keys) if keys.count(key) > 1)
            for _, value in node.value:
                walk(value)
        elif isinstance(node, yaml.SequenceNode):
            for child in node.value:
                walk(child)

    assert root is not None
    walk(root)
    assert twice == []
