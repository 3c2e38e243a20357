"""Which learning rate the classic jazz model generalises best with, held out by piece (issue #11, item 3).

Trains the classic model (n_a 64, Tx 30, the default preset otherwise) on the
shipped corpus with a quarter of the pieces held out (two or more), once per
learning rate, and scores each on the held-out pieces with ``genapp evaluate``
beside Kneser-Ney n-grams fitted on the training pieces.

Run: ``python benchmarks/jazz_sweep.py`` (records the "jazz_sweep" section of RESULTS.md).
"""

from __future__ import annotations

import tempfile
import time

from common import jazz_split, record, table

from genapp.products.jazz import evaluate, train_jazz

RATES = (0.01, 0.003, 0.001)
HELD = 0.25


def main() -> None:
    train, held, names = jazz_split(HELD)
    rows, best_gram = [], (0.0, 0)
    with tempfile.TemporaryDirectory() as tmp:
        for rate in RATES:
            t = time.perf_counter()
            model = train_jazz(train, f"{tmp}/lr{rate}", {"learning_rate": rate})
            seconds = time.perf_counter() - t
            result = evaluate(model, held, train)
            best_gram = result.ngram_nats[result.best_order], result.best_order
            rows.append([rate, model.bundle.training["best_epoch"], result.model_nats, result.model_nats / best_gram[0],
                         seconds])
    body = (f"Trained on {len(train)} sources, held out {names}; early stopping on the "
            f"model's own validation piece among the training sources (the held-out pieces are never seen).\n\n"
            f"{table(['learning rate', 'best epoch (own validation)', 'held-out nats/value', 'model / best KN', 'train (s)'], rows)}"
            f"\n\nBest Kneser-Ney n-gram on the same events: order {best_gram[1]}, {best_gram[0]:.3f} nats/value.\n")
    record("jazz_sweep", "Jazz model: learning rate against held-out pieces", body)


if __name__ == "__main__":
    main()
