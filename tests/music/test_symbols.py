"""Chord symbols as lead sheets write them: a table of spellings, checked against music21 where it agrees."""

import pytest

from genapp.errors import GenappError
from genapp.music.symbols import parse_symbol

# (symbol, its pitch classes: chord tones, tensions and bass)
ROWS = [
    ("C", {0, 4, 7}), ("Cm", {0, 3, 7}), ("Cmi", {0, 3, 7}), ("Cmin", {0, 3, 7}), ("C-", {0, 3, 7}),
    ("C7", {0, 4, 7, 10}), ("Cmaj7", {0, 4, 7, 11}), ("CM7", {0, 4, 7, 11}), ("Cma7", {0, 4, 7, 11}),
    ("CMaj7", {0, 4, 7, 11}), ("CΔ", {0, 4, 7, 11}), ("CΔ7", {0, 4, 7, 11}), ("C^7", {0, 4, 7, 11}),
    ("C^", {0, 4, 7, 11}), ("Cj7", {0, 4, 7, 11}), ("Cm7", {0, 3, 7, 10}), ("C-7", {0, 3, 7, 10}),
    ("Cmi7", {0, 3, 7, 10}), ("Cmin7", {0, 3, 7, 10}), ("Cm7b5", {0, 3, 6, 10}), ("C-7b5", {0, 3, 6, 10}),
    ("Cø", {0, 3, 6, 10}), ("Cø7", {0, 3, 6, 10}), ("Cm7(b5)", {0, 3, 6, 10}), ("Cmi7b5", {0, 3, 6, 10}),
    ("Cdim", {0, 3, 6}), ("C°", {0, 3, 6}), ("Co", {0, 3, 6}), ("Cdim7", {0, 3, 6, 9}), ("C°7", {0, 3, 6, 9}),
    ("Co7", {0, 3, 6, 9}), ("Caug", {0, 4, 8}), ("C+", {0, 4, 8}), ("C+7", {0, 4, 8, 10}), ("Caug7", {0, 4, 8, 10}),
    ("C7#5", {0, 4, 8, 10}), ("C7+5", {0, 4, 8, 10}), ("Cmaj7#5", {0, 4, 8, 11}), ("C+maj7", {0, 4, 8, 11}),
    ("Csus", {0, 5, 7}), ("Csus4", {0, 5, 7}), ("Csus2", {0, 2, 7}), ("C7sus4", {0, 5, 7, 10}),
    ("C7sus", {0, 5, 7, 10}), ("C9sus4", {0, 2, 5, 7, 10}), ("C6", {0, 4, 7, 9}), ("Cm6", {0, 3, 7, 9}),
    ("C-6", {0, 3, 7, 9}), ("C6/9", {0, 2, 4, 7, 9}), ("C69", {0, 2, 4, 7, 9}), ("Cm6/9", {0, 2, 3, 7, 9}),
    ("Cadd9", {0, 2, 4, 7}), ("C9", {0, 2, 4, 7, 10}), ("C11", {0, 2, 4, 5, 7, 10}), ("C13", {0, 2, 4, 7, 9, 10}),
    ("Cmaj9", {0, 2, 4, 7, 11}), ("CΔ9", {0, 2, 4, 7, 11}), ("Cmaj13", {0, 2, 4, 7, 9, 11}),
    ("Cm9", {0, 2, 3, 7, 10}), ("C-9", {0, 2, 3, 7, 10}), ("Cm11", {0, 2, 3, 5, 7, 10}),
    ("CmM7", {0, 3, 7, 11}), ("Cm(maj7)", {0, 3, 7, 11}), ("C-Δ7", {0, 3, 7, 11}), ("CmMaj7", {0, 3, 7, 11}),
    ("C-maj7", {0, 3, 7, 11}), ("C7b9", {0, 1, 4, 7, 10}), ("C7(b9)", {0, 1, 4, 7, 10}),
    ("C7#9", {0, 3, 4, 7, 10}), ("C7(#9)", {0, 3, 4, 7, 10}), ("C7#11", {0, 4, 6, 7, 10}),
    ("C7b13", {0, 4, 7, 8, 10}), ("C7(b9,#11)", {0, 1, 4, 6, 7, 10}), ("C7(#9 b13)", {0, 3, 4, 7, 8, 10}),
    ("C7alt", {0, 1, 3, 4, 6, 7, 8, 10}), ("C13#11", {0, 2, 4, 6, 7, 9, 10}), ("Cmaj7#11", {0, 4, 6, 7, 11}),
    ("CΔ7#11", {0, 4, 6, 7, 11}), ("C/E", {0, 4, 7}), ("Cm7/Bb", {0, 3, 7, 10}), ("D7/F#", {2, 6, 9, 0}),
    ("F#7", {6, 10, 1, 4}), ("C#m7", {1, 4, 8, 11}), ("Bbm7", {10, 1, 5, 8}), ("Ebmaj7", {3, 7, 10, 2}),
    ("Abø", {8, 11, 2, 6}), ("Db7b9", {1, 2, 5, 8, 11}), ("Gb6", {6, 10, 1, 3}), ("B-7", {11, 2, 6, 9}),
    ("E♭7", {3, 7, 10, 1}), ("F♯m7", {6, 9, 1, 4}),
]
# where music21's harmony module reads the very same text as a lead sheet means it
MUSIC21_AGREES = ["C", "Cm", "Cmin", "C7", "Cmaj7", "CM7", "Cm7", "Cmin7", "Cm7b5", "Cø7", "Cdim", "Co", "Cdim7",
                  "Co7", "Caug", "C+", "C+7", "Caug7", "C7#5", "Cmaj7#5", "Csus", "Csus4", "Csus2", "C7sus4", "C6",
                  "Cm6", "Cadd9", "C9", "C11", "Cm9", "Cm11", "CmM7", "C7b9", "C7#9", "C7#11", "C7b13", "Cmaj7#11",
                  "C/E", "D7/F#", "F#7", "C#m7", "Bbm7", "Ebmaj7", "Db7b9", "Gb6"]


