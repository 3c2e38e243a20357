"""Solos measured as jazz researchers measure them: per take, against real solos.

``genapp.music.stats`` pools figures over many pieces; here every figure is of
one take (one solo), so a generated take can be set beside the spread of real
takes, and sets of takes can be compared the MGEval way (Yang & Lerch 2018).

    take_measures(piece, comping) -> {measure: value}   one take
    real_reference(pieces) -> {measure: value}          the pooled real figures compare_take needs
    compare_take(measures, reference) -> [target, ...]  the quality targets (issue #25) a take misses
    mgeval_overlaps(generated, real) -> {feature: overlap}  MGEval's overlap areas, beside MINGUS_OVERLAPS

The measures of a take (times in quarter notes; a "rest" is a silence of at
least one beat, a "beat" a quarter note, "on" a time within 1/48 quarter of it):

    rests_per_16_bars      rests per 16 bars: gaps >= 1 quarter between notes, before the first or after the last
    phrase_bars_median     median phrase length in bars (phrases are the note runs between rests)
    steps                  share of intervals between consecutive notes of 1-2 semitones
    skips                  share of intervals of 3-4 semitones (a third)
    leaps                  share of intervals of 5 semitones or more
    repeats                share of intervals of 0 (a repeated pitch: none of the three above; the four sum to 1)
    on_grid                share of onsets on the eighth-note grid, straight or triplet (as stats.py)
    longest_off_grid_run   the longest run of consecutive onsets off that grid (rhythm drifting off the beat)
    chord_tones_on_beats   share of notes starting on a beat that are tones of the chord sounding
    guide_tones_at_changes share of chord changes whose first note (held over it or starting within its
                           first beat) is the new chord's 3rd or 7th (6th for 6 and dim7 chords)
    approach_notes         share of notes (that have a next note) moving by a semitone into a chord tone
                           of the chord at the next note's onset (a chromatic approach)
    motifs                 share of 4-note interval patterns (3 successive intervals) that recur in the take
    notes_per_bar          notes per bar
    octave_leaps           share of intervals larger than an octave
    range                  highest minus lowest pitch, in semitones
    minor_ninth_clashes    share of the melody's sounding time at a minor 2nd / 9th (any octave, either
                           way) from a comping note sounding with it; 0.0 without comping
    ends_on_chord_tone     1.0 when the last note is a tone of the chord at its onset, else 0.0
    last_note_quarters     the last note's duration

A take without notes measures 0.0 throughout; so do the chord measures of a
piece without chords.  The benchmark measures each generated take, computes
``real_reference`` over the real solos of corpora/wjd (the Weimar Jazz
Database), lists what ``compare_take`` flags per take, and sets
``mgeval_overlaps(generated, real)`` beside ``MINGUS_OVERLAPS``.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter

import numpy as np

from genapp.music.grammar import chord_at
from genapp.music.piece import Note, Piece
from genapp.music.stats import GRID_TOLERANCE, _on_grid
from genapp.music.theory import QUALITIES, Chord

REST_QUARTERS = 1.0  # a silence this long (a beat) or longer ends a phrase

# ---------------------------------------------------------------------------------------------
# one take


def _melody(piece: Piece) -> list[Note]:
    return sorted(piece.melody, key=lambda n: (n.start, n.pitch))


def _share(count: float, total: float) -> float:
    return count / total if total else 0.0


def _on_beat(t: float) -> bool:
    return abs(t - round(t)) < GRID_TOLERANCE


def _gaps(melody: list[Note], piece_end: float) -> list[tuple[int, float]]:
    """(index of the note after the gap, gap length) for every silence, the one after the last note included.

    A gap is measured from the latest end so far, so a note that overlaps the
    next one (a doubled onset, a sustained note) leaves no false gap.
    """
    out, sounded_until = [], 0.0
    for i, note in enumerate(melody):
        out.append((i, note.start - sounded_until))
        sounded_until = max(sounded_until, note.end)
    out.append((len(melody), piece_end - sounded_until))
    return out


def _rest_measures(piece: Piece, melody: list[Note]) -> dict[str, float]:
    if not melody:
        return {"rests_per_16_bars": 0.0, "phrase_bars_median": 0.0}  # silence is no solo with rests in it
    gaps = _gaps(melody, piece.measures * piece.measure_length)
    # the small tolerance keeps a rest written as 0.999 quarters (rounding in a file) a rest
    rest_at = [i for i, gap in gaps if gap >= REST_QUARTERS - GRID_TOLERANCE]
    # phrases: the notes between rests (the rests before the first and after the last note bound none)
    bounds = sorted({0, len(melody), *rest_at})
    phrases = [(melody[a].start, max(n.end for n in melody[a:b])) for a, b in zip(bounds, bounds[1:]) if b > a]
    return {
        "rests_per_16_bars": _share(16 * len(rest_at), piece.measures),
        "phrase_bars_median": statistics.median((e - s) / piece.measure_length for s, e in phrases) if phrases else 0.0,
    }


def _interval_measures(pitches: list[int]) -> dict[str, float]:
    steps = [abs(b - a) for a, b in zip(pitches, pitches[1:])]
    n = len(steps)
    return {
        "steps": _share(sum(1 <= s <= 2 for s in steps), n),
        "skips": _share(sum(3 <= s <= 4 for s in steps), n),
        "leaps": _share(sum(s >= 5 for s in steps), n),
        "repeats": _share(sum(s == 0 for s in steps), n),
        "octave_leaps": _share(sum(s > 12 for s in steps), n),
        "range": float(max(pitches) - min(pitches)) if pitches else 0.0,
    }


def _longest_run(flags: list[bool]) -> int:
    longest = run = 0
    for flag in flags:
        run = run + 1 if flag else 0
        longest = max(longest, run)
    return longest


def _grid_measures(melody: list[Note]) -> dict[str, float]:
    on = [_on_grid(n.start) for n in melody]
    return {"on_grid": _share(sum(on), len(on)), "longest_off_grid_run": float(_longest_run([not g for g in on]))}


def _motifs(pitches: list[int]) -> float:
    """Share of 3-interval windows whose pattern occurs more than once in the take (as stats.py)."""
    steps = [b - a for a, b in zip(pitches, pitches[1:])]
    patterns = Counter(tuple(steps[i : i + 3]) for i in range(len(steps) - 2))
    return _share(sum(c for c in patterns.values() if c > 1), sum(patterns.values()))


def guide_tones(chord: Chord) -> frozenset[int]:
    """The chord's 3rd and 7th as pitch classes, from what its quality has.

    The 3rd is the interval of 3 or 4 semitones, the 7th that of 10 or 11, or
    of 9 where the quality has it (the 6 of 6 and m6 chords, the bb7 of dim7).
    A sus triad has neither: none of its changes counts.
    """
    intervals = QUALITIES[chord.quality]
    return frozenset((chord.root + i) % 12 for i in intervals if i in (3, 4, 9, 10, 11))


def _changes(piece: Piece) -> list[tuple[float, Chord]]:
    """(time, chord) where the harmony changes: a span whose root or quality differs from the one before.

    Tensions, slash basses and spellings are left out of the comparison: the
    lead sheet writing C7 then C7(b9) asks no new guide tone.
    """
    out, previous = [], None
    for span in piece.chords:
        key = (span.chord.root, span.chord.quality)
        if previous is not None and key != previous:
            out.append((span.start, span.chord))
        previous = key
    return out


def _note_at_change(melody: list[Note], t: float) -> Note | None:
    """The note heard first from t: one held over t, else the first starting within the beat after t."""
    for note in melody:
        if note.start <= t + GRID_TOLERANCE and note.end > t + GRID_TOLERANCE:
            return note
        if t < note.start < t + REST_QUARTERS - GRID_TOLERANCE:
            return note
        if note.start >= t + REST_QUARTERS:
            return None
    return None


def _chord_measures(piece: Piece, melody: list[Note]) -> dict[str, float]:
    names = ("chord_tones_on_beats", "guide_tones_at_changes", "approach_notes", "ends_on_chord_tone")
    if not piece.chords or not melody:
        return dict.fromkeys(names, 0.0)

    def tone(note: Note) -> bool:
        return note.pitch % 12 in chord_at(piece.chords, note.start).pitch_classes

    on_beat = [tone(n) for n in melody if _on_beat(n.start)]
    heard = [(_note_at_change(melody, t), chord) for t, chord in _changes(piece)]
    judged = [n.pitch % 12 in guide_tones(c) for n, c in heard if n is not None and guide_tones(c)]
    approaches = [abs(b.pitch - a.pitch) == 1 and tone(b) for a, b in zip(melody, melody[1:])]
    return dict(zip(names, (
        _share(sum(on_beat), len(on_beat)),
        _share(sum(judged), len(judged)),
        _share(sum(approaches), len(approaches)),
        float(tone(melody[-1])),
    )))


def _clash_time(note: Note, comping: list[Note]) -> float:
    """How long ``note`` sounds a minor 2nd or 9th (any octave, above or below) from a comping note.

    The interval is |melody - comping| % 12 == 1: 1, 13, 25 ... semitones either
    way; a major 7th (11) is no clash.  Overlapping clashes count once.
    """
    spans = sorted(
        (max(note.start, c.start), min(note.end, c.end))
        for c in comping
        if abs(note.pitch - c.pitch) % 12 == 1 and c.start < note.end and c.end > note.start
    )
    total, covered_until = 0.0, note.start
    for start, end in spans:
        start = max(start, covered_until)
        if end > start:
            total += end - start
            covered_until = end
    return total


def _minor_ninth_clashes(melody: list[Note], comping: list[Note] | None) -> float:
    if not comping or not melody:
        return 0.0
    return _share(sum(_clash_time(n, comping) for n in melody), sum(n.duration for n in melody))


def take_measures(piece: Piece, comping: list[Note] | None = None) -> dict[str, float]:
    """The measures of the module docstring for one take; ``comping``: the notes played with it, if any."""
    melody = _melody(piece)
    pitches = [n.pitch for n in melody]
    out = {**_rest_measures(piece, melody), **_interval_measures(pitches), **_grid_measures(melody)}
    out.update(_chord_measures(piece, melody))
    out["motifs"] = _motifs(pitches)
    out["notes_per_bar"] = _share(len(melody), piece.measures)
    out["minor_ninth_clashes"] = _minor_ninth_clashes(melody, comping)
    out["last_note_quarters"] = melody[-1].duration if melody else 0.0
    return out


# ---------------------------------------------------------------------------------------------
# the quality targets (issue #25)


def real_reference(pieces: list[Piece]) -> dict[str, float]:
    """The mean over real takes of every measure; for ``longest_off_grid_run`` the longest of any take.

    The run is the maximum, not the mean: a real soloist's occasional long
    off-grid flourish is what licenses a generated one.
    """
    takes = [take_measures(p) for p in pieces]
    if not takes:
        raise ValueError("real_reference needs at least one real piece")
    out = {k: float(np.mean([t[k] for t in takes])) for k in takes[0]}
    out["longest_off_grid_run"] = max(t["longest_off_grid_run"] for t in takes)
    return out


def compare_take(measures: dict[str, float], real: dict[str, float]) -> list[str]:
    """The names of the targets ``measures`` (one take) misses against the pooled ``real`` figures.

    Each target is named after its measure; ``real`` comes from ``real_reference``.
    """
    m, r = measures, real
    # off-grid runs of 8+ are drift, unless real solos have such runs: then up to the longest real one
    run_limit = 8.0 if r["longest_off_grid_run"] < 8 else r["longest_off_grid_run"] + 1
    passes = {
        "rests_per_16_bars": m["rests_per_16_bars"] >= 0.5 * r["rests_per_16_bars"],  # a soloist breathes
        "steps": m["steps"] >= 0.40,  # jazz lines move mostly by step
        "on_grid": abs(m["on_grid"] - r["on_grid"]) <= 0.10,
        "longest_off_grid_run": m["longest_off_grid_run"] < run_limit,
        "chord_tones_on_beats": m["chord_tones_on_beats"] >= r["chord_tones_on_beats"] - 0.05,
        "notes_per_bar": abs(m["notes_per_bar"] - r["notes_per_bar"]) <= 0.25 * r["notes_per_bar"],
        "octave_leaps": m["octave_leaps"] <= 2 * r["octave_leaps"],
        "motifs": m["motifs"] >= 0.5 * r["motifs"],
    }
    return [name for name, ok in passes.items() if not ok]


# ---------------------------------------------------------------------------------------------
# MGEval (Yang & Lerch 2018, "On the evaluation of generative models in music")

# MINGUS (Madaghiele, Lisena, Troncy, ISMIR 2021, "MINGUS: Melodic Improvisation Neural Generator
# Using Seq2Seq"), its MGEval table: overlap areas of its generated solos against its real reference set
MINGUS_OVERLAPS = {
    "used_pitches": 0.74,
    "ioi": 0.78,
    "pitch_shift": 0.85,
    "note_length_histogram": 0.50,
    "pitch_class_histogram": 0.88,
    "note_length_transition_matrix": 0.59,
}

# The 12 note-length classes, in quarter notes: whole, half, quarter, eighth, sixteenth; dotted half,
# dotted quarter, dotted eighth, dotted sixteenth; quarter-, eighth- and sixteenth-note triplets.
# (MGEval has a half-note triplet where this has the sixteenth triplet, common in jazz and not in its pop.)
NOTE_LENGTHS = np.array([4, 2, 1, 1 / 2, 1 / 4, 3, 3 / 2, 3 / 4, 3 / 8, 2 / 3, 1 / 3, 1 / 6])


def _length_classes(durations: list[float]) -> list[int]:
    """Each duration's nearest class, by ratio (a 32nd is nearer a sixteenth triplet than nothing)."""
    if not durations:
        return []
    d = np.log(np.maximum(np.asarray(durations, float), 1e-6))
    return np.abs(d[:, None] - np.log(NOTE_LENGTHS)[None, :]).argmin(axis=1).tolist()


