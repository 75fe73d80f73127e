"""Whether the ledger's file is somewhere SQLite is not safe: a network drive (SMB,
NFS and the like), where file locking is unreliable and write-ahead logging does not
work at all, or a folder a sync client copies (OneDrive, Dropbox, Google Drive,
iCloud), which can fork or break a file while it is open. There the ledger uses
SQLite's rollback journal instead of WAL, and every command says so.

Everything asked of the machine (its platform, environment, mount table, drive
types) comes in a `Machine`, so that a test gives its own.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

from xlfollow.ledger.mounts import (
    mac_mounts,
    mount_of,
    mountinfo_mounts,
    read_mac_mount_table,
    read_mountinfo,
    windows_drive_type,
    windows_remote_root,
)
from xlfollow.messages import Text

__all__ = ["Machine", "Place", "PlaceKind", "place_of"]


class PlaceKind(Enum):
    """What kind of place a file is on that SQLite is not safe on."""

    SMB = "SMB network drive"
    NFS = "NFS network drive"
    NETWORK = "network filesystem"
    REMOTE_DRIVE = "network drive"
    ONEDRIVE = "OneDrive folder"
    DROPBOX = "Dropbox folder"
    GOOGLE_DRIVE = "Google Drive folder"
    ICLOUD = "iCloud Drive folder"

    @property
    def synced(self) -> bool:
        """A folder a sync client copies, rather than a network filesystem."""
        return self in _SYNCED

    def said(self) -> Text:
        """The kind as a sentence says a file is there: "on an SMB network drive"."""
        return _SAID[self]()


_SYNCED = {PlaceKind.ONEDRIVE, PlaceKind.DROPBOX, PlaceKind.GOOGLE_DRIVE, PlaceKind.ICLOUD}

_SAID: dict[PlaceKind, Callable[[], Text]] = {
    PlaceKind.SMB: lambda: Text("on an SMB network drive"),
    PlaceKind.NFS: lambda: Text("on an NFS network drive"),
    PlaceKind.NETWORK: lambda: Text("on a network filesystem"),
    PlaceKind.REMOTE_DRIVE: lambda: Text("on a network drive"),
    PlaceKind.ONEDRIVE: lambda: Text("in a OneDrive folder"),
    PlaceKind.DROPBOX: lambda: Text("in a Dropbox folder"),
    PlaceKind.GOOGLE_DRIVE: lambda: Text("in a Google Drive folder"),
    PlaceKind.ICLOUD: lambda: Text("in an iCloud Drive folder"),
}


@dataclass(frozen=True)
class Place:
    """A place SQLite is not safe on: its kind, where it is (the mount point, share or
    synced folder) and its filesystem's type where one says it ("cifs")."""

    kind: PlaceKind
    where: str
    filesystem: str = ""

    def said(self) -> Text:
        """The place as a sentence says a file is there:
        "on an SMB network drive (cifs, /mnt/fælles)"."""
        if self.filesystem:
            return Text(
                "{kind} ({filesystem}, {where})",
                kind=self.kind.said(),
                filesystem=self.filesystem,
                where=self.where,
            )
        return Text("{kind} ({where})", kind=self.kind.said(), where=self.where)


# Linux's filesystem types (/proc/self/mountinfo) and macOS's (`mount`) of network
# filesystems. 9p is also how WSL 2 mounts Windows's drives (/mnt/c): its locking
# is no more to be relied on.
_NETWORK_FILESYSTEMS: dict[str, PlaceKind] = {
    "cifs": PlaceKind.SMB,
    "smb3": PlaceKind.SMB,
    "smbfs": PlaceKind.SMB,
    "fuse.smbnetfs": PlaceKind.SMB,
    "nfs": PlaceKind.NFS,
    "nfs4": PlaceKind.NFS,
    **dict.fromkeys(
        (
            "afs",
            "9p",
            "ncpfs",
            "coda",
            "ceph",
            "glusterfs",
            "lustre",
            "davfs",
            "vboxsf",
            "vmhgfs",
            "afpfs",
            "webdav",
            "fuse.sshfs",
            "fuse.rclone",
            "fuse.davfs2",
            "fuse.ceph",
            "fuse.glusterfs",
            "fuse.s3fs",
            "fuse.gcsfuse",
            "fuse.vmhgfs-fuse",
            "fuse.onedriver",
            "macfuse",
            "osxfuse",
        ),
        PlaceKind.NETWORK,
    ),
}


