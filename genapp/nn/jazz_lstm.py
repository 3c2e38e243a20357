"""The jazz LSTM: one set of layers (Reshape -> LSTM -> Dense softmax) shared across time.

Its arguments are ``genapp.config.JazzConfig`` (n_values, n_a, Tx).

Three graphs over the *same* layer objects (so the same weights):

``unrolled_model``  the classic training graph: for t = 1..Tx, take x<t> from
                    X (m, Tx, n_values), reshape it to (m, 1, n_values), run the
                    shared LSTM from the carried (a, c), apply the shared Dense;
                    one softmax output per step.  Inputs [X, a0, c0].
``fused_model``     the very same LSTM cell and Dense applied as one pass over
                    the sequence (an RNN wrapper around the shared cell); the
                    same outputs for the same weights, much faster to compile
                    and run.  This is the graph genapp trains and saves.
``inference_model`` the classic one-to-many graph: from x<1> (and a0, c0) run Ty
                    steps, each step's chosen value (a registered ``SampleOneHot``
                    layer: argmax, or a Gumbel-max sample at a temperature from a
                    noise input) fed back as the next input.

Generation in genapp walks the cell with ``nn.stepper.Stepper`` instead (a one-step
graph compiled once, then a NumPy sampling loop), which is the same computation
without compiling Ty unrolled steps; ``tests/test_jazz_lstm.py`` checks they agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
from keras import ops

from genapp.config import JazzConfig
from genapp.nn.layers import OneHot, loading_initializers
from genapp.nn.stepper import Stepper


@keras.saving.register_keras_serializable(package="genapp")
class TimeStep(keras.layers.Layer):
    """X (m, T, n) -> X[:, t, :] (m, n): the registered stand-in for the classic Lambda slice."""

    def __init__(self, index: int, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(index, int) or index < 0:
            raise ValueError(f"expected index to be a non-negative integer, got {index!r}")
        self.index = index

    def call(self, x):
        return x[:, self.index, :]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])

    def get_config(self):
        return {**super().get_config(), "index": self.index}


@keras.saving.register_keras_serializable(package="genapp")
class SampleOneHot(keras.layers.Layer):
    """[probabilities (m, n), gumbel noise (m, n)] -> one-hot of the chosen value (m, n).

    temperature 0: argmax (the classic behaviour).  Otherwise the Gumbel-max
    trick: argmax(log p / T + g) with g ~ Gumbel(0, 1) is a sample from
    softmax(log p / T); the noise comes in as an input, so a seeded NumPy
    generator makes it reproducible on every backend.  Index 0 is PAD and is
    never chosen.
    """

    def __init__(self, temperature: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        if not temperature >= 0:
            raise ValueError(f"expected temperature >= 0, got {temperature}")
        self.temperature = float(temperature)

    def call(self, inputs):
        probs, noise = inputs
        n = ops.shape(probs)[-1]
        not_pad = ops.concatenate([ops.zeros((1,), "bool"), ops.ones((n - 1,), "bool")])
        if self.temperature == 0:
            scores = probs
        else:
            scores = ops.log(ops.clip(probs, 1e-12, 1.0)) / self.temperature + noise
        scores = ops.where(not_pad, scores, -1e9)  # (m, n): PAD can never win
        return ops.one_hot(ops.argmax(scores, axis=-1), n, dtype=probs.dtype)

    def compute_output_shape(self, input_shapes):
        return input_shapes[0]

    def get_config(self):
        return {**super().get_config(), "temperature": self.temperature}


@dataclass
class JazzLayers:
    reshaper: keras.layers.Reshape
    lstm: keras.layers.LSTM  # return_state=True; its .cell holds the weights
    densor: keras.layers.Dense


def build_layers(config: JazzConfig, initialize: bool = True) -> JazzLayers:
    """The shared layers; ``initialize=False`` starts from zeros (weights about to be loaded)."""
    init = {} if initialize else {**loading_initializers(recurrent=True), "unit_forget_bias": False}
    dense_init = {} if initialize else loading_initializers()
    return JazzLayers(
        keras.layers.Reshape((1, config.n_values), name="reshaper"),
        keras.layers.LSTM(config.units, return_state=True, name="lstm", **init),
        keras.layers.Dense(config.n_values, activation="softmax", name="densor", **dense_init),
    )


def _inputs(config: JazzConfig, steps: int):
    x = keras.Input(shape=(steps, config.n_values), name="X")  # (m, Tx, n_values)
    a0 = keras.Input(shape=(config.units,), name="a0")  # (m, n_a)
    c0 = keras.Input(shape=(config.units,), name="c0")  # (m, n_a)
    return x, a0, c0


def unrolled_model(layers: JazzLayers, config: JazzConfig) -> keras.Model:
    """The classic graph: Tx applications of the shared layers, one softmax output per step."""
    x_all, a0, c0 = _inputs(config, config.tx)
    a, c, outputs = a0, c0, []
    for t in range(config.tx):
        x = TimeStep(t, name=f"x_{t}")(x_all)  # (m, n_values)
        x = layers.reshaper(x)  # (m, 1, n_values)
        a, _, c = layers.lstm(x, initial_state=[a, c])  # (m, n_a) each
        outputs.append(layers.densor(a))  # (m, n_values)
    return keras.Model([x_all, a0, c0], outputs, name="jazz_unrolled")


def fused_model(layers: JazzLayers, config: JazzConfig) -> keras.Model:
    """The same cell and Dense over the whole sequence in one pass: (m, Tx, n_values) -> (m, Tx, n_values)."""
    x_all, a0, c0 = _inputs(config, None)
    seq = keras.layers.RNN(layers.lstm.cell, return_sequences=True, name="lstm_sequence")(
        x_all, initial_state=[a0, c0]
    )  # (m, Tx, n_a)
    return keras.Model([x_all, a0, c0], layers.densor(seq), name="jazz_fused")


def layers_of(fused: keras.Model, config: JazzConfig) -> JazzLayers:
    """The shared layers back from a (loaded) fused model: its cell and Dense, a new LSTM wrapper."""
    cell = fused.get_layer("lstm_sequence").cell
    lstm = keras.layers.RNN(cell, return_state=True, name="lstm")
    return JazzLayers(keras.layers.Reshape((1, config.n_values), name="reshaper"), lstm, fused.get_layer("densor"))


def inference_model(layers: JazzLayers, config: JazzConfig, ty: int, temperature: float = 0.0) -> keras.Model:
    """The classic one-to-many graph: [x1 (m, n_values), a0, c0, noise (m, Ty, n_values)] -> Ty one-hot values."""
    x1 = keras.Input(shape=(config.n_values,), name="x1")
    _, a0, c0 = _inputs(config, 1)
    noise = keras.Input(shape=(ty, config.n_values), name="noise")
    chooser = SampleOneHot(temperature, name="choose")
    x, a, c, outputs = x1, a0, c0, []
    for t in range(ty):
        a, _, c = layers.lstm(layers.reshaper(x), initial_state=[a, c])  # (m, n_a)
        probs = layers.densor(a)  # (m, n_values)
        x = chooser([probs, TimeStep(t, name=f"noise_{t}")(noise)])  # (m, n_values), fed back
        outputs.append(x)
    return keras.Model([x1, a0, c0, noise], outputs, name="jazz_inference")


def stepper(layers: JazzLayers, config: JazzConfig) -> Stepper:
    """A one-step graph over the shared cell: value index (m,) and (a, c) -> probabilities and (a, c)."""
    return Stepper([(OneHot(config.n_values, name="one_hot"), [layers.lstm.cell], layers.densor)], config.units, "lstm")
