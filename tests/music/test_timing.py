"""Played MIDI onto the grid a musician would write: straight or triplet, legato joined, free time flagged."""

import numpy as np
import pytest

from genapp.music.piece import Note
from genapp.music.timing import choose_grid, fold_gaps, quantise

RNG = np.random.default_rng(0)


def wobble(onsets, spread=0.03):
    return np.asarray(onsets) + RNG.uniform(-spread, spread, len(onsets))


def test_straight_sixteenths_played_loosely():
    played = wobble([i * 0.25 for i in range(64)])
    grid = choose_grid(played)
    assert grid.name == "straight 16ths" and grid.fits
    notes = quantise([Note(t, 0.2, 60) for t in played], grid.step)
    assert [n.start for n in notes] == [i * 0.25 for i in range(64)]
    assert all(n.duration == 0.25 for n in notes)  # at least one step


def test_swung_eighths_are_triplets_and_swung_sixteenths_sextuplets():
    swung = wobble([b + x for b in range(16) for x in (0, 2 / 3)])
    assert choose_grid(swung).name == "eighth-note triplets"
    sixteenths = wobble([b + x for b in range(16) for x in (0, 1 / 3, 2 / 3, 5 / 6)], 0.01)
    assert choose_grid(sixteenths).name == "16th-note triplets"


def test_free_time_is_flagged():
    assert not choose_grid(RNG.uniform(0, 64, 200)).fits


def test_legato_gaps_are_joined_and_real_rests_kept():
    melody = [Note(0, 0.9, 60), Note(1, 0.5, 62), Note(2, 1, 64)]  # a 0.1 gap (legato) and a 0.5 rest
    assert fold_gaps(melody) == [Note(0, 1, 60), Note(1, 0.5, 62), Note(2, 1, 64)]


def test_a_played_midi_file_is_read_on_its_grid(tmp_path):
    from midi_files import write

    from genapp.music.reading import read_source

    onsets = wobble([i * 0.5 for i in range(32)])
    lead = [(float(t), 0.4, 60 + i % 12) for i, t in enumerate(onsets)]
    path = write(tmp_path / "played.mid", [{"name": "Sax", "program": 65, "channel": 0, "notes": lead}])
    [piece] = read_source(str(path))
    assert [n.start for n in piece.melody] == [i * 0.5 for i in range(32)]
    assert all(n.duration == 0.5 for n in piece.melody[:-1])  # the 0.1 gaps were legato
    assert any(note.startswith("timing: put on straight 16ths") for note in piece.notes)


def test_a_played_line_is_written_out_on_sixteenths_and_triplets():
    from genapp.music.timing import write_out, written_fit

    # a 32nd late on the beat, a swung "and" at 5/8 of the beat, a 16th at 3/4, a note at 7/24 (as near 1/4 as 1/3)
    played = [Note(1 / 8, 0.25, 60), Note(5 / 8, 1 / 8, 62), Note(3 / 4, 1 / 4, 64), Note(1 + 7 / 24, 0.5, 65)]
    assert written_fit(played) == pytest.approx(0.25)  # only the 16th is written where it is played
    out = write_out(played)
    assert [(n.start, n.pitch) for n in out] == [(0.0, 60), (pytest.approx(2 / 3), 62), (0.75, 64),
                                                  (1.25, 65)]
    assert written_fit(out) == 1.0 and all(n.duration > 0 for n in out)


def test_two_notes_written_onto_one_onset_keep_the_higher():
    from genapp.music.timing import write_out

    out = write_out([Note(0.0, 0.1, 60), Note(0.05, 0.2, 67)])
    assert [(n.start, n.pitch) for n in out] == [(0.0, 67)] and out[0].duration == 0.25


def test_a_short_last_note_played_late_stays_in_its_bar():
    # a 16th played late at the very end of bar 4 (15.896 to 16.0): rounding its onset would start it at 16.0
    [note] = quantise([Note(15.896, 0.104, 74)], 1 / 3)
    assert note.start == pytest.approx(15 + 2 / 3) and note.end == pytest.approx(16.0)
