"""Which track carries the melody, and how it becomes one voice.

No hard-coded track numbers: every non-drum track with notes is scored on
what lead lines tend to have, and the best one is taken; the reason is kept
for ``genapp corpus``.  Evidence, with its weight:

- name: "melody", "lead", "solo", "vocal", "voice", a horn or flute... (+3);
  "bass", "drums", "chords", "comp", "pad", "left hand"... (-3)
- General MIDI program: bass (33-40) -3, synth pad (89-96) -1, brass and reeds +1
- monophony: share of notes that start after the previous one ended (+2 x share)
- register: mean pitch above middle C (+1 per octave), +1 for the highest track
- size: fewer than 8 notes -3
- presence: the share of the piece's bars in which the track plays (+3 x share);
  a track that plays in less than half as many bars as the busiest track
  cannot be chosen (a horn with a few fills never wins over a guitar that
  solos throughout)

``--melody-track`` overrides the choice, by name (case-insensitive, a part of
it is enough) or by number (as listed by ``genapp corpus``).  ``skyline``
flattens the chosen track to one voice, keeping the highest note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from genapp.errors import GenappError, param
from genapp.music.piece import Note

_LEAD = re.compile(r"melod|lead|solo|vocal|voice|voz|sing|sax|trumpet|trombone|flute|clarinet|violin|oboe|horn|tenor|alto|soprano|right|\brh\b|tune|theme", re.IGNORECASE)
_BACKING = re.compile(r"bass|drum|perc|pad|chord|comp|accomp|rhythm|harmony|strings|left|\blh\b|backing", re.IGNORECASE)


@dataclass
class Track:
    index: int  # position among the file's tracks/parts, from 1
    name: str
    program: int | None  # General MIDI program 0-127, if known
    is_drum: bool
    notes: list[Note]

    def label(self) -> str:
        return f"#{self.index} {self.name!r}" if self.name else f"#{self.index}"


def monophony(notes: list[Note]) -> float:
    """Share of notes that start once the notes before them have ended (tolerance 1/24 quarter)."""
    if len(notes) < 2:
        return 1.0
    ordered = sorted(notes, key=lambda n: (n.start, -n.pitch))
    last_end, mono = ordered[0].end, 1
    for n in ordered[1:]:
        mono += n.start >= last_end - 1 / 24
        last_end = max(last_end, n.end)
    return mono / len(ordered)


def presence(notes: list[Note], bars: int, measure_length: float) -> float:
    """Share of ``bars`` bars in which a note starts."""
    return len({int(n.start // measure_length) for n in notes}) / max(1, bars)


def choose_melody(tracks: list[Track], override: str | None = None, measure_length: float = 4.0
                  ) -> tuple[Track, str]:
    """(the melody track, why it was chosen) among tracks that are not drums and have notes."""
    candidates = [t for t in tracks if not t.is_drum and t.notes]
    if override is not None:
        return _by_override(tracks, candidates, override), f"chosen with {param('melody_track')} {override!r}"
    if not candidates:
        raise GenappError("no melody: every track is empty or drums")
    if len(candidates) == 1:
        return candidates[0], "the only non-drum track with notes"
    bars = int(np.ceil(max(n.end for t in candidates for n in t.notes) / measure_length - 1e-9))
    shares = {t.index: presence(t.notes, bars, measure_length) for t in candidates}
    busiest = max(shares[t.index] for t in candidates if len(t.notes) >= 8) if any(
        len(t.notes) >= 8 for t in candidates) else max(shares.values())
    candidates = [t for t in candidates if shares[t.index] >= 0.5 * busiest]  # plays through the piece
    if len(candidates) == 1:
        return candidates[0], f"the only track with notes in at least half as many bars as the busiest ({shares[candidates[0].index]:.0%} of bars)"
    means = {t.index: float(np.mean([n.pitch for n in t.notes])) for t in candidates}
    highest = max(means, key=means.get)
    scored = []
    for t in candidates:
        score, why = 0.0, []
        if _LEAD.search(t.name):
            score, why = score + 3, why + [f"named {t.name!r}"]
        if _BACKING.search(t.name):
            score -= 3
        if t.program is not None:
            if 32 <= t.program <= 39:
                score -= 3
            elif 88 <= t.program <= 95:
                score -= 1
            elif 56 <= t.program <= 79:
                score, why = score + 1, why + ["a horn/reed program"]
        mono = monophony(t.notes)
        score += 2 * mono
        why.append(f"{mono:.0%} monophonic")
        score += (means[t.index] - 60) / 12
        if t.index == highest:
            score += 1
            why.append(f"highest register (mean pitch {means[t.index]:.0f})")
        if len(t.notes) < 8:
            score -= 3
        score += 3 * shares[t.index]
        why.append(f"{len(t.notes)} notes in {shares[t.index]:.0%} of bars")
        scored.append((score, t, why))
    score, best, why = max(scored, key=lambda s: s[0])
    return best, "best lead-line score: " + ", ".join(why)


def _by_override(tracks: list[Track], candidates: list[Track], override: str) -> Track:
    listing = ", ".join(t.label() for t in candidates) or "none"
    if override.isdigit():
        match = [t for t in tracks if t.index == int(override)]
    else:
        match = [t for t in tracks if override.lower() in t.name.lower()]
    if not match:
        raise GenappError(f"{param('melody_track')} {override!r}: no such track; tracks with notes: {listing}")
    if not match[0].notes or match[0].is_drum:
        raise GenappError(f"{param('melody_track')} {override!r}: {match[0].label()} has no pitched notes; tracks with notes: {listing}")
    return match[0]


LEGATO_OVERLAP = 0.25  # quarter notes: a later, lower note overlapping the last one by at most this is legato
ONSET_WINDOW = 1 / 24  # quarter notes: notes starting this close together sound as one chord


def skyline(notes: list[Note]) -> list[Note]:
    """One voice: where notes overlap, the highest sounds; a lower note is cut or dropped.

    A lower note that starts inside a held higher one is accompaniment and is
    dropped, unless it only overlaps the held note's last sixteenth: that is a
    legato (or humanised) line, and the held note is cut where it begins.
    """
    out: list[Note] = []
    for n in sorted(notes, key=lambda n: (n.start, -n.pitch)):
        if out and n.start < out[-1].end - 1e-9:
            held = out[-1]
            legato = n.start - held.start >= ONSET_WINDOW and held.end - n.start <= LEGATO_OVERLAP
            if n.pitch <= held.pitch and not legato:
                continue
            cut = n.start - held.start
            out[-1:] = [Note(held.start, cut, held.pitch)] if cut > 1e-9 else []
        out.append(n)
    return out
