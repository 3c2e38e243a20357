"""One typed config per model, and the named presets that are genapp's single source of defaults.

Keras-free, so the command line reads its defaults and help texts from here
and ``genapp --help`` never imports Keras.

    TrainSettings   how any model is fitted: epochs, batch size, Adam, clipping, early stop, seed
    CharLMConfig    the names and text models' arguments (saved in the bundle)
    TextConfig      what a text model reads: token level and window length (saved in the bundle)
    JazzConfig      the jazz LSTM's arguments (saved in the bundle)
    NamesOptions, TextOptions, JazzOptions
                    everything a product's training takes besides its files: model shape,
                    data options, and TrainSettings
    PRESETS         named options per product: "default" (what genapp ships) and "tiny"
                    (a model trained in seconds, for trying a corpus out)
    NamesSampling, TextSampling, JazzSampling
                    how each product samples by default (count, length, temperature)

Every option field carries its help text, which ``genapp train-* --help`` shows
with the preset's value as the default.  A training run resolves its options
in one place (``resolve``): the options a user gave, over the resumed
bundle's own (when resuming), over the preset.
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass, field, fields, replace

from genapp.checks import (
    from_json,
    recurrent_weights,
    require_positive_ints,
    require_weights_at_most,
)
from genapp.errors import GenappError, param
from genapp.text.corpus import MAX_NAME_LENGTH

CELLS = ("rnn", "gru", "lstm")
LEVELS = ("char", "word")
GRAPHS = ("fused", "unrolled")
REPRESENTATIONS = ("improv", "classic")
BANDS = ("none", "comp", "trio")
MAX_TX = 10_000  # the jazz model's unrolled graph has one output per step


def option(default, help: str, **meta):
    """A config field with its help text; ``meta`` bounds it for the command line.

    ``choices``: the values allowed; ``min``, ``max``: the least and most
    (an integer's least defaults to 1; None: any); ``share``: a fraction in [0, 1).
    """
    return field(default=default, metadata={"help": help, **meta})


@dataclass(frozen=True)
class TrainSettings:
    epochs: int = option(60, "Most epochs in all, counting those of a resumed model (early stop may end sooner).")
    batch_size: int = option(32, "Sequences per training step.")
    learning_rate: float = option(0.005, "Adam's step size.")
    clipvalue: float | None = option(5.0, "Clip each gradient entry to [-CLIP, CLIP] (None: no clipping).")
    patience: int = option(8, "Epochs without a better validation loss before stopping.")
    lr_drop: float = option(1.0, "After --lr-patience epochs without a better validation loss, go back to the best "
                                 "epoch's weights and multiply the learning rate by this (1: never).", max=1.0)
    lr_patience: int = option(3, "Epochs without a better validation loss before each --lr-drop.")
    seed: int = option(0, "Weight initialisation and batch order.", min=None)

    def __post_init__(self) -> None:
        require_positive_ints(self, "epochs", "batch_size", "patience", "lr_patience")
        if not self.learning_rate > 0:
            raise ValueError(f"expected learning_rate > 0, got {self.learning_rate}")
        if not 0 < self.lr_drop <= 1:
            raise ValueError(f"expected 0 < lr_drop <= 1, got {self.lr_drop}")
        if self.clipvalue is not None and not self.clipvalue > 0:
            raise ValueError(f"expected clipvalue > 0 or None, got {self.clipvalue}")

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> TrainSettings:
        """Settings recorded in a bundle's training.json (unknown keys ignored)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def updated(self, given: dict) -> TrainSettings:
        """These settings with the options a user gave (None: not given; clipvalue 0: no clipping) put in."""
        names = {f.name for f in fields(self)}
        chosen = {k: v for k, v in given.items() if v is not None and k in names}
        if chosen.get("clipvalue") == 0:  # given as 0: no clipping
            chosen["clipvalue"] = None
        return replace(self, **chosen)


# ---- the models' arguments, saved in each bundle ------------------------------------------------


class Saved:
    """A model's arguments as config.json holds them; ``from_json`` refuses an argument the class lacks."""

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict):
        return from_json(cls, data)


