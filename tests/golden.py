"""Golden workbooks: the workbooks xlfollow issues, kept in tests/data/golden/ and
compared part by part after normalising, as XlsxWriter's own tests compare their
output with Excel's (its test/helperfunctions.py, `_compare_xlsx_files`).

Shared by scripts/make-golden-workbooks.py, which writes them on purpose when a
change to the workbooks is intended, and tests/test_golden.py, which writes them
anew and compares. Two runs differ only in what `normalised` replaces: the
document properties' dates, and the issue id, the moment of issue and xlfollow's
version, which the metadata sheet and the custom properties both carry.
"""

from __future__ import annotations

import difflib
import io
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from xlfollow.demo.simulate import answer_round
from xlfollow.workspace.folder import Workspace

GOLDEN = Path(__file__).resolve().parent / "data" / "golden"

SEED = 2018
"""The seed of the simulated answers merged before round 2 is issued."""

WORKBOOKS = {
    "small-centre-round-1.xlsx": ("small", "outbox/round-1/01-social-og-sundhed-runde-1.xlsx"),
    "small-master-round-1.xlsx": ("small", "outbox/round-1/master-runde-1.xlsx"),
    "ballerup-centre-round-1.xlsx": (
        "ballerup-2018",
        "outbox/round-1/03-social-og-sundhed-runde-1.xlsx",
    ),
    "ballerup-centre-round-2.xlsx": (
        "ballerup-2018",
        "outbox/round-2/03-social-og-sundhed-runde-2.xlsx",
    ),
}
"""Golden file name: (example, the issued file in its workspace). The Ballerup centre's
round 2 is issued after round 1's simulated answers are merged, so it shows them
locked beside round 2's empty cells."""

VOLATILE_PROPERTIES = ("xlfollow_issue_id", "xlfollow_issued_at", "xlfollow_tool_version")
"""Custom properties whose values differ from run to run (or version to version); the
same values are on the metadata sheet, as shared strings."""

_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")
_PROPERTY = re.compile(rb'<property [^>]*name="([^"]+)"[^>]*><vt:lpwstr>([^<]*)</vt:lpwstr>')


def issue_examples(folder: Path) -> dict[str, Path]:
    """Issue the examples' rounds in workspaces under folder, as a user does: the
    small example's round 1; the Ballerup example's round 1, answered (simulated,
    seeded), merged, then its round 2. The issued files by example name."""
    small = Workspace.init(folder / "small", "small")
    small.issue("1")
    ballerup = Workspace.init(folder / "ballerup-2018", "ballerup-2018")
    ballerup.issue("1")
    answer_round(ballerup, "1", seed=SEED)
    ballerup.merge()
    ballerup.issue("2")
    return {"small": small.path, "ballerup-2018": ballerup.path}


def golden_workbooks() -> dict[str, bytes]:
    """The golden workbooks as xlfollow writes them now, by golden file name."""
    with tempfile.TemporaryDirectory() as scratch:
        workspaces = issue_examples(Path(scratch))
        return {
            name: (workspaces[example] / issued).read_bytes()
            for name, (example, issued) in WORKBOOKS.items()
        }


def parts(content: bytes) -> dict[str, bytes]:
    """A workbook's zip members by name, in the zip's order."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def normalised(members: dict[str, bytes]) -> dict[str, str]:
    """Each part as text, with what varies between runs replaced by a fixed mark: the
    creation and modification dates of docProps/core.xml, and wherever they occur,
    the values of the volatile custom properties."""
    volatile: dict[bytes, bytes] = {}
    for name, value in _PROPERTY.findall(members.get("docProps/custom.xml", b"")):
        if name.decode() in VOLATILE_PROPERTIES and value:
            volatile[value] = b"{" + name + b"}"
    texts = {}
    for name, data in members.items():
        if name == "docProps/core.xml":
            data = _DATES.sub(rb"\1{date}\2", data)
        for value, mark in volatile.items():
            data = data.replace(value, mark)
        texts[name] = data.decode("utf-8")
    return texts


def elements(xml: str) -> list[str]:
    """An XML part as one element (or text) per line, so a diff shows what changed."""
    return re.sub(r">\s*<", ">\n<", xml).splitlines()


@dataclass(frozen=True)
class Difference:
    """Where a workbook differs from its golden file: the part, and the diff of it."""

    part: str
    diff: str

    def __str__(self) -> str:
        return f"{self.part}:\n{self.diff}"


def differences(golden: bytes, written: bytes, name: str, context: int = 40) -> list[Difference]:
    """The parts where written differs from golden after normalising, the zip's member
    list first; each with at most `context` lines of unified diff."""
    expected, actual = parts(golden), parts(written)
    if list(expected) != list(actual):
        diff = difflib.unified_diff(list(expected), list(actual), "golden", "written", lineterm="")
        return [Difference(f"{name}: the zip's member list", "\n".join(diff))]
    expected_texts, actual_texts = normalised(expected), normalised(actual)
    found = []
    for part, text in expected_texts.items():
        if text != actual_texts[part]:
            lines = difflib.unified_diff(
                elements(text),
                elements(actual_texts[part]),
                f"golden/{name}/{part}",
                f"written/{name}/{part}",
                lineterm="",
            )
            shown = list(lines)
            more = f"\n... {len(shown) - context} more lines" if len(shown) > context else ""
            found.append(Difference(f"{name}: {part}", "\n".join(shown[:context]) + more))
    return found
