"""The secrets xlfollow never reads from its settings (a mail server's password, an app's
client secret, the ledger server's password): from an environment variable, else from
the system keyring under the service "xlfollow", where the optional `keyring` package
is installed and works."""

from __future__ import annotations

import os
from typing import Any

__all__ = ["KEYRING_SERVICE", "keyring_module", "secret", "stored_secret"]

KEYRING_SERVICE = "xlfollow"


def keyring_module() -> Any:
    """The keyring package, or None where it is not installed."""
    try:
        import keyring  # optional: the system keyring, where it is installed
    except ImportError:
        return None
    return keyring


def stored_secret(name: str) -> str:
    """A secret kept in the keyring under xlfollow and a name; '' if none, or no keyring,
    or a keyring that cannot work here (locked, no backend)."""
    ring = keyring_module()
    if ring is None:
        return ""
    try:
        stored = ring.get_password(KEYRING_SERVICE, name)
    except Exception:  # an installed keyring that cannot work here
        return ""
    return str(stored or "")


def secret(variable: str, name: str) -> str:
    """The environment variable's value, else the keyring's secret of `name` ('' for no
    name: nothing to look up), else ''."""
    found = os.environ.get(variable, "")
    if found or not name:
        return found
    return stored_secret(name)
