"""The statistics a musician checks, on a melody whose answers are known by hand."""

import pytest
from run_cli import run

from genapp.music.piece import Note, Piece
from genapp.music.progression import progression_from_text
from genapp.music.stats import solo_stats


def piece(melody, chords="C7 F7", bars=2):
    return Piece("hand.mid", melody, progression_from_text(chords).spans(bars), 4.0, "4/4", 120.0, bars, "#1", "", "")


def test_known_answers():
    # bar 1 over C7: C (chord tone, beat), D (scale), E (chord tone, beat), F# (no), G (chord tone, off the grid)
    # bar 2 over F7: F (beat, chord tone), then F (repeat), A (leap of 16 to A6? no: 69 -> 85 is 16 > 12)
    melody = [Note(0, 0.5, 60), Note(0.5, 0.5, 62), Note(1, 1, 64), Note(2, 1, 66), Note(3.25, 0.5, 67),
              Note(4, 1, 65), Note(5, 1, 65), Note(6, 1, 69), Note(7, 1, 85)]
    s = solo_stats([piece(melody)])
    assert (s.notes, s.bars, s.range, s.longest_repeat) == (9, 2, 25, 2)
    assert s.in_scale == pytest.approx(7 / 9)  # all but F# over C7 and C#6 (85) over F7
    assert s.chord_tones_on_beats == pytest.approx(5 / 7)  # on beats: C E F# F F A C#; chord tones: C E F F A
    assert s.on_grid == pytest.approx(8 / 9) and s.notes_per_bar == 4.5
    assert s.octave_leaps == pytest.approx(1 / 8)
    assert s.motifs == 0.0


def test_a_repeated_motif_is_counted():
    cell = [0, 2, 4, 0]  # a four-note figure, played three times a step apart
    melody = [Note(bar * 2.0 + i * 0.5, 0.5, 60 + bar * 2 + c) for bar in range(3) for i, c in enumerate(cell)]
    s = solo_stats([piece(melody, "C", 2)])
    assert s.motifs > 0.4


def test_stats_command_prints_both_columns(tmp_path, jazz_bundle):
    out = tmp_path / "take.mid"
    assert run("generate", "--model", jazz_bundle, "--bars", 4, "--seed", 2, "--out", out).exit_code == 0
    result = run("stats", out, "--compare", out)
    assert result.exit_code == 0, result.output
    header, *rows = result.stdout.splitlines()
    assert header == "statistic\tsources\tcompare"
    values = {r.split("\t")[0]: r.split("\t")[1:] for r in rows}
    assert values["bars"] == ["4", "4"] and values["in_scale"][0] == values["in_scale"][1]
    assert float(values["in_scale"][0]) > 0.5  # the chords were read back from the file's chord texts
