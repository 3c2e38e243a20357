"""Note events: the encode/decode pair, and what the improv model sees before each event."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genapp.music import events as ev
from genapp.music.events import BLOCKS, FEATURES, MAX_UNITS, START_PITCH, Context, Event, decode, encode, fold
from genapp.music.piece import ChordSpan, Note
from genapp.music.theory import QUALITIES
from genapp.music.symbols import parse_chord_symbol

DM7 = [ChordSpan(0, 4, parse_chord_symbol("Dm7"))]


def _block(f: np.ndarray, name: str) -> np.ndarray:
    start = sum(w for n, w in BLOCKS[: [n for n, _ in BLOCKS].index(name)])
    return f[start : start + dict(BLOCKS)[name]]


def test_docstring_example():
    mel = [Note(0, 1, 62), Note(1, 0.5, 65), Note(1.5, 0.5, 64), Note(3, 1, 72)]
    assert encode(mel, 4.0) == [Event(12, -7), Event(6, 3), Event(6, -1), Event(12, None), Event(12, 8)]
    assert [str(e) for e in encode(mel)][:2] == ["12,-7", "6,+3"]


def test_fold_keeps_direction_and_pitch_class():
    assert [fold(s) for s in (0, 12, -12, 13, 14, 24, 25, -19, -24)] == [0, 12, -12, 1, 2, 12, 1, -7, -12]


def test_leading_and_trailing_rests_fill_the_length():
    events = encode([Note(2, 1, 69)], 8.0)
    assert events == [Event(24, None), Event(12, 0), Event(48, None), Event(12, None)]
    assert sum(e.units for e in events) == 8 * 12


def test_a_long_note_is_played_again():
    events = encode([Note(0, 6, 60)], 6.0)
    assert events == [Event(48, -9), Event(24, 0)]
    assert decode(events) == [Note(0, 4, 60), Note(4, 2, 60)]


def test_wide_leaps_keep_their_pitch_class():
    notes = decode(encode([Note(0, 1, 50), Note(1, 1, 79)]))
    assert [n.pitch % 12 for n in notes] == [50 % 12, 79 % 12]
    assert notes[1].pitch - notes[0].pitch == 5  # +29 folded to +5


pitch = st.integers(START_PITCH - 12, START_PITCH + 12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(1, 30), st.integers(-11, 11)), min_size=1, max_size=25),
       pitch)
def test_round_trip_is_exact_for_steps_within_an_octave(parts, first):
    """Random melodies on the 1/12 grid, each step within an octave: decode(encode(m)) == m."""
    melody, t, p = [], 0, first
    for gap, units, step in parts:
        t += gap * 3
        if not 50 <= p + step <= 90:
            step = -step
        p = p + step if melody else p
        melody.append(Note(t / 12, units / 12, p))
        t += units
    events = encode(melody)
    assert all(1 <= e.units <= MAX_UNITS and (e.step is None or -12 <= e.step <= 12) for e in events)
    assert decode(events) == melody


def test_tokens_round_trip():
    for e in (Event(1, None), Event(48, -12), Event(7, 0), Event(12, 12)):
        assert Event.from_tokens(e.units - 1, e.pitch_token) == e
    assert ev.targets([Event(12, None), Event(3, -2)]).tolist() == [[11, 0], [2, 11]]


def test_features_place_in_the_bar():
    ctx = Context([ChordSpan(0, 3, parse_chord_symbol("C"))], 3.0)  # 3/4
    f = ctx.features(None, 60, False, 12 * 3 + 12 + 6)  # bar 2, beat 2, the "and"
    assert f.shape == (FEATURES,) and f.dtype == np.float32
    assert _block(f, "beat").tolist().index(1) == 1
    assert _block(f, "position in beat").tolist().index(1) == 6
    assert not _block(f, "previous duration").any() and not _block(f, "previous pitch").any()
    g = ctx.features(Event(6, 2), 60, True, 0)
    assert _block(g, "previous duration").tolist().index(1) == 5
    assert _block(g, "previous pitch").tolist().index(1) == Event(6, 2).pitch_token
    assert _block(g, "started")[0] == 1 and _block(f, "started")[0] == 0


def test_features_see_the_chord_from_the_previous_pitch():
    ctx = Context([ChordSpan(0, 4, parse_chord_symbol("Dm7")), ChordSpan(4, 4, parse_chord_symbol("G7"))], 4.0)
    f = ctx.features(None, 60, True, 0)  # after C4, over Dm7 (D F A C)
    tones = _block(f, "chord tone at step")
    assert [s for s, on in zip(ev.STEPS, tones) if on] == [-12, -10, -7, -3, 0, 2, 5, 9, 12]
    scale = _block(f, "scale tone at step")
    assert all(scale[tones == 1]) and scale.sum() == 15  # dorian: 7 pitch classes over 25 steps (+C twice more)
    assert _block(f, "root from previous pitch").tolist().index(1) == 2  # D is 2 above C
    assert _block(f, "quality").tolist().index(1) == list(QUALITIES).index("m7")
    assert _block(f, "next root from root").tolist().index(1) == 5  # G is 5 above D
    assert _block(f, "next quality").tolist().index(1) == list(QUALITIES).index("7")
    assert _block(f, "quarters to next chord")[0] == pytest.approx(1.0)  # 4 quarters away, / 4
    late = ctx.features(None, 60, True, 3 * 12)
    assert _block(late, "quarters to next chord")[0] == pytest.approx(0.25)


def test_next_chord_skips_repeats_of_the_same_chord():
    c, f7 = parse_chord_symbol("C7"), parse_chord_symbol("F7")
    ctx = Context([ChordSpan(0, 4, c), ChordSpan(4, 4, c), ChordSpan(8, 4, f7)], 4.0)
    f = ctx.features(None, 60, True, 0)
    assert _block(f, "next root from root").tolist().index(1) == 5
    assert _block(f, "quarters to next chord")[0] == pytest.approx(2.0)  # 8 quarters, capped at 2


def test_walk_is_what_the_sampler_sees_step_by_step():
    ctx = Context(DM7, 4.0)
    events = encode([Note(0, 1, 62), Note(1, 0.5, 65), Note(1.5, 0.5, 64), Note(3, 1, 72)], 4.0)
    rows = ev.walk(events, ctx)
    pitch, onset, prev, started, phrase = START_PITCH, 0, None, False, 0
    for i, e in enumerate(events):
        np.testing.assert_array_equal(rows[i], ctx.features(prev, pitch, started, onset, phrase))
        pitch += e.step or 0
        started |= e.step is not None
        onset += e.units
        prev = e
        if e.step is None and e.units >= 12:  # the quarter rest before C5 ends a phrase
            phrase = onset
    assert phrase == 36


def test_breath_counts_from_the_last_rest_of_a_beat_not_an_eighth():
    ctx = Context(DM7, 4.0, length=16.0)
    # D4 quarter, eighth rest, E4 eighth, quarter rest, F4 quarter
    events = encode([Note(0, 1, 62), Note(1.5, 0.5, 64), Note(3, 1, 65)], 4.0)
    rows = ev.walk(events, ctx)
    since = [_block(r, "quarters since breath")[0] * ev.PHRASE_SCALE for r in rows]
    onsets = np.cumsum([0] + [e.units for e in events[:-1]]) / 12
    assert [str(e) for e in events] == ["12,-7", "6,R", "6,+2", "12,R", "12,+1"]
    assert since == pytest.approx([0, 1, 1.5, 2, 0])  # the eighth rest does not end the phrase; the quarter rest does
    assert onsets.tolist() == [0, 1, 1.5, 2, 3]


def test_the_end_comes_nearer_and_a_long_solo_reads_it_as_far():
    ctx = Context(DM7, 4.0, length=64.0)
    far, near, last = (ctx.features(None, 60, True, q * 12) for q in (0, 56, 63))
    assert _block(far, "quarters to end")[0] == 1.0  # 64 quarters away: capped
    assert _block(near, "quarters to end")[0] == pytest.approx(8 / 16)
    assert _block(last, "quarters to end")[0] == pytest.approx(1 / 16)


def test_next_chord_tones_say_which_steps_reach_the_next_chord():
    ctx = Context([ChordSpan(0, 4, parse_chord_symbol("Dm7")), ChordSpan(4, 4, parse_chord_symbol("G7"))], 4.0)
    f = ctx.features(None, 65, True, 36)  # F4 on beat 4 of the Dm7 bar
    reach = {s for s, flag in zip(ev.STEPS, _block(f, "next chord tone at step")) if flag}
    assert reach == {s for s in ev.STEPS if (65 + s) % 12 in {7, 11, 2, 5}}  # G B D F
    assert 0 in reach and -6 in reach and 1 not in reach  # F is G7's 7th, B its 3rd, F# nothing


def test_context_one_is_the_older_bundles_narrower_view():
    old = Context(DM7, 4.0, version=1)
    assert old.features(None, 60, False, 0).shape == (ev.feature_count(1),)
    assert ev.feature_count(1) == FEATURES - 28
    np.testing.assert_array_equal(Context(DM7, 4.0).features(None, 60, False, 0)[: ev.feature_count(1)],
                                  old.features(None, 60, False, 0))
    with pytest.raises(ValueError, match="context version"):
        ev.feature_count(3)
