"""Language models on any text: train, write (continue a prompt), score.

The library behind ``genapp train-text``, ``genapp write`` and ``genapp score``.
It shares everything with the names model: the model (one-hot -> recurrent
layers -> softmax, ``nn.charlm``), the step graph, sampling, training with
clipping and early stopping, and the bundle format (kind "text").

    train_text(texts, out_dir, level=...)   text -> tokens -> index stream -> windows -> fit -> bundle
    TextModel.load(path)                    bundle -> model + step graph
    model.write(prompt, length, ...)        tokens, one at a time (a generator: print as they come)
    model.score(texts)                      log P(text) and nats per token

Training never builds all windows at once: the corpus is one int32 array, and
``WindowStream`` cuts each batch of windows from it when Keras asks, so a
corpus of many megabytes costs 4 bytes per token.  Each window of Tx tokens is
read as x = (PAD, t1 .. t(Tx-1)) and predicts y = (t1 .. tTx), from zero states,
exactly as the names model.  Validation is the last 10% of the corpus (by position).
"""

from __future__ import annotations

import hashlib
import platform
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import keras
import numpy as np

from genapp import bundle as bundles
from genapp.errors import GenappError
from genapp.nn.charlm import CharLMConfig, Stepper, build_model, sequence_log_probs
from genapp.sampling import sample_indices
from genapp.text.corpus import read_text
from genapp.text.tokens import LEVELS, WORD_SPECIALS, build_vocab, encode, tokenize
from genapp.text.vocab import PAD, UNK, Vocabulary
from genapp.targets import bundle_target
from genapp.training import (
    Resume,
    TrainSettings,
    check_resumed_shape,
    compile_model,
    resume_from,
    seed_everything,
    train_and_save,
)

KIND = "text"
DEFAULT_CONFIG = {"cell": "lstm", "units": 256, "layers": 1}
DEFAULT_SETTINGS = TrainSettings(epochs=30, batch_size=64, learning_rate=0.005, clipvalue=5.0, patience=3)
DEFAULT_TX = 100
DEFAULT_VOCAB_SIZE = 5000  # word level, reserved tokens included
VALIDATION_FRACTION = 0.1
DEFAULT_CORPUS_NAME = "python-docs"


@dataclass(frozen=True)
class TextConfig:
    """What a text bundle was trained as, besides the model arguments."""

    level: str  # "char" or "word"
    tx: int  # window length in tokens

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"expected level to be one of {LEVELS}, got {self.level!r}")
        if not isinstance(self.tx, int) or self.tx < 2:
            raise ValueError(f"expected tx to be an integer >= 2, got {self.tx!r}")


def default_corpus() -> tuple[str, str]:
    """(text, description): the help topics of the Python documentation, from the installed ``pydoc_data``.

    Read at run time from the Python standard library (no text is copied into
    the repository): every topic, in name order, separated by blank lines.
    """
    from pydoc_data import topics

    text = "\n\n".join(topics.topics[k].strip() for k in sorted(topics.topics))
    return text, f"{DEFAULT_CORPUS_NAME} (pydoc_data.topics of Python {platform.python_version()})"


def read_corpus(paths: list[Path]) -> str:
    """The files' texts (UTF-8), separated by blank lines; GenappError naming a bad file."""
    return "\n\n".join(read_text(Path(p), "corpus") for p in paths)


