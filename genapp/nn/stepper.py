"""Run trained recurrent cells one step at a time: the inference graph every genapp model samples through."""

from __future__ import annotations

import keras
import numpy as np


class Stepper:
    """Run trained recurrent cells one step at a time: (indices, states) -> (probabilities, states).

    The step graph is a second functional model over trained layers (the same
    cell objects, so the same weights): x<t> -> one-hot (or learned vector) -> each cell with its
    state carried in -> softmax.  ``branches`` holds one (input layer, cells,
    softmax Dense) per member of an ensemble (usually one); with several, every
    member steps its own cells and the output is their probabilities' mean.
    ``predict_on_batch`` compiles it once per batch size, which on these CPUs
    is several times faster than calling the cells eagerly.  Shared by the
    names/text models and the jazz model.
    """

    def __init__(self, branches: list[tuple[keras.layers.Layer, list, keras.layers.Layer]], units: int, cell: str):
        self.units = units
        self.n_states = 2 if cell == "lstm" else 1  # a<t> (and c<t> for the LSTM)
        self.n_cells = sum(len(cells) for _, cells, _ in branches)
        ids = keras.Input(shape=(1,), dtype="int32", name="step_ids")  # (batch, 1)
        states_in, states_out, outputs = [], [], []
        for m, (inputs, cells, dense) in enumerate(branches):
            tag = "" if m == 0 else f"_{m}"
            x = inputs(ids)  # (batch, 1, V or E)
            for i, c in enumerate(cells):
                state = [keras.Input(shape=(units,), name=f"state{tag}_{i}_{j}") for j in range(self.n_states)]
                x, *new = keras.layers.RNN(c, return_sequences=True, return_state=True, name=f"step{tag}_{i}")(
                    x, initial_state=state
                )  # (batch, 1, n_a), states (batch, n_a)
                states_in += state
                states_out += new
            outputs.append(dense(x[:, 0, :]))  # (batch, V)
        probs = outputs[0] if len(outputs) == 1 else keras.layers.Average(name="step_members")(outputs)  # (batch, V)
        self.graph = keras.Model([ids, *states_in], [probs, *states_out], name="step")

    def initial_states(self, batch: int) -> list[np.ndarray]:
        """Zero states a<0> (and c<0>) for every cell of every member, flattened member by member, layer by layer."""
        return [np.zeros((batch, self.units), np.float32) for _ in range(self.n_cells * self.n_states)]

    def step(self, indices: np.ndarray, states: list[np.ndarray]) -> tuple[np.ndarray, list[np.ndarray]]:
        """indices (batch,) -> probabilities (batch, V) as float64, and the new states."""
        probs, *new_states = self.graph.predict_on_batch([np.asarray(indices, np.int32)[:, None], *states])
        return np.asarray(probs, dtype=np.float64), [np.asarray(s) for s in new_states]
