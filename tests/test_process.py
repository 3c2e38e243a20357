"""Real processes: the console script, a clean terminal, and bundles that cross backends."""

import json
import os
import shutil
import subprocess
import sys

import keras
import numpy as np
import pytest

from genapp import paths
from genapp.products.names import NamesModel

OTHER_BACKEND = "tensorflow" if keras.backend.backend() == "jax" else "jax"
GENAPP = [sys.executable, "-m", "genapp.cli"]


def genapp(*args, backend=None):
    env = dict(os.environ)
    if backend:
        env["KERAS_BACKEND"] = backend
    return subprocess.run([*GENAPP, *args], capture_output=True, text=True, env=env, timeout=300)


def test_console_script_is_installed():
    import sysconfig
    from importlib.metadata import entry_points

    [script] = [e for e in entry_points(group="console_scripts") if e.name == "genapp"]
    assert script.value == "genapp.cli:main"
    folder = sysconfig.get_path("scripts")
    assert shutil.which("genapp", path=folder), f"pip install -e . should put a genapp script in {folder}"


@pytest.mark.parametrize("backend", ["jax", "tensorflow"])
def test_names_print_and_the_terminal_stays_clean(backend):
    result = genapp("dino-names", "--count", "3", "--seed", "5", backend=backend)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", "no TensorFlow/JAX start-up lines may reach the user"
    assert len(result.stdout.splitlines()) == 3


def test_bad_input_exits_1_with_one_line_and_no_traceback(tmp_path):
    result = genapp("train-names", "--out", str(tmp_path / "none"), "--corpus", str(tmp_path / "x.txt"))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == f"Error: --corpus {tmp_path / 'x.txt'}: no such file\n"
    assert not (tmp_path / "none").exists()


def test_the_shipped_bundle_gives_the_same_probabilities_on_both_backends():
    model = NamesModel.load(paths.default_names_model())
    x = np.array([[0, 3, 4, 5, 6, 7]], np.int32)
    here = keras.ops.convert_to_numpy(model.bundle.model(x))
    code = (
        "import json, numpy as np, keras, genapp.paths as p\n"
        "from genapp.products.names import NamesModel\n"
        "m = NamesModel.load(p.default_names_model())\n"
        f"x = np.array({x.tolist()}, np.int32)\n"
        "print(json.dumps(keras.ops.convert_to_numpy(m.bundle.model(x)).tolist()))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "KERAS_BACKEND": OTHER_BACKEND})
    assert out.returncode == 0, out.stderr
    np.testing.assert_allclose(np.array(json.loads(out.stdout)), here, atol=1e-5)


@pytest.mark.parametrize("backend", ["jax", "tensorflow"])
def test_training_progress_is_ours_alone(tmp_path, tiny_corpus, backend):
    result = genapp("train-names", "--corpus", str(tiny_corpus), "--out", str(tmp_path / "m"),
                    "--epochs", "2", "--units", "8", backend=backend)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("training a 1-layer LSTM (8 units, 32-wide learned input vectors, 3 members) on ")
    assert [line[:9] for line in lines[1:5:2]] == ["epoch   1", "epoch   2"]
    assert all(line.startswith("    ") and "(" in line for line in lines[2:6:2])  # the names sampled after each epoch
    assert lines[5].startswith("best epoch ") and lines[6].startswith("sample from it with:") and len(lines) == 7


@pytest.mark.parametrize("backend", ["jax", "tensorflow"])
@pytest.mark.parametrize("command", ["generate", "write"])
def test_music_and_text_commands_keep_the_terminal_clean(tmp_path, backend, command):
    args = ["generate", "--bars", "2", "--seed", "1", "--out", str(tmp_path / "s.mid")] if command == "generate" \
        else ["write", "--length", "20", "--seed", "1"]
    result = genapp(*args, backend=backend)
    assert result.returncode == 0 and result.stderr == "", result.stderr
