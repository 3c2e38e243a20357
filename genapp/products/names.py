"""Invent and score names with a character-level language model.

The library behind ``genapp train-names`` and ``genapp dino-names``; it knows
nothing of the CLI.  What is the names product's own:

    NamesRecipe     a names list -> distinct lower-cased names -> padded rows (x = y shifted right)
    NamesModel      sample names in parallel, one character at a time, until END; log P(name)

A name's probability is P(c1) P(c2 | c1) ... P(END | c1..cn): the model reads
x<1> = 0 and then each character, and the end-of-name token closes the name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from genapp.config import CharLMConfig, NamesOptions, NamesSampling
from genapp.data.digest import sha256_file
from genapp.data.vocab import END, PAD, Vocabulary, never_seen
from genapp.errors import GenappError, param
from genapp.inference import CharLMModel
from genapp.sampling import sample_sequence
from genapp.text.corpus import MAX_NAME_LENGTH, read_names, split_names
from genapp.text.windows import count_targets, names_to_arrays
from genapp.training import Batches, Recipe, TrainingData, train_bundle

KIND = "names"
MAX_ROUNDS = 50  # sampling rounds before giving up on finding enough distinct names
EPOCH_SAMPLES = 5  # names shown after each training epoch


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


class NamesRecipe(Recipe):
    kind, symbol = KIND, "char"

    def __init__(self, corpus: Path):
        self.corpus = Path(corpus)
        self.loaded = NamesModel

    def read(self, options: NamesOptions) -> TrainingData:
        names = read_names(self.corpus)
        if len(names) < 2:
            raise GenappError(f"{param('corpus')} {self.corpus}: has {len(names)} name; at least 2 are needed "
                              "(one is held out)")
        facts = {
            "corpus": self.corpus.name,
            "names": len(names),
            "validation_split": f"the {options.validation:.0%} of names with the smallest CRC-32",
            "known_names": sorted(names),
        }
        return TrainingData(names, "".join(names), sha256_file(self.corpus), facts)

    def vocabulary(self, corpus: TrainingData, options) -> Vocabulary:
        return Vocabulary.build(corpus.symbols, specials=(PAD, END))

    def model_args(self, vocab: Vocabulary, options: NamesOptions) -> dict:
        return CharLMConfig.of(vocab.size, options).to_json()

    def batches(self, corpus: TrainingData, vocab: Vocabulary, options: NamesOptions, args: dict, say) -> Batches:
        names = corpus.data
        train, val = split_names(names, options.validation)
        length = max(len(n) for n in names) + 1
        val_xy = names_to_arrays(val, vocab, length) if val else None
        cfg = CharLMConfig.from_json(args)
        return Batches(
            train=names_to_arrays(train, vocab, length),
            val=val_xy,
            symbols_per_val_seq=count_targets(val_xy[1], vocab) / len(val) if val else None,  # END included
            summary=f"{cfg.describe()} on {len(train)} names from "
                    f"{self.corpus}, {len(val)} held out",
            facts={"validation_names": len(val)},
        )

    def graphs(self, args: dict, options):
        from genapp.nn.charlm import training_graphs

        return training_graphs(CharLMConfig.from_json(args))

    def measure(self, args: dict, options):
        from genapp.nn.charlm import measure

        return measure(CharLMConfig.from_json(args))

    def samples(self, model, args: dict, vocab: Vocabulary, corpus: TrainingData, options: NamesOptions):
        """Five names after each epoch, each marked in-train, held-out or new (as makemore does)."""
        from genapp.nn.charlm import stepper

        train, held = (set(part) for part in split_names(corpus.data, options.validation))
        step = stepper(model, CharLMConfig.from_json(args))
        seed = options.settings.seed

        def names(epoch: int) -> list[str]:
            found = sample_names(step, vocab, EPOCH_SAMPLES, np.random.default_rng([seed, epoch]), 1.0)
            marks = [("in-train" if n in train else "held-out" if n in held else "new") if n else "" for n in found]
            return ["  ".join(f"{display(n)} ({m})" for n, m in zip(found, marks) if n)]

        return names


def sample_names(stepper, vocab: Vocabulary, batch: int, rng: np.random.Generator, temperature: float,
                 top_k: int | None = None, prefix: str = "", max_length: int = NamesSampling.max_length
                 ) -> list[str | None]:
    """Sample ``batch`` names in parallel after ``prefix``; None for a name longer than max_length."""
    pad, end = vocab.index(PAD), vocab.index(END)
    forced = vocab.encode(prefix)
    chars: list[list[int]] = [list(forced) for _ in range(batch)]
    done = np.zeros(batch, dtype=bool)
    no_empty = [pad] if forced else [pad, end]  # a name has at least one character
    steps = sample_sequence(stepper, rng, lambda t: no_empty if t == 0 else [pad], batch=batch, primer=forced,
                            temperature=temperature, top_k=top_k)
    for _, ids in zip(range(max_length + 1 - len(forced)), steps):
        for row in np.flatnonzero(~done):
            if ids[row] == end:
                done[row] = True
            else:
                chars[row].append(int(ids[row]))
        if done.all():
            break
    return ["".join(vocab.decode(c)) if d else None for c, d in zip(chars, done)]


def train_names(corpus: Path, out_dir: Path, given: dict | None = None, preset: str = "default",
                say: Callable[[str], None] | None = None, *, replace: bool = False, resume: bool = False,
                init_from=None, **placement) -> NamesModel:
    """Train on a names list (one per line) and write a names bundle to ``out_dir`` (see ``training.train_bundle``)."""
    return train_bundle(NamesRecipe(corpus), out_dir, given, preset, say, replace=replace, resume=resume,
                        init_from=init_from, **placement)


class NamesModel(CharLMModel):
    """A loaded names bundle, ready to generate and score."""

    KIND = KIND

    def __init__(self, bundle):
        super().__init__(bundle)
        self.known = frozenset(bundle.training.get("known_names", ()))

    def alphabet(self) -> str:
        return "".join(self.vocab.symbols[len(self.vocab.specials) :])

    def check_name(self, text: str, what: str) -> None:
        """GenappError if ``text`` uses characters the model never saw, saying which it knows."""
        unknown = self.vocab.unknown(text)
        if unknown:
            raise GenappError(f"{what} {text!r}: {never_seen(unknown)}; it knows {self.alphabet()!r}")

    def generate(
        self,
        count: int = NamesSampling.count,
        *,
        temperature: float = NamesSampling.temperature,
        top_k: int | None = None,
        seed: int | None = None,
        prefix: str = "",
        novel: bool = False,
        max_length: int = NamesSampling.max_length,
    ) -> list[GeneratedName]:
        """``count`` distinct names; ``novel`` keeps only names absent from the corpus; temperature 0: the likeliest."""
        if count < 1:
            raise GenappError(f"{param('count')} {count}: expected a positive integer")
        if temperature == 0 and count > 1:
            raise GenappError(f"{param('count')} {count}: {param('temperature')} 0 always picks the likeliest "
                              "character, so it gives one name; ask for 1 name or a temperature above 0")
        prefix = prefix.lower()
        self.check_name(prefix, param("prefix"))
        if max_length <= len(prefix):
            raise GenappError(f"{param('max_length')} {max_length}: must be longer than the prefix {prefix!r}")
        rng = np.random.default_rng(seed)
        found: dict[str, GeneratedName] = {}
        for _ in range(MAX_ROUNDS if temperature > 0 else 1):  # greedy sampling finds the same name every round
            # twice what is missing, rounded up to a power of two: few batch shapes, few compiles
            batch = min(1 << max(4, (2 * (count - len(found)) - 1).bit_length()), 4096)
            for name in self._sample(batch, rng, temperature, top_k, prefix, max_length):
                if name is None or name in found or (novel and name in self.known):
                    continue
                found[name] = GeneratedName(name, name not in self.known)
                if len(found) == count:
                    return list(found.values())
        if temperature == 0:
            raise GenappError(f"{param('temperature')} 0: the likeliest name is longer than {param('max_length')} "
                              f"{max_length}{' or in the corpus' if novel else ''}; raise the temperature or the length")
        raise GenappError(
            f"found only {len(found)} of {count} distinct{' new' if novel else ''} names "
            f"in {MAX_ROUNDS} rounds; ask for fewer, or raise {param('temperature')} or {param('max_length')}"
        )

    def _sample(self, batch, rng, temperature, top_k, prefix, max_length) -> list[str | None]:
        return sample_names(self.stepper, self.vocab, batch, rng, temperature, top_k, prefix, max_length)

    def score(self, names: list[str]) -> list[NameScore]:
        """log P(name) under the model for each name (case-insensitive)."""
        lowered = [n.strip().lower() for n in names]
        for original, name in zip(names, lowered):
            if not name:
                raise GenappError(f"{param('names')} {original!r}: empty name")
            if len(name) > MAX_NAME_LENGTH:
                raise GenappError(f"{param('names')}: a name of {len(name):,} characters; at most "
                                  f"{MAX_NAME_LENGTH:,} are scored")
            self.check_name(name, param("names"))
        x, y = names_to_arrays(lowered, self.vocab)
        logp = self.log_probs(x, y)
        return [NameScore(n, float(lp), float(-lp / (len(n) + 1))) for n, lp in zip(lowered, logp)]
