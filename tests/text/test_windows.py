import numpy as np

from genapp.data.vocab import END, PAD, Vocabulary
from genapp.text.windows import count_targets, names_to_arrays


def test_x_starts_at_zero_and_is_y_shifted_by_one():
    v = Vocabulary.build("abc", specials=(PAD, END))
    x, y = names_to_arrays(["ab", "c"], v)
    a, b, c, end = (v.index(s) for s in "abc\n")
    assert x.tolist() == [[0, a, b], [0, c, 0]]
    assert y.tolist() == [[a, b, end], [c, end, 0]]
    assert x.dtype == np.int32 and count_targets(y, v) == 5
