"""Chord progressions to improvise over: chord symbols typed by a user, or the chords of a piece, bar by bar.

    progression_from_text("Dm7 G7 | Cmaj7")   one 4/4 bar per symbol; "|" groups chords that share a bar
    progression_from_piece(piece)             the chords a piece has (read or inferred), cut at its bar lines
    progression_from_file(path)               the first piece in a MIDI/MusicXML/ABC file
    progression.spans(bars)                   the cycle repeated over ``bars`` bars, as ChordSpans
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from genapp.errors import GenappError, param
from genapp.music.piece import ChordSpan, Piece
from genapp.music.theory import Chord, parse_progression

Bar = list[tuple[float, float, Chord]]  # (offset in the bar, duration, chord), in quarter notes


@dataclass
class Progression:
    bars: list[Bar]  # one cycle; repeated to fill the requested bars
    measure_length: float  # quarter notes per bar
    time_signature: str
    tempo: float  # beats per minute
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
    return Progression(bars, 4.0, "4/4", tempo, "chord symbols")


def progression_from_piece(piece: Piece, what: str = param("backing")) -> Progression:
    """The chords of a piece, bar by bar (a bar without a chord keeps the previous one)."""
    if not piece.chords:
        raise GenappError(f"{what} {piece.name}: has no harmony (no chords could be read or inferred)")
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


def progression_from_file(path: str, what: str = param("backing")) -> Progression:
    """The progression of the first piece in a music file; GenappError naming ``what`` and the file."""
    from genapp.music.corpus import read_cached

    try:
        pieces = read_cached(path)
    except GenappError as e:
        raise GenappError(f"{what} {e.args[0]}") from None
    return progression_from_piece(pieces[0], what)
