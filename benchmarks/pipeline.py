"""Issue 3's figures for the music pipeline: cold and cached passes, cores used, MIDI reader speed.

- Pieces per second over the default corpus (corpora/jazz) and over 50
  generated multi-track MIDI files (8 tracks, 64 bars), cold (empty cache,
  parallel parse) and cached; the cached/cold time ratio (target <= 5%).
- Cores used by the cold pass: CPU seconds (this process and its workers)
  per wall second.
- MIDI reading: genapp's reader (pretty_midi) next to music21.converter.parse
  on the same 10 generated files, one after the other in this process
  (target: genapp at least 10x faster).

    python benchmarks/pipeline.py
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from pathlib import Path

import mido
import numpy as np
from common import REPO, record, table

N_FILES, N_TRACKS, BARS, TPQ = 50, 8, 64, 480


def generate(folder: Path, seed: int = 0) -> list[Path]:
    """Multi-track band arrangements: lead, piano, bass, drums and four more parts."""
    rng = np.random.default_rng(seed)
    paths = []
    for k in range(N_FILES):
        mid = mido.MidiFile(type=1, ticks_per_beat=TPQ)
        mid.tracks.append(mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(120)),
                                          mido.MetaMessage("time_signature", numerator=4, denominator=4)]))
        for t in range(N_TRACKS):
            channel = 9 if t == 3 else t if t < 9 else t + 1
            step = [0.5, 1.0, 2.0, 0.25, 0.5, 1.0, 0.25, 4.0][t]
            poly = [1, 4, 1, 2, 3, 2, 1, 4][t]
            base = [72, 60, 36, 36, 55, 64, 79, 48][t]
            events = []
            for i in range(int(BARS * 4 / step)):
                for _ in range(poly):
                    p = int(base + rng.integers(0, 12))
                    s, e = round(i * step * TPQ), round((i + 1) * step * TPQ) - 1
                    events += [(s, 1, mido.Message("note_on", channel=channel, note=p, velocity=80)),
                               (e, 0, mido.Message("note_off", channel=channel, note=p, velocity=0))]
            track = mido.MidiTrack([mido.MetaMessage("track_name", name=f"part {t}"),
                                    mido.Message("program_change", channel=channel, program=(t * 8) % 128)])
            last = 0
            for tick, _, msg in sorted(events, key=lambda x: (x[0], x[1])):
                track.append(msg.copy(time=tick - last))
                last = tick
            mid.tracks.append(track)
        path = folder / f"band_{k:02d}.mid"
        mid.save(path)
        paths.append(path)
    return paths


def cpu_seconds() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def passes(sources: list[str]) -> dict:
    from genapp.music.corpus import load_corpus

    os.environ["GENAPP_CACHE_DIR"] = tempfile.mkdtemp()
    c0, t0 = cpu_seconds(), time.perf_counter()
    cold = load_corpus(sources)
    cold_s, cold_cpu = time.perf_counter() - t0, cpu_seconds() - c0
    t0 = time.perf_counter()
    cached = load_corpus(sources)
    cached_s = time.perf_counter() - t0
    assert cached.from_cache and not cached.parsed
    n = len(cold.pieces)
    return {"pieces": n, "cold_s": cold_s, "cached_s": cached_s, "cores": cold_cpu / cold_s,
            "cold_pps": n / cold_s, "cached_pps": n / cached_s}


def main() -> None:
    from music21 import converter

    from genapp.music.reading import read_source

    with tempfile.TemporaryDirectory() as tmp:
        files = generate(Path(tmp))
        rows = []
        for label, sources in (("default corpus (corpora/jazz)", [str(REPO / "corpora" / "jazz")]),
                               (f"{N_FILES} generated MIDI files", [tmp])):
            r = passes(sources)
            rows.append([label, r["pieces"], r["cold_s"], r["cold_pps"], r["cached_s"], r["cached_pps"],
                         f"{r['cached_s'] / r['cold_s']:.2%}", r["cores"]])
        t0 = time.perf_counter()
        for f in files[:10]:
            read_source(str(f))
        ours = time.perf_counter() - t0
        t0 = time.perf_counter()
        for f in files[:10]:
            converter.parse(str(f))
        m21 = time.perf_counter() - t0
    body = table(["corpus", "pieces", "cold (s)", "cold pieces/s", "cached (s)", "cached pieces/s",
                  "cached / cold (target <= 5%)", "cores busy in cold pass (of 2)"], rows)
    body += "\n\n" + table(
        ["reader, same 10 files (8 tracks, 64 bars each)", "seconds", "per file (s)"],
        [["genapp (pretty_midi + melody/harmony)", ours, ours / 10], ["music21.converter.parse", m21, m21 / 10],
         ["music21 / genapp (target >= 10)", m21 / ours, ""]],
    )
    body += ("\n\nThe cold pass spawns one worker per core; its CPU figure counts this process and its workers."
             " The cached pass reads the JSON cache in this process.")
    record("pipeline", "Music pipeline: cold and cached passes, MIDI readers", body)


if __name__ == "__main__":
    main()