def _normalised(counts: np.ndarray) -> np.ndarray:
    total = counts.sum()
    return counts / total if total else counts


def _transitions(classes: list[int], n: int) -> np.ndarray:
    """n x n counts of consecutive classes (row: from, column: to), normalised over the whole matrix."""
    m = np.zeros((n, n))
    for a, b in zip(classes, classes[1:]):
        m[a, b] += 1
    return _normalised(m)


def mgeval_features(piece: Piece) -> dict[str, np.ndarray]:
    """MGEval's per-take features (each a vector; times in quarter notes, not seconds)."""
    melody = _melody(piece)
    pitches = [n.pitch for n in melody]
    pcs = [p % 12 for p in pitches]
    lengths = _length_classes([n.duration for n in melody])
    starts = [n.start for n in melody]
    return {k: np.atleast_1d(np.asarray(v, float)) for k, v in {
        "used_pitches": len(set(pitches)),
        "pitch_class_histogram": _normalised(np.bincount(pcs, minlength=12).astype(float)),
        "pitch_class_transition_matrix": _transitions(pcs, 12).ravel(),
        "pitch_range": max(pitches) - min(pitches) if pitches else 0,
        "pitch_shift": np.mean(np.abs(np.diff(pitches))) if len(pitches) > 1 else 0.0,
        "ioi": np.mean(np.diff(starts)) if len(starts) > 1 else 0.0,
        "note_length_histogram": _normalised(np.bincount(lengths, minlength=12).astype(float)),
        "note_length_transition_matrix": _transitions(lengths, 12).ravel(),
    }.items()}


