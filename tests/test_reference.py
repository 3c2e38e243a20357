"""The NumPy reference is the spec: Keras layers and genapp's shipped models must compute it exactly."""

import keras
import numpy as np
import pytest
from keras import layers, ops

from genapp import paths
from genapp import reference as ref


def rnd(rng, *shape, scale=0.5):
    return (rng.standard_normal(shape) * scale).astype("float32")


def run_layer(layer, x_keras):
    out = layer(x_keras)
    return [ops.convert_to_numpy(o).astype(float) for o in out]


def set_random_weights(layer, rng):
    layer.set_weights([rnd(rng, *w.shape) for w in layer.get_weights()])


SHAPES = [(3, 4, 5, 6), (1, 2, 7, 3), (5, 6, 3, 9)]  # (m, n_x, T_x, n_a)


def random_run(layer, m, n_x, t_x, seed):
    """Build a Keras recurrent layer with random weights and run it on random x (m, T_x, n_x)."""
    rng = np.random.default_rng(seed)
    x = rnd(rng, m, t_x, n_x, scale=1.0)
    layer.build((None, t_x, n_x))
    set_random_weights(layer, rng)
    return x, run_layer(layer, x)


@pytest.mark.parametrize("m, n_x, t_x, n_a", SHAPES)
def test_simple_rnn_matches(m, n_x, t_x, n_a):
    layer = layers.SimpleRNN(n_a, return_sequences=True, return_state=True)
    x, (seq, h) = random_run(layer, m, n_x, t_x, seed=n_a)
    p = ref.params_from_keras_simple_rnn(*layer.get_weights())
    no_output = {"Wya": np.zeros((1, n_a)), "by": np.zeros((1, 1))}
    a, _, _ = ref.rnn_forward(x.transpose(2, 0, 1).astype(float), np.zeros((n_a, m)), {**p, **no_output})
    np.testing.assert_allclose(a.transpose(1, 2, 0), seq, atol=1e-5)
    np.testing.assert_allclose(a[:, :, -1].T, h, atol=1e-5)


@pytest.mark.parametrize("m, n_x, t_x, n_a", SHAPES)
def test_lstm_matches_with_update_forget_output_gates(m, n_x, t_x, n_a):
    layer = layers.LSTM(n_a, return_sequences=True, return_state=True)
    x, (seq, h, c) = random_run(layer, m, n_x, t_x, seed=n_x)
    p = ref.params_from_keras_lstm(*layer.get_weights())
    p.update({"Wy": np.zeros((1, n_a)), "by": np.zeros((1, 1))})
    a, cs, _, _ = ref.lstm_forward(x.transpose(2, 0, 1).astype(float), np.zeros((n_a, m)), p)
    np.testing.assert_allclose(a.transpose(1, 2, 0), seq, atol=1e-5)
    np.testing.assert_allclose(a[:, :, -1].T, h, atol=1e-5)
    np.testing.assert_allclose(cs[:, :, -1].T, c, atol=1e-5)


def _gru(reset_after, m=3, n_x=4, t_x=6, n_a=5, seed=0):
    rng = np.random.default_rng(seed)
    x = rnd(rng, m, t_x, n_x, scale=1.0)
    layer = layers.GRU(n_a, return_sequences=True, reset_after=reset_after)
    layer.build((None, t_x, n_x))
    set_random_weights(layer, rng)
    return x, layer, ops.convert_to_numpy(layer(x)).astype(float)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gru_with_reset_before_the_product_is_the_textbook_gru(seed):
    x, layer, seq = _gru(reset_after=False, seed=seed)
    p = ref.params_from_keras_gru(*layer.get_weights())
    a = ref.gru_forward(x.transpose(2, 0, 1).astype(float), np.zeros((5, 3)), p)
    np.testing.assert_allclose(a.transpose(1, 2, 0), seq, atol=1e-5)


