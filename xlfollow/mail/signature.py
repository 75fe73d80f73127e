"""How a letter is signed: by the person the settings' [sender] table names."""

from __future__ import annotations

from collections.abc import Mapping

from xlfollow.model import Sender

__all__ = ["signature"]


def signature(sender: Sender, texts: Mapping[str, str], fallback: str) -> str:
    """The signature of every letter: the closing ("Med venlig hilsen"), then the
    [sender] table's name, department, phone and email, each line only where it is
    set; where the table is empty, signature_fallback with `fallback` (the From
    address's name, or the default sender) as before the table signed."""
    if not any((sender.name, sender.department, sender.phone, sender.email)):
        return texts["signature_fallback"].format(sender=fallback)
    phone = texts["signature_phone"].format(phone=sender.phone) if sender.phone else ""
    lines = (texts["signature_closing"], sender.name, sender.department, phone, sender.email)
    return "\n".join(line for line in lines if line)