class WindowStream(keras.utils.PyDataset):
    """Batches of (x, y) windows cut from one index array on demand.

    Windows are non-overlapping and shifted by a random offset each epoch
    (when shuffling), so every epoch sees new cuts of the same text.
    """

    def __init__(self, ids: np.ndarray, tx: int, batch_size: int, shuffle: bool, seed: int = 0,
                 max_batches: int | None = None):
        super().__init__()
        self.ids, self.tx, self.batch_size, self.shuffle = ids, tx, batch_size, shuffle
        self.rng = np.random.default_rng(seed)
        self.span = len(ids) - tx  # last possible start
        self.n_windows = self.span // tx + 1
        self.max_batches = max_batches
        self.on_epoch_end()

    def __len__(self) -> int:
        n = -(-self.n_windows // self.batch_size)
        return min(n, self.max_batches) if self.max_batches else n

    def on_epoch_end(self) -> None:
        offset = int(self.rng.integers(0, self.span - (self.n_windows - 1) * self.tx + 1)) if self.shuffle else 0
        self.starts = offset + self.tx * np.arange(self.n_windows)
        if self.shuffle:
            self.rng.shuffle(self.starts)

    def __getitem__(self, i: int):
        starts = self.starts[i * self.batch_size : (i + 1) * self.batch_size]
        y = self.ids[starts[:, None] + np.arange(self.tx)[None, :]]  # (b, Tx)
        x = np.zeros_like(y)  # x<1> = PAD
        x[:, 1:] = y[:, :-1]
        return x, y


def train_text(
    texts: list[str] | None,
    out_dir: Path,
    level: str | None = None,
    config: dict | None = None,
    settings: TrainSettings = DEFAULT_SETTINGS,
    tx: int | None = None,
    validation: float = VALIDATION_FRACTION,
    vocab_size: int = DEFAULT_VOCAB_SIZE,
    corpus_name: str = "",
    say: Callable[[str], None] | None = None,
    max_batches: int | None = None,
    *,
    replace: bool = False,
    resume: bool = False,
) -> "TextModel":
    """Train on the texts (default: the shipped Python-docs corpus) and write a text bundle.

    ``level`` and ``tx`` default to "char" and ``DEFAULT_TX`` (for a resumed
    bundle: its own, which must not change).  ``out_dir``, ``replace`` and
    ``resume`` as for ``genapp.names.train_names``.
    """
    bundle_target(out_dir, KIND, replace=replace, resume=resume)
    previous = TextModel.load(out_dir) if resume else None
    if previous is not None:
        check_resumed_shape({**previous.bundle.config}, {"level": level, "tx": tx, **(config or {})}, out_dir)
        level, tx = previous.level, previous.text_config.tx
    level, tx = level or "char", tx or DEFAULT_TX
    if level == "word" and vocab_size <= len(WORD_SPECIALS):
        raise GenappError(
            f"--vocab-size {vocab_size}: must be larger than the {len(WORD_SPECIALS)} reserved tokens "
            f"({', '.join(WORD_SPECIALS)})"
        )
    if texts is None:
        text, corpus_name = default_corpus()
    else:
        text = "\n\n".join(texts)
    tokens = tokenize(text, level)
    if previous is not None:
        vocab = previous.vocab
        unknown = vocab.unknown(tokens) if level == "char" else []
        if unknown:
            raise GenappError(f"--resume: the corpus has characters the model in {out_dir} never saw "
                              f"({' '.join(repr(c) for c in unknown[:5])}); train a new model instead")
    else:
        vocab = build_vocab(tokens, level, vocab_size if level == "word" else None)
    ids = np.asarray(encode(tokens, vocab), dtype=np.int32)  # (N,)
    del tokens
    cut = len(ids) - int(len(ids) * validation) if validation > 0 else len(ids)
    if cut < tx + 1:
        raise GenappError(f"corpus too small: {len(ids)} {level} tokens; --tx {tx} needs at least {tx + 1} for training")
    train_stream = WindowStream(ids[:cut], tx, settings.batch_size, True, settings.seed, max_batches)
    val_stream = WindowStream(ids[cut:], tx, settings.batch_size, False) if len(ids) - cut >= tx else None
    if previous is not None:
        cfg = previous.config
    else:
        cfg = CharLMConfig(vocab_size=vocab.size, **{**DEFAULT_CONFIG, **{k: v for k, v in (config or {}).items() if v is not None}})
    seed_everything(settings.seed)
    model = build_model(cfg)
    if previous is not None:
        model.set_weights(previous.bundle.model.get_weights())
    compile_model(model, settings, pad_index=vocab.index(PAD))
    corpus_sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    start = resume_from(previous.bundle, out_dir, previous.bundle.training.get("corpus_sha256") == corpus_sha,
                        settings.epochs) if previous else Resume()
    if say:
        say(
            f"training a {cfg.layers}-layer {cfg.cell.upper()} ({cfg.units} units) on {cut:,} {level} tokens "
            f"({vocab.size - len(vocab.specials)} distinct), {len(ids) - cut:,} held out; Tx {tx}; backend {keras.backend.backend()}"
            + (f"; resuming after epoch {previous.bundle.training.get('best_epoch')}" if previous else "")
        )
    facts = {
        "corpus": corpus_name,
        "corpus_sha256": corpus_sha,
        "tokens": int(len(ids)),
        "validation_tokens": int(len(ids) - cut),
        "validation_split": f"the last {validation:.0%} of the corpus",
        "unknown_tokens": int((ids == vocab.index(UNK)).sum()) if UNK in vocab else 0,
    }
    result = train_and_save(
        out_dir=out_dir, kind=KIND, model=model, vocab=vocab, config={**cfg.to_json(), **asdict(TextConfig(level, tx))},
        facts=facts, train=train_stream, val=val_stream, settings=settings, say=say,
        val_symbols_per_seq=tx if val_stream else None, symbol="token", resume=start,
    )
    if say:
        nats = f"{result.best_val_loss / tx:.3f} nats/{level} held out; " if result.best_val_loss is not None else ""
        say(f"best epoch {result.best_epoch}: {nats}bundle written to {out_dir}" if result.improved
            else f"no epoch beat the saved model's validation loss; {out_dir} is unchanged")
    return TextModel.load(out_dir)


@dataclass(frozen=True)
class TextScore:
    text: str
    log_prob: float  # natural log of P(text)
    nats_per_token: float
    tokens: int
    unknown: int  # words scored as <unk>


class TextModel:
    """A loaded text bundle, ready to write and score."""

    def __init__(self, bundle: bundles.Bundle):
        self.bundle = bundle
        args = dict(bundle.config)
        self.text_config = TextConfig(args.pop("level"), args.pop("tx"))
        self.config = CharLMConfig.from_json(args)
        self.vocab: Vocabulary = bundle.vocab
        self.stepper = Stepper.for_charlm(bundle.model, self.config)

    @classmethod
    def load(cls, path: Path) -> "TextModel":
        def build(args: dict) -> keras.Model:
            args = {k: v for k, v in args.items() if k not in ("level", "tx")}
            return build_model(CharLMConfig.from_json(args), initialize=False)

        return bundles.load_bundle(path, KIND, build, cls)

    @property
    def level(self) -> str:
        return self.text_config.level

    def unknown_chars(self, text: str) -> list[str]:
        return self.vocab.unknown(text) if self.level == "char" else []

    def prompt_ids(self, prompt: str) -> tuple[list[int], str | None]:
        """The prompt's last Tx-1 token indices, and a note on what was dropped or mapped, if anything."""
        note = None
        tokens = tokenize(prompt, self.level)
        if self.level == "char":
            unknown = self.vocab.unknown(tokens)
            if unknown:
                note = (f"--prompt: characters the model never saw were left out: {' '.join(repr(c) for c in unknown)} "
                        f"(the model knows {self.vocab.size - 1} characters)")
                tokens = [t for t in tokens if t in self.vocab]
        else:
            unknown = sorted({t for t in tokens if t not in self.vocab})
            if unknown:
                note = f"--prompt: {len(unknown)} words the model never saw are read as <unk>: {', '.join(unknown[:5])}"
        ids = encode(tokens, self.vocab)
        return ids[-(self.text_config.tx - 1):], note

    def write(self, prompt_ids: list[int], length: int, temperature: float = 1.0, top_k: int | None = None,
              seed: int | None = None) -> Iterator[str]:
        """Yield ``length`` tokens continuing the prompt; <unk> and PAD are never emitted."""
        if length < 1:
            raise GenappError(f"--length {length}: expected a positive number of tokens")
        rng = np.random.default_rng(seed)
        banned = [self.vocab.index(PAD)] + ([self.vocab.index(UNK)] if UNK in self.vocab else [])
        states = self.stepper.initial_states(1)
        probs = None
        for i in [self.vocab.index(PAD)] + prompt_ids:  # x<1> = 0, then the prompt primes the state
            probs, states = self.stepper.step(np.array([i]), states)
        for _ in range(length):
            i = int(sample_indices(probs, rng, temperature, top_k, banned)[0])
            yield self.vocab.symbols[i]
            probs, states = self.stepper.step(np.array([i]), states)

    def score(self, texts: list[str]) -> list[TextScore]:
        """log P(text) for each text; characters outside the vocabulary are an error."""
        scores = []
        for text in texts:
            unknown = self.unknown_chars(text)
            if unknown:
                raise GenappError(
                    f"score {text!r}: characters the model never saw: {' '.join(repr(c) for c in unknown)}; "
                    "P(text) would be zero"
                )
            tokens = tokenize(text, self.level)
            if not tokens:
                raise GenappError(f"score {text!r}: no tokens to score")
            ids = np.array([encode(tokens, self.vocab)], np.int32)  # (1, T)
            x = np.zeros_like(ids)
            x[:, 1:] = ids[:, :-1]
            logp = float(sequence_log_probs(self.bundle.model, x, ids, self.vocab.index(PAD))[0])
            n_unk = sum(t not in self.vocab for t in tokens) if self.level == "word" else 0
            scores.append(TextScore(text, logp, -logp / len(tokens), len(tokens), n_unk))
        return scores
