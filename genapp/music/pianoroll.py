"""An arrangement as a piano-roll picture (PNG): time in bars across, pitch up, the chords written above.

Melody, comping and bass are drawn as rectangles in three colours (drums are not drawn), bar lines as
vertical lines, the chord symbol above each chord's span, note names on the
pitch axis, and a title with the tempo and the progression.  The picture is
``WIDTH_PX`` wide; a long piece wraps into rows of ``BARS_PER_ROW`` bars,
numbered from 1 as musicians count them.
``draw`` returns how many note rectangles it drew (the tests count them).
"""

from __future__ import annotations

import math
from pathlib import Path

from genapp.atomic import atomic_path
from genapp.music.arrangement import Arrangement

WIDTH_PX = 1600
DPI = 100
BARS_PER_ROW = 16
ROW_HEIGHT_PX = 420
MELODY_COLOUR = "#d1495b"
COMPING_COLOUR = "#5b8db8"
BASS_COLOUR = "#55a868"  # green
NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


def _note_name(pitch: int) -> str:
    return f"{NAMES[pitch % 12]}{pitch // 12 - 1}"


def draw(arrangement: Arrangement, path: Path) -> int:
    """Write the piano roll to ``path`` atomically; return the number of note rectangles drawn."""
    from matplotlib.figure import Figure  # no pyplot: no screen, no global state, a faster import
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Rectangle

    a = arrangement
    bar = a.measure_length
    rows = max(1, math.ceil(a.measures / BARS_PER_ROW))
    pitches = [n.pitch for n in a.melody + a.comping + a.bass] or [60]
    low, high = min(pitches) - 2, max(pitches) + 3
    fig = Figure(figsize=(WIDTH_PX / DPI, rows * ROW_HEIGHT_PX / DPI), dpi=DPI)
    axes = fig.subplots(rows, 1, squeeze=False)
    drawn = 0
    for r, ax in enumerate(axes[:, 0]):
        start, stop = r * BARS_PER_ROW * bar, min((r + 1) * BARS_PER_ROW, a.measures) * bar  # quarter notes
        for notes, colour in ((a.bass, BASS_COLOUR), (a.comping, COMPING_COLOUR), (a.melody, MELODY_COLOUR)):
            boxes = [Rectangle((max(n.start, start) / bar, n.pitch - 0.4), (min(n.end, stop) - max(n.start, start)) / bar, 0.8)
                     for n in notes if n.start < stop and n.end > start]
            # one collection per colour draws far faster than a patch per note
            ax.add_collection(PatchCollection(boxes, facecolor=colour, edgecolor="black", linewidth=0.3))
            drawn += len(boxes)
        for b in range(int(start // bar), int(stop // bar) + 1):
            ax.axvline(b, color="grey", linewidth=0.6)
        for k, span in enumerate(a.chords):
            if start <= span.start < stop:  # short chords alternate between two heights, so labels never overlap
                lift = 1.1 if span.duration < bar and k % 2 else 0.0
                ax.text(span.start / bar + 0.03, high + 0.2 + lift, "N.C." if span.silent else span.chord.symbol, fontsize=9,
                        va="bottom")
        ax.set_xlim(start / bar, start / bar + BARS_PER_ROW)
        ax.set_ylim(low, high + 3)
        ticks = [p for p in range(low, high + 1) if p % 12 in (0, 7)]  # every C and G
        ax.set_yticks(ticks, [_note_name(p) for p in ticks])
        first = int(start // bar)
        ax.set_xticks([b + 0.5 for b in range(first, first + BARS_PER_ROW)],
                      [str(b + 1) for b in range(first, first + BARS_PER_ROW)])  # bars counted from 1, as musicians do
        ax.tick_params(axis="x", length=0)
        ax.set_xlabel("bar")
    progression = " ".join(dict.fromkeys("N.C." if s.silent else s.chord.symbol for s in a.chords[:8]))
    title = f"{a.title + ': ' if a.title else ''}{a.measures} bars of {a.time_signature} at {a.tempo:g} bpm"
    axes[0, 0].set_title(title + (f"  ({progression}{' ...' if len(a.chords) > 8 else ''})" if progression else ""))
    parts = [("melody", MELODY_COLOUR), ("comping", COMPING_COLOUR)] + ([("bass", BASS_COLOUR)] if a.bass else [])
    axes[0, 0].legend(handles=[Rectangle((0, 0), 1, 1, color=c, label=label) for label, c in parts],
                      loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=len(parts), frameon=False)
    fig.tight_layout()
    with atomic_path(Path(path), suffix=".png") as tmp:
        fig.savefig(tmp, format="png", dpi=DPI)
    return drawn
