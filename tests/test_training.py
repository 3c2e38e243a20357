import numpy as np
import pytest

from genapp.config import TrainSettings
from genapp.products.names import train_names


def _weights(tmp_path, corpus, name, seed):
    m = train_names(corpus, tmp_path / name, {"units": 6, "epochs": 2, "batch_size": 4, "seed": seed})
    return m.bundle.model.get_weights()


def test_same_seed_trains_the_same_weights_other_seed_does_not(tmp_path, tiny_corpus):
    a = _weights(tmp_path, tiny_corpus, "a", 3)
    b = _weights(tmp_path, tiny_corpus, "b", 3)
    c = _weights(tmp_path, tiny_corpus, "c", 4)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not all(np.array_equal(x, z) for x, z in zip(a, c))


@pytest.mark.parametrize(
    "kwargs, message",
    [({"epochs": 0}, "expected epochs to be a positive integer, got 0"),
     ({"learning_rate": 0}, "expected learning_rate > 0, got 0"),
     ({"clipvalue": -1.0}, "expected clipvalue > 0 or None, got -1.0")],
)
def test_settings_validate(kwargs, message):
    with pytest.raises(ValueError, match=message):
        TrainSettings(**kwargs)
