import keras
import numpy as np
import pytest
from keras import ops

from genapp.nn.layers import OneHot


def test_index_zero_is_the_zero_vector():
    out = ops.convert_to_numpy(OneHot(4)(np.array([[0, 1, 3]])))
    assert out.tolist() == [[[0, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1]]]


def test_rejects_bad_depth():
    with pytest.raises(ValueError, match="expected depth to be an integer >= 2, got 1"):
        OneHot(1)


def test_saves_and_loads_with_safe_mode(tmp_path):
    inp = keras.Input((None,), dtype="int32")
    model = keras.Model(inp, OneHot(5)(inp))
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras", safe_mode=True)
    x = np.array([[0, 4, 2]])
    np.testing.assert_array_equal(ops.convert_to_numpy(loaded(x)), ops.convert_to_numpy(model(x)))


def test_host_zeros_are_zeros_and_round_trip(tmp_path):
    from genapp.nn.layers import HostZeros, loading_initializers

    dense = keras.layers.Dense(3, **loading_initializers())
    inp = keras.Input((2,))
    model = keras.Model(inp, dense(inp))
    assert all(not w.any() for w in model.get_weights())
    model.save(tmp_path / "z.keras")
    loaded = keras.saving.load_model(tmp_path / "z.keras", safe_mode=True)
    assert isinstance(loaded.layers[-1].kernel_initializer, HostZeros)
