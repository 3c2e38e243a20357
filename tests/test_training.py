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