def test_gru_with_reset_after_the_product_is_not():
    x, layer, seq = _gru(reset_after=True)
    kernel, recurrent, bias = layer.get_weights()  # bias (2, 3 n_a): input and recurrent biases
    with pytest.raises(ValueError, match="reset_after=True applies Gamma_r after the product"):
        ref.params_from_keras_gru(kernel, recurrent, bias)
    p = ref.params_from_keras_gru(kernel, recurrent, bias[0] + bias[1])  # the closest textbook reading
    a = ref.gru_forward(x.transpose(2, 0, 1).astype(float), np.zeros((5, 3)), p)
    assert np.abs(a.transpose(1, 2, 0) - seq).max() > 1e-3


def test_deep_rnn_matches_stacked_keras_layers():
    rng = np.random.default_rng(3)
    x = rnd(rng, 2, 5, 3, scale=1.0)
    stack = [layers.SimpleRNN(4, return_sequences=True), layers.GRU(5, reset_after=False, return_sequences=True),
             layers.LSTM(3, return_sequences=True)]
    inp = keras.Input((5, 3))
    h = inp
    for layer in stack:
        h = layer(h)
    model = keras.Model(inp, h)
    for layer in stack:
        set_random_weights(layer, rng)
    out = ops.convert_to_numpy(model(x)).astype(float)
    converters = (ref.params_from_keras_simple_rnn, ref.params_from_keras_gru, ref.params_from_keras_lstm)
    plan = [(cell, conv(*layer.get_weights())) for cell, conv, layer in zip(("rnn", "gru", "lstm"), converters, stack)]
    a = ref.deep_rnn_forward(x.transpose(2, 0, 1).astype(float), plan)
    np.testing.assert_allclose(a.transpose(1, 2, 0), out, atol=1e-5)


def test_bidirectional_rnn_matches_keras_bidirectional():
    rng = np.random.default_rng(4)
    x = rnd(rng, 3, 6, 4, scale=1.0)
    inp = keras.Input((6, 4))
    bi = layers.Bidirectional(layers.SimpleRNN(5, return_sequences=True), merge_mode="concat")
    dense = layers.Dense(7, activation="softmax")
    model = keras.Model(inp, dense(bi(inp)))
    set_random_weights(bi, rng)
    set_random_weights(dense, rng)
    out = ops.convert_to_numpy(model(x)).astype(float)
    fw, bw = bi.forward_layer.get_weights(), bi.backward_layer.get_weights()
    d = ref.params_from_keras_dense(*dense.get_weights())
    y_hat = ref.bidirectional_rnn_forward(x.transpose(2, 0, 1).astype(float), ref.params_from_keras_simple_rnn(*fw),
                                          ref.params_from_keras_simple_rnn(*bw), d["Wy"], d["by"])
    np.testing.assert_allclose(y_hat.transpose(1, 2, 0), out, atol=1e-5)


def test_losses_match_keras():
    rng = np.random.default_rng(5)
    probs = rng.dirichlet(np.ones(4), size=(3, 5))  # (m, T, n_y)
    y = np.eye(4)[rng.integers(0, 4, size=(3, 5))]
    from genapp.nn.losses import SequenceCrossEntropy

    keras_ce = float(ops.convert_to_numpy(SequenceCrossEntropy(pad_index=-1)(y.argmax(-1), probs.astype("float32"))))
    assert ref.cross_entropy(probs.transpose(2, 0, 1), y.transpose(2, 0, 1)) == pytest.approx(keras_ce, rel=1e-5)
    p = rng.uniform(0.05, 0.95, size=(1, 3, 5))
    t = rng.integers(0, 2, size=(1, 3, 5)).astype(float)
    bce = keras.losses.BinaryCrossentropy()
    per_step = [float(ops.convert_to_numpy(bce(t[0, :, k:k + 1], p[0, :, k:k + 1]))) for k in range(5)]
    assert ref.binary_cross_entropy(p, t) == pytest.approx(sum(per_step), rel=1e-4)