def pitch_classes(chord) -> set[int]:
    return set(chord.pitch_classes) | {(chord.root + t) % 12 for t in chord.tensions} | (
        {chord.bass} if chord.bass is not None else set())


def music21_pitch_classes(text: str) -> set[int]:
    from music21 import harmony

    figure = text[0] + "-" + text[2:] if text[1:2] == "b" else text  # music21 writes a flat root with '-'
    return {p.pitchClass for p in harmony.ChordSymbol(figure).pitches}


@pytest.mark.parametrize("text, expected", ROWS, ids=[t for t, _ in ROWS])
def test_every_spelling_means_what_a_lead_sheet_means(text, expected):
    assert len(ROWS) >= 60
    assert pitch_classes(parse_symbol(text)) == expected


@pytest.mark.parametrize("text", MUSIC21_AGREES)
def test_music21_reads_these_the_same(text):
    assert music21_pitch_classes(text) == pitch_classes(parse_symbol(text))


def test_where_music21_disagrees_genapp_follows_jazz_usage():
    # music21 reads '-' as a flat: "C-7" would be Cb7; on a jazz lead sheet it is C minor seven
    assert music21_pitch_classes("C-7") != {0, 3, 7, 10} == pitch_classes(parse_symbol("C-7"))


def test_what_a_symbol_keeps():
    chord = parse_symbol("F#7(b9,#11)/A#")
    assert (chord.root, chord.quality, chord.tensions, chord.bass) == (6, "7", (1, 6), 10)
    assert chord.symbol == "F#7(b9,#11)/A#"  # sharps kept as written
    assert parse_symbol("Bb7alt").symbol == "Bb7alt"
    assert parse_symbol("N.C.") is None and parse_symbol("NC") is None
    # tensions join the scale the solo is drawn from; an altered tension replaces its natural one
    assert 3 in parse_symbol("C7#9").scale and 2 not in parse_symbol("C7#9").scale
    assert 2 in parse_symbol("C7").scale


@pytest.mark.parametrize("text, what", [("H7", "its root"), ("C7(b10)", "'(b10)'"), ("Cmaj7/X", "the bass 'X'"),
                                        ("Cxyz", "'xyz'")])
def test_unreadable_symbols_are_refused_with_the_accepted_forms(text, what):
    with pytest.raises(GenappError) as e:
        parse_symbol(text)
    assert str(e.value).startswith(f"chord symbol {text!r}: cannot read {what}; genapp reads roots A-G with b or #; ")
    assert "N.C." in str(e.value)
