"""Names -> padded index arrays for the character model.

For a name "ab" the model reads x = [PAD, a, b] (x<1> = 0, then x<t> = y<t-1>)
and must predict y = [a, b, END].  Rows are right-padded with PAD, which the
one-hot layer turns into zero vectors and the loss ignores.
"""

from __future__ import annotations

import numpy as np

from genapp.text.vocab import END, PAD, Vocabulary


def names_to_arrays(names: list[str], vocab: Vocabulary, length: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(X, Y), both int32 of shape (n_names, length); length defaults to longest name + 1."""
    t = length or max(len(n) for n in names) + 1
    pad = vocab.index(PAD)
    x = np.full((len(names), t), pad, dtype=np.int32)  # (m, T)
    y = np.full((len(names), t), pad, dtype=np.int32)  # (m, T)
    for row, name in enumerate(names):
        ids = vocab.encode(name) + [vocab.index(END)]
        ids = ids[:t]
        y[row, : len(ids)] = ids
        x[row, 1 : len(ids)] = ids[:-1]
    return x, y


def count_targets(y: np.ndarray, vocab: Vocabulary) -> int:
    """How many predicted symbols (non-PAD targets) the rows hold."""
    return int((y != vocab.index(PAD)).sum())
