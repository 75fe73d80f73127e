"""The checked agreement kept in the workspace: served only for the same text and
version, equal to a fresh load, and never an error when it is damaged or foreign."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path

import pytest
from conftest import make_workspace
from hypothesis import HealthCheck, given, settings
from test_roundtrip import agreements

from xlfollow.definition.agreement import load_agreement, read_agreement
from xlfollow.definition.agreementdata import agreement_data, agreement_from_data
from xlfollow.definition.agreementwriter import write_agreement
from xlfollow.definition.fingerprint import fingerprint
from xlfollow.errors import DefinitionError, Problems
from xlfollow.model import Agreement, Definition
from xlfollow.workspace import agreementcache, loading
from xlfollow.workspace.agreementcache import CACHE_FILE
from xlfollow.workspace.folder import Workspace


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(agreements())
def test_an_agreement_comes_back_equal_from_its_data(agreement: Agreement) -> None:
    text = json.dumps(agreement_data(agreement), ensure_ascii=False)
    rebuilt = agreement_from_data(json.loads(text))
    assert rebuilt == agreement
    assert fingerprint(rebuilt) == fingerprint(agreement)


@pytest.fixture
def example(tmp_path: Path) -> Workspace:
    return Workspace.init(tmp_path / "ws", "ballerup-2018")


def fresh_load(workspace: Workspace) -> Definition:
    """A load that checks agreement.yaml, with no cache to read."""
    (workspace.path / CACHE_FILE).unlink(missing_ok=True)
    return Workspace(workspace.path).load()


def cached_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, a load that reads agreement.yaml anew fails the test."""

    def no_reading(*_: object) -> None:
        raise AssertionError("agreement.yaml was read and checked, not taken from the cache")

    monkeypatch.setattr(loading, "read_agreement", no_reading)


def test_a_second_load_is_served_from_the_cache_and_equal(
    example: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = fresh_load(example)
    assert (example.path / CACHE_FILE).is_file()
    cached_only(monkeypatch)
    again = Workspace(example.path).load()
    assert again == first
    assert again.agreement is not first.agreement
    assert len(again.agreement.items) == 109
    assert fingerprint(again.agreement) == fingerprint(first.agreement)
    assert again.agreement == load_agreement(example.path / "agreement.yaml")


def test_a_synthetic_agreement_is_served_equal(tmp_path: Path) -> None:
    workspace = Workspace.init(tmp_path / "ws", "small")
    agreement = load_agreement(workspace.path / "agreement.yaml")
    item = agreement.items[0]
    many = tuple(
        dataclasses.replace(item, number=f"{item.chapter}.{n}", title=f"{item.title} {n}")
        for n in range(300)
    )
    write_agreement(dataclasses.replace(agreement, items=many), workspace.path / "agreement.yaml")
    first = fresh_load(workspace)
    again = Workspace(workspace.path).load()
    assert again == first
    assert fingerprint(again.agreement) == fingerprint(first.agreement)


def test_a_changed_agreement_is_never_served_from_the_old_cache(example: Workspace) -> None:
    path = example.path / "agreement.yaml"
    first = fresh_load(example)
    old = path.read_text(encoding="utf-8")
    stat = path.stat()
    title = first.agreement.items[0].title
    changed = title[:-1] + ("X" if title[-1] != "X" else "Y")
    new = old.replace(title, changed, 1)
    assert len(new.encode("utf-8")) == len(old.encode("utf-8"))
    path.write_text(new, encoding="utf-8")
    # Same size, same modification time: only the content tells.
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    assert path.stat().st_mtime_ns == stat.st_mtime_ns

    assert Workspace(example.path).load().agreement.items[0].title == changed


def test_another_version_of_xlfollow_checks_again(
    example: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh_load(example)
    monkeypatch.setattr(agreementcache, "version", lambda _: "99.0")
    checked: list[str] = []
    real = read_agreement

    def counted(*args: object) -> object:
        checked.append("read")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(loading, "read_agreement", counted)
    Workspace(example.path).load()
    assert checked == ["read"]
    header = json.loads((example.path / CACHE_FILE).read_bytes().partition(b"\n")[0])
    assert header["key"]["xlfollow"] == "99.0"


def damaged_truncated(content: bytes) -> bytes:
    return content[: len(content) // 2]


def damaged_in_a_text(content: bytes) -> bytes:
    # A changed letter inside an item's text still parses as JSON: the digest tells.
    at = content.index(b"Vision 2029")
    return content[:at] + b"W" + content[at + 1 :]


def foreign_body(content: bytes) -> bytes:
    head = content.partition(b"\n")[0]
    return head + b"\n" + json.dumps({"title": "x"}).encode()


def not_json(_: bytes) -> bytes:
    return b"\x80\x04\x95 not json at all, nor a pickle to run"


def empty(_: bytes) -> bytes:
    return b""


def well_formed_but_wrong(content: bytes) -> bytes:
    # Right key, right digest, but not an agreement's data: still ignored.
    head, _, _ = content.partition(b"\n")
    body = json.dumps({"items": [[1, 2]]}).encode()
    header = json.loads(head)
    header["sha256"] = hashlib.sha256(body).hexdigest()
    return json.dumps(header).encode() + b"\n" + body


@pytest.mark.parametrize(
    "damage",
    [damaged_truncated, damaged_in_a_text, foreign_body, not_json, empty, well_formed_but_wrong],
)
def test_a_damaged_or_foreign_cache_is_ignored_and_rebuilt(
    example: Workspace, damage: object
) -> None:
    first = fresh_load(example)
    cache = example.path / CACHE_FILE
    assert callable(damage)
    cache.write_bytes(damage(cache.read_bytes()))

    assert Workspace(example.path).load() == first
    header = json.loads(cache.read_bytes().partition(b"\n")[0])
    assert header["key"] == agreementcache.cache_key((example.path / "agreement.yaml").read_bytes())


def test_a_cache_that_cannot_be_written_is_no_error(
    example: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(*_: object) -> None:
        raise OSError(28, "No space left on device")

    (example.path / CACHE_FILE).unlink(missing_ok=True)
    monkeypatch.setattr(agreementcache, "write_atomically", full_disk)
    assert len(Workspace(example.path).load().agreement.items) == 109
    assert not (example.path / CACHE_FILE).exists()


def test_an_agreement_with_problems_is_not_kept(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path / "ws")
    path = workspace.path / "agreement.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Social og Sundhed", "Social og Sundhd", 1),
        encoding="utf-8",
    )
    with pytest.raises(DefinitionError, match="Social og Sundhd"):
        workspace.load()
    assert not (workspace.path / CACHE_FILE).exists()


def test_an_agreement_changed_while_it_is_checked_is_not_kept_for_the_old_bytes(
    example: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = example.path / "agreement.yaml"
    (example.path / CACHE_FILE).unlink(missing_ok=True)
    old = path.read_bytes()
    real = read_agreement

    def changed_meanwhile(text: str, problems: Problems) -> Agreement | None:
        agreement = real(text, problems)
        path.write_bytes(old.replace(b"Vision 2029", b"Vision 2030", 1))
        return agreement

    monkeypatch.setattr(loading, "read_agreement", changed_meanwhile)
    Workspace(example.path).load()
    assert not (example.path / CACHE_FILE).exists()
