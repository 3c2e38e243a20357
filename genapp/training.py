"""Fit a sequence model: Adam, gradient clipping, validation, best weights kept, early stop.

Shared by every genapp model.  Progress goes through a callback that prints
one line per epoch to stderr, so stdout stays clean for names and text.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import keras
import numpy as np

from genapp.checks import require_positive_ints
from genapp._backend import import_tensorflow_quietly
from genapp.nn.losses import SequenceCrossEntropy


@dataclass(frozen=True)
class TrainSettings:
    epochs: int = 60
    batch_size: int = 32
    learning_rate: float = 0.005  # Adam
    clipvalue: float | None = 5.0  # each gradient entry clipped to [-5, 5], as in the textbook model; None: off
    patience: int = 8  # epochs without a better validation loss before stopping
    seed: int = 0  # weight initialisation and batch order

    def __post_init__(self) -> None:
        require_positive_ints(self, "epochs", "batch_size", "patience")
        if not self.learning_rate > 0:
            raise ValueError(f"expected learning_rate > 0, got {self.learning_rate}")
        if self.clipvalue is not None and not self.clipvalue > 0:
            raise ValueError(f"expected clipvalue > 0 or None, got {self.clipvalue}")

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class TrainResult:
    epochs_run: int
    best_epoch: int
    best_val_loss: float | None  # mean summed cross-entropy per sequence
    final_loss: float
    seconds: float
    history: dict


class EpochPrinter(keras.callbacks.Callback):
    """Calls ``say`` with one line per epoch: losses, nats per symbol, best so far."""

    def __init__(self, say: Callable[[str], None], epochs: int, val_symbols_per_seq: float | None):
        super().__init__()
        self.say, self.epochs, self.per_seq = say, epochs, val_symbols_per_seq
        self.best = np.inf
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        line = f"epoch {epoch + 1:>3}/{self.epochs}  loss {logs.get('loss', float('nan')):7.3f}"
        val = logs.get("val_loss")
        if val is not None:
            line += f"  val {val:7.3f}"
            if self.per_seq:
                line += f" ({val / self.per_seq:.3f} nats/symbol)"
            if val < self.best:
                self.best = val
                line += "  *best"
        self.say(f"{line}  [{time.perf_counter() - self.start:5.1f}s]")


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy, Keras and TensorFlow (weight initialisation, batch shuffling)."""
    import_tensorflow_quietly()  # set_random_seed seeds TensorFlow too whenever it is installed
    keras.utils.set_random_seed(seed)


def compile_model(model: keras.Model, settings: TrainSettings, pad_index: int = 0, loss=None) -> None:
    """Adam with the settings' clipping; the loss defaults to cross-entropy summed over time steps."""
    optimizer = keras.optimizers.Adam(learning_rate=settings.learning_rate, clipvalue=settings.clipvalue)
    model.compile(optimizer=optimizer, loss=loss or SequenceCrossEntropy(pad_index=pad_index))


def fit(
    model: keras.Model,
    train: tuple,
    val: tuple | None,
    settings: TrainSettings,
    say: Callable[[str], None] | None = None,
    val_symbols_per_seq: float | None = None,
) -> TrainResult:
    """Train in place; on return the model holds the best validation weights.

    ``train`` and ``val`` are (inputs, targets) arrays or ``keras.utils.PyDataset`` streams.
    """
    callbacks: list[keras.callbacks.Callback] = []
    if val is not None:
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor="val_loss", patience=settings.patience, restore_best_weights=True, verbose=0
            )
        )
    if say is not None:
        callbacks.append(EpochPrinter(say, settings.epochs, val_symbols_per_seq))
    start = time.perf_counter()
    if isinstance(train, tuple):  # arrays: Keras batches and shuffles them
        kwargs = {"x": train[0], "y": train[1], "batch_size": settings.batch_size, "shuffle": True}
    else:  # a keras.utils.PyDataset streaming its own batches
        kwargs = {"x": train}
    history = model.fit(**kwargs, validation_data=val, epochs=settings.epochs, callbacks=callbacks, verbose=0).history
    seconds = time.perf_counter() - start
    losses = history["loss"]
    if val is not None:
        val_losses = history["val_loss"]
        best = int(np.argmin(val_losses))
        best_val: float | None = float(val_losses[best])
    else:
        best, best_val = len(losses) - 1, None
    return TrainResult(len(losses), best + 1, best_val, float(losses[-1]), seconds, history)
