"""Build small real MIDI files for tests, with mido (type 0, 1 or 2)."""

from __future__ import annotations

from pathlib import Path

import mido

TPQ = 480


def track_events(notes, channel):
    """[(start_quarters, duration_quarters, pitch)] -> [(tick, msg)]"""
    ev = []
    for start, dur, pitch in notes:
        ev.append((round(start * TPQ), 1, mido.Message("note_on", channel=channel, note=pitch, velocity=80)))
        ev.append((round((start + dur) * TPQ), 0, mido.Message("note_off", channel=channel, note=pitch, velocity=0)))
    return ev


def to_track(name, events, meta=()):
    t = mido.MidiTrack()
    if name is not None:
        t.append(mido.MetaMessage("track_name", name=name, time=0))
    t.extend(meta)
    last = 0
    for tick, _, msg in sorted(events, key=lambda e: (e[0], e[1])):
        t.append(msg.copy(time=tick - last))
        last = tick
    t.append(mido.MetaMessage("end_of_track", time=0))
    return t


def write(path: Path, parts, midi_type=1, time_signature=(4, 4), tempo=120):
    """parts: [dict(name, program, channel, notes)]; channel 9 is drums."""
    meta = [mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(tempo), time=0)]
    if time_signature:
        meta.append(mido.MetaMessage("time_signature", numerator=time_signature[0], denominator=time_signature[1], time=0))
    mid = mido.MidiFile(type=midi_type, ticks_per_beat=TPQ)
    if midi_type == 0:
        events = []
        for p in parts:
            events.append((0, -1, mido.Message("program_change", channel=p["channel"], program=p.get("program", 0))))
            events += track_events(p["notes"], p["channel"])
        mid.tracks.append(to_track(None, events, meta))
    else:
        mid.tracks.append(to_track("conductor", [], meta))
        for p in parts:
            events = [(0, -1, mido.Message("program_change", channel=p["channel"], program=p.get("program", 0)))]
            events += track_events(p["notes"], p["channel"])
            mid.tracks.append(to_track(p.get("name"), events))
    mid.save(path)
    return path


def block_chords(progression, pitches_of, bar=4.0):
    """One held chord per bar: progression of chord names -> notes."""
    notes = []
    for i, name in enumerate(progression):
        notes += [(i * bar, bar, p) for p in pitches_of[name]]
    return notes


VOICINGS = {"C": (48, 52, 55, 60), "F": (53, 57, 60, 65), "G7": (43, 47, 50, 53), "Am": (45, 48, 52, 57)}
LEAD = [(0, 1, 72), (1, 1, 76), (2, 2, 79), (4, 1, 77), (5, 1, 81), (6, 2, 84), (8, 1, 79), (9, 1, 77),
        (10, 2, 74), (12, 2, 72), (14, 2, 76)]  # over C F G7 C
DRUMS = [(i * 0.5, 0.25, 42) for i in range(32)] + [(i * 1.0, 0.25, 36) for i in range(16)]


def band(path: Path, midi_type=1, time_signature=(4, 4), lead_name="Lead"):
    """Lead (sax) + piano chords + bass + drums over C F G7 C."""
    return write(path, [
        {"name": "Piano", "program": 0, "channel": 1, "notes": block_chords(["C", "F", "G7", "C"], VOICINGS)},
        {"name": lead_name, "program": 65, "channel": 0, "notes": LEAD},
        {"name": "Bass", "program": 33, "channel": 2, "notes": [(i * 4.0, 4.0, p) for i, p in enumerate((36, 41, 43, 36))]},
        {"name": "Drums", "channel": 9, "notes": DRUMS},
    ], midi_type, time_signature)


def many(folder: Path, count: int, first: int = 0) -> list[Path]:
    """``count`` small band files, each different (its lead transposed and its rhythm shifted by its number)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(first, first + count):
        lead = [(start + (i % 3) * 0.5 * (k % 2), dur, pitch + i % 7 - 3) for k, (start, dur, pitch) in enumerate(LEAD)]
        paths.append(write(folder / f"piece{i:05d}.mid", [
            {"name": "Piano", "program": 0, "channel": 1, "notes": block_chords(["C", "F", "G7", "C"], VOICINGS)},
            {"name": "Lead", "program": 65, "channel": 0, "notes": lead + [(16 + i % 11 * 0.25, 1, 60 + i % 13)]},
        ], 1, (4, 4), 100 + i % 97))
    return paths
