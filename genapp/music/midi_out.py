"""Write an arrangement as a standard MIDI file (type 1), atomically.

Tracks: 0 "genapp" (tempo, time signature), 1 "Melody" (channel 1, the solo
instrument), 2 "Chords" (channel 2, the comping).  Written with mido to a
temporary file and renamed, so a failure never leaves half a file; read
back by mido, pretty_midi and music21.
"""

from __future__ import annotations

import io
from pathlib import Path

import mido

from genapp.atomic import atomic_path
from genapp.errors import GenappError, param
from genapp.music.arrangement import Arrangement
from genapp.music.piece import Note
from genapp.targets import writable_file

TICKS_PER_QUARTER = 480
MELODY_VELOCITY = 96
CHORD_VELOCITY = 60


def _track(name: str, channel: int, program: int, notes: list[Note], velocity: int) -> mido.MidiTrack:
    """Notes -> a track with delta times; a note-off sorts before a note-on at the same tick (clean restrikes)."""
    events = []
    for n in notes:
        events += [(_ticks(n.start), 1, "note_on", n.pitch, velocity), (_ticks(n.end), 0, "note_off", n.pitch, 0)]
    track = mido.MidiTrack([mido.MetaMessage("track_name", name=name, time=0),
                            mido.Message("program_change", channel=channel, program=program, time=0)])
    last = 0
    for tick, _, kind, pitch, vel in sorted(events):
        track.append(mido.Message(kind, channel=channel, note=pitch, velocity=vel, time=tick - last))
        last = tick
    track.append(mido.MetaMessage("end_of_track", time=0))
    return track


def _ticks(quarters: float) -> int:
    return round(quarters * TICKS_PER_QUARTER)


def to_midi(arrangement: Arrangement, tail: float = 0.0) -> mido.MidiFile:
    """The arrangement as a mido file; ``tail`` quarter notes of silence after the last bar line (for audio)."""
    a = arrangement
    num, den = (int(x) for x in a.time_signature.split("/"))
    mid = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_QUARTER)
    mid.tracks.append(mido.MidiTrack([
        mido.MetaMessage("track_name", name="genapp", time=0),
        mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(a.tempo), time=0),
        mido.MetaMessage("time_signature", numerator=num, denominator=den, time=0),
        mido.MetaMessage("end_of_track", time=_ticks(a.length + tail)),
    ]))
    mid.tracks.append(_track("Melody", 0, a.melody_program, a.melody, MELODY_VELOCITY))
    mid.tracks.append(_track("Chords", 1, a.comping_program, a.comping, CHORD_VELOCITY))
    return mid


def midi_bytes(arrangement: Arrangement, tail: float = 0.0) -> bytes:
    buffer = io.BytesIO()
    to_midi(arrangement, tail).save(file=buffer)
    return buffer.getvalue()


def write_midi(path: Path, arrangement: Arrangement) -> Path:
    """Write the arrangement to ``path`` (the folder must exist); returns the path."""
    path = writable_file(Path(path))
    try:
        with atomic_path(path, suffix=".mid") as tmp:
            to_midi(arrangement).save(tmp)
    except PermissionError:
        raise GenappError(f"{param('out')} {path}: no permission to write in {path.parent}") from None
    return path
