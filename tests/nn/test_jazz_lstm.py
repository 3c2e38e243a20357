"""The jazz graphs share their layers and compute the same thing."""

import keras
import numpy as np
import pytest
from keras import ops

from genapp.data.sequences import one_hot
from genapp.nn.jazz_lstm import (
    JazzConfig,
    SampleOneHot,
    TimeStep,
    build_layers,
    fused_model,
    inference_model,
    layers_of,
    stepper,
    unrolled_model,
)

CFG = JazzConfig(n_values=9, units=6, tx=5)


def _batch(rng, m=4):
    idx = rng.integers(1, CFG.n_values, size=(m, CFG.tx))
    x = idx.copy()
    x[:, 1:], x[:, 0] = idx[:, :-1], 0
    zeros = np.zeros((m, CFG.units), np.float32)
    return [one_hot(x, CFG.n_values), zeros, zeros], idx


def test_fused_and_unrolled_give_the_same_outputs_and_loss():
    layers = build_layers(CFG)
    fused, unrolled = fused_model(layers, CFG), unrolled_model(layers, CFG)
    assert len(unrolled.layers) < 3 * CFG.tx + 5  # shared layers, not copies
    inputs, y = _batch(np.random.default_rng(0))
    a = ops.convert_to_numpy(fused(inputs))  # (m, Tx, n)
    b = np.stack([ops.convert_to_numpy(o) for o in unrolled(inputs)], axis=1)
    np.testing.assert_allclose(a, b, atol=1e-6)
    from genapp.nn.losses import SequenceCrossEntropy

    fused_loss = float(ops.convert_to_numpy(SequenceCrossEntropy()(y, a)))
    cce = keras.losses.CategoricalCrossentropy()
    yh = one_hot(y, CFG.n_values)
    unrolled_loss = sum(float(ops.convert_to_numpy(cce(yh[:, t], b[:, t]))) for t in range(CFG.tx))
    assert fused_loss == pytest.approx(unrolled_loss, rel=1e-5)


def test_one_to_many_graph_matches_the_step_loop():
    layers = build_layers(CFG)
    fused_model(layers, CFG)  # builds the shared cell
    steps, rng = 7, np.random.default_rng(1)
    noise = rng.gumbel(size=(1, steps, CFG.n_values)).astype("float32")
    for temperature in (0.0, 0.8):
        graph = inference_model(layers, CFG, steps, temperature)
        x1 = np.zeros((1, CFG.n_values), np.float32)
        zeros = np.zeros((1, CFG.units), np.float32)
        chosen = [int(np.argmax(ops.convert_to_numpy(o))) for o in graph([x1, zeros, zeros, noise])]
        step = stepper(layers, CFG)
        states, x, loop = step.initial_states(1), 0, []
        for t in range(steps):
            probs, states = step.step(np.array([x]), states)
            scores = np.log(probs[0]) / temperature + noise[0, t] if temperature else probs[0].copy()
            scores[0] = -np.inf  # PAD is never chosen
            x = int(np.argmax(scores))
            loop.append(x)
        assert chosen == loop


def test_layers_recovered_from_a_fused_model_share_its_weights():
    layers = build_layers(CFG)
    fused = fused_model(layers, CFG)
    again = layers_of(fused, CFG)
    assert again.lstm.cell is layers.lstm.cell and again.densor is layers.densor


@pytest.mark.parametrize("which", ["unrolled", "inference"])
def test_graphs_with_custom_layers_load_in_safe_mode(tmp_path, which):
    layers = build_layers(CFG)
    fused_model(layers, CFG)
    model = unrolled_model(layers, CFG) if which == "unrolled" else inference_model(layers, CFG, 3, 0.5)
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras", safe_mode=True)
    assert any(isinstance(layer, (TimeStep, SampleOneHot)) for layer in loaded.layers)


def test_custom_layers_validate():
    with pytest.raises(ValueError, match="expected temperature >= 0, got -1"):
        SampleOneHot(-1)
    with pytest.raises(ValueError, match="expected index to be a non-negative integer, got -2"):
        TimeStep(-2)
