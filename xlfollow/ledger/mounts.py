"""The filesystem a path is on, as the operating system's mount table says: Linux's
/proc/self/mountinfo, macOS's `mount` output, and on Windows a UNC path or the drive's
type. Each reader takes the table's text (or the drive-type function) as a parameter,
so that every branch is tested on any machine."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import PureWindowsPath

__all__ = [
    "DRIVE_REMOTE",
    "Mount",
    "mac_mounts",
    "mount_of",
    "mountinfo_mounts",
    "read_mac_mount_table",
    "read_mountinfo",
    "windows_drive_type",
    "windows_remote_root",
]

DRIVE_REMOTE = 4
"""GetDriveTypeW's answer for a network drive."""


@dataclass(frozen=True)
class Mount:
    """A mounted filesystem: where it is mounted, its type and what it mounts."""

    point: str
    filesystem: str
    source: str = ""


_ESCAPE = re.compile(r"\\([0-7]{3})")


def _unescaped(field: str) -> str:
    """A mountinfo field with its octal escapes (space as \\040, tab, newline,
    backslash) written out."""
    return _ESCAPE.sub(lambda match: chr(int(match.group(1), 8)), field)


def mountinfo_mounts(text: str) -> list[Mount]:
    """The mounts of Linux's /proc/self/mountinfo, in the order mounted:
    `id parent major:minor root point options [optional...] - type source super`."""
    mounts = []
    for line in text.splitlines():
        fields = line.split(" ")
        if "-" not in fields[6:] or len(fields) < 7:
            continue  # not a mountinfo line
        separator = fields.index("-", 6)
        if len(fields) < separator + 2:
            continue
        source = fields[separator + 2] if len(fields) > separator + 2 else ""
        mounts.append(Mount(_unescaped(fields[4]), fields[separator + 1], _unescaped(source)))
    return mounts


_MAC_LINE = re.compile(r"^(?P<source>.*?) on (?P<point>/.*?) \((?P<type>[^,)]+)")


def mac_mounts(text: str) -> list[Mount]:
    """The mounts of macOS's `mount` output:
    `//user@server/share on /Volumes/share (smbfs, nodev, nosuid, mounted by user)`."""
    mounts = []
    for line in text.splitlines():
        match = _MAC_LINE.match(line)
        if match is not None:
            mounts.append(Mount(match["point"], match["type"].strip(), match["source"]))
    return mounts


def mount_of(path: str, mounts: Iterable[Mount]) -> Mount | None:
    """The mount holding an absolute POSIX path: the longest mount point it is under,
    the one mounted last where two share a point (it hides the first)."""
    found: Mount | None = None
    for mount in mounts:
        point = mount.point.rstrip("/") or "/"
        under = point == "/" or path == point or path.startswith(point + "/")
        if under and (found is None or len(point) >= len(found.point.rstrip("/") or "/")):
            found = mount
    return found


def windows_remote_root(path: str, drive_type: Callable[[str], int]) -> str | None:
    """The share or drive a Windows path is on if that is a network one: a UNC path
    (\\\\server\\share, \\\\?\\UNC\\server\\share) or a drive GetDriveTypeW calls remote."""
    drive = PureWindowsPath(path).drive
    if not drive:
        return None
    if drive.startswith(("\\\\", "//")) and not drive.startswith(("\\\\?\\", "\\\\.\\")):
        return drive  # \\server\share
    if drive.upper().startswith("\\\\?\\UNC\\"):
        return "\\\\" + drive[len("\\\\?\\UNC\\") :]
    letter = drive[-2:]
    if len(letter) == 2 and letter[1] == ":" and drive_type(letter + "\\") == DRIVE_REMOTE:
        return letter
    return None


def read_mountinfo() -> str:
    """This process's mount table on Linux ('' where there is none)."""
    try:
        with open("/proc/self/mountinfo", "rb") as handle:
            return os.fsdecode(handle.read())
    except OSError:
        return ""


@cache
def read_mac_mount_table() -> str:
    """`mount`'s output on macOS ('' where it cannot be run), run once per process: the
    ledger is opened several times by one command."""
    try:
        done = subprocess.run(
            ["/sbin/mount"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout


if sys.platform == "win32":
    import ctypes

    def windows_drive_type(root: str) -> int:
        """GetDriveTypeW of a drive's root ("Z:\\")."""
        return int(ctypes.windll.kernel32.GetDriveTypeW(root))

else:

    def windows_drive_type(root: str) -> int:
        """Not Windows: no drive is remote (0, DRIVE_UNKNOWN)."""
        return 0
