"""Train any genapp model: the one training path, and the fit under it.

``train_bundle(recipe, out_dir, ...)`` is how every product trains: a product
supplies a ``Recipe`` (read its corpus, build a vocabulary, make the model
arguments, cut batches, build the Keras graphs) and gets options resolved
from ``genapp.config``, seeding, compiling, ``fit``, the bundle written at
every improvement, resume and fine-tuning (``init_from``), and the load.

``fit`` is Adam, gradient clipping, validation, best weights kept on disk,
early stop and Ctrl-C; shared by every genapp model.  Progress goes through a callback that prints
one line per epoch to stderr, so stdout stays clean for names and text.

Progress is never lost (``fit``):

- whenever the validation loss improves (every epoch when there is no
  validation), the trainer's ``checkpoint`` writes the bundle, weights and
  optimizer state together, atomically;
- Ctrl-C asks training to stop after the current batch: the partial epoch
  is not counted, the best bundle on disk stays, and ``fit`` returns with
  ``interrupted`` set (a second Ctrl-C stops at once);
- ``Resume`` continues a saved bundle: the epoch count goes on from the
  saved best epoch, the optimizer's state is put back (``restore_optimizer``),
  and a new epoch replaces the bundle only if it beats the saved loss.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import keras
import numpy as np

from genapp.config import TrainSettings
from genapp.errors import GenappError, Interrupted, param
from genapp.nn.losses import SequenceCrossEntropy, SequenceMean
from genapp.nn.layers import Carried


@dataclass(frozen=True)
class Resume:
    """Where a resumed training starts: the saved bundle's best epoch and loss, and its optimizer."""

    epoch: int = 0
    best_loss: float | None = None  # the loss the saved bundle was kept for; None: any epoch replaces it
    optimizer: object = field(default=None, repr=False)  # the saved keras optimizer, or None


@dataclass
class TrainResult:
    epochs_run: int  # the last complete epoch, counted from the first training of the bundle
    best_epoch: int  # the epoch whose weights the model holds (0: none better than the saved bundle's)
    best_val_loss: float | None  # mean summed cross-entropy per sequence
    final_loss: float
    seconds: float
    history: dict
    interrupted: bool = False  # stopped by Ctrl-C
    lr_drops: int = 0  # times the learning rate was dropped (TrainSettings.lr_drop)

    @property
    def improved(self) -> bool:
        return self.best_epoch > 0

    def to_json(self) -> dict:
        """The facts training.json records about the run."""
        return {
            "epochs_run": self.epochs_run,
            "best_epoch": self.best_epoch,
            "best_val_loss": self.best_val_loss,
            "final_train_loss": self.final_loss,
            "train_seconds": round(self.seconds, 2),
            "interrupted": self.interrupted,
            "lr_drops": self.lr_drops,
        }


def watched(logs: dict) -> float | None:
    """The held-out figure training watches: the recipe's measure when it has one (``compile_model``), else the loss."""
    return logs.get("val_measure", logs.get("val_loss"))


class EpochPrinter(keras.callbacks.Callback):
    """Calls ``say`` with one line per epoch: losses, nats per symbol, best so far, a learning-rate drop (``keeper``)."""

    def __init__(self, say: Callable[[str], None], epochs: int, val_symbols_per_seq: float | None,
                 best: float | None = None, symbol: str = "symbol", keeper: KeepBest | None = None):
        super().__init__()
        self.say, self.epochs, self.per_seq, self.symbol = say, epochs, val_symbols_per_seq, symbol
        self.keeper = keeper
        self.best = np.inf if best is None else best
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        line = f"epoch {epoch + 1:>3}/{self.epochs}  loss {logs.get('loss', float('nan')):7.3f}"
        val = watched(logs)
        if val is not None:
            line += f"  val {val:7.3f}"
            if self.per_seq:
                line += f" ({val / self.per_seq:.3f} nats/{self.symbol})"
            if val < self.best:
                self.best = val
                line += "  *best"
        line += f"  [{time.perf_counter() - self.start:5.1f}s]"
        if self.keeper is not None and self.keeper.dropped is not None and self.keeper.dropped[0] == epoch:
            line += f"  learning rate -> {self.keeper.dropped[1]:.3g}, back to epoch {self.keeper.best_epoch}"
        self.say(line)


