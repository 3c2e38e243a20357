"""Written MIDI reads back in mido, pretty_midi and music21, with named tracks and exact bars."""

import os

import mido
import pretty_midi
import pytest
from music21 import converter

from genapp.errors import GenappError
from genapp.music.arrangement import Arrangement
from genapp.music.midi_out import write_midi
from genapp.music.piece import ChordSpan, Note
from genapp.music.progression import parse_progression

CHORDS = [ChordSpan(i * 4.0, 4.0, bar[0][2]) for i, bar in enumerate(parse_progression("Dm7 G7 Cmaj7 Cmaj7"))]
MELODY = [Note(0, 1, 62), Note(1, 0.5, 65), Note(1.5, 0.5, 65), Note(4, 2, 71), Note(8, 4, 72), Note(13, 3, 76)]
SOLO = Arrangement.from_solo(MELODY, CHORDS, tempo=100, time_signature="4/4", measure_length=4.0, bars=4)


def test_reads_back_everywhere(tmp_path):
    path = write_midi(tmp_path / "solo.mid", SOLO)
    mid = mido.MidiFile(path)
    assert [t.name for t in mid.tracks] == ["genapp", "Melody", "Comping", "Bass", "Drums"]
    pm = pretty_midi.PrettyMIDI(str(path))
    assert [(i.name, i.is_drum) for i in pm.instruments] == [("Melody", False), ("Comping", False), ("Bass", False),
                                                             ("Drums", True)]
    assert [n.pitch for n in pm.instruments[0].notes] == [n.pitch for n in MELODY]
    assert pm.get_end_time() == pytest.approx(16 * 60 / 100)  # exactly four bars at 100 bpm
    score = converter.parse(str(path))
    assert len(score.parts) == 4 and len(score.parts[0].recurse().notes) == len(MELODY)
    assert [f for f in os.listdir(tmp_path)] == ["solo.mid"]


def test_missing_folder_is_an_error_and_writes_nothing(tmp_path):
    with pytest.raises(GenappError, match="folder .*nowhere does not exist"):
        write_midi(tmp_path / "nowhere" / "solo.mid", SOLO)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_read_only_folder(tmp_path):
    (tmp_path / "ro").mkdir()
    os.chmod(tmp_path / "ro", 0o500)
    with pytest.raises(GenappError, match="no permission to write"):
        write_midi(tmp_path / "ro" / "solo.mid", SOLO)


def test_written_file_gets_ordinary_permissions(tmp_path):
    import stat

    old = os.umask(0o022)
    try:
        path = write_midi(tmp_path / "solo.mid", SOLO)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_the_chords_travel_in_the_file_and_genapp_reads_them_back(tmp_path):
    from genapp.music.progression import progression_from_text
    from genapp.music.reading import read_source

    spans = progression_from_text("D-7 G7(b9) | CΔ7 | N.C. | F#7alt/E").spans(4)
    path = write_midi(tmp_path / "chords.mid", Arrangement.from_solo(MELODY, spans, 100.0, "4/4", 4.0, 4, swing=2.0,
                                                                     humanize=1.0, seed=3))
    texts = [m.text for m in mido.MidiFile(path).tracks[0] if m.type == "text"]
    assert texts == ["chord: Dm7", "chord: G7(b9)", "chord: Cmaj7", "chord: N.C.", "chord: F#7alt/E"]
    [piece] = read_source(str(path))
    assert piece.chord_source == "symbols"
    assert [c.chord.symbol for c in piece.chords] == ["Dm7", "G7(b9)", "Cmaj7", "F#7alt/E"]
    assert len(piece.melody) == len(MELODY)  # swung and humanised, every note is read back


def test_a_pitch_never_sounds_twice_at_once_on_a_channel(tmp_path):
    """Humanised timing may push a note past the next one of the same pitch; it is cut there, never left to cut it."""
    repeated = [Note(i * 0.25, 0.25, 72) for i in range(16)]
    path = write_midi(tmp_path / "r.mid", Arrangement.from_solo(repeated, CHORDS, 100.0, "4/4", 4.0, 4, band="none",
                                                                humanize=1.0, seed=1))
    sounding, starts = set(), 0
    for msg in mido.MidiFile(path).tracks[1]:
        if msg.type == "note_on" and msg.velocity > 0:
            assert msg.note not in sounding
            sounding.add(msg.note)
            starts += 1
        elif msg.type in ("note_off", "note_on"):
            sounding.discard(msg.note)
    assert starts == 16
