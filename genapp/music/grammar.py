"""The jazz grammar: a melody over chords <-> a sequence of values.

Training encodes each piece's melody into values (strings) that the model
learns as symbols; generation samples values and decodes them against a chord
progression back into notes.  Encode and decode are pure functions.

A value is ``TYPE,DURATION[,<LO,HI>]``, one per melody note or rest:

    TYPE      C chord tone, S tone of the chord's scale, A approach tone (a
              semitone from a chord tone), X anything else, R rest
              (``theory.note_type``; the chord is the one sounding at the note's start)
    DURATION  in quarter notes, on a grid of 1/12 (sixteenths and triplets),
              printed with three decimals
    <LO,HI>   bounds in semitones on the step from the previous sounded note
              (buckets 0 | 1-2 | 3-4 | 5-7 | 8-12 | 13-24 | 25+, signed);
              absent for rests and for the first note

Notes are snapped to the grid, overlaps trimmed, and split at bar lines so
each measure is filled exactly by its values.  Example, a 4/4 measure over
Dm7 (D F A C): D4 quarter, F4 eighth, E4 eighth, quarter rest, C5 quarter:

    C,1.000  C,0.500,<+3,+4>  S,0.500,<-2,-1>  R,1.000  C,1.000,<+8,+12>

Decoding picks, for every sounded value, a pitch in a playable register that
has the value's TYPE against its chord and whose step from the previous pitch
lies in the value's range: a cheapest-path search over pitches, so when an
assignment without violations exists (always, for a melody that was encoded
from real notes in the register) it is found; model output that admits none
is decoded with the fewest violations, which are counted.
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from genapp.music.piece import ChordSpan, Note
from genapp.music.theory import Chord, note_type

GRID = Fraction(1, 12)  # quarter notes
TYPES = ("C", "S", "A", "X", "R")
BUCKETS = ((0, 0), (1, 2), (3, 4), (5, 7), (8, 12), (13, 24), (25, 127))
REGISTER = (55, 84)  # G3..C6 (MIDI): a playable solo register for sax, trumpet, guitar
_BIG = 1e6  # cost of one violated constraint; dwarfs every preference cost


@dataclass(frozen=True)
class Value:
    type: str  # C S A X R
    duration: Fraction  # quarter notes, a multiple of GRID
    interval: tuple[int, int] | None  # (lo, hi) semitones from the previous sounded note

    def __str__(self) -> str:
        s = f"{self.type},{float(self.duration):.3f}"
        if self.interval is not None:
            s += f",<{self.interval[0]:+d},{self.interval[1]:+d}>"
        return s


@functools.lru_cache(maxsize=256)
def register_types(chord: Chord, register: tuple[int, int] = REGISTER) -> np.ndarray:
    """The TYPE (C, S, A or X) of every pitch of the register against a chord, shape (P,)."""
    return np.array([note_type(p, chord) for p in range(register[0], register[1] + 1)])


def snap(x: float) -> Fraction:
    """A time in quarter notes, to the nearest multiple of GRID."""
    return Fraction(round(Fraction(x) / GRID)) * GRID


def parse_value(text: str) -> Value:
    """'S,0.500,<-2,-1>' -> Value; ValueError on anything else."""
    parts = text.split(",", 2)
    if len(parts) < 2 or parts[0] not in TYPES:
        raise ValueError(f"expected a value TYPE,DURATION[,<LO,HI>], got {text!r}")
    duration = snap(float(parts[1]))
    if duration <= 0:
        raise ValueError(f"expected a positive duration, got {text!r}")
    interval = None
    if len(parts) == 3:
        lo, hi = parts[2].strip("<>").split(",")
        interval = (int(lo), int(hi))
    return Value(parts[0], duration, interval)


def interval_bucket(step: int) -> tuple[int, int]:
    """The signed bucket (lo, hi) holding a step in semitones."""
    size = abs(step)
    lo, hi = next(b for b in BUCKETS if b[0] <= size <= b[1])
    return (lo, hi) if step >= 0 else (-hi, -lo)


def in_bucket(step: int, interval: tuple[int, int]) -> bool:
    return interval[0] <= step <= interval[1]


def chord_at(chords: list[ChordSpan], t: float) -> Chord:
    """The chord sounding at time t (the first before the start, the last after the end)."""
    starts = [c.start for c in chords]
    i = max(bisect.bisect_right(starts, t + 1e-9) - 1, 0)
    return chords[i].chord


def quantize_melody(melody: list[Note]) -> list[tuple[Fraction, Fraction, int]]:
    """Notes snapped to GRID, zero-length ones dropped, overlaps trimmed: (start, end, pitch)."""
    snapped = sorted((snap(n.start), snap(n.end), n.pitch) for n in melody)
    out: list[tuple[Fraction, Fraction, int]] = []
    for start, end, pitch in snapped:
        if out and out[-1][0] == start:  # same onset: keep the higher note
            if pitch > out[-1][2]:
                out[-1] = (start, max(end, out[-1][1]), pitch)
            continue
        if out and out[-1][1] > start:
            out[-1] = (out[-1][0], start, out[-1][2])
        if end > start:
            out.append((start, end, pitch))
    return [n for n in out if n[1] > n[0]]


def melody_events(melody: list[Note], measure_length: float, measures: int) -> list[tuple[Fraction, Fraction, int | None]]:
    """The melody as (start, duration, pitch or None for a rest), filling every measure exactly."""
    bar = snap(measure_length)
    end_of_piece = bar * measures
    notes = [(s, min(e, end_of_piece), p) for s, e, p in quantize_melody(melody) if s < end_of_piece]
    events: list[tuple[Fraction, Fraction, int | None]] = []
    t = Fraction(0)
    for s, e, p in notes + [(end_of_piece, end_of_piece, None)]:
        if s > t:
            events += _split_at_bars(t, s, None, bar)
        if e > s:
            events += _split_at_bars(s, e, p, bar)
        t = max(t, e)
    return events


def _split_at_bars(start: Fraction, end: Fraction, pitch: int | None, bar: Fraction):
    out = []
    while start < end:
        cut = min(end, (start // bar + 1) * bar)
        out.append((start, cut - start, pitch))
        start = cut
    return out


def encode(melody: list[Note], chords: list[ChordSpan], measure_length: float, measures: int) -> list[Value]:
    """Melody notes over chords -> one value per note or rest, measure after measure."""
    values, prev = [], None
    for start, duration, pitch in melody_events(melody, measure_length, measures):
        if pitch is None:
            values.append(Value("R", duration, None))
            continue
        interval = interval_bucket(pitch - prev) if prev is not None else None
        values.append(Value(note_type(pitch, chord_at(chords, float(start))), duration, interval))
        prev = pitch
    return values


@dataclass
class Decoded:
    notes: list[Note]  # the sounded values, with pitches
    violations: int  # constraints (TYPE or range) that no pitch in the register could meet
    length: float  # quarter notes covered by all values, rests included


def decode(
    values: list[Value],
    chords: list[ChordSpan],
    start: float = 0.0,
    previous_pitch: int | None = None,
    register: tuple[int, int] = REGISTER,
    rng: np.random.Generator | None = None,
) -> Decoded:
    """Values -> notes over the chords, each pitch meeting its TYPE and range where possible.

    ``rng`` adds a random preference among equally good pitches (variety in
    generation); without it the choice leans to the middle of the register.
    """
    pitches = np.arange(register[0], register[1] + 1)  # (P,)
    center = (register[0] + register[1]) / 2
    t = Fraction(start).limit_denominator(10**6)
    sounded: list[tuple[Fraction, Value, Chord]] = []
    for v in values:
        if v.type != "R":
            sounded.append((t, v, chord_at(chords, float(t))))
        t += v.duration
    length = float(t - Fraction(start).limit_denominator(10**6))
    if not sounded:
        return Decoded([], 0, length)
    steps = pitches[:, None] - pitches[None, :]  # (P, P): steps[p, q] = p - q

    def own_cost(k: int) -> np.ndarray:  # (P,) cost of each pitch for the k-th sounded value
        _, v, chord = sounded[k]
        wrong_type = register_types(chord, register) != v.type  # (P,)
        cost = wrong_type * _BIG + 0.01 * np.abs(pitches - center)
        if rng is not None:
            cost = cost + rng.random(len(pitches))
        return cost

    def step_cost(v: Value) -> np.ndarray:  # (P, P): from previous pitch q to pitch p
        if v.interval is None:
            return 0.05 * np.abs(steps)
        return ((steps < v.interval[0]) | (steps > v.interval[1])) * _BIG

    cost = own_cost(0)
    first = sounded[0][1]
    if previous_pitch is not None and first.interval is not None:
        step0 = pitches - previous_pitch
        cost = cost + ((step0 < first.interval[0]) | (step0 > first.interval[1])) * _BIG
    back = []
    for k in range(1, len(sounded)):
        total = cost[None, :] + step_cost(sounded[k][1])  # (P, P): [p, q]
        back.append(total.argmin(axis=1))  # best previous pitch for each pitch
        cost = total.min(axis=1) + own_cost(k)
    best = int(cost.argmin())
    violations = int(cost[best] // _BIG)
    path = [best]
    for b in reversed(back):
        path.append(int(b[path[-1]]))
    path.reverse()
    notes = [Note(float(s), float(v.duration), int(pitches[i])) for (s, v, _), i in zip(sounded, path)]
    return Decoded(notes, violations, length)
