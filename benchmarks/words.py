"""Issue #14's shipped word-level text model (``models/words``) against word n-grams, on the text it held out.

- Held-out nats per word on the last 10% of its corpus (the Python
  documentation's help topics, the shipped character model's corpus, read as
  lower-cased words and punctuation marks with ``<eos>`` after sentences; the
  words outside its vocabulary read as ``<unk>``): as validated in training
  (windows of Tx words, each from a zero state) and reading the held-out text
  as one sequence (state carried); beside the same model trained with one-hot
  inputs instead of learned input vectors (``--embedding 0``, every other
  setting the shipped model's), and interpolated Kneser-Ney word n-grams of
  orders 2-6 (``genapp.data.ngram``) fitted on the same first 90% of the same
  tokens (the n-grams see across window boundaries).
- A sample of the shipped model at the default temperature.
- Start-up: ``genapp write --model words`` in a fresh process next to a bare
  ``import keras`` (median of 5 runs each; issue #14's target: within 1.3x).

    python benchmarks/words.py
"""

from __future__ import annotations

import sys
import tempfile

import numpy as np
from common import record, table, wall

from genapp import paths
from genapp.data.ngram import KneserNey
from genapp.data.sequences import shift_right
from genapp.products.text import TextModel, train_text
from genapp.text.corpus import default_text
from genapp.text.tokens import encode, tokenize

PROMPT = "The for statement"


def held_out(model: TextModel, words: list[str]) -> tuple[np.ndarray, np.ndarray, float]:
    """(training ids, held-out ids, nats per word reading the held-out ids as one sequence)."""
    t = model.bundle.training
    ids = np.asarray(encode(words, model.vocab), np.int32)  # (N,)
    if len(ids) != t["tokens"]:
        raise SystemExit(f"the corpus has {len(ids)} words; the model trained on {t['tokens']}: not the same text")
    cut = t["tokens"] - t["validation_tokens"]
    held = ids[cut:]
    probs = np.asarray(model.bundle.model(shift_right(held)[None], training=False))[0]  # (N_held, V)
    return ids[:cut], held, float(-np.log(np.maximum(probs[np.arange(len(held)), held], 1e-300)).mean())


def shipped_options(model: TextModel) -> dict:
    """The options the shipped model was trained with (its shape, its vocabulary size, its settings)."""
    c = model.bundle.config
    shape = {k: c[k] for k in ("cell", "units", "layers", "dropout", "embedding", "level", "tx")}
    return {**shape, "vocab_size": model.vocab.size, **model.bundle.training["settings"]}


def main() -> None:
    text, _ = default_text()
    words = tokenize(text, "word")
    shipped = TextModel.load(paths.models_dir() / "words")
    options = shipped_options(shipped)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        one_hot = train_text(None, f"{tmp}/one-hot", {**options, "embedding": 0})
        for label, model in ((f"shipped: learned input vectors (--embedding {options['embedding']})", shipped),
                             ("the same with one-hot inputs (--embedding 0)", one_hot)):
            train, held, carried = held_out(model, words)
            t = model.bundle.training
            rows.append([f"{label}, as validated", t["val_nats_per_token"], t["best_epoch"], t["train_seconds"]])
            rows.append([f"{label}, held-out text as one sequence", carried, "", ""])
    kn = []
    for n in range(2, 7):
        total, count = KneserNey([train.tolist()], n, shipped.vocab.size).nats([held.tolist()])
        kn.append((n, total / count))
        rows.append([f"{n}-gram, interpolated Kneser-Ney", total / count, "", ""])
    order, best = min(kn, key=lambda r: r[1])
    unk = sum(w not in shipped.vocab for w in words)
    sample = "".join(shipped.write(PROMPT, length=60, seed=1))
    bare = wall([sys.executable, "-c", "import keras"], {"KERAS_BACKEND": "jax"})
    start = wall([sys.executable, "-m", "genapp.cli", "write", "--model", "words", "--prompt", PROMPT, "--seed", "1"])
    t = shipped.bundle.training
    settings = ", ".join(f"{k} {v}" for k, v in options.items())
    body = (f"Corpus: the Python documentation's help topics (`pydoc_data.topics` of Python {sys.version.split()[0]}), "
            f"{len(words):,} word tokens, the last {t['validation_tokens']:,} held out; {unk:,} of the words are "
            f"outside the model's vocabulary and read as `<unk>`. Options: {settings}.\n\n"
            + table(["model", "held-out nats/word", "best epoch", "train (s)"], rows)
            + f"\n\nBest Kneser-Ney: order {order}, {best:.3f} nats/word. Shipped model / best Kneser-Ney = "
              f"**{t['val_nats_per_token'] / best:.3f}** as validated.\n\n"
              f"`genapp write --model words --prompt \"{PROMPT}\" --length 60 --seed 1`:\n\n> {PROMPT}{sample}\n\n"
            + table(["import keras (s)", "genapp write --model words (s)", "ratio (target <= 1.3)"],
                    [[bare, start, start / bare]]))
    record("words", "Word-level text model: against word n-grams, learned input vectors against one-hot", body)


if __name__ == "__main__":
    main()
