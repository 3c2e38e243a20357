"""Chord progressions from text: bars, lengths, time signatures, N.C., and refusals instead of rounding."""

import pytest

from genapp.errors import GenappError
from genapp.music.progression import choose_progression, parse_progression, progression_from_text


def shape(bars):
    return [[(o, d, c.symbol if c else None) for o, d, c in bar] for bar in bars]


def test_one_bar_per_chord_without_bar_lines():
    assert shape(parse_progression("Dm7 G7 Cmaj7")) == [[(0, 4, "Dm7")], [(0, 4, "G7")], [(0, 4, "Cmaj7")]]


def test_bar_lines_share_a_bar_evenly_and_double_bars_are_bar_lines():
    assert shape(parse_progression("D-7 G7 | CΔ7 || N.C.")) == [
        [(0, 2, "Dm7"), (2, 2, "G7")], [(0, 4, "Cmaj7")], [(0, 4, None)]]


def test_lengths_in_beats_and_commas():
    assert shape(parse_progression("Dm7:2 G7:2 Cmaj7")) == [[(0, 2, "Dm7"), (2, 2, "G7")], [(0, 4, "Cmaj7")]]
    assert shape(parse_progression("Dm7,G7")) == [[(0, 4, "Dm7")], [(0, 4, "G7")]]
    assert shape(parse_progression("C:8")) == [[(0, 4, "C")], [(0, 4, "C")]]  # across a bar line
    assert shape(parse_progression("Dm7 G7:1 C7:1 | F", "4/4")) == [[(0, 2, "Dm7"), (2, 1, "G7"), (3, 1, "C7")],
                                                                    [(0, 4, "F")]]


def test_a_time_signature_sets_the_bar():
    prog = progression_from_text("Cm7 | F7 | Bbmaj7:2 Eb:1", time_signature="3/4")
    assert prog.measure_length == 3.0 and prog.time_signature == "3/4"
    assert shape(prog.bars)[2] == [(0, 2, "Bbmaj7"), (2, 1, "Eb")]
    assert progression_from_text("C | G", time_signature="6/8").measure_length == 3.0


@pytest.mark.parametrize("text, message", [
    ("Dm7 G7 Cmaj7 | F7", "bar 1 ('Dm7 G7 Cmaj7'): 3 chords cannot share its 4 remaining beats evenly"),
    ("Dm7 G7 Cmaj7 ||", "bar 1 ('Dm7 G7 Cmaj7'): 3 chords cannot share its 4 remaining beats evenly"),
    ("Dm7:3 | G7", "bar 1 ('Dm7:3'): its chords last 3 beats; a bar of this time signature has 4 beats"),
    ("Dm7:3 G7:3 |", "bar 1 ('Dm7:3 G7:3'): its chords last 6 beats"),
    ("Dm7:3", "the chords last 3 beats; a progression fills whole bars of 4 beats"),
    ("", "chords: empty"),
])
def test_lengths_that_do_not_fill_bars_are_refused(text, message):
    with pytest.raises(GenappError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_progression(text)


def test_n_c_is_silent_and_carries_the_chord_before():
    spans = progression_from_text("C7 | N.C. | F7").spans(4)
    assert [(s.chord.symbol, s.silent) for s in spans] == [("C7", False), ("C7", True), ("F7", False), ("C7", False)]
    with pytest.raises(GenappError, match="every bar is N.C."):
        progression_from_text("N.C. | N.C.").spans(2)


def test_choose_progression_checks_its_options():
    with pytest.raises(GenappError, match="time_signature '7/3': expected beats/unit"):
        choose_progression("C", time_signature="7/3")
    with pytest.raises(GenappError, match="chords and backing exclude each other"):
        choose_progression("C", "tune.mid")
    assert choose_progression("C F", tempo=90).tempo == 90
