"""What every output format renders: a melody over chords, with the comping that plays them.

An ``Arrangement`` is made once per take (``from_solo``) or per piece read
from a file (``from_piece``), and each writer (MIDI, WAV audio, piano-roll
PNG, MusicXML; ``genapp.music.outputs``) renders the same one, so all the
files of a take agree note for note.

The comping of a generated solo is genapp's own: each chord voiced from E3
up (``voicing``) and struck at its start and at every bar line inside it
(``comping_notes``).  A piece read from a file keeps its own accompaniment
(the notes of its other tracks) when it has one, and is comped the same way
when it has only a melody and chord symbols.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from genapp.music.piece import ChordSpan, Note, Piece

DEFAULT_SOLO_PROGRAM = 66  # General MIDI 67 "Tenor Sax", zero-based
CHORD_PROGRAM = 4  # General MIDI 5 "Electric Piano 1", zero-based
VOICING_LOW = 52  # chord tones are voiced from E3 upwards, root first


@dataclass
class Arrangement:
    melody: list[Note]
    chords: list[ChordSpan]
    comping: list[Note]  # the accompaniment's notes
    tempo: float  # quarter notes per minute
    time_signature: str = "4/4"
    measure_length: float = 4.0  # quarter notes
    measures: int = 1
    melody_program: int = DEFAULT_SOLO_PROGRAM  # General MIDI, zero-based
    comping_program: int = CHORD_PROGRAM
    title: str = ""

    @property
    def length(self) -> float:
        """Quarter notes from the start to the last bar line."""
        return self.measures * self.measure_length

    @classmethod
    def from_solo(cls, melody: list[Note], chords: list[ChordSpan], tempo: float, time_signature: str,
                  measure_length: float, bars: int, program: int = DEFAULT_SOLO_PROGRAM, title: str = "") -> "Arrangement":
        return cls(melody, chords, comping_notes(chords, measure_length), tempo, time_signature, measure_length, bars,
                   program, CHORD_PROGRAM, title)

    @classmethod
    def from_piece(cls, piece: Piece) -> "Arrangement":
        comping = piece.backing or comping_notes(piece.chords, piece.measure_length)
        return cls(piece.melody, piece.chords, comping, piece.tempo, piece.time_signature, piece.measure_length,
                   piece.measures, title=Path(piece.name).name)


def voicing(span: ChordSpan) -> list[int]:
    """The chord's tones as MIDI pitches: the root from E3 up, then the others above it."""
    root = VOICING_LOW + (span.chord.root - VOICING_LOW) % 12
    return sorted({root + (pc - span.chord.root) % 12 for pc in span.chord.pitch_classes})


def comping_notes(chords: list[ChordSpan], measure_length: float) -> list[Note]:
    """Each chord's voicing struck at the chord's start and again at every bar line inside it."""
    notes = []
    for span in chords:
        t, end = span.start, span.end
        while t < end - 1e-9:
            bar_end = (int(t // measure_length + 1e-9) + 1) * measure_length
            stop = min(end, bar_end)
            notes += [Note(t, stop - t, p) for p in voicing(span)]
            t = stop
    return notes
