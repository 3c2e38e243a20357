"""The chords of a piece, one per measure (or per half measure or per beat where they change faster).

Three sources, tried in this order and recorded in ``Piece.chord_source``:

- ``symbols``: chord symbols written in the file (MusicXML/ABC lead sheets);
  each lasts until the next one.
- ``accompaniment``: the notes of the other non-drum tracks.  For each
  measure, how long every pitch class sounds (and how long it is the lowest
  note) is matched against chord templates (``theory.best_chord``).  A measure
  is read as one chord, two halves or one chord per beat, whichever explains
  its notes best once each extra chord pays a penalty (``SPLIT_PENALTY``).
- ``inferred``: for melody-only files (common for solo transcriptions), the
  same template match over the melody's own pitch classes, one per measure.

Empty measures keep the chord before them.
"""

from __future__ import annotations

import heapq

import numpy as np

from genapp.music.piece import ChordSpan, Note
from genapp.music.theory import Chord, best_chord

SPLIT_PENALTY = 0.15  # what each extra chord in a measure costs, as a share of the measure's note weight


def from_symbols(symbols: list[tuple[float, Chord]], end: float) -> list[ChordSpan]:
    """[(offset, chord)] -> spans, each lasting until the next symbol (or ``end``)."""
    symbols = sorted(symbols, key=lambda s: s[0])
    spans = []
    for i, (start, chord) in enumerate(symbols):
        stop = symbols[i + 1][0] if i + 1 < len(symbols) else max(end, start + 1)
        if stop > start:
            spans.append(ChordSpan(start, stop - start, chord))
    return merge(spans)


class _Notes:
    """Notes as arrays, indexed by the measures they sound in, so each window looks only at its own notes."""

    def __init__(self, notes: list[Note], measure_length: float, measures: int):
        self.start = np.array([n.start for n in notes], float)  # (k,)
        self.end = np.array([n.end for n in notes], float)  # (k,)
        self.pitch = np.array([n.pitch for n in notes], int)  # (k,)
        # one measure of margin on each side: a superset, whatever the rounding (_weights tests exactly)
        first = np.clip(np.floor(self.start / measure_length) - 1, 0, max(measures - 1, 0)).astype(int)  # (k,)
        last = np.clip(np.ceil(self.end / measure_length), first, max(measures - 1, 0)).astype(int)  # (k,)
        spans = last - first + 1  # (k,) measures each note sounds in
        owner = np.repeat(np.arange(len(notes)), spans)  # (pairs,) note of each (note, measure) pair
        measure = np.repeat(first, spans) + (np.arange(len(owner)) - np.repeat(np.cumsum(spans) - spans, spans))
        order = np.argsort(measure, kind="stable")
        bounds = np.searchsorted(measure[order], np.arange(measures + 1))
        self._by_measure = [owner[order[bounds[m]:bounds[m + 1]]] for m in range(measures)]

    def in_measure(self, m: int) -> "_Window":
        idx = self._by_measure[m] if m < len(self._by_measure) else np.zeros(0, int)
        return _Window(self.start[idx], self.end[idx], self.pitch[idx])


class _Window:
    """The notes that may sound in one measure: (k,) arrays."""

    def __init__(self, start: np.ndarray, end: np.ndarray, pitch: np.ndarray):
        self.start, self.end, self.pitch = start, end, pitch


def note_bars(notes: list[Note], measure_length: float) -> int:
    """How many (note, measure it sounds in) pairs a piece has: the work chord detection does."""
    if not notes:
        return 0
    start = np.array([n.start for n in notes], float)
    end = np.array([n.end for n in notes], float)
    first = np.floor(start / measure_length)
    return int(np.maximum(np.ceil(end / measure_length) - first, 1).sum())


