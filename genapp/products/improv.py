"""The chord-aware ("improv") jazz representation's own parts: event windows for training, solos event by event.

    piece_arrays(piece)   melody over chords -> (features (L, F), duration one-hot (L, D), targets (L, 2))
                          (``music.events``: encode, then what the model sees before each event)
    EventWindows          batches of Tx-event windows cut from those arrays on demand
    training_data, vocabulary, model_args, batches, graphs
                          the training path's steps, which ``products.jazz`` hands on: pieces -> arrays
                          -> windows split by piece -> the model (``nn.improv``) and its loss
    ImprovModel           a loaded bundle: improvise events over chords (duration, then pitch step, each
                          sampled and fed back), score pieces (nats per event)

``products.jazz`` trains either representation; ``products.classic`` is the course's grammar.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from fractions import Fraction

import keras
import numpy as np

from genapp.config import ImprovConfig, JazzSampling
from genapp.data.digest import JsonListDigest
from genapp.data.rows import Rows, RowWriter
from genapp.data.split import split_by_hash
from genapp.data.vocab import Vocabulary
from genapp.errors import GenappError, param
from genapp.music import events as ev
from genapp.music import timing
from genapp.music.dataset import _base, tune_of
from genapp.music.grammar import REGISTER, Decoded
from genapp.music.piece import ChordSpan, Piece
from genapp.music.progression import Progression
from genapp.products.solos import JazzModel
from genapp.sampling import sample_indices
from genapp.training import Batches, TrainingData

ENDING = 2 * ev.UNITS_PER_QUARTER  # grid units: a solo's closing note reaches into its last two beats
HELD = ev.UNITS_PER_QUARTER  # grid units: a note this long is heard against the chord, and may not be an avoid note


def held_tones(chord) -> frozenset[int]:
    """The pitch classes a note held against ``chord`` may take: its chord tones, the tensions its symbol names
    (the b9 of G7b9), and its scale's other tones less an avoid note (a semitone above a chord tone: F over C
    major, C over G7); never a tone outside its scale (Bb over Am7)."""
    tones = chord.pitch_classes
    named = frozenset((chord.root + t) % 12 for t in chord.tensions)
    return tones | named | frozenset(pc for pc in chord.scale if (pc - 1) % 12 not in tones)
VOCAB = Vocabulary(tuple(f"duration {d}" for d in ev.DURATIONS) + tuple(f"pitch {p}" for p in ev.PITCHES), ())


@dataclass
class PieceArrays:
    name: str
    events: list[ev.Event]
    features: np.ndarray  # (L, F) float32: what the model sees before each event
    durations: np.ndarray  # (L, D) float32: each event's own duration, one-hot (the pitch head reads it)
    targets: np.ndarray  # (L, 2) int32: (duration, pitch) indices


def in_eighths(piece: Piece) -> Piece:
    """The piece as the model reads it: a melody that moves mostly in sixteenths is read in double time.

    A rag or a march notated in 2/4 with running sixteenths has the feel of a
    4/4 line in eighths (the rhythm that genapp's lead sheets and its solos
    move in); reading its notes, chords and bars at twice their notated
    length puts both on one rhythmic scale.  Any other piece is read as written.
    """
    durations = sorted(n.duration for n in piece.melody)
    if not durations or durations[len(durations) // 2] > 0.25 + 1e-9:
        return piece
    return replace(piece, melody=[replace(n, start=2 * n.start, duration=2 * n.duration) for n in piece.melody],
                   chords=[replace(c, start=2 * c.start, duration=2 * c.duration) for c in piece.chords],
                   measure_length=2 * piece.measure_length, tempo=2 * piece.tempo)


def written(piece: Piece) -> Piece:
    """The piece as the model reads it, in time: a line transcribed as played (under ``WRITTEN_FIT`` of its onsets
    on 16ths and eighth-note triplets, as the Weimar Jazz Database's 32nds and 24ths) is written out on them."""
    if timing.written_fit(piece.melody) >= timing.WRITTEN_FIT:
        return piece
    return replace(piece, melody=timing.write_out(piece.melody))


def _events(read: Piece) -> list[ev.Event]:
    return ev.encode(read.melody, read.measure_length * read.measures)


def read_as_model(piece: Piece) -> Piece:
    """What the model reads of a piece: double time when it runs in 16ths, then written out on the beat."""
    return written(in_eighths(piece))


def piece_events(piece: Piece) -> list[ev.Event]:
    return _events(read_as_model(piece))


def piece_arrays(piece: Piece, context: int = ev.CONTEXT) -> PieceArrays:
    """The piece's events and what a model of ``context`` version sees before each (``music.events``)."""
    read = read_as_model(piece)
    events = _events(read)
    y = ev.targets(events)
    durations = np.eye(ev.MAX_UNITS, dtype=np.float32)[y[:, 0]] if len(events) else np.zeros((0, ev.MAX_UNITS), np.float32)
    seen = ev.Context(read.chords, read.measure_length, read.measure_length * read.measures, context, read.tempo)
    return PieceArrays(piece.name, events, ev.walk(events, seen), durations, y)


class EventWindows(keras.utils.PyDataset):
    """([features (b, Tx, F), durations (b, Tx, D)], targets (b, Tx, 2)) windows of the pieces, cut on demand.

    ``rows``: every piece's features and targets (``data.rows``, memory-mapped:
    a corpus need not fit in memory); ``spans``: the pieces to cut windows from.
    Windows never cross pieces.  Training (``shuffle``): windows start every
    Tx/2 events from a random offset each epoch, in random order.
    Validation: consecutive windows that cover every event exactly once, the
    last one of a piece padded (targets -1), so the loss counts each event once.
    """

    def __init__(self, rows: Rows, spans: list[tuple[str, int, int]], tx: int, batch_size: int, shuffle: bool,
                 seed: int = 0):
        super().__init__()
        self.tx, self.batch_size, self.shuffle = tx, batch_size, shuffle
        self.rng = np.random.default_rng(seed)
        self.features, self.targets = rows.columns["features"], rows.columns["targets"]
        self.spans = [(first, length) for _, first, length in spans]
        self.events = sum(length for _, length in self.spans)
        self.on_epoch_end()

    def _starts(self, offset: int, stride: int) -> np.ndarray:
        starts = []
        for first, length in self.spans:
            last = max(length - self.tx, 0)
            own = list(range(min(offset, last), last + 1, stride)) if self.shuffle else list(range(0, length, stride))
            if self.shuffle and own[-1] != last:
                own.append(last)
            starts += [(first, s, length) for s in own]
        return np.array(starts, np.int64).reshape(-1, 3)

    def on_epoch_end(self) -> None:
        stride = max(1, self.tx // 2) if self.shuffle else self.tx
        offset = int(self.rng.integers(0, stride)) if self.shuffle else 0
        self.windows = self._starts(offset, stride)  # (n, 3): piece's first row, start in piece, piece length
        if self.shuffle:
            self.rng.shuffle(self.windows)
            # the same number of windows every epoch (Keras fixes the steps of an epoch after the first, and warns
            # "your input ran out of data" when a later epoch's offsets give fewer)
            self.count = getattr(self, "count", len(self.windows))
            extra = self.windows[self.rng.integers(0, len(self.windows), max(0, self.count - len(self.windows)))]
            self.windows = np.concatenate([self.windows, extra])[: self.count]

    def __len__(self) -> int:
        return -(-len(self.windows) // self.batch_size)

    @property
    def steps_per_window(self) -> float:
        """Events scored per window, on average (exact for validation windows, which cover each event once)."""
        return self.events / max(len(self.windows), 1)

    def __getitem__(self, i: int):
        w = self.windows[i * self.batch_size : (i + 1) * self.batch_size]  # (b, 3)
        offsets = w[:, 1:2] + np.arange(self.tx)[None, :]  # (b, Tx): position inside the piece
        inside = offsets < w[:, 2:3]  # (b, Tx): False past a piece's end (padding)
        rows = np.where(inside, w[:, 0:1] + offsets, 0)  # (b, Tx)
        features = np.where(inside[..., None], self.features[rows], 0).astype(np.float32)  # (b, Tx, F)
        targets = np.where(inside[..., None], self.targets[rows], -1).astype(np.int32)  # (b, Tx, 2)
        durations = np.eye(ev.MAX_UNITS, dtype=np.float32)[np.maximum(targets[..., 0], 0)]  # (b, Tx, D)
        durations[~inside] = 0
        return (features, durations), targets


COLUMNS = {"features": (np.float32, ev.FEATURES), "targets": (np.int32, 2)}


def training_data(pieces: Iterable[Piece], options, facts: dict) -> TrainingData:
    """Each piece's arrays, written to disk as the pieces stream in (``data.rows``): memory does not grow with them.

    Nothing a resumed model could lack (nothing is out of vocabulary).  The
    digest is of the event sequences, not of paths (which differ per clone).
    """
    from genapp.paths import scratch_dir

    if options.graph != "fused":
        raise GenappError(f"{param('graph')} {options.graph}: the unrolled graph is the classic model's; add "
                          f"{param('representation')} classic, or leave {param('graph')} out")
    writer, digest = RowWriter(scratch_dir(), COLUMNS), JsonListDigest()
    count = 0
    for piece in pieces:
        a = piece_arrays(piece)
        writer.append(a.name, features=a.features, targets=a.targets)
        digest.add([str(e) for e in a.events])
        count += 1
    rows = writer.close()
    return TrainingData(rows, (), digest.hexdigest(), {**facts, "pieces": count, "events": rows.count})


def vocabulary(rows: Rows) -> Vocabulary:
    """The same for every corpus: the duration classes, then the pitch classes (the model's two heads side by side)."""
    return VOCAB


def model_args(vocab: Vocabulary, options) -> dict:
    return ImprovConfig(options.units, options.tx, options.dropout, ev.FEATURES, ev.MAX_UNITS, len(ev.PITCHES),
                        members=options.members, context=ev.CONTEXT).to_json()


Span = tuple[str, int, int]  # (piece name, first row, rows)


def split_pieces(spans: list[Span], fraction: float) -> tuple[list[Span], list[Span]]:
    """(training, held out) by piece, as ``music.dataset`` splits (one piece: its last share of events held out)."""
    if fraction <= 0:
        return spans, []
    if len(spans) == 1:
        name, first, length = spans[0]
        cut = length - max(1, round(length * fraction))
        return [(name, first, cut)], [(name, first + cut, length - cut)]
    return split_by_hash(spans, fraction, key=lambda p: tune_of(p[0]))


def batches(rows: Rows, vocab: Vocabulary, options, args: dict, say) -> Batches:
    cfg = ImprovConfig.from_json(args)
    if cfg.context != ev.CONTEXT:
        raise GenappError(f"the model was made by an older genapp (it sees context {cfg.context}, this genapp trains "
                          f"context {ev.CONTEXT}): it can still generate and be evaluated, but not be trained on; "
                          f"train a new model instead of {param('resume')} or {param('init_from')}")
    train, held = split_pieces([s for s in rows.spans if s[2]], options.validation)
    if not train:
        raise GenappError(f"corpus too small: no notes to learn from in {len(rows.spans)} pieces")
    stream = EventWindows(rows, train, cfg.tx, options.settings.batch_size, shuffle=True, seed=options.settings.seed)
    val = EventWindows(rows, held, cfg.tx, 64, shuffle=False) if held else None
    return Batches(
        train=stream, val=val, symbols_per_val_seq=val.steps_per_window if val else None,
        summary=f"the improv jazz LSTM (n_a {cfg.units}, Tx {cfg.tx}, dropout {cfg.dropout:g}"
                f"{f', {cfg.members} members' if cfg.members > 1 else ''}) on "
                f"{stream.events} events of {len(train)} pieces, {val.events if val else 0} events of "
                f"{len(held)} held out",
        facts={"train_events": stream.events, "validation_events": val.events if val else 0,
               "validation_pieces": [_base(name) for name, _, _ in held], "label_smoothing": options.label_smoothing},
    )


def graphs(args: dict, options):
    from genapp.nn.improv import build_model
    from genapp.nn.losses import FactorisedCrossEntropy

    cfg = ImprovConfig.from_json(args)
    model = build_model(cfg)
    return model, model, FactorisedCrossEntropy(ev.MAX_UNITS, options.label_smoothing, cfg.members)


def measure(args: dict, options):
    """Held-out pieces are judged by the members' mixture's -log P(event), without the training loss's smoothing."""
    from genapp.nn.losses import FactorisedCrossEntropy

    return FactorisedCrossEntropy(ev.MAX_UNITS, members=ImprovConfig.from_json(args).members, mixture=True,
                                  name="measure")


class ImprovModel(JazzModel, representation="improv"):
    """A loaded chord-aware jazz bundle."""

    SYMBOLS = "events"
    MEMBERS_SIDE_BY_SIDE = True

    @classmethod
    def read_config(cls, args: dict) -> ImprovConfig:
        cfg = ImprovConfig.from_json(args)
        features = ev.feature_count(cfg.context)
        if (cfg.features, cfg.durations, cfg.pitches) != (features, ev.MAX_UNITS, len(ev.PITCHES)):
            raise ValueError(f"expected features {features}, durations {ev.MAX_UNITS} and pitches "
                             f"{len(ev.PITCHES)}, got {cfg.features}, {cfg.durations} and {cfg.pitches}")
        return cfg

    @classmethod
    def build(cls, args: dict) -> keras.Model:
        from genapp.nn.improv import build_model

        return build_model(cls.read_config(args), initialize=False)

    def make_stepper(self):
        from genapp.nn.improv import ImprovStepper

        return ImprovStepper(self.bundle.model, self.config)

    def phrase(self, piece: Piece) -> tuple[list[ev.Event], int]:
        events = piece_events(piece)
        while events and events[-1].step is None:  # trailing rests of the file are not part of the phrase
            events.pop()
        return events, 0

    def improvise(self, chords: list[ChordSpan], progression: Progression, length: Fraction, temperature: float,
                  rng: np.random.Generator, primer: list[ev.Event] = (), top_k: int | None = None,
                  rhythm_temperature: float = JazzSampling.rhythm_temperature) -> tuple[list[ev.Event], Decoded]:
        """Events filling ``length`` quarter notes over the chords: a duration sampled (at ``rhythm_temperature``),
        then a pitch step given it (at ``temperature``).

        Each event is fed back as the next step's input.  A step that would
        leave the solo register (``music.grammar.REGISTER``) is never chosen.
        A note of a beat or more (``HELD``) is one of the chord's ``held_tones``
        (no avoid note against the comping).  The solo ends as a player ends
        it: the event that reaches its last ``ENDING`` grid units (two beats)
        is a note on a tone of the chord under it (the model's choice among
        them), held to the end (a bar at most).
        """
        context = ev.Context(chords, progression.measure_length, float(length), self.config.context, progression.tempo)
        length = round(length * ev.UNITS_PER_QUARTER)  # grid units
        states = self.stepper.initial_states(1)
        out: list[ev.Event] = []
        walk = ev.Walk()
        steps = np.array(ev.STEPS)

        def advance(e: ev.Event) -> None:
            e = ev.Event(min(e.units, length - walk.onset), e.step)
            out.append(e)
            walk.advance(e)

        for e in primer:  # teacher-forced: the phrase sets the state and starts the solo
            if walk.onset >= length:
                break
            _, _, states = self.stepper.step(walk.features(context)[None], states)
            advance(e)
        stop = length - ENDING if length > 2 * ENDING else length  # the last note starts before this
        while walk.onset < length:
            hx, p_duration, states = self.stepper.step(walk.features(context)[None], states)
            duration = sample_indices(p_duration, rng, rhythm_temperature, top_k)  # (1,)
            landing = walk.pitch + steps  # (25,) the pitch after each step
            outside = (landing < REGISTER[0]) | (landing > REGISTER[1])  # (25,)
            last = walk.onset + int(duration[0]) + 1 >= stop
            chord = context.chords[context.chord_index(walk.onset)].chord
            if last or int(duration[0]) + 1 >= HELD:  # the closing note: a chord tone; a held one: no avoid note
                kept = outside | ~np.isin(landing % 12, sorted(chord.pitch_classes if last else held_tones(chord)))
                outside = kept if not kept.all() else outside
            banned = np.flatnonzero(outside) + 1
            banned = np.concatenate([[0], banned]) if last else banned
            token = sample_indices(self.stepper.pitch_probs(hx, duration), rng, temperature, top_k, banned)
            event = ev.Event.from_tokens(int(duration[0]), int(token[0]))
            if last:  # held to the end (a bar at most), then silence
                advance(ev.Event(min(ev.MAX_UNITS, length - walk.onset), event.step))
                if walk.onset < length:
                    advance(ev.Event(length - walk.onset, None))
                break
            advance(event)
        return out, Decoded(ev.decode(out), 0, length / ev.UNITS_PER_QUARTER)

    def nats(self, pieces: list[PieceArrays]) -> tuple[float, int]:
        """(total negative log-probability, events) of the pieces, each read from its start (zero state)."""
        from genapp.nn.improv import event_probs

        total, events = 0.0, 0
        for p in pieces:
            if not p.events:
                continue
            heads = np.asarray(self.bundle.model([p.features[None], p.durations[None]], training=False))[0]  # (L, M (D+K))
            total -= float(np.log(np.maximum(event_probs(heads, p.targets, self.config), 1e-300)).sum())
            events += len(p.events)
        return total, events