# ---- backpropagation through time ---------------------------------------------------------------


def _problem(cell, seed=0, m=3, n_x=4, n_a=5, n_y=4, t_x=6):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_x, m, t_x))
    y = np.eye(n_y)[rng.integers(0, n_y, size=(m, t_x))].transpose(2, 0, 1)
    a0 = rng.standard_normal((n_a, m)) * 0.1
    if cell == "rnn":
        p = {"Wax": rng.standard_normal((n_a, n_x)) * 0.5, "Waa": rng.standard_normal((n_a, n_a)) * 0.5,
             "ba": rng.standard_normal((n_a, 1)) * 0.1, "Wya": rng.standard_normal((n_y, n_a)) * 0.5,
             "by": rng.standard_normal((n_y, 1)) * 0.1}
    else:
        p = {f"W{g}": rng.standard_normal((n_a, n_a + n_x)) * 0.5 for g in "fuco"}
        p.update({f"b{g}": rng.standard_normal((n_a, 1)) * 0.1 for g in "fuco"})
        p.update({"Wy": rng.standard_normal((n_y, n_a)) * 0.5, "by": rng.standard_normal((n_y, 1)) * 0.1})
    return x, y, a0, p


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_backward_agrees_with_centred_finite_differences(cell):
    x, y, a0, p = _problem(cell)
    backward = ref.rnn_backward if cell == "rnn" else ref.lstm_backward
    _, grads = backward(x, y, a0, p)

    def loss(params, a0):
        return backward(x, y, a0, params)[0]

    eps = 1e-6
    for name in list(p) + ["a0"]:
        target = a0 if name == "a0" else p[name]
        numeric = np.zeros_like(target)
        for i in np.ndindex(target.shape):
            old = target[i]
            target[i] = old + eps
            up = loss(p, a0)
            target[i] = old - eps
            down = loss(p, a0)
            target[i] = old
            numeric[i] = (up - down) / (2 * eps)
        rel = np.linalg.norm(numeric - grads[name]) / (np.linalg.norm(numeric) + np.linalg.norm(grads[name]))
        assert rel < 1e-6, f"{cell} d{name}: relative error {rel:.2e}"


def keras_gradients(model, x, y_idx):
    """Gradients of the summed cross-entropy w.r.t. the model's trainable variables, on either backend."""
    from genapp.nn.losses import SequenceCrossEntropy

    loss = SequenceCrossEntropy(pad_index=-1)
    if keras.backend.backend() == "jax":
        import jax

        trainable = [v.value for v in model.trainable_variables]
        frozen = [v.value for v in model.non_trainable_variables]

        def f(tv):
            out, _ = model.stateless_call(tv, frozen, x)
            return loss(y_idx, out)

        grads = jax.grad(f)(trainable)
    else:
        import tensorflow as tf

        with tf.GradientTape() as tape:
            value = loss(y_idx, model(x))
        grads = tape.gradient(value, model.trainable_variables)
    return [np.asarray(g, dtype=float) for g in grads]


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_backward_agrees_with_keras_gradients(cell):
    x, y, a0, p = _problem(cell, seed=1)
    n_x, m, t_x = x.shape
    n_a, n_y = a0.shape[0], y.shape[0]
    inp = keras.Input((t_x, n_x))
    rec = layers.SimpleRNN(n_a, return_sequences=True) if cell == "rnn" else layers.LSTM(n_a, return_sequences=True)
    dense = layers.Dense(n_y, activation="softmax")
    model = keras.Model(inp, dense(rec(inp)))
    if cell == "rnn":
        rec.set_weights([p["Wax"].T, p["Waa"].T, p["ba"][:, 0]])
        dense.set_weights([p["Wya"].T, p["by"][:, 0]])
    else:
        kernel = np.hstack([p[f"W{g}"][:, n_a:].T for g in "ufco"])
        recurrent = np.hstack([p[f"W{g}"][:, :n_a].T for g in "ufco"])
        rec.set_weights([kernel, recurrent, np.concatenate([p[f"b{g}"][:, 0] for g in "ufco"])])
        dense.set_weights([p["Wy"].T, p["by"][:, 0]])
    a0 = np.zeros_like(a0)  # Keras starts from zero states
    x32 = x.transpose(1, 2, 0).astype("float32")
    got = keras_gradients(model, x32, y.argmax(0).astype("int32"))
    _, g = (ref.rnn_backward if cell == "rnn" else ref.lstm_backward)(x, y, a0, p)
    if cell == "rnn":
        expected = [g["Wax"].T, g["Waa"].T, g["ba"][:, 0], g["Wya"].T, g["by"][:, 0]]
    else:
        expected = [np.hstack([g[f"W{k}"][:, n_a:].T for k in "ufco"]), np.hstack([g[f"W{k}"][:, :n_a].T for k in "ufco"]),
                    np.concatenate([g[f"b{k}"][:, 0] for k in "ufco"]), g["Wy"].T, g["by"][:, 0]]
    for a, b in zip(got, expected):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-5)


