"""How the text model's settings compare on held-out text (issue #14, item 2): carried state, width, dropout.

Each setting trains ``genapp train-text`` on the shipped corpus (the Python
documentation's help topics, the last 10% held out, as the shipped model) and
is scored two ways on the held-out part: as the training loop validates it
(windows of Tx, each from a zero state; with ``carry``, streams of windows
carrying the state, each stream's first window from zero), and reading the
whole held-out text as one sequence (state carried, as ``genapp score`` reads a
text).  Beside the best interpolated Kneser-Ney n-gram (orders 2-8) fitted on
the same first 90%.  The default settings' row is the shipped model's (it was
trained with them).

Run: ``python benchmarks/text_sweep.py`` (records the "text_sweep" section of RESULTS.md; about 30 minutes on 2 cores).
"""

from __future__ import annotations

import tempfile
import time

from common import record, table
from text import carried_nats

from genapp.data.ngram import KneserNey

SETTINGS = [
    {"carry": True},
    {"units": 512, "dropout": 0.25},
    {"units": 512, "dropout": 0.25, "carry": True},
]


def ratio(nats_and_count: tuple[float, int]) -> float:
    return nats_and_count[0] / nats_and_count[1]


def describe(given: dict) -> str:
    from genapp.config import preset

    p = preset("text")
    shown = {"units": p.units, "dropout": p.dropout, "carry": p.carry, **given}
    return ", ".join(f"{k} {v}" for k, v in shown.items())


def main() -> None:
    from genapp import paths
    from genapp.products.text import TextModel, train_text
    from genapp.text.corpus import default_text

    text, name = default_text()
    rows, best_kn = [], None
    with tempfile.TemporaryDirectory() as tmp:
        for i, given in enumerate(SETTINGS):
            t = time.perf_counter()
            model = train_text(None, f"{tmp}/m{i}", given)
            seconds = time.perf_counter() - t
            tr = model.bundle.training
            cut = tr["tokens"] - tr["validation_tokens"]
            if best_kn is None:  # the same split for every setting
                best_kn = min(ratio(KneserNey([list(text[:cut])], n, len(set(text))).nats([list(text[cut:])]))
                              for n in range(2, 9))
                shipped = TextModel.load(paths.models_dir() / "text")
                one = carried_nats(shipped, text[cut:])
                rows.append([f"{describe({})} (the default: the shipped model)",
                             shipped.bundle.training["val_nats_per_token"], one, one / best_kn,
                             f"{shipped.bundle.training['best_epoch']} of {shipped.bundle.training['epochs_run']}",
                             shipped.bundle.training["train_seconds"]])
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
