"""Train the jazz LSTM on a music corpus and improvise solos over chords.

The library behind ``genapp train-jazz`` and ``genapp generate``; it knows
nothing of the CLI.

    train_jazz(sources, out_dir, ...)       corpus -> values -> windows -> fit -> bundle (checkpointed)
    JazzModel.load(path)                    bundle -> shared layers -> step graph
    progression_from_text / _from_file      chord symbols or a backing file -> chords bar by bar
    model.solo(progression, bars, ...)      improvise (sample values until the bars are full) -> decode to notes
    music.arrangement + music.outputs       notes over the chords -> MIDI, WAV, PNG, MusicXML
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import keras
import numpy as np

from genapp import bundle as bundles
from genapp.errors import GenappError
from genapp.music.corpus import load_corpus, read_cached
from genapp.music.dataset import build_vocab, inputs_and_targets, one_hot, piece_values, split_sequences, windows
from genapp.music.grammar import REGISTER, Decoded, Value, chord_at, decode, parse_value, register_types, snap
from genapp.music.piece import ChordSpan, Piece
from genapp.music.theory import Chord, parse_progression
from genapp.nn.jazz_lstm import JazzConfig, build_layers, fused_model, layers_of, stepper, unrolled_model
from genapp.sampling import sample_indices
from genapp.text.vocab import PAD
from genapp.targets import bundle_target
from genapp.training import (
    Resume,
    TrainSettings,
    check_resumed_shape,
    compile_model,
    resume_from,
    seed_everything,
    train_and_save,
)

KIND = "jazz"
DEFAULT_CONFIG = {"units": 64, "tx": 30}  # n_a and Tx of the classic exercise
DEFAULT_SETTINGS = TrainSettings(epochs=100, batch_size=32, learning_rate=0.01, clipvalue=5.0, patience=15)
GRAPHS = ("fused", "unrolled")
MAX_BARS = 1000


def _corpus_digest(named: list[tuple[str, list[str]]]) -> str:
    """sha256 of the value sequences trained on, in order (not of paths, which differ per clone)."""
    return hashlib.sha256(json.dumps([seq for _, seq in named]).encode("utf-8")).hexdigest()


def _describe(source: str) -> str:
    """A source as recorded in training.json: relative to the current folder when inside it."""
    try:
        return str(Path(source).resolve().relative_to(Path.cwd()))
    except ValueError:
        return source


def train_jazz(
    sources: list[str],
    out_dir: Path,
    config: dict | None = None,
    settings: TrainSettings = DEFAULT_SETTINGS,
    validation: float = 0.1,
    melody_track: str | None = None,
    graph: str = "fused",
    resume: bool = False,
    say: Callable[[str], None] | None = None,
    *,
    replace: bool = False,
) -> "JazzModel":
    """Train on the pieces of ``sources`` and write a jazz bundle to ``out_dir``.

    ``out_dir``, ``replace`` and ``resume`` as for ``genapp.names.train_names``.
    """
    if graph not in GRAPHS:
        raise ValueError(f"expected graph to be one of {GRAPHS}, got {graph!r}")
    bundle_target(out_dir, KIND, replace=replace, resume=resume)
    corpus = load_corpus(sources, melody_track=melody_track, say=say)
    named = [(p.name, piece_values(p)) for p in corpus.pieces]
    given = {k: v for k, v in (config or {}).items() if v is not None}
    cfg_args = {**DEFAULT_CONFIG, **given}
    previous = JazzModel.load(out_dir) if resume else None
    if previous is not None:
        vocab = previous.bundle.vocab
        unknown = sorted({v for _, seq in named for v in seq} - set(vocab.symbols))
        if unknown:
            raise GenappError(
                f"--resume: the corpus has {len(unknown)} values the model in {out_dir} never saw "
                f"(e.g. {unknown[0]!r}); train a new model without --resume"
            )
        check_resumed_shape(previous.bundle.config, given, out_dir)
        cfg_args = {"units": previous.config.units, "tx": previous.config.tx}
    else:
        vocab = build_vocab([seq for _, seq in named])
    cfg = JazzConfig(n_values=vocab.size, **cfg_args)
    longest = max(len(seq) for _, seq in named)
    if longest < cfg.tx:
        raise GenappError(
            f"corpus too small: its longest piece has {longest} values ({sum(len(s) for _, s in named)} in "
            f"{len(named)} pieces); --tx {cfg.tx} needs at least {cfg.tx} values in one piece"
        )
    train_seqs, val_seqs = split_sequences(named, validation)
    w_train = windows(train_seqs, vocab, cfg.tx)
    if len(w_train) == 0:
        train_seqs, val_seqs = [s for _, s in named], []
        w_train = windows(train_seqs, vocab, cfg.tx)
    w_val = windows(val_seqs, vocab, cfg.tx)
    if say and val_seqs and len(w_val) == 0:
        say(f"held-out pieces are shorter than --tx {cfg.tx}: training without validation")
    seed_everything(settings.seed)
    layers = build_layers(cfg)
    model = fused_model(layers, cfg)
    if previous is not None:
        model.set_weights(previous.bundle.model.get_weights())
    train_xy, val_xy = _arrays(w_train, cfg, graph), (_arrays(w_val, cfg, graph) if len(w_val) else None)
    trainee = model if graph == "fused" else unrolled_model(layers, cfg)
    compile_model(trainee, settings, loss=None if graph == "fused" else "categorical_crossentropy")
    digest = _corpus_digest(named)
    start = resume_from(previous.bundle, out_dir, previous.bundle.training.get("corpus_sha256") == digest,
                        settings.epochs) if previous else Resume()
    if say:
        say(
            f"training the jazz LSTM (n_a {cfg.units}, Tx {cfg.tx}, {cfg.n_values - 1} values, {graph} graph) on "
            f"{len(w_train)} windows from {len(train_seqs)} pieces, {len(w_val)} held out; backend {keras.backend.backend()}"
            + (f"; resuming after epoch {previous.bundle.training.get('best_epoch')}" if previous else "")
        )
    facts = {
        "sources": [_describe(s) for s in sources],
        "corpus_sha256": digest,
        "pieces": len(named),
        "values": sum(len(s) for _, s in named),
        "train_windows": int(len(w_train)),
        "validation_windows": int(len(w_val)),
        "validation_split": "by piece: the pieces whose names have the smallest CRC-32",
        "graph": graph,
    }
    result = train_and_save(
        out_dir=out_dir, kind=KIND, model=model, vocab=vocab, config=cfg.to_json(), facts=facts, train=train_xy,
        val=val_xy, settings=settings, trainee=trainee, say=say, val_symbols_per_seq=cfg.tx if val_xy else None,
        symbol="value", resume=start,
    )
    if say:
        best = f"best validation loss {result.best_val_loss:.3f}" if result.best_val_loss is not None else f"loss {result.final_loss:.3f}"
        say(f"{best} (summed over {cfg.tx} steps) after {result.epochs_run} epochs; bundle written to {out_dir}"
            if result.improved else f"no epoch beat the saved model's validation loss; {out_dir} is unchanged")
    return JazzModel.load(out_dir)


def _arrays(w: np.ndarray, cfg: JazzConfig, graph: str):
    """Windows -> ([X, a0, c0], targets) for the fused (indices) or unrolled (one-hot per step) graph."""
    x_idx, y_idx = inputs_and_targets(w)
    zeros = np.zeros((len(w), cfg.units), np.float32)
    inputs = [one_hot(x_idx, cfg.n_values), zeros, zeros]
    if graph == "fused":
        return inputs, y_idx
    y = one_hot(y_idx, cfg.n_values)
    return inputs, [y[:, t, :] for t in range(cfg.tx)]


# ---- chord progressions ----------------------------------------------------------------------

Bar = list[tuple[float, float, Chord]]  # (offset in the bar, duration, chord)


@dataclass
class Progression:
    bars: list[Bar]  # one cycle; repeated to fill the requested bars
    measure_length: float
    time_signature: str
    tempo: float
    source: str  # where it came from, for the summary

    def spans(self, n_bars: int) -> list[ChordSpan]:
        spans = []
        for b in range(n_bars):
            for offset, duration, chord in self.bars[b % len(self.bars)]:
                spans.append(ChordSpan(b * self.measure_length + offset, duration, chord))
        return spans


def progression_from_text(text: str, tempo: float = 120.0) -> Progression:
    """'Dm7 G7 Cmaj7 Cmaj7' (one chord per 4/4 bar) or 'Dm7 G7 | Cmaj7' (bars split evenly)."""
    bars = []
    for chords in parse_progression(text):
        share = 4.0 / len(chords)
        bars.append([(i * share, share, c) for i, c in enumerate(chords)])
    return Progression(bars, 4.0, "4/4", tempo, "--chords")


def progression_from_piece(piece: Piece) -> Progression:
    """The chords of a piece, bar by bar."""
    if not piece.chords:
        raise GenappError(f"--backing {piece.name}: has no harmony (no chords could be read or inferred)")
    L = piece.measure_length
    bars = []
    for b in range(piece.measures):
        start, end = b * L, (b + 1) * L
        bar = [(max(s.start, start) - start, min(s.end, end) - max(s.start, start), s.chord)
               for s in piece.chords if s.start < end - 1e-9 and s.end > start + 1e-9]
        if not bar:
            bar = [(0.0, L, bars[-1][-1][2] if bars else piece.chords[0].chord)]
        bars.append(bar)
    return Progression(bars, L, piece.time_signature, piece.tempo, Path(piece.name).name)


def progression_from_file(path: str) -> Progression:
    try:
        pieces = read_cached(path)
    except GenappError as e:
        raise GenappError(f"--backing {e}") from None
    return progression_from_piece(pieces[0])


# ---- generation ------------------------------------------------------------------------------


@dataclass
class Solo:
    values: list[Value]
    decoded: Decoded
    chords: list[ChordSpan]
    bars: int
    progression: Progression


class JazzModel:
    """A loaded jazz bundle: the shared layers and a one-step graph over them."""

    def __init__(self, bundle: bundles.Bundle):
        self.bundle = bundle
        self.config = JazzConfig.from_json(bundle.config)
        self.layers = layers_of(bundle.model, self.config)
        self.stepper = stepper(self.layers, self.config)
        self.values = [None] + [parse_value(s) for s in bundle.vocab.symbols[1:]]  # index -> Value
        # per value: its TYPE and step bounds, for banning values no pitch could realise
        self._types = np.array(["-"] + [v.type for v in self.values[1:]])  # (V,)
        self._lo = np.array([0] + [v.interval[0] if v.interval else -999 for v in self.values[1:]])  # (V,)
        self._hi = np.array([0] + [v.interval[1] if v.interval else 999 for v in self.values[1:]])  # (V,)

    @classmethod
    def load(cls, path: Path) -> "JazzModel":
        def build(args: dict) -> keras.Model:
            cfg = JazzConfig.from_json(args)
            return fused_model(build_layers(cfg, initialize=False), cfg)

        return bundles.load_bundle(path, KIND, build, cls)

    def primer_values(self, path: str) -> tuple[list[Value], int]:
        """The values of a phrase in a file, and how many the model does not know (skipped)."""
        try:
            piece = read_cached(path)[0]
        except GenappError as e:
            raise GenappError(f"--primer {e}") from None
        known, unknown = [], 0
        for s in piece_values(piece):
            if s in self.bundle.vocab:
                known.append(s)
            else:
                unknown += 1
        while known and known[-1].startswith("R,"):  # trailing rests of the file are not part of the phrase
            known.pop()
        return [parse_value(s) for s in known], unknown

    def _feasible(self, chord: Chord, previous: int | None) -> np.ndarray:
        """(V, P): which pitch of the register realises which value (its TYPE, and its step from ``previous``)."""
        pitches = np.arange(REGISTER[0], REGISTER[1] + 1)  # (P,)
        ok = self._types[:, None] == register_types(chord)[None, :]  # (V, P)
        if previous is not None:
            step = pitches - previous  # (P,)
            ok &= (step[None, :] >= self._lo[:, None]) & (step[None, :] <= self._hi[:, None])
        return ok

    def improvise(self, chords: list[ChordSpan], length: Fraction, temperature: float, rng: np.random.Generator,
                  primer: list[Value] = ()) -> list[Value]:
        """Sample values one at a time, each fed back as the next input, until ``length`` quarter notes are filled.

        A value that no pitch of the register could realise over the current
        chord after the previous note (say a chord tone one semitone above a
        chord tone) is banned before sampling, so every generated value can be
        decoded exactly.  The previous note is followed with one random pitch
        that realises each value.
        """
        vocab = self.bundle.vocab
        pad = vocab.index(PAD)
        rests = self._types == "R"  # (V,)
        states = self.stepper.initial_states(1)
        x = pad  # x<1> = 0
        out: list[Value] = []
        total, previous = Fraction(0), None

        def follow(ok: np.ndarray, index: int) -> None:  # track one pitch that realises the value
            nonlocal previous
            choices = np.flatnonzero(ok[index])
            if not rests[index] and len(choices):
                previous = REGISTER[0] + int(rng.choice(choices))

        for v in primer:  # teacher-forced: the phrase sets the state, and is the solo's start
            if total >= length:
                break
            _, states = self.stepper.step(np.array([x]), states)
            x = vocab.index(str(v))
            follow(self._feasible(chord_at(chords, float(total)), previous), x)
            out.append(replace(v, duration=min(v.duration, length - total)))
            total += out[-1].duration
        while total < length:
            probs, states = self.stepper.step(np.array([x]), states)  # (1, n_values)
            ok = self._feasible(chord_at(chords, float(total)), previous)  # (V, P)
            realisable = ok.any(axis=1) | rests  # (V,)
            banned = [pad] + [i for i in np.flatnonzero(~realisable) if i != pad]
            if len(banned) == len(self.values):  # nothing realisable (a vocabulary without rests): ban only PAD
                banned = [pad]
            x = int(sample_indices(probs, rng, temperature, banned=banned)[0])
            follow(ok, x)
            v = self.values[x]
            out.append(replace(v, duration=min(v.duration, length - total)))  # the last value ends at the bar line
            total += out[-1].duration
        return out

    def solo(self, progression: Progression, bars: int, temperature: float = 1.0, seed: int | None = None,
             primer: list[Value] = ()) -> Solo:
        if not 1 <= bars <= MAX_BARS:
            raise GenappError(f"--bars {bars}: expected 1 to {MAX_BARS}")
        rng = np.random.default_rng(seed)
        length = snap(progression.measure_length) * bars
        chords = progression.spans(bars)
        values = self.improvise(chords, length, temperature, rng, primer)
        return Solo(values, decode(values, chords, rng=rng), chords, bars, progression)
