"""Argument checks shared by the config objects: one message format everywhere."""

from __future__ import annotations


def require_positive_ints(obj: object, *names: str) -> None:
    """ValueError "expected NAME to be a positive integer, got VALUE" for the first field that is not."""
    for name in names:
        value = getattr(obj, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"expected {name} to be a positive integer, got {value!r}")
