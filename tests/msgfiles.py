"""Outlook messages for the tests: the writer of scripts/make-test-msg.py, and a centre's
reply made with it (tests/test_msgintake.py, tests/test_msgdamaged.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from returns import ECONOMY, SMILEY, STATUS, fill

from xlfollow.workspace.folder import Workspace

ROOT = Path(__file__).resolve().parent.parent
KEPT = ROOT / "tests" / "data" / "mail" / "reply-with-workbook.msg"
SOS = "03-social-og-sundhed-runde-1.xlsx"
REPLY = "SV Aftale om budget 2018.msg"
SUBJECT = "SV: Aftale om budget 2018 – svar fra Ældre og Sundhed"
NAME = "Søren Ærø, Social og Sundhed"
SENDER = f'"{NAME}" <social-og-sundhed@example.org>'
DATE = "Mon, 09 Apr 2018 08:15:00 +0000"  # 10:15 in Ballerup, in UTC as Outlook keeps it
NOT_OUTLOOK = (
    "not an Outlook message (.msg) xlfollow can read; save the reply again from Outlook, "
    "or save its attached workbook in inbox/ instead"
)


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_test_msg", ROOT / "scripts" / "make-test-msg.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_test_msg"] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


MSG = _script()


def message(*attachments: Any, **fields: Any) -> Any:
    """A centre's reply as Outlook keeps it, with files (name, bytes) or messages attached."""
    return MSG.Message(
        subject=fields.pop("subject", SUBJECT),
        sender_name=fields.pop("sender_name", NAME),
        sender_address=fields.pop("sender_address", "social-og-sundhed@example.org"),
        attachments=[
            item if isinstance(item, MSG.Message) else MSG.File(*item) for item in attachments
        ],
        **fields,
    )


def sos_answers(issued: Workspace, folder: Path) -> bytes:
    """Social og Sundhed's workbook of round 1, four answers typed in."""
    return fill(
        issued.path / "outbox" / "round-1" / SOS,
        folder / "sos.xlsx",
        {
            ("3.01", SMILEY): "😊 Opfyldt",
            ("3.01", STATUS): "Pilotprojektet er planlagt.",
            ("3.01", ECONOMY): "Overholdt",
            ("4.11", SMILEY): "gul",
        },
    ).read_bytes()


def saved(ws: Workspace, reply: Any, name: str = REPLY) -> Path:
    """A reply saved by Outlook into the workspace's inbox/."""
    path = ws.path / "inbox" / name
    path.write_bytes(MSG.msg_bytes(reply))
    return path
