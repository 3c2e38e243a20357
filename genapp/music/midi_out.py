"""Write a solo and its chords as a standard MIDI file (type 1), atomically.

Tracks: 0 "genapp" (tempo, time signature), 1 "Melody" (channel 1, the solo
instrument), 2 "Chords" (channel 2, a comping voicing struck at each bar and
chord change).  Written with mido to a temporary file and renamed, so a
failure never leaves half a file; read back by mido, pretty_midi and music21.
"""

from __future__ import annotations

from pathlib import Path

import mido

from genapp.atomic import atomic_path
from genapp.errors import GenappError
from genapp.music.piece import ChordSpan, Note

TICKS_PER_QUARTER = 480
MELODY_VELOCITY = 96
CHORD_VELOCITY = 60
DEFAULT_SOLO_PROGRAM = 66  # General MIDI 67 "Tenor Sax", zero-based
CHORD_PROGRAM = 4  # General MIDI 5 "Electric Piano 1", zero-based
VOICING_LOW = 52  # chord tones are voiced from E3 upwards, root first


def voicing(span: ChordSpan) -> list[int]:
    """The chord's tones as MIDI pitches: the root from E3 up, then the others above it."""
    root = VOICING_LOW + (span.chord.root - VOICING_LOW) % 12
    return sorted({root + (pc - span.chord.root) % 12 for pc in span.chord.pitch_classes})


def _track(name: str, channel: int, program: int, events: list[tuple[int, int, str, int, int]]) -> mido.MidiTrack:
    """events: (tick, order, 'note_on'/'note_off', pitch, velocity) -> a track with delta times."""
    track = mido.MidiTrack([mido.MetaMessage("track_name", name=name, time=0),
                            mido.Message("program_change", channel=channel, program=program, time=0)])
    last = 0
    for tick, _, kind, pitch, velocity in sorted(events):
        track.append(mido.Message(kind, channel=channel, note=pitch, velocity=velocity, time=tick - last))
        last = tick
    track.append(mido.MetaMessage("end_of_track", time=0))
    return track


def _ticks(quarters: float) -> int:
    return round(quarters * TICKS_PER_QUARTER)


def write_midi(path: Path, melody: list[Note], chords: list[ChordSpan], tempo: float, time_signature: str = "4/4",
               measure_length: float = 4.0, program: int = DEFAULT_SOLO_PROGRAM) -> Path:
    """Write melody and chords to ``path`` (the folder must exist); returns the path."""
    path = Path(path)
    if not path.parent.is_dir():
        raise GenappError(f"--out {path}: folder {path.parent} does not exist")
    num, den = (int(x) for x in time_signature.split("/"))
    mid = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_QUARTER)
    mid.tracks.append(mido.MidiTrack([
        mido.MetaMessage("track_name", name="genapp", time=0),
        mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(tempo), time=0),
        mido.MetaMessage("time_signature", numerator=num, denominator=den, time=0),
        mido.MetaMessage("end_of_track", time=0),
    ]))
    # note_off sorts before note_on at the same tick (order 0 < 1): repeated pitches restrike cleanly
    events = []
    for n in melody:
        events += [(_ticks(n.start), 1, "note_on", n.pitch, MELODY_VELOCITY), (_ticks(n.end), 0, "note_off", n.pitch, 0)]
    mid.tracks.append(_track("Melody", 0, program, events))
    events = []
    for span in chords:
        t, end = span.start, span.end
        while t < end - 1e-9:  # strike at the chord's start and at every bar line inside it
            bar_end = (int(t // measure_length + 1e-9) + 1) * measure_length
            stop = min(end, bar_end)
            for p in voicing(span):
                events += [(_ticks(t), 1, "note_on", p, CHORD_VELOCITY), (_ticks(stop), 0, "note_off", p, 0)]
            t = stop
    mid.tracks.append(_track("Chords", 1, CHORD_PROGRAM, events))
    try:
        with atomic_path(path, suffix=".mid") as tmp:
            mid.save(tmp)
    except PermissionError:
        raise GenappError(f"--out {path}: no permission to write in {path.parent}") from None
    return path
