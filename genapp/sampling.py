"""Choose the next symbol from a model's probabilities.

A pure function of (probabilities, temperature, top-k, generator): the same
seed gives the same choices.  One step, as in nanoGPT's sampling loop:
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def sample_indices(
    probs: np.ndarray,
    rng: np.random.Generator,
    temperature: float = 1.0,
    top_k: int | None = None,
    banned: Sequence[int] = (),
) -> np.ndarray:
    """probs (n, V) -> one index per row, shape (n,).

    temperature 0 means argmax (greedy); top_k keeps the k likeliest symbols;
    ``banned`` indices (padding, say) are never chosen.
    """
    if temperature < 0:
        raise ValueError(f"expected temperature >= 0, got {temperature}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"expected top_k >= 1, got {top_k}")
    p = np.array(probs, dtype=np.float64, copy=True)  # (n, V)
    # ban: forbidden symbols get probability zero
    p[:, list(banned)] = 0.0
    if temperature == 0:
        return p.argmax(axis=-1)
    # temperature: p ** (1/T), computed in log space and shifted for stability
    with np.errstate(divide="ignore"):
        logits = np.log(p) / temperature
    # top-k: everything below the k-th largest logit is cut
    if top_k is not None and top_k < p.shape[-1]:
        kth = np.sort(logits, axis=-1)[:, -top_k][:, None]
        logits = np.where(logits < kth, -np.inf, logits)
    # softmax: back to probabilities that sum to one
    logits -= logits.max(axis=-1, keepdims=True)
    weights = np.exp(logits)
    weights /= weights.sum(axis=-1, keepdims=True)
    # sample: one draw per row, with np.random's choice, as the textbook does
    return np.array([rng.choice(len(row), p=row) for row in weights])
