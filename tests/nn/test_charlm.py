"""The step-by-step inference path must compute exactly what the training graph computes."""

import numpy as np
import pytest
from keras import ops

from genapp.nn import charlm
from genapp.nn.charlm import CharLMConfig, build_model


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_stepper_matches_the_whole_sequence_model(cell):
    cfg = CharLMConfig(vocab_size=7, cell=cell, units=5, layers=2)
    model = build_model(cfg)
    rng = np.random.default_rng(0)
    x = np.concatenate([np.zeros((3, 1), np.int32), rng.integers(1, 7, size=(3, 5), dtype=np.int32)], axis=1)
    full = ops.convert_to_numpy(model(x))  # (3, 6, 7)
    stepper = charlm.stepper(model, cfg)
    states = stepper.initial_states(3)
    for t in range(x.shape[1]):
        probs, states = stepper.step(x[:, t], states)
        np.testing.assert_allclose(probs, full[:, t], atol=1e-5)


def test_gru_uses_the_textbook_reset_before_the_product():
    model = build_model(CharLMConfig(vocab_size=4, cell="gru", units=8, layers=1))
    assert model.get_layer("recurrent_0").cell.reset_after is False


@pytest.mark.parametrize(
    "kwargs, message",
    [({"cell": "tcn"}, "expected cell to be one of rnn, gru, lstm, got 'tcn'"), ({"units": 0}, "expected units to be a positive integer, got 0")],
)
def test_config_validates(kwargs, message):
    with pytest.raises(ValueError, match=message):
        CharLMConfig(**{"vocab_size": 4, "cell": "lstm", "units": 8, "layers": 1, **kwargs})
