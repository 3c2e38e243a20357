"""Render time: what WAV, piano roll and MusicXML add to `genapp generate`, and `genapp render` on a 5-minute file.

    python benchmarks/render.py

Fresh processes, medians; recorded in RESULTS.md.  Targets (issue 13): all
three formats for a 16-bar solo add at most 1 s to `genapp generate`; the
WAV renderer runs well faster than real time.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

from common import REPO, record, table

sys.path.insert(0, str(REPO / "tests"))

from midi_files import LEAD, VOICINGS, block_chords, write  # noqa: E402

PY = sys.executable


def timed(args: list, cwd: Path, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([PY, "-m", "genapp.cli", *map(str, args)], cwd=cwd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def five_minutes(path: Path) -> Path:
    """A 150-bar band file at 120 bpm (300 s): lead, piano, bass, drums."""
    bars = 150
    lead = [(s + 16 * k, d, p) for k in range(bars // 4) for s, d, p in LEAD]
    piano = block_chords(["C", "F", "G7", "C"] * (bars // 4), VOICINGS)
    bass = [(i * 4.0, 4.0, (36, 41, 43, 36)[i % 4]) for i in range(bars // 4 * 4)]
    drums = [(i * 0.5, 0.25, 42) for i in range(bars // 4 * 4 * 8)]
    return write(path, [
        {"name": "Lead", "program": 65, "channel": 0, "notes": lead},
        {"name": "Piano", "program": 0, "channel": 1, "notes": piano},
        {"name": "Bass", "program": 33, "channel": 2, "notes": bass},
        {"name": "Drums", "channel": 9, "notes": drums},
    ])


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        base = ["generate", "--seed", "1", "--force", "--out", "s.mid"]
        midi_only = timed(base, tmp)
        rows = [["MIDI only (the baseline)", midi_only, 0.0]]
        for label, extra in [("+ WAV", ["--out", "s.wav"]), ("+ piano roll PNG", ["--out", "s.png"]),
                             ("+ MusicXML", ["--out", "s.musicxml"]),
                             ("+ all three", ["--out", "s.wav", "--out", "s.png", "--out", "s.musicxml"])]:
            t = timed(base + extra, tmp)
            rows.append([label, t, t - midi_only])
        long = five_minutes(tmp / "long.mid")
        render_rows = []
        for out in ("long.wav", "long.png", "long.musicxml"):
            t = timed(["render", "--force", long, out], tmp, repeat=3)
            render_rows.append([out.split(".")[1], t])
        with wave.open(str(tmp / "long.wav")) as w:
            audio_seconds = w.getnframes() / w.getframerate()
        start = time.perf_counter()
        subprocess.run([PY, "-c", "import sys, midirenderer; from genapp.music.audio import read_soundfont; "
                        "midirenderer.render_wave_from(read_soundfont(None), open(sys.argv[1], 'rb').read())", str(long)],
                       check=True, cwd=tmp)
        synth = time.perf_counter() - start
    body = "\n\n".join([
        "### What each format adds to `genapp generate` (16-bar solo, shipped model)\n\n"
        + table(["command", "wall time (s, median of 5)", "added to MIDI only (s)"], rows),
        "### `genapp render` on a 5-minute MIDI file (150 bars, 4 tracks)\n\n"
        + table(["output", "wall time (s, median of 3)"], render_rows)
        + f"\n\nWAV: {audio_seconds:.1f} s of audio; the synthesizer alone (one process: import, SoundFont, render) took "
          f"{synth:.2f} s, a real-time factor of {audio_seconds / synth:.0f}x.",
        "### The synthesizer\n\n"
        "midirenderer (a self-contained Rust wheel, no system library) renders with pretty_midi's TimGM6mb.sf2; "
        "the candidates it was weighed against could not be installed as a plain dependency on a fresh machine: "
        "tinysoundfont declares `pyaudio`, whose build needs the PortAudio headers (a fresh virtual environment's "
        "`pip install tinysoundfont` failed building pyaudio, 2026-12-02), and pyfluidsynth needs the FluidSynth "
        "library from the operating system.",
    ])
    record("render", "Listening and looking: render time", body)


if __name__ == "__main__":
    main()
