"""Interpolated Kneser-Ney n-grams: the strongest simple baseline a sequence model must beat.

    lm = KneserNey(sequences, order=3, vocab_size=V)    counts from training sequences of symbols
    lm.nats(sequences)                                   (total nats, events) on other sequences
    lm.nats(sequences, adapt=True)                       the same, counting each symbol once scored

Each sequence is read from its start, padded with ``order - 1`` start
symbols, as genapp's models read x<1> = PAD.  The highest order uses raw
counts, each lower one continuation counts (in how many distinct contexts a
symbol follows), every order discounted by ``discount`` and interpolated
with the next lower, down to the uniform distribution over ``vocab_size``
symbols, so every symbol of the vocabulary has a probability (Chen and
Goodman's interpolated Kneser-Ney).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Sequence

START = ("<s>",)  # the padding before a sequence's first symbol, never a symbol itself


class KneserNey:
    def __init__(self, sequences: Sequence[Sequence[Hashable]], order: int, vocab_size: int, discount: float = 0.75):
        if order < 1 or vocab_size < 1 or not 0 < discount < 1:
            raise ValueError(f"expected order >= 1, vocab_size >= 1, 0 < discount < 1; got {order}, {vocab_size}, {discount}")
        self.order, self.vocab_size, self.discount = order, vocab_size, discount
        self.grams: list[set] = [set() for _ in range(order + 1)]  # grams[m]: the distinct m-grams seen (as tuples)
        # tables[k]: for contexts of k - 1 symbols, the counts of the next symbol (raw at the top, continuation below)
        self.tables: list[dict[tuple, Counter]] = [{} for _ in range(order + 1)]
        self.totals: list[dict[tuple, int]] = [{} for _ in range(order + 1)]
        for seq in sequences:
            padded = self._padded(seq)
            for i in range(len(seq)):
                self._count(tuple(padded[i : i + order]))

    def _padded(self, seq: Sequence[Hashable]) -> list:
        return list(START) * (self.order - 1) + list(seq)

    def _count(self, gram: tuple) -> None:
        """Count one event: ``gram`` is its context of order - 1 symbols (START-padded), then the symbol."""
        self._add(self.order, gram[:-1], gram[-1])
        for m in range(2, self.order + 1):  # (u, h..., w) seen for the first time: w follows h in one more context
            tail = gram[-m:]
            if tail not in self.grams[m]:
                self.grams[m].add(tail)
                self._add(m - 1, tail[1:-1], tail[-1])

    def _add(self, k: int, context: tuple, symbol: Hashable) -> None:
        self.tables[k].setdefault(context, Counter())[symbol] += 1
        self.totals[k][context] = self.totals[k].get(context, 0) + 1

    def prob(self, history: Sequence[Hashable], symbol: Hashable) -> float:
        """P(symbol | the last order - 1 symbols of history), START-padded."""
        return self._prob(tuple(self._padded(history)[len(history) :]), symbol, self.order)  # the last order - 1

    def _prob(self, context: tuple, symbol: Hashable, k: int) -> float:
        if k == 0:
            return 1.0 / self.vocab_size
        lower = self._prob(context[1:], symbol, k - 1)
        counts = self.tables[k].get(context)
        if not counts:
            return lower
        total = self.totals[k][context]
        return max(counts.get(symbol, 0) - self.discount, 0.0) / total + self.discount * len(counts) / total * lower

    def nats(self, sequences: Sequence[Sequence[Hashable]], keep=None, adapt: bool = False) -> tuple[float, int]:
        """(total negative log-probability, events scored); ``keep(symbol)`` False leaves an event out of the score.

        ``adapt``: count every symbol right after scoring it, so that each is
        predicted from the training sequences and everything read before it
        (the n-gram's dynamic evaluation); this model keeps those counts.
        """
        total, events = 0.0, 0
        for seq in sequences:
            padded = self._padded(seq)
            for i, symbol in enumerate(seq):
                gram = tuple(padded[i : i + self.order])  # the context, then the symbol
                if keep is None or keep(symbol):
                    total -= math.log(self._prob(gram[:-1], symbol, self.order))
                    events += 1
                if adapt:
                    self._count(gram)
        return total, events
