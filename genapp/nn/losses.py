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


@keras.saving.register_keras_serializable(package="genapp")
class FactorisedCrossEntropy(keras.losses.Loss):
    """L = -sum_t [log P(duration<t>) + log P(pitch<t> | duration<t>)] over the non-padding steps.

    ``y_true``: indices (batch, T, 2), (duration, pitch) per step, -1 where the
    step is padding.  ``y_pred``: the two heads' probabilities side by side,
    (batch, T, durations + pitches).  One summed loss per sequence.
    """

    def __init__(self, durations: int = 48, name: str = "factorised_cross_entropy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.durations = durations

    def call(self, y_true, y_pred):
        targets = ops.cast(y_true, "int32")  # (batch, T, 2)
        real = ops.greater_equal(targets[..., 0], 0)  # (batch, T)
        duration = ops.where(real, targets[..., 0], 0)
        pitch = ops.where(real, targets[..., 1], 0) + self.durations  # its column in y_pred
        picked = ops.take_along_axis(y_pred, ops.stack([duration, pitch], axis=-1), axis=-1)  # (batch, T, 2)
        nll = -ops.sum(ops.log(ops.clip(picked, 1e-7, 1.0)), axis=-1)  # (batch, T)
        return ops.sum(nll * ops.cast(real, nll.dtype), axis=-1)  # (batch,)

    def get_config(self):
        return {**super().get_config(), "durations": self.durations}
