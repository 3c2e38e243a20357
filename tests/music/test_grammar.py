"""Encode/decode round trips: the rhythm is kept exactly, every decoded note meets its TYPE and range."""

from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from genapp.music.grammar import (
    BUCKETS,
    REGISTER,
    Value,
    chord_at,
    decode,
    encode,
    in_bucket,
    interval_bucket,
    melody_events,
    parse_value,
)
from genapp.music.piece import ChordSpan, Note
from genapp.music.theory import QUALITIES, Chord, note_type
from genapp.music.symbols import parse_chord_symbol

DM7 = [ChordSpan(0, 4, parse_chord_symbol("Dm7"))]


def test_docstring_example():
    mel = [Note(0, 1, 62), Note(1, 0.5, 65), Note(1.5, 0.5, 64), Note(3, 1, 72)]
    assert [str(v) for v in encode(mel, DM7, 4.0, 1)] == [
        "C,1.000", "C,0.500,<+3,+4>", "S,0.500,<-2,-1>", "R,1.000", "C,1.000,<+8,+12>"]


def test_values_parse_back():
    for text in ["C,1.000", "S,0.333,<-2,-1>", "R,0.250", "X,2.667,<+13,+24>"]:
        assert str(parse_value(text)) == text
    assert parse_value("A,0.333").duration == Fraction(1, 3)


def test_buckets_cover_every_step_once():
    for step in range(-127, 128):
        lo, hi = interval_bucket(step)
        assert lo <= step <= hi and (step == 0 or (lo > 0) == (step > 0))


def test_notes_are_split_at_bar_lines_and_gaps_become_rests():
    events = melody_events([Note(3, 2, 60), Note(6, 1, 62)], 4.0, 2)
    assert [(float(s), float(d), p) for s, d, p in events] == [
        (0, 3, None), (3, 1, 60), (4, 1, 60), (5, 1, None), (6, 1, 62), (7, 1, None)]


def test_overlaps_are_trimmed_and_zero_length_notes_dropped():
    events = melody_events([Note(0, 2, 60), Note(1, 1, 64), Note(2, 0.01, 65)], 4.0, 1)
    assert [(float(s), float(d), p) for s, d, p in events] == [(0, 1, 60), (1, 1, 64), (2, 2, None)]


chords_st = st.lists(st.tuples(st.integers(0, 11), st.sampled_from(list(QUALITIES))), min_size=1, max_size=4)


@st.composite
def melodies(draw):
    """Random melodies on the grid in 4/4, 1-4 measures, pitches in the solo register, rests included."""
    measures = draw(st.integers(1, 4))
    total = measures * 12  # in twelfths of a quarter
    t, notes = 0, []
    while t < total * 4:
        dur = draw(st.sampled_from([3, 4, 6, 8, 12, 24]))
        if draw(st.booleans()) or not notes:
            notes.append(Note(t / 12, dur / 12, draw(st.integers(*REGISTER))))
        t += dur
    chords = [ChordSpan(i * 4.0, 4.0, Chord(r, q)) for i, (r, q) in enumerate(draw(chords_st))]
    return [n for n in notes if n.start < measures * 4], chords, measures


@settings(max_examples=150, deadline=None)
@given(melodies(), st.integers(0, 2**32 - 1))
def test_round_trip_keeps_rhythm_and_meets_every_constraint(case, seed):
    melody, chords, measures = case
    values = encode(melody, chords, 4.0, measures)
    decoded = decode(values, chords, rng=np.random.default_rng(seed))
    assert decoded.violations == 0
    original = [(s, d) for s, d, p in melody_events(melody, 4.0, measures) if p is not None]
    assert [(Fraction(n.start).limit_denominator(12), Fraction(n.duration).limit_denominator(12)) for n in decoded.notes] == original
    assert decoded.length == measures * 4
    prev = None
    sounded = [v for v in values if v.type != "R"]
    for note, value in zip(decoded.notes, sounded):
        assert note_type(note.pitch, chord_at(chords, note.start)) == value.type
        if value.interval is not None:
            assert in_bucket(note.pitch - prev, value.interval)
        assert REGISTER[0] <= note.pitch <= REGISTER[1] and note.duration > 0
        prev = note.pitch
    for a, b in zip(decoded.notes, decoded.notes[1:]):
        assert a.end <= b.start + 1e-9  # no overlapping melody notes


def test_impossible_values_are_decoded_with_counted_violations():
    # a chord tone a semitone above a chord tone does not exist over a C triad at the step bounds given
    values = [Value("C", Fraction(1), None), Value("C", Fraction(1), (1, 1))]
    d = decode(values, [ChordSpan(0, 4, Chord(0, ""))])
    assert d.violations == 1 and len(d.notes) == 2


def test_bucket_table_is_contiguous():
    assert all(a[1] + 1 == b[0] for a, b in zip(BUCKETS, BUCKETS[1:]))
