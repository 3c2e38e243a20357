"""Global batches split over devices and processes: what ``distribute.Placement`` trains on (see its docstring)."""

from __future__ import annotations

import keras
import numpy as np

from genapp.errors import GenappError, param


def _rows(tree, rows: slice):
    """The same rows of every array in an (x, y) structure of tuples, lists and dicts."""
    if isinstance(tree, dict):
        return {k: _rows(v, rows) for k, v in tree.items()}
    if isinstance(tree, (tuple, list)):
        return type(tree)(_rows(v, rows) for v in tree)
    return tree[rows]


def _length(tree) -> int:
    while isinstance(tree, (dict, tuple, list)):
        tree = next(iter(tree.values())) if isinstance(tree, dict) else tree[0]
    return len(tree)


class SplitBatches(keras.utils.PyDataset):
    """Global batches cut for ``devices`` devices, this process's part of each (see the module docstring).

    ``source``: (x, y) arrays (batched and, when training, shuffled here each
    epoch with ``seed``) or a ``keras.utils.PyDataset`` of global batches.
    """

    def __init__(self, source, batch_size: int, devices: int, parts: tuple[int, int] = (0, 1), *,
                 training: bool, seed: int = 0):
        super().__init__()
        self.source, self.batch_size, self.devices, self.training = source, batch_size, devices, training
        self.part, self.parts = parts
        self.arrays = isinstance(source, tuple)
        self.rng = np.random.default_rng(seed)
        if self.arrays:
            self.count = _length(source[0])
            self.order = np.arange(self.count)
            n, last = -(-self.count // batch_size), self.count % batch_size or batch_size
        else:
            n = len(source)
            last = _length(source[n - 1][1]) if n else 0
        if n and (last < batch_size if training else last < devices):
            n -= 1  # the last batch is partial (training) or smaller than one row per device: left out
        self.n = n
        if training and not n:
            raise GenappError(f"{param('batch_size')} {batch_size}: not one whole batch of training sequences; on several "
                              "devices every batch must be whole, so use a smaller batch")
        self.on_epoch_end()

    def __len__(self) -> int:
        return self.n

    def on_epoch_end(self) -> None:
        if self.arrays:
            if self.training:
                self.rng.shuffle(self.order)
        else:
            self.source.on_epoch_end()

    def _global(self, i: int):
        if not self.arrays:
            return self.source[i]
        take = self.order[i * self.batch_size: (i + 1) * self.batch_size]
        return _rows(self.source, take)

    def __getitem__(self, i: int):
        batch = self._global(i)
        size = _length(batch[1]) // self.devices * self.devices  # whole on every device
        share = size // self.parts
        return _rows(batch, slice(self.part * share, (self.part + 1) * share))
