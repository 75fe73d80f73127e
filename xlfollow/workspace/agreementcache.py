"""The checked agreement, kept in the workspace so that a command need not check it again.

Reading and checking agreement.yaml takes about a second at 5,000 items (the YAML
parser keeps every line number for the problems it may report); a command after
the first reads the checked agreement from `.xlfollow-agreement.json` instead.

The file is JSON, read by the json module: nothing in it can run code when it is
loaded, which matters on a shared drive where colleagues share a workspace. Its
first line says what it was made from: the cache's format, xlfollow's version and
the SHA-256 of agreement.yaml's bytes, and the SHA-256 of the rest of the file. A
file that is not of this format, version or agreement, or whose rest does not match its
digest (damaged, cut short, written by someone else), is ignored, and the agreement
is checked again and the file written anew. It is written atomically; failing to
write it (a read-only folder, a full disk) is no error, only slower next time.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
from importlib.metadata import version
from pathlib import Path

from xlfollow.definition.agreementdata import agreement_data, agreement_from_data
from xlfollow.files import write_atomically
from xlfollow.model import Agreement

__all__ = ["CACHE_FILE", "CACHE_FORMAT", "cache_key", "cached_agreement", "keep_agreement"]

CACHE_FILE = ".xlfollow-agreement.json"
CACHE_FORMAT = 1
"""Raise it when the data form (xlfollow.definition.agreementdata) changes, or when the
check of agreement.yaml does between two versions that share a version number."""


def cache_key(content: bytes) -> dict[str, object]:
    """What a cached agreement must have been made from to stand for the file with
    this content."""
    return {
        "format": CACHE_FORMAT,
        "xlfollow": version("xlfollow"),
        "agreement": hashlib.sha256(content).hexdigest(),
    }


def cached_agreement(folder: Path, key: dict[str, object]) -> Agreement | None:
    """The agreement kept in the folder for this key; None if there is none, or it was
    kept for another text or version, or the file is damaged or foreign."""
    # The collector is held off while the objects are made: they are many, none is
    # garbage, and its passes over them cost about a third of the time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with (folder / CACHE_FILE).open("rb") as handle:
            header = json.loads(handle.readline())
            if not isinstance(header, dict) or header.get("key") != key:
                return None  # another text or version: the rest is not even read
            body = handle.read()
        if header.get("sha256") != hashlib.sha256(body).hexdigest():
            return None
        text = body.decode("utf-8")
        del body  # 24 MB at 20,000 items, not to be held while the objects are made
        return agreement_from_data(json.loads(text))
    except (OSError, ValueError, RecursionError):  # JSONDecodeError, UnicodeDecodeError
        return None
    finally:
        if collecting:
            gc.enable()


def keep_agreement(folder: Path, key: dict[str, object], agreement: Agreement) -> None:
    """Keep a checked agreement in the folder for this key, if the folder can be written."""
    body = json.dumps(agreement_data(agreement), ensure_ascii=False).encode("utf-8")
    header = {"key": key, "sha256": hashlib.sha256(body).hexdigest()}
    content = json.dumps(header).encode("utf-8") + b"\n" + body
    with contextlib.suppress(OSError):  # only slower next time
        write_atomically(folder / CACHE_FILE, content)
