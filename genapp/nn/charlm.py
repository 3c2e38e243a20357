"""The character (or token) language model: one-hot (or learned vectors) -> recurrent layers -> softmax.

With ``members`` M > 1 the model is an ensemble: M such models side by side
over the same indices, each trained on its own loss (``members_trainee``),
whose probabilities are averaged.

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
from genapp.nn.layers import Carried, HostZeros, OneHot, loading_initializers
from genapp.nn.stepper import Stepper

__all__ = ["CELLS", "CharLMConfig", "build_model", "carried_trainee", "inputs", "members_trainee", "nats_per_symbol",
           "measure", "sequence_log_probs", "stepper", "training_graphs"]


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


def _tag(k: int) -> str:
    """Member k's suffix on its layers' names: none for the first (as in a one-member model), ``_mk`` after."""
    return "" if k == 0 else f"_m{k}"


def _member(ids, config: CharLMConfig, k: int, initialize: bool):
    """Member k's layers over the indices -> its next-symbol probabilities (batch, T, V)."""
    tag = _tag(k)
    if config.embedding:
        init = {} if initialize else {"embeddings_initializer": HostZeros()}
        x = keras.layers.Embedding(config.vocab_size, config.embedding, name=f"embedding{tag}", **init)(ids)  # (b, T, E)
    else:
        x = OneHot(config.vocab_size, name=f"one_hot{tag}")(ids)  # (batch, T, V)
    if config.input_dropout:
        x = keras.layers.Dropout(config.input_dropout, name=f"input_dropout{tag}")(x)  # training only
    for i in range(config.layers):
        x = recurrent_layer(config.cell, config.units, f"recurrent{tag}_{i}", initialize)(x)  # (batch, T, n_a)
        if config.dropout:
            x = keras.layers.Dropout(config.dropout, name=f"dropout{tag}_{i}")(x)  # training only
    dense_init = {} if initialize else loading_initializers()
    return keras.layers.Dense(config.vocab_size, activation="softmax", name=f"softmax{tag}", **dense_init)(x)


def build_model(config: CharLMConfig, initialize: bool = True) -> keras.Model:
    """Indices (batch, T) -> next-symbol probabilities (batch, T, V); with members, the mean of theirs.

    ``initialize=False`` builds with zero weights, for loading a bundle's weights into.
    """
    ids = keras.Input(shape=(None,), dtype="int32", name="ids")  # (batch, T)
    probs = [_member(ids, config, k, initialize) for k in range(config.members)]  # M x (batch, T, V)
    out = probs[0] if config.members == 1 else keras.layers.Average(name="members")(probs)  # (batch, T, V)
    return keras.Model(ids, out, name=f"charlm_{config.cell}")


def _layers_of(model: keras.Model, config: CharLMConfig, k: int):
    """Member k's (input layer, recurrent layers, dropout layers or None, softmax) in ``model``."""
    tag = _tag(k)
    recurrent = [model.get_layer(f"recurrent{tag}_{i}") for i in range(config.layers)]
    dropouts = [model.get_layer(f"dropout{tag}_{i}") if config.dropout else None for i in range(config.layers)]
    return inputs(model, config, k), recurrent, dropouts, model.get_layer(f"softmax{tag}")


def _run_member(model: keras.Model, config: CharLMConfig, k: int, ids, recurrent=None):
    """Member k's layers of ``model`` over ``ids``; ``recurrent(i, layer)`` may replace its recurrent layers."""
    first, layers, dropouts, softmax = _layers_of(model, config, k)
    x = first(ids)
    if config.input_dropout:
        x = model.get_layer(f"input_dropout{_tag(k)}")(x)
    for i, (layer, dropout) in enumerate(zip(layers, dropouts)):
        x = (recurrent(i, layer) if recurrent else layer)(x)  # (batch, T, n_a)
        if dropout is not None:
            x = dropout(x)
    return softmax(x)  # (batch, T, V)


def members_trainee(model: keras.Model, config: CharLMConfig) -> keras.Model:
    """The graph an ensemble trains: every member's probabilities side by side, (batch, T, M x V), over ``model``'s layers.

    Each member then learns on its own loss (``SequenceCrossEntropy(members=M)``),
    as independently trained models do: trained on their mixture's loss instead,
    three members held out worse on dinos.txt than one member alone (a
    throw-away measurement, 2026-12-02).  One member: ``model`` itself.
    """
    if config.members == 1:
        return model
    ids = keras.Input(shape=(None,), dtype="int32", name="member_ids")  # (batch, T)
    probs = [_run_member(model, config, k, ids) for k in range(config.members)]
    return keras.Model(ids, keras.layers.Concatenate(name="members_side_by_side")(probs), name=f"members_{model.name}")


def carried_trainee(model: keras.Model, config: CharLMConfig, streams: int) -> keras.Model:
    """``build_model``'s graph with stateful recurrent layers over its very cells: the state carries across batches.

    Indices (streams, T) -> probabilities (streams, T, M x V) (every member's,
    side by side, as ``members_trainee``), for training on
    ``text.windows.CarriedWindows``; the batch size is fixed (one row per
    stream).  The cells and the softmax are ``model``'s own, so training this
    graph trains ``model`` (the stateless one a bundle holds).  ``training.fit``
    zeroes the states at the start of every epoch and of every validation pass.
    """
    ids = keras.Input(batch_shape=(streams, None), dtype="int32", name="carried_ids")  # (streams, T)
    probs = [_run_member(model, config, k, ids,
                         lambda i, layer, tag=_tag(k): Carried(layer.cell, streams, name=f"carried{tag}_{i}"))
             for k in range(config.members)]  # M x (streams, T, V)
    out = probs[0] if config.members == 1 else keras.layers.Concatenate(name="carried_members")(probs)
    return keras.Model(ids, out, name=f"carried_{model.name}")


def training_graphs(config: CharLMConfig, streams: int | None = None):
    """(the model a bundle holds, the graph to fit, its loss; None: sequence cross-entropy) for ``training``.

    ``streams``: train with the state carried across windows (``carried_trainee``).
    """
    from genapp.nn.losses import SequenceCrossEntropy

    model = build_model(config)
    trainee = carried_trainee(model, config, streams) if streams else members_trainee(model, config)
    return model, trainee, SequenceCrossEntropy(members=config.members) if config.members > 1 else None


def measure(config: CharLMConfig):
    """What held-out text is judged by: an ensemble's mixture (not its members' mean loss); one member: None, the loss."""
    from genapp.nn.losses import SequenceCrossEntropy

    return SequenceCrossEntropy(members=config.members, mixture=True, name="measure") if config.members > 1 else None


def inputs(model: keras.Model, config: CharLMConfig, member: int = 0) -> keras.layers.Layer:
    """``build_model``'s first layer of a member: token indices -> the vectors its first recurrent layer reads."""
    return model.get_layer(("embedding" if config.embedding else "one_hot") + _tag(member))


def stepper(model: keras.Model, config: CharLMConfig) -> Stepper:
    """A one-step graph over the trained cells of ``build_model``'s model (every member's; their mean)."""
    branches = []
    for k in range(config.members):
        first, recurrent, _, softmax = _layers_of(model, config, k)
        branches.append((first, [layer.cell for layer in recurrent], softmax))
    return Stepper(branches, config.units, config.cell)


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
