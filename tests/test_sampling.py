import numpy as np
import pytest

from genapp.sampling import sample_indices

PROBS = np.array([[0.1, 0.2, 0.3, 0.4], [0.7, 0.1, 0.1, 0.1]])


def test_same_seed_same_choices():
    a = [sample_indices(PROBS, np.random.default_rng(5)).tolist() for _ in range(3)]
    assert a[0] == a[1] == a[2]


def test_temperature_zero_and_top_k_one_are_argmax():
    rng = np.random.default_rng(0)
    assert sample_indices(PROBS, rng, temperature=0).tolist() == [3, 0]
    assert sample_indices(PROBS, rng, top_k=1).tolist() == [3, 0]


def test_banned_symbols_are_never_chosen():
    rng = np.random.default_rng(0)
    picks = {int(i) for _ in range(200) for i in sample_indices(PROBS, rng, banned=[3])}
    assert 3 not in picks and picks <= {0, 1, 2}


def test_frequencies_follow_the_probabilities_at_temperature_one():
    rng = np.random.default_rng(1)
    probs = np.repeat(PROBS[:1], 20000, axis=0)
    freq = np.bincount(sample_indices(probs, rng), minlength=4) / 20000
    np.testing.assert_allclose(freq, PROBS[0], atol=0.015)


def test_low_temperature_sharpens_and_top_k_cuts():
    rng = np.random.default_rng(2)
    probs = np.repeat(PROBS[:1], 5000, axis=0)
    cold = np.bincount(sample_indices(probs, rng, temperature=0.3), minlength=4) / 5000
    assert cold[3] > 0.6
    top2 = set(sample_indices(probs, rng, top_k=2).tolist())
    assert top2 == {2, 3}


@pytest.mark.parametrize("kwargs", [{"temperature": -1}, {"top_k": 0}])
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        sample_indices(PROBS, np.random.default_rng(0), **kwargs)


class MarkovStepper:
    """A stepper whose next-symbol probabilities depend only on the last input: a real, tiny sequence model."""

    def __init__(self, table):
        self.table = np.asarray(table, np.float64)  # (V, V): row = last input
        self.seen = []

    def initial_states(self, batch):
        return [np.zeros((batch, 1))]

    def step(self, ids, states):
        self.seen.append(ids.copy())
        return self.table[ids], [states[0] + 1]


def test_sample_sequence_reads_pad_then_the_primer_then_feeds_each_choice_back():
    from genapp.sampling import sample_sequence

    # from 0 (PAD) go to 1, from 1 to 2, from 2 to 3, from 3 to 1: greedy sampling walks the cycle
    table = np.eye(4)[[1, 2, 3, 1]]
    stepper = MarkovStepper(table)
    steps = sample_sequence(stepper, np.random.default_rng(0), lambda t: [0], batch=2, primer=[3], temperature=0)
    out = [next(steps) for _ in range(4)]
    np.testing.assert_array_equal(np.stack(out), [[1, 1], [2, 2], [3, 3], [1, 1]])
    np.testing.assert_array_equal(np.stack(stepper.seen[:3]), [[0, 0], [3, 3], [1, 1]])  # PAD, primer, then fed back


def test_sample_sequence_asks_for_the_banned_symbols_at_every_step():
    from genapp.sampling import sample_sequence

    table = np.full((3, 3), 1 / 3)
    asked = []

    def banned(t):
        asked.append(t)
        return [0, 1] if t % 2 == 0 else [0, 2]

    steps = sample_sequence(MarkovStepper(table), np.random.default_rng(1), banned)
    assert [int(next(steps)[0]) for _ in range(6)] == [2, 1, 2, 1, 2, 1] and asked == list(range(6))
