"""An arrangement as MusicXML notation (``.musicxml``, or compressed ``.mxl``), through music21.

Two parts: "Melody" (the solo, with the chord symbols attached as music21
``ChordSymbol`` objects, as a lead sheet has them) and "Comping" (the chords
as played), with the time signature, the tempo and exactly the
arrangement's measure count.  music21 splits notes at bar lines (tied) and
writes triplets as tuplets; MuseScore and music21 read the file back.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from genapp.atomic import atomic_path
from genapp.music.arrangement import Arrangement
from genapp.music.piece import Note


_M21_QUALITY = {"aug7": "7+", "maj7#5": "maj7#5", "mM7": "mM7"}


def _symbol(chord):
    """A music21 ChordSymbol for a genapp chord: its tensions and bass when music21 reads them, else its quality."""
    from music21 import harmony

    from genapp.music.theory import TENSION_NAMES

    def flat(name: str) -> str:  # music21 writes a flat with '-': Bb -> B-
        return name[0] + name[1:].replace("b", "-")

    base = flat(chord.root_name) + _M21_QUALITY.get(chord.quality, chord.quality)
    bass = f"/{flat(chord.symbol.rsplit('/', 1)[1])}" if "/" in chord.symbol else ""
    tensions = "".join(f" add {flat(TENSION_NAMES[t])}" for t in chord.tensions)
    for figure in (base + bass + tensions, base + bass, base):
        try:
            symbol = harmony.ChordSymbol(figure)
            if symbol.pitches:
                return symbol
        except Exception:  # music21 raises several types for figures it cannot read
            continue
    return harmony.ChordSymbol(flat(chord.root_name))


def _part(name: str, notes: list[Note], a: Arrangement, lead: bool):
    """One part; the lead carries the tempo and the chord symbols, the comping is merged into chords."""
    from music21 import harmony, instrument, meter, note, stream, tempo

    part = stream.Part(id=name)
    for n in notes:
        part.insert(_q(n.start), note.Note(n.pitch, quarterLength=_q(n.duration)))
    if not lead:  # overlapping notes become chords (tied where they carry over), as one voice can show them
        part = part.chordify()
    end = _q(a.length)
    last = max((e.offset + e.quarterLength for e in part.notes), default=0)
    if last < end:  # a rest up to the last bar line, so both parts have every measure
        part.insert(last, note.Rest(quarterLength=end - last))
    part.partName = name
    part.insert(0, instrument.Instrument(instrumentName=name))
    part.insert(0, meter.TimeSignature(a.time_signature))
    if lead:
        part.insert(0, tempo.MetronomeMark(number=round(a.tempo, 2)))
        for span in a.chords:
            symbol = harmony.NoChord() if span.silent else _symbol(span.chord)
            symbol.writeAsChord = False
            part.insert(_q(span.start), symbol)
    return part


def _q(quarters: float):
    """Quarter notes as an exact fraction on genapp's grid (1/12 quarter; 1/48 to be safe)."""
    from fractions import Fraction

    return Fraction(quarters).limit_denominator(48)


def to_score(arrangement: Arrangement):
    """A music21 Score of the arrangement, with measures made and notation (ties, tuplets, rests) filled in."""
    from music21 import metadata, stream

    a = arrangement
    score = stream.Score()
    score.insert(0, metadata.Metadata(title=a.title or "genapp solo"))
    parts = (("Melody", a.melody, True), ("Comping", a.comping, False)) + ((("Bass", a.bass, False),) if a.bass else ())
    for name, notes, chords in parts:
        score.insert(0, _part(name, notes, a, chords).makeNotation())
    return score


def write_musicxml(path: Path, arrangement: Arrangement) -> Path:
    """Write .musicxml (or .mxl, compressed) atomically."""
    path = Path(path)
    score = to_score(arrangement)
    suffix = path.suffix.lower()
    with atomic_path(path, suffix=suffix) as tmp, tempfile.TemporaryDirectory() as scratch:
        # music21 names the file inside an .mxl after the name it writes to: give it the final name
        written = score.write("mxl" if suffix == ".mxl" else "musicxml", fp=str(Path(scratch) / path.name))
        shutil.copyfile(written, tmp)
    return path
