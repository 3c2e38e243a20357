"""Hostile and mutated music files for the fuzz tests, built from bytes with a seeded generator.

``midi_file`` writes a Standard MIDI File from raw track bytes (no mido, so
any structure can be made, broken ones included); ``hostile`` names the
cases the safety issue measured (one huge chord, thousands of tracks, a
million notes, enormous delta times, an enormous ABC note); ``mutants``
makes byte-level mutations of good files from a fixed seed.
"""

from __future__ import annotations

import random
import struct
from pathlib import Path


def midi_file(tracks: list[bytes], division: int = 480, fmt: int = 1, ntracks: int | None = None) -> bytes:
    """MThd + one MTrk chunk per track body (the bodies are taken as they are)."""
    count = len(tracks) if ntracks is None else ntracks
    head = b"MThd" + struct.pack(">IHHH", 6, fmt, count, division)
    return head + b"".join(b"MTrk" + struct.pack(">I", len(t)) + t for t in tracks)


def varlen(value: int) -> bytes:
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


END = b"\x00\xff\x2f\x00"  # delta 0, end of track


def chord_track(notes: int, length: int = 480) -> bytes:
    """``notes`` note-ons at tick 0 (pitches cycling), all released at ``length`` (running status)."""
    body = bytearray(b"\x00\x90")
    for i in range(notes):
        body += (b"\x00" if i else b"") + bytes([36 + i % 60, 80])
    body += varlen(length) + bytes([36, 0])  # velocity 0: note off
    for i in range(1, notes):
        body += b"\x00" + bytes([36 + i % 60, 0])
    return bytes(body) + END


def melody_track(notes: int, step: int = 240) -> bytes:
    """``notes`` notes one after another (note-on, note-off with running status)."""
    body = bytearray()
    for i in range(notes):
        pitch = 60 + i % 12
        body += (b"\x00\x90" if i == 0 else b"\x00") + bytes([pitch, 90]) + varlen(step) + bytes([pitch, 0])
    return bytes(body) + END


def tempo_track(tempo_us: int = 500_000) -> bytes:
    return b"\x00\xff\x51\x03" + tempo_us.to_bytes(3, "big") + END


ABC_GOOD = """X:1
T:Blues head
M:4/4
L:1/8
K:F
"F7" F2 A c _e d c A | "Bb7" _B d f _a g f d _B | "F7" A c f a g f _e c | "C7" _e d c A G2 F2 |
"F7" F A c _e d2 c2 | "Bb7" d f _a f g f d _B | "F7" c A F A c f a c' | "C7" G _B c e g2 z2 |]
"""


def hostile() -> dict[str, bytes]:
    """The measured hostile cases, by file name (built on call: the big ones take a second)."""
    return {
        # the 36-byte ABC file that drove music21 past 8 GB
        "enormous_note.abc": b"X:1\nM:4/4\nL:1/8\nK:C\nc99999999 | B |\n",
        "huge_meter.abc": b"X:1\nM:99999999/4\nL:1/8\nK:C\nc d e f |\n",
        # one 30,000-note chord over a melody (harmony once built a 30,000 x 30,000 matrix)
        "huge_chord.mid": midi_file([tempo_track(), melody_track(16), chord_track(30_000, 480 * 16)]),
        # 30,000 tracks of one note each
        "many_tracks.mid": midi_file([melody_track(1)] * 30_000),
        # a million notes (6 MB): over the size limit
        "million_notes.mid": midi_file([melody_track(1_000_000, step=1)]),
        # 600,000 notes in 3.6 MB: under the size limit, over the note limit
        "many_notes.mid": midi_file([melody_track(600_000, step=1)]),
        # a delta time of 2^28 - 1 ticks
        "huge_delta.mid": midi_file([b"\x00\x90\x3c\x50" + varlen(0x0FFFFFFF) + b"\x3c\x00" + END]),
        "tempo_zero.mid": midi_file([tempo_track(0), melody_track(8)]),
        "smpte.mid": midi_file([melody_track(8)], division=0xE728),
        "division_zero.mid": midi_file([melody_track(8)], division=0),
        "too_few_tracks.mid": midi_file([melody_track(8)], ntracks=3),
        "bad_chunk_length.mid": midi_file([melody_track(8)])[:18] + b"\x7f\xff\xff\xff" + midi_file([melody_track(8)])[22:],
    }


def write_hostile(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in hostile().items():
        (folder / name).write_bytes(data)
        paths.append(folder / name)
    return paths


def _mutate(data: bytes, rng: random.Random, text: bool) -> bytes:
    b = bytearray(data)
    kind = rng.randrange(7)
    if kind == 0:  # flip a few bytes
        for _ in range(rng.randint(1, 8)):
            b[rng.randrange(len(b))] = rng.randrange(256)
    elif kind == 1:  # truncate
        b = b[: rng.randrange(1, len(b))]
    elif kind == 2:  # a chunk length or header field overwritten
        at = rng.choice([4, 10, 12, 18] if not text else [rng.randrange(len(b))])
        b[at:at + 4] = rng.randbytes(4)
    elif kind == 3:  # insert random bytes
        at = rng.randrange(len(b))
        b[at:at] = rng.randbytes(rng.randint(1, 40))
    elif kind == 4:  # duplicate a slice
        i, j = sorted(rng.sample(range(len(b)), 2))
        b[j:j] = b[i:j]
    elif kind == 5 and text:  # a number made enormous
        digits = [i for i, c in enumerate(b) if chr(c).isdigit()]
        if digits:
            at = rng.choice(digits)
            b[at:at + 1] = str(rng.choice([10**6, 10**9, 99999999999, 0])).encode()
    else:  # delete a slice
        i, j = sorted(rng.sample(range(len(b)), 2))
        del b[i:j]
    return bytes(b)


def mutants(folder: Path, midi: bytes, abc: str, n_midi: int, n_abc: int, seed: int = 2026) -> list[Path]:
    """``n_midi`` mutated copies of ``midi`` and ``n_abc`` of ``abc``, from a fixed seed."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n_midi):
        paths.append(folder / f"m{i:03d}.mid")
        paths[-1].write_bytes(_mutate(midi, rng, text=False))
    for i in range(n_abc):
        paths.append(folder / f"a{i:03d}.abc")
        paths[-1].write_bytes(_mutate(abc.encode(), rng, text=True))
    return paths