class EpochSamples(keras.callbacks.Callback):
    """After each epoch's line, a few samples from the model as it is (``sample()`` returns the lines)."""

    def __init__(self, sample: Callable[[int], list[str]], say: Callable[[str], None]):
        super().__init__()
        self.sample, self.say = sample, say

    def on_epoch_end(self, epoch, logs=None):
        for line in self.sample(epoch):
            self.say(f"    {line}")


class Interrupt:
    """Ctrl-C while training: the first press sets ``pressed`` (stop after this batch); a second stops at once."""

    def __init__(self):
        self.pressed = False
        self._previous = None

    def _handler(self, signum, frame):
        if self.pressed:
            raise KeyboardInterrupt
        self.pressed = True

    def __enter__(self) -> Interrupt:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handler)
        return self

    def __exit__(self, *exc) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


class KeepBest(keras.callbacks.Callback):
    """Keeps the best epoch: its weights and optimizer state in memory, and on disk through ``checkpoint``.

    The loss watched is the validation loss, or the training loss when there is
    no validation (then every epoch is kept and there is no early stop).
    Stops after ``patience`` epochs without a better validation loss, and
    after the current batch once Ctrl-C was pressed.  With ``lr_drop`` < 1,
    every ``lr_patience`` epochs without a better validation loss go back to
    the best epoch's weights and optimizer state and multiply the learning
    rate by ``lr_drop`` (the early stop still counts from the best epoch).
    """

    def __init__(self, patience: int, has_val: bool, interrupt: Interrupt, best: float | None,
                 checkpoint: Callable[[int, float], None] | None, lr_drop: float = 1.0, lr_patience: int = 1):
        super().__init__()
        self.patience, self.has_val, self.interrupt, self.checkpoint = patience, has_val, interrupt, checkpoint
        self.lr_drop, self.lr_patience, self.drops = lr_drop, lr_patience, 0
        self.dropped: tuple[int, float] | None = None  # (epoch, new learning rate) of the last drop
        self.best = math.inf if best is None or not has_val else best
        self.best_epoch, self.last_epoch, self.wait = 0, 0, 0
        self.snapshot: tuple[list, list] | None = None

    def on_train_batch_end(self, batch, logs=None):
        if self.interrupt.pressed:
            self.model.stop_training = True

    def on_test_batch_end(self, batch, logs=None):
        if self.interrupt.pressed:
            self.model.stop_evaluating = True

    def on_epoch_end(self, epoch, logs=None):
        if self.interrupt.pressed:  # a partial epoch: neither counted nor kept
            self.model.stop_training = True
            return
        logs = logs or {}
        self.last_epoch = epoch + 1
        loss = watched(logs) if self.has_val else logs.get("loss")
        if loss is not None and (loss < self.best or not self.has_val):
            self.best, self.best_epoch, self.wait = float(loss), epoch + 1, 0
            optimizer = self.model.optimizer.variables if self.model.optimizer is not None else []
            self.snapshot = (self.model.get_weights(), [np.array(v) for v in optimizer])
            if self.checkpoint is not None:
                self.checkpoint(self.best_epoch, self.best)
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.model.stop_training = True
        elif self.lr_drop < 1 and self.wait % self.lr_patience == 0 and self.snapshot is not None:
            lr = float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate)) * self.lr_drop
            self.restore()
            self.model.optimizer.learning_rate = lr
            self.drops, self.dropped = self.drops + 1, (epoch, lr)

    def restore(self) -> None:
        """Put the best epoch's weights and optimizer state back into the model."""
        if self.snapshot is None:
            return
        weights, optimizer = self.snapshot
        self.model.set_weights(weights)
        for variable, value in zip(self.model.optimizer.variables, optimizer):
            variable.assign(value)


