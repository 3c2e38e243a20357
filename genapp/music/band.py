"""The rhythm section behind a solo, and the feel it is played with.

    comping(chords, melody, ...)    rootless voicings (3rd and 7th plus tensions), voiced below the melody
                                    with the smallest motion from chord to chord, in jazz rhythms
                                    (Charleston, on 2 and 4, pushes into the next bar)
    walking_bass(chords, ...)       quarter notes: the root (or the slash bass) on each chord's first beat,
                                    chord and scale tones toward the next chord, a chromatic or fifth
                                    approach into it; ``two_feel``: half notes, root and fifth
    drums(bars, ...)                ride "ding, ding-a ding", hi-hat on 2 and 4, light snare and kick comping
    swing_time(t, ratio)            straight time -> swung time: each beat's second eighth starts late
    melody_dynamics(notes, ...)     velocities from the beat and the phrase's contour

Everything takes a seeded ``numpy.random.Generator``, so the same seed plays
the same band.  N.C. spans (``ChordSpan.silent``) get no comping and no bass.
Times are in quarter notes, straight; swing and humanising are applied when
the MIDI is written (``genapp.music.midi_out``), so notation and piano rolls
stay on the beat grid as jazz is written.
"""

from __future__ import annotations

import bisect
import math

import numpy as np

from genapp.config import BANDS  # noqa: F401  (none, comp, trio)
from genapp.music.piece import ChordSpan, Note
from genapp.music.theory import Chord


BASS_RANGE = (28, 55)  # E1..G3, the double bass's walking range
COMP_TOP = (55, 67)  # the comping's top note stays within G3..G4, below the melody
COMP_FLOOR = 48  # C3: the comping keeps above the walking bass's usual register when it can
RIDE, HIHAT_PEDAL, SNARE, KICK = 51, 44, 38, 36  # General MIDI drum keys (channel 10)

# the comping's notes above the root: guide tones (3rd and 7th, or what stands for them) + a default colour
_GUIDE = {
    "": (4, 9, 2), "6": (4, 9, 2), "maj7": (4, 11, 2), "m": (3, 10, 2), "m6": (3, 9, 2), "m7": (3, 10, 2, 5),
    "7": (4, 10, 2, 9), "m7b5": (3, 6, 10), "dim": (3, 6, 9), "dim7": (3, 6, 9, 0), "aug": (4, 8, 10),
    "aug7": (4, 8, 10, 2), "maj7#5": (4, 8, 11), "sus4": (5, 10, 2), "7sus4": (5, 10, 2, 9), "sus2": (2, 7, 9),
    "mM7": (3, 11, 2),
}
# comping rhythms for a 4/4 bar: (beat, length in beats, accent)
_PATTERNS = [
    [(0.0, 1.0, 8), (1.5, 0.5, 0)],  # Charleston
    [(1.0, 0.5, 0), (3.0, 0.5, 0)],  # on 2 and 4
    [(0.0, 1.5, 6), (2.5, 0.5, 0)],
    [(0.5, 0.5, 4), (2.5, 1.0, 0)],
    [(0.0, 2.0, 6), (3.5, 0.5, 4)],  # the last one pushes into the next bar
]


def voicing_classes(chord: Chord) -> list[int]:
    """Semitones above the root the comping plays: the guide tones, then the chord's tensions (or a default colour)."""
    guide = list(_GUIDE[chord.quality])
    if chord.tensions:
        guide = guide[:2] + list(chord.tensions)[:2]
    return list(dict.fromkeys(guide))


def _voicings(pcs: list[int], low: int, high: int) -> list[tuple[int, ...]]:
    """Every way to place the pitch classes within [low, high], spread at most a tenth."""
    options = [[p for p in range(low, high + 1) if p % 12 == pc] for pc in pcs]
    out = [()]
    for choices in options:
        out = [v + (p,) for v in out for p in choices]
    return [tuple(sorted(v)) for v in out if v and max(v) - min(v) <= 16]


