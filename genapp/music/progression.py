"""Chord progressions to improvise over: chord symbols typed by a user, or the chords of a piece, bar by bar.

    progression_from_text(text)     chord symbols (``genapp.music.symbols``), bar by bar, as below
    progression_from_piece(piece)   the chords a piece has (read or inferred), cut at its bar lines
    progression_from_file(path)     the first piece in a MIDI/MusicXML/ABC file
    choose_progression(...)         symbols, else a backing file, else the shipped default
    progression.spans(bars)         the cycle repeated over ``bars`` bars, as ChordSpans

How text becomes bars (``parse_progression``), in the time signature given:

    "Dm7 G7 Cmaj7 Cmaj7"        one bar per chord
    "Dm7 G7 | Cmaj7 | N.C."      "|" marks bar lines: chords between two share the bar evenly
    "Dm7:2 G7:2 Cmaj7"          a chord's length in beats; a chord without one lasts to its bar's end
    "Dm7,G7"                    commas separate chords as spaces do

Chords that cannot share a bar evenly in whole beats ("Dm7 G7 Cmaj7 |" in
4/4), lengths that overfill a bar, and a progression that does not end on a
bar line are refused, never rounded.  ``N.C.`` bars are silent for the band;
the solo keeps hearing the chord before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from genapp.errors import GenappError, param
from genapp.music.piece import ChordSpan, Piece
from genapp.music.symbols import parse_symbol
from genapp.music.theory import Chord

Bar = list[tuple[float, float, Chord | None]]  # (offset in the bar, duration, chord or None for N.C.), in quarter notes
_LENGTH = re.compile(r"^(.+?):(\d+(?:\.\d+)?)$")
_SPLIT = re.compile(r"\s+|,(?![^(]*\))")  # spaces, and commas outside parentheses


@dataclass
class Progression:
    bars: list[Bar]  # one cycle; repeated to fill the requested bars
    measure_length: float  # quarter notes per bar
    time_signature: str
    tempo: float  # beats per minute
    source: str  # where it came from, for the summary

    def whole_choruses(self, at_least: int) -> int:
        """Bars of the fewest whole choruses that last at least ``at_least`` bars (a 12-bar blues and 16: 24)."""
        return len(self.bars) * max(1, -(-at_least // len(self.bars)))

    def spans(self, n_bars: int) -> list[ChordSpan]:
        """The chords of ``n_bars`` bars; an N.C. span carries the chord before it (or after, at the start), silent."""
        chords = [c for bar in self.bars for _, _, c in bar if c is not None]
        if not chords:
            raise GenappError(f"{param('chords')}: every bar is N.C.; give at least one chord to improvise over")
        spans, last = [], chords[0]
        for b in range(n_bars):
            for offset, duration, chord in self.bars[b % len(self.bars)]:
                last = chord or last
                spans.append(ChordSpan(b * self.measure_length + offset, duration, last, silent=chord is None))
        return spans


def time_signature_beats(signature: str) -> tuple[int, float]:
    """'3/4' -> (3 beats, 1.0 quarter note per beat); GenappError naming the parameter if it is not one."""
    m = re.fullmatch(r"(\d{1,2})/(1|2|4|8|16)", signature.strip())
    if not m or not 1 <= int(m.group(1)) <= 16:
        raise GenappError(f"{param('time_signature')} {signature!r}: expected beats/unit such as 4/4, 3/4, 6/8, 5/4")
    return int(m.group(1)), 4.0 / int(m.group(2))


def parse_progression(text: str, time_signature: str = "4/4") -> list[Bar]:
    """Chord symbols -> bars of (offset, duration, chord), in quarter notes (see the module docstring)."""
    beats, beat = time_signature_beats(time_signature)
    if "|" in text:
        bars = [_bar(segment, i + 1, beats, beat, text) for i, segment in enumerate(s for s in text.split("|") if s.strip())]
    else:
        bars = _flow(_tokens(text), beats, beat, text)
    if not bars:
        raise GenappError(f"{param('chords')}: empty; expected chord symbols such as \"Dm7 G7 Cmaj7 Cmaj7\"")
    return bars


def _tokens(text: str) -> list[tuple[Chord | None, float | None]]:
    """Each symbol with its length in beats (None: not given)."""
    out = []
    for token in (t for t in _SPLIT.split(text.strip()) if t):
        m = _LENGTH.match(token)
        symbol, length = (m.group(1), float(m.group(2))) if m else (token, None)
        if length is not None and length <= 0:
            raise GenappError(f"{param('chords')} {token!r}: a chord lasts more than 0 beats")
        out.append((parse_symbol(symbol), length))
    return out


def _bar(segment: str, number: int, beats: int, beat: float, text: str) -> Bar:
    """The chords between two bar lines: given lengths, and the rest of the bar shared evenly in whole beats."""
    tokens = _tokens(segment)
    given = sum(n for _, n in tokens if n is not None)
    free = [c for c, n in tokens if n is None]
    left = beats - given
    share = left / len(free) if free else 0.0
    if left < 0 or (free and (share <= 0 or share != int(share))) or (not free and left != 0):
        if free and left > 0:
            what = f"{len(free)} chords cannot share its {left:g} remaining beats evenly"
        elif free:
            what = f"the lengths given fill {given:g} beats, leaving none for {len(free)} more"
        else:
            what = f"its chords last {given:g} beats"
        raise GenappError(f"{param('chords')} {text.strip()!r}: bar {number} ({segment.strip()!r}): {what}; a bar of "
                          f"this time signature has {beats} beats (give each chord's length in beats, e.g. Dm7:2)")
    bar, t = [], 0.0
    for chord, n in tokens:
        length = (n if n is not None else share) * beat
        bar.append((t, length, chord))
        t += length
    return bar


def _flow(tokens: list, beats: int, beat: float, text: str) -> list[Bar]:
    """Chords without bar lines: each lasts its length, or to the end of its bar; a chord crossing a bar line is cut there."""
    bar_length = beats * beat
    bars: list[Bar] = [[]]
    t = 0.0  # quarter notes into the current bar
    for chord, n in tokens:
        length = n * beat if n is not None else bar_length - t
        while length > 1e-9:
            part = min(length, bar_length - t)
            bars[-1].append((t, part, chord))
            t, length = t + part, length - part
            if t >= bar_length - 1e-9:
                bars.append([])
                t = 0.0
    if bars[-1]:
        filled = (len(bars) - 1) * beats + t / beat
        raise GenappError(f"{param('chords')} {text.strip()!r}: the chords last {filled:g} beats; a progression fills "
                          f"whole bars of {beats} beats")
    return bars[:-1]


def progression_from_text(text: str, tempo: float = 120.0, time_signature: str = "4/4") -> Progression:
    """Chord symbols as ``parse_progression`` reads them, in ``time_signature``."""
    beats, beat = time_signature_beats(time_signature)
    return Progression(parse_progression(text, time_signature), beats * beat, time_signature, tempo, "chord symbols")


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


DEFAULT_BACKING = "two_five_etudes.abc"  # in corpora/jazz: the progression generate uses when given none


def choose_progression(chords: str | None = None, backing: str | None = None, tempo: float | None = None,
                       time_signature: str | None = None) -> Progression:
    """The chords to improvise over: chord symbols, or a backing file's, or else corpora/jazz/two_five_etudes.abc's.

    ``tempo`` (beats per minute) replaces the backing's own; ``time_signature``
    applies to chord symbols (default 4/4).
    """
    from genapp import paths

    if chords and backing:
        raise GenappError(f"{param('chords')} and {param('backing')} exclude each other")
    if time_signature and not chords:
        raise GenappError(f"{param('time_signature')} applies only to {param('chords')}")
    if chords:
        chosen = progression_from_text(chords, time_signature=time_signature or "4/4")
    else:
        chosen = progression_from_file(str(backing or paths.corpora_dir() / "jazz" / DEFAULT_BACKING))
    if tempo:
        chosen.tempo = tempo
    return chosen
