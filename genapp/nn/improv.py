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
scores them.  With ``members`` M > 1 the model is an ensemble: M such sets of
layers side by side over the same inputs, (m, T, M x 74), each trained on its
own loss; P(event) is their mean (``event_probs``).

``ImprovStepper`` is the one-to-many inference graph: the same LSTM cell run
one step at a time from its carried state (a compiled one-step graph), the
heads applied with the same weights, and each sampled event fed back as the
next step's input (``products.improv``); with members, every member's cell
steps and the two heads sample the members' mixture.  ``tests/nn/test_improv.py``
checks that stepping gives the fused model's probabilities.
"""

from __future__ import annotations

import keras
import numpy as np

from genapp.config import ImprovConfig
from genapp.nn.layers import loading_initializers


def _member(context, duration, cfg: ImprovConfig, k: int, initialize: bool):
    """One member's layers over the inputs -> its two heads side by side (m, T, D + K); member 0's names have no suffix."""
    init = {} if initialize else {**loading_initializers(recurrent=True), "unit_forget_bias": False}
    dense_init = {} if initialize else loading_initializers()
    tag = "" if k == 0 else f"_{k}"
    x = keras.layers.Dropout(cfg.dropout, name=f"input_dropout{tag}")(context)
    h = keras.layers.LSTM(cfg.units, return_sequences=True, name=f"lstm{tag}", **init)(x)  # (m, T, n_a)
    h = keras.layers.Dropout(cfg.dropout, name=f"dropout{tag}")(h)
    hx = keras.layers.Concatenate(name=f"with_context{tag}")([h, context])  # (m, T, n_a + F)
    p_duration = keras.layers.Dense(cfg.durations, activation="softmax", name=f"duration_head{tag}", **dense_init)(hx)
    given = keras.layers.Concatenate(name=f"with_duration{tag}")([hx, duration])  # (m, T, n_a + F + D)
    p_pitch = keras.layers.Dense(cfg.pitches, activation="softmax", name=f"pitch_head{tag}", **dense_init)(given)
    return keras.layers.Concatenate(name=f"heads{tag}")([p_duration, p_pitch])  # (m, T, D + K)


def build_model(cfg: ImprovConfig, initialize: bool = True) -> keras.Model:
    """[context (m, T, F), duration (m, T, D)] -> every member's [P(duration), P(pitch | duration)], (m, T, M (D + K))."""
    context = keras.Input(shape=(None, cfg.features), name="context")  # (m, T, F)
    duration = keras.Input(shape=(None, cfg.durations), name="duration")  # (m, T, D): this event's, one-hot
    heads = [_member(context, duration, cfg, k, initialize) for k in range(cfg.members)]
    out = heads[0] if cfg.members == 1 else keras.layers.Concatenate(name="members")(heads)
    return keras.Model([context, duration], out, name="jazz_improv")


def event_probs(heads: np.ndarray, targets: np.ndarray, cfg: ImprovConfig) -> np.ndarray:
    """P(event) under the members' mixture: the mean over members of P_k(duration) P_k(pitch | duration).

    ``heads`` (L, M (D + K)) as ``build_model`` outputs them, ``targets``
    (L, 2) (duration, pitch) indices -> (L,) float64.
    """
    h = np.asarray(heads, np.float64).reshape(len(heads), cfg.members, cfg.durations + cfg.pitches)  # (L, M, D + K)
    rows = np.arange(len(heads))
    joint = h[rows, :, targets[:, 0]] * h[rows, :, cfg.durations + targets[:, 1]]  # (L, M)
    return joint.mean(axis=1)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


class ImprovStepper:
    """One event at a time: context (batch, F) and states -> P(duration) (batch, D), then P(pitch | duration).

    With several members, each runs its own cell; P(duration) is their mean
    and P(pitch | duration) weighs each member's by its P(duration), so the
    two steps sample exactly the members' mixture of P(duration, pitch).
    """

    def __init__(self, model: keras.Model, cfg: ImprovConfig):
        self.units, self.members = cfg.units, cfg.members
        tags = [""] + [f"_{k}" for k in range(1, cfg.members)]
        x = keras.Input(shape=(1, cfg.features), name="step_context")
        states, outputs = [], []
        for k, tag in enumerate(tags):
            a0 = keras.Input(shape=(cfg.units,), name=f"a0{tag}")
            c0 = keras.Input(shape=(cfg.units,), name=f"c0{tag}")
            h, a, c = keras.layers.RNN(model.get_layer(f"lstm{tag}").cell, return_sequences=True, return_state=True,
                                       name=f"step{tag}")(x, initial_state=[a0, c0])  # (batch, 1, n_a), (batch, n_a) x 2
            states += [a0, c0]
            outputs += [h[:, 0, :], a, c]
        self.graph = keras.Model([x, *states], outputs, name="improv_step")
        self.w_duration, self.b_duration, self.w_pitch, self.b_pitch = (
            np.stack([np.asarray(model.get_layer(f"{head}{tag}").get_weights()[i], np.float64) for tag in tags])
            for head, i in (("duration_head", 0), ("duration_head", 1), ("pitch_head", 0), ("pitch_head", 1)))
        self.hx = cfg.units + cfg.features  # rows of the pitch kernel that read [h, context]

    def initial_states(self, batch: int) -> list[np.ndarray]:
        return [np.zeros((batch, self.units), np.float32) for _ in range(2 * self.members)]

    def step(self, context: np.ndarray, states: list[np.ndarray]) -> tuple[tuple, np.ndarray, list[np.ndarray]]:
        """context (batch, F) -> (what ``pitch_probs`` reads, P(duration) (batch, D) as float64, new states)."""
        out = self.graph.predict_on_batch([np.asarray(context, np.float32)[:, None, :], *states])
        h = np.stack([np.asarray(out[3 * k], np.float64) for k in range(self.members)])  # (M, batch, n_a)
        context = np.broadcast_to(np.asarray(context, np.float64), (self.members, *np.shape(context)))
        hx = np.concatenate([h, context], axis=-1)  # (M, batch, n_a + F)
        p_members = _softmax(np.einsum("mbh,mhd->mbd", hx, self.w_duration) + self.b_duration[:, None])  # (M, batch, D)
        new = [np.asarray(v) for k in range(self.members) for v in out[3 * k + 1 : 3 * k + 3]]
        return (hx, p_members), p_members.mean(axis=0), new

    def pitch_probs(self, read: tuple, duration: np.ndarray) -> np.ndarray:
        """P(pitch | duration) (batch, K) for ``step``'s first output and duration indices (batch,)."""
        hx, p_members = read
        duration = np.asarray(duration)
        logits = (np.einsum("mbh,mhk->mbk", hx, self.w_pitch[:, : self.hx]) + self.w_pitch[:, self.hx + duration]
                  + self.b_pitch[:, None])  # (M, batch, K)
        weight = p_members[:, np.arange(len(duration)), duration]  # (M, batch): each member's P(this duration)
        return (weight[..., None] * _softmax(logits)).sum(axis=0) / weight.sum(axis=0)[:, None]
