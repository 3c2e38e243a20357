"""Plain data for a piece of music: melody notes, chord spans, meter.

Times are in quarter notes (quarter lengths) from the start of the piece.
All of it round-trips through JSON (the parse cache stores it so; never pickle).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from genapp.errors import GenappError
from genapp.music.theory import Chord


class PieceError(GenappError):
    """A source that cannot be used; the message names it and says why (``reason``, in words)."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source, self.reason = source, reason


@dataclass(frozen=True)
class Note:
    start: float  # quarter notes from the start
    duration: float  # quarter notes, > 0
    pitch: int  # MIDI note number
    velocity: int = 0  # 1-127; 0: the part's default

    @property
    def end(self) -> float:
        return self.start + self.duration

    def __repr__(self) -> str:
        return f"Note(start={self.start:g}, duration={self.duration:g}, pitch={self.pitch})"


@dataclass(frozen=True)
class ChordSpan:
    start: float  # quarter notes
    duration: float  # quarter notes
    chord: Chord
    silent: bool = False  # an N.C. bar: the solo hears ``chord`` (the one before), the band rests

    @property
    def end(self) -> float:
        return self.start + self.duration

    def __repr__(self) -> str:
        return f"ChordSpan({self.chord.symbol} at {self.start:g} for {self.duration:g})"


@dataclass
class Piece:
    name: str  # file name (plus #N for the N-th tune of a collection) or music21:NAME
    melody: list[Note]
    chords: list[ChordSpan]
    measure_length: float  # quarter notes per measure
    time_signature: str  # "4/4"
    tempo: float  # quarter notes per minute
    measures: int
    melody_track: str  # which track or part was taken as the melody
    melody_reason: str  # why
    chord_source: str  # "symbols", "accompaniment", "inferred" or "given"
    notes: list[str] = field(default_factory=list)  # what was assumed or repaired
    backing: list[Note] = field(default_factory=list)  # the other pitched tracks' notes, when read for rendering

    def to_json(self) -> dict:
        d = asdict(self)
        d["melody"] = [[n.start, n.duration, n.pitch] for n in self.melody]
        d["backing"] = [[n.start, n.duration, n.pitch] for n in self.backing]
        d["chords"] = [[c.start, c.duration, *c.chord.to_json()] for c in self.chords]
        return d

    @classmethod
    def from_json(cls, d: dict) -> "Piece":
        d = dict(d)
        d["melody"] = [Note(s, du, p) for s, du, p in d["melody"]]
        d["backing"] = [Note(s, du, p) for s, du, p in d.get("backing", [])]
        d["chords"] = [ChordSpan(c[0], c[1], Chord.from_json(c[2:])) for c in d["chords"]]
        return cls(**d)
