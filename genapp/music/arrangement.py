"""What every output format renders: a melody over chords, with the comping that plays them.

An ``Arrangement`` is made once per take (``from_solo``) or per piece read
from a file (``from_piece``), and each writer (MIDI, WAV audio, piano-roll
PNG, MusicXML; ``genapp.music.outputs``) renders the same one, so all the
files of a take agree note for note.

A generated solo gets a band (``genapp.music.band``): ``trio`` is comping,
walking bass and drums, ``comp`` the comping alone, ``none`` the solo alone;
the band and the feel (swing, humanising) come from one seed.  A piece read
from a file keeps its own accompaniment (the notes of its other tracks) when
it has one, and is comped with block chords (``comping_notes``) when it has
only a melody and chord symbols; it is played straight, as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from genapp.music.piece import ChordSpan, Note, Piece

# General MIDI programs, zero-based (the 1-based numbers of GM tables minus one)
DEFAULT_SOLO_PROGRAM = 66  # GM 67 "Tenor Sax"
COMPING_PROGRAM = 0  # GM 1 "Acoustic Grand Piano"
BASS_PROGRAM = 32  # GM 33 "Acoustic Bass"
CHORD_PROGRAM = 4  # GM 5 "Electric Piano 1": the block chords under a piece read from a file
VOICING_LOW = 52  # block chords are voiced from E3 upwards, root first


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
    bass: list[Note] = field(default_factory=list)
    drums: list[Note] = field(default_factory=list)  # General MIDI drum keys, played on channel 10
    bass_program: int = BASS_PROGRAM
    swing: float = 1.0  # long:short ratio of each beat's eighths when played (1: straight)
    humanize: float = 0.0  # 0: exact; 1: timing within +-0.02 quarter notes, velocity within +-8
    seed: int = 0  # for humanising

    @property
    def length(self) -> float:
        """Quarter notes from the start to the last bar line."""
        return self.measures * self.measure_length

    @classmethod
    def from_solo(cls, melody: list[Note], chords: list[ChordSpan], tempo: float, time_signature: str,
                  measure_length: float, bars: int, program: int = DEFAULT_SOLO_PROGRAM, title: str = "", *,
                  band: str = "trio", two_feel: bool = False, swing: float = 1.0, humanize: float = 0.0, seed: int = 0,
                  comping_program: int = COMPING_PROGRAM, bass_program: int = BASS_PROGRAM) -> "Arrangement":
        """A generated solo with its band: ``band`` one of genapp.music.band.BANDS."""
        from genapp.music import band as rhythm

        if band not in rhythm.BANDS:
            raise ValueError(f"expected band to be one of {', '.join(rhythm.BANDS)}, got {band!r}")
        rng = np.random.default_rng(seed)
        comp = rhythm.comping(chords, melody, measure_length, rng) if band != "none" else []
        bass = rhythm.walking_bass(chords, rng, two_feel) if band == "trio" else []
        drums = rhythm.drums(bars, measure_length, rng) if band == "trio" else []
        return cls(rhythm.melody_dynamics(melody), chords, comp, tempo, time_signature, measure_length, bars, program,
                   comping_program, title, bass, drums, bass_program, swing, humanize, seed)

    @classmethod
    def from_piece(cls, piece: Piece) -> "Arrangement":
        comping = piece.backing or comping_notes(piece.chords, piece.measure_length)
        return cls(piece.melody, piece.chords, comping, piece.tempo, piece.time_signature, piece.measure_length,
                   piece.measures, title=Path(piece.name).name)


def program(value: str | int, what: str = "instrument") -> int:
    """A General MIDI instrument, by its 1-based number as GM tables list it (1-128) or its name -> zero-based program."""
    from genapp.errors import GenappError, param

    text = str(value).strip()
    if text.isdigit():
        if 1 <= int(text) <= 128:
            return int(text) - 1
    else:
        import pretty_midi

        try:
            return pretty_midi.instrument_name_to_program(text)
        except ValueError:
            pass
    raise GenappError(f"{param(what)} {text!r}: expected a General MIDI number 1-128 or an instrument name such as "
                      "'Tenor Sax', 'Trumpet', 'Vibraphone', 'Acoustic Grand Piano', 'Acoustic Bass'")


def voicing(span: ChordSpan) -> list[int]:
    """The chord's tones as MIDI pitches: the root from E3 up, then the others above it."""
    root = VOICING_LOW + (span.chord.root - VOICING_LOW) % 12
    return sorted({root + (pc - span.chord.root) % 12 for pc in span.chord.pitch_classes})


def comping_notes(chords: list[ChordSpan], measure_length: float) -> list[Note]:
    """Each chord's voicing struck at the chord's start and again at every bar line inside it (N.C.: nothing)."""
    notes = []
    for span in chords:
        if span.silent:
            continue
        t, end = span.start, span.end
        while t < end - 1e-9:
            bar_end = (int(t // measure_length + 1e-9) + 1) * measure_length
            stop = min(end, bar_end)
            notes += [Note(t, stop - t, p) for p in voicing(span)]
            t = stop
    return notes