def voice(chord: Chord, top: int, previous: tuple[int, ...] | None) -> tuple[int, ...]:
    """The voicing with its top at most ``top`` that moves least from ``previous`` (smooth voice leading)."""
    pcs = [(chord.root + i) % 12 for i in voicing_classes(chord)]
    # above the bass if possible: with fewer colour tones before reaching lower
    tries = [(pcs[:k], max(top - 14, COMP_FLOOR)) for k in range(len(pcs), 1, -1)] + [(pcs, top - 20), (pcs, top - 26)]
    for classes, low in tries:
        candidates = _voicings(classes, low, top)
        if candidates:
            break
    if previous is None:
        return max(candidates, key=lambda v: (v[-1], -(v[-1] - v[0])))  # as high as allowed, compact
    center = sum(previous) / len(previous)
    return min(candidates, key=lambda v: (sum(min(abs(p - q) for q in previous) for p in v) + abs(sum(v) / len(v) - center)))


def _melody_floor(melody: list[Note], starts: list[float], start: float, end: float, default: int) -> int:
    """The lowest pitch of the melody (one voice, sorted; ``starts`` its onsets) sounding in [start, end), else ``default``."""
    first = max(0, bisect.bisect_left(starts, start) - 1)  # a note begun before ``start`` may still sound
    pitches = [n.pitch for n in melody[first : bisect.bisect_left(starts, end)] if n.end > start]
    return min(pitches) if pitches else default


def comping(chords: list[ChordSpan], melody: list[Note], measure_length: float, rng: np.random.Generator) -> list[Note]:
    """The comping's notes: each chord voiced below the melody that sounds over it, struck in a jazz rhythm."""
    notes, previous, top = [], None, COMP_TOP[1]
    bar_patterns: dict[int, list] = {}
    melody = sorted(melody, key=lambda n: n.start)
    starts = [n.start for n in melody]
    for span in chords:
        if span.silent:
            previous = None
            continue
        top = int(np.clip(_melody_floor(melody, starts, span.start, span.end, top + 1) - 1, *COMP_TOP))
        chord_voicing = voice(span.chord, top, previous)
        previous = chord_voicing
        for start, length, accent in _hits(span, measure_length, rng, bar_patterns):
            notes += [Note(start, length, p, 56 + accent) for p in chord_voicing]
    return notes


