"""The band behind a solo, read back from the written MIDI as a musician would check it."""

import mido
import numpy as np
import pretty_midi
import pytest
from run_cli import one_line_error, run

from genapp.music.band import comping, swing_time, voice, walking_bass
from genapp.music.piece import Note
from genapp.music.progression import progression_from_text
from genapp.music.symbols import parse_symbol

TICKS = 480


def generate(tmp_path, jazz_bundle, *args, name="take.mid"):
    out = tmp_path / name
    result = run("generate", "--model", jazz_bundle, "--seed", 5, "--out", out, *args)
    assert result.exit_code == 0, result.output
    return out


def parts(path):
    """{track name: [(start tick, end tick, pitch, channel)]}"""
    out = {}
    for track in mido.MidiFile(path).tracks:
        t, on, notes = 0, {}, []
        for msg in track:
            t += msg.time
            if msg.type == "note_on" and msg.velocity > 0:
                on[msg.note] = (t, msg.channel)
            elif msg.type in ("note_off", "note_on") and msg.note in on:
                start, channel = on.pop(msg.note)
                notes.append((start, t, msg.note, channel))
        out[track.name] = sorted(notes)
    return out


def test_the_trio_is_on_named_tracks_with_general_midi_programs_and_drums_on_channel_10(tmp_path, jazz_bundle):
    path = generate(tmp_path, jazz_bundle, "--chords", "Dm7 G7 Cmaj7 A7", "--bars", 8)
    assert [t.name for t in mido.MidiFile(path).tracks] == ["genapp", "Melody", "Comping", "Bass", "Drums"]
    pm = pretty_midi.PrettyMIDI(str(path))
    programs = {i.name: (i.program, i.is_drum) for i in pm.instruments}
    assert programs["Comping"] == (0, False) and programs["Bass"] == (32, False) and programs["Drums"][1]
    assert {c for *_, c in parts(path)["Drums"]} == {9}
    assert programs["Melody"] == (pretty_midi.instrument_name_to_program("Tenor Sax"), False)


def test_walking_bass_plays_one_note_per_beat_in_range(tmp_path, jazz_bundle):
    path = generate(tmp_path, jazz_bundle, "--chords", "Dm7 G7 | Cmaj7 | F#m7b5 B7 | Em7", "--bars", 8,
                    "--swing", 1, "--humanize", 0)
    bass = parts(path)["Bass"]
    assert [start for start, *_ in bass] == [beat * TICKS for beat in range(8 * 4)]
    assert all(28 <= pitch <= 55 for _, _, pitch, _ in bass)  # E1..G3
    roots = {0: 2, 2: 7, 4: 0, 8: 6, 10: 11, 12: 4, 16: 2}  # beat -> the root of the chord arriving there
    assert all(bass[b][2] % 12 == pc for b, pc in roots.items())


def test_comping_sits_below_the_melody(tmp_path, jazz_bundle):
    path = generate(tmp_path, jazz_bundle, "--chords", "Dm7 G7 Cmaj7 Cmaj7", "--bars", 16, "--humanize", 0,
                    "--swing", 1)
    p = parts(path)
    melody, comp = p["Melody"], p["Comping"]
    below = []
    for start, end, pitch, _ in comp:
        sounding = [m for m in melody if m[0] < end and m[1] > start]
        if sounding:
            below.append(pitch < min(m[2] for m in sounding))
    assert len(below) > 20 and np.mean(below) >= 0.9, np.mean(below)


def test_swing_ratio_as_written_equals_the_option_within_a_tick(tmp_path, jazz_bundle):
    for ratio in (1.0, 2.0, 2.5):
        path = generate(tmp_path, jazz_bundle, "--chords", "C7 F7", "--bars", 8, "--swing", ratio, "--humanize", 0,
                        name=f"s{ratio}.mid")
        offbeats = [start % TICKS for start, *_ in parts(path)["Drums"] if start % TICKS]
        assert offbeats and all(abs(o - TICKS * ratio / (1 + ratio)) <= 1 for o in offbeats), (ratio, set(offbeats))
    assert swing_time(2.5, 2.0) == pytest.approx(2 + 2 / 3) and swing_time(3.0, 2.0) == 3.0


def test_same_seed_same_file_and_humanising_moves_notes(tmp_path, jazz_bundle):
    a = generate(tmp_path, jazz_bundle, "--bars", 4, name="a.mid")
    b = generate(tmp_path, jazz_bundle, "--bars", 4, name="b.mid")
    exact = generate(tmp_path, jazz_bundle, "--bars", 4, "--humanize", 0, name="c.mid")
    assert a.read_bytes() == b.read_bytes() != exact.read_bytes()


def test_no_chord_bars_have_no_comping_and_no_bass_and_a_slash_bass_is_played(tmp_path, jazz_bundle):
    path = generate(tmp_path, jazz_bundle, "--chords", "C7/E | N.C. | F7 | F7", "--bars", 4, "--humanize", 0,
                    "--swing", 1)
    p = parts(path)
    bar = 4 * TICKS
    assert not [n for n in p["Comping"] + p["Bass"] if bar <= n[0] < 2 * bar]
    assert p["Bass"][0][0] == 0 and p["Bass"][0][2] % 12 == 4  # E under C7/E on beat 1
    assert p["Drums"] and any(bar <= n[0] < 2 * bar for n in p["Melody"] + p["Drums"])


