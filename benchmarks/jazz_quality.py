"""The shipped jazz model on the piece it held out, beside Kneser-Ney n-grams fitted on the pieces it trained on.

The split is the model's own (``genapp.data.split``: the pieces whose names
have the smallest CRC-32), so the held-out piece is one the model never
learned from; ``genapp evaluate`` computes both scores on the same events.

Run: ``python benchmarks/jazz_quality.py`` (records the "jazz_quality" section of RESULTS.md).
"""

from __future__ import annotations

from common import jazz_split, record, table

from genapp import paths
from genapp.config import preset
from genapp.products.jazz import JazzModel, evaluate


def main() -> None:
    train, held, names = jazz_split(preset("jazz").validation)
    model = JazzModel.load(paths.models_dir() / "jazz")
    result = evaluate(model, held, train)
    best = result.ngram_nats[result.best_order]
    rows = [["shipped jazz model (classic grammar, n_a 64, Tx 30)", result.model_nats]]
    rows += [[f"Kneser-Ney {k}-gram", v] for k, v in result.ngram_nats.items()]
    body = (f"Held out: {names} ({result.events} values; {result.unknown} values the model "
            f"never saw left out of every score). Trained on the other {len(train)} sources.\n\n"
            f"{table(['model', 'held-out nats/value'], rows)}\n\n"
            f"Model / best n-gram ({result.best_order}-gram) = **{result.model_nats / best:.3f}** (issue #11's target: "
            f"at most 0.85).\n")
    record("jazz_quality", "Jazz model against Kneser-Ney on its held-out piece", body)


if __name__ == "__main__":
    main()
