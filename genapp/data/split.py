"""The held-out split every product uses: by a stable hash, never by file order or a random seed.

An item (a name, a piece) is held out when its key is among the ``fraction``
with the smallest CRC-32 of their UTF-8 bytes, so the same item is held out in
every run, on every machine and in every benchmark.  At least one item is
held out when there are two or more, two when there are six or more, and
never all of them.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def held_out_count(n: int, fraction: float) -> int:
    """How many of ``n`` items a ``fraction`` holds out: 0 for fraction 0; else at least one of two or more, at
    least two of six or more (one held-out piece is too noisy a measure), never all."""
    if fraction <= 0 or n < 2:
        return 0
    return min(max(1 if n < 6 else 2, round(n * fraction)), n - 1)


def split_by_hash(items: Sequence[T], fraction: float, key: Callable[[T], str] = str) -> tuple[list[T], list[T]]:
    """(training, held out), each in the items' order; held out: the ``fraction`` with the smallest CRC-32 of ``key``.

    Items with the same key (several takes of one tune) stay together: whole
    keys are held out, smallest CRC-32 first, until at least the fraction's
    count of items is held out; a key whose items would overshoot that count
    by more than half of it (at least one item), or hold out everything, is
    passed over.  With one item per key this is the fraction with the
    smallest CRC-32.
    """
    n_val = held_out_count(len(items), fraction)
    keys = [key(x) for x in items]
    ranked = sorted(set(keys), key=lambda k: (zlib.crc32(k.encode("utf-8")), k))
    size = Counter(keys)
    held_keys, count = set(), 0
    for k in ranked:
        if count >= n_val:
            break
        if count + size[k] > n_val + max(1, n_val // 2) or count + size[k] >= len(items):
            continue
        held_keys.add(k)
        count += size[k]
    return [x for x, k in zip(items, keys) if k not in held_keys], [x for x, k in zip(items, keys) if k in held_keys]