# ---- clipping and sampling --------------------------------------------------------------------


def test_clipping():
    grads = {"a": np.array([[-12.0, 3.0]]), "b": np.array([7.0])}
    clipped = ref.clip_by_value(grads, 5)
    assert clipped["a"].tolist() == [[-5.0, 3.0]] and clipped["b"].tolist() == [5.0]
    scaled = ref.clip_by_global_norm(grads, 1.0)
    assert np.sqrt(sum((v**2).sum() for v in scaled.values())) == pytest.approx(1.0)
    assert ref.clip_by_global_norm(grads, 100.0)["a"].tolist() == grads["a"].tolist()


def test_sampling_is_seeded_and_stops_at_the_end_token():
    _, _, _, p = _problem("lstm", n_x=4, n_y=4)
    runs = [ref.sample(p, 4, end_index=1, rng=np.random.default_rng(seed), max_length=30) for seed in (7, 7, 8, 9)]
    assert runs[0] == runs[1] and runs[0] != runs[2]  # the seed decides the sequence
    ended = [r for r in runs if len(r) < 30]
    assert ended, "with 4 symbols, some run reaches the end token within 30 steps"
    assert all(r[-1] == 1 and 1 not in r[:-1] for r in ended)  # it stops right after the end token, never earlier
    capped = ref.sample(p, 4, end_index=99, rng=np.random.default_rng(7), max_length=5)
    assert len(capped) == 5  # no end token possible: max_length stops it


# ---- genapp's shipped models are the reference's equations -------------------------------------


def test_shipped_names_model_is_the_reference_lstm():
    """The shipped names model, an ensemble: each member is the textbook LSTM reading its learned vector of each
    character (x<t> = E[c], E[PAD] for the start), and P(next) is the members' mean."""
    from genapp.nn.charlm import inputs
    from genapp.products.names import NamesModel

    m = NamesModel.load(paths.default_names_model())
    assert m.config.members > 1 and m.config.embedding > 0
    members = []
    for k in range(m.config.members):
        tag = "" if k == 0 else f"_m{k}"
        p = ref.params_from_keras_lstm(*m.bundle.model.get_layer(f"recurrent{tag}_0").cell.get_weights())
        p.update(ref.params_from_keras_dense(*m.bundle.model.get_layer(f"softmax{tag}").get_weights()))
        members.append((p, inputs(m.bundle.model, m.config, k).get_weights()[0]))  # (V, E)
    ids = [0] + m.vocab.encode("tyrannosaurus")[:5]
    states = m.stepper.initial_states(1)
    carried = [(np.zeros((m.config.units, 1)), np.zeros((m.config.units, 1))) for _ in members]
    for i in ids:
        keras_probs, states = m.stepper.step(np.array([i]), states)
        y_hats = []
        for k, (p, vectors) in enumerate(members):
            a, c, y_hat, _ = ref.lstm_cell_forward(vectors[i][:, None], *carried[k], p)
            carried[k] = (a, c)
            y_hats.append(y_hat[:, 0])
        np.testing.assert_allclose(np.mean(y_hats, axis=0), keras_probs[0], atol=1e-5)


