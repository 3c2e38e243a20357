import re

import numpy as np
import pytest

from genapp.errors import GenappError
from genapp.music.symbols import parse_chord_symbol
from genapp.music.theory import Chord, best_chord, note_type


@pytest.mark.parametrize(
    "text, symbol",
    [("Dm7", "Dm7"), ("G7", "G7"), ("Cmaj7", "Cmaj7"), ("Bb7", "Bb7"), ("Ebdim7", "Ebdim7"), ("F#m7b5", "F#m7b5"),
     ("C13", "C7(9,13)"), ("C/E", "C/E"), ("Gsus4", "Gsus4"), ("Caug", "Caug"), ("Cm(maj7)", "CmM7")],
)
def test_symbols_parse_and_print_back(text, symbol):
    chord = parse_chord_symbol(text)
    assert chord.symbol == symbol and parse_chord_symbol(chord.symbol) == chord


@pytest.mark.parametrize("text", ["H7", "xyz", "Cm(maj8)", "N.C."])
def test_unreadable_symbols_are_named(text):
    with pytest.raises(GenappError, match=re.escape(f"chord symbol {text!r}")):
        parse_chord_symbol(text)


def test_note_types_against_d_minor_seven():
    dm7 = parse_chord_symbol("Dm7")  # D F A C, dorian scale D E F G A B C
    assert [note_type(p, dm7) for p in (62, 65, 69, 72)] == ["C"] * 4
    assert [note_type(p, dm7) for p in (64, 67, 71)] == ["S"] * 3
    assert note_type(63, dm7) == "A"  # Eb: a semitone from D, not in dorian
    assert note_type(66, dm7) == "A"  # F#: a semitone from F


def test_best_chord_from_pitch_class_durations():
    w = np.zeros(12)
    w[[7, 11, 2, 5]] = [2, 1, 1, 1]  # G B D F
    bass = np.zeros(12)
    bass[7] = 2
    chord, _ = best_chord(w, bass)
    assert chord == Chord(7, "7")