class ZeroCarried(keras.callbacks.Callback):
    """Zero a carried-state graph's states (``nn.layers.Carried``) when an epoch and when a validation pass begin."""

    def __init__(self, layers: list):
        super().__init__()
        self.layers = layers

    def _zero(self, *args) -> None:
        for layer in self.layers:
            layer.reset()

    on_epoch_begin = on_test_begin = _zero


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy, Keras and TensorFlow (weight initialisation, batch shuffling)."""
    keras.utils.set_random_seed(seed)


def compile_model(model: keras.Model, settings: TrainSettings, pad_index: int = 0, loss=None, measure=None) -> None:
    """Adam with the settings' clipping; the loss defaults to cross-entropy summed over time steps.

    ``measure`` (a loss-like callable named "measure", or None): what the
    held-out pieces are judged by when the training loss is not it (a
    smoothed or per-member loss); early stopping and the printed nats watch it.
    """
    optimizer = keras.optimizers.Adam(learning_rate=settings.learning_rate, clipvalue=settings.clipvalue)
    model.compile(optimizer=optimizer, loss=loss or SequenceCrossEntropy(pad_index=pad_index),
                  metrics=[SequenceMean(measure)] if measure is not None else None)


def restore_optimizer(model: keras.Model, saved: keras.optimizers.Optimizer | None) -> bool:
    """Copy a saved optimizer's state (step count, moments) into the compiled model's; False if it does not fit.

    The learning rate stays the one the model was compiled with, so a resumed
    run may change it.
    """
    if saved is None:
        return False
    optimizer = model.optimizer
    optimizer.build(model.trainable_variables)
    ours, theirs = list(optimizer.variables), list(saved.variables)
    if len(ours) != len(theirs) or any(tuple(a.shape) != tuple(b.shape) for a, b in zip(ours, theirs)):
        return False
    for mine, value in zip(ours, theirs):
        if mine.name != "learning_rate":
            mine.assign(np.array(value))
    return True


def fit(
    model: keras.Model,
    train: tuple,
    val: tuple | None,
    settings: TrainSettings,
    say: Callable[[str], None] | None = None,
    val_symbols_per_seq: float | None = None,
    checkpoint: Callable[[int, float], None] | None = None,
    resume: Resume = Resume(),
    symbol: str = "symbol",
    samples: Callable[[int], list[str]] | None = None,
) -> TrainResult:
    """Train in place; on return the model holds the best epoch's weights (and optimizer state).

    ``train`` and ``val`` are (inputs, targets) arrays or ``keras.utils.PyDataset``
    streams.  ``checkpoint(best_epoch, best_loss)`` is called after every
    improvement, with the model holding that epoch's state.
    """
    if resume.epoch >= settings.epochs:
        raise ValueError(f"expected more epochs than the {resume.epoch} already trained, got epochs={settings.epochs}")
    callbacks: list[keras.callbacks.Callback] = []
    with Interrupt() as interrupt:
        keeper = KeepBest(settings.patience, val is not None, interrupt, resume.best_loss, checkpoint,
                          settings.lr_drop, settings.lr_patience)
        callbacks.append(keeper)
        carried = [layer for layer in model.layers if isinstance(layer, Carried)]
        if carried:
            callbacks.append(ZeroCarried(carried))
        if say is not None:
            callbacks.append(EpochPrinter(say, settings.epochs, val_symbols_per_seq, resume.best_loss, symbol, keeper))
            if samples is not None:
                callbacks.append(EpochSamples(samples, say))
        start = time.perf_counter()
        if isinstance(train, tuple):  # arrays: Keras batches and shuffles them
            kwargs = {"x": train[0], "y": train[1], "batch_size": settings.batch_size, "shuffle": True}
        else:  # a keras.utils.PyDataset streaming its own batches
            kwargs = {"x": train}
        history = model.fit(**kwargs, validation_data=val, epochs=settings.epochs, initial_epoch=resume.epoch,
                            callbacks=callbacks, verbose=0).history
        keeper.restore()
    losses = history.get("loss", [])
    if interrupt.pressed and losses:
        losses = losses[:-1]  # the interrupted epoch's partial loss
    return TrainResult(
        epochs_run=max(keeper.last_epoch, resume.epoch),
        best_epoch=keeper.best_epoch,
        best_val_loss=(keeper.best if keeper.best_epoch else resume.best_loss) if val is not None else None,
        final_loss=float(losses[-1]) if losses else math.nan,
        seconds=time.perf_counter() - start,
        history=history,
        interrupted=interrupt.pressed,
        lr_drops=keeper.drops,
    )


def resume_from(bundle, path, same_data: bool, epochs: int) -> Resume:
    """A Resume for a loaded bundle: its best epoch, its loss (when the data is the same) and its optimizer.

    GenappError if ``epochs`` (the total asked for) leaves nothing to train.
    """
    from genapp.bundle import saved_optimizer

    t = bundle.training
    epoch = t.get("best_epoch") if isinstance(t.get("best_epoch"), int) else 0
    if epoch >= epochs:
        raise GenappError(f"{param('epochs')} {epochs}: the model in {path} has trained {epoch} epochs already; ask for more "
                          "epochs to resume it")
    loss = t.get("best_val_loss") if same_data and isinstance(t.get("best_val_loss"), (int, float)) else None
    return Resume(epoch=max(0, epoch), best_loss=loss, optimizer=saved_optimizer(path))


def train_and_save(
    *,
    out_dir,
    kind: str,
    model: keras.Model,
    vocab,
    config: dict,
    facts: dict,
    train,
    val,
    settings: TrainSettings,
    trainee: keras.Model | None = None,
    say: Callable[[str], None] | None = None,
    val_symbols_per_seq: float | None = None,
    symbol: str = "symbol",
    resume: Resume = Resume(),
    samples: Callable[[int], list[str]] | None = None,
    writes: bool = True,
) -> TrainResult:
    """Fit ``trainee`` (default: ``model``), writing ``model``'s bundle at every improvement and at the end.

    ``model`` is what the bundle holds; ``trainee`` may be another graph over
    the same layers (the jazz model's unrolled one), compiled already.  The
    bundle's training.json is ``facts`` plus the run's own (epochs, losses,
    settings, backend).  Ctrl-C ends with ``Interrupted`` naming what was kept.
    ``writes`` False: train without writing (a cluster's processes other than 0).
    """
    import platform

    from genapp import bundle as bundles
    from genapp.distribute import alone

    trainee = trainee or model
    if model is not trainee:  # the saved model carries the trainee's optimizer state
        model.compile(optimizer=trainee.optimizer, loss=SequenceCrossEntropy())
    if resume.epoch and not restore_optimizer(trainee, resume.optimizer) and say:
        say("the saved model holds no optimizer state that fits it; the optimizer starts afresh")
    started = time.perf_counter()

    def save(run: dict) -> None:
        if not writes:
            return
        best = run.get("best_val_loss")
        training = {
            **facts,
            **run,
            f"val_nats_per_{symbol}": best / val_symbols_per_seq if best is not None and val_symbols_per_seq else None,
            "settings": settings.to_json(),
            "backend": keras.backend.backend(),
            "machine": platform.machine(),
        }
        with alone():
            bundles.save_bundle(out_dir, kind=kind, model=model, vocab=vocab, config=config, training=training)

    def checkpoint(best_epoch: int, best_loss: float) -> None:
        save({"epochs_run": best_epoch, "best_epoch": best_epoch, "best_val_loss": best_loss if val is not None else None,
              "train_seconds": round(time.perf_counter() - started, 2), "interrupted": False, "in_progress": True})

    result = fit(trainee, train, val, settings, say, val_symbols_per_seq, checkpoint, resume, symbol, samples)
    if result.improved:
        save(result.to_json())
    elif not result.interrupted and not resume.epoch:
        raise GenappError(f"training gave no usable epoch (the loss was {result.final_loss}); nothing was written to "
                          f"{out_dir}; try a lower {param('learning_rate')}")
    if result.interrupted:
        if result.improved:
            loss = f", validation loss {result.best_val_loss:.3f}" if result.best_val_loss is not None else ""
            kept = f"the best model so far (epoch {result.best_epoch}{loss}) is in {out_dir}; {param('resume')} continues it"
        elif resume.epoch:
            kept = f"no epoch beat the saved model, so {out_dir} is unchanged"
        else:
            kept = "stopped before the first epoch ended, so nothing was saved"
        raise Interrupted(f"interrupted: {kept}")
    return result


# ---- the one training path of every product --------------------------------------------------------


@dataclass
class TrainingData:
    """A product's training data, read: what the shared path needs to know of it."""

    data: object  # the product's own (names, token ids, value sequences)
    symbols: object  # iterable of every symbol, for a resumed model's vocabulary check; None: not checked
    digest: str  # sha256 of what is trained on; a resumed run compares it with the bundle's
    facts: dict  # recorded in training.json


@dataclass
class Batches:
    """What a product's data becomes for ``fit``: arrays or streams, and how to report them."""

    train: object
    val: object | None
    symbols_per_val_seq: float | None  # predicted symbols per validation sequence (for nats per symbol)
    summary: str  # "a 1-layer LSTM (128 units) on 1,390 names from dinos.txt, 154 held out"
    facts: dict = field(default_factory=dict)  # more for training.json (window counts...)


class Recipe:
    """What a product supplies to ``train_bundle``; everything else is shared.

    ``kind`` and ``loaded`` (its ``inference.LoadedModel`` class), ``symbol``
    (what nats are per: "char", "token", "value"), and four steps: read the
    corpus, build a vocabulary, make the model arguments, cut batches, build
    the Keras graphs.
    """

    kind = ""
    symbol = "symbol"
    loaded: type = object

    def read(self, options) -> TrainingData:
        raise NotImplementedError

    def vocabulary(self, corpus: TrainingData, options):
        raise NotImplementedError

    def model_args(self, vocab, options) -> dict:
        raise NotImplementedError

    def batches(self, corpus: TrainingData, vocab, options, args: dict, say) -> Batches:
        raise NotImplementedError

    def graphs(self, args: dict, options) -> tuple[keras.Model, keras.Model, object]:
        """(the model the bundle holds, the graph to fit (may be the same), its loss; None: sequence cross-entropy)."""
        raise NotImplementedError

    def measure(self, args: dict, options):
        """What held-out data is judged by, when it is not the training loss (``compile_model``); None: the loss."""
        return None

    def samples(self, model: keras.Model, args: dict, vocab, corpus: TrainingData, options
                ) -> Callable[[int], list[str]] | None:
        """What to print after each epoch (lines of samples from ``model`` as it trains), or None."""
        return None


def train_bundle(recipe: Recipe, out_dir, given: dict | None = None, preset_name: str = "default",
                 say: Callable[[str], None] | None = None, *, replace: bool = False, resume: bool = False,
                 init_from=None, devices: int | str | None = None, cluster=None):
    """Train a product's model and write its bundle to ``out_dir``; returns the loaded model.

    corpus -> vocabulary -> model arguments -> batches -> seed -> graphs ->
    compile -> fit (bundle written at every improvement) -> load.

    ``given``: options a user chose (``genapp.config`` names; None: not given),
    over the resumed bundle's, over the preset's.  ``out_dir`` must be new or
    empty, or (with ``replace``) a bundle of this kind; ``resume`` continues
    the bundle there: weights, optimizer state, epoch count, settings, shape.
    ``init_from``: a bundle of this kind to fine-tune: a new training run (its
    own epochs, a fresh optimizer) that starts from its weights, with its
    shape, and its vocabulary extended by the corpus's new symbols.
    ``devices`` ("all" or a count) trains data-parallel over that many
    devices, ``cluster`` (a ``distribute.Cluster``) across hosts
    (``genapp.distribute``); only process 0 writes the bundle and returns the
    model (the others return None).
    """
    from genapp import config as configs
    from genapp import distribute
    from genapp.data.vocab import never_seen
    from genapp.targets import bundle_target

    if resume and init_from is not None:
        raise GenappError(f"{param('resume')} and {param('init_from')} exclude each other")
    placement = distribute.place(devices, cluster, say)  # first: a cluster starts before any device is used
    if placement is not None and not placement.writes:
        say = None
    else:
        bundle_target(out_dir, recipe.kind, replace=replace, resume=resume)
    previous = recipe.loaded.load(out_dir) if resume else None
    base = recipe.loaded.load(init_from) if init_from is not None else None
    shaped = previous or base
    options = configs.resolve(
        configs.preset(recipe.kind, preset_name), given or {},
        saved_model={**shaped.bundle.config, **dataclasses.asdict(shaped.config)} if shaped else None,  # + defaults
        saved_settings=previous.bundle.training.get("settings") if previous else None,
        where=f"in {out_dir if previous else init_from}",
    )
    corpus = recipe.read(options)
    if base is not None:
        vocab = base.vocab.extended(corpus.symbols if corpus.symbols is not None else ())
        args = recipe.model_args(vocab, options)
        if say and vocab.size > base.vocab.size:
            say(f"fine-tuning {init_from}: its vocabulary grows by {vocab.size - base.vocab.size} new symbols")
    elif previous is not None:
        unknown = previous.vocab.unknown(corpus.symbols) if corpus.symbols is not None else []
        if unknown:
            raise GenappError(f"{param('resume')}: the corpus has {never_seen(unknown, previous.SYMBOLS)} in "
                              f"{out_dir}; train a new model instead")
        vocab, args = previous.vocab, dict(previous.bundle.config)
    else:
        vocab = recipe.vocabulary(corpus, options)
        args = recipe.model_args(vocab, options)
    batches = recipe.batches(corpus, vocab, options, args, say)
    settings = options.settings
    if placement is not None:
        batches = placement.batches(batches, settings.batch_size, settings.seed)
    seed_everything(settings.seed)
    with placement.scope() if placement else contextlib.nullcontext():
        result = _fit_bundle(recipe, out_dir, options, corpus, vocab, args, batches, previous, base, init_from, say,
                             writes=placement is None or placement.writes)
    if result is None:
        return None
    if say:
        say(outcome(result, out_dir, batches.symbols_per_val_seq, recipe.symbol))
    return recipe.loaded.load(out_dir)


def _fit_bundle(recipe: Recipe, out_dir, options, corpus: TrainingData, vocab, args: dict, batches: Batches, previous,
                base, init_from, say, writes: bool) -> TrainResult | None:
    """Build the graphs, compile, fit and write the bundle (``writes``: this process writes; None if it does not)."""
    settings = options.settings
    model, trainee, loss = recipe.graphs(args, options)
    if previous is not None:
        model.set_weights(previous.bundle.model.get_weights())
    if base is not None:
        try:
            transfer_weights(base.bundle.model, model)
        except ValueError as e:
            raise GenappError(f"{param('init_from')} {init_from}: its model does not fit the one being trained ({e}); "
                              f"give the same shape options as it was trained with") from None
    compile_model(trainee, settings, loss=loss, measure=recipe.measure(args, options))
    same_data = previous is not None and previous.bundle.training.get("corpus_sha256") == corpus.digest
    start = resume_from(previous.bundle, out_dir, same_data, settings.epochs) if previous else Resume()
    if say:
        resuming = f"; resuming after epoch {previous.bundle.training.get('best_epoch')}" if previous else ""
        say(f"training {batches.summary}; backend {keras.backend.backend()}{resuming}")
    facts = {**corpus.facts, "corpus_sha256": corpus.digest, **batches.facts}
    if base is not None:
        facts["fine_tuned_from"] = {"corpus": base.bundle.training.get("corpus"),
                                    "corpus_sha256": base.bundle.training.get("corpus_sha256")}
    result = train_and_save(
        out_dir=out_dir, kind=recipe.kind, model=model, vocab=vocab, config=args, facts=facts, train=batches.train,
        val=batches.val, settings=settings, trainee=trainee, say=say,
        val_symbols_per_seq=batches.symbols_per_val_seq, symbol=recipe.symbol, resume=start,
        samples=recipe.samples(model, args, vocab, corpus, options) if say else None, writes=writes,
    )
    return result if writes else None


def transfer_weights(source: keras.Model, target: keras.Model) -> None:
    """Copy a trained model's weights into the same architecture with a larger vocabulary.

    The vocabulary only grows at its end (``Vocabulary.extended``), so on
    every axis that grew the old weights fill the leading slice; the new
    symbols' rows and columns keep their fresh initialisation.
    """
    weights = []
    if len(source.get_weights()) != len(target.get_weights()):
        raise ValueError(f"expected a model with {len(target.get_weights())} weight arrays, got "
                         f"{len(source.get_weights())}")
    for old, new in zip(source.get_weights(), target.get_weights()):
        if old.ndim != new.ndim or any(o > n for o, n in zip(old.shape, new.shape)):
            raise ValueError(f"expected weights no larger than {new.shape}, got {old.shape}")
        new = new.copy()
        new[tuple(slice(0, o) for o in old.shape)] = old
        weights.append(new)
    target.set_weights(weights)


def outcome(result: TrainResult, out_dir, per_seq: float | None, symbol: str) -> str:
    """The line that ends a training run: the best epoch and its held-out loss, and where the bundle is."""
    if not result.improved:
        return f"no epoch beat the saved model's validation loss; {out_dir} is unchanged"
    if result.best_val_loss is not None and per_seq:
        loss = f"{result.best_val_loss / per_seq:.3f} nats/{symbol} held out"
    else:
        loss = f"training loss {result.final_loss:.3f} (nothing held out)"
    return f"best epoch {result.best_epoch}: {loss}; bundle written to {out_dir}"
