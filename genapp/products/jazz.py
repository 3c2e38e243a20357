"""Train a jazz model on a music corpus and improvise solos over chords.

The library behind ``genapp train-jazz``, ``genapp generate`` and ``genapp
evaluate``; it knows nothing of the CLI.  Two representations share it:

    improv (default)    note events that see the beat and the chords (``music.events``, ``nn.improv``,
                        ``products.improv``)
    classic             the course's grammar of values (``music.grammar``, ``nn.jazz_lstm``,
                        ``products.classic``)

    JazzRecipe          music files -> pieces (``music.corpus``) -> the representation's training data
    JazzModel.load      a bundle -> the model of its representation (``products.solos``)
    takes(...)          solo -> arrangement with its band (``music.arrangement``, ``music.band``) -> files
                        (``music.outputs``)
    corpus_report(...)  what genapp makes of music files, line by line (``genapp corpus``)
    evaluate(...)       nats per event on held-out pieces, beside Kneser-Ney n-grams on the same events

Chord progressions come from ``music.progression``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from genapp import paths
from genapp.config import JazzOptions, JazzSampling
from genapp.data.digest import sha256_json
from genapp.data.vocab import Vocabulary
from genapp.errors import GenappError, param
from genapp.music.corpus import load_corpus, read_pieces
from genapp.music.dataset import _base, build_vocab, piece_values
from genapp.music.progression import Progression
from genapp.products import classic, improv
from genapp.products.classic import ClassicModel
from genapp.products.solos import JazzModel, Solo
from genapp.training import Batches, Recipe, TrainingData, train_bundle

__all__ = ["ClassicModel", "JazzModel", "Solo", "evaluate", "takes", "train_jazz"]


def _describe(source: str) -> str:
    """A source as recorded in training.json: relative to the current folder when inside it."""
    try:
        return str(Path(source).resolve().relative_to(Path.cwd()))
    except ValueError:
        return source


class JazzRecipe(Recipe):
    """The training path's jazz steps: read the corpus, then hand each step to the representation's own."""

    kind, symbol = "jazz", "event"

    def __init__(self, sources: list[str], melody_track: str | None = None, say: Callable[[str], None] | None = None):
        self.sources, self.melody_track, self.say = [str(s) for s in sources], melody_track, say
        self.loaded = JazzModel

    @staticmethod
    def _own(options: JazzOptions):
        return improv if options.representation == "improv" else classic

    def read(self, options: JazzOptions) -> TrainingData:
        """The pieces, streamed from the corpus into the representation's training data (improv: onto disk)."""
        found = read_pieces(self.sources, melody_track=self.melody_track, say=self.say)
        pieces = (p for _, some in found for p in some)
        facts = {
            "sources": [_describe(s) for s in self.sources],
            "representation": options.representation,
            "validation_split": "by tune: the tunes whose names have the smallest CRC-32 (music.dataset.tune_of)",
        }
        return self._own(options).training_data(pieces, options, facts)

    def vocabulary(self, corpus: TrainingData, options: JazzOptions) -> Vocabulary:
        return self._own(options).vocabulary(corpus.data)

    def model_args(self, vocab: Vocabulary, options: JazzOptions) -> dict:
        return self._own(options).model_args(vocab, options)

    def batches(self, corpus: TrainingData, vocab: Vocabulary, options: JazzOptions, args: dict, say) -> Batches:
        return self._own(options).batches(corpus.data, vocab, options, args, say)

    def graphs(self, args: dict, options: JazzOptions):
        return self._own(options).graphs(args, options)

    def measure(self, args: dict, options: JazzOptions):
        return self._own(options).measure(args, options)


def train_jazz(sources: list[str], out_dir, given: dict | None = None, preset: str = "default",
               say: Callable[[str], None] | None = None, *, melody_track: str | None = None,
               replace: bool = False, resume: bool = False, init_from=None, **placement) -> JazzModel:
    """Train on the pieces of ``sources`` and write a jazz bundle (see ``training.train_bundle``)."""
    return train_bundle(JazzRecipe(sources, melody_track, say), out_dir, given, preset, say,
                        replace=replace, resume=resume, init_from=init_from, **placement)


