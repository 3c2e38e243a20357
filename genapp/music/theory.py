"""Chords, their scales, and what a pitch is against a chord.

A ``Chord`` is a root pitch class and a quality from ``QUALITIES``; its
``scale`` is the scale a jazz player would use over it (major chords:
ionian, dominant: mixolydian, minor: dorian, half-diminished: locrian,
diminished: whole-half, augmented: whole-tone).  ``note_type`` classifies a
pitch as chord tone (C), scale tone (S), approach tone (A: a semitone from a
chord tone) or other (X), in that order of priority.

A chord also keeps what a lead sheet writes beyond its quality: tensions
(9, b9, #9, 11, #11, b13, 13, as semitones above the root), which join the
chord's scale (the solo over ``C7#9`` may use the #9) and the comping's
voicing, a slash bass, and the root as written (``F#7`` stays ``F#7``).
Chord symbols are read by ``genapp.music.symbols``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


NAMES = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")

# quality -> intervals above the root; order breaks ties (simpler first)
QUALITIES: dict[str, tuple[int, ...]] = {
    "": (0, 4, 7),
    "m": (0, 3, 7),
    "7": (0, 4, 7, 10),
    "maj7": (0, 4, 7, 11),
    "m7": (0, 3, 7, 10),
    "6": (0, 4, 7, 9),
    "m6": (0, 3, 7, 9),
    "dim": (0, 3, 6),
    "m7b5": (0, 3, 6, 10),
    "dim7": (0, 3, 6, 9),
    "aug": (0, 4, 8),
    "sus4": (0, 5, 7),
    "7sus4": (0, 5, 7, 10),
    "sus2": (0, 2, 7),
    "mM7": (0, 3, 7, 11),
    "aug7": (0, 4, 8, 10),
    "maj7#5": (0, 4, 8, 11),
}
# the qualities inferred from notes (accompaniment or melody): triads and common sevenths
INFERRED_QUALITIES = ("", "m", "7", "maj7", "m7", "dim", "m7b5")

_IONIAN, _MIXOLYDIAN, _DORIAN = (0, 2, 4, 5, 7, 9, 11), (0, 2, 4, 5, 7, 9, 10), (0, 2, 3, 5, 7, 9, 10)
SCALES: dict[str, tuple[int, ...]] = {
    "": _IONIAN, "maj7": _IONIAN, "6": _IONIAN,
    "7": _MIXOLYDIAN, "sus4": _MIXOLYDIAN, "7sus4": _MIXOLYDIAN,
    "m": _DORIAN, "m7": _DORIAN, "m6": _DORIAN,
    "m7b5": (0, 1, 3, 5, 6, 8, 10),  # locrian
    "dim": (0, 2, 3, 5, 6, 8, 9, 11), "dim7": (0, 2, 3, 5, 6, 8, 9, 11),  # whole-half
    "aug": (0, 2, 4, 6, 8, 10), "aug7": (0, 2, 4, 6, 8, 10),  # whole tone
    "sus2": _IONIAN,
    "mM7": (0, 2, 3, 5, 7, 9, 11),  # melodic minor
    "maj7#5": (0, 2, 4, 6, 8, 9, 11),  # lydian augmented
}
TENSION_NAMES = {1: "b9", 2: "9", 3: "#9", 5: "11", 6: "#11", 8: "b13", 9: "13"}  # semitones above the root
ALTERED = {1: 2, 3: 2, 6: 5, 8: 9}  # an altered tension replaces its natural one in the scale (b9 and #9 replace 9)
NOTE_TYPES = ("C", "S", "A", "X")


@dataclass(frozen=True)
class Chord:
    root: int  # pitch class, 0 = C
    quality: str  # a key of QUALITIES
    tensions: tuple[int, ...] = ()  # semitones above the root, keys of TENSION_NAMES, sorted
    bass: int | None = None  # slash bass pitch class (C/E: 4); None: the root
    spelling: str = ""  # the root as written ("F#"); "": NAMES[root]

    def __post_init__(self) -> None:
        if self.quality not in QUALITIES or not 0 <= self.root < 12:
            raise ValueError(f"expected a root 0-11 and a quality in {list(QUALITIES)}, got {self.root}, {self.quality!r}")
        if any(t not in TENSION_NAMES for t in self.tensions) or list(self.tensions) != sorted(set(self.tensions)):
            raise ValueError(f"expected sorted tensions among {sorted(TENSION_NAMES)}, got {self.tensions!r}")
        if self.bass is not None and not 0 <= self.bass < 12:
            raise ValueError(f"expected a bass pitch class 0-11, got {self.bass!r}")

    @property
    def root_name(self) -> str:
        return self.spelling or NAMES[self.root]

    @property
    def symbol(self) -> str:
        """As a lead sheet writes it: Dm7, F#7(b9,#11), C6(9), Bb/D."""
        extra = f"({','.join(TENSION_NAMES[t] for t in self.tensions)})" if self.tensions else ""
        if self.quality == "7" and self.tensions == (1, 3, 6, 8):
            extra = "alt"
        bass = f"/{_spell(self.bass, self.root_name)}" if self.bass is not None and self.bass != self.root else ""
        return self.root_name + self.quality + extra + bass

    @property
    def pitch_classes(self) -> frozenset[int]:
        return frozenset((self.root + i) % 12 for i in QUALITIES[self.quality])

    @property
    def scale(self) -> frozenset[int]:
        """The quality's scale with the tensions in (an altered tension replaces its natural one)."""
        steps = set(SCALES[self.quality])
        for t in self.tensions:
            steps.discard(ALTERED.get(t, t))
            steps.add(t)
        return frozenset((self.root + i) % 12 for i in steps)

    def to_json(self) -> list:
        return [self.root, self.quality, list(self.tensions), self.bass, self.spelling]

    @classmethod
    def from_json(cls, data: list) -> "Chord":
        root, quality, tensions, bass, spelling = data
        return cls(root, quality, tuple(tensions), bass, spelling)

    def __repr__(self) -> str:
        return f"Chord({self.symbol})"