def _lowest_sounding(s: np.ndarray, e: np.ndarray, p: np.ndarray) -> np.ndarray:
    """For each note i, the lowest pitch among the notes j with s[j] <= s[i] < e[j]; (k,).

    One sweep in start order with a heap of sounding pitches (ended notes
    dropped lazily): O(k log k), where the matrix of every pair took k x k.
    """
    order = np.argsort(s, kind="stable")
    lowest = np.empty(len(s), int)
    heap: list[tuple[int, float]] = []  # (pitch, end)
    i = 0
    while i < len(order):
        j = i
        t = s[order[i]]
        while j < len(order) and s[order[j]] == t:  # every note starting now sounds now
            heapq.heappush(heap, (int(p[order[j]]), float(e[order[j]])))
            j += 1
        while heap and heap[0][1] <= t:  # ended before (or as) this one starts
            heapq.heappop(heap)
        lowest[order[i:j]] = heap[0][0] if heap else 10**6
        i = j
    return lowest


def _weights(notes: _Window, start: float, end: float, use_bass: bool) -> tuple[np.ndarray, np.ndarray]:
    """(pitch-class durations (12,), lowest-note durations (12,)) inside [start, end)."""
    inside = (notes.start < end) & (notes.end > start)
    s, e, p = notes.start[inside], notes.end[inside], notes.pitch[inside]
    overlap = np.minimum(e, end) - np.maximum(s, start)  # (k,)
    w = np.bincount(p % 12, weights=overlap, minlength=12)
    bass = np.zeros(12)
    if use_bass and len(p):
        is_bass = p <= _lowest_sounding(s, e, p)  # (k,)
        bass = np.bincount(p[is_bass] % 12, weights=overlap[is_bass], minlength=12)
    return w, bass


def from_notes(notes: list[Note], measure_length: float, measures: int, use_bass: bool = True,
               beat: float | None = 1.0) -> list[ChordSpan]:
    """Chords matched to the notes of each measure (accompaniment, or melody with use_bass=False).

    With ``beat`` (quarter notes), each measure is read as one chord, two
    halves, or one chord per beat: whichever explains the notes best once
    each extra chord pays SPLIT_PENALTY of the measure's weight.  ``beat=None``
    keeps one chord per measure.
    """
    spans: list[ChordSpan] = []
    previous: Chord | None = None
    indexed = _Notes(notes, measure_length, measures)
    for m in range(measures):
        start, end = m * measure_length, (m + 1) * measure_length
        parts = _segment(indexed.in_measure(m), start, end, use_bass, beat)
        for a, b, chord in parts:
            chord = chord or previous
            if chord is not None:
                spans.append(ChordSpan(a, b - a, chord))
                previous = chord
    if spans and spans[0].start > 0:  # leading empty measures take the first chord found
        spans.insert(0, ChordSpan(0.0, spans[0].start, spans[0].chord))
    return merge(spans)


def _segment(notes: _Window, start: float, end: float, use_bass: bool, beat: float | None):
    """[(start, end, chord or None for silence)] for the best of: whole measure, halves, beats."""
    counts = [1]
    if beat:
        n = round((end - start) / beat)
        counts += [k for k in (2, n) if 1 < k <= n and k not in counts]
    total = _weights(notes, start, end, use_bass)[0].sum()
    best, best_value = [(start, end, None)], -np.inf
    for k in counts:
        size = (end - start) / k
        parts, score = [], 0.0
        for i in range(k):
            a, b = start + i * size, start + (i + 1) * size
            w, bass = _weights(notes, a, b, use_bass)
            if w.sum() == 0:
                parts.append((a, b, None))
                continue
            chord, fit = best_chord(w, bass if use_bass else None)
            score += fit * w.sum()  # best_chord's fit is per unit of weight
            parts.append((a, b, chord))
        value = score - SPLIT_PENALTY * total * (k - 1)
        if value > best_value + 1e-9:
            best, best_value = parts, value
    return best


def merge(spans: list[ChordSpan]) -> list[ChordSpan]:
    """Join neighbouring spans of the same chord."""
    out: list[ChordSpan] = []
    for s in spans:
        if out and out[-1].chord == s.chord and abs(out[-1].end - s.start) < 1e-9:
            out[-1] = ChordSpan(out[-1].start, out[-1].duration + s.duration, s.chord)
        else:
            out.append(s)
    return out
