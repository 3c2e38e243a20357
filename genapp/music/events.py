"""A melody over chords <-> note events, and what the chord-aware jazz model sees before each event.

The representation of ``genapp train-jazz --representation improv`` (the
default; ``music.grammar`` is the classic one).  An event is one note or rest:

    units   its duration in grid units of 1/12 quarter note (sixteenths and
            triplets), 1 .. MAX_UNITS (a 4/4 bar); a longer note goes on as
            the same pitch again (step 0), a longer rest as another rest
    step    semitones from the previous note, -12 .. +12, or None for a rest.
            A leap wider than an octave is folded by octaves (+14 -> +2), so
            every pitch class is kept; the first note's step is from START_PITCH.

Example: over Dm7 in 4/4, D4 quarter, F4 eighth, E4 eighth, quarter rest, C5
quarter is  (12, -7) (6, +3) (6, -1) (12, None) (12, +8)  (D4 is 7 below A4).

Before predicting event i the model sees (``Context.features``, shape (FEATURES,)):

    previous event      its duration (one-hot MAX_UNITS) and pitch token (one-hot PITCHES: rest or step)
    place in the bar    beat (one-hot 8) and position inside the beat (one-hot 12) of event i's onset
    current chord       at event i's onset: for every step -12..+12 from the previous pitch, whether
                        it lands on a chord tone and on a scale tone (25 + 25); the root's pitch class
                        relative to the previous pitch (12); the quality (one-hot QUALITIES)
    next chord          the next different chord: root relative to the current root (12), quality,
                        and quarter notes until it comes (/ 4, at most 2)
    register            (previous pitch - START_PITCH) / 12, and whether a note has sounded yet
    (context 2, since 0.4; older bundles read context 1, without these four)
    next chord's tones  for every step -12..+12, whether it lands on a tone of the next chord (25): the
                        guide tone a line aims at across the change
    breath              quarter notes since the last rest of a beat or more (or the start) / 16, at most
                        2: how long the phrase has run
    end                 quarter notes until the end of the solo / 16, at most 1: where a solo ends its
                        line and holds its last note
    tempo               log2(quarter notes per minute / 120), within -2..2: a ballad is played denser
                        than a burner

so the model knows the beat and the harmony without any symbol of a fixed
vocabulary: nothing a melody plays is out of vocabulary.  ``encode`` and
``decode`` are a pure pair: decode(encode(m)) gives m's rhythm and pitch
classes exactly (a note longer than MAX_UNITS comes back as repeated notes),
and its pitches too when no leap exceeds an octave and the first note is
within an octave of START_PITCH.
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from genapp.music.grammar import GRID, quantize_melody
from genapp.music.piece import ChordSpan, Note
from genapp.music.theory import QUALITIES, Chord

MAX_UNITS = 48  # grid units (4 quarter notes)
MAX_STEP = 12
START_PITCH = 69  # A4: the reference of a solo's first note
STEPS = tuple(range(-MAX_STEP, MAX_STEP + 1))
PITCHES = ("R",) + tuple(f"{s:+d}" for s in STEPS)  # pitch tokens: 0 = rest, 1 + (step + 12) = a step
DURATIONS = tuple(str(u) for u in range(1, MAX_UNITS + 1))  # duration tokens: index u - 1
UNITS_PER_QUARTER = 12
_QUALITY = {q: i for i, q in enumerate(QUALITIES)}
BEATS = 8  # beats of a bar told apart (later beats share the last)

# the feature vector's blocks, in order: (name, width)
BLOCKS = (
    ("previous duration", MAX_UNITS), ("previous pitch", len(PITCHES)),
    ("beat", BEATS), ("position in beat", UNITS_PER_QUARTER),
    ("chord tone at step", len(STEPS)), ("scale tone at step", len(STEPS)),
    ("root from previous pitch", 12), ("quality", len(QUALITIES)),
    ("next root from root", 12), ("next quality", len(QUALITIES)), ("quarters to next chord", 1),
    ("register", 1), ("started", 1),
)
CONTEXT_1 = BLOCKS
BLOCKS = CONTEXT_1 + (("next chord tone at step", len(STEPS)), ("quarters since breath", 1), ("quarters to end", 1),
                      ("tempo", 1))
CONTEXTS = {1: CONTEXT_1, 2: BLOCKS}  # context version -> its blocks (a bundle's ImprovConfig.context says which)
CONTEXT = 2  # what a new model sees
FEATURES = sum(w for _, w in BLOCKS)
_OFFSET = dict(zip((n for n, _ in BLOCKS), np.cumsum([0] + [w for _, w in BLOCKS[:-1]])))
BREATH = UNITS_PER_QUARTER  # grid units: a rest at least this long ends a phrase
PHRASE_SCALE, END_SCALE = 16.0, 16.0  # quarter notes


def feature_count(context: int) -> int:
    """The width of what a model of this context version sees; ValueError naming the versions for an unknown one."""
    if context not in CONTEXTS:
        raise ValueError(f"expected a context version among {sorted(CONTEXTS)}, got {context!r}")
    return sum(w for _, w in CONTEXTS[context])


@dataclass(frozen=True)
class Event:
    units: int  # 1..MAX_UNITS grid units
    step: int | None  # -12..12 semitones from the previous note; None: a rest

    @property
    def pitch_token(self) -> int:
        """Index into PITCHES: 0 for a rest, 1 + (step + 12) for a note."""
        return 0 if self.step is None else 1 + self.step + MAX_STEP

    @classmethod
    def from_tokens(cls, duration: int, pitch: int) -> Event:
        """(index into DURATIONS, index into PITCHES) -> Event."""
        return cls(duration + 1, None if pitch == 0 else pitch - 1 - MAX_STEP)

    def __str__(self) -> str:
        return f"{self.units},{PITCHES[self.pitch_token]}"


def fold(step: int) -> int:
    """A step folded by octaves into -12..12, keeping its direction and pitch class (+14 -> +2, +24 -> +12)."""
    while abs(step) > MAX_STEP:
        step -= 12 if step > 0 else -12
    return step


def _units(t: Fraction) -> int:
    return int(t / GRID)


def encode(melody: list[Note], length: float | None = None) -> list[Event]:
    """Melody notes (one voice after ``quantize_melody``) -> events from time 0 to ``length`` (or the last note's end)."""
    notes = quantize_melody(melody)  # (start, end, pitch) on the grid, no overlaps
    end = round(length * UNITS_PER_QUARTER) if length is not None else None
    events: list[Event] = []
    t, previous = 0, START_PITCH

    def rest_until(u: int) -> None:
        nonlocal t
        while t < u:
            events.append(Event(min(MAX_UNITS, u - t), None))
            t += events[-1].units

    for start, stop, pitch in notes:
        s, e = _units(start), _units(stop)
        if end is not None and s >= end:
            break
        e = min(e, end) if end is not None else e
        rest_until(s)
        step = fold(pitch - previous)
        while t < e:
            events.append(Event(min(MAX_UNITS, e - t), step))
            t += events[-1].units
            step = 0
        previous += fold(pitch - previous)
    if end is not None:
        rest_until(end)
    return events


def decode(events: list[Event], start: float = 0.0, previous_pitch: int = START_PITCH) -> list[Note]:
    """Events -> notes from ``start`` (quarter notes)."""
    notes: list[Note] = []
    t, pitch = Fraction(start).limit_denominator(1000), previous_pitch
    for e in events:
        duration = e.units * GRID
        if e.step is not None:
            pitch += e.step
            notes.append(Note(float(t), float(duration), pitch))
        t += duration
    return notes


@functools.lru_cache(maxsize=1024)
def _tone_table(chord: Chord) -> tuple[np.ndarray, np.ndarray]:
    """(chord tone, scale tone) flags for each pitch class 0..11 against the chord, shape (12,) each."""
    pcs = np.arange(12)
    tones = np.isin(pcs, sorted(chord.pitch_classes))
    scale = np.isin(pcs, sorted(chord.scale)) | tones
    return tones.astype(np.float32), scale.astype(np.float32)


class Context:
    """The chords and meter a melody is played over: what the model sees before each event (``features``)."""

    def __init__(self, chords: list[ChordSpan], measure_length: float, length: float | None = None,
                 version: int = CONTEXT, tempo: float = 120.0):
        """``length``: the solo's length in quarter notes (None: the last chord's end); ``version``: which features;
        ``tempo``: quarter notes per minute."""
        if not chords:
            raise ValueError("expected at least one chord span")
        self.width, self.version = feature_count(version), version
        self.end = round((length if length is not None else chords[-1].end) * UNITS_PER_QUARTER)  # grid units
        self.chords = chords
        self.tempo = float(np.clip(np.log2(max(tempo, 1.0) / 120.0), -2.0, 2.0))
        self.starts = [round(c.start * UNITS_PER_QUARTER) for c in chords]  # grid units
        self.bar = max(1, round(measure_length * UNITS_PER_QUARTER))
        # the next *different* chord after each span: its index, or None at the end
        self.next_change: list[int | None] = [None] * len(chords)
        following = None
        for i in range(len(chords) - 1, -1, -1):
            self.next_change[i] = following
            if i and chords[i - 1].chord != chords[i].chord:
                following = i

    def chord_index(self, onset: int) -> int:
        """The span sounding at ``onset`` (grid units); the first before the start, the last after the end."""
        return max(bisect.bisect_right(self.starts, onset) - 1, 0)

    def features(self, previous: Event | None, pitch: int, started: bool, onset: int, phrase: int = 0) -> np.ndarray:
        """What the model sees before the event at ``onset`` (grid units), after ``previous`` ending on ``pitch``,
        in a phrase that began at ``phrase`` (grid units: the end of the last rest of a beat or more)."""
        f = np.zeros(self.width, np.float32)
        if previous is not None:
            f[_OFFSET["previous duration"] + previous.units - 1] = 1
            f[_OFFSET["previous pitch"] + previous.pitch_token] = 1
        position = onset % self.bar
        f[_OFFSET["beat"] + min(position // UNITS_PER_QUARTER, BEATS - 1)] = 1
        f[_OFFSET["position in beat"] + position % UNITS_PER_QUARTER] = 1
        i = self.chord_index(onset)
        chord = self.chords[i].chord
        tones, scale = _tone_table(chord)
        landing = (pitch + np.arange(-MAX_STEP, MAX_STEP + 1)) % 12  # (25,) pitch class after each step
        f[_OFFSET["chord tone at step"] : _OFFSET["chord tone at step"] + len(STEPS)] = tones[landing]
        f[_OFFSET["scale tone at step"] : _OFFSET["scale tone at step"] + len(STEPS)] = scale[landing]
        f[_OFFSET["root from previous pitch"] + (chord.root - pitch) % 12] = 1
        f[_OFFSET["quality"] + _QUALITY[chord.quality]] = 1
        j = self.next_change[i]
        following = self.chords[j].chord if j is not None else chord
        f[_OFFSET["next root from root"] + (following.root - chord.root) % 12] = 1
        f[_OFFSET["next quality"] + _QUALITY[following.quality]] = 1
        until = (self.starts[j] - onset) / UNITS_PER_QUARTER if j is not None else 8.0
        f[_OFFSET["quarters to next chord"]] = min(until / 4, 2.0)
        f[_OFFSET["register"]] = (pitch - START_PITCH) / 12
        f[_OFFSET["started"]] = float(started)
        if self.version >= 2:
            next_tones, _ = _tone_table(following)
            f[_OFFSET["next chord tone at step"] : _OFFSET["next chord tone at step"] + len(STEPS)] = next_tones[landing]
            f[_OFFSET["quarters since breath"]] = min((onset - phrase) / UNITS_PER_QUARTER / PHRASE_SCALE, 2.0)
            f[_OFFSET["quarters to end"]] = min(max(self.end - onset, 0) / UNITS_PER_QUARTER / END_SCALE, 1.0)
            f[_OFFSET["tempo"]] = self.tempo
        return f


class Walk:
    """Where a solo stands between events (what ``Context.features`` needs beside the chords): fed each event."""

    def __init__(self):
        self.previous: Event | None = None
        self.pitch, self.started, self.onset, self.phrase = START_PITCH, False, 0, 0
        self.resting = 0  # grid units of rest just before ``onset`` (a long rest comes as several events)

    def features(self, context: Context) -> np.ndarray:
        return context.features(self.previous, self.pitch, self.started, self.onset, self.phrase)

    def advance(self, e: Event) -> None:
        if e.step is not None:
            self.pitch, self.started = self.pitch + e.step, True
        self.previous, self.onset = e, self.onset + e.units
        self.resting = self.resting + e.units if e.step is None else 0
        if self.resting >= BREATH:
            self.phrase = self.onset


def walk(events: list[Event], context: Context):
    """(features before each event, shape (L, FEATURES)) for a known event sequence, as the sampler sees them."""
    rows = np.zeros((len(events), context.width), np.float32)
    walk = Walk()
    for i, e in enumerate(events):
        rows[i] = walk.features(context)
        walk.advance(e)
    return rows


def targets(events: list[Event]) -> np.ndarray:
    """(duration index, pitch token) of each event, shape (L, 2), int32."""
    return np.array([(e.units - 1, e.pitch_token) for e in events], np.int32).reshape(-1, 2)