def test_classic_jazz_model_is_the_reference_lstm(classic_bundle):
    from genapp.products.jazz import JazzModel

    m = JazzModel.load(classic_bundle)
    p = ref.params_from_keras_lstm(*m.layers.lstm.cell.get_weights())
    p.update(ref.params_from_keras_dense(*m.layers.densor.get_weights()))
    n = m.config.n_values
    states = m.stepper.initial_states(1)
    a, c = np.zeros((m.config.units, 1)), np.zeros((m.config.units, 1))
    for i in [0, 5, 17, 3, n - 1]:
        keras_probs, states = m.stepper.step(np.array([i]), states)
        x = np.zeros((n, 1))
        if i:
            x[i] = 1
        a, c, y_hat, _ = ref.lstm_cell_forward(x, a, c, p)
        np.testing.assert_allclose(y_hat[:, 0], keras_probs[0], atol=1e-5)


def test_shipped_jazz_model_is_the_reference_lstm_with_two_softmax_heads():
    """The shipped (improv) model, an ensemble: each member's a<t> is the textbook LSTM's and its heads are
    softmax(W [a<t>, x<t>(, d)] + b); P(duration) is the members' mean, P(step | d) their mean weighted by P_k(d)."""
    from genapp.music import events as ev
    from genapp.music.corpus import load_corpus
    from genapp.products.improv import piece_arrays
    from genapp.products.jazz import JazzModel

    m = JazzModel.load(paths.models_dir() / "jazz")
    assert m.config.representation == "improv" and m.config.members >= 1
    members = []
    for tag in [""] + [f"_{k}" for k in range(1, m.config.members)]:
        p = ref.params_from_keras_lstm(*m.bundle.model.get_layer(f"lstm{tag}").cell.get_weights())
        p.update(Wy=np.zeros((1, m.config.units)), by=np.zeros((1, 1)))  # the LSTM's own softmax is not used
        members.append((p, m.bundle.model.get_layer(f"duration_head{tag}").get_weights(),
                        m.bundle.model.get_layer(f"pitch_head{tag}").get_weights()))
    piece = piece_arrays(load_corpus([str(paths.corpora_dir() / "jazz" / "blues_for_keras.abc")]).pieces[0],
                         m.config.context)
    states = m.stepper.initial_states(1)
    carried = [(np.zeros((m.config.units, 1)), np.zeros((m.config.units, 1))) for _ in members]
    for t in range(6):
        x = piece.features[t][:, None].astype(float)  # (F, 1)
        hx, p_duration, states = m.stepper.step(piece.features[t][None], states)
        d = piece.targets[t, 0]
        one_hot = np.zeros((ev.MAX_UNITS, 1))
        one_hot[d] = 1
        durations, pitches = [], []
        for k, (p, (wd, bd), (wp, bp)) in enumerate(members):
            a, c, _, _ = ref.lstm_cell_forward(x, *carried[k], p)
            carried[k] = (a, c)
            ax = np.vstack([a, x])
            durations.append(ref.softmax(wd.T @ ax + bd[:, None])[:, 0])  # (D,)
            pitches.append(ref.softmax(wp.T @ np.vstack([ax, one_hot]) + bp[:, None])[:, 0])  # (K,)
        np.testing.assert_allclose(np.mean(durations, axis=0), p_duration[0], atol=1e-5)
        weight = np.array([q[d] for q in durations])  # (M,)
        expected = (weight[:, None] * np.array(pitches)).sum(axis=0) / weight.sum()
        np.testing.assert_allclose(expected, m.stepper.pitch_probs(hx, [d])[0], atol=1e-5)
