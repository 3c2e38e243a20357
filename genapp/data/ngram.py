"""Interpolated Kneser-Ney n-grams: the strongest simple baseline a sequence model must beat.

    lm = KneserNey(sequences, order=3, vocab_size=V)    counts from training sequences of symbols
    lm.nats(sequences)                                   (total nats, events) on other sequences

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
from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence

START = ("<s>",)  # the padding before a sequence's first symbol, never a symbol itself


class KneserNey:
    def __init__(self, sequences: Sequence[Sequence[Hashable]], order: int, vocab_size: int, discount: float = 0.75):
        if order < 1 or vocab_size < 1 or not 0 < discount < 1:
            raise ValueError(f"expected order >= 1, vocab_size >= 1, 0 < discount < 1; got {order}, {vocab_size}, {discount}")
        self.order, self.vocab_size, self.discount = order, vocab_size, discount
        grams: list[set] = [set() for _ in range(order + 1)]  # grams[m]: the distinct m-grams seen (as tuples)
        top: dict[tuple, Counter] = defaultdict(Counter)  # context of order-1 symbols -> counts of what follows
        for seq in sequences:
            padded = list(START) * (order - 1) + list(seq)
            for i in range(order - 1, len(padded)):
                top[tuple(padded[i - order + 1 : i])][padded[i]] += 1
                for m in range(1, order + 1):
                    grams[m].add(tuple(padded[i - m + 1 : i + 1]))
        # tables[k]: for contexts of k - 1 symbols, the counts of the next symbol (raw at the top, continuation below)
        self.tables: list[dict[tuple, Counter]] = [{} for _ in range(order + 1)]
        self.tables[order] = dict(top)
        for k in range(1, order):
            cont: dict[tuple, Counter] = defaultdict(Counter)
            for gram in grams[k + 1]:  # (u, h..., w) seen: w follows h in one more distinct context
                cont[gram[1:-1]][gram[-1]] += 1
            self.tables[k] = dict(cont)
        self.totals = [{h: sum(c.values()) for h, c in t.items()} for t in self.tables]

    def prob(self, history: Sequence[Hashable], symbol: Hashable) -> float:
        """P(symbol | the last order - 1 symbols of history), START-padded."""
        padded = (list(START) * (self.order - 1) + list(history))[-(self.order - 1) :] if self.order > 1 else []
        return self._prob(tuple(padded), symbol, self.order)

    def _prob(self, context: tuple, symbol: Hashable, k: int) -> float:
        if k == 0:
            return 1.0 / self.vocab_size
        lower = self._prob(context[1:], symbol, k - 1)
        counts = self.tables[k].get(context)
        if not counts:
            return lower
        total = self.totals[k][context]
        return max(counts.get(symbol, 0) - self.discount, 0.0) / total + self.discount * len(counts) / total * lower

    def nats(self, sequences: Sequence[Sequence[Hashable]], keep=None) -> tuple[float, int]:
        """(total negative log-probability, events scored); ``keep(symbol)`` False leaves an event out of the score."""
        total, events = 0.0, 0
        for seq in sequences:
            for i, symbol in enumerate(seq):
                if keep is None or keep(symbol):
                    total -= math.log(self.prob(seq[max(0, i - self.order + 1) : i], symbol))
                    events += 1
        return total, events
