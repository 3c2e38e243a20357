"""`genapp train-jazz`, `genapp generate` and `genapp corpus` from the command line."""

import os
import re
import shutil

import mido
import pretty_midi
import pytest
from music21 import converter
from run_cli import run


def error_line(result, code=1):
    assert result.exit_code == code, result.output
    return result.stderr.strip().splitlines()[-1]


def test_generate_writes_exactly_the_bars_on_named_tracks(tmp_path, jazz_bundle):
    out = tmp_path / "solo.mid"
    result = run("generate", "--model", jazz_bundle, "--chords", "Dm7 G7 Cmaj7 Cmaj7", "--bars", 6, "--tempo", 90,
                 "--seed", 1, "--out", out, "--instrument", "Trumpet")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"wrote {out}: 6 bars of 4/4 at 90 bpm, ")
    assert [t.name for t in mido.MidiFile(out).tracks] == ["genapp", "Melody", "Comping", "Bass", "Drums"]
    pm = pretty_midi.PrettyMIDI(str(out))
    assert pm.instruments[0].program == pretty_midi.instrument_name_to_program("Trumpet")
    bars_in_ticks = 6 * 4 * pm.resolution  # exact, unlike seconds (MIDI stores 90 bpm as 666,667 us per beat)
    assert max(pm.time_to_tick(n.end) for n in pm.instruments[0].notes) <= bars_in_ticks
    assert max(pm.time_to_tick(n.end) for i in pm.instruments for n in i.notes) <= bars_in_ticks
    assert sum(msg.time for msg in mido.MidiFile(out).tracks[0]) == bars_in_ticks  # the file lasts exactly the bars
    assert len(converter.parse(str(out)).parts) == 4
    again = tmp_path / "again.mid"
    run("generate", "--model", jazz_bundle, "--chords", "Dm7 G7 Cmaj7 Cmaj7", "--bars", 6, "--tempo", 90, "--seed", 1,
        "--out", again, "--instrument", "Trumpet")
    assert again.read_bytes() == out.read_bytes()


def test_count_backing_and_primer(tmp_path, jazz_bundle, jazz_corpus):
    result = run("generate", "--model", jazz_bundle, "--backing", jazz_corpus / "one.mid", "--count", 2,
                 "--primer", jazz_corpus / "blues.abc", "--out", tmp_path / "take.mid", "--temperature", 0)
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(tmp_path)) == ["take-1.mid", "take-2.mid"]
    assert "chords from one.mid" in result.stdout and result.stdout.count("wrote") == 2


def test_temperature_and_rhythm_temperature_zero_are_greedy(tmp_path, jazz_bundle):
    def melody(seed, *temperatures):
        out = tmp_path / f"{seed}{len(temperatures)}.mid"
        result = run("generate", "--model", jazz_bundle, "--chords", "Dm7 G7 Cmaj7 A7", "--band", "none", "--humanize",
                     0, "--seed", seed, "--out", out, *temperatures)
        assert result.exit_code == 0, result.output
        return [(n.start, n.pitch) for n in pretty_midi.PrettyMIDI(str(out)).instruments[0].notes]

    greedy = ("--temperature", 0, "--rhythm-temperature", 0)
    assert melody(1, *greedy) == melody(2, *greedy)
    assert melody(1, "--temperature", 0) != melody(2, "--temperature", 0)  # the rhythm is still sampled


@pytest.mark.parametrize(
    "args, line",
    [
        (["--chords", "Dm7 H7"], "Error: chord symbol 'H7': cannot read its root; genapp reads roots A-G with b or #; "
                                 "qualities m mi min - maj7 M7 Δ ^ 6 6/9 7 9 11 13 alt sus sus2 sus4 ø m7b5 ° dim dim7 + "
                                 "aug mM7; tensions b9 9 #9 11 #11 b13 13 b5 #5 add9, in parentheses or not; a slash "
                                 "bass (C/E); N.C."),
        (["--bars", "0"], "Error: Invalid value for '--bars': 0 is not in the range 1<=x<=1000."),
        (["--temperature", "-0.5"], "Error: Invalid value for '--temperature' / '-t': -0.5 is not in the range x>=0."),
        (["--rhythm-temperature", "x"], "Error: Invalid value for '--rhythm-temperature': 'x' is not a valid float range."),
        (["--instrument", "kazoo"], "Error: --instrument 'kazoo': expected a General MIDI number 1-128 or an instrument "
                                    "name such as 'Tenor Sax', 'Trumpet', 'Vibraphone', 'Acoustic Grand Piano', "
                                    "'Acoustic Bass'"),
        (["--instrument", "0"], "Error: --instrument '0': expected a General MIDI number 1-128 or an instrument "
                                "name such as 'Tenor Sax', 'Trumpet', 'Vibraphone', 'Acoustic Grand Piano', "
                                "'Acoustic Bass'"),
    ],
)
def test_bad_options(tmp_path, jazz_bundle, args, line):
    result = run("generate", "--model", jazz_bundle, "--out", tmp_path / "x.mid", *args)
    assert result.exit_code in (1, 2) and result.stderr.strip().splitlines()[-1] == line
    assert not (tmp_path / "x.mid").exists()


def test_output_folder_missing(tmp_path, jazz_bundle):
    line = error_line(run("generate", "--model", jazz_bundle, "--out", tmp_path / "no" / "x.mid"))
    assert line == f"Error: --out {tmp_path / 'no' / 'x.mid'}: folder {tmp_path / 'no'} does not exist"