@pytest.mark.parametrize("band, tracks", [("none", ["genapp", "Melody", "Comping"]),
                                          ("comp", ["genapp", "Melody", "Comping"])])
def test_smaller_bands(tmp_path, jazz_bundle, band, tracks):
    path = generate(tmp_path, jazz_bundle, "--bars", 2, "--band", band, name=f"{band}.mid")
    assert [t.name for t in mido.MidiFile(path).tracks] == tracks
    assert bool(parts(path)["Comping"]) == (band == "comp")


def test_voicings_are_rootless_and_move_smoothly():
    chords = [parse_symbol(s) for s in ("Dm7", "G7", "Cmaj7", "A7(b9)")]
    previous, moves = None, []
    for chord in chords:
        v = voice(chord, 64, previous)
        assert max(v) <= 64 and chord.root not in {p % 12 for p in v} or chord.quality == "dim7"
        third = 3 if chord.quality == "m7" else 4
        assert (chord.root + third) % 12 in {p % 12 for p in v}  # the guide tones are there
        if previous:
            moves.append(sum(min(abs(p - q) for q in previous) for p in v) / len(v))
        previous = v
    assert np.mean(moves) <= 2.5  # on average a voice moves at most a whole step
    assert 1 in {(p - 9) % 12 for p in voice(chords[3], 64, None)}  # A7(b9) voices its b9 (B-flat)


def test_comping_and_bass_follow_the_progression_in_the_library():
    spans = progression_from_text("Dm7 G7 | Cmaj7").spans(2)
    rng = np.random.default_rng(0)
    comp = comping(spans, [Note(0, 8, 72)], 4.0, rng)
    assert comp and all(n.pitch < 72 for n in comp)
    bass = walking_bass(spans, rng)
    assert len(bass) == 8 and bass[0].pitch % 12 == 2 and bass[2].pitch % 12 == 7 and bass[4].pitch % 12 == 0


def test_bad_band_options_are_refused_before_the_model_loads(tmp_path):
    missing = tmp_path / "no-model"
    line = one_line_error(run("generate", "--model", missing, "--chords", "Dm7 Hm7", "--out", tmp_path / "x.mid"))
    assert line.startswith("Error: chord symbol 'Hm7': cannot read its root; genapp reads roots A-G")
    line = one_line_error(run("generate", "--model", missing, "--chords", "Dm7:3 | G7", "--out", tmp_path / "x.mid"))
    assert line.startswith("Error: --chords 'Dm7:3 | G7': bar 1 ('Dm7:3'): its chords last 3 beats")
    line = one_line_error(run("generate", "--model", missing, "--instrument", "kazoo", "--out", tmp_path / "x.mid"))
    assert line.startswith("Error: --instrument 'kazoo': expected a General MIDI number 1-128 or an instrument name")
    result = run("generate", "--model", missing, "--swing", 4, "--out", tmp_path / "x.mid")
    assert result.exit_code == 2 and result.stderr.strip().splitlines()[-1] == \
        "Error: Invalid value for '--swing': 4.0 is not in the range 1.0<=x<=3.0."
    assert not list(tmp_path.iterdir())


def test_the_trio_is_heard_in_the_audio(tmp_path):
    """The rendered WAV of the trio has the bass's low end and the ride's shimmer that the solo alone lacks."""
    import io
    import wave

    from genapp.music import outputs
    from genapp.music.arrangement import Arrangement

    spans = progression_from_text("Dm7 G7 Cmaj7 A7").spans(4)
    melody = [Note(b * 4.0 + i, 0.5, 72 + i) for b in range(4) for i in range(3)]
    shares = {}
    for band in ("trio", "none"):
        path = tmp_path / f"{band}.wav"
        outputs.write(Arrangement.from_solo(melody, spans, 120.0, "4/4", 4.0, 4, band=band, seed=1), path)
        with wave.open(io.BytesIO(path.read_bytes())) as w:
            x = np.frombuffer(w.readframes(w.getnframes()), np.int16).reshape(-1, w.getnchannels()).mean(axis=1)
            rate = w.getframerate()
        power = np.abs(np.fft.rfft(x)) ** 2
        freq = np.fft.rfftfreq(len(x), 1 / rate)
        shares[band] = (power[(freq > 30) & (freq < 150)].sum() / power.sum(), power[freq > 5000].sum() / power.sum())
    assert shares["trio"][0] > 10 * shares["none"][0]  # the bass
    assert shares["trio"][1] > shares["none"][1]  # the cymbals


def test_choruses_repeat_the_progression_and_exclude_bars(tmp_path, jazz_bundle):
    path = generate(tmp_path, jazz_bundle, "--chords", "Dm7 G7 | Cmaj7", "--choruses", 3, name="ch.mid")
    assert sum(m.time for m in mido.MidiFile(path).tracks[0]) == 3 * 2 * 4 * TICKS  # 3 choruses of 2 bars
    result = run("generate", "--model", jazz_bundle, "--bars", 16, "--choruses", 2, "--out", tmp_path / "x.mid")
    assert result.exit_code == 2 and "--choruses and --bars exclude each other" in result.stderr
