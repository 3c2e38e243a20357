"""JAX or TensorFlow as genapp's default Keras backend: measured side by side.

For each backend, in fresh processes: the bare ``import keras`` time, and the
training of the default names model (``genapp.config`` "names" preset, seed 0) on
corpora/dinos.txt to its best held-out loss: first epoch (with the compile),
later epochs, whole run.

    python benchmarks/backends.py
"""

from __future__ import annotations

import json
import sys
import tempfile
import time

from common import record, run_child, table, wall

BACKENDS = ("jax", "tensorflow")


def child() -> None:
    import keras

    from genapp import paths
    from genapp.products.names import train_names

    marks = []

    def say(line: str) -> None:  # one call per epoch (and a few notes)
        marks.append(time.perf_counter())

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        m = train_names(paths.default_names_corpus(), f"{tmp}/m", say=say)
        total = time.perf_counter() - t
    epochs = m.bundle.training["epochs_run"]
    ends = marks[1 : 1 + epochs]  # marks[0] is the "training a ..." note before fit
    print(json.dumps({
        "backend": keras.backend.backend(),
        "total_s": total,
        "first_epoch_s": ends[0] - marks[0],
        "later_epoch_s": (ends[-1] - ends[0]) / (epochs - 1),
        "epochs": epochs,
        "nats": m.bundle.training["val_nats_per_char"],
    }))


def main() -> None:
    rows, res = [], {}
    for b in BACKENDS:
        imp = wall([sys.executable, "-c", "import keras"], {"KERAS_BACKEND": b, "TF_CPP_MIN_LOG_LEVEL": "3"})
        r = run_child([__file__, "--child"], {"KERAS_BACKEND": b})
        res[b] = (imp, r)
        rows.append([b, imp, r["first_epoch_s"], r["later_epoch_s"], r["total_s"], r["epochs"], r["nats"]])
    (ji, j), (ti, t) = res["jax"], res["tensorflow"]
    rows.append(["tensorflow / jax", ti / ji, t["first_epoch_s"] / j["first_epoch_s"],
                 t["later_epoch_s"] / j["later_epoch_s"], t["total_s"] / j["total_s"], "", ""])
    body = table(
        ["backend", "import keras (s, median of 5)", "first epoch, compile included (s)", "later epochs (s each)",
         "whole training run (s)", "epochs run", "held-out nats/char"],
        rows,
    )
    body += (
        "\n\nOne fresh process per backend trains the default names model (`genapp train-names`"
        " settings, seed 0) on corpora/dinos.txt; the whole run includes building the model, the first-step"
        " compile, early stopping and writing the bundle."
    )
    record("backends", "Keras backend: JAX vs TensorFlow (default names model)", body)


if __name__ == "__main__":
    child() if "--child" in sys.argv else main()
