"""Train the jazz LSTM on a music corpus and improvise solos over chords.

The library behind ``genapp train-jazz`` and ``genapp generate``; it knows
nothing of the CLI.  What is the jazz product's own:

    JazzRecipe          music files -> pieces (``music.corpus``) -> grammar values (``music.grammar``)
                        -> windows of Tx values split by piece (``music.dataset``) -> fused or unrolled graph
    JazzModel           sample values one at a time, banning those no pitch could realise over the
                        chord, until the bars are full -> decode to notes (``music.grammar.decode``)
    takes(...)          solo -> arrangement with its band (``music.arrangement``, ``music.band``) -> files
                        (``music.outputs``)
    corpus_report(...)  what genapp makes of music files, line by line (``genapp corpus``)

Chord progressions come from ``music.progression``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import keras
import numpy as np

from genapp import paths
from genapp.config import JazzConfig, JazzOptions, JazzSampling
from genapp.data.digest import sha256_json
from genapp.data.sequences import PAD_INDEX, one_hot, shift_right
from genapp.data.vocab import Vocabulary
from genapp.errors import GenappError, param
from genapp.inference import LoadedModel
from genapp.music.corpus import load_corpus, read_cached
from genapp.music.dataset import build_vocab, piece_values, split_sequences, windows
from genapp.music.grammar import (
    REGISTER,
    Decoded,
    Value,
    chord_at,
    decode,
    parse_value,
    register_types,
    snap,
)
from genapp.music.piece import ChordSpan
from genapp.music.progression import Progression
from genapp.music.theory import Chord
from genapp.training import Batches, Recipe, TrainingData, train_bundle

KIND = "jazz"
MAX_BARS = JazzSampling.__dataclass_fields__["bars"].metadata["max"]


def _describe(source: str) -> str:
    """A source as recorded in training.json: relative to the current folder when inside it."""
    try:
        return str(Path(source).resolve().relative_to(Path.cwd()))
    except ValueError:
        return source


class JazzRecipe(Recipe):
    kind, symbol = KIND, "value"

    def __init__(self, sources: list[str], melody_track: str | None = None, say: Callable[[str], None] | None = None):
        self.sources, self.melody_track, self.say = [str(s) for s in sources], melody_track, say
        self.loaded = JazzModel

    def read(self, options: JazzOptions) -> TrainingData:
        corpus = load_corpus(self.sources, melody_track=self.melody_track, say=self.say)
        named = [(p.name, piece_values(p)) for p in corpus.pieces]
        facts = {
            "sources": [_describe(s) for s in self.sources],
            "pieces": len(named),
            "values": sum(len(s) for _, s in named),
            "validation_split": "by piece: the pieces whose names have the smallest CRC-32",
            "graph": options.graph,
        }
        # the digest is of the value sequences, not of paths (which differ per clone)
        return TrainingData(named, [v for _, seq in named for v in seq], sha256_json([seq for _, seq in named]), facts)

    def vocabulary(self, corpus: TrainingData, options) -> Vocabulary:
        return build_vocab([seq for _, seq in corpus.data])

    def model_args(self, vocab: Vocabulary, options: JazzOptions) -> dict:
        return JazzConfig(vocab.size, options.units, options.tx).to_json()

    def batches(self, corpus: TrainingData, vocab: Vocabulary, options: JazzOptions, args: dict, say) -> Batches:
        named, cfg = corpus.data, JazzConfig.from_json(args)
        longest = max(len(seq) for _, seq in named)
        if longest < cfg.tx:
            raise GenappError(
                f"corpus too small: its longest piece has {longest} values ({sum(len(s) for _, s in named)} in "
                f"{len(named)} pieces); {param('tx')} {cfg.tx} needs at least {cfg.tx} values in one piece"
            )
        train_seqs, val_seqs = split_sequences(named, options.validation)
        w_train = windows(train_seqs, vocab, cfg.tx)
        if len(w_train) == 0:  # every long enough piece was held out: train on all, validate on none
            train_seqs, val_seqs = [s for _, s in named], []
            w_train = windows(train_seqs, vocab, cfg.tx)
        w_val = windows(val_seqs, vocab, cfg.tx)
        if say and val_seqs and len(w_val) == 0:
            say(f"held-out pieces are shorter than {param('tx')} {cfg.tx}: training without validation")
        return Batches(
            train=_arrays(w_train, cfg, options.graph),
            val=_arrays(w_val, cfg, options.graph) if len(w_val) else None,
            symbols_per_val_seq=cfg.tx if len(w_val) else None,
            summary=f"the jazz LSTM (n_a {cfg.units}, Tx {cfg.tx}, {cfg.n_values - 1} values, {options.graph} graph) "
                    f"on {len(w_train)} windows from {len(train_seqs)} pieces, {len(w_val)} held out",
            facts={"train_windows": len(w_train), "validation_windows": len(w_val)},
        )

    def graphs(self, args: dict, options: JazzOptions):
        from genapp.nn.jazz_lstm import build_layers, fused_model, unrolled_model

        cfg = JazzConfig.from_json(args)
        layers = build_layers(cfg)
        model = fused_model(layers, cfg)
        if options.graph == "fused":
            return model, model, None
        return model, unrolled_model(layers, cfg), "categorical_crossentropy"


def _arrays(w: np.ndarray, cfg: JazzConfig, graph: str):
    """Windows (m, Tx) -> ([X, a0, c0], targets) for the fused (indices) or unrolled (one-hot per step) graph."""
    zeros = np.zeros((len(w), cfg.units), np.float32)  # a0 = c0 = 0
    inputs = [one_hot(shift_right(w), cfg.n_values), zeros, zeros]  # X (m, Tx, n_values): x<1> = 0, x<t> = y<t-1>
    if graph == "fused":
        return inputs, w.copy()
    y = one_hot(w, cfg.n_values)  # (m, Tx, n_values)
    return inputs, [y[:, t, :] for t in range(cfg.tx)]


def train_jazz(sources: list[str], out_dir, given: dict | None = None, preset: str = "default",
               say: Callable[[str], None] | None = None, *, melody_track: str | None = None,
               replace: bool = False, resume: bool = False, init_from=None) -> JazzModel:
    """Train on the pieces of ``sources`` and write a jazz bundle (see ``training.train_bundle``)."""
    return train_bundle(JazzRecipe(sources, melody_track, say), out_dir, given, preset, say,
                        replace=replace, resume=resume, init_from=init_from)


# ---- generation ------------------------------------------------------------------------------


@dataclass
class Solo:
    values: list[Value]
    decoded: Decoded
    chords: list[ChordSpan]
    bars: int
    progression: Progression


class JazzModel(LoadedModel):
    """A loaded jazz bundle: the shared layers and a one-step graph over them."""

    KIND = KIND
    SYMBOLS = "values"

    def __init__(self, bundle):
        super().__init__(bundle)
        self.values = [None] + [parse_value(s) for s in bundle.vocab.symbols[1:]]  # index -> Value
        # per value: its TYPE and step bounds, for banning values no pitch could realise
        self._types = np.array(["-"] + [v.type for v in self.values[1:]])  # (V,)
        self._lo = np.array([0] + [v.interval[0] if v.interval else -999 for v in self.values[1:]])  # (V,)
        self._hi = np.array([0] + [v.interval[1] if v.interval else 999 for v in self.values[1:]])  # (V,)

    @classmethod
    def read_config(cls, args: dict) -> JazzConfig:
        return JazzConfig.from_json(args)

    @classmethod
    def build(cls, args: dict) -> keras.Model:
        from genapp.nn.jazz_lstm import build_layers, fused_model

        cfg = JazzConfig.from_json(args)
        return fused_model(build_layers(cfg, initialize=False), cfg)

    def make_stepper(self):
        from genapp.nn.jazz_lstm import layers_of, stepper

        self.layers = layers_of(self.bundle.model, self.config)
        return stepper(self.layers, self.config)

    def primer(self, path, say: Callable[[str], None] | None = None) -> list[Value]:
        """The values of the phrase in a music file, to start a solo from; values the model does not know are skipped."""
        values, unknown = self.primer_values(path)
        if unknown and say:
            say(f"{param('primer')} {path}: {unknown} of its values are unknown to the model and were skipped")
        return values

    def primer_values(self, path) -> tuple[list[Value], int]:
        """The values of a phrase in a file, and how many the model does not know (skipped)."""
        try:
            piece = read_cached(str(path))[0]
        except GenappError as e:
            raise GenappError(f"{param('primer')} {e.args[0]}") from None
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
                  primer: list[Value] = (), top_k: int | None = None) -> list[Value]:
        """Sample values one at a time, each fed back as the next input, until ``length`` quarter notes are filled.

        A value that no pitch of the register could realise over the current
        chord after the previous note (say a chord tone one semitone above a
        chord tone) is banned before sampling, so every generated value can be
        decoded exactly.  The previous note is followed with one random pitch
        that realises each value.
        """
        rests = self._types == "R"  # (V,)
        out: list[Value] = []
        total, previous = Fraction(0), None
        feasible: np.ndarray | None = None  # (V, P) at the current step

        def follow(ok: np.ndarray, index: int) -> None:  # track one pitch that realises the value
            nonlocal previous
            choices = np.flatnonzero(ok[index])
            if not rests[index] and len(choices):
                previous = REGISTER[0] + int(rng.choice(choices))

        def add(v: Value) -> None:  # the last value ends at the bar line
            nonlocal total
            out.append(replace(v, duration=min(v.duration, length - total)))
            total += out[-1].duration

        def banned(t: int) -> list[int]:  # what no pitch realises over the chord at ``total`` after ``previous``
            nonlocal feasible
            feasible = self._feasible(chord_at(chords, float(total)), previous)
            realisable = feasible.any(axis=1) | rests  # (V,)
            ban = [PAD_INDEX] + [i for i in np.flatnonzero(~realisable) if i != PAD_INDEX]
            return ban if len(ban) < len(self.values) else [PAD_INDEX]  # nothing realisable: ban only PAD

        forced = []
        for v in primer:  # teacher-forced: the phrase sets the state, and is the solo's start
            if total >= length:
                break
            forced.append(self.vocab.index(str(v)))
            follow(self._feasible(chord_at(chords, float(total)), previous), forced[-1])
            add(v)
        if total < length:
            for chosen in self.sample(rng, banned, primer=forced, temperature=temperature, top_k=top_k):
                x = int(chosen[0])
                follow(feasible, x)
                add(self.values[x])
                if total >= length:
                    break
        return out

    def solo(self, progression: Progression, bars: int = JazzSampling.bars,
             temperature: float = JazzSampling.temperature, seed: int | None = None,
             primer: list[Value] = (), top_k: int | None = None) -> Solo:
        if not 1 <= bars <= MAX_BARS:
            raise GenappError(f"{param('bars')} {bars}: expected 1 to {MAX_BARS}")
        rng = np.random.default_rng(seed)
        length = snap(progression.measure_length) * bars
        chords = progression.spans(bars)
        values = self.improvise(chords, length, temperature, rng, primer, top_k)
        return Solo(values, decode(values, chords, rng=rng), chords, bars, progression)


def takes(model: JazzModel, files: list[list[Path]], progression: Progression, bars: int, renderer, *,
          temperature: float = JazzSampling.temperature, top_k: int | None = None, seed: int | None = None,
          primer: list[Value] = (), band: str = JazzSampling.band, two_feel: bool = False,
          swing: float = JazzSampling.swing, humanize: float = JazzSampling.humanize, **programs) -> Iterator[str]:
    """Improvise one take per entry of ``files`` and write its files; yields one summary line per take.

    Take i uses seed ``seed + i`` for the solo and its band, so a take can be
    made again alone.  ``renderer`` is a ``music.outputs.Renderer``; every file
    of a take holds the solo and the band (``music.band``), exactly ``bars``
    bars long.  ``programs``: program, comping_program, bass_program (zero-based GM).
    """
    from genapp.music.arrangement import Arrangement

    for i, paths_of_take in enumerate(files):
        take_seed = None if seed is None else seed + i
        solo = model.solo(progression, bars, temperature, take_seed, primer, top_k)
        band_seed = int(np.random.default_rng(take_seed).integers(2**31))
        arrangement = Arrangement.from_solo(solo.decoded.notes, solo.chords, progression.tempo,
                                            progression.time_signature, progression.measure_length, bars,
                                            band=band, two_feel=two_feel, swing=swing, humanize=humanize,
                                            seed=band_seed, **programs)
        renderer.write_take(arrangement, paths_of_take)
        symbols = " ".join("N.C." if c.silent else c.chord.symbol for c in solo.chords[: min(len(solo.chords), 8)])
        more = " ..." if len(solo.chords) > 8 else ""
        relaxed = f", {solo.decoded.violations} notes relaxed" if solo.decoded.violations else ""
        players = {"none": "the solo alone", "comp": "with comping", "trio": "with piano, bass and drums"}[band]
        yield (f"wrote {', '.join(map(str, paths_of_take))}: {bars} bars of {progression.time_signature} at "
               f"{progression.tempo:g} bpm, {len(solo.decoded.notes)} notes over {symbols}{more} "
               f"(chords from {progression.source}{relaxed}), {players}")


def corpus_report(sources: list[str], melody_track: str | None = None, use_cache: bool = True,
                  say: Callable[[str], None] | None = None) -> Iterator[str]:
    """What genapp makes of music files, line by line: per piece its melody track and why, size, chords, values."""
    corpus = load_corpus(sources, melody_track=melody_track, use_cache=use_cache, say=say)
    sequences = []
    for piece in corpus.pieces:
        values = piece_values(piece)
        sequences.append(values)
        chords = " ".join(dict.fromkeys(c.chord.symbol for c in piece.chords))
        yield piece.name
        yield f"  melody: {piece.melody_track} ({piece.melody_reason})"
        yield (f"  {piece.time_signature}, {piece.tempo:g} bpm, {piece.measures} measures, {len(piece.melody)} notes, "
               f"{len(values)} values")
        yield f"  chords from {piece.chord_source}: {chords}"
        for note in piece.notes:
            yield f"  note: {note}"
    for s in corpus.skipped:
        yield f"skipped {s.source}: {s.reason}"
    yield (f"total: {len(corpus.pieces)} pieces ({corpus.from_cache} sources from cache), {len(corpus.skipped)} "
           f"skipped, {sum(len(v) for v in sequences)} values, vocabulary of {build_vocab(sequences).size - 1} values")


@dataclass
class Evaluation:
    """Nats per value on held-out pieces: the model's and Kneser-Ney n-grams' on the very same events."""

    pieces: int
    events: int  # values scored (known to the model)
    unknown: int  # values of the test pieces the model's vocabulary lacks, left out of every score
    model_nats: float  # per event
    ngram_nats: dict[int, float]  # order -> per event
    trained_on: list[str]  # test pieces whose values the model trained on (their scores flatter it)

    @property
    def best_order(self) -> int:
        return min(self.ngram_nats, key=self.ngram_nats.get)


def _training_sources(bundle) -> list[str]:
    """The sources a bundle's training.json names, found from here or (for the shipped corpus) inside genapp."""
    found = []
    for source in bundle.training.get("sources", []):
        if not isinstance(source, str):
            continue
        candidates = [source, str(paths.corpora_dir() / source.split("corpora/", 1)[1])] if "corpora/" in source \
            else [source]
        path = next((c for c in candidates if c.startswith("music21:") or Path(c).exists()), None)
        if path is None:
            raise GenappError(f"the corpus the model in {bundle.path} learned from ({source}) is not here; give it "
                              f"with {param('train_sources')}")
        found.append(path)
    if not found:
        raise GenappError(f"the model in {bundle.path} does not say what it learned from; give it with "
                          f"{param('train_sources')}")
    return found


