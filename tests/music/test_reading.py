"""Melody and chord detection on small hand-made files, and every kind of bad input."""

import mido
import pytest
from midi_files import LEAD, band, write

from genapp.music.reading import PieceError, read_source

WRITTEN = ["C", "F", "G7", "C"]


def symbols(piece):
    return [c.chord.symbol for c in piece.chords]


def test_multi_track_band_finds_lead_and_accompaniment_chords(tmp_path):
    [piece] = read_source(str(band(tmp_path / "band.mid")))
    assert piece.melody_track == "#2 'Lead'" and "named 'Lead'" in piece.melody_reason
    assert [n.pitch for n in piece.melody] == [p for _, _, p in LEAD]
    assert piece.chord_source == "accompaniment" and symbols(piece) == WRITTEN
    assert (piece.time_signature, piece.measures, piece.tempo) == ("4/4", 4, pytest.approx(120))


def test_lead_found_without_a_helpful_name(tmp_path):
    [piece] = read_source(str(band(tmp_path / "band.mid", lead_name="Track 2")))
    assert piece.melody_track == "#2 'Track 2'" and "monophonic" in piece.melody_reason


def test_type_0_file_is_split_by_channel(tmp_path):
    [piece] = read_source(str(band(tmp_path / "type0.mid", midi_type=0)))
    assert [n.pitch for n in piece.melody] == [p for _, _, p in LEAD]
    assert symbols(piece) == WRITTEN


def test_type_2_file_is_read_with_a_note(tmp_path):
    [piece] = read_source(str(band(tmp_path / "type2.mid", midi_type=2)))
    assert piece.melody_track == "#2 'Lead'" and symbols(piece) == WRITTEN
    assert "type 2 file: its tracks were read as playing together" in piece.notes


def test_chords_changing_every_beat_are_found(tmp_path):
    from midi_files import VOICINGS

    comp = [(i, 1, p) for i, name in enumerate(["C", "F", "G7", "C", "G7", "G7", "C", "C"]) for p in VOICINGS[name]]
    lead = [(i * 0.5, 0.5, 72 + (i % 3)) for i in range(16)]
    path = write(tmp_path / "fast.mid", [{"name": "Lead", "channel": 0, "notes": lead},
                                        {"name": "Piano", "channel": 1, "notes": comp}])
    [piece] = read_source(str(path))
    assert [(c.start, c.chord.symbol) for c in piece.chords] == [(0, "C"), (1, "F"), (2, "G7"), (3, "C"), (4, "G7"), (6, "C")]


def test_melody_only_file_infers_chords_from_the_melody(tmp_path):
    path = write(tmp_path / "solo.mid", [{"name": "Solo", "channel": 0, "notes": [
        (0, 1, 60), (1, 1, 64), (2, 1, 67), (3, 1, 64),  # C E G E: C
        (4, 1, 65), (5, 1, 69), (6, 1, 72), (7, 1, 69),  # F A C A: F
    ]}])
    [piece] = read_source(str(path))
    assert piece.chord_source == "inferred" and symbols(piece) == ["C", "F"]


def test_missing_time_signature_assumes_four_four_and_says_so(tmp_path):
    [piece] = read_source(str(band(tmp_path / "nots.mid", time_signature=None)))
    assert piece.measure_length == 4.0 and "no time signature: 4/4 assumed" in piece.notes


def test_three_four(tmp_path):
    path = write(tmp_path / "waltz.mid", [{"name": "Melody", "channel": 0, "notes": [(i, 1, 60 + i % 5) for i in range(9)]}],
                 time_signature=(3, 4))
    [piece] = read_source(str(path))
    assert (piece.measure_length, piece.measures, piece.time_signature) == (3.0, 3, "3/4")


def test_override_melody_track_by_name_and_number(tmp_path):
    path = str(band(tmp_path / "band.mid"))
    assert read_source(path, "piano")[0].melody_track == "#1 'Piano'"
    assert read_source(path, "3")[0].melody_track == "#3 'Bass'"
    with pytest.raises(PieceError, match="melody_track 'tuba': no such track; tracks with notes: #1 'Piano', #2 'Lead', #3 'Bass'"):
        read_source(path, "tuba")


LEAD_SHEET = """X:1
T:Test blues head
M:4/4
L:1/8
Q:1/4=140
K:F
"F7" F2 A2 c2 _e2 | "Bb7" d2 _e2 d2 B2 | "F7" A2 F2 C2 F2 | "C7" G4 E4 |]
"""


