"""Run trained recurrent cells one step at a time: the inference graph every genapp model samples through."""

from __future__ import annotations

import keras
import numpy as np


class Stepper:
    """Run trained recurrent cells one step at a time: (indices, states) -> (probabilities, states).

    The step graph is a second functional model over trained layers (the same
    cell objects, so the same weights): x<t> -> one-hot (or learned vector) -> each cell with its
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

    def initial_states(self, batch: int) -> list[np.ndarray]:
        """Zero states a<0> (and c<0>) for every layer, flattened layer by layer."""
        return [np.zeros((batch, self.units), np.float32) for _ in range(self.n_layers * self.n_states)]

    def step(self, indices: np.ndarray, states: list[np.ndarray]) -> tuple[np.ndarray, list[np.ndarray]]:
        """indices (batch,) -> probabilities (batch, V) as float64, and the new states."""
        probs, *new_states = self.graph.predict_on_batch([np.asarray(indices, np.int32)[:, None], *states])
        return np.asarray(probs, dtype=np.float64), [np.asarray(s) for s in new_states]
