"""The classic jazz representation's own parts (the course's grammar, ``music.grammar``).

    training_data, vocabulary, model_args, batches, graphs
                        the training path's steps, which ``products.jazz`` hands on: pieces -> value
                        sequences -> windows of Tx values split by piece (``music.dataset``) -> arrays for
                        the fused or the unrolled graph (``nn.jazz_lstm``)
    ClassicModel        sample values one at a time, banning those no pitch could realise over the chord,
                        until the bars are full -> decode to notes (``music.grammar.decode``)

``products.jazz`` trains either representation; ``products.improv`` is the default one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from fractions import Fraction

import keras
import numpy as np

from genapp.config import JazzConfig
from genapp.data.digest import sha256_json
from genapp.data.sequences import PAD_INDEX, one_hot, shift_right
from genapp.data.vocab import Vocabulary
from genapp.errors import GenappError, param
from genapp.data.split import split_by_hash
from genapp.music.dataset import _base, build_vocab, piece_values, split_sequences, tune_of, windows
from genapp.music.grammar import REGISTER, Decoded, Value, chord_at, decode, parse_value, register_types
from genapp.music.piece import ChordSpan, Piece
from genapp.music.progression import Progression
from genapp.music.theory import Chord
from genapp.products.solos import JazzModel
from genapp.training import Batches, TrainingData


def training_data(pieces: Iterable[Piece], options, facts: dict) -> TrainingData:
    """Each piece's melody as value strings, by piece name (in memory); every value is a symbol a resumed model must know."""
    named = [(p.name, piece_values(p)) for p in pieces]
    facts = {**facts, "pieces": len(named), "values": sum(len(s) for _, s in named), "graph": options.graph}
    # the digest is of the value sequences, not of paths (which differ per clone)
    return TrainingData(named, [v for _, seq in named for v in seq], sha256_json([seq for _, seq in named]), facts)


def vocabulary(named: list[tuple[str, list[str]]]) -> Vocabulary:
    return build_vocab([seq for _, seq in named])


def model_args(vocab: Vocabulary, options) -> dict:
    return JazzConfig(vocab.size, options.units, options.tx).to_json()


def batches(named: list[tuple[str, list[str]]], vocab, options, args: dict, say) -> Batches:
    """Value sequences by piece -> windows of Tx values for the fused (indices) or unrolled (one-hot) graph."""
    cfg = JazzConfig.from_json(args)
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
        summary=f"the classic jazz LSTM (n_a {cfg.units}, Tx {cfg.tx}, {cfg.n_values - 1} values, {options.graph} "
                f"graph) on {len(w_train)} windows from {len(train_seqs)} pieces, {len(w_val)} held out",
        facts={"train_windows": len(w_train), "validation_windows": len(w_val),
               "validation_pieces": held_out_names(named, options.validation) if val_seqs else []},
    )


def held_out_names(named: list[tuple[str, list[str]]], fraction: float) -> list[str]:
    """The pieces ``split_sequences`` holds out, by file name (none when a single piece is split)."""
    if len(named) < 2:
        return []
    return [_base(name) for name, _ in split_by_hash(named, fraction, key=lambda p: tune_of(p[0]))[1]]


def graphs(args: dict, options):
    from genapp.nn.jazz_lstm import build_layers, fused_model, unrolled_model

    cfg = JazzConfig.from_json(args)
    layers = build_layers(cfg)
    model = fused_model(layers, cfg)
    if options.graph == "fused":
        return model, model, None
    return model, unrolled_model(layers, cfg), "categorical_crossentropy"


def measure(args: dict, options):
    """The training loss is what held-out values are judged by."""
    return None


def _arrays(w: np.ndarray, cfg: JazzConfig, graph: str):
    """Windows (m, Tx) -> ([X, a0, c0], targets) for the fused (indices) or unrolled (one-hot per step) graph."""
    zeros = np.zeros((len(w), cfg.units), np.float32)  # a0 = c0 = 0
    inputs = [one_hot(shift_right(w), cfg.n_values), zeros, zeros]  # X (m, Tx, n_values): x<1> = 0, x<t> = y<t-1>
    if graph == "fused":
        return inputs, w.copy()
    y = one_hot(w, cfg.n_values)  # (m, Tx, n_values)
    return inputs, [y[:, t, :] for t in range(cfg.tx)]


class ClassicModel(JazzModel, representation="classic"):
    """A loaded classic jazz bundle: the shared layers and a one-step graph over them."""

    SYMBOLS = "values"

    def __init__(self, bundle):
        bundle.config.setdefault("representation", "classic")  # bundles of genapp 0.2 do not say
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

    def phrase(self, piece: Piece) -> tuple[list[Value], int]:
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

    def improvise(self, chords: list[ChordSpan], progression: Progression, length: Fraction, temperature: float,
                  rng: np.random.Generator, primer: list[Value] = (), top_k: int | None = None,
                  rhythm_temperature: float | None = None) -> tuple[list[Value], Decoded]:
        """Sample values one at a time, each fed back as the next input, until ``length`` quarter notes are filled.

        A value that no pitch of the register could realise over the current
        chord after the previous note (say a chord tone one semitone above a
        chord tone) is banned before sampling, so every generated value can be
        decoded exactly.  The previous note is followed with one random pitch
        that realises each value.  A value joins a duration and a pitch
        choice, both sampled at ``temperature`` (``rhythm_temperature`` is not used).
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
        return out, decode(out, chords, rng=rng)

    def nats(self, sequences: list[list[str]]) -> tuple[float, int, int]:
        """(total negative log-probability, values scored, values unknown to the model) of value sequences.

        Each sequence is read in windows of Tx values from zero states, as the
        model was trained and validated; unknown values are left out (and fed as zero).
        """
        known = set(self.vocab.symbols[1:])
        total, events, unknown = 0.0, 0, 0
        tx, n_values = self.config.tx, self.config.n_values
        zeros = np.zeros((1, self.config.units), np.float32)
        for seq in sequences:
            ids = np.array([self.vocab.index(v) if v in known else PAD_INDEX for v in seq], np.int32)
            unknown += int((ids == PAD_INDEX).sum())
            for start in range(0, len(ids), tx):
                y = ids[None, start : start + tx]  # (1, T)
                probs = np.asarray(self.bundle.model([one_hot(shift_right(y), n_values), zeros, zeros], training=False))
                picked = np.take_along_axis(probs[0], y[0][:, None], axis=-1)[:, 0]  # (T,)
                mask = y[0] != PAD_INDEX
                total -= float(np.log(np.maximum(picked[mask], 1e-300)).sum())
                events += int(mask.sum())
        return total, events, unknown

