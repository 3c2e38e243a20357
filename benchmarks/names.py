"""Issues 2 and 14's figures for the names model: quality against Kneser-Ney, on two lists; novelty; speed.

- Held-out quality: nats per predicted character (every character plus the
  end token) on the fixed 10% split of corpora/dinos.txt, for the shipped
  model, for the settings the default was chosen among (each trained here:
  the default, one member and five, the earlier default, less dropout, the
  other cells), and for character n-grams of orders 1-8 on the same split:
  interpolated Kneser-Ney (``genapp.data.ngram``) and absolute discounting
  (benchmarks/ngram.py).
- The same on a second names list any Python has at hand: the 477 city names
  of the time zone database (``common.city_names``).
- Novelty: share of 1,000 names sampled at T = 1 that are not in the corpus.
- Speed: wall time of `genapp dino-names` in a fresh process next to the bare
  `import keras` of the same backend (median of 5 runs each).

    python benchmarks/names.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from common import city_names, record, table, wall
from ngram import best_ngram, kneser_ney

from genapp import paths
from genapp.config import preset
from genapp.nn.charlm import nats_per_symbol
from genapp.products.names import NamesModel, train_names
from genapp.text.corpus import read_names, split_names
from genapp.text.windows import names_to_arrays


BEFORE = {"members": 1, "embedding": 0, "input_dropout": 0.0, "dropout": 0.0}  # the default until session 7
DEFAULT = "default: LSTM 128, 3 members, 32-wide learned vectors, input dropout 0.3, dropout 0.4"
DINO_RUNS = [
    (DEFAULT, {}),
    ("default, one member", {"members": 1}),
    ("default, five members", {"members": 5}),
    ("default, input dropout 0.2, dropout 0.3", {"input_dropout": 0.2, "dropout": 0.3}),
    ("default, one-hot inputs", {"embedding": 0}),
    ("default with a GRU", {"cell": "gru"}),
    ("default with an RNN", {"cell": "rnn"}),
    ("the earlier default: one-hot, no dropout, one member", BEFORE),
]
CITY_RUNS = [(DEFAULT, {}), ("default, one member", {"members": 1}), ("default, five members", {"members": 5}),
             ("the earlier default: one-hot, no dropout, one member", BEFORE)]


def held_out_nats(model: NamesModel, val: list[str]) -> float:
    x, y = names_to_arrays(val, model.vocab)
    return nats_per_symbol(model.bundle.model, x, y)


def compare(corpus, train: list[str], val: list[str], runs: list[tuple[str, dict]], tmp: str,
            extra: list[list] = ()) -> tuple[str, float, float]:
    """A table of models trained on ``corpus`` (with ``runs``' options; the first: the defaults) and n-grams, on the
    held-out names.

    Returns (table, the default settings' nats, best Kneser-Ney's nats)."""
    rows, trained = list(extra), []
    for i, (label, given) in enumerate(runs):
        t = time.perf_counter()
        m = train_names(corpus, f"{tmp}/{Path(corpus).stem}-{i}", given)
        nats = held_out_nats(m, val)
        trained.append(nats)
        rows.append([label, nats, f"{m.bundle.training['best_epoch']} of {m.bundle.training['epochs_run']}",
                     time.perf_counter() - t])
    kn = kneser_ney(train, val)
    ad = best_ngram(train, val)
    rows += [[f"{n}-gram, interpolated Kneser-Ney", v, "", ""] for n, v in kn]
    rows += [[f"{n}-gram, absolute discounting", v, "", ""] for n, v in ad]
    best_kn = min(v for _, v in kn)
    best_order = min(kn, key=lambda r: r[1])[0]
    text = table(["model", "held-out nats/char", "best epoch", "train wall (s)"], rows)
    text += (f"\n\nBest Kneser-Ney: order {best_order}, {best_kn:.3f} nats/char. Default settings / best Kneser-Ney = "
             f"**{trained[0] / best_kn:.3f}** (issue #14's target: at most 0.92); the best row trained here: "
             f"{min(trained) / best_kn:.3f}. Split: {len(train)} training names, {len(val)} held out (smallest "
             f"CRC-32).")
    return text, trained[0], best_kn


def main() -> None:
    names = read_names(paths.default_names_corpus())
    options = preset("names")
    train, val = split_names(names, options.validation)
    shipped = NamesModel.load(paths.default_names_model())
    shipped_nats = held_out_nats(shipped, val)
    with tempfile.TemporaryDirectory() as tmp:
        quality, _, best_kn = compare(paths.default_names_corpus(), train, val, DINO_RUNS, tmp,
                                      [["the shipped model (models/dinos, the default settings)", shipped_nats, "", ""]])
        quality += f" Shipped model / best Kneser-Ney = **{shipped_nats / best_kn:.3f}**."
        cities = city_names()
        corpus = f"{tmp}/cities.txt"
        with open(corpus, "w", encoding="utf-8") as f:
            f.write("\n".join(cities) + "\n")
        c_train, c_val = split_names(read_names(corpus), options.validation)
        second, _, _ = compare(corpus, c_train, c_val, CITY_RUNS, tmp)

    sample = shipped._sample(1000, __import__("numpy").random.default_rng(0), 1.0, None, "", 40)
    done = [n for n in sample if n is not None]
    new = sum(n not in shipped.known for n in done)
    novelty = (
        f"1,000 names sampled at T = 1 (seed 0): {len(done)} ended within 40 characters;"
        f" **{new / len(done):.1%}** of those are not in corpora/dinos.txt"
        f" ({len(set(done))} distinct)."
    )

    speed_rows = []
    for backend in ("jax", "tensorflow"):
        env = {"KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
        bare = wall([sys.executable, "-c", "import keras"], env)
        tool = wall([sys.executable, "-m", "genapp.cli", "dino-names", "--seed", "1"], env)
        speed_rows.append([backend, bare, tool, tool / bare])
    speed = table(["backend", "import keras (s)", "genapp dino-names (s)", "ratio (target <= 1.3)"], speed_rows)

    body = (f"### Held-out quality: corpora/dinos.txt\n\n{quality}\n\n### Held-out quality: {len(cities)} city names "
            f"of the time zone database\n\n{second}\n\n### Novelty\n\n{novelty}\n\n### Start-up\n\n{speed}\n")
    body += "\nTraining time on each backend: see the backends section."
    record("names", "Dinosaur names: quality, novelty, start-up", body)


if __name__ == "__main__":
    main()
