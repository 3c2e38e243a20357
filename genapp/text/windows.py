"""Token index arrays -> what the character model trains on: padded rows of names, or streamed windows of text.

Both read inputs as the targets shifted right (``genapp.data.sequences``):
for a name "ab" the model reads x = [PAD, a, b] and must predict
y = [a, b, END]; rows are right-padded with PAD, which the one-hot layer
turns into zero vectors and the loss ignores.  A text is one index array cut
into windows of Tx tokens, each read from zero states exactly as a name.
"""

from __future__ import annotations

import keras
import numpy as np

from genapp.data.sequences import PAD_INDEX, shift_right
from genapp.data.vocab import END, PAD, Vocabulary


def names_to_arrays(names: list[str], vocab: Vocabulary, length: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(X, Y), both int32 of shape (n_names, length); length defaults to longest name + 1."""
    t = length or max(len(n) for n in names) + 1
    y = np.full((len(names), t), vocab.index(PAD), dtype=np.int32)  # (m, T)
    for row, name in enumerate(names):
        ids = (vocab.encode(name) + [vocab.index(END)])[:t]
        y[row, : len(ids)] = ids
    x = shift_right(y)  # (m, T); a name's first target is read after PAD, its END is never read
    x[y == vocab.index(PAD)] = vocab.index(PAD)
    return x, y


def count_targets(y: np.ndarray, vocab: Vocabulary) -> int:
    """How many predicted symbols (non-PAD targets) the rows hold."""
    return int((y != vocab.index(PAD)).sum())


class WindowStream(keras.utils.PyDataset):
    """Batches of (x, y) windows cut from one index array (may be memory-mapped) on demand, never all windows at once.

    Windows are non-overlapping and shifted by a random offset each epoch
    (when shuffling), so every epoch sees new cuts of the same text.
    """

    def __init__(self, ids: np.ndarray, tx: int, batch_size: int, shuffle: bool, seed: int = 0,
                 max_batches: int | None = None):
        super().__init__()
        self.ids, self.tx, self.batch_size, self.shuffle = ids, tx, batch_size, shuffle
        self.rng = np.random.default_rng(seed)
        self.span = len(ids) - tx  # last possible start
        self.n_windows = self.span // tx + 1
        self.max_batches = max_batches
        self.on_epoch_end()

    def __len__(self) -> int:
        n = -(-self.n_windows // self.batch_size)
        return min(n, self.max_batches) if self.max_batches else n

    def on_epoch_end(self) -> None:
        offset = int(self.rng.integers(0, self.span - (self.n_windows - 1) * self.tx + 1)) if self.shuffle else 0
        self.starts = offset + self.tx * np.arange(self.n_windows)
        if self.shuffle:
            self.rng.shuffle(self.starts)

    def __getitem__(self, i: int):
        starts = self.starts[i * self.batch_size : (i + 1) * self.batch_size]
        y = np.asarray(self.ids[starts[:, None] + np.arange(self.tx)[None, :]], np.int32)  # (b, Tx)
        return shift_right(y), y


class CarriedWindows(keras.utils.PyDataset):
    """Batches of (x, y) windows laid out so that a stateful model carries its state through the text (char-rnn's).

    The text (offset by a random 0 .. Tx-1 tokens each epoch when shuffling)
    is cut into ``streams`` equal stretches, one per batch row; batch k holds
    window k of every stretch, so row r of batch k + 1 continues row r of
    batch k and the state a stateful model ends one batch with is the right
    start for the next (truncated backpropagation through time, Tx steps).
    x is y shifted by one token of the text itself (PAD only before the
    text's first token).  Every batch has exactly ``streams`` rows, the
    fixed batch size a stateful graph needs; the text's last partial stretch
    is left out (at most streams x Tx + Tx - 1 tokens).
    """

    def __init__(self, ids: np.ndarray, tx: int, streams: int, shuffle: bool, seed: int = 0,
                 max_batches: int | None = None):
        super().__init__()
        if len(ids) < streams * tx:
            raise ValueError(f"expected at least streams x tx = {streams * tx} tokens, got {len(ids)}")
        self.ids, self.tx, self.streams, self.shuffle = ids, tx, streams, shuffle
        self.rng = np.random.default_rng(seed)
        self.max_batches = max_batches
        self.on_epoch_end()

    def __len__(self) -> int:
        return min(self.steps, self.max_batches) if self.max_batches else self.steps

    def on_epoch_end(self) -> None:
        spare = len(self.ids) - self.streams * self.tx  # tokens a random offset may skip
        self.offset = int(self.rng.integers(0, min(spare, self.tx - 1) + 1)) if self.shuffle else 0
        self.stretch = (len(self.ids) - self.offset) // self.streams // self.tx * self.tx  # tokens per row
        self.steps = self.stretch // self.tx

    def __getitem__(self, k: int):
        starts = self.offset + self.stretch * np.arange(self.streams) + k * self.tx  # (streams,)
        at = starts[:, None] + np.arange(-1, self.tx)[None, :]  # (streams, Tx + 1): the token before, then the window
        tokens = np.asarray(self.ids[np.maximum(at, 0)], np.int32)
        tokens[at < 0] = PAD_INDEX
        return tokens[:, :-1], tokens[:, 1:]  # x (streams, Tx), y (streams, Tx)
