"""Issue 2's figures for the names model: quality, novelty, speed.

- Held-out quality: nats per predicted character (every character plus the
  end token) on the fixed 10% split of corpora/dinos.txt, for the shipped
  model, for each cell trained with the default settings, and for smoothed
  character n-grams (benchmarks/ngram.py) of orders 1-8 on the same split.
- Novelty: share of 1,000 names sampled at T = 1 that are not in the corpus.
- Speed: wall time of `genapp dino-names` in a fresh process next to the bare
  `import keras` of the same backend (median of 5 runs each).

    python benchmarks/names.py
"""

from __future__ import annotations

import sys
import tempfile
import time

from common import record, table, wall
from ngram import best_ngram

from genapp import paths
from genapp.config import preset
from genapp.nn.charlm import nats_per_symbol
from genapp.products.names import NamesModel, train_names
from genapp.text.corpus import read_names, split_names
from genapp.text.windows import names_to_arrays


def held_out_nats(model: NamesModel, val: list[str]) -> float:
    x, y = names_to_arrays(val, model.vocab)
    return nats_per_symbol(model.bundle.model, x, y)


def main() -> None:
    names = read_names(paths.default_names_corpus())
    options = preset("names")
    train, val = split_names(names, options.validation)
    shipped = NamesModel.load(paths.default_names_model())
    shipped_nats = held_out_nats(shipped, val)

    grams = best_ngram(train, val)
    best_order, best_gram = min(grams, key=lambda r: r[1])
    rows = [[f"shipped model ({options.cell}, {options.units} units)", shipped_nats, "", ""]]
    with tempfile.TemporaryDirectory() as tmp:
        for cell in ("rnn", "gru", "lstm"):
            t = time.perf_counter()
            m = train_names(paths.default_names_corpus(), f"{tmp}/{cell}", {"cell": cell})
            rows.append([f"{cell}, {options.units} units, default settings", held_out_nats(m, val),
                         m.bundle.training["best_epoch"], time.perf_counter() - t])
    rows += [[f"{n}-gram, absolute discounting", v, "", ""] for n, v in grams]
    quality = table(["model", "held-out nats/char", "best epoch", "train wall (s)"], rows)
    quality += (
        f"\n\nBest n-gram: order {best_order}, {best_gram:.3f} nats/char. Shipped model / best n-gram ="
        f" **{shipped_nats / best_gram:.3f}** (below 1 means the model is better)."
        f" Split: {len(train)} training names, {len(val)} held out (smallest CRC-32)."
    )

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

    body = f"### Held-out quality\n\n{quality}\n\n### Novelty\n\n{novelty}\n\n### Start-up\n\n{speed}\n"
    body += "\nTraining time on each backend: see the backends section."
    record("names", "Dinosaur names: quality, novelty, start-up", body)


if __name__ == "__main__":
    main()