def test_lead_sheet_chord_symbols(tmp_path):
    p = tmp_path / "blues.abc"
    p.write_text(LEAD_SHEET)
    [piece] = read_source(str(p))
    assert piece.chord_source == "symbols" and symbols(piece) == ["F7", "Bb7", "F7", "C7"]
    assert piece.measures == 4 and len(piece.melody) == 14 and piece.tempo == pytest.approx(140)


def test_music21_corpus_piece():
    [piece] = read_source("music21:leadSheet/fosterBrownHair")
    assert piece.chord_source == "symbols" and piece.measures > 20 and len(piece.melody) > 50


# ---- bad input: each case names the file and the reason ----------------------------------


def expect(path, reason):
    with pytest.raises(PieceError) as e:
        read_source(str(path))
    assert str(e.value).startswith(f"{path}: ") and reason in e.value.reason, str(e.value)


def test_not_a_midi_file(tmp_path):
    p = tmp_path / "song.mid"
    p.write_bytes(b"RIFF....WAVEfmt ")
    expect(p, "not a MIDI file (no MThd header)")


def test_truncated_midi(tmp_path):
    good = band(tmp_path / "band.mid").read_bytes()
    p = tmp_path / "cut.mid"
    p.write_bytes(good[: len(good) // 2])
    expect(p, "truncated: ")


def test_no_notes_and_empty_tracks(tmp_path):
    expect(write(tmp_path / "empty.mid", [{"name": "A", "channel": 0, "notes": []}, {"name": "B", "channel": 1, "notes": []}]),
           "has no notes")


def test_drums_only(tmp_path):
    from midi_files import DRUMS
    expect(write(tmp_path / "drums.mid", [{"name": "Kit", "channel": 9, "notes": DRUMS}]), "has only drum notes")


def test_absurd_ticks(tmp_path):
    mid = mido.MidiFile(type=1, ticks_per_beat=480)
    mid.tracks.append(mido.MidiTrack([mido.Message("note_on", note=60, velocity=80, time=0),
                                      mido.Message("note_off", note=60, velocity=0, time=2**27)]))
    mid.save(tmp_path / "huge.mid")
    expect(tmp_path / "huge.mid", "lasts 279,620 quarter notes (134,217,728 ticks); genapp reads at most 16,000 quarter notes")


def test_bad_abc_and_musicxml(tmp_path):
    abc = tmp_path / "bad.abc"
    abc.write_text("this is not abc at all {{{")
    with pytest.raises(PieceError, match="bad.abc: "):
        read_source(str(abc))
    xml = tmp_path / "bad.musicxml"
    xml.write_text("<score-partwise><part><measure>")
    expect(xml, "is not well-formed XML (no element found at line 1)")


def test_unknown_suffix_and_missing_file(tmp_path):
    p = tmp_path / "song.wav"
    p.write_bytes(b"x")
    expect(p, "unknown kind of file '.wav'; accepted: .mid, .midi")
    expect(tmp_path / "gone.mid", "no such file")
    with pytest.raises(PieceError, match="music21:nope/nothing: no such piece in music21's bundled corpus"):
        read_source("music21:nope/nothing")


def test_a_track_that_plays_throughout_wins_over_a_horn_with_a_few_fills(tmp_path):
    """The course's Metheny file: a French Horn with notes in 38 of 218 bars must not be taken over the Guitar solo."""
    from midi_files import write as write_midi

    horn = [(bar * 4.0 + beat, 0.5, 79 + beat) for bar in range(0, 218, 6)[:38] for beat in range(3)]
    guitar = [(bar * 4.0 + i * 0.5, 0.5, 60 + (i * 5 + bar) % 12) for bar in range(218) for i in range(6)]
    comp = [(bar * 4.0, 4.0, p) for bar in range(218) for p in (48, 52, 55)]
    path = write_midi(tmp_path / "metheny_like.mid", [
        {"name": "French Horn", "program": 60, "channel": 0, "notes": horn},
        {"name": "Guitar", "program": 26, "channel": 1, "notes": guitar},
        {"name": "Piano", "program": 0, "channel": 2, "notes": comp},
    ])
    [piece] = read_source(str(path))
    assert piece.melody_track.endswith("'Guitar'"), piece.melody_reason
    assert "of bars" in piece.melody_reason
