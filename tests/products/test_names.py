import numpy as np
import pytest

from genapp.data.vocab import END, PAD
from genapp.errors import GenappError
from genapp.products.names import NamesModel, display, train_names


@pytest.fixture(scope="module")
def model(tiny_bundle):
    return NamesModel.load(tiny_bundle)


def test_training_records_its_facts(model, tiny_corpus):
    t = model.bundle.training
    assert t["corpus"] == "names.txt" and len(t["corpus_sha256"]) == 64
    assert t["epochs_run"] == 2 and t["best_val_loss"] > 0 and t["val_nats_per_char"] > 0
    assert "tyrannosaurus" in model.known


def test_same_seed_same_names_other_seed_other_names(model):
    a = [g.name for g in model.generate(8, seed=3)]
    b = [g.name for g in model.generate(8, seed=3)]
    c = [g.name for g in model.generate(8, seed=4)]
    assert a == b and a != c and len(set(a)) == 8


def test_prefix_max_length_and_novelty(model, tiny_corpus):
    got = model.generate(5, seed=0, prefix="Ste", max_length=12, novel=True)
    assert all(g.name.startswith("ste") and len(g.name) <= 12 and g.is_new for g in got)
    corpus = {line.strip().lower() for line in tiny_corpus.read_text().splitlines()}
    assert not {g.name for g in got} & corpus  # checked against the file itself, not the model's own list


def test_generated_names_use_only_corpus_characters(model):
    for g in model.generate(10, seed=1):
        assert g.name and not model.vocab.unknown(g.name) and "\n" not in g.name


def test_score_is_the_product_of_the_step_probabilities(model):
    name = "rex"
    [s] = model.score(["Rex"])
    v = model.vocab
    states = model.stepper.initial_states(1)
    logp, prev = 0.0, v.index(PAD)
    for ch in list(name) + [END]:
        probs, states = model.stepper.step(np.array([prev]), states)
        logp += np.log(probs[0, v.index(ch)])
        prev = v.index(ch)
    assert s.log_prob == pytest.approx(logp, abs=1e-4)
    assert s.nats_per_char == pytest.approx(-logp / 4, abs=1e-4)


def test_unknown_characters_are_named(model):
    with pytest.raises(GenappError, match=r"prefix 'q9': 2 characters the model never saw \('q' '9'\); it knows '"):
        model.generate(3, prefix="q9")
    with pytest.raises(GenappError, match="names 'zoë': 1 character the model never saw"):
        model.score(["Zoë"])


def test_too_many_names_asked_for_is_an_error_not_a_hang(model):
    with pytest.raises(GenappError, match="distinct names in 50 rounds"):
        model.generate(30, max_length=1, seed=0)  # only 21 one-letter names exist


def test_names_in_any_alphabet(tmp_path):
    corpus = tmp_path / "greek.txt"
    corpus.write_text("\n".join(["Αθηνά", "Απόλλων", "Άρτεμις", "Ερμής", "Ήρα", "Ζευς", "Δήμητρα", "Ήφαιστος"]), encoding="utf-8")
    model = train_names(corpus, tmp_path / "m", {"cell": "gru", "units": 8, "layers": 2, "epochs": 1})
    assert model.config.layers == 2 and "ζ" in model.vocab
    assert display(model.generate(1, seed=0)[0].name)[0].isupper()


def test_clipping_is_configured_on_the_optimizer(tmp_path, tiny_corpus):
    m = train_names(tiny_corpus, tmp_path / "m", {"units": 4, "epochs": 1, "clipvalue": 0.5})
    assert m.bundle.training["settings"]["clipvalue"] == 0.5


def test_fast_loading_equals_keras_safe_mode_loading(model, tiny_bundle):
    import keras
    from keras import ops

    safe = keras.saving.load_model(tiny_bundle / "model.keras", compile=False, safe_mode=True)
    x = np.array([[0, 3, 5, 7, 2]], np.int32)
    np.testing.assert_allclose(
        ops.convert_to_numpy(safe(x)), ops.convert_to_numpy(model.bundle.model(x)), atol=1e-6
    )


def test_an_ensemble_is_judged_by_its_mixture_on_the_held_out_names(tmp_path, tiny_corpus):
    """Each member trains on its own loss, but early stopping and the recorded figure are the mixture's nats,
    the figure a user's names are scored by (lower than the members' mean loss: they differ)."""
    from genapp.nn.charlm import nats_per_symbol, members_trainee
    from genapp.text.corpus import read_names, split_names
    from genapp.text.windows import names_to_arrays

    m = train_names(tiny_corpus, tmp_path / "m", {"units": 16, "members": 2, "embedding": 4, "epochs": 8, "batch_size": 8})
    assert m.config.members == 2 and m.config.embedding == 4
    names = read_names(tiny_corpus)
    _, val = split_names(names, 0.1)
    x, y = names_to_arrays(val, m.vocab, max(len(n) for n in names) + 1)
    mixture = nats_per_symbol(m.bundle.model, x, y)
    assert m.bundle.training["val_nats_per_char"] == pytest.approx(mixture, rel=1e-4)
    each = np.asarray(members_trainee(m.bundle.model, m.config)(x)).reshape(*y.shape, 2, -1)  # (m, T, M, V)
    picked = np.take_along_axis(each, y[..., None, None].repeat(2, axis=2), axis=-1)[..., 0]  # (m, T, M)
    mean_loss = -(np.log(picked).mean(axis=-1) * (y != 0)).sum() / (y != 0).sum()
    assert mixture < mean_loss - 1e-3, (mixture, mean_loss)
