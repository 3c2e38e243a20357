"""How the text model's settings compare on held-out text (issue #14, item 2): carried state, width, dropout.

Each setting trains ``genapp train-text`` on the shipped corpus (the Python
documentation's help topics, the last 10% held out, as the shipped model) and
is scored two ways on the held-out part: as the training loop validates it
(windows of Tx, each from a zero state; with ``carry``, streams of windows
carrying the state, each stream's first window from zero), and reading the
whole held-out text as one sequence (state carried, as ``genapp score`` reads a
text).  Beside the best interpolated Kneser-Ney n-gram (orders 2-8) fitted on
the same first 90%.  The row of the default settings is the shipped model's
(it was trained with them); the others are trained here.

Run: ``python benchmarks/text_sweep.py`` (records the "text_sweep" section of RESULTS.md; about 45 minutes on 2 cores).
"""

from __future__ import annotations

import tempfile
import time

from common import record, table
from text import carried_nats

from genapp.data.ngram import KneserNey

SETTINGS = [
    {"units": 512, "input_dropout": 0.0, "dropout": 0.25, "carry": False},  # the default of session 6
    {"units": 512, "input_dropout": 0.1, "dropout": 0.35, "carry": False},  # the default since session 7
    {"units": 512, "input_dropout": 0.2, "dropout": 0.45, "carry": False},  # more regularisation still
    {"units": 256, "input_dropout": 0.1, "dropout": 0.35, "carry": False},  # narrower
    {"units": 512, "input_dropout": 0.1, "dropout": 0.35, "carry": True},  # the state carried (one device only)
]


def ratio(nats_and_count: tuple[float, int]) -> float:
    return nats_and_count[0] / nats_and_count[1]


def is_default(given: dict) -> bool:
    from genapp.config import preset

    p = preset("text")
    return given == {"units": p.units, "input_dropout": p.input_dropout, "dropout": p.dropout, "carry": p.carry}


def describe(given: dict) -> str:
    text = ", ".join(f"{k} {v}" for k, v in given.items())
    return text + (" (the default: the shipped model)" if is_default(given) else "")


def main() -> None:
    from genapp import paths
    from genapp.products.text import TextModel, train_text
    from genapp.text.corpus import default_text

    text, name = default_text()
    rows = []
    shipped = TextModel.load(paths.models_dir() / "text")
    cut = shipped.bundle.training["tokens"] - shipped.bundle.training["validation_tokens"]  # every model's split
    best_kn = min(ratio(KneserNey([list(text[:cut])], n, len(set(text))).nats([list(text[cut:])])) for n in range(2, 9))
    with tempfile.TemporaryDirectory() as tmp:
        for i, given in enumerate(SETTINGS):
            t = time.perf_counter()
            model = shipped if is_default(given) else train_text(None, f"{tmp}/m{i}", given)
            tr = model.bundle.training
            seconds = tr["train_seconds"] if model is shipped else time.perf_counter() - t
            carried = carried_nats(model, text[cut:])
            rows.append([describe(given), tr["val_nats_per_token"], carried, carried / best_kn,
                         f"{tr['best_epoch']} of {tr['epochs_run']}", seconds])
    body = (f"Corpus: {name}, the last 10% held out; best interpolated Kneser-Ney n-gram (orders 2-8): "
            f"{best_kn:.3f} nats/char.\n\n"
            + table(["setting", "nats/char as validated", "nats/char, held-out text as one sequence",
                     "one sequence / best KN", "best epoch", "train (s)"], rows)
            + "\n\nIssue #14's target: at most 0.85x the best Kneser-Ney n-gram.\n")
    record("text_sweep", "Text model: settings against held-out text", body)


if __name__ == "__main__":
    main()
