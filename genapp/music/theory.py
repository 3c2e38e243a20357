"""Chords, their scales, and what a pitch is against a chord.

A ``Chord`` is a root pitch class and a quality from ``QUALITIES``; its
``scale`` is the scale a jazz player would use over it (major chords:
ionian, dominant: mixolydian, minor: dorian, half-diminished: locrian,
diminished: whole-half, augmented: whole-tone).  ``note_type`` classifies a
pitch as chord tone (C), scale tone (S), approach tone (A: a semitone from a
chord tone) or other (X), in that order of priority.

Chord symbols from text ("Dm7", "Bb7", "F#m7b5", "C/E") are read with
music21's harmony parser; any chord it reads is mapped to the nearest quality
here (an extended "C13" becomes "C7").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from genapp.errors import GenappError, param

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
    "aug": (0, 2, 4, 6, 8, 10),  # whole tone
}
NOTE_TYPES = ("C", "S", "A", "X")


@dataclass(frozen=True)
class Chord:
    root: int  # pitch class, 0 = C
    quality: str  # a key of QUALITIES

    def __post_init__(self) -> None:
        if self.quality not in QUALITIES or not 0 <= self.root < 12:
            raise ValueError(f"expected a root 0-11 and a quality in {list(QUALITIES)}, got {self.root}, {self.quality!r}")

    @property
    def symbol(self) -> str:
        return NAMES[self.root] + self.quality

    @property
    def pitch_classes(self) -> frozenset[int]:
        return frozenset((self.root + i) % 12 for i in QUALITIES[self.quality])

    @property
    def scale(self) -> frozenset[int]:
        return frozenset((self.root + i) % 12 for i in SCALES[self.quality])

    def __repr__(self) -> str:
        return f"Chord({self.symbol})"


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


_ROOT = re.compile(r"^([A-Ga-g])([b#]*)(.*?)(?:/([A-Ga-g])([b#]*))?$")


def parse_chord_symbol(text: str) -> Chord:
    """'Dm7' -> Chord(D, m7) via music21's harmony parser; GenappError if unreadable."""
    from music21 import harmony  # music21 only where symbols are read

    m = _ROOT.match(text.strip())
    if not m:
        raise GenappError(f"chord symbol {text!r}: cannot read it; expected a root A-G, e.g. Dm7, G7, Cmaj7, Bb7, F#m7b5")
    root, acc, kind, bass, bass_acc = m.groups()
    figure = root.upper() + acc.replace("b", "-") + kind
    if bass:
        figure += "/" + bass.upper() + bass_acc.replace("b", "-")
    try:
        cs = harmony.ChordSymbol(figure)
        pcs = {p.pitchClass for p in cs.pitches}
        root_pc = cs.root().pitchClass
    except Exception:  # music21 raises several types for unknown kinds
        raise GenappError(
            f"chord symbol {text!r}: cannot read {kind!r}; accepted examples: C, Cm, C7, Cmaj7, Cm7, C6, Cdim7, Cm7b5, Caug, Csus4, Bb7, F#m7"
        ) from None
    if not pcs:
        raise GenappError(f"chord symbol {text!r}: has no notes; accepted examples: C, Cm7, G7")
    return Chord(root_pc, nearest_quality(root_pc, pcs))


def parse_progression(text: str) -> list[list[Chord]]:
    """'Dm7 G7 Cmaj7 Cmaj7' -> one chord per bar; with '|', bars hold several: 'Dm7 G7 | Cmaj7'."""
    if "|" in text:
        bars = [b.split() for b in text.split("|") if b.strip()]
    else:
        bars = [[s] for s in text.split()]
    if not bars:
        raise GenappError(f"{param('chords')}: empty; expected chord symbols such as \"Dm7 G7 Cmaj7 Cmaj7\"")
    return [[parse_chord_symbol(s) for s in bar] for bar in bars]