@dataclass(frozen=True)
class Machine:
    """What `place_of` asks of the machine: its platform (sys.platform's values), its
    environment, its mount table (Linux: /proc/self/mountinfo, macOS: `mount`'s output,
    read when needed) and, on Windows, a drive's type (GetDriveTypeW of "Z:\\")."""

    platform: str = "linux"
    environ: Mapping[str, str] = field(default_factory=dict)
    mount_table: Callable[[], str] = lambda: ""
    drive_type: Callable[[str], int] = lambda _root: 0

    @classmethod
    def this(cls) -> Machine:
        """The machine xlfollow runs on."""
        table = read_mac_mount_table if sys.platform == "darwin" else read_mountinfo
        return cls(sys.platform, os.environ, table, windows_drive_type)

    @property
    def windows(self) -> bool:
        """Whether paths are Windows's."""
        return self.platform == "win32"

    def absolute(self, path: str | os.PathLike[str]) -> PurePath:
        """A path made absolute, its links followed (on the machine itself)."""
        if self.platform == sys.platform:
            return Path(os.path.realpath(path))
        return PureWindowsPath(path) if self.windows else PurePosixPath(path)


def place_of(path: str | os.PathLike[str], machine: Machine | None = None) -> Place | None:
    """Where a file (existing or to be) is if SQLite is not safe there; None on a local
    disk, or where nothing says otherwise."""
    machine = machine or Machine.this()
    where = machine.absolute(path)
    return _network_place(where, machine) or _synced_place(where, machine)


def _network_place(path: PurePath, machine: Machine) -> Place | None:
    if machine.windows:
        root = windows_remote_root(str(path), machine.drive_type)
        return None if root is None else Place(PlaceKind.REMOTE_DRIVE, root)
    if machine.platform == "darwin":
        mounts = mac_mounts(machine.mount_table())
    elif machine.platform.startswith("linux"):
        mounts = mountinfo_mounts(machine.mount_table())
    else:
        return None
    mount = mount_of(str(path), mounts)
    if mount is None:
        return None
    kind = _NETWORK_FILESYSTEMS.get(mount.filesystem.lower())
    return None if kind is None else Place(kind, mount.point, mount.filesystem)


# The environment variables the OneDrive client sets to its folders (Windows).
_ONEDRIVE_VARIABLES = ("OneDrive", "OneDriveCommercial", "OneDriveConsumer")

# Folder names a sync client gives its folder, or the folders in it: OneDrive's
# "OneDrive - Ballerup Kommune" (and macOS's ~/Library/CloudStorage/OneDrive-Ballerup),
# Google Drive's "My Drive" ("Min drev" in Danish) and the shared folders' ids,
# iCloud's ~/Library/Mobile Documents and Windows's iCloudDrive.
_FOLDER_NAMES: tuple[tuple[PlaceKind, Callable[[str], bool]], ...] = (
    (PlaceKind.ONEDRIVE, lambda name: name == "onedrive" or name.startswith("onedrive - ")),
    (PlaceKind.ONEDRIVE, lambda name: name.startswith("onedrive-")),
    (PlaceKind.DROPBOX, lambda name: name == "dropbox" or name.startswith("dropbox (")),
    (PlaceKind.GOOGLE_DRIVE, lambda name: name in ("my drive", "min drev", "google drive")),
    (PlaceKind.GOOGLE_DRIVE, lambda name: name == ".shortcut-targets-by-id"),
    (PlaceKind.GOOGLE_DRIVE, lambda name: name.startswith("googledrive-")),
    (PlaceKind.ICLOUD, lambda name: name in ("mobile documents", "iclouddrive", "icloud drive")),
)

# Files a sync client keeps in the top of its folder.
_MARKER_FILES = ((PlaceKind.DROPBOX, (".dropbox", ".dropbox.cache")),)


def _synced_place(path: PurePath, machine: Machine) -> Place | None:
    for variable in _ONEDRIVE_VARIABLES:
        onedrive = machine.environ.get(variable, "")
        if onedrive and _is_under(path, machine.absolute(onedrive)):
            return Place(PlaceKind.ONEDRIVE, onedrive)
    for folder in (path, *path.parents):
        name = folder.name.casefold()
        for kind, named in _FOLDER_NAMES:
            if name and named(name):
                return Place(kind, str(folder))
        if machine.platform == sys.platform:
            for kind, markers in _MARKER_FILES:
                if any(os.path.lexists(os.path.join(folder, m)) for m in markers):
                    return Place(kind, str(folder))
    return None


def _is_under(path: PurePath, folder: PurePath) -> bool:
    if type(path) is not type(folder):
        return False
    if isinstance(path, PureWindowsPath):
        lowered = PureWindowsPath(str(path).casefold())
        return lowered.is_relative_to(PureWindowsPath(str(folder).casefold()))
    return path.is_relative_to(folder)
