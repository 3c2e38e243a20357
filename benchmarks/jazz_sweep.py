"""How the improv jazz model's defaults were chosen: a sweep scored on pieces held out by piece (issue #11, item 3).

Each setting trains on the shipped corpus less two pieces (early stopping on
its own validation pieces among the rest) and is scored on the two held-out
pieces, in 2 folds (``common.jazz_folds``; the first two folds of
``jazz_quality.py``); pooled nats per event, beside the best Kneser-Ney
n-gram on the same events.

Run: ``python benchmarks/jazz_sweep.py`` (records the "jazz_sweep" section of RESULTS.md).
"""

from __future__ import annotations

import tempfile
import time

from common import jazz_folds, record, table

from genapp.config import preset
from genapp.products.jazz import evaluate, train_jazz

SETTINGS = [
    {"dropout": 0.0},
    {},  # the default preset
    {"dropout": 0.5},
    {"units": 128},
    {"units": 32},
    {"learning_rate": 0.005},
    {"learning_rate": 0.002},
    {"tx": 64},
]
FOLDS = 2


def describe(given: dict) -> str:
    p = preset("jazz")
    shown = {"units": p.units, "dropout": p.dropout, "learning_rate": p.settings.learning_rate, "tx": p.tx, **given}
    text = ", ".join(f"{k} {v:g}" for k, v in shown.items())
    return text + (" (default)" if not given else "")


def main() -> None:
    folds = jazz_folds(2, FOLDS)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, given in enumerate(SETTINGS):
            model_nats = gram_nats = events = seconds = 0.0
            epochs = []
            for k, (train, held, _) in enumerate(folds):
                t = time.perf_counter()
                model = train_jazz(train, f"{tmp}/s{i}f{k}", given)
                seconds += time.perf_counter() - t
                r = evaluate(model, held, train)
                model_nats += r.model_nats * r.events
                gram_nats += r.ngram_nats[r.best_order] * r.events
                events += r.events
                epochs.append(model.bundle.training["best_epoch"])
            rows.append([describe(given), model_nats / events, model_nats / gram_nats,
                         ", ".join(map(str, epochs)), seconds / len(folds)])
    held = "; ".join(names for _, _, names in folds)
    body = (f"Held out (one fold each): {held}. Pooled over the folds.\n\n"
            f"{table(['setting', 'held-out nats/event', 'model / best KN', 'best epochs', 'train (s per fold)'], rows)}"
            "\n")
    record("jazz_sweep", "Jazz model (improv): settings against held-out pieces", body)


if __name__ == "__main__":
    main()
