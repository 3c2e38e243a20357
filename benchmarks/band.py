"""The band behind the solo, judged as a musician would, and what it costs.

Twenty takes of the shipped model over the default progression (16 bars of
corpora/jazz/two_five_etudes.abc), each written with the trio and read back
from its MIDI bytes:

- where the comping sits: the share of comping notes below the lowest melody
  note sounding with them, and how far each voice moves from chord to chord;
- the walking bass: notes per beat, range, roots on the chords' first beats;
- the feel: the swing ratio measured from the written off-beat onsets against
  the one asked for (humanising off), and the timing spread with it on;
- the solo's statistics (``genapp.music.stats``) beside the training corpus's;
- the cost: building the arrangement and writing MIDI and WAV, trio against
  the solo alone.

Run: ``python benchmarks/band.py`` (records the "band" section of RESULTS.md).
"""

from __future__ import annotations

import io
import time

import mido
import numpy as np
from common import record, table

from genapp import paths
from genapp.music.arrangement import Arrangement
from genapp.music.audio import read_soundfont, render_wav
from genapp.music.corpus import load_corpus
from genapp.music.midi_out import midi_bytes
from genapp.music.progression import choose_progression
from genapp.music.stats import solo_stats
from genapp.products.jazz import JazzModel

TAKES, BARS, TPQ = 20, 16, 480


def notes_of(data: bytes) -> dict[str, list[tuple[int, int, int]]]:
    """{track name: [(start tick, end tick, pitch)]} from MIDI bytes."""
    out = {}
    for track in mido.MidiFile(file=io.BytesIO(data)).tracks:
        t, on, notes = 0, {}, []
        for msg in track:
            t += msg.time
            if msg.type == "note_on" and msg.velocity > 0:
                on[msg.note] = t
            elif msg.type in ("note_off", "note_on") and msg.note in on:
                notes.append((on.pop(msg.note), t, msg.note))
        out[track.name] = sorted(notes)
    return out


def main() -> None:
    model = JazzModel.load(paths.models_dir() / "jazz")
    prog = choose_progression()
    below, moves, bass_per_beat, bass_low, bass_high, roots, swing_err, spread = [], [], [], 99, 0, [], [], []
    cost = {"trio": [], "none": []}
    solos = []
    for seed in range(TAKES):
        solo = model.solo(prog, BARS, seed=seed)  # the default temperatures
        solos.append(solo)
        for band in ("none", "trio"):
            t = time.perf_counter()
            a = Arrangement.from_solo(solo.decoded.notes, solo.chords, prog.tempo, prog.time_signature,
                                      prog.measure_length, BARS, band=band, swing=2.0, humanize=0.0, seed=seed)
            midi_bytes(a)
            cost[band].append(time.perf_counter() - t)
        parts = notes_of(midi_bytes(a))
        melody, comp, bass = parts["Melody"], parts["Comping"], parts["Bass"]
        for s, e, p in comp:
            sounding = [m[2] for m in melody if m[0] < e and m[1] > s]
            if sounding:
                below.append(p < min(sounding))
        onsets = sorted({s for s, _, _ in comp})
        chords = [sorted(p for s, _, p in comp if s == o) for o in onsets]
        for a_, b_ in zip(chords, chords[1:]):
            moves.append(np.mean([min(abs(p - q) for q in a_) for p in b_]))
        bass_per_beat.append(len(bass) / (BARS * 4))
        bass_low, bass_high = min(bass_low, min(p for *_, p in bass)), max(bass_high, max(p for *_, p in bass))
        starts = {s: p for s, _, p in bass}
        roots += [starts.get(round(c.start * TPQ), -1) % 12 == (c.chord.bass if c.chord.bass is not None
                                                                 else c.chord.root) for c in solo.chords]
        offbeats = [s % TPQ for s, _, _ in parts["Drums"] if s % TPQ]
        swing_err += [abs(o - TPQ * 2 / 3) for o in offbeats]
        human = Arrangement.from_solo(solo.decoded.notes, solo.chords, prog.tempo, prog.time_signature,
                                      prog.measure_length, BARS, band="trio", swing=2.0, humanize=0.5, seed=seed)
        exact = [s for s, _, _ in notes_of(midi_bytes(a))["Melody"]]
        played = [s for s, _, _ in notes_of(midi_bytes(human))["Melody"]]
        spread += [abs(s - e) for s, e in zip(played, exact)]

    soundfont = read_soundfont(None)
    wav = {}
    for band in ("none", "trio"):
        a = Arrangement.from_solo(solos[0].decoded.notes, solos[0].chords, prog.tempo, prog.time_signature,
                                  prog.measure_length, BARS, band=band, swing=2.0, humanize=0.5, seed=0)
        t = time.perf_counter()
        render_wav(midi_bytes(a, tail=1.0), soundfont)
        wav[band] = time.perf_counter() - t

    musician = table(["what", "measured", "target"], [
        ["comping notes below the melody sounding with them", f"{np.mean(below):.1%} of {len(below)}", "most"],
        ["mean motion of a comping voice from chord to chord (semitones)", f"{np.mean(moves):.2f}", "small (<= 2)"],
        ["walking bass notes per beat", f"{np.mean(bass_per_beat):.3f}", "1"],
        ["bass range (MIDI)", f"{bass_low}-{bass_high}", "28-55 (E1-G3)"],
        ["bass on each chord's root (or slash bass) on its first beat", f"{np.mean(roots):.1%}", "100%"],
        ["swing 2.0: off-beat onset error (ticks of 480)", f"max {max(swing_err):.2f}", "<= 1"],
        ["humanize 0.5: melody onset spread (ticks, mean / max)", f"{np.mean(spread):.1f} / {max(spread):.0f}",
         "a few ticks (0.01 quarter)"],
    ])
    corpus = load_corpus([str(paths.corpora_dir() / "jazz")]).pieces
    from genapp.music.piece import Piece

    generated = [Piece(f"take {i}", s.decoded.notes, s.chords, prog.measure_length, prog.time_signature, prog.tempo,
                       BARS, "", "", "") for i, s in enumerate(solos)]
    ours, theirs = solo_stats(generated).rows(), solo_stats(corpus).rows()
    stats = table(["statistic", f"{TAKES} generated solos", "training corpus"],
                  [[name, value, theirs[i][1]] for i, (name, value) in enumerate(ours)])
    costs = table(["", "solo alone (none)", "trio", "trio / none"], [
        ["arrangement + MIDI bytes per take (ms, mean)", f"{1000 * np.mean(cost['none']):.1f}",
         f"{1000 * np.mean(cost['trio']):.1f}", f"{np.mean(cost['trio']) / np.mean(cost['none']):.1f}"],
        ["WAV render of a 16-bar take (s)", f"{wav['none']:.2f}", f"{wav['trio']:.2f}", f"{wav['trio'] / wav['none']:.2f}"],
    ])
    body = (f"### The band, read back from the MIDI of {TAKES} takes\n\n{musician}\n\n"
            f"### The solo's statistics (`genapp stats`)\n\n{stats}\n\nThe solos are the shipped model's at its default "
            f"temperatures; the band does not change them (issue #11's targets for them: `jazz_quality.py`).\n\n"
            f"### Cost\n\n{costs}\n")
    record("band", "The band: comping, walking bass, drums, swing", body)


if __name__ == "__main__":
    main()
