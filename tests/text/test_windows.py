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


def test_carried_windows_continue_each_row_from_batch_to_batch():
    from genapp.text.windows import CarriedWindows

    ids = np.arange(1, 1001, dtype=np.int32)  # token i + 1 at position i: positions are readable
    for shuffle in (False, True):
        stream = CarriedWindows(ids, tx=10, streams=4, shuffle=shuffle, seed=3)
        for epoch in range(3):
            batches = [stream[k] for k in range(len(stream))]
            assert all(x.shape == y.shape == (4, 10) for x, y in batches)
            y = np.concatenate([y for _, y in batches], axis=1)  # (4, steps x Tx): each row one stretch of text
            x = np.concatenate([x for x, _ in batches], axis=1)
            assert ((y[:, 1:] - y[:, :-1]) == 1).all()  # each row reads on through the text, batch after batch
            assert (x[:, 1:] == y[:, :-1]).all()  # x is the text's own previous token, across batches too
            assert ((x[:, 0] == y[:, 0] - 1) | ((x[:, 0] == 0) & (y[:, 0] == 1))).all()  # PAD only before the text
            assert ((y[1:, 0] - y[:-1, -1]) == 1).all()  # the rows are consecutive stretches: nothing skipped
            assert len(set(y.ravel())) == y.size and y.size >= len(ids) - 4 * 10 - 9  # at most one stretch + Tx lost
            if not shuffle:
                assert y[0, 0] == 1
            stream.on_epoch_end()


def test_carried_windows_need_a_window_per_stream():
    import pytest

    from genapp.text.windows import CarriedWindows

    with pytest.raises(ValueError, match="at least streams x tx = 40 tokens, got 39"):
        CarriedWindows(np.arange(39), tx=10, streams=4, shuffle=False)
