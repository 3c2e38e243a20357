import numpy as np
from keras import ops

from genapp.nn.losses import SequenceCrossEntropy


def test_sums_over_time_skips_padding_and_averages_over_the_batch():
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(4), size=(2, 3)).astype("float32")  # (batch, T, V)
    y = np.array([[1, 2, 0], [3, 0, 0]])  # 0 = padding
    expected = -(np.log(probs[0, 0, 1]) + np.log(probs[0, 1, 2]) + np.log(probs[1, 0, 3])) / 2
    got = float(ops.convert_to_numpy(SequenceCrossEntropy(pad_index=0)(y, probs)))
    assert abs(got - expected) < 1e-5


def test_config_round_trip():
    loss = SequenceCrossEntropy(pad_index=3)
    assert SequenceCrossEntropy.from_config(loss.get_config()).pad_index == 3
