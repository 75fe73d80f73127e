"""The mail tables of xlfollow.toml beyond [smtp]: [imap], the mailbox `fetch` reads.

Read by the settings' reader (settings.py), each problem at its key's line."""

from __future__ import annotations

import ipaddress
from typing import Any

from xlfollow.definition.tomlreader import TomlReader, table_name
from xlfollow.messages import Text
from xlfollow.model import Imap, Security

__all__ = ["IMAP_KEYS", "is_loopback", "read_imap"]

IMAP_KEYS = ("host", "port", "security", "user", "folder", "move_to")
_IMAP_TEXTS = ("host", "user", "folder", "move_to")


def is_loopback(host: str) -> bool:
    """True if a host is this machine itself (127.0.0.1, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def read_imap(reader: TomlReader, table: dict[str, Any]) -> Imap:
    """The [imap] table: where the centres' replies are fetched from. The password is
    never read from here; security "none" only for a server on this machine."""
    if "password" in table:
        reader.problem(
            ("imap", "password"),
            Text(
                "the mailbox password is never kept in xlfollow.toml: remove it, and set the "
                "environment variable XLFOLLOW_IMAP_PASSWORD (or the system keyring) instead"
            ),
        )
        table = {k: v for k, v in table.items() if k != "password"}
    reader.known_keys(table, ("imap",), IMAP_KEYS, table_name("imap"))
    texts = {k: v.strip() for k, v in reader.texts(table, "imap", _IMAP_TEXTS).items()}
    port = table.get("port", 0)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        reader.problem(
            ("imap", "port"), Text("port {value} should be a number like 993", value=repr(port))
        )
        port = 0
    security = reader.one_of(
        ("imap", "security"),
        table.get("security", Security.TLS),
        Security.TLS,
        Text(
            'security "{value}" should be "tls" (port 993) or "starttls" (port 143)',
            value=str(table.get("security")),
        ),
    )
    if security is Security.NONE and not is_loopback(texts["host"]):
        # A password and the centres' replies in clear text over a network: never.
        reader.problem(
            ("imap", "security"),
            Text(
                'security "none" is only for a mail server on this machine (127.0.0.1), '
                'not {host}: use "tls" or "starttls"',
                host=texts["host"] or "?",
            ),
        )
        security = Security.TLS
    folder = texts["folder"] or "INBOX"
    if texts["move_to"] and texts["move_to"] == folder:
        reader.problem(
            ("imap", "move_to"),
            Text(
                'move_to "{folder}" is the folder fetched from; name another folder, or '
                "leave move_to out",
                folder=texts["move_to"],
            ),
        )
        texts["move_to"] = ""
    return Imap(texts["host"], port, security, texts["user"], folder, texts["move_to"])
