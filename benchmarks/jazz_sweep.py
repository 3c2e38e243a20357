"""How the improv jazz model's defaults were chosen: a sweep scored on pieces held out by piece (issue #11, item 3).

Each setting trains on the shipped corpus less two pieces (early stopping on
its own validation pieces among the rest) and is scored on the two held-out
pieces, in 2 folds (``common.jazz_folds``; the first two folds of
``jazz_quality.py``), with 2 seeds each (one seed's luck moves a fold by up to
0.05 nats/event); nats per event pooled over folds and seeds, beside the best
Kneser-Ney n-gram on the same events.

Run: ``python benchmarks/jazz_sweep.py`` (records the "jazz_sweep" section of RESULTS.md).
"""

from __future__ import annotations

import tempfile
import time

from common import jazz_folds, record, table

from genapp.config import preset
from genapp.products.jazz import evaluate, train_jazz

BASE = {"units": 64, "dropout": 0.3, "learning_rate": 0.01, "tx": 32, "label_smoothing": 0.1, "members": 3}
SETTINGS = [  # each a change to BASE
    {},
    {"members": 1},
    {"members": 5},
    {"label_smoothing": 0.0},
    {"label_smoothing": 0.2},
    {"members": 1, "label_smoothing": 0.0},  # the default before label smoothing and members
    {"dropout": 0.5},
    {"units": 128},
]
FOLDS = 2
SEEDS = (0, 1)


CHOICE = """How the defaults were chosen: Tx 32, dropout 0.3 and Adam 0.01 by the one-seed sweep before this one
(dropout 0 and 0.5, n_a 32 and 128, Tx 64, learning rates 0.002 and 0.005 scored worse or within noise). This
sweep, two seeds per fold: label smoothing 0.1 on the pitch head (`--label-smoothing`) beat none, with 1 member and
with 3, and 0.2; more members (`--members`) scored the same (3) or better (5) than one; n_a 128 with 3 members and
smoothing 0.1 scored best of all. The default stays n_a 64, one member, no smoothing: the best row, measured as the
default is (`jazz_candidate.py`), scores better on held-out pieces, but its solos miss musical targets of issue #11
that the default's meet."""


def describe(given: dict) -> str:
    p = preset("jazz")
    shown = {**BASE, **given}
    default = {"units": p.units, "dropout": p.dropout, "learning_rate": p.settings.learning_rate, "tx": p.tx,
               "label_smoothing": p.label_smoothing, "members": p.members}
    text = ", ".join(f"{k} {v:g}" for k, v in shown.items())
    return text + (" (**the default**)" if shown == default else "")


def main() -> None:
    folds = jazz_folds(2, FOLDS)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, given in enumerate(SETTINGS):
            model_nats = gram_nats = events = seconds = 0.0
            epochs = []
            for k, (train, held, _) in enumerate(folds):
                for seed in SEEDS:
                    t = time.perf_counter()
                    model = train_jazz(train, f"{tmp}/s{i}f{k}r{seed}", {**BASE, **given, "seed": seed})
                    seconds += time.perf_counter() - t
                    r = evaluate(model, held, train)
                    model_nats += r.model_nats * r.events
                    gram_nats += r.ngram_nats[r.best_order] * r.events
                    events += r.events
                    epochs.append(model.bundle.training["best_epoch"])
            rows.append([describe(given), model_nats / events, model_nats / gram_nats,
                         ", ".join(map(str, epochs)), seconds / len(folds) / len(SEEDS)])
    held = "; ".join(names for _, _, names in folds)
    body = (f"Held out (one fold each): {held}. Pooled over the folds and seeds {', '.join(map(str, SEEDS))}.\n\n"
            f"{table(['setting', 'held-out nats/event', 'model / best KN', 'best epochs (fold, seed)', 'train (s per run)'], rows)}"
            f"\n\n{CHOICE}\n")
    record("jazz_sweep", "Jazz model (improv): settings against held-out pieces", body)


if __name__ == "__main__":
    main()
