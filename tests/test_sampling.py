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