def _distances(a: np.ndarray, b: np.ndarray, same: bool) -> np.ndarray:
    """Euclidean distances between the rows of a and b; ``same``: a is b, so each pair once, no self-pairs."""
    d = np.stack([np.sqrt(((b - row) ** 2).sum(axis=1)) for row in a])  # row by row: 400 x 400 x 144 would not fit
    return d[np.triu_indices(len(a), k=1)] if same else d.ravel()


def _scott_bandwidth(x: np.ndarray) -> float:
    """Scott's rule for one dimension, as scipy's gaussian_kde: std x n^(-1/5)."""
    return float(np.std(x, ddof=1) * len(x) ** (-1 / 5)) if len(x) > 1 else 0.0


def _kde(x: np.ndarray, bandwidth: float, grid: np.ndarray) -> np.ndarray:
    """A Gaussian KDE of x on the grid; data in chunks so a 400 x 400 set's distances fit in memory."""
    pdf = np.zeros_like(grid)
    for i in range(0, len(x), 2048):
        z = (grid[:, None] - x[None, i : i + 2048]) / bandwidth
        pdf += np.exp(-0.5 * z * z).sum(axis=1)
    return pdf / (len(x) * bandwidth * math.sqrt(2 * math.pi))


def overlap_area(a: np.ndarray, b: np.ndarray, points: int = 2001) -> float:
    """The area under min(pdf_a, pdf_b), each a Gaussian KDE with Scott's bandwidth: 1 is the same distribution.

    MGEval integrates between the data's extremes only; this integrates 4
    bandwidths past them, so that two equal distributions score 1.  A set with
    no spread (all distances equal) gets a bandwidth of 1% of the two sets'
    joint range, a spike rather than a division by zero.
    """
    a, b = np.asarray(a, float), np.asarray(b, float)
    lo, hi = min(a.min(), b.min()), max(a.max(), b.max())
    if hi - lo < 1e-12:
        return 1.0  # both sets are one and the same value
    floor = 0.01 * (hi - lo)
    bw_a, bw_b = max(_scott_bandwidth(a), floor), max(_scott_bandwidth(b), floor)
    pad = 4 * max(bw_a, bw_b)
    grid = np.linspace(lo - pad, hi + pad, points)
    both = np.minimum(_kde(a, bw_a, grid), _kde(b, bw_b, grid))
    return float(np.clip(np.sum((both[1:] + both[:-1]) / 2 * np.diff(grid)), 0.0, 1.0))


def mgeval_overlaps(generated: list[Piece], real: list[Piece]) -> dict[str, float]:
    """Per MGEval feature, the overlap of real's intra-set distances with the generated-to-real distances.

    Needs two real takes at least (for an intra-set distance).  Near 1: the
    generated takes sit among the real ones as the real ones sit among
    themselves; near 0: they are told apart by that feature.
    """
    if len(real) < 2 or not generated:
        raise ValueError("mgeval_overlaps needs a generated take and two real takes at least")
    gen = [mgeval_features(p) for p in generated]
    ref = [mgeval_features(p) for p in real]
    out = {}
    for name in ref[0]:
        g, r = np.stack([f[name] for f in gen]), np.stack([f[name] for f in ref])
        out[name] = overlap_area(_distances(r, r, same=True), _distances(g, r, same=False))
    return out