@dataclass(frozen=True)
class CharLMConfig(Saved):
    """The character (or token) model: one-hot -> ``layers`` recurrent ``cell`` layers of ``units`` -> softmax."""

    vocab_size: int  # from the data
    cell: str  # rnn | gru | lstm
    units: int  # n_a, the hidden state size of every layer
    layers: int  # stacked recurrent layers (deep RNN)
    dropout: float = 0.0  # after each recurrent layer, while training (bundles before 0.3 have none)
    embedding: int = 0  # learned input vectors of this size; 0: one-hot (older bundles have none)
    input_dropout: float = 0.0  # on the input vectors, while training (older bundles: none)
    members: int = 1  # copies trained side by side whose probabilities are averaged (an ensemble; older bundles: 1)

    def __post_init__(self) -> None:
        if self.cell not in CELLS:
            raise ValueError(f"expected cell to be one of {', '.join(CELLS)}, got {self.cell!r}")
        require_positive_ints(self, "vocab_size", "units", "layers", "members")
        for name in ("dropout", "input_dropout"):
            if not 0 <= getattr(self, name) < 1:
                raise ValueError(f"expected {name} in [0, 1), got {getattr(self, name)!r}")
        if not (isinstance(self.embedding, int) and self.embedding >= 0):
            raise ValueError(f"expected embedding to be an integer >= 0, got {self.embedding!r}")
        require_weights_at_most(self.weights(), "a model")

    def weights(self) -> int:
        """How many weights the model has: each member's input vectors, recurrent layers and softmax Dense."""
        inputs = self.embedding or self.vocab_size  # what the first recurrent layer reads per token
        first = recurrent_weights(self.cell, inputs, self.units)
        deeper = (self.layers - 1) * recurrent_weights(self.cell, self.units, self.units)
        member = self.vocab_size * self.embedding + first + deeper + self.units * self.vocab_size + self.vocab_size
        return self.members * member

    def describe(self) -> str:
        """The model in words, as training's first line says it: "a 1-layer LSTM (128 units, 3 members)"."""
        inputs = f", {self.embedding}-wide learned input vectors" if self.embedding else ""
        members = f", {self.members} members" if self.members > 1 else ""
        return f"a {self.layers}-layer {self.cell.upper()} ({self.units} units{inputs}{members})"

    @classmethod
    def of(cls, vocab_size: int, options) -> CharLMConfig:
        """The model a product's training options ask for (``NamesOptions``, ``TextOptions``)."""
        return cls(vocab_size, **{f.name: getattr(options, f.name) for f in fields(cls) if f.name != "vocab_size"})



@dataclass(frozen=True)
class TextConfig:
    """What a text bundle reads, besides the model arguments."""

    level: str  # "char" or "word"
    tx: int  # window length in tokens

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"expected level to be one of {LEVELS}, got {self.level!r}")
        if not isinstance(self.tx, int) or isinstance(self.tx, bool) or self.tx < 2:
            raise ValueError(f"expected tx to be an integer >= 2, got {self.tx!r}")


@dataclass(frozen=True)
class JazzConfig(Saved):
    """The jazz LSTM: one shared LSTM of ``units`` and a softmax over ``n_values``, unrolled over ``tx`` steps."""

    n_values: int  # vocabulary size, PAD included; from the data
    units: int  # n_a
    tx: int  # training window length
    representation: str = "classic"  # the grammar of ``music.grammar`` (bundles before 0.3 do not say)

    def __post_init__(self) -> None:
        require_positive_ints(self, "n_values", "units", "tx")
        if self.representation != "classic":
            raise ValueError(f"expected representation 'classic', got {self.representation!r}")
        require_weights_at_most(self.weights(), "a jazz model")
        if self.tx > MAX_TX:
            raise ValueError(f"expected tx to be at most {MAX_TX}, got {self.tx}")

    def weights(self) -> int:
        """How many weights the shared layers have: the LSTM and the softmax Dense."""
        return recurrent_weights("lstm", self.n_values, self.units) + self.units * self.n_values + self.n_values



@dataclass(frozen=True)
class ImprovConfig(Saved):
    """The chord-aware jazz model (``nn.improv``): an LSTM of ``units`` over event features, two softmax heads."""

    units: int  # n_a
    tx: int  # training window length in events
    dropout: float  # on the LSTM's input and output while training
    features: int  # input width (``music.events.FEATURES``)
    durations: int  # duration classes
    pitches: int  # pitch classes: rest and the steps
    representation: str = "improv"
    members: int = 1  # copies trained side by side whose probabilities are averaged (an ensemble; older bundles: 1)
    context: int = 1  # which features it sees (``music.events.CONTEXTS``; bundles before 0.4: 1)

    def __post_init__(self) -> None:
        require_positive_ints(self, "units", "tx", "features", "durations", "pitches", "members", "context")
        if self.representation != "improv":
            raise ValueError(f"expected representation 'improv', got {self.representation!r}")
        if not 0 <= self.dropout < 1:
            raise ValueError(f"expected dropout in [0, 1), got {self.dropout!r}")
        if self.tx > MAX_TX:
            raise ValueError(f"expected tx to be at most {MAX_TX}, got {self.tx}")
        require_weights_at_most(self.weights(), "a jazz model")

    def weights(self) -> int:
        """Each member's LSTM, duration head and pitch head."""
        hx = self.units + self.features
        return self.members * (recurrent_weights("lstm", self.features, self.units) + (hx + 1) * self.durations
                               + (hx + self.durations + 1) * self.pitches)


