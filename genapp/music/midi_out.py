"""Write an arrangement as a standard MIDI file (type 1), atomically.

Tracks: 0 "genapp" (tempo, time signature, and each chord symbol as a text
event "chord: Dm7" where the chord starts, which genapp reads back), 1 "Melody" (channel 1, the solo
instrument), 2 "Comping" (channel 2), then, when the band has them, "Bass"
(channel 3) and "Drums" (channel 10, General MIDI percussion).  Swing and
humanising are applied here, as the notes are played (``band.swing_time``).
Written with mido to a temporary file and renamed, so a failure never leaves
half a file; read back by mido, pretty_midi and music21.
"""

from __future__ import annotations

import io
from pathlib import Path

import mido
import numpy as np

from genapp.atomic import atomic_path
from genapp.errors import GenappError, param
from genapp.music.arrangement import Arrangement
from genapp.music.piece import Note
from genapp.targets import writable_file

TICKS_PER_QUARTER = 480
MELODY_VELOCITY = 96  # for notes without their own velocity
CHORD_VELOCITY = 60
DRUM_CHANNEL = 9  # zero-based: MIDI channel 10
CHORD_TEXT = "chord: "  # a text event naming the chord that starts there
HUMAN_TIME = 0.02  # quarter notes of timing spread at humanize 1 (about 10 ms at 120 bpm)
HUMAN_VELOCITY = 8


def _played(notes: list[Note], a: Arrangement, rng: np.random.Generator) -> list[tuple[int, int, int, int]]:
    """(start tick, end tick, pitch, velocity) as played: swung, humanised, within the bars, at least a tick long."""
    from genapp.music.band import swing_time

    out, last = [], _ticks(a.length)  # nothing sounds past the last bar line
    for n in notes:
        jitter = a.humanize * HUMAN_TIME * rng.uniform(-1, 1) if a.humanize else 0.0
        start = max(0, _ticks(swing_time(n.start, a.swing) + jitter))
        end = min(last, max(start + 1, _ticks(swing_time(n.end, a.swing) + jitter)))
        if start >= end:
            continue
        velocity = n.velocity + (round(a.humanize * HUMAN_VELOCITY * rng.uniform(-1, 1)) if a.humanize else 0)
        out.append((start, end, n.pitch, velocity))
    return _no_overlap(out)


def _no_overlap(notes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """A note ends where the next one of the same pitch begins: one channel cannot sound a pitch twice at once."""
    notes = sorted(notes)
    last: dict[int, int] = {}  # pitch -> index of its latest note
    for i, (start, end, pitch, velocity) in enumerate(notes):
        j = last.get(pitch)
        if j is not None and notes[j][1] > start:
            s0, _, p0, v0 = notes[j]
            notes[j] = (s0, max(s0 + 1, start), p0, v0)
        last[pitch] = i
    return [n for n in notes if n[1] > n[0]]


def _track(name: str, channel: int, program: int, notes: list[tuple[int, int, int, int]], velocity: int
           ) -> mido.MidiTrack:
    """Played notes -> a track with delta times; a note-off sorts before a note-on at the same tick (clean restrikes)."""
    events = []
    for start, end, pitch, vel in notes:
        events += [(start, 1, "note_on", pitch, int(np.clip(vel or velocity, 1, 127))), (end, 0, "note_off", pitch, 0)]
    head = [mido.MetaMessage("track_name", name=name, time=0)]
    if channel != DRUM_CHANNEL:
        head.append(mido.Message("program_change", channel=channel, program=program, time=0))
    track = mido.MidiTrack(head)
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
    from genapp.music.band import swing_time

    conductor = mido.MidiTrack([
        mido.MetaMessage("track_name", name="genapp", time=0),
        mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(a.tempo), time=0),
        mido.MetaMessage("time_signature", numerator=num, denominator=den, time=0),
    ])
    last = 0
    for span in a.chords:  # the chord symbols, as text events genapp (and any MIDI editor) can read
        tick = _ticks(swing_time(span.start, a.swing))
        text = "N.C." if span.silent else span.chord.symbol
        conductor.append(mido.MetaMessage("text", text=f"{CHORD_TEXT}{text}", time=tick - last))
        last = tick
    conductor.append(mido.MetaMessage("end_of_track", time=_ticks(a.length + tail) - last))
    mid.tracks.append(conductor)
    rng = np.random.default_rng(a.seed)
    mid.tracks.append(_track("Melody", 0, a.melody_program, _played(a.melody, a, rng), MELODY_VELOCITY))
    mid.tracks.append(_track("Comping", 1, a.comping_program, _played(a.comping, a, rng), CHORD_VELOCITY))
    if a.bass:
        mid.tracks.append(_track("Bass", 2, a.bass_program, _played(a.bass, a, rng), CHORD_VELOCITY))
    if a.drums:
        mid.tracks.append(_track("Drums", DRUM_CHANNEL, 0, _played(a.drums, a, rng), CHORD_VELOCITY))
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