def evaluate(model: JazzModel, sources: list[str], train_sources: list[str] | None = None,
             say: Callable[[str], None] | None = None, orders: tuple[int, ...] = (1, 2, 3, 4, 5)) -> Evaluation:
    """Score the pieces of ``sources`` with the model and with Kneser-Ney n-grams fitted on its training pieces.

    The model reads each piece in windows of Tx values from zero states, as it
    was trained and validated; the n-grams read the whole piece.  Values the
    model never saw are left out of both scores (the model cannot give them a
    probability) and counted.
    """
    from genapp.data.ngram import KneserNey

    train = [piece_values(p) for p in load_corpus(train_sources or _training_sources(model.bundle), say=say).pieces]
    test = [(p.name, piece_values(p)) for p in load_corpus(sources, say=say).pieces]
    seen = {sha256_json(seq) for seq in train}
    trained_on = [name for name, seq in test if sha256_json(seq) in seen]
    known = set(model.vocab.symbols[1:])
    total, events, unknown = 0.0, 0, 0
    tx, n_values = model.config.tx, model.config.n_values
    zeros = np.zeros((1, model.config.units), np.float32)
    for _, seq in test:
        ids = np.array([model.vocab.index(v) if v in known else PAD_INDEX for v in seq], np.int32)  # unknown -> zero input
        unknown += int((ids == PAD_INDEX).sum())
        for start in range(0, len(ids), tx):
            y = ids[None, start : start + tx]  # (1, T)
            probs = np.asarray(model.bundle.model([one_hot(shift_right(y), n_values), zeros, zeros], training=False))
            picked = np.take_along_axis(probs[0], y[0][:, None], axis=-1)[:, 0]  # (T,)
            mask = y[0] != PAD_INDEX
            total -= float(np.log(np.maximum(picked[mask], 1e-300)).sum())
            events += int(mask.sum())
    if events == 0:
        raise GenappError(f"{param('sources')}: no value of these pieces is known to the model; nothing to score")
    ngrams = {}
    for order in orders:
        nats, counted = KneserNey(train, order, n_values - 1).nats([seq for _, seq in test], keep=known.__contains__)
        ngrams[order] = nats / counted
    return Evaluation(len(test), events, unknown, total / events, ngrams, trained_on)
