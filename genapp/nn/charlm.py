"""The character (or token) language model: one-hot -> recurrent layers -> softmax.

Training reads whole sequences (``build_model``); sampling walks the very
same cells one step at a time (``Stepper``), carrying each layer's state, so
the inference graph shares the trained weights instead of copying them.

Cells, as in the textbook equations (``genapp.reference`` proves the match):
``rnn`` is keras SimpleRNN (tanh), ``gru`` is keras GRU with
``reset_after=False`` (the relevance gate applied before the matrix product),
``lstm`` is keras LSTM.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import keras
import numpy as np
from keras import ops

from genapp.nn.layers import OneHot

CELLS = ("rnn", "gru", "lstm")


@dataclass(frozen=True)
class CharLMConfig:
    """Model arguments, saved in the bundle so sampling rebuilds what was trained."""

    vocab_size: int
    cell: str = "lstm"  # rnn | gru | lstm
    units: int = 128  # n_a, the hidden state size of every layer
    layers: int = 1  # stacked recurrent layers (deep RNN)

    def __post_init__(self) -> None:
        if self.cell not in CELLS:
            raise ValueError(f"expected cell to be one of {', '.join(CELLS)}, got {self.cell!r}")
        for name in ("vocab_size", "units", "layers"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"expected {name} to be a positive integer, got {value!r}")

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "CharLMConfig":
        return cls(**data)


def recurrent_layer(cell: str, units: int, name: str) -> keras.layers.Layer:
    """One recurrent layer returning the whole sequence of hidden states."""
    if cell == "rnn":
        return keras.layers.SimpleRNN(units, return_sequences=True, name=name)
    if cell == "gru":
        return keras.layers.GRU(units, reset_after=False, return_sequences=True, name=name)
    if cell == "lstm":
        return keras.layers.LSTM(units, return_sequences=True, name=name)
    raise ValueError(f"expected cell to be one of {', '.join(CELLS)}, got {cell!r}")


def build_model(config: CharLMConfig) -> keras.Model:
    """Indices (batch, T) -> next-symbol probabilities (batch, T, V)."""
    ids = keras.Input(shape=(None,), dtype="int32", name="ids")  # (batch, T)
    x = OneHot(config.vocab_size, name="one_hot")(ids)  # (batch, T, V)
    for i in range(config.layers):
        x = recurrent_layer(config.cell, config.units, f"recurrent_{i}")(x)  # (batch, T, n_a)
    probs = keras.layers.Dense(config.vocab_size, activation="softmax", name="softmax")(x)  # (batch, T, V)
    return keras.Model(ids, probs, name=f"charlm_{config.cell}")


class Stepper:
    """Run a trained model one step at a time: (indices, states) -> (probabilities, states)."""

    def __init__(self, model: keras.Model, config: CharLMConfig):
        self.config = config
        self.one_hot = model.get_layer("one_hot")
        self.cells = [model.get_layer(f"recurrent_{i}").cell for i in range(config.layers)]
        self.dense = model.get_layer("softmax")

    def initial_states(self, batch: int) -> list[list]:
        """Zero states a<0> (and c<0> for the LSTM) for every layer."""
        n_states = 2 if self.config.cell == "lstm" else 1
        return [[ops.zeros((batch, self.config.units)) for _ in range(n_states)] for _ in self.cells]

    def step(self, indices: np.ndarray, states: list[list]) -> tuple[np.ndarray, list[list]]:
        """indices (batch,) -> probabilities (batch, V) as NumPy float64, and the new states."""
        x = self.one_hot(ops.expand_dims(ops.convert_to_tensor(indices, "int32"), 1))[:, 0, :]  # (batch, V)
        new_states = []
        for cell, state in zip(self.cells, states):
            x, state = cell(x, state)  # (batch, n_a)
            new_states.append(list(state) if isinstance(state, (list, tuple)) else [state])
        probs = self.dense(x)  # (batch, V)
        return np.asarray(ops.convert_to_numpy(probs), dtype=np.float64), new_states
