"""Choose the next symbol from a model's probabilities, and the loop that feeds each choice back.

``sample_indices`` is a pure function of (probabilities, temperature, top-k,
generator): the same seed gives the same choices.  ``sample_sequence`` is the
one loop every product samples with (names, text, jazz); a product supplies
only its primer, its banned symbols and its stop rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np

from genapp.data.sequences import PAD_INDEX


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


def sample_sequence(
    stepper,
    rng: np.random.Generator,
    banned: Callable[[int], Sequence[int]],
    *,
    batch: int = 1,
    primer: Sequence[int] = (),
    temperature: float = 1.0,
    top_k: int | None = None,
) -> Iterator[np.ndarray]:
    """The one sampling loop of every genapp model: yields the chosen indices, shape (batch,), step after step.

    ``stepper`` maps (indices (batch,), states) to (probabilities (batch, V),
    states).  The caller stops the loop by leaving it, and may change what
    ``banned(t)`` returns for the t-th sampled step (0-based) between steps.
    """
    # start: zero states and x<1> = PAD, as in training
    states = stepper.initial_states(batch)
    ids = np.full(batch, PAD_INDEX, np.int32)  # (batch,)
    # prime: the primer's symbols are read (teacher-forced), not sampled
    for forced in primer:
        _, states = stepper.step(ids, states)
        ids = np.full(batch, forced, np.int32)
    t = 0
    while True:
        # step: probabilities of the next symbol given everything read so far
        probs, states = stepper.step(ids, states)  # (batch, V)
        # choose, then feed the choice back as the next input
        ids = sample_indices(probs, rng, temperature, top_k, banned(t)).astype(np.int32)
        yield ids
        t += 1