def _spell(pc: int, root_name: str) -> str:
    """A pitch class named with sharps when the root was written with one, else with flats."""
    sharps = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
    return (sharps if "#" in root_name else NAMES)[pc]


def note_type(pitch: int, chord: Chord) -> str:
    """C (chord tone), S (scale tone), A (a semitone from a chord tone) or X."""
    pc = pitch % 12
    tones = chord.pitch_classes
    if pc in tones:
        return "C"
    if pc in chord.scale:
        return "S"
    if (pc + 1) % 12 in tones or (pc - 1) % 12 in tones:
        return "A"
    return "X"


def nearest_quality(root: int, pitch_classes: set[int]) -> str:
    """The quality whose template best matches pitch classes above a known root."""
    rel = {(pc - root) % 12 for pc in pitch_classes}

    def score(q: str) -> float:
        t = set(QUALITIES[q])
        return 2 * len(t & rel) - 3 * len(t - rel) - 0.5 * len(rel - t)

    return max(QUALITIES, key=score)  # max keeps the first of equals: simpler qualities win ties


def best_chord(weights: np.ndarray, bass: np.ndarray | None = None) -> tuple[Chord, float]:
    """The chord (root, quality in INFERRED_QUALITIES) that best explains pitch-class weights.

    ``weights`` (12,): how long each pitch class sounds; ``bass`` (12,): how
    long each is the lowest sounding note.  Score: weight inside the template,
    minus 0.6 x weight outside it, plus half the bass weight on the root.
    """
    total = float(weights.sum()) or 1.0
    best, best_score = Chord(0, ""), -np.inf
    for quality in INFERRED_QUALITIES:
        for root in range(12):
            mask = np.zeros(12, bool)
            mask[[(root + i) % 12 for i in QUALITIES[quality]]] = True
            s = weights[mask].sum() - 0.6 * weights[~mask].sum()
            if bass is not None:
                s += 0.5 * bass[root]
            if s > best_score + 1e-9:
                best, best_score = Chord(root, quality), s
    return best, float(best_score / total)