# ---- what each product's training takes -----------------------------------------------------------

INPUT_DROPOUT_HELP = "Dropout on the input vectors while training."
MEMBERS_HELP = ("Train this many copies side by side (each from its own start, each on its own loss) and average "
                "their probabilities, an ensemble.")


@dataclass(frozen=True)
class NamesOptions:
    cell: str = option("lstm", "Recurrent cell.", choices=CELLS)
    units: int = option(128, "Hidden units per recurrent layer (n_a).")
    layers: int = option(1, "Stacked recurrent layers (deep RNN).")
    dropout: float = option(0.4, "Dropout after each recurrent layer while training.", share=True)
    embedding: int = option(32, "Learn a vector of this size per character as the input, in place of one-hot "
                                "(0: one-hot).", min=0)
    input_dropout: float = option(0.3, INPUT_DROPOUT_HELP, share=True)
    members: int = option(3, MEMBERS_HELP)
    validation: float = option(0.1, "Share of the names held out to measure the model (those with the smallest "
                                    "CRC-32; at least one; 0: none).", share=True)
    # chosen by measurement on held-out names: benchmarks/names.py
    settings: TrainSettings = TrainSettings(learning_rate=0.01)

    SHAPE = ("cell", "units", "layers", "embedding", "members")  # what a resumed model keeps
    KEPT = ("dropout", "input_dropout")  # what a resumed model keeps unless given


@dataclass(frozen=True)
class TextOptions:
    cell: str = option("lstm", "Recurrent cell.", choices=CELLS)
    units: int = option(512, "Hidden units per recurrent layer (n_a).")
    layers: int = option(1, "Stacked recurrent layers (deep RNN).")
    dropout: float = option(0.35, "Dropout after each recurrent layer while training.", share=True)
    embedding: int = option(0, "Learn a vector of this size per token as the input, in place of one-hot: for words, "
                               "a smaller model that trains faster (benchmarks/words.py); 0: one-hot.", min=0)
    input_dropout: float = option(0.1, INPUT_DROPOUT_HELP, share=True)
    members: int = option(1, MEMBERS_HELP)
    level: str = option("char", "Tokens are characters or words.", choices=LEVELS)
    tx: int = option(100, "Window length in tokens (Tx).", min=2)
    carry: bool = option(False, "Carry the state from each window to the next through the text while training "
                               "(truncated backpropagation through time, as char-rnn); off: every window starts "
                               "from a zero state.")
    vocab_size: int = option(5000, "Word level: keep this many tokens (3 reserved: <pad>, <unk>, <eos>); rarer "
                                   "words become <unk>.")
    validation: float = option(0.1, "Share of the corpus (its end) held out to measure the model (0: none).",
                               share=True)
    settings: TrainSettings = TrainSettings(epochs=30, batch_size=64, learning_rate=0.005, clipvalue=5.0, patience=3)

    SHAPE = ("cell", "units", "layers", "embedding", "members", "level", "tx")
    KEPT = ("dropout", "input_dropout")


@dataclass(frozen=True)
class JazzOptions:
    representation: str = option("improv", "improv: note events that see the beat and the chords, two small heads "
                                           "(duration, pitch step); classic: the course's grammar of values.",
                                 choices=REPRESENTATIONS)
    units: int = option(320, "LSTM units (n_a); improv: per member.")
    tx: int = option(128, "Training window length in events (Tx).", min=2)
    dropout: float = option(0.3, "Dropout on the LSTM's input and output while training (improv only).",
                            share=True)
    label_smoothing: float = option(0.0, "While training, the pitch head learns (1 - this) the true step and this "
                                         "spread over every step: less overconfident on music unlike the corpus "
                                         "(improv only).", share=True)
    members: int = option(1, "Improv only: train this many copies side by side (each from its own start) and "
                             "average their probabilities, an ensemble.")
    validation: float = option(0.1, "Share of pieces held out to measure the model, whole tunes at a time (0: none).",
                               share=True)
    graph: str = option("fused", "Classic only: train the fused sequence graph or the classic unrolled one (same "
                                 "layers).", choices=GRAPHS)
    # chosen by measurement on held-out real solos: benchmarks/jazz_real_sweep.py
    settings: TrainSettings = TrainSettings(epochs=30, batch_size=32, learning_rate=0.01, clipvalue=5.0, patience=10,
                                            lr_drop=0.5, lr_patience=2)

    SHAPE = ("representation", "units", "tx", "members")
    KEPT = ("dropout",)


# ---- how each product samples -----------------------------------------------------------------------

TEMPERATURE_HELP = "0: the likeliest symbol at every step."


