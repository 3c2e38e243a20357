"""The chord-aware jazz model: an LSTM over note events that sees the beat and the chords, with two small heads.

Its arguments are ``genapp.config.ImprovConfig``; its input features and
outputs are ``genapp.music.events``'.  One set of layers:

    context (m, T, F) -> Dropout -> LSTM (units) -> Dropout = h (m, T, n_a)
    [h, context]            -> Dense softmax: P(duration)            (m, T, 48)
    [h, context, duration]  -> Dense softmax: P(pitch | duration)    (m, T, 26)  rest or step -12..+12

so P(event) = P(duration) P(pitch | duration): no softmax over every
combination, and no event is out of vocabulary.  The heads also see the
context directly (which steps land on chord tones, where in the bar), so the
LSTM carries the melody's history and the heads place it on the harmony.
Training reads the true duration of each event (teacher forcing); the model
outputs both heads side by side, (m, T, 74), and ``nn.losses.FactorisedCrossEntropy``
scores them.

``ImprovStepper`` is the one-to-many inference graph: the same LSTM cell run
one step at a time from its carried state (a compiled one-step graph), the
heads applied with the same weights, and each sampled event fed back as the
next step's input (``products.improv``).  ``tests/nn/test_improv.py`` checks that
stepping gives the fused model's probabilities.
"""

from __future__ import annotations

import keras
import numpy as np

from genapp.config import ImprovConfig
from genapp.nn.layers import loading_initializers


def build_model(cfg: ImprovConfig, initialize: bool = True) -> keras.Model:
    """[context (m, T, F), duration (m, T, D)] -> [P(duration), P(pitch | duration)] side by side, (m, T, D + K)."""
    init = {} if initialize else {**loading_initializers(recurrent=True), "unit_forget_bias": False}
    dense_init = {} if initialize else loading_initializers()
    context = keras.Input(shape=(None, cfg.features), name="context")  # (m, T, F)
    duration = keras.Input(shape=(None, cfg.durations), name="duration")  # (m, T, D): this event's, one-hot
    x = keras.layers.Dropout(cfg.dropout, name="input_dropout")(context)
    h = keras.layers.LSTM(cfg.units, return_sequences=True, name="lstm", **init)(x)  # (m, T, n_a)
    h = keras.layers.Dropout(cfg.dropout, name="dropout")(h)
    hx = keras.layers.Concatenate(name="with_context")([h, context])  # (m, T, n_a + F)
    p_duration = keras.layers.Dense(cfg.durations, activation="softmax", name="duration_head", **dense_init)(hx)
    given = keras.layers.Concatenate(name="with_duration")([hx, duration])  # (m, T, n_a + F + D)
    p_pitch = keras.layers.Dense(cfg.pitches, activation="softmax", name="pitch_head", **dense_init)(given)
    heads = keras.layers.Concatenate(name="heads")([p_duration, p_pitch])  # (m, T, D + K)
    return keras.Model([context, duration], heads, name="jazz_improv")


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


class ImprovStepper:
    """One event at a time: context (batch, F) and states -> P(duration) (batch, D), then P(pitch | duration)."""

    def __init__(self, model: keras.Model, cfg: ImprovConfig):
        self.units = cfg.units
        cell = model.get_layer("lstm").cell
        x = keras.Input(shape=(1, cfg.features), name="step_context")
        a0 = keras.Input(shape=(cfg.units,), name="a0")
        c0 = keras.Input(shape=(cfg.units,), name="c0")
        h, a, c = keras.layers.RNN(cell, return_sequences=True, return_state=True, name="step")(
            x, initial_state=[a0, c0])  # (batch, 1, n_a), (batch, n_a) x 2
        self.graph = keras.Model([x, a0, c0], [h[:, 0, :], a, c], name="improv_step")
        self.w_duration, self.b_duration = (np.asarray(w, np.float64) for w in model.get_layer("duration_head").get_weights())
        self.w_pitch, self.b_pitch = (np.asarray(w, np.float64) for w in model.get_layer("pitch_head").get_weights())
        self.hx = cfg.units + cfg.features  # rows of the pitch kernel that read [h, context]

    def initial_states(self, batch: int) -> list[np.ndarray]:
        return [np.zeros((batch, self.units), np.float32) for _ in range(2)]

    def step(self, context: np.ndarray, states: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
        """context (batch, F) -> ([h, context] (batch, n_a + F), P(duration) (batch, D) as float64, new states)."""
        h, a, c = self.graph.predict_on_batch([np.asarray(context, np.float32)[:, None, :], *states])
        hx = np.concatenate([np.asarray(h, np.float64), np.asarray(context, np.float64)], axis=-1)
        return hx, _softmax(hx @ self.w_duration + self.b_duration), [np.asarray(a), np.asarray(c)]

    def pitch_probs(self, hx: np.ndarray, duration: np.ndarray) -> np.ndarray:
        """P(pitch | duration) (batch, K) for [h, context] (batch, n_a + F) and duration indices (batch,)."""
        logits = hx @ self.w_pitch[: self.hx] + self.w_pitch[self.hx + np.asarray(duration)] + self.b_pitch
        return _softmax(logits)
