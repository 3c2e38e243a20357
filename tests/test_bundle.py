import hashlib
import json
import shutil

import keras
import numpy as np
import pytest
from keras import ops

from genapp import bundle as bundles
from genapp.data.vocab import END, PAD, Vocabulary
from genapp.errors import GenappError
from genapp.nn.charlm import CharLMConfig, build_model


def _save(path, vocab_text="abc", kind="names"):
    vocab = Vocabulary.build(vocab_text, specials=(PAD, END))
    cfg = CharLMConfig(vocab_size=vocab.size, cell="lstm", units=4, layers=1)
    model = build_model(cfg)
    bundles.save_bundle(path, kind=kind, model=model, vocab=vocab, config=cfg.to_json(), training={"epochs_run": 0})
    return model


def test_round_trip_gives_the_same_model(tmp_path):
    model = _save(tmp_path / "b")
    loaded = bundles.load_bundle(tmp_path / "b", "names")
    x = np.array([[0, 2, 3, 4]])
    np.testing.assert_allclose(ops.convert_to_numpy(loaded.model(x)), ops.convert_to_numpy(model(x)), atol=1e-6)
    assert loaded.vocab.symbols == (PAD, END, "a", "b", "c")
    assert loaded.config["units"] == 4 and loaded.training == {"epochs_run": 0}
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == sorted(bundles.PARTS)


def test_saving_over_a_bundle_replaces_it_and_leaves_no_temporaries(tmp_path):
    _save(tmp_path / "b", "abc")
    _save(tmp_path / "b", "abcd")
    assert bundles.load_bundle(tmp_path / "b", "names").vocab.size == 6
    assert [p.name for p in tmp_path.iterdir()] == ["b"]


def test_a_failed_save_keeps_the_old_bundle(tmp_path):
    _save(tmp_path / "b", "abc")
    vocab = Vocabulary.build("xyz", specials=(PAD, END))

    class Broken(keras.Model):
        def save(self, *a, **k):
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        bundles.save_bundle(tmp_path / "b", kind="names", model=Broken(), vocab=vocab, config={}, training={})
    assert bundles.load_bundle(tmp_path / "b", "names").vocab.symbols[2:] == ("a", "b", "c")
    assert [p.name for p in tmp_path.iterdir()] == ["b"]


def test_missing_folder(tmp_path):
    with pytest.raises(GenappError) as e:
        bundles.load_bundle(tmp_path / "none", "names")
    assert str(e.value) == f"model bundle {tmp_path / 'none'}: no such folder"


def test_a_file_is_not_a_bundle(tmp_path):
    f = tmp_path / "model.keras"
    f.write_text("x")
    with pytest.raises(GenappError, match="is a file; expected a bundle folder holding model.keras"):
        bundles.load_bundle(f, "names")


def test_partial_bundle_names_the_missing_parts(tmp_path):
    _save(tmp_path / "b")
    (tmp_path / "b" / "vocab.json").unlink()
    (tmp_path / "b" / "training.json").unlink()
    with pytest.raises(GenappError) as e:
        bundles.load_bundle(tmp_path / "b", "names")
    assert str(e.value) == (
        f"model bundle {tmp_path / 'b'}: incomplete, missing vocab.json, training.json; "
        "retrain it or point to another folder"
    )


def test_parts_from_different_trainings_are_refused(tmp_path):
    _save(tmp_path / "one", "abc")
    _save(tmp_path / "two", "abcdef")
    shutil.copy(tmp_path / "two" / "vocab.json", tmp_path / "one" / "vocab.json")
    with pytest.raises(GenappError, match="vocab.json does not match config.json \\(sha256 differs\\)"):
        bundles.load_bundle(tmp_path / "one", "names")


def test_another_kind_is_refused(tmp_path):
    _save(tmp_path / "b", kind="jazz")
    with pytest.raises(GenappError, match="is a 'jazz' model; this command needs a 'names' model"):
        bundles.load_bundle(tmp_path / "b", "names")


def test_corrupt_config_and_foreign_json(tmp_path):
    _save(tmp_path / "b")
    (tmp_path / "b" / "config.json").write_text("{not json")
    with pytest.raises(GenappError, match="config.json is not valid JSON"):
        bundles.load_bundle(tmp_path / "b", "names")
    (tmp_path / "b" / "config.json").write_text(json.dumps({"hello": 1}))
    with pytest.raises(GenappError, match="config.json is not a genapp bundle config"):
        bundles.load_bundle(tmp_path / "b", "names")


def test_corrupt_model_file_is_reported_not_raised_raw(tmp_path):
    _save(tmp_path / "b")
    cfg_path = tmp_path / "b" / "config.json"
    (tmp_path / "b" / "model.keras").write_bytes(b"not a zip")
    cfg = json.loads(cfg_path.read_text())
    cfg["sha256"]["model.keras"] = hashlib.sha256(b"not a zip").hexdigest()  # get past the hash check to the loader itself
    cfg_path.write_text(json.dumps(cfg))
    with pytest.raises(GenappError, match="model.keras could not be loaded"):
        bundles.load_bundle(tmp_path / "b", "names")


def test_written_bundles_get_ordinary_permissions(tmp_path):
    import os
    import stat

    old = os.umask(0o022)
    try:
        _save(tmp_path / "b")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "b").stat().st_mode) == 0o755
