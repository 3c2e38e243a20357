"""Hear it and see it: WAV audio from a real SoundFont synthesizer, a piano-roll PNG, MusicXML notation."""

import io
import os
import wave
from pathlib import Path

import numpy as np
import pytest
from music21 import converter, harmony
from run_cli import one_line_error, run

from genapp.errors import GenappError
from genapp.music import audio, outputs
from genapp.music.arrangement import Arrangement
from genapp.music.midi_out import midi_bytes
from genapp.music.pianoroll import draw
from genapp.music.piece import ChordSpan, Note
from genapp.music.progression import parse_progression

CHORDS = [ChordSpan(i * 4.0, 4.0, bar[0][2]) for i, bar in enumerate(parse_progression("Dm7 G7 Cmaj7 Bbm7b5"))]
MELODY = [Note(0, 1, 62), Note(1, 0.5, 65), Note(1.5, 0.5, 65), Note(4, 2, 71), Note(8, 1 / 3, 72),
          Note(8 + 1 / 3, 1 / 3, 74), Note(8 + 2 / 3, 1 / 3, 76), Note(13, 3, 76)]


def solo(bars=4, tempo=120.0, melody=MELODY, chords=CHORDS, program=66):
    return Arrangement.from_solo(melody, chords, tempo, "4/4", 4.0, bars, program, "test")


def samples(path_or_bytes) -> tuple[np.ndarray, int]:
    """(samples as float in [-1, 1], shape (n, channels)), sample rate."""
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
    with wave.open(io.BytesIO(data)) as w:
        assert w.getsampwidth() == 2, "16-bit PCM"
        frames = np.frombuffer(w.readframes(w.getnframes()), np.int16).reshape(-1, w.getnchannels())
        return frames / 32768.0, w.getframerate()


# ---- WAV ------------------------------------------------------------------------------------


def test_wav_has_the_length_level_and_format_of_the_solo(tmp_path):
    path = tmp_path / "solo.wav"
    outputs.write(solo(), path)
    x, rate = samples(path)
    assert rate in (44100, 48000) and x.shape[1] == 2  # stereo
    seconds, expected = len(x) / rate, 4 * 4 * 60 / 120
    assert expected <= seconds <= expected + 2.0, seconds  # the bars, then a release tail of at most 2 s
    rms = np.sqrt((x ** 2).mean())
    assert rms > 0.005, "not silent"
    assert np.abs(x).max() < 32767 / 32768, "not clipped"
    assert 20 * np.log10(np.abs(x).max()) == pytest.approx(-1.0, abs=0.1), "the peak at -1 dBFS"
    start = x[: rate // 20]  # the first 50 ms: the first note is on the downbeat
    assert np.sqrt((start ** 2).mean()) > 0.001, "no silence at the start"
    assert os.listdir(tmp_path) == ["solo.wav"]


def _spectrum(x: np.ndarray, rate: int) -> tuple[np.ndarray, np.ndarray]:
    mono = x.mean(axis=1)
    magnitude = np.abs(np.fft.rfft(mono * np.hanning(len(mono))))
    return np.fft.rfftfreq(len(mono), 1 / rate), magnitude


def test_a_sounds_at_440_hz(tmp_path):
    a4 = Arrangement([Note(0, 4, 69)], [], [], tempo=120, measures=1, melody_program=73)  # A4 for 2 s, a flute
    x, rate = samples(audio.render_wav(midi_bytes(a4), audio.read_soundfont(None)))
    freqs, magnitude = _spectrum(x, rate)
    peak = freqs[np.argmax(magnitude[freqs > 50]) + np.count_nonzero(freqs <= 50)]
    assert abs(peak - 440) / 440 < 0.02, peak


def test_the_solo_and_comping_instruments_sound_different(tmp_path):
    def spectrum(program):
        one = Arrangement([Note(0, 4, 60)], [], [], tempo=120, measures=1, melody_program=program)
        x, rate = samples(audio.render_wav(midi_bytes(one), audio.read_soundfont(None)))
        freqs, magnitude = _spectrum(x, rate)
        keep = freqs < 5000
        return magnitude[keep] / np.linalg.norm(magnitude[keep])

    sax, piano = spectrum(66), spectrum(4)  # the default solo and comping programs
    assert float(sax @ piano) < 0.9, "two General MIDI programs should not give the same spectrum"
    assert float(sax @ spectrum(66)) > 0.999  # and the same program does


def test_bad_soundfonts_are_refused_in_one_line(tmp_path):
    with pytest.raises(GenappError, match="no such file"):
        audio.read_soundfont(tmp_path / "none.sf2")
    text = tmp_path / "notes.sf2"
    text.write_text("not a soundfont")
    with pytest.raises(GenappError, match=r"not a SoundFont \(expected a .sf2 file"):
        audio.read_soundfont(text)
    broken = tmp_path / "broken.sf2"
    broken.write_bytes(b"RIFF\x00\x00\x00\x00sfbk" + b"garbage" * 10)
    with pytest.raises(GenappError, match="the synthesizer could not render with this SoundFont"):
        audio.write_wav(tmp_path / "x.wav", midi_bytes(solo()), audio.read_soundfont(broken))
    assert sorted(os.listdir(tmp_path)) == ["broken.sf2", "notes.sf2"], "nothing half-written"


# ---- piano roll -----------------------------------------------------------------------------


def test_piano_roll_draws_every_note_once(tmp_path):
    from PIL import Image

    a = solo()
    drawn = draw(a, tmp_path / "roll.png")
    assert drawn == len(a.melody) + len(a.comping) + len(a.bass) and a.bass
    image = Image.open(tmp_path / "roll.png")
    assert image.size == (1600, 420)
    pixels = np.asarray(image.convert("RGB")).reshape(-1, 3)
    assert (pixels == (209, 73, 91)).all(axis=1).sum() > 100, "melody colour present"
    assert (pixels == (91, 141, 184)).all(axis=1).sum() > 100, "comping colour present"


def test_a_long_piece_wraps_into_rows(tmp_path):
    from PIL import Image

    chords = [ChordSpan(i * 4.0, 4.0, CHORDS[i % 4].chord) for i in range(40)]
    a = solo(bars=40, chords=chords)
    drawn = draw(a, tmp_path / "long.png")
    assert Image.open(tmp_path / "long.png").size == (1600, 3 * 420)
    assert drawn == len(MELODY) + len(a.comping) + len(a.bass) and len(a.bass) == 40 * 4  # a walking bass note a beat


# ---- MusicXML -------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".musicxml", ".mxl"])
def test_musicxml_reads_back_with_the_same_notes_measures_and_chords(tmp_path, suffix):
    a = solo(bars=5)
    path = tmp_path / f"solo{suffix}"
    outputs.write(a, path)
    score = converter.parse(str(path))
    melody, comping, bass = score.parts
    assert [len(p.getElementsByClass("Measure")) for p in score.parts] == [5, 5, 5]
    notes = [(float(n.offset), float(n.quarterLength), n.pitch.midi) for n in melody.flatten().stripTies().notes
             if not isinstance(n, harmony.ChordSymbol)]
    assert notes == pytest.approx([(n.start, n.duration, n.pitch) for n in a.melody])
    symbols = list(melody.flatten().getElementsByClass(harmony.ChordSymbol))
    assert [float(s.offset) for s in symbols] == [0, 4, 8, 12]
    assert [{p.pitchClass for p in s.pitches} for s in symbols] == [set(c.chord.pitch_classes) for c in CHORDS]
    chords = [(float(c.offset), sorted(p.midi for p in c.pitches)) for c in comping.flatten().stripTies().notes]
    starts = sorted({n.start for n in a.comping})[:4]
    assert chords[:4] == [(t, sorted({n.pitch for n in a.comping if n.start == t})) for t in starts]


# ---- the command line -----------------------------------------------------------------------


def test_generate_writes_every_format_of_the_same_take(tmp_path, jazz_bundle):
    outs = [tmp_path / f"take{s}" for s in (".mid", ".wav", ".png", ".musicxml")]
    args = [a for o in outs for a in ("--out", o)]
    result = run("generate", "--model", jazz_bundle, "--bars", 4, "--seed", 2, "--count", 2, *args)
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(tmp_path)) == sorted(f"take-{k}{s}" for k in (1, 2) for s in (".mid", ".wav", ".png", ".musicxml"))
    import pretty_midi

    midi = pretty_midi.PrettyMIDI(str(tmp_path / "take-1.mid")).instruments[0].notes
    xml = converter.parse(str(tmp_path / "take-1.musicxml")).parts[0].flatten().stripTies().notes
    assert [n.pitch for n in midi] == [n.pitch.midi for n in xml if not isinstance(n, harmony.ChordSymbol)]


