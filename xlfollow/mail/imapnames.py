"""IMAP folder names as the protocol writes them: modified UTF-7 (RFC 3501, 5.1.3),
so that a shared mailbox's "Budgetopfølgning" is "Budgetopf&APg-lgning" on the wire,
quoted for a command, and read back from a LIST reply."""

from __future__ import annotations

import base64
import re

__all__ = ["decode_folder", "encode_folder", "folder_from_list", "quoted_folder"]

_SHIFTED = re.compile(r"&([^-]*)-")
_LIST_LINE = re.compile(r'^\((?P<flags>[^)]*)\) (?:"(?:[^"\\]|\\.)*"|NIL) (?P<name>.+)$')


def encode_folder(name: str) -> str:
    """A folder's name in modified UTF-7: printable ASCII as it is ('&' as '&-'), any
    other run of characters as UTF-16 in base64 (',' for '/'), between '&' and '-'."""
    out: list[str] = []
    other: list[str] = []

    def shift() -> None:
        if other:
            packed = base64.b64encode("".join(other).encode("utf-16-be")).rstrip(b"=")
            out.append("&" + packed.decode("ascii").replace("/", ",") + "-")
            other.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            shift()
            out.append("&-" if char == "&" else char)
        else:
            other.append(char)
    shift()
    return "".join(out)


def decode_folder(name: str) -> str:
    """A folder's name as the mail program shows it, from modified UTF-7; a run that
    is not base64 of UTF-16 is left as it is."""

    def unshift(found: re.Match[str]) -> str:
        run = found.group(1)
        if not run:
            return "&"
        padded = run.replace(",", "/") + "=" * (-len(run) % 4)
        try:
            return base64.b64decode(padded, validate=True).decode("utf-16-be")
        except ValueError:
            return found.group(0)

    return _SHIFTED.sub(unshift, name)


def quoted_folder(name: str) -> str:
    """A folder's name encoded and quoted for an IMAP command."""
    encoded = encode_folder(name).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{encoded}"'


def folder_from_list(line: bytes) -> str | None:
    """The folder a LIST reply line names, decoded; None for a line that is not one
    (or names its folder as a literal, which servers use only for odd names)."""
    found = _LIST_LINE.match(line.decode("ascii", errors="replace"))
    if found is None or "\\noselect" in found.group("flags").lower():
        return None
    name = found.group("name")
    if name.startswith('"') and name.endswith('"') and len(name) >= 2:
        name = re.sub(r"\\(.)", r"\1", name[1:-1])
    return decode_folder(name)