def takes(model: JazzModel, files: list[list[Path]], progression: Progression, bars: int, renderer, *,
          temperature: float = JazzSampling.temperature, top_k: int | None = None, seed: int | None = None,
          rhythm_temperature: float = JazzSampling.rhythm_temperature,
          primer: list = (), band: str = JazzSampling.band, two_feel: bool = False,
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
        solo = model.solo(progression, bars, temperature, take_seed, primer, top_k, rhythm_temperature)
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
    """What genapp makes of music files, line by line: per piece its melody track and why, size, chords, events."""
    corpus = load_corpus(sources, melody_track=melody_track, use_cache=use_cache, say=say)
    sequences, events = [], 0
    for piece in corpus.pieces:
        values = piece_values(piece)
        sequences.append(values)
        count = len(improv.piece_events(piece))
        events += count
        chords = " ".join(dict.fromkeys(c.chord.symbol for c in piece.chords))
        yield piece.name
        yield f"  melody: {piece.melody_track} ({piece.melody_reason})"
        yield (f"  {piece.time_signature}, {piece.tempo:g} bpm, {piece.measures} measures, {len(piece.melody)} notes, "
               f"{count} events ({len(values)} classic values)")
        yield f"  chords from {piece.chord_source}: {chords}"
        for note in piece.notes:
            yield f"  note: {note}"
    for s in corpus.skipped:
        yield f"skipped {s.source}: {s.reason}"
    yield (f"total: {len(corpus.pieces)} pieces ({corpus.from_cache} sources from cache), {len(corpus.skipped)} "
           f"skipped, {events} events; classic: {sum(len(v) for v in sequences)} values, vocabulary of "
           f"{build_vocab(sequences).size - 1} values")


@dataclass
class Evaluation:
    """Nats per event on held-out pieces: the model's and Kneser-Ney n-grams' on the very same events."""

    pieces: int
    events: int  # events scored (improv: every note and rest; classic: the values known to the model)
    unknown: int  # classic: values of the test pieces the model's vocabulary lacks, left out of every score
    model_nats: float  # per event
    ngram_nats: dict[int, float]  # order -> per event
    trained_on: list[str]  # test pieces whose events the model trained on (their scores flatter it)
    symbol: str = "event"  # what an event is: "event" (improv) or "value" (classic)

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

    Without ``train_sources`` the n-grams learn from the corpus the bundle
    names, less the pieces it held out for validation.  Both score the same
    events in the model's representation: an improv
    model reads each piece from its start (as it generates); a classic model
    in windows of Tx values from zero states (as it was trained), leaving out
    the values it never saw (counted).  The n-grams read whole pieces.
    """
    from genapp.data.ngram import KneserNey
    from genapp.music import events as ev

    # without --train: the bundle's corpus less the pieces it held out (the model never learned from them)
    held_out = set() if train_sources else set(model.bundle.training.get("validation_pieces", []))
    train_pieces = [p for p in load_corpus(train_sources or _training_sources(model.bundle), say=say).pieces
                    if _base(p.name) not in held_out]
    test_pieces = load_corpus(sources, say=say).pieces
    if isinstance(model, ClassicModel):
        train = [piece_values(p) for p in train_pieces]
        test = [piece_values(p) for p in test_pieces]
        total, events, unknown = model.nats(test)
        keep, alphabet, symbol = set(model.vocab.symbols[1:]).__contains__, model.config.n_values - 1, "value"
    else:
        train = [[str(e) for e in improv.piece_events(p)] for p in train_pieces]
        arrays = [improv.piece_arrays(p, model.config.context) for p in test_pieces]
        test = [[str(e) for e in a.events] for a in arrays]
        (total, events), unknown = model.nats(arrays), 0
        keep, alphabet, symbol = None, ev.MAX_UNITS * len(ev.PITCHES), "event"
    seen = {sha256_json(seq) for seq in train}
    trained_on = [p.name for p, seq in zip(test_pieces, test) if sha256_json(seq) in seen]
    if events == 0:
        raise GenappError(f"{param('sources')}: no {model.SYMBOLS} of these pieces the model could score; nothing to score")
    ngrams = {}
    for order in orders:
        nats, counted = KneserNey(train, order, alphabet).nats(test, keep=keep)
        ngrams[order] = nats / counted
    return Evaluation(len(test), events, unknown, total / events, ngrams, trained_on, symbol)
