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


def test_members_learn_each_on_its_own_and_are_judged_by_their_mixture():
    rng = np.random.default_rng(1)
    a, b = (rng.dirichlet(np.ones(4), size=(2, 3)).astype("float32") for _ in range(2))  # two members (batch, T, V)
    y = np.array([[1, 2, 0], [3, 0, 0]])
    steps = [(0, 0, 1), (0, 1, 2), (1, 0, 3)]
    own = -sum(np.log(a[r, t, v]) + np.log(b[r, t, v]) for r, t, v in steps) / 2 / 2
    mixed = -sum(np.log((a[r, t, v] + b[r, t, v]) / 2) for r, t, v in steps) / 2
    side_by_side = np.concatenate([a, b], axis=-1)  # (batch, T, 2 x V)
    got = float(ops.convert_to_numpy(SequenceCrossEntropy(members=2)(y, side_by_side)))
    got_mixed = float(ops.convert_to_numpy(SequenceCrossEntropy(members=2, mixture=True)(y, side_by_side)))
    assert abs(got - own) < 1e-5 and abs(got_mixed - mixed) < 1e-5
    assert got_mixed < got  # the mixture of two different members beats their average loss (Jensen)
    loss = SequenceCrossEntropy.from_config(SequenceCrossEntropy(members=2, mixture=True).get_config())
    assert (loss.members, loss.mixture) == (2, True)
