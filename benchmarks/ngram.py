"""A smoothed character n-gram model: the baseline genapp's language models must beat.

Interpolated absolute discounting (discount D = 0.75) down to a uniform
distribution over the vocabulary: for a context h of n-1 characters,

    P(c | h) = max(N(h c) - D, 0) / N(h) + D * T(h) / N(h) * P(c | h')

where N counts training occurrences, T(h) is the number of distinct
characters seen after h, and h' drops h's first character.  Each sequence is
scored on every character plus its end token, exactly as the neural models are.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

START = "\x02"
STOP = "\n"
DISCOUNT = 0.75


class CharNgram:
    def __init__(self, order: int, sequences: list[str], discount: float = DISCOUNT):
        self.order, self.d = order, discount
        self.vocab = sorted(set("".join(sequences)) | {STOP})
        self.counts: list[dict[str, Counter]] = [defaultdict(Counter) for _ in range(order)]
        for seq in sequences:
            padded = START * (order - 1) + seq + STOP
            for i in range(order - 1, len(padded)):
                for k in range(order):  # k = context length
                    self.counts[k][padded[i - k : i]][padded[i]] += 1
        # per context: N(h) and T(h), computed once
        self.totals = [{h: (sum(c.values()), len(c)) for h, c in level.items()} for level in self.counts]

    def prob(self, context: str, char: str) -> float:
        p = 1.0 / len(self.vocab)
        for k in range(self.order):
            h = context[len(context) - k :] if k else ""
            seen = self.counts[k].get(h)
            if not seen:
                continue
            total, types = self.totals[k][h]
            p = max(seen[char] - self.d, 0) / total + self.d * types / total * p
        return p

    def nats(self, sequences: list[str]) -> tuple[float, int]:
        """(total negative log-likelihood in nats, number of predicted symbols)."""
        total, n = 0.0, 0
        for seq in sequences:
            padded = START * (self.order - 1) + seq + STOP
            for i in range(self.order - 1, len(padded)):
                total -= math.log(self.prob(padded[i - self.order + 1 : i], padded[i]))
                n += 1
        return total, n


def best_ngram(train: list[str], test: list[str], orders=range(1, 9)) -> list[tuple[int, float]]:
    """[(order, nats per symbol on test)] for each order."""
    rows = []
    for n in orders:
        total, count = CharNgram(n, train).nats(test)
        rows.append((n, total / count))
    return rows


def kneser_ney(train: list[str], test: list[str], orders=range(2, 9)) -> list[tuple[int, float]]:
    """[(order, nats per symbol on test)] for interpolated Kneser-Ney (``genapp.data.ngram``), each sequence
    scored on every character plus its end token, as ``best_ngram`` and the neural models are."""
    from genapp.data.ngram import KneserNey

    seqs = [list(s) + [STOP] for s in train]
    tests = [list(s) + [STOP] for s in test]
    vocab = len(set("".join(train)) | set("".join(test)) | {STOP})
    rows = []
    for n in orders:
        total, count = KneserNey(seqs, n, vocab).nats(tests)
        rows.append((n, total / count))
    return rows
