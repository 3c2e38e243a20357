"""The character (or token) language model: one-hot (or learned vectors) -> recurrent layers -> softmax.

Training reads whole sequences (``build_model``); sampling walks the very
same cells one step at a time (``stepper``, a ``nn.stepper.Stepper``), carrying
each layer's state, so the inference graph shares the trained weights instead
of copying them.  The model's arguments are ``genapp.config.CharLMConfig``.

Cells, as in the textbook equations (``genapp.reference`` proves the match):
``rnn`` is keras SimpleRNN (tanh), ``gru`` is keras GRU with
``reset_after=False`` (the relevance gate applied before the matrix product),
``lstm`` is keras LSTM.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from genapp.config import CELLS, CharLMConfig
from genapp.nn.layers import Carried, OneHot, loading_initializers
from genapp.nn.stepper import Stepper

__all__ = ["CELLS", "CharLMConfig", "build_model", "carried_trainee", "inputs", "nats_per_symbol", "sequence_log_probs",
           "stepper"]


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
    if config.embedding:
        init = {} if initialize else {"embeddings_initializer": "zeros"}
        x = keras.layers.Embedding(config.vocab_size, config.embedding, name="embedding", **init)(ids)  # (batch, T, E)
    else:
        x = OneHot(config.vocab_size, name="one_hot")(ids)  # (batch, T, V)
    for i in range(config.layers):
        x = recurrent_layer(config.cell, config.units, f"recurrent_{i}", initialize)(x)  # (batch, T, n_a)
        if config.dropout:
            x = keras.layers.Dropout(config.dropout, name=f"dropout_{i}")(x)  # training only
    dense_init = {} if initialize else loading_initializers()
    probs = keras.layers.Dense(config.vocab_size, activation="softmax", name="softmax", **dense_init)(x)  # (batch, T, V)
    return keras.Model(ids, probs, name=f"charlm_{config.cell}")


def carried_trainee(model: keras.Model, config: CharLMConfig, streams: int) -> keras.Model:
    """``build_model``'s graph with stateful recurrent layers over its very cells: the state carries across batches.

    Indices (streams, T) -> probabilities (streams, T, V), for training on
    ``text.windows.CarriedWindows``; the batch size is fixed (one row per
    stream).  The cells and the softmax are ``model``'s own, so training this
    graph trains ``model`` (the stateless one a bundle holds).  ``training.fit``
    zeroes the states at the start of every epoch and of every validation pass.
    """
    ids = keras.Input(batch_shape=(streams, None), dtype="int32", name="carried_ids")  # (streams, T)
    x = inputs(model, config)(ids)  # (streams, T, V or E)
    for i in range(config.layers):
        x = Carried(model.get_layer(f"recurrent_{i}").cell, streams, name=f"carried_{i}")(x)  # (streams, T, n_a)
        if config.dropout:
            x = keras.layers.Dropout(config.dropout, name=f"carried_dropout_{i}")(x)
    probs = model.get_layer("softmax")(x)  # (streams, T, V)
    return keras.Model(ids, probs, name=f"carried_{model.name}")


def inputs(model: keras.Model, config: CharLMConfig) -> keras.layers.Layer:
    """``build_model``'s first layer: token indices -> the vectors the first recurrent layer reads."""
    return model.get_layer("embedding" if config.embedding else "one_hot")


def stepper(model: keras.Model, config: CharLMConfig) -> Stepper:
    """A one-step graph over the trained cells of ``build_model``'s model."""
    cells = [model.get_layer(f"recurrent_{i}").cell for i in range(config.layers)]
    return Stepper(inputs(model, config), cells, model.get_layer("softmax"), config.units, config.cell)


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
