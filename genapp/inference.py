"""A trained bundle loaded for use: the base of every product's model, and its one sampling loop.

    Product.load(path)      bundle on disk -> checked -> Keras model -> typed config -> stepper
    model.sample(...)       genapp.sampling.sample_sequence over the model's stepper

A product's model class names its bundle ``KIND`` and says how to build its
Keras model from the saved arguments (``build``), how to read those
arguments (``read_config``) and how to step through its cells
(``make_stepper``); everything else here is shared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import keras
import numpy as np

from genapp import bundle as bundles
from genapp.data.vocab import Vocabulary
from genapp.sampling import sample_sequence


class LoadedModel:
    """A loaded bundle: ``bundle``, ``vocab``, ``config`` (the product's typed arguments) and ``stepper``."""

    KIND = ""  # the bundle kind: "names", "text", "jazz"
    SYMBOLS = "symbols"  # what the vocabulary holds, in messages: "characters", "values"
    MEMBERS_SIDE_BY_SIDE = False  # an ensemble's model outputs its members' probabilities side by side, not their mean

    def __init__(self, bundle: bundles.Bundle):
        self.bundle = bundle
        self.vocab: Vocabulary = bundle.vocab
        self.config = self.read_config(bundle.config)
        self.stepper = self.make_stepper()

    @classmethod
    def load(cls, path: Path):
        return bundles.load_bundle(path, cls.KIND, cls.build, cls)

    # ---- what a product supplies --------------------------------------------------------------

    @classmethod
    def read_config(cls, args: dict):
        """The saved model arguments -> the product's typed config (ValueError if they do not fit)."""
        raise NotImplementedError

    @classmethod
    def build(cls, args: dict) -> keras.Model:
        """The Keras model for the saved arguments, with zero weights (the bundle's are loaded into it)."""
        raise NotImplementedError

    def make_stepper(self):
        """A ``genapp.nn.stepper.Stepper`` over the loaded model's cells."""
        raise NotImplementedError

    # ---- shared ------------------------------------------------------------------------------

    def sample(self, rng: np.random.Generator, banned: Callable[[int], Sequence[int]], *, batch: int = 1,
               primer: Sequence[int] = (), temperature: float = 1.0, top_k: int | None = None) -> Iterator[np.ndarray]:
        """Indices (batch,) step after step, each fed back (``genapp.sampling.sample_sequence``)."""
        return sample_sequence(self.stepper, rng, banned, batch=batch, primer=primer, temperature=temperature,
                               top_k=top_k)


class CharLMModel(LoadedModel):
    """A loaded character (or token) model (``nn.charlm``): the names and text products' base."""

    SYMBOLS = "characters"

    @classmethod
    def model_args(cls, args: dict) -> dict:
        """The CharLMConfig part of the saved arguments (a product may save more)."""
        return args

    @classmethod
    def read_config(cls, args: dict):
        from genapp.config import CharLMConfig

        return CharLMConfig.from_json(cls.model_args(args))

    @classmethod
    def build(cls, args: dict) -> keras.Model:
        from genapp.nn.charlm import build_model

        return build_model(cls.read_config(args), initialize=False)

    def make_stepper(self):
        from genapp.nn.charlm import stepper

        return stepper(self.bundle.model, self.config)

    def log_probs(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """log P(row) for each row of (inputs, targets) index arrays, PAD targets ignored; shape (m,)."""
        from genapp.data.sequences import PAD_INDEX
        from genapp.nn.charlm import sequence_log_probs

        return sequence_log_probs(self.bundle.model, x, y, PAD_INDEX)
