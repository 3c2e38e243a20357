"""Cross-entropy summed over time steps, padding masked out."""

from __future__ import annotations

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="genapp")
class SequenceCrossEntropy(keras.losses.Loss):
    """L = -sum_t log y_hat<t>[y<t>] over the non-padding steps of each sequence.

    ``y_true``: indices (batch, T), ``pad_index`` marks steps to ignore.
    ``y_pred``: softmax probabilities (batch, T, V), or ``members`` such blocks
    side by side, (batch, T, M x V) (an ensemble), whose losses are averaged:
    each member learns on its own.  ``mixture``: instead, the members'
    mixture's own -log mean_k y_hat_k<t>[y<t>], what an ensemble is judged by.
    Returns one summed loss per sequence; Keras then averages over the batch.
    """

    def __init__(self, pad_index: int = 0, members: int = 1, mixture: bool = False,
                 name: str = "sequence_cross_entropy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.pad_index, self.members, self.mixture = pad_index, members, mixture

    def call(self, y_true, y_pred):
        targets = ops.cast(y_true, "int32")  # (batch, T)
        shape = ops.shape(y_pred)
        blocks = ops.reshape(y_pred, (shape[0], shape[1], self.members, -1))  # (batch, T, M, V)
        columns = ops.repeat(ops.expand_dims(ops.expand_dims(targets, -1), -1), self.members, axis=2)  # (b, T, M, 1)
        probs = ops.take_along_axis(blocks, columns, axis=-1)[..., 0]  # (batch, T, M)
        if self.mixture:
            nll = -ops.log(ops.clip(ops.mean(probs, axis=-1), 1e-7, 1.0))  # (batch, T)
        else:
            nll = -ops.mean(ops.log(ops.clip(probs, 1e-7, 1.0)), axis=-1)  # (batch, T)
        mask = ops.cast(ops.not_equal(targets, self.pad_index), nll.dtype)
        return ops.sum(nll * mask, axis=-1)  # (batch,)

    def get_config(self):
        return {**super().get_config(), "pad_index": self.pad_index, "members": self.members, "mixture": self.mixture}


@keras.saving.register_keras_serializable(package="genapp")
class FactorisedCrossEntropy(keras.losses.Loss):
    """L = -sum_t [log P(duration<t>) + log P(pitch<t> | duration<t>)] over the non-padding steps.

    ``y_true``: indices (batch, T, 2), (duration, pitch) per step, -1 where the
    step is padding.  ``y_pred``: the two heads' probabilities side by side,
    (batch, T, durations + pitches), or ``members`` such blocks side by side
    (an ensemble), whose losses are averaged: each member learns on its own.
    One summed loss per sequence.  ``pitch_smoothing`` e (label smoothing):
    the pitch term's target is (1 - e) on the true pitch and e spread evenly
    over all K, so -log P(pitch) becomes -(1 - e) log P(pitch) - e/K sum_k log P(k).
    ``mixture``: instead, the members' mixture's own -log P(event), unsmoothed:
    what the model is judged by (``training`` watches it on held-out pieces).
    """

    def __init__(self, durations: int = 48, pitch_smoothing: float = 0.0, members: int = 1, mixture: bool = False,
                 name: str = "factorised_cross_entropy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.durations, self.pitch_smoothing, self.members, self.mixture = durations, pitch_smoothing, members, mixture

    def call(self, y_true, y_pred):
        targets = ops.cast(y_true, "int32")  # (batch, T, 2)
        real = ops.greater_equal(targets[..., 0], 0)  # (batch, T)
        duration = ops.where(real, targets[..., 0], 0)
        pitch = ops.where(real, targets[..., 1], 0) + self.durations  # its column in a member's block
        shape = ops.shape(y_pred)
        logs = ops.log(ops.clip(ops.reshape(y_pred, (shape[0], shape[1], self.members, -1)), 1e-7, 1.0))  # (b, T, M, D+K)
        columns = ops.repeat(ops.expand_dims(ops.stack([duration, pitch], axis=-1), 2), self.members, axis=2)
        picked = ops.take_along_axis(logs, columns, axis=-1)  # (batch, T, M, 2)
        if self.mixture:  # the ensemble's own -log P(event): -log mean_k P_k(duration) P_k(pitch | duration)
            joint = ops.sum(picked, axis=-1)  # (batch, T, M)
            nll = -(ops.logsumexp(joint, axis=-1) - ops.log(ops.cast(self.members, joint.dtype)))  # (batch, T)
            return ops.sum(nll * ops.cast(real, nll.dtype), axis=-1)  # (batch,)
        e = self.pitch_smoothing
        pitch_nll = -picked[..., 1]  # (batch, T, M)
        if e:
            pitch_nll = (1 - e) * pitch_nll - e * ops.mean(logs[..., self.durations :], axis=-1)
        nll = ops.mean(pitch_nll - picked[..., 0], axis=-1)  # (batch, T)
        return ops.sum(nll * ops.cast(real, nll.dtype), axis=-1)  # (batch,)

    def get_config(self):
        return {**super().get_config(), "durations": self.durations, "pitch_smoothing": self.pitch_smoothing,
                "members": self.members, "mixture": self.mixture}


@keras.saving.register_keras_serializable(package="genapp")
class SequenceMean(keras.metrics.Mean):
    """A per-sequence loss's mean over every sequence seen: what a held-out set is judged by.

    Keras's own wrapper of a loss as a metric averages each batch's mean with
    equal weight, so a short last batch counts as much as a full one (with 107
    held-out names in batches of 32, the 11 names of the last batch moved an
    ensemble's figure from 1.623 to 1.609 nats/char); this averages every
    sequence's value with equal weight.
    """

    def __init__(self, loss: keras.losses.Loss, name: str | None = None, **kwargs):
        super().__init__(name=name or loss.name, **kwargs)
        self.loss = loss

    def update_state(self, y_true, y_pred, sample_weight=None):
        return super().update_state(self.loss.call(y_true, y_pred), sample_weight)  # (batch,) values

    def get_config(self):
        return {**super().get_config(), "loss": keras.saving.serialize_keras_object(self.loss)}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        return cls(keras.saving.deserialize_keras_object(config.pop("loss")), **config)
