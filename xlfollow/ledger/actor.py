"""Who makes a change: the operating-system user and the machine, as one short value
("anna@OEKPC042"), made once per command and recorded with every change."""

from __future__ import annotations

import functools
import getpass
import socket

__all__ = ["UNKNOWN", "actor_of", "this_actor"]

UNKNOWN = "?"
"""A user or machine the system would not name."""

_LONGEST = 64


def actor_of(user: str, host: str) -> str:
    """'user@machine' from a user name and a host name (its short form, without the
    domain); control characters left out, each part kept short, '?' for one not known."""
    short = host.split(".", 1)[0]
    parts = (
        "".join(ch for ch in part if ch.isprintable()).strip()[:_LONGEST] for part in (user, short)
    )
    return "@".join(part or UNKNOWN for part in parts)


@functools.cache
def this_actor() -> str:
    """This process's user and machine ('anna@OEKPC042'): one command, one actor."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError, ImportError):
        # No LOGNAME/USER/USERNAME and no password entry (a container's numeric uid).
        user = ""
    try:
        host = socket.gethostname()
    except OSError:
        host = ""
    return actor_of(user, host)
