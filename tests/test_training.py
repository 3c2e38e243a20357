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


def test_init_from_fine_tunes_from_the_old_weights_with_a_grown_vocabulary(tmp_path, tiny_bundle):
    import numpy as np

    from genapp.products.names import NamesModel

    extra = tmp_path / "extra.txt"
    extra.write_text("Qwertysaurus\nXylodon\nWuxiraptor\nQuagga\n")
    base = NamesModel.load(tiny_bundle)
    said = []
    m = train_names(extra, tmp_path / "ft", {"epochs": 1, "learning_rate": 1e-9, "batch_size": 2}, say=said.append,
                    init_from=tiny_bundle)
    assert m.vocab.symbols[: base.vocab.size] == base.vocab.symbols and m.vocab.size > base.vocab.size
    assert any("its vocabulary grows by" in line for line in said)
    # with a vanishing step the old symbols' weights are still the base model's; the new ones are fresh
    for old, new in zip(base.bundle.model.get_weights(), m.bundle.model.get_weights()):
        np.testing.assert_allclose(new[tuple(slice(0, s) for s in old.shape)], old, atol=1e-5)
    assert m.config.units == base.config.units and m.bundle.training["epochs_run"] == 1
    assert m.bundle.training["fine_tuned_from"]["corpus_sha256"] == base.bundle.training["corpus_sha256"]


def test_init_from_is_checked_before_keras(tmp_path, tiny_corpus):
    from run_cli import one_line_error, run

    line = one_line_error(run("train-names", "--corpus", tiny_corpus, "--out", tmp_path / "m", "--init-from",
                              tmp_path / "none"))
    assert line.startswith(f"Error: --init-from {tmp_path / 'none'}: no such model folder")
    result = run("train-names", "--corpus", tiny_corpus, "--out", tmp_path / "m", "--init-from", "dinos", "--resume")
    assert result.exit_code == 2 and "--resume and --init-from exclude each other" in result.stderr
    line = one_line_error(run("train-jazz", "--out", tmp_path / "j", "--init-from", "dinos"))
    assert line.endswith("is a 'names' model; this command needs a 'jazz' model")


def test_lr_drop_goes_back_to_the_best_weights_with_a_smaller_step():
    import keras

    from genapp.training import Interrupt, KeepBest

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    model.optimizer.build(model.trainable_variables)
    keeper = KeepBest(patience=7, has_val=True, interrupt=Interrupt(), best=None, checkpoint=None,
                      lr_drop=0.5, lr_patience=3)
    keeper.set_model(model)
    keeper.on_epoch_end(0, {"val_loss": 1.0})
    best = [w.copy() for w in model.get_weights()]
    rates = []
    for epoch, loss in enumerate([2.0, 3.0, 2.5, 0.9, 0.8] + [0.85] * 8, start=1):
        model.set_weights([w + epoch for w in best])  # as a worse epoch would leave them
        keeper.on_epoch_end(epoch, {"val_loss": loss})
        rates.append(float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)))
        if epoch == 3:  # the third epoch without a better loss: back to epoch 1, half the step
            assert all(np.array_equal(w, b) for w, b in zip(model.get_weights(), best))
        if model.stop_training:
            break
    assert rates == pytest.approx([0.01, 0.01, 0.005] + [0.005] * 4 + [0.0025] * 3 + [0.00125] * 2)
    assert keeper.drops == 3 and keeper.best_epoch == 6 and epoch == 12  # (epochs counted from 1) and model.stop_training


def test_lr_drop_takes_effect_inside_keras_fit():
    """Validation that only gets worse: after the first drop (to a vanishing step) training stands at the best weights."""
    import keras

    from genapp.training import fit

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = x @ rng.normal(size=(4, 1)).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.1), loss="mse")
    settings = TrainSettings(epochs=6, batch_size=16, learning_rate=0.1, lr_drop=1e-6, lr_patience=1)
    said = []
    result = fit(model, (x, y), (x, -y), settings, say=said.append)
    losses = result.history["loss"]
    assert said[1].endswith("learning rate -> 1e-07, back to epoch 1") and "learning rate" not in said[0]
    assert result.best_epoch == 1 and result.lr_drops == 5
    assert losses[1] < losses[0]  # a real step at first
    assert losses[2:] == pytest.approx([losses[2]] * 4, rel=1e-5)  # then standing still ...
    at_best = float(np.mean((np.asarray(model(x)) - y) ** 2))  # the model holds the best epoch's weights
    assert losses[2] == pytest.approx(at_best, rel=1e-4)  # ... at the best epoch's weights


def test_lr_drop_is_recorded_and_checked(tmp_path, tiny_corpus):
    m = train_names(tiny_corpus, tmp_path / "m", {"units": 6, "epochs": 2, "batch_size": 4, "lr_drop": 0.5})
    assert m.bundle.training["lr_drops"] == 0 and m.bundle.training["settings"]["lr_drop"] == 0.5
    with pytest.raises(ValueError, match="expected 0 < lr_drop <= 1, got 1.5"):
        TrainSettings(lr_drop=1.5)


def test_the_held_out_measure_weighs_every_sequence_alike_whatever_the_batches(tmp_path):
    """An ensemble's held-out figure (its mixture's nats) must not depend on how the held-out rows fall into batches:
    Keras's own wrapper of a loss as a metric gave a short last batch the weight of a full one."""
    import keras

    from genapp.config import CharLMConfig
    from genapp.nn.charlm import measure, training_graphs
    from genapp.training import compile_model

    cfg = CharLMConfig(vocab_size=6, cell="lstm", units=4, layers=1, embedding=3, members=2)
    model, trainee, loss = training_graphs(cfg)
    compile_model(trainee, TrainSettings(), loss=loss, measure=measure(cfg))
    rng = np.random.default_rng(0)
    y = rng.integers(1, 6, size=(11, 7)).astype(np.int32)
    y[:, 5:] = 0  # padding
    y[:3, 2:] = 0  # three short rows, which fall in the first batch of 4
    x = np.roll(y, 1, axis=1)
    x[:, 0] = 0
    whole = trainee.evaluate(x, y, batch_size=11, verbose=0, return_dict=True)["measure"]
    batched = trainee.evaluate(x, y, batch_size=4, verbose=0, return_dict=True)["measure"]  # 4 + 4 + 3 rows
    probs = np.asarray(model(x))  # the mixture (11, 7, V)
    picked = np.take_along_axis(probs, y[..., None], axis=-1)[..., 0]
    expected = -(np.log(picked) * (y != 0)).sum() / len(y)  # mean over rows of each row's summed nats
    assert batched == pytest.approx(expected, rel=1e-5) and whole == pytest.approx(expected, rel=1e-5)
    model.compile(optimizer=trainee.optimizer, loss=loss)
    model.save(tmp_path / "m.keras")  # the compiled trainee's measure serialises
    assert keras.saving.load_model(tmp_path / "m.keras", safe_mode=True, compile=False) is not None
