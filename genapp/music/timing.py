"""Played MIDI -> the beat grid a musician would write it on.

A MIDI file of a real performance is not on its grid: onsets wobble around
the beat, and legato playing leaves tiny gaps between notes that would read
as rests.  For such a file (``genapp.music.reading`` applies this to MIDI
only; ABC and MusicXML are notated on their grid already):

    choose_grid(onsets)      straight 16ths (a quarter / 4), eighth-note triplets (/ 3) or 16th-note triplets
                             (/ 6, swung 16ths): the coarsest that nearly as many onsets sit near (within a
                             24th of a quarter) as the best, and the share that fits it
    quantise(notes, step)    onsets and ends to the nearest grid point; every note at least one step long
    fold_gaps(melody, gap)   a gap of at most ``gap`` before the next note is legato: the note is held to it

A piece whose onsets fit the chosen grid no better than halfway from chance
(random onsets fit a grid of step s with probability 2/24 / s) is still read
on it, and flagged, so ``genapp corpus`` can warn that its timing is free.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from genapp.music.piece import Note

GRIDS = {"straight 16ths": 1 / 4, "eighth-note triplets": 1 / 3, "16th-note triplets": 1 / 6}  # coarsest first
TOLERANCE = 1 / 24  # quarter notes: an onset this close to a grid point fits it
SIMPLER = 0.05  # a coarser grid is taken when its fit is within this of the best (a finer grid always fits more)
LEGATO_GAP = 1 / 4  # quarter notes: a shorter gap between two melody notes is a legato join, not a rest


@dataclass(frozen=True)
class Grid:
    name: str
    step: float  # quarter notes
    fit: float  # share of onsets within TOLERANCE of the grid before quantising

    @property
    def chance(self) -> float:
        """The share of onsets placed at random that would fit this grid."""
        return min(1.0, 2 * TOLERANCE / self.step)

    @property
    def fits(self) -> bool:
        """Onsets fit clearly better than chance: at least halfway from chance to all of them."""
        return self.fit >= (1 + self.chance) / 2


def fit_share(onsets: np.ndarray, step: float) -> float:
    """Share of onsets (quarter notes) within TOLERANCE of a multiple of ``step``."""
    if len(onsets) == 0:
        return 1.0
    off = np.abs(onsets / step - np.round(onsets / step)) * step  # (n,) distance to the nearest grid point
    return float((off <= TOLERANCE + 1e-9).mean())


def choose_grid(onsets: np.ndarray) -> Grid:
    """The coarsest grid whose fit is within SIMPLER of the best grid's."""
    fits = {name: fit_share(onsets, step) for name, step in GRIDS.items()}
    best = max(fits.values())
    name = next(n for n in GRIDS if fits[n] >= best - SIMPLER)
    return Grid(name, GRIDS[name], fits[name])


def quantise(notes: list[Note], step: float) -> list[Note]:
    """Notes with onsets and ends on the grid; a note is at least one step long, and never starts where it ended
    (a short last note played late would otherwise start a bar the file does not have)."""
    out = []
    for n in notes:
        start = round(n.start / step) * step
        if start >= n.end - 1e-9:
            start = np.floor(n.start / step) * step
        end = max(start + step, round(n.end / step) * step)
        out.append(Note(start, end - start, n.pitch, n.velocity))
    return out


# where a transcriber writes a jazz line's onsets and ends inside a beat: straight 16ths and eighth-note triplets
WRITTEN = np.array([0, 1 / 4, 1 / 3, 1 / 2, 2 / 3, 3 / 4, 1])  # quarter notes from the beat
EIGHTHS = (0.0, 0.5, 1.0)  # where a point halfway between two written ones goes (a 32nd: to the eighth grid)
WRITTEN_FIT = 0.9  # a melody with fewer onsets than this on WRITTEN is read as played, and written out
WRITTEN_TOLERANCE = 1 / 96  # quarter notes: an onset this close to a WRITTEN point is on it (a 32nd is 1/8 away)


def written_fit(melody: list[Note]) -> float:
    """Share of the onsets within WRITTEN_TOLERANCE of WRITTEN (straight 16ths or eighth-note triplets)."""
    if not melody:
        return 1.0
    within = np.array([n.start % 1.0 for n in melody])[:, None]  # (n, 1) place in the beat
    return float((np.abs(within - WRITTEN[None, :]).min(axis=1) <= WRITTEN_TOLERANCE + 1e-9).mean())


def _to_written(t: float) -> float:
    """A time (quarter notes) to the nearest WRITTEN point of its beat; a tie goes to the eighth-note grid."""
    beat = np.floor(t)
    off = np.abs(WRITTEN - (t - beat))  # (7,)
    near = np.flatnonzero(off <= off.min() + 1e-9)
    choice = next((i for i in near if WRITTEN[i] in EIGHTHS), near[0])
    return float(beat + WRITTEN[choice])


def write_out(melody: list[Note]) -> list[Note]:
    """A played line as a transcriber writes it: onsets and ends on 16ths or eighth-note triplets.

    Notes that land on the same onset keep the higher one (the melody stays
    one voice); a note that would vanish lasts to the next written point.
    """
    out: dict[float, Note] = {}
    for n in melody:
        start, end = _to_written(n.start), _to_written(n.end)
        if end <= start + 1e-9:
            end = start + float(np.min(WRITTEN[WRITTEN > (start % 1.0) + 1e-9]) - start % 1.0)
        if start not in out or n.pitch > out[start].pitch:
            out[start] = Note(start, end - start, n.pitch, n.velocity)
    return [out[t] for t in sorted(out)]


def fold_gaps(melody: list[Note], gap: float = LEGATO_GAP) -> list[Note]:
    """One voice, in order: a note followed by the next after at most ``gap`` is held until it."""
    out = list(melody)
    for i in range(len(out) - 1):
        n, following = out[i], out[i + 1]
        if 0 < following.start - n.end <= gap + 1e-9:
            out[i] = Note(n.start, following.start - n.start, n.pitch, n.velocity)
    return out
