"""Invent and score names with a character-level language model.

The library behind ``genapp dino-names``; it knows nothing of the CLI.

    train_names(corpus, out_dir, ...)   corpus -> dataset -> model -> fit -> bundle
    NamesModel.load(path)               bundle -> model + stepper over its cells
    model.generate(count, ...)          sample names one character at a time
    model.score(names)                  log P(name) and nats per character

A name's probability is P(c1) P(c2 | c1) ... P(END | c1..cn): the model reads
x<1> = 0 and then each character, and the end-of-name token closes the name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np

from genapp import bundle as bundles
from genapp.errors import GenappError
from genapp.nn.charlm import CharLMConfig, Stepper, build_model, sequence_log_probs
from genapp.sampling import sample_indices
from genapp.text.corpus import MAX_NAME_LENGTH, file_sha256, read_names, split_names
from genapp.text.dataset import count_targets, names_to_arrays
from genapp.text.vocab import END, PAD, Vocabulary
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

KIND = "names"
VALIDATION_FRACTION = 0.1
MAX_ROUNDS = 50  # sampling rounds before giving up on finding enough distinct names
# The default model, chosen by measurement (benchmarks/names.py, figures in benchmarks/RESULTS.md).
DEFAULT_CONFIG = {"cell": "lstm", "units": 128, "layers": 1}
DEFAULT_SETTINGS = TrainSettings(learning_rate=0.01)


@dataclass(frozen=True)
class GeneratedName:
    name: str  # lower case, as the model spells it
    is_new: bool  # absent from the training corpus

    def __repr__(self) -> str:
        return f"GeneratedName({self.name!r}, {'new' if self.is_new else 'in corpus'})"


@dataclass(frozen=True)
class NameScore:
    name: str
    log_prob: float  # natural log of P(name), END included
    nats_per_char: float  # -log_prob / (characters + 1 for END)


def display(name: str) -> str:
    """How names are printed: first letter capitalised, the rest as sampled."""
    return name[:1].upper() + name[1:]


def train_names(
    corpus: Path,
    out_dir: Path,
    config: dict | None = None,
    settings: TrainSettings = DEFAULT_SETTINGS,
    say: Callable[[str], None] | None = None,
    *,
    replace: bool = False,
    resume: bool = False,
) -> "NamesModel":
    """Train on a names list (one per line) and write a bundle to ``out_dir``.

    ``out_dir`` must be new or empty, or (with ``replace``) a names bundle;
    ``resume`` continues the names bundle there (weights, optimizer state,
    epoch count).  The bundle is written whenever validation improves, so an
    interrupted run keeps its best epoch.
    """
    bundle_target(out_dir, KIND, replace=replace, resume=resume)
    names = read_names(corpus)
    if len(names) < 2:
        raise GenappError(f"corpus {corpus}: has {len(names)} name; at least 2 are needed (one is held out)")
    train, val = split_names(names, VALIDATION_FRACTION)
    previous = NamesModel.load(out_dir) if resume else None
    if previous is not None:
        unknown = previous.vocab.unknown("".join(names))
        if unknown:
            raise GenappError(f"--resume: the corpus {corpus} has characters the model in {out_dir} never saw "
                              f"({' '.join(repr(c) for c in unknown[:5])}); train a new model instead")
        check_resumed_shape(previous.bundle.config, config or {}, out_dir)
        vocab, cfg = previous.vocab, previous.config
    else:
        vocab = Vocabulary.build("".join(names), specials=(PAD, END))
        cfg = CharLMConfig(vocab_size=vocab.size, **{**DEFAULT_CONFIG, **{k: v for k, v in (config or {}).items() if v is not None}})
    seed_everything(settings.seed)
    model = build_model(cfg)
    if previous is not None:
        model.set_weights(previous.bundle.model.get_weights())
    compile_model(model, settings, pad_index=vocab.index(PAD))
    length = max(len(n) for n in names) + 1
    train_xy = names_to_arrays(train, vocab, length)
    val_xy = names_to_arrays(val, vocab, length)
    per_name = count_targets(val_xy[1], vocab) / len(val)  # predicted characters per held-out name, END included
    corpus_sha = file_sha256(corpus)
    start = resume_from(previous.bundle, out_dir, previous.bundle.training.get("corpus_sha256") == corpus_sha,
                        settings.epochs) if previous else Resume()
    if say:
        say(
            f"training a {cfg.layers}-layer {cfg.cell.upper()} ({cfg.units} units) on {len(train)} names "
            f"from {corpus}, {len(val)} held out; backend {keras.backend.backend()}"
            + (f"; resuming after epoch {previous.bundle.training.get('best_epoch')}" if previous else "")
        )
    facts = {
        "corpus": Path(corpus).name,
        "corpus_sha256": corpus_sha,
        "names": len(names),
        "validation_names": len(val),
        "validation_split": f"the {VALIDATION_FRACTION:.0%} of names with the smallest CRC-32",
        "known_names": sorted(names),
    }
    result = train_and_save(
        out_dir=out_dir, kind=KIND, model=model, vocab=vocab, config=cfg.to_json(), facts=facts, train=train_xy,
        val=val_xy, settings=settings, say=say, val_symbols_per_seq=per_name,
        symbol="char", resume=start,
    )
    if say:
        if result.improved:
            say(f"best epoch {result.best_epoch}: {result.best_val_loss / per_name:.3f} nats/char held out; "
                f"bundle written to {out_dir}")
        else:
            say(f"no epoch beat the saved model's validation loss; {out_dir} is unchanged")
    return NamesModel.load(out_dir)


def _build_for_loading(args: dict) -> keras.Model:
    return build_model(CharLMConfig.from_json(args), initialize=False)


class NamesModel:
    """A loaded names bundle, ready to generate and score."""

    def __init__(self, bundle: bundles.Bundle):
        self.bundle = bundle
        self.vocab = bundle.vocab
        self.config = CharLMConfig.from_json(bundle.config)
        self.stepper = Stepper.for_charlm(bundle.model, self.config)
        self.known = frozenset(bundle.training.get("known_names", ()))

    @classmethod
    def load(cls, path: Path) -> "NamesModel":
        return bundles.load_bundle(path, KIND, _build_for_loading, cls)

    def alphabet(self) -> str:
        return "".join(s for s in self.vocab.symbols[len(self.vocab.specials) :])

    def check_symbols(self, text: str, what: str) -> None:
        """GenappError if ``text`` uses characters the model never saw."""
        unknown = self.vocab.unknown(text)
        if unknown:
            shown = " ".join(repr(c) for c in unknown)
            raise GenappError(
                f"{what} {text!r}: characters the model never saw in training: {shown}; "
                f"it knows {self.alphabet()!r}"
            )

    def generate(
        self,
        count: int,
        *,
        temperature: float = 1.0,
        top_k: int | None = None,
        seed: int | None = None,
        prefix: str = "",
        novel: bool = False,
        max_length: int = 30,
    ) -> list[GeneratedName]:
        """``count`` distinct names; ``novel`` keeps only names absent from the corpus."""
        if count < 1:
            raise GenappError(f"count: expected a positive integer, got {count}")
        prefix = prefix.lower()
        self.check_symbols(prefix, "--prefix")
        if max_length <= len(prefix):
            raise GenappError(f"--max-length {max_length}: must be longer than the prefix {prefix!r}")
        rng = np.random.default_rng(seed)
        found: dict[str, GeneratedName] = {}
        for _ in range(MAX_ROUNDS):
            # twice what is missing, rounded up to a power of two: few batch shapes, few compiles
            batch = min(1 << max(4, (2 * (count - len(found)) - 1).bit_length()), 4096)
            for name in self._sample(batch, rng, temperature, top_k, prefix, max_length):
                if name is None or name in found or (novel and name in self.known):
                    continue
                found[name] = GeneratedName(name, name not in self.known)
                if len(found) == count:
                    return list(found.values())
        raise GenappError(
            f"found only {len(found)} of {count} distinct{' new' if novel else ''} names "
            f"in {MAX_ROUNDS} rounds; ask for fewer, or raise --temperature or --max-length"
        )

    def _sample(self, batch, rng, temperature, top_k, prefix, max_length) -> list[str | None]:
        """Sample ``batch`` names in parallel; None for a name longer than max_length."""
        pad, end = self.vocab.index(PAD), self.vocab.index(END)
        forced = self.vocab.encode(prefix)
        ids = np.full(batch, pad, dtype=np.int32)  # x<1> = 0 for every row
        states = self.stepper.initial_states(batch)
        chars: list[list[int]] = [[] for _ in range(batch)]
        done = np.zeros(batch, dtype=bool)
        for t in range(max_length + 1):
            probs, states = self.stepper.step(ids, states)  # (batch, V)
            if t < len(forced):
                ids = np.full(batch, forced[t], dtype=np.int32)
            else:
                banned = [pad] if t > 0 else [pad, end]  # no empty names
                ids = sample_indices(probs, rng, temperature, top_k, banned).astype(np.int32)
            for row in np.flatnonzero(~done):
                if ids[row] == end:
                    done[row] = True
                else:
                    chars[row].append(int(ids[row]))
            if done.all():
                break
        return ["".join(self.vocab.decode(c)) if d else None for c, d in zip(chars, done)]

    def score(self, names: list[str]) -> list[NameScore]:
        """log P(name) under the model for each name (case-insensitive)."""
        lowered = [n.strip().lower() for n in names]
        for original, name in zip(names, lowered):
            if not name:
                raise GenappError(f"--score {original!r}: empty name")
            if len(name) > MAX_NAME_LENGTH:
                raise GenappError(f"--score: a name of {len(name):,} characters; at most {MAX_NAME_LENGTH:,} are scored")
            self.check_symbols(name, "--score")
        x, y = names_to_arrays(lowered, self.vocab)
        logp = sequence_log_probs(self.bundle.model, x, y, self.vocab.index(PAD))
        return [NameScore(n, float(lp), float(-lp / (len(n) + 1))) for n, lp in zip(lowered, logp)]

