"""Custom Keras layers, registered so saved models load with ``safe_mode``."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops


@keras.saving.register_keras_serializable(package="genapp")
class OneHot(keras.layers.Layer):
    """Indices (batch, T) -> one-hot vectors (batch, T, depth), index 0 -> the zero vector.

    Index 0 is PAD, which is also the start input: the textbook model reads
    x<1> = 0, so PAD's column is dropped to zero rather than set to 1.
    """

    def __init__(self, depth: int, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(depth, int) or depth < 2:
            raise ValueError(f"expected depth to be an integer >= 2, got {depth!r}")
        self.depth = depth

    def call(self, indices):
        onehot = ops.one_hot(ops.cast(indices, "int32"), self.depth, dtype=self.compute_dtype)
        keep = ops.concatenate([ops.zeros((1,), self.compute_dtype), ops.ones((self.depth - 1,), self.compute_dtype)])
        return onehot * keep  # (batch, T, depth), row of zeros where index == 0

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.depth,)

    def get_config(self):
        return {**super().get_config(), "depth": self.depth}


@keras.saving.register_keras_serializable(package="genapp")
class HostZeros(keras.initializers.Initializer):
    """Zeros made by NumPy on the host.

    For weights about to be overwritten by a bundle's: the backend's own
    initializers compile one small program per weight shape on JAX (about
    0.2 s per model), this compiles nothing.
    """

    def __call__(self, shape, dtype=None):
        return np.zeros(shape, dtype=keras.backend.standardize_dtype(dtype or "float32"))


def loading_initializers(recurrent: bool = False) -> dict:
    """Layer keyword arguments that create every weight as HostZeros (the LSTM's forget-bias ones included)."""
    kwargs = {"kernel_initializer": HostZeros(), "bias_initializer": HostZeros()}
    if recurrent:
        kwargs["recurrent_initializer"] = HostZeros()
    return kwargs


class Carried(keras.layers.Layer):
    """A recurrent cell run over each batch from the state it ended the previous batch with (training only).

    ``keras.layers.RNN(stateful=True)`` keeps its state in variables Keras
    does not track, which the JAX trainer never updates (the state silently
    stays zero); these states are tracked non-trainable weights, updated as
    batch normalisation's statistics are, on every backend.  Inputs
    (streams, T, features) -> outputs (streams, T, units); ``reset`` zeroes
    the state.  Never saved: a bundle holds the stateless graph over the same cell.
    """

    def __init__(self, cell: keras.layers.Layer, streams: int, **kwargs):
        super().__init__(**kwargs)
        self.rnn = keras.layers.RNN(cell, return_sequences=True, return_state=True)
        sizes = cell.state_size if isinstance(cell.state_size, (list, tuple)) else [cell.state_size]
        self.states = [self.add_weight(shape=(streams, size), initializer="zeros", trainable=False, name=f"state_{i}")
                       for i, size in enumerate(sizes)]

    def call(self, x, training=None):
        out, *states = self.rnn(x, initial_state=[ops.convert_to_tensor(s) for s in self.states], training=training)
        for variable, value in zip(self.states, states):
            variable.assign(ops.stop_gradient(value))
        return out  # (streams, T, units)

    def compute_output_shape(self, input_shape):
        return self.rnn.compute_output_shape(input_shape)[0]

    def reset(self) -> None:
        for variable in self.states:
            variable.assign(np.zeros(variable.shape, variable.dtype))
