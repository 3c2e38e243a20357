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

from genapp.checks import from_json, recurrent_weights, require_positive_ints, require_weights_at_most
from genapp.nn.layers import OneHot, loading_initializers

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
        require_positive_ints(self, "vocab_size", "units", "layers")
        require_weights_at_most(self.weights(), "a model")

    def weights(self) -> int:
        """How many weights the model has: the recurrent layers and the softmax Dense."""
        first = recurrent_weights(self.cell, self.vocab_size, self.units)
        deeper = (self.layers - 1) * recurrent_weights(self.cell, self.units, self.units)
        return first + deeper + self.units * self.vocab_size + self.vocab_size

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "CharLMConfig":
        return from_json(cls, data)


def recurrent_layer(cell: str, units: int, name: str, initialize: bool = True) -> keras.layers.Layer:
    """One recurrent layer returning the whole sequence of hidden states."""
    # Weights about to be overwritten by a bundle's need no random start: host
    # zeros skip JAX's compile of the initializers (~0.9 s per process).
    init = {} if initialize else loading_initializers(recurrent=True)
    if cell == "rnn":
        return keras.layers.SimpleRNN(units, return_sequences=True, name=name, **init)
    if cell == "gru":
        return keras.layers.GRU(units, reset_after=False, return_sequences=True, name=name, **init)
    if cell == "lstm":
        forget = {} if initialize else {"unit_forget_bias": False}
        return keras.layers.LSTM(units, return_sequences=True, name=name, **init, **forget)
    raise ValueError(f"expected cell to be one of {', '.join(CELLS)}, got {cell!r}")


def build_model(config: CharLMConfig, initialize: bool = True) -> keras.Model:
    """Indices (batch, T) -> next-symbol probabilities (batch, T, V).

    ``initialize=False`` builds with zero weights, for loading a bundle's weights into.
    """
    ids = keras.Input(shape=(None,), dtype="int32", name="ids")  # (batch, T)
    x = OneHot(config.vocab_size, name="one_hot")(ids)  # (batch, T, V)
    for i in range(config.layers):
        x = recurrent_layer(config.cell, config.units, f"recurrent_{i}", initialize)(x)  # (batch, T, n_a)
    dense_init = {} if initialize else loading_initializers()
    probs = keras.layers.Dense(config.vocab_size, activation="softmax", name="softmax", **dense_init)(x)  # (batch, T, V)
    return keras.Model(ids, probs, name=f"charlm_{config.cell}")


class Stepper:
    """Run trained recurrent cells one step at a time: (indices, states) -> (probabilities, states).

    The step graph is a second functional model over trained layers (the same
    cell objects, so the same weights): x<t> -> one-hot -> each cell with its
    state carried in -> softmax.  ``predict_on_batch`` compiles it once per
    batch size, which on these CPUs is several times faster than calling the
    cells eagerly.  Shared by the names/text models and the jazz model.
    """

    def __init__(self, one_hot: keras.layers.Layer, cells: list, dense: keras.layers.Layer, units: int, cell: str):
        self.units = units
        self.n_states = 2 if cell == "lstm" else 1  # a<t> (and c<t> for the LSTM)
        self.n_layers = len(cells)
        ids = keras.Input(shape=(1,), dtype="int32", name="step_ids")  # (batch, 1)
        x = one_hot(ids)  # (batch, 1, V)
        states_in, states_out = [], []
        for i, c in enumerate(cells):
            state = [keras.Input(shape=(units,), name=f"state_{i}_{j}") for j in range(self.n_states)]
            x, *new = keras.layers.RNN(c, return_sequences=True, return_state=True, name=f"step_{i}")(
                x, initial_state=state
            )  # (batch, 1, n_a), states (batch, n_a)
            states_in += state
            states_out += new
        probs = dense(x[:, 0, :])  # (batch, V)
        self.graph = keras.Model([ids, *states_in], [probs, *states_out], name="step")

    @classmethod
    def for_charlm(cls, model: keras.Model, config: CharLMConfig) -> "Stepper":
        cells = [model.get_layer(f"recurrent_{i}").cell for i in range(config.layers)]
        return cls(model.get_layer("one_hot"), cells, model.get_layer("softmax"), config.units, config.cell)

    def initial_states(self, batch: int) -> list[np.ndarray]:
        """Zero states a<0> (and c<0>) for every layer, flattened layer by layer."""
        return [np.zeros((batch, self.units), np.float32) for _ in range(self.n_layers * self.n_states)]

    def step(self, indices: np.ndarray, states: list[np.ndarray]) -> tuple[np.ndarray, list[np.ndarray]]:
        """indices (batch,) -> probabilities (batch, V) as float64, and the new states."""
        probs, *new_states = self.graph.predict_on_batch([np.asarray(indices, np.int32)[:, None], *states])
        return np.asarray(probs, dtype=np.float64), [np.asarray(s) for s in new_states]


def nats_per_symbol(model: keras.Model, x: np.ndarray, y: np.ndarray, pad: int = 0) -> float:
    """Mean cross-entropy per predicted symbol (PAD targets ignored) over the rows."""
    return float(-sequence_log_probs(model, x, y, pad).sum() / int((y != pad).sum()))


def sequence_log_probs(model: keras.Model, x: np.ndarray, y: np.ndarray, pad: int = 0, batch: int = 256) -> np.ndarray:
    """log P(row) for each row of (x, y), padding ignored; shape (m,)."""
    out = []
    for i in range(0, len(x), batch):
        probs = np.asarray(ops.convert_to_numpy(model(x[i : i + batch], training=False)), np.float64)  # (b, T, V)
        yb = y[i : i + batch]
        picked = np.take_along_axis(probs, yb[..., None], axis=-1)[..., 0]  # (b, T)
        logp = np.log(np.maximum(picked, 1e-300)) * (yb != pad)
        out.append(logp.sum(axis=-1))
    return np.concatenate(out)
