"""Argument checks shared by the config objects: one message format everywhere."""

from __future__ import annotations

import dataclasses


def require_positive_ints(obj: object, *names: str) -> None:
    """ValueError "expected NAME to be a positive integer, got VALUE" for the first field that is not."""
    for name in names:
        value = getattr(obj, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"expected {name} to be a positive integer, got {value!r}")


MAX_WEIGHTS = 50_000_000  # 200 MB of float32: far above any genapp model, far below what a 2-core laptop can hold


def require_weights_at_most(count: int, what: str) -> None:
    """ValueError when a model's arguments ask for more than MAX_WEIGHTS weights (a bundle's config is data, not trusted)."""
    if count > MAX_WEIGHTS:
        raise ValueError(f"expected {what} with at most {MAX_WEIGHTS:,} weights, got {count:,}")


def recurrent_weights(cell: str, inputs: int, units: int) -> int:
    """Weights of one recurrent layer: gates x (input and recurrent kernels + bias)."""
    gates = {"rnn": 1, "gru": 3, "lstm": 4}[cell]
    return gates * (inputs * units + units * units + units)


def from_json(cls, data: dict):
    """A config dataclass from saved arguments; ValueError naming an argument it does not have."""
    known = [f.name for f in dataclasses.fields(cls)]
    unknown = [k for k in data if k not in known]
    if unknown:
        raise ValueError(f"unknown model argument {unknown[0]!r}; expected only {', '.join(known)}")
    return cls(**data)
