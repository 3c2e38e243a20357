"""The improv jazz model: stepping one event at a time computes what the fused sequence graph computes."""

import keras
import numpy as np
import pytest

from genapp.config import ImprovConfig
from genapp.music import events as ev
from genapp.nn.improv import ImprovStepper, build_model
from genapp.nn.losses import FactorisedCrossEntropy

CFG = ImprovConfig(units=6, tx=5, dropout=0.2, features=ev.FEATURES, durations=ev.MAX_UNITS, pitches=len(ev.PITCHES))


def _sequence(rng, steps=7):
    x = (rng.random((steps, ev.FEATURES)) < 0.1).astype(np.float32)  # (T, F)
    d = rng.integers(0, ev.MAX_UNITS, steps)
    p = rng.integers(0, len(ev.PITCHES), steps)
    return x, d, p


def test_stepping_gives_the_fused_models_probabilities():
    keras.utils.set_random_seed(1)
    model = build_model(CFG)
    stepper = ImprovStepper(model, CFG)
    x, d, p = _sequence(np.random.default_rng(0))
    fused = np.asarray(model([x[None], np.eye(ev.MAX_UNITS, dtype=np.float32)[d][None]], training=False))[0]
    states = stepper.initial_states(1)
    for t in range(len(x)):
        hx, p_duration, states = stepper.step(x[t][None], states)
        np.testing.assert_allclose(p_duration[0], fused[t, : ev.MAX_UNITS], atol=1e-5)
        p_pitch = stepper.pitch_probs(hx, d[t : t + 1])
        np.testing.assert_allclose(p_pitch[0], fused[t, ev.MAX_UNITS :], atol=1e-5)
        assert p_duration.sum() == pytest.approx(1) and p_pitch.sum() == pytest.approx(1)


def test_the_pitch_head_depends_on_the_duration():
    keras.utils.set_random_seed(2)
    model = build_model(CFG)
    stepper = ImprovStepper(model, CFG)
    x, _, _ = _sequence(np.random.default_rng(1), 1)
    hx, _, _ = stepper.step(x, stepper.initial_states(1))
    assert not np.allclose(stepper.pitch_probs(hx, [0]), stepper.pitch_probs(hx, [11]))


def test_loss_sums_both_heads_and_skips_padding():
    rng = np.random.default_rng(3)
    heads = rng.random((2, 3, ev.MAX_UNITS + len(ev.PITCHES))).astype(np.float32)
    heads[..., : ev.MAX_UNITS] /= heads[..., : ev.MAX_UNITS].sum(-1, keepdims=True)
    heads[..., ev.MAX_UNITS :] /= heads[..., ev.MAX_UNITS :].sum(-1, keepdims=True)
    y = np.array([[[3, 0], [47, 25], [-1, -1]], [[0, 12], [-1, -1], [-1, -1]]], np.int32)
    loss = np.asarray(FactorisedCrossEntropy(ev.MAX_UNITS).call(y, heads))
    expected = [-np.log(heads[0, 0, 3] * heads[0, 0, ev.MAX_UNITS] * heads[0, 1, 47] * heads[0, 1, ev.MAX_UNITS + 25]),
                -np.log(heads[1, 0, 0] * heads[1, 0, ev.MAX_UNITS + 12])]
    np.testing.assert_allclose(loss, expected, rtol=1e-5)
    # label smoothing of the pitch head: the pitch term's target is 0.9 one-hot + 0.1 uniform over the K steps
    smoothed = np.asarray(FactorisedCrossEntropy(ev.MAX_UNITS, pitch_smoothing=0.1).call(y, heads))
    logs = np.log(heads[..., ev.MAX_UNITS :])  # (2, 3, K)

    def step(b, t, d, p):
        return -np.log(heads[b, t, d]) - 0.9 * logs[b, t, p] - 0.1 * logs[b, t].mean()

    np.testing.assert_allclose(smoothed, [step(0, 0, 3, 0) + step(0, 1, 47, 25), step(1, 0, 0, 12)], rtol=1e-5)


def test_dropout_only_while_training():
    keras.utils.set_random_seed(4)
    model = build_model(CFG)
    x, d, _ = _sequence(np.random.default_rng(4))
    inputs = [x[None], np.eye(ev.MAX_UNITS, dtype=np.float32)[d][None]]
    a, b = (np.asarray(model(inputs, training=False)) for _ in range(2))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, np.asarray(model(inputs, training=True)))


def test_config_refuses_what_it_cannot_build():
    with pytest.raises(ValueError, match="dropout"):
        ImprovConfig(6, 5, 1.0, ev.FEATURES, 48, 26)
    with pytest.raises(ValueError, match="representation 'improv'"):
        ImprovConfig(6, 5, 0.1, ev.FEATURES, 48, 26, representation="classic")
    assert CFG.weights() == sum(w.size for w in build_model(CFG).get_weights())


def test_members_are_an_ensemble_that_stepping_samples_exactly():
    """Three members: the step-by-step P(duration) and P(pitch | duration) are the members' mixture of the fused
    graph's joint probabilities, and the loss is the mean of the members' own losses."""
    from dataclasses import replace

    from genapp.nn.improv import event_probs

    cfg = replace(CFG, members=3)
    keras.utils.set_random_seed(5)
    model = build_model(cfg)
    assert cfg.weights() == sum(w.size for w in model.get_weights()) == 3 * CFG.weights()
    stepper = ImprovStepper(model, cfg)
    x, d, p = _sequence(np.random.default_rng(5))
    fused = np.asarray(model([x[None], np.eye(ev.MAX_UNITS, dtype=np.float32)[d][None]], training=False))[0]
    blocks = fused.reshape(len(x), 3, -1).astype(np.float64)  # (T, M, D + K)
    assert not np.allclose(blocks[:, 0], blocks[:, 1])  # the members differ
    states = stepper.initial_states(1)
    for t in range(len(x)):
        read, p_duration, states = stepper.step(x[t][None], states)
        p_pitch = stepper.pitch_probs(read, d[t : t + 1])[0]
        np.testing.assert_allclose(p_duration[0], blocks[t, :, : ev.MAX_UNITS].mean(0), atol=1e-5)
        joint = (blocks[t, :, d[t]] * blocks[t, :, ev.MAX_UNITS:].T).mean(1)  # (K,): P(d[t], pitch) of the mixture
        np.testing.assert_allclose(p_duration[0, d[t]] * p_pitch, joint, atol=1e-5)
    targets = np.stack([d, p], axis=-1)
    np.testing.assert_allclose(event_probs(fused, targets, cfg),
                               [(blocks[t, :, d[t]] * blocks[t, :, ev.MAX_UNITS + p[t]]).mean() for t in range(len(x))])
    loss = float(np.asarray(FactorisedCrossEntropy(ev.MAX_UNITS, members=3).call(targets[None], fused[None]))[0])
    each = [float(np.asarray(FactorisedCrossEntropy(ev.MAX_UNITS).call(targets[None], blocks[None, :, k]))[0])
            for k in range(3)]
    assert loss == pytest.approx(np.mean(each), rel=1e-5)
    # what training watches on held-out pieces: the mixture's own -log P(event), as scoring computes it
    mixture = float(np.asarray(FactorisedCrossEntropy(ev.MAX_UNITS, pitch_smoothing=0.1, members=3, mixture=True)
                               .call(targets[None], fused[None]))[0])
    assert mixture == pytest.approx(-np.log(event_probs(fused, targets, cfg)).sum(), rel=1e-5)
