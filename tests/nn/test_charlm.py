"""The step-by-step inference path must compute exactly what the training graph computes."""

import numpy as np
import pytest
from keras import ops

from genapp.nn import charlm
from genapp.nn.charlm import CELLS, CharLMConfig, build_model


@pytest.mark.parametrize("cell, embedding, members", [("rnn", 0, 1), ("gru", 0, 1), ("lstm", 0, 1), ("lstm", 3, 1),
                                                     ("gru", 3, 1), ("lstm", 3, 3), ("rnn", 0, 2)])
def test_stepper_matches_the_whole_sequence_model(cell, embedding, members):
    cfg = CharLMConfig(vocab_size=7, cell=cell, units=5, layers=2, embedding=embedding, input_dropout=0.2,
                       members=members)
    model = build_model(cfg)
    assert model.count_params() == cfg.weights()
    rng = np.random.default_rng(0)
    x = np.concatenate([np.zeros((3, 1), np.int32), rng.integers(1, 7, size=(3, 5), dtype=np.int32)], axis=1)
    full = ops.convert_to_numpy(model(x))  # (3, 6, 7)
    stepper = charlm.stepper(model, cfg)
    states = stepper.initial_states(3)
    for t in range(x.shape[1]):
        probs, states = stepper.step(x[:, t], states)
        np.testing.assert_allclose(probs, full[:, t], atol=1e-5)


def test_an_ensemble_is_the_mean_of_its_members_each_trained_on_its_own_loss():
    from genapp.nn.losses import SequenceCrossEntropy

    cfg = CharLMConfig(vocab_size=6, cell="lstm", units=4, layers=1, embedding=3, members=3)
    model = build_model(cfg)
    trainee = charlm.members_trainee(model, cfg)
    assert [v.path for v in trainee.trainable_variables] == [v.path for v in model.trainable_variables]
    x = np.random.default_rng(0).integers(0, 6, size=(2, 5)).astype(np.int32)
    side_by_side = ops.convert_to_numpy(trainee(x)).reshape(2, 5, 3, 6)  # (batch, T, M, V)
    np.testing.assert_allclose(side_by_side.mean(axis=2), ops.convert_to_numpy(model(x)), atol=1e-6)
    assert np.abs(side_by_side[:, :, 0] - side_by_side[:, :, 1]).max() > 1e-3  # each member starts on its own
    assert isinstance(charlm.training_graphs(cfg)[2], SequenceCrossEntropy) and charlm.measure(cfg).mixture
    one = CharLMConfig(vocab_size=6, cell="lstm", units=4, layers=1)
    assert charlm.members_trainee(build_model(one), one).name.startswith("charlm")  # one member: the model itself
    assert charlm.training_graphs(one)[2] is None and charlm.measure(one) is None


def test_gru_uses_the_textbook_reset_before_the_product():
    model = build_model(CharLMConfig(vocab_size=4, cell="gru", units=8, layers=1))
    assert model.get_layer("recurrent_0").cell.reset_after is False


@pytest.mark.parametrize(
    "kwargs, message",
    [({"cell": "tcn"}, "expected cell to be one of rnn, gru, lstm, got 'tcn'"),
     ({"units": 0}, "expected units to be a positive integer, got 0"),
     ({"embedding": -1}, "expected embedding to be an integer >= 0, got -1"),
     ({"input_dropout": 1.0}, r"expected input_dropout in \[0, 1\), got 1.0"),
     ({"members": 0}, "expected members to be a positive integer, got 0")],
)
def test_config_validates(kwargs, message):
    with pytest.raises(ValueError, match=message):
        CharLMConfig(**{"vocab_size": 4, "cell": "lstm", "units": 8, "layers": 1, **kwargs})


@pytest.mark.parametrize("cell, embedding, members", [(cell, 0, 1) for cell in CELLS] + [("lstm", 4, 1), ("gru", 4, 2)])
def test_the_carried_trainee_carries_its_state_through_keras_s_loops(cell, embedding, members):
    """Evaluated batch after batch by Keras (jit on JAX), the stateful graph scores each stream as the stateless model
    scores the whole stream in one sequence; from zero states per window it would score otherwise."""
    from genapp.nn.charlm import carried_trainee
    from genapp.nn.losses import SequenceCrossEntropy
    from genapp.text.windows import CarriedWindows
    from genapp.training import ZeroCarried

    import keras

    keras.utils.set_random_seed(3)  # the weights, not the tests run before this one, decide how much state matters
    cfg = CharLMConfig(vocab_size=7, cell=cell, units=6, layers=2, embedding=embedding, members=members)
    model = build_model(cfg)
    if embedding:  # inputs as large as one-hot ones (Keras starts them within +-0.05), so the state tells windows apart
        for k in range(members):
            layer = charlm.inputs(model, cfg, k)
            layer.set_weights([np.random.default_rng(k + 1).normal(size=(7, embedding)).astype("float32")])
    trainee = carried_trainee(model, cfg, streams=3)
    assert len(trainee.trainable_weights) == len(model.trainable_weights)  # the very same cells and softmax
    ids = np.random.default_rng(0).integers(1, 7, 3 * 40 + 5).astype(np.int32)
    stream = CarriedWindows(ids, tx=8, streams=3, shuffle=False)  # 5 batches of (3, 8)
    trainee.compile(loss=SequenceCrossEntropy(members=members, mixture=True))  # the members' mixture, as the model
    carried = [layer for layer in trainee.layers if hasattr(layer, "reset")]
    for _ in range(2):  # the second pass starts from zero states again
        loss = trainee.evaluate(stream, verbose=0, callbacks=[ZeroCarried(carried)])
        x = np.concatenate([stream[k][0] for k in range(len(stream))], axis=1)  # (3, 40): each stream whole
        y = np.concatenate([stream[k][1] for k in range(len(stream))], axis=1)
        whole = -np.log(np.take_along_axis(np.asarray(model(x)), y[..., None], axis=-1)).sum() / (3 * len(stream))
        np.testing.assert_allclose(loss, whole, rtol=1e-4)
    windows = -np.log(np.take_along_axis(np.asarray(model(x.reshape(-1, 8))), y.reshape(-1, 8)[..., None], -1))
    assert abs(windows.sum() / (3 * len(stream)) - whole) > 1e-3  # zero states per window would be told apart
