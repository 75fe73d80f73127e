"""A ledger on a network drive or in a synced folder: found by the mount table (faked
here, as Linux, macOS and Windows give it), the drive's type or the sync client's
folder; kept there with SQLite's rollback journal, not WAL; and said by every command."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from xlfollow.cli.main import cli
from xlfollow.ledger.dialect import Engine
from xlfollow.ledger.journal import ledger_place, use_journal
from xlfollow.ledger.mounts import Mount, mount_of, mountinfo_mounts
from xlfollow.ledger.placement import Machine, Place, PlaceKind, place_of
from xlfollow.ledger.store import Ledger
from xlfollow.messages import Language
from xlfollow.workspace.folder import Workspace

LEDGER_ENGINES = (Engine.SQLITE,)
"""Where SQLite's file is (a network drive, a synced folder) and its journal there;
a ledger on a server has no such place."""

# A Linux machine's /proc/self/mountinfo: the root on ext4, a container's overlay, an
# SMB share with a folder of a local disk mounted inside it, an NFS export mounted
# by autofs (the automount point first, the export over it), and a share whose
# mount point has spaces (the kernel writes a space as \040).
MOUNTINFO = r"""22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
23 22 0:21 / /proc rw,nosuid shared:12 - proc proc rw
30 22 0:45 / /var/lib/docker/overlay2/abc/merged rw - overlay overlay rw,lowerdir=/l
40 22 0:50 / /mnt/fælles rw,relatime shared:30 - cifs //filserver/faelles rw,vers=3.1.1
41 40 8:2 / /mnt/fælles/lokal rw,relatime shared:31 - ext4 /dev/sda2 rw
50 22 0:60 / /net/okonomi rw,relatime shared:40 - autofs systemd-1 rw
51 50 0:61 / /net/okonomi rw,relatime shared:41 - nfs4 nas:/export/okonomi rw,vers=4.2
60 22 0:70 / /media/Økonomi\040og\040Styring rw,relatime - smb3 //srv/Økonomi\040og\040Styring rw
"""

LINUX = Machine(platform="linux", mount_table=lambda: MOUNTINFO)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/mnt/fælles/budget2018/ledger.sqlite", Place(PlaceKind.SMB, "/mnt/fælles", "cifs")),
        ("/mnt/fælles", Place(PlaceKind.SMB, "/mnt/fælles", "cifs")),
        ("/net/okonomi/ws/ledger.sqlite", Place(PlaceKind.NFS, "/net/okonomi", "nfs4")),
        (
            "/media/Økonomi og Styring/budget/ledger.sqlite",
            Place(PlaceKind.SMB, "/media/Økonomi og Styring", "smb3"),
        ),
        ("/mnt/fælles/lokal/ws/ledger.sqlite", None),  # a local disk mounted in the share
        ("/mnt/fællesskab/ws/ledger.sqlite", None),  # a name that only starts like it
        ("/home/kbj/budget2018/ledger.sqlite", None),  # ext4
        ("/var/lib/docker/overlay2/abc/merged/ws/ledger.sqlite", None),  # overlay
    ],
)
def test_a_linux_place_is_found_by_its_mounts_filesystem(path: str, expected: Place | None) -> None:
    assert place_of(path, LINUX) == expected


def test_macos_network_volumes_are_found_in_mounts_output() -> None:
    table = (
        "/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)\n"
        "//kbj@filserver/Fælles Drev on /Volumes/Fælles Drev (smbfs, nodev, nosuid, "
        "mounted by kbj)\n"
        "nas:/export/okonomi on /Volumes/okonomi (nfs, asynchronous)\n"
        "https://dav.example.dk/ on /Volumes/dav.example.dk (webdav, nodev, nosuid)\n"
    )
    mac = Machine(platform="darwin", mount_table=lambda: table)
    assert place_of("/Volumes/Fælles Drev/ws/ledger.sqlite", mac) == Place(
        PlaceKind.SMB, "/Volumes/Fælles Drev", "smbfs"
    )
    assert place_of("/Volumes/okonomi/ledger.sqlite", mac) == Place(
        PlaceKind.NFS, "/Volumes/okonomi", "nfs"
    )
    assert place_of("/Volumes/dav.example.dk/ledger.sqlite", mac) == Place(
        PlaceKind.NETWORK, "/Volumes/dav.example.dk", "webdav"
    )
    assert place_of("/Users/kbj/budget/ledger.sqlite", mac) is None


def test_windows_unc_paths_and_mapped_network_drives() -> None:
    asked: list[str] = []

    def drive_type(root: str) -> int:
        asked.append(root)
        return {"Z:\\": 4, "C:\\": 3}.get(root, 0)  # DRIVE_REMOTE, DRIVE_FIXED

    windows = Machine(platform="win32", drive_type=drive_type)
    unc = place_of(r"\\filserver\faelles\budget2018\ledger.sqlite", windows)
    assert unc == Place(PlaceKind.REMOTE_DRIVE, r"\\filserver\faelles")
    long_unc = place_of(r"\\?\UNC\filserver\faelles\ws\ledger.sqlite", windows)
    assert long_unc == Place(PlaceKind.REMOTE_DRIVE, r"\\filserver\faelles")
    assert asked == []  # a UNC path needs no drive type
    assert place_of(r"Z:\budget2018\ledger.sqlite", windows) == Place(PlaceKind.REMOTE_DRIVE, "Z:")
    assert place_of(r"C:\Users\kbj\budget2018\ledger.sqlite", windows) is None
    assert asked == ["Z:\\", "C:\\"]


def test_onedrive_is_found_by_its_variables_and_its_folder_names() -> None:
    environ = {"OneDriveCommercial": r"D:\Sky\Ballerup"}
    windows = Machine(platform="win32", environ=environ)
    assert place_of(r"d:\sky\ballerup\budget\ledger.sqlite", windows) == Place(
        PlaceKind.ONEDRIVE, r"D:\Sky\Ballerup"
    )
    assert place_of(r"D:\Sky\Andet\ledger.sqlite", windows) is None
    named = r"C:\Users\kbj\OneDrive - Ballerup Kommune\budget\ledger.sqlite"
    assert place_of(named, Machine(platform="win32")) == Place(
        PlaceKind.ONEDRIVE, r"C:\Users\kbj\OneDrive - Ballerup Kommune"
    )
    mac = Machine(platform="darwin")
    cloud = "/Users/kbj/Library/CloudStorage/OneDrive-BallerupKommune/budget/ledger.sqlite"
    assert place_of(cloud, mac) == Place(
        PlaceKind.ONEDRIVE, "/Users/kbj/Library/CloudStorage/OneDrive-BallerupKommune"
    )


@pytest.mark.parametrize(
    ("folders", "marker", "kind", "synced_folder"),
    [
        ("OneDrive/Økonomi/budget", None, PlaceKind.ONEDRIVE, "OneDrive"),
        ("Dropbox-ish/Økonomi/budget", ".dropbox", PlaceKind.DROPBOX, "Dropbox-ish"),
        ("Delt/Økonomi/budget", ".dropbox.cache", PlaceKind.DROPBOX, "Delt"),
        ("Google/My Drive/budget", None, PlaceKind.GOOGLE_DRIVE, "Google/My Drive"),
        ("Google/Min drev/budget", None, PlaceKind.GOOGLE_DRIVE, "Google/Min drev"),
        (
            "G/.shortcut-targets-by-id/1AbC/budget",
            None,
            PlaceKind.GOOGLE_DRIVE,
            "G/.shortcut-targets-by-id",
        ),
        (
            "Library/Mobile Documents/com~apple~CloudDocs/budget",
            None,
            PlaceKind.ICLOUD,
            "Library/Mobile Documents",
        ),
    ],
)
def test_synced_folders_are_found_by_their_markers(
    tmp_path: Path, folders: str, marker: str | None, kind: PlaceKind, synced_folder: str
) -> None:
    workspace = tmp_path / folders
    workspace.mkdir(parents=True)
    if marker is not None:
        (tmp_path / synced_folder / marker).mkdir()
    here = Machine(platform=sys.platform)
    found = place_of(workspace / "ledger.sqlite", here)
    assert found == Place(kind, str((tmp_path / synced_folder).resolve()))
    assert found.kind.synced


def test_a_plain_local_folder_is_no_such_place(tmp_path: Path) -> None:
    (tmp_path / "budget").mkdir()
    (tmp_path / "budget" / "dropbox-notes.txt").write_text("not a marker")
    assert place_of(tmp_path / "budget" / "ledger.sqlite", Machine(platform=sys.platform)) is None


@given(st.text(alphabet="abæøå Å\t\\/-", min_size=1, max_size=20))
def test_a_mount_point_reads_back_as_the_kernel_escapes_it(name: str) -> None:
    point = "/mnt/" + name
    escaped = "".join(f"\\{ord(c):03o}" if c in " \t\n\\" else c for c in point)
    line = f"40 22 0:50 / {escaped} rw shared:30 - cifs //srv/share rw\n"
    assert mountinfo_mounts(line) == [Mount(point, "cifs", "//srv/share")]


@given(st.lists(st.sampled_from(["/", "/a", "/a/b", "/ab", "/a/b/c", "/x"]), min_size=1))
def test_the_mount_holding_a_path_is_the_longest_point_it_is_under(points: list[str]) -> None:
    mounts = [Mount(point, f"fs{index}") for index, point in enumerate(points)]
    found = mount_of("/a/b/file", mounts)
    holding = [m for m in mounts if m.point in ("/", "/a", "/a/b")]
    if not holding:
        assert found is None
    else:
        longest = max(len(m.point) for m in holding)
        assert found == [m for m in holding if len(m.point) == longest][-1]


def _journal(ledger: Path) -> str:
    with closing(sqlite3.connect(ledger)) as db:
        return str(db.execute("PRAGMA journal_mode").fetchone()[0])


def _rows(ledger: Path) -> dict[str, int]:
    with closing(sqlite3.connect(ledger)) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def _share(tmp_path: Path) -> Machine:
    """This machine, with tmp_path/share mounted from an SMB server."""
    share = str((tmp_path / "share").resolve()).replace(" ", "\\040")
    table = f"22 1 8:1 / / rw - ext4 /dev/sda1 rw\n40 22 0:50 / {share} rw - cifs //srv/x rw\n"
    return Machine(platform=sys.platform, mount_table=lambda: table)


def test_a_ledger_on_a_network_drive_uses_the_rollback_journal(tmp_path: Path) -> None:
    machine = _share(tmp_path)
    for folder in ("share", "local"):
        (tmp_path / folder).mkdir()
        with closing(sqlite3.connect(tmp_path / folder / "ledger.sqlite")) as db:
            assert use_journal(db, tmp_path / folder / "ledger.sqlite", machine) in (
                "delete",
                "wal",
            )
    assert _journal(tmp_path / "share" / "ledger.sqlite") == "delete"
    assert _journal(tmp_path / "local" / "ledger.sqlite") == "wal"


def test_a_wal_ledger_moved_to_a_share_is_switched_and_keeps_every_row(tmp_path: Path) -> None:
    workspace = Workspace.init(tmp_path / "local" / "ws")
    workspace.issue("1")
    ledger = workspace.ledger_path
    before = _rows(ledger)
    assert before["issues"] > 0
    # Rows still in the write-ahead log when the folder is copied (nothing checkpointed).
    writer = sqlite3.connect(ledger)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    with writer:
        writer.execute("INSERT INTO meta VALUES ('moved', 'yes')")
    moved = tmp_path / "share" / "ws"
    shutil.copytree(workspace.path, moved)
    writer.close()
    assert (moved / "ledger.sqlite-wal").stat().st_size > 0
    machine = _share(tmp_path)
    other = sqlite3.connect(moved / "ledger.sqlite")  # somebody else has it open
    other.execute("SELECT count(*) FROM meta").fetchone()
    held = ledger_place(moved / "ledger.sqlite", machine)
    assert held is not None and held.still_wal and not held.switched
    assert "still in WAL mode" in str(held.warning())
    other.close()
    found = ledger_place(moved / "ledger.sqlite", machine)
    assert found is not None and found.switched and not found.still_wal
    assert found.place == Place(PlaceKind.SMB, str((tmp_path / "share").resolve()), "cifs")
    assert _journal(moved / "ledger.sqlite") == "delete"
    assert not (moved / "ledger.sqlite-wal").exists()
    assert _rows(moved / "ledger.sqlite") == {**before, "meta": before["meta"] + 1}
    again = ledger_place(moved / "ledger.sqlite", machine)
    assert again is not None and not again.switched  # said once


def test_a_damaged_ledger_on_a_share_is_left_for_the_commands_to_report(tmp_path: Path) -> None:
    (tmp_path / "share").mkdir()
    ledger = tmp_path / "share" / "ledger.sqlite"
    garbage = bytearray(b"not a database at all, but long enough" * 4)
    garbage[18:20] = b"\x02\x02"  # where SQLite's header says WAL
    ledger.write_bytes(bytes(garbage))
    found = ledger_place(ledger, _share(tmp_path))
    assert found is not None
    assert (found.still_wal, found.switched) == (False, False)
    assert "WAL mode" not in str(found.warning())
    assert ledger.read_bytes() == bytes(garbage)


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


WARNING = "xlfollow uses SQLite's rollback journal there, not WAL"


def test_every_command_in_a_onedrive_folder_warns_once_and_check_lists_it(
    tmp_path: Path,
) -> None:
    onedrive = tmp_path / "OneDrive - Ballerup Kommune"
    path = onedrive / "budget2018"
    assert run("init", str(path))[0] == 0
    code, out, err = run("--language", "en", "issue", str(path), "--round", "1")
    assert code == 0
    assert err.count(WARNING) == 1
    assert f"{path / 'ledger.sqlite'} is in a OneDrive folder ({onedrive.resolve()})" in err
    assert 'ledger = "postgresql://server/database" in xlfollow.toml' in err
    assert "A sync client can copy the ledger" in err
    assert WARNING not in out
    with Ledger(path / "ledger.sqlite") as ledger:
        assert ledger.issues()
    assert _journal(path / "ledger.sqlite") == "delete"
    code, out, err = run("--language", "da", "status", str(path))
    assert code == 0
    assert err.count("Advarsel:") == 1
    assert "ligger i en OneDrive-mappe" in err
    assert 'ledger = "postgresql://server/database" i xlfollow.toml' in err
    code, out, err = run("--language", "en", "check", str(path))
    assert code == 0
    assert err == ""  # check says it among its findings, not twice
    worth = out.split("Worth a look:")[1]
    assert f"  - Warning: {path / 'ledger.sqlite'} is in a OneDrive folder" in worth
    assert WARNING in worth
    code, out, err = run("status", str(path), env={"XLFOLLOW_LEDGER_PLACE_CHECK": "0"})
    assert (code, err) == (0, "")
    assert WARNING not in run("check", str(path), env={"XLFOLLOW_LEDGER_PLACE_CHECK": "0"})[1]


def test_a_local_workspace_stays_in_wal_without_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "budget2018"
    assert run("init", str(path))[0] == 0
    code, _out, err = run("issue", str(path), "--round", "1")
    assert (code, err) == (0, "")
    assert _journal(path / "ledger.sqlite") == "wal"
    assert "Warning:" not in run("--language", "en", "check", str(path))[1]
    assert Workspace(path).place_warning() is None


def test_a_wal_workspace_moved_into_onedrive_is_switched_by_the_next_command(
    tmp_path: Path,
) -> None:
    local = Workspace.init(tmp_path / "budget2018")
    local.issue("1")
    before = _rows(local.ledger_path)
    assert _journal(local.ledger_path) == "wal"
    moved = tmp_path / "OneDrive" / "budget2018"
    moved.parent.mkdir()
    shutil.move(local.path, moved)
    code, _out, err = run("--language", "en", "status", str(moved))
    assert code == 0
    assert "It was in WAL mode; xlfollow has switched it to the rollback journal" in err
    assert _journal(moved / "ledger.sqlite") == "delete"
    assert _rows(moved / "ledger.sqlite") == before
    warning = Workspace(moved).place_warning()
    assert warning is not None
    assert "ligger i en OneDrive-mappe" in warning.say(Language.DA)
    assert "switched" not in str(warning)
