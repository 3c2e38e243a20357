"""One voice from a track: chords give their top note, legato lines keep every note."""

from genapp.music.melody import presence, skyline
from genapp.music.piece import Note


def test_a_chord_gives_its_top_note_and_accompaniment_under_a_held_note_is_dropped():
    notes = [Note(0, 2, 72), Note(0, 2, 64), Note(0, 2, 67), Note(1, 1, 60), Note(2, 1, 74)]
    assert skyline(notes) == [Note(0, 2, 72), Note(2, 1, 74)]


def test_a_legato_or_humanised_line_keeps_every_note():
    line = [Note(i * 0.5, 0.6, 72 - i) for i in range(8)]  # each note overlaps the next, lower one by 0.1
    out = skyline(line)
    assert [n.pitch for n in out] == [72 - i for i in range(8)]
    assert all(abs(n.duration - 0.5) < 1e-9 for n in out[:-1])  # cut where the next begins


def test_presence_is_the_share_of_bars_with_an_onset():
    assert presence([Note(0, 1, 60), Note(9, 1, 60)], bars=4, measure_length=4.0) == 0.5
