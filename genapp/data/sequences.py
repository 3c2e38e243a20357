"""Targets -> inputs for next-symbol prediction, and one-hot arrays; index 0 is PAD everywhere.

Every genapp model reads x<1> = 0 (PAD, which one-hot turns into the zero
vector) and then x<t> = y<t-1>: the inputs are the targets shifted one step
right.  For y = (a, b, END) the model reads x = (PAD, a, b).
"""

from __future__ import annotations

import numpy as np

PAD_INDEX = 0  # Vocabulary reserves index 0 for PAD


def shift_right(y: np.ndarray) -> np.ndarray:
    """Targets (..., T) -> inputs (..., T): x<1> = PAD, x<t> = y<t-1>."""
    x = np.full_like(y, PAD_INDEX)
    x[..., 1:] = y[..., :-1]
    return x


def one_hot(indices: np.ndarray, n_values: int) -> np.ndarray:
    """Indices (...) -> float32 one-hot (..., n_values); PAD (0) -> the zero vector, as the model's OneHot layer does."""
    out = np.zeros(indices.shape + (n_values,), np.float32)
    np.put_along_axis(out, indices[..., None], 1.0, axis=-1)
    out[..., PAD_INDEX] = 0.0
    return out
