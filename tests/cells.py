"""A cell's value as the test expects it to be: openpyxl gives any of a dozen types, and
these say which one a cell must hold, failing the test with the value when it does not."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def text(value: object) -> str:
    """A cell's value, which must be text."""
    assert isinstance(value, str), f"not text: {value!r}"
    return value


def text_or_none(value: object) -> str | None:
    """A cell's value, which must be text or empty."""
    return None if value is None else text(value)


def present(value: T | None) -> T:
    """A value that must be there: a row or column number of a cell, say."""
    assert value is not None
    return value


def integer(value: object) -> int:
    """A cell's value, which must be a whole number."""
    assert isinstance(value, int) and not isinstance(value, bool), f"not a whole number: {value!r}"
    return value
