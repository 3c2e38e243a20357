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
