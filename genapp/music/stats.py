"""What a musician checks in a solo, as numbers: the melody against its chords, its rhythm, its shape.

    solo_stats(pieces) -> Stats     pooled over the pieces (each share is of all their notes together)

Every figure is of the melody genapp reads (``genapp corpus`` shows which
track that is) against the chords it reads or infers:

    range               highest minus lowest pitch, in semitones (the largest of the pieces')
    pc_entropy          pitch-class entropy in bits (0: one pitch class; 3.58: all twelve equally)
    in_scale            share of notes in the chord's scale (chord tones included)
    chord_tones_on_beats  share of notes starting on a beat that are chord tones
    on_grid             share of onsets on the eighth-note grid, straight or triplet (within 1/48 beat)
    notes_per_bar       notes per bar
    octave_leaps        share of intervals between consecutive notes larger than an octave
    motifs              share of 4-note interval patterns (3 successive intervals) that recur in their piece
    longest_repeat      the longest run of one pitch repeated (the largest of the pieces')

``genapp stats`` prints them for files, side by side with a corpus (``--compare``).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, fields

from genapp.music.grammar import chord_at
from genapp.music.piece import Piece

GRID_TOLERANCE = 1 / 48  # quarter notes


@dataclass
class Stats:
    pieces: int
    notes: int
    bars: int
    range: int
    pc_entropy: float
    in_scale: float
    chord_tones_on_beats: float
    on_grid: float
    notes_per_bar: float
    octave_leaps: float
    motifs: float
    longest_repeat: int

    def rows(self) -> list[tuple[str, str]]:
        """(name, value as text) for printing."""
        out = []
        for f in fields(self):
            value = getattr(self, f.name)
            out.append((f.name, f"{value:.3f}" if isinstance(value, float) else str(value)))
        return out


def _on_grid(t: float) -> bool:
    beat_fraction = t % 1.0
    return any(abs(beat_fraction - g) < GRID_TOLERANCE for g in (0.0, 0.5, 1 / 3, 2 / 3, 1.0))


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0


def solo_stats(pieces: list[Piece]) -> Stats:
    """The statistics above, pooled over ``pieces`` (each a melody over chords)."""
    classes: Counter = Counter()
    notes = bars = in_scale = on_beat = tones_on_beat = grid = intervals = leaps = windows = recurring = 0
    widest = longest = 0
    for piece in pieces:
        melody = sorted(piece.melody, key=lambda n: n.start)
        notes += len(melody)
        bars += piece.measures
        if not melody:
            continue
        pitches = [n.pitch for n in melody]
        widest = max(widest, max(pitches) - min(pitches))
        classes.update(p % 12 for p in pitches)
        for n in melody:
            chord = chord_at(piece.chords, n.start) if piece.chords else None
            in_scale += chord is not None and n.pitch % 12 in chord.scale
            if abs(n.start - round(n.start)) < GRID_TOLERANCE:
                on_beat += 1
                tones_on_beat += chord is not None and n.pitch % 12 in chord.pitch_classes
            grid += _on_grid(n.start)
        steps = [b - a for a, b in zip(pitches, pitches[1:])]
        intervals += len(steps)
        leaps += sum(abs(s) > 12 for s in steps)
        patterns = Counter(tuple(steps[i : i + 3]) for i in range(len(steps) - 2))
        windows += sum(patterns.values())
        recurring += sum(c for c in patterns.values() if c > 1)
        run = 1
        for a, b in zip(pitches, pitches[1:]):
            run = run + 1 if a == b else 1
            longest = max(longest, run)
        longest = max(longest, 1)
    total = sum(classes.values())
    entropy = -sum(c / total * math.log2(c / total) for c in classes.values()) if total else 0.0
    return Stats(
        pieces=len(pieces), notes=notes, bars=bars, range=widest, pc_entropy=entropy,
        in_scale=_share(in_scale, notes), chord_tones_on_beats=_share(tones_on_beat, on_beat),
        on_grid=_share(grid, notes), notes_per_bar=_share(notes, bars), octave_leaps=_share(leaps, intervals),
        motifs=_share(recurring, windows), longest_repeat=longest,
    )