def test_models_missing_partial_and_foreign(tmp_path, jazz_bundle, tiny_bundle):
    out = tmp_path / "x.mid"
    assert error_line(run("generate", "--model", tmp_path / "none", "--out", out)).startswith(
        f"Error: --model {tmp_path / 'none'}: no such model folder; genapp's shipped models are in ")
    partial = tmp_path / "partial"
    shutil.copytree(jazz_bundle, partial)
    (partial / "config.json").unlink()
    assert "incomplete, missing config.json" in error_line(run("generate", "--model", partial, "--out", out))
    assert error_line(run("generate", "--model", tiny_bundle, "--out", out)) == \
        f"Error: model bundle {tiny_bundle}: is a 'names' model; this command needs a 'jazz' model"
    assert not out.exists()


def test_backing_without_harmony(tmp_path, jazz_bundle):
    from midi_files import DRUMS, write

    drums = write(tmp_path / "drums.mid", [{"name": "Kit", "channel": 9, "notes": DRUMS}])
    line = error_line(run("generate", "--model", jazz_bundle, "--backing", drums, "--out", tmp_path / "x.mid"))
    assert line == f"Error: --backing {drums}: has only drum notes; nothing to take a melody from"


def test_train_jazz_on_a_user_folder_then_generate(tmp_path, jazz_corpus):
    out = tmp_path / "mine"
    result = run("train-jazz", "--corpus", jazz_corpus, "--out", out, "--epochs", 2, "--units", 8, "--tx", 8)
    assert result.exit_code == 0, result.output
    assert "training the improv jazz LSTM (n_a 8, Tx 8" in result.stderr and "bundle written to" in result.stderr
    assert "nats/event held out" in result.stderr
    assert run("generate", "--model", out, "--out", tmp_path / "s.mid", "--bars", 2).exit_code == 0


def test_train_jazz_classic_representation_then_generate(tmp_path, jazz_corpus):
    out = tmp_path / "classic"
    result = run("train-jazz", "--corpus", jazz_corpus, "--out", out, "--epochs", 1, "--units", 8, "--tx", 8,
                 "--representation", "classic")
    assert result.exit_code == 0, result.output
    assert "training the classic jazz LSTM (n_a 8, Tx 8" in result.stderr
    assert run("generate", "--model", out, "--out", tmp_path / "s.mid", "--bars", 2).exit_code == 0
    line = error_line(run("train-jazz", "--corpus", jazz_corpus, "--out", tmp_path / "u", "--graph", "unrolled"))
    assert line == ("Error: --graph unrolled: the unrolled graph is the classic model's; add --representation "
                    "classic, or leave --graph out")
    assert not (tmp_path / "u").exists()
    line = error_line(run("train-jazz", "--corpus", jazz_corpus, "--out", out, "--resume", "--representation",
                          "improv"))
    assert line.startswith("Error: --representation improv: the model in ") and "has representation classic" in line


def test_train_jazz_corpus_too_small_leaves_nothing(tmp_path, jazz_corpus):
    line = error_line(run("train-jazz", "--corpus", jazz_corpus / "blues.abc", "--out", tmp_path / "m", "--tx", 400,
                          "--representation", "classic"))
    assert line.startswith("Error: corpus too small: its longest piece has ") and "--tx 400 needs at least 400" in line
    assert not (tmp_path / "m").exists()


def test_corpus_report(jazz_corpus, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(jazz_corpus, bad)
    (bad / "broken.mid").write_bytes(b"MThd\x00")
    result = run("corpus", bad)
    assert result.exit_code == 0
    assert "melody: #2 'Lead' (best lead-line score: named 'Lead'" in result.stdout
    assert "chords from accompaniment: C F G7" in result.stdout and "chords from symbols: F7 Bb7 C7" in result.stdout
    assert f"skipped {bad / 'broken.mid'}: truncated: the MIDI header is incomplete" in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("total: 3 pieces (")
    assert re.search(r"total: .* \d+ events; classic: \d+ values", result.stdout)
    assert re.search(r"4/4, 120 bpm, 4 measures, \d+ notes, \d+ events \(\d+ classic values\)", result.stdout)


def test_without_bars_a_take_is_whole_choruses_of_at_least_sixteen_bars(tmp_path, jazz_bundle):
    blues = "F7 | Bb7 | F7 | F7 | Bb7 | Bb7 | F7 | D7 | Gm7 | C7 | F7 | C7"
    result = run("generate", "--model", jazz_bundle, "--chords", blues, "--seed", 1, "--out", tmp_path / "b.mid")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"wrote {tmp_path / 'b.mid'}: 24 bars of 4/4")  # two choruses, not 16 bars
    short = run("generate", "--model", jazz_bundle, "--chords", blues, "--bars", 16, "--seed", 1,
                "--out", tmp_path / "s.mid")
    assert short.stdout.startswith(f"wrote {tmp_path / 's.mid'}: 16 bars of 4/4")  # asked for: as asked


def test_a_shipped_corpus_is_addressed_by_name(tmp_path):
    result = run("corpus", "wjd", "jazz")
    assert result.exit_code == 0, result.output
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("total: 424 pieces") and " 0 skipped" in last  # 410 real solos + 14 composed pieces
    line = error_line(run("corpus", "wjdx"))
    assert line == "Error: source wjdx: no such file or folder"
