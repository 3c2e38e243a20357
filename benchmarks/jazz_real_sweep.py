"""The jazz model's shape for real solos: settings trained on corpora/wjd, judged on the tunes it holds out.

Every row trains on the Weimar Jazz Database solos (``--corpus wjd``; the
held-out tunes of ``corpora/wjd/README.md`` are its validation, used to keep
the best epoch) for at most ``EPOCHS`` epochs, then ``genapp evaluate`` reads
each held-out solo from its start and scores it beside Kneser-Ney n-grams of
orders 1-8 fitted on the training solos (the same events).  The rows vary
width (n_a), the window (Tx), the ensemble, dropout, label smoothing and the
batch; the previous default (three members of 128, Tx 32, batch 16, label
smoothing 0.1) is the first row.  The default preset
(``genapp.config.JazzOptions``, the last row) combines the two changes that
helped most (Tx 128, no label smoothing) at a width that keeps ``models/``
within its 15 MB (the bundle without optimizer state: 3 MB).

Run: ``python benchmarks/jazz_real_sweep.py [--keep DIR]`` (records the
"jazz_real_sweep" section of RESULTS.md; ``--keep`` keeps each row's bundle).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from common import record, table

from genapp import paths
from genapp.music.corpus import expand
from genapp.products.jazz import evaluate, train_jazz

EPOCHS = 12
SMOOTH = {"label_smoothing": 0.1, "dropout": 0.3}  # 0.3's regularisation, explicit in every row it applies to
ROWS = {
    "0.3 default: 3 x 128, Tx 32, batch 16": {"members": 3, "units": 128, "tx": 32, "batch_size": 16, **SMOOTH},
    "256, Tx 64, batch 32": {"members": 1, "units": 256, "tx": 64, "batch_size": 32, **SMOOTH},
    "320, Tx 64, batch 32": {"members": 1, "units": 320, "tx": 64, "batch_size": 32, **SMOOTH},
    "320, Tx 128, batch 32": {"members": 1, "units": 320, "tx": 128, "batch_size": 32, **SMOOTH},
    "320, Tx 64, batch 32, dropout 0.4": {"members": 1, "units": 320, "tx": 64, "batch_size": 32, **SMOOTH,
                                          "dropout": 0.4},
    "320, Tx 64, batch 32, no label smoothing": {"members": 1, "units": 320, "tx": 64, "batch_size": 32, **SMOOTH,
                                                 "label_smoothing": 0.0},
    "2 x 192, Tx 64, batch 32": {"members": 2, "units": 192, "tx": 64, "batch_size": 32, **SMOOTH},
    "the default since 0.4: 320, Tx 128, batch 32, no label smoothing": {},
}


def weights_mb(path: Path) -> float:
    """The bundle's weights alone (no optimizer state), in MB of float32."""
    from genapp.products.jazz import JazzModel

    return JazzModel.load(path).bundle.model.count_params() * 4 / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="keep each row's bundle in this folder")
    parser.add_argument("--rows", help="comma-separated row numbers to run (default: all)")
    args = parser.parse_args()
    wjd = str(paths.shipped_music_corpus("wjd"))
    files = expand([wjd])[0]
    chosen = [r for i, r in enumerate(ROWS) if not args.rows or str(i) in args.rows.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, label in enumerate(chosen):
            out = (args.keep or Path(tmp)) / f"row{i}"
            t = time.perf_counter()
            model = train_jazz([wjd], out, {**ROWS[label], "epochs": EPOCHS}, replace=True)
            seconds = time.perf_counter() - t
            held = set(model.bundle.training["validation_pieces"])
            r = evaluate(model, [f for f in files if Path(f).name in held], [f for f in files if Path(f).name not in held],
                         orders=(1, 2, 3, 4, 5, 6, 7, 8))
            best = r.ngram_nats[r.best_order]
            rows.append([label, r.model_nats, f"{best:.3f} ({r.best_order})", r.model_nats / best,
                         model.bundle.training["best_epoch"], seconds, weights_mb(out)])
            print(rows[-1], flush=True)
    body = (f"Held out: {r.pieces} solos of whole tunes ({r.events} events), read from their starts; every row "
            f"trained at most {EPOCHS} epochs on the other solos with the default learning rate and its drops.\n\n"
            + table(["setting", "held-out nats/event", "best Kneser-Ney (order)", "model / KN (target <= 0.85)",
                     "best epoch", "training (s)", "weights (MB)"], rows))
    record("jazz_real_sweep", "Jazz model (improv) on real solos: settings against held-out tunes", body)


if __name__ == "__main__":
    main()
