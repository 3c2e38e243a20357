"""Cross-entropy summed over time steps, padding masked out."""

from __future__ import annotations

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="genapp")
class SequenceCrossEntropy(keras.losses.Loss):
    """L = -sum_t log y_hat<t>[y<t>] over the non-padding steps of each sequence.

    ``y_true``: indices (batch, T), ``pad_index`` marks steps to ignore.
    ``y_pred``: softmax probabilities (batch, T, V).
    Returns one summed loss per sequence; Keras then averages over the batch.
    """

    def __init__(self, pad_index: int = 0, name: str = "sequence_cross_entropy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.pad_index = pad_index

    def call(self, y_true, y_pred):
        targets = ops.cast(y_true, "int32")  # (batch, T)
        probs = ops.take_along_axis(y_pred, ops.expand_dims(targets, -1), axis=-1)[..., 0]  # (batch, T)
        nll = -ops.log(ops.clip(probs, 1e-7, 1.0))  # (batch, T)
        mask = ops.cast(ops.not_equal(targets, self.pad_index), nll.dtype)
        return ops.sum(nll * mask, axis=-1)  # (batch,)

    def get_config(self):
        return {**super().get_config(), "pad_index": self.pad_index}