def _hits(span: ChordSpan, measure_length: float, rng, bar_patterns: dict) -> list[tuple[float, float, int]]:
    """(start, length, accent) of the strikes of one chord span: its bars' patterns, cut to the span."""
    hits, t = [], span.start
    while t < span.end - 1e-9:
        bar = int(t // measure_length + 1e-9)
        if measure_length == 4.0:
            pattern = bar_patterns.setdefault(bar, _PATTERNS[int(rng.integers(len(_PATTERNS)))])
        else:  # other meters: the downbeat and the off-beat before the last beat
            pattern = [(0.0, 1.0, 6), (measure_length - 1.5, 0.5, 0)]
        for beat, length, accent in pattern:
            start = bar * measure_length + beat
            if span.start - 1e-9 <= start < span.end - 1e-9:
                hits.append((start, min(length, span.end - start), accent))
        t = (bar + 1) * measure_length
    if not hits or hits[0][0] > span.start + 1e-9:  # a chord is always heard when it arrives
        until = hits[0][0] if hits else span.end
        hits.insert(0, (span.start, min(1.0, until - span.start), 6))
    return hits


def _near(pc: int, reference: int, low: int, high: int) -> int:
    """The pitch of class ``pc`` nearest ``reference`` within [low, high]."""
    candidates = [p for p in range(low, high + 1) if p % 12 == pc]
    return min(candidates, key=lambda p: (abs(p - reference), p))


def walking_bass(chords: list[ChordSpan], rng: np.random.Generator, two_feel: bool = False) -> list[Note]:
    """One note per beat (two_feel: per half bar) over the changes; silent spans rest."""
    low, high = BASS_RANGE
    notes: list[Note] = []
    last = 40  # E2
    step = 2.0 if two_feel else 1.0
    for i, span in enumerate(chords):
        if span.silent:
            continue
        chord = span.chord
        following = next((c for c in chords[i + 1 :] if not c.silent), None)
        target_pc = (following.chord.bass if following and following.chord.bass is not None
                     else following.chord.root if following else chord.root)
        beats = max(1, int(round(span.duration / step)))
        length = span.duration / beats
        first = _near(chord.bass if chord.bass is not None else chord.root, last, low, high)
        line = [first]
        target = _near(target_pc, first, low, high)
        tones, scale = chord.pitch_classes, chord.scale
        for b in range(1, beats):
            previous = line[-1]
            if b == beats - 1 and following is not None:  # approach the next chord
                if two_feel or rng.random() < 0.3:
                    line.append(_near((target_pc + 7) % 12, previous, low, high))  # its fifth
                else:
                    line.append(target + (1 if previous > target else -1))  # a semitone away
                continue
            pool = tones if b % 2 == 0 or two_feel else scale  # chord tones on strong beats, scale tones between
            candidates = [p for p in range(previous - 7, previous + 8)
                          if low <= p <= high and p % 12 in pool and p != previous]
            toward = sorted(candidates, key=lambda p: (abs(target - p), abs(p - previous)))  # heading for the target
            line.append(int(toward[min(len(toward) - 1, int(rng.integers(2)))]) if toward else previous)
        for b, pitch in enumerate(line):
            notes.append(Note(span.start + b * length, length * 0.9, int(np.clip(pitch, low, high)), 84 if b == 0 else 76))
        last = line[-1]
    return notes


def drums(measures: int, measure_length: float, rng: np.random.Generator) -> list[Note]:
    """Ride, hi-hat and light snare/kick comping for every bar (General MIDI keys, for channel 10)."""
    notes = []
    beats = int(round(measure_length))
    for bar in range(measures):
        t0 = bar * measure_length
        for beat in range(beats):
            t = t0 + beat
            notes.append(Note(t, 0.5, RIDE, 78 if beat % 2 == 0 else 70))
            if beat % 2 == 1:
                notes.append(Note(t + 0.5, 0.25, RIDE, 58))  # the skip note of "ding ding-a"
                notes.append(Note(t, 0.25, HIHAT_PEDAL, 64))
            if rng.random() < 0.15:  # snare "chatter" on an off-beat
                notes.append(Note(t + 0.5, 0.25, SNARE, int(rng.integers(32, 48))))
            if rng.random() < 0.08:
                notes.append(Note(t + 0.5 if rng.random() < 0.5 else t, 0.25, KICK, int(rng.integers(30, 44))))
    return notes


def swing_time(t: float, ratio: float) -> float:
    """Straight quarter-note time -> swung: within each beat, the first half lasts ratio/(1+ratio) of it.

    ratio 1 is straight, 2 a triplet feel (the second eighth on the last
    triplet), 3 hard swing.  Beats and everything on them stay put.
    """
    if ratio == 1.0:
        return t
    beat = math.floor(t + 1e-9)
    frac = t - beat
    long = ratio / (1.0 + ratio)
    swung = frac * 2 * long if frac <= 0.5 else long + (frac - 0.5) * 2 * (1 - long)
    return beat + swung


def melody_dynamics(notes: list[Note]) -> list[Note]:
    """Velocities as a player shapes them: higher notes louder, off-beat eighths leaned on, a phrase's last note softer."""
    if not notes:
        return []
    pitches = np.array([n.pitch for n in notes], float)
    mid, spread = float(np.median(pitches)), max(6.0, float(pitches.max() - pitches.min()))
    out = []
    for i, n in enumerate(notes):
        v = 84 + 16 * (n.pitch - mid) / spread
        if abs((n.start % 1.0) - 0.5) < 1e-6:
            v += 5  # jazz eighths lean on the off-beat
        phrase_end = i + 1 == len(notes) or notes[i + 1].start - n.end >= 1.0
        if phrase_end:
            v -= 8
        out.append(Note(n.start, n.duration, n.pitch, int(np.clip(round(v), 40, 120))))
    return out
