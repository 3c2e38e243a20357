"""Targets -> inputs (x<1> = PAD, x<t> = y<t-1>) and one-hot with PAD as the zero vector."""

import numpy as np

from genapp.data.sequences import one_hot, shift_right


def test_shift_right_reads_pad_then_the_previous_target():
    y = np.array([[3, 4, 5], [6, 7, 0]])
    np.testing.assert_array_equal(shift_right(y), [[0, 3, 4], [0, 6, 7]])
    np.testing.assert_array_equal(shift_right(np.array([9, 8])), [0, 9])


def test_one_hot_makes_pad_the_zero_vector():
    out = one_hot(np.array([[0, 2, 1]]), 3)
    assert out.shape == (1, 3, 3) and out.dtype == np.float32
    np.testing.assert_array_equal(out[0], [[0, 0, 0], [0, 0, 1], [0, 1, 0]])