@dataclass(frozen=True)
class NamesSampling:
    count: int = option(10, "How many names.")
    temperature: float = option(1.0, f"Above 1: wilder names; below 1: safer ones; {TEMPERATURE_HELP}", min=0)
    max_length: int = option(30, "Longest name.", max=MAX_NAME_LENGTH)


@dataclass(frozen=True)
class TextSampling:
    length: int = option(300, "Tokens to write (characters or words).")
    temperature: float = option(0.8, f"Above 1: wilder text; below 1: safer; {TEMPERATURE_HELP}", min=0)


@dataclass(frozen=True)
class JazzSampling:
    bars: int = option(16, "Length of the solo in bars; the progression repeats. Left out: whole choruses, the "
                           "fewest that last at least this many bars (a 12-bar blues: 24).", max=1000)
    temperature: float = option(0.8, f"How the pitches are chosen. Above 1: more surprising; below 1: safer; "
                                     f"{TEMPERATURE_HELP}", min=0)
    rhythm_temperature: float = option(1.0, "How the durations (the rhythm) are chosen, as --temperature does for the "
                                            "pitches; improv models (a classic model's values hold both: --temperature).",
                                       min=0)
    count: int = option(1, "How many takes.", max=100)
    band: str = option("trio", "The rhythm section: none (the solo alone), comp (piano), trio (piano, walking bass, "
                               "drums).", choices=BANDS)
    swing: float = option(2.0, "Long:short ratio of each beat's two eighths as played: 1 straight, 2 triplet feel, "
                               "3 hard swing.", min=1.0, max=3.0)
    humanize: float = option(0.5, "Timing and velocity variation as played, 0 (exact) to 1.", min=0.0, max=1.0)
    instrument: str = option("Tenor Sax", "Solo instrument: General MIDI number 1-128 or name.")
    comping_instrument: str = option("Acoustic Grand Piano", "Comping instrument: General MIDI number 1-128 or name.")
    bass_instrument: str = option("Acoustic Bass", "Bass instrument: General MIDI number 1-128 or name.")


SAMPLING = {"names": NamesSampling(), "text": TextSampling(), "jazz": JazzSampling()}

PRESETS: dict[str, dict[str, object]] = {
    # "default": the shipped models' options (chosen by measurement: benchmarks/RESULTS.md)
    "names": {"default": NamesOptions(),
              "tiny": NamesOptions(units=32, dropout=0.0, embedding=0, input_dropout=0.0, members=1,
                                   settings=TrainSettings(epochs=10, learning_rate=0.01))},
    "text": {"default": TextOptions(),
             "tiny": TextOptions(units=64, tx=50, dropout=0.0, input_dropout=0.0,
                                 settings=TrainSettings(epochs=3, batch_size=64, patience=2))},
    "jazz": {"default": JazzOptions(),
             "tiny": JazzOptions(units=16, tx=16, settings=TrainSettings(epochs=2, batch_size=64, learning_rate=0.01,
                                                                          patience=5))},
}


def preset(product: str, name: str = "default"):
    """A product's named options; GenappError naming the presets it has."""
    named = PRESETS[product]
    if name not in named:
        raise GenappError(f"{param('preset')} {name!r}: no such {product} preset; expected one of {', '.join(named)}")
    return named[name]


def option_names(options) -> list[str]:
    """The fields of a product's options, then TrainSettings' (what a user may give)."""
    return [f.name for f in fields(options) if f.name != "settings"] + [f.name for f in fields(TrainSettings)]


def resolve(options, given: dict, saved_model: dict | None = None, saved_settings: dict | None = None,
            where: str = "being resumed"):
    """The options of a run: what was ``given`` (None: not given) over the resumed bundle's (``saved_*``) over ``options``.

    A resumed model keeps its shape (``options.SHAPE``): a different value
    given for it is a GenappError; and its regularisation (``options.KEPT``)
    unless given.  Unknown names are a ValueError.
    """
    unknown = sorted(set(given) - set(option_names(options)))
    if unknown:
        raise ValueError(f"unknown option {unknown[0]!r}; expected some of {', '.join(option_names(options))}")
    settings = options.settings
    if saved_settings is not None:
        try:
            settings = TrainSettings.from_json(saved_settings)
        except (TypeError, ValueError):
            pass
    if saved_model is not None:
        for name in options.SHAPE:
            value = given.get(name)
            if value is not None and name in saved_model and saved_model[name] != value:
                raise GenappError(
                    f"{param(name)} {value}: the model {where} has {name} {saved_model[name]}; "
                    f"{param('resume')} keeps the model's shape (train a new model to change it)"
                )
        options = replace(options, **{k: saved_model[k] for k in options.SHAPE + options.KEPT if k in saved_model})
    own = {f.name for f in dataclasses.fields(options)} - {"settings"}
    chosen = {k: v for k, v in given.items() if v is not None and k in own}
    return replace(options, **chosen, settings=settings.updated(given))
