"""Where a Microsoft 365 sign-in is kept between runs: MSAL's token cache, in the
system keyring where the optional `keyring` package works, else in a file of the
user's configuration folder (mode 0600, written whole or not at all). Never in the
workspace: a workspace is shared and copied, a token is a person's."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from pathlib import Path

from xlfollow.files import write_atomically
from xlfollow.model import MailSignIn
from xlfollow.secrets import KEYRING_SERVICE, keyring_module, stored_secret

__all__ = [
    "KEYRING_SERVICE",
    "cache_file",
    "config_folder",
    "forget",
    "kept_where",
    "load",
    "save",
    "stored_secret",
]


def config_folder() -> Path:
    """The user's xlfollow folder: %APPDATA%\\xlfollow on Windows, else
    $XDG_CONFIG_HOME/xlfollow or ~/.config/xlfollow."""
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "xlfollow"
    base = os.environ.get("XDG_CONFIG_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return root / "xlfollow"


def _key(signin: MailSignIn) -> str:
    """One cache per directory and app registration, the flow apart: a person's
    sign-in and the app's are not the same account."""
    what = f"{signin.tenant.casefold()}|{signin.client_id.casefold()}|{signin.flow.value}"
    return hashlib.sha256(what.encode()).hexdigest()[:16]


def cache_file(signin: MailSignIn) -> Path:
    """The file a sign-in's token cache is kept in where there is no keyring."""
    return config_folder() / f"token-cache-{_key(signin)}.json"


def _account(signin: MailSignIn) -> str:
    return f"token-cache-{_key(signin)}"


def load(signin: MailSignIn) -> str:
    """The kept token cache of a sign-in, serialised; '' if none is kept."""
    ring = keyring_module()
    if ring is not None:
        # A keyring that is installed but cannot work (no desktop session): the file.
        with contextlib.suppress(Exception):
            stored = ring.get_password(KEYRING_SERVICE, _account(signin))
            if stored:
                return str(stored)
    path = cache_file(signin)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


def save(signin: MailSignIn, state: str) -> Path | None:
    """Keep a sign-in's token cache: the keyring where it works (None), else the file
    (its path), readable by the user alone."""
    ring = keyring_module()
    if ring is not None:
        try:
            ring.set_password(KEYRING_SERVICE, _account(signin), state)
        except Exception:  # no working keyring, or the cache too big for it
            pass
        else:
            cache_file(signin).unlink(missing_ok=True)
            return None
    path = cache_file(signin)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_atomically(path, state.encode("utf-8"), mode=0o600)
    return path


def kept_where(signin: MailSignIn) -> str:
    """Where a sign-in's token cache is kept, as a person finds it: its file, or the
    keyring."""
    path = cache_file(signin)
    return str(path) if path.exists() else f"the system keyring, {KEYRING_SERVICE}"


def forget(signin: MailSignIn) -> bool:
    """Forget a sign-in's token cache wherever it is kept; whether one was kept."""
    found = False
    ring = keyring_module()
    if ring is not None:
        with contextlib.suppress(Exception):
            if ring.get_password(KEYRING_SERVICE, _account(signin)):
                ring.delete_password(KEYRING_SERVICE, _account(signin))
                found = True
    path = cache_file(signin)
    if path.exists():
        path.unlink()
        found = True
    return found