def test_render_any_music_file(tmp_path, jazz_corpus):
    result = run("render", jazz_corpus / "one.mid", tmp_path / "one.wav", tmp_path / "one.png", tmp_path / "one.mxl")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].startswith(f"wrote {tmp_path / 'one.png'}: piano roll, ")
    x, rate = samples(tmp_path / "one.wav")
    assert 16 * 60 / 120 <= len(x) / rate <= 16 * 60 / 120 + 2.5  # the file's own 4 bars at 120 bpm, drums included
    result = run("render", jazz_corpus / "blues.abc", tmp_path / "blues.wav")
    assert result.exit_code == 0, result.output
    assert len(samples(tmp_path / "blues.wav")[0]) / 48000 == pytest.approx(8 * 4 * 60 / 140 + audio.TAIL_SECONDS, abs=0.3)


def test_bad_outputs_are_refused_before_the_model_loads(tmp_path, jazz_bundle):
    line = one_line_error(run("generate", "--model", tmp_path / "no-model", "--out", tmp_path / "solo.mp3"))
    assert line == (f"Error: --out {tmp_path / 'solo.mp3'}: unknown extension '.mp3'; genapp writes .mid, .midi, .wav, "
                    ".png, .musicxml, .mxl")
    line = one_line_error(run("generate", "--model", jazz_bundle, "--out", tmp_path / "s.wav", "--soundfont",
                              tmp_path / "none.sf2"))
    assert line == f"Error: --soundfont {tmp_path / 'none.sf2'}: no such file"
    result = run("generate", "--model", jazz_bundle, "--out", tmp_path / "s.mid", "--soundfont", tmp_path / "none.sf2")
    assert result.exit_code == 2 and result.stderr.strip().splitlines()[-1] == "Error: --soundfont applies only to .wav outputs"
    line = one_line_error(run("render", "music21:leadSheet/fosterBrownHair", tmp_path / "nowhere" / "x.wav"))
    assert line == f"Error: output {tmp_path / 'nowhere' / 'x.wav'}: folder {tmp_path / 'nowhere'} does not exist"
    empty = tmp_path / "empty.mid"
    from midi_files import write

    write(empty, [{"name": "A", "channel": 0, "notes": []}])
    line = one_line_error(run("render", empty, tmp_path / "e.wav"))
    assert line == f"Error: {empty}: has no notes"
    assert sorted(os.listdir(tmp_path)) == ["empty.mid"], "nothing half-written"
