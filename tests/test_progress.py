"""Training keeps its progress: checkpoints at every improvement, Ctrl-C keeps the best bundle, --resume continues."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from run_cli import one_line_error, run

from genapp import bundle as bundles
from genapp.data.vocab import PAD
from genapp.nn.charlm import sequence_log_probs
from genapp.products.names import train_names
from genapp.text.corpus import read_names, split_names
from genapp.text.windows import names_to_arrays


def _start(args, cwd):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "genapp.cli", *map(str, args)], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _interrupt_after(process, marker: str, timeout: float = 240) -> tuple[str, str]:
    """Read stderr until ``marker`` appears, send SIGINT, and return (stdout, all of stderr)."""
    lines, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        lines.append(line)
        if marker in line:
            process.send_signal(signal.SIGINT)
            break
    out, err = process.communicate(timeout=timeout)
    return out, "".join(lines) + err


@pytest.mark.parametrize("command", ["names", "text"])
def test_ctrl_c_keeps_the_best_bundle_and_exits_130(tmp_path, command):
    from genapp import paths

    out = tmp_path / "model"
    if command == "names":
        args = ["train-names", "--out", out, "--corpus", paths.default_names_corpus(), "--epochs", 500,
                "--units", 8]
    else:
        corpus = tmp_path / "corpus.txt"
        corpus.write_text(paths.default_names_corpus().read_text() * 3)
        args = ["train-text", "--out", out, "--corpus", corpus, "--epochs", 500, "--units", 8, "--tx", 20]
    process = _start(args, tmp_path)
    stdout, stderr = _interrupt_after(process, "epoch   2/")
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and stdout == ""
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("interrupted: the best model so far (epoch ") and last.endswith(f"is in {out}; --resume continues it")
    training = json.loads((out / "training.json").read_text())
    assert training["interrupted"] is True and training["best_epoch"] >= 2
    bundles.check_bundle(out, "names" if command == "names" else "text")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no temporary folder may be left behind"


def test_resume_continues_from_the_saved_epoch_with_the_same_loss(tmp_path, tiny_corpus):
    out = tmp_path / "m"
    first = train_names(tiny_corpus, out, {"units": 8, "epochs": 2, "batch_size": 4, "patience": 50})
    saved = first.bundle.training
    # the bundle holds exactly the weights that scored best_val_loss on the held-out names
    _, val = split_names(read_names(tiny_corpus), 0.1)
    x, y = names_to_arrays(val, first.vocab, max(len(n) for n in read_names(tiny_corpus)) + 1)
    loss = -sequence_log_probs(first.bundle.model, x, y, first.vocab.index(PAD)).mean()
    assert loss == pytest.approx(saved["best_val_loss"], rel=1e-4)
    optimizer = bundles.saved_optimizer(out)
    assert int(np.asarray(optimizer.iterations)) == 2 * 4  # 2 epochs of 4 batches (16 names / 4)
    said = []
    again = train_names(tiny_corpus, out, {"epochs": 4, "batch_size": 4, "patience": 50}, "default", said.append,
                        resume=True)
    assert [line[:9] for line in said if line.startswith("epoch")] == ["epoch   3", "epoch   4"]
    assert "resuming after epoch 2" in said[0]
    assert again.bundle.training["epochs_run"] == 4
    assert int(np.asarray(bundles.saved_optimizer(out).iterations)) in (3 * 4, 4 * 4)  # the best epoch's state


def test_resume_refuses_a_different_shape_and_too_few_epochs(tmp_path, tiny_corpus):
    out = tmp_path / "m"
    run("train-names", "--out", out, "--corpus", tiny_corpus, "--epochs", 2, "--units", 8)
    line = one_line_error(run("train-names", "--resume", "--out", out, "--corpus", tiny_corpus, "--units", 16))
    assert line == (f"Error: --units 16: the model in {out} has units 8; --resume keeps the model's shape "
                    "(train a new model to change it)")
    line = one_line_error(run("train-names", "--resume", "--out", out, "--corpus", tiny_corpus))
    assert line == f"Error: --epochs 2: the model in {out} has trained 2 epochs already; ask for more epochs to resume it"
    line = one_line_error(run("train-names", "--resume", "--out", tmp_path / "none", "--corpus", tiny_corpus))
    assert line == f"Error: --resume: no names model in {tmp_path / 'none'} to continue"


def test_resume_keeps_the_saved_settings_unless_given(tmp_path, tiny_corpus):
    out = tmp_path / "m"
    run("train-names", "--out", out, "--corpus", tiny_corpus, "--epochs", 2, "--units", 8,
        "--learning-rate", "0.002", "--batch-size", 4)
    result = run("train-names", "--resume", "--out", out, "--corpus", tiny_corpus, "--epochs", 3)
    assert result.exit_code == 0, result.output
    settings = json.loads((out / "training.json").read_text())["settings"]
    assert (settings["learning_rate"], settings["batch_size"], settings["epochs"]) == (0.002, 4, 3)


def test_text_and_jazz_resume(tmp_path, tiny_corpus, jazz_corpus):
    text = tmp_path / "text"
    common = ["--units", 4, "--tx", 8]
    assert run("train-text", "--corpus", tiny_corpus, "--out", text, "--epochs", 1, *common).exit_code == 0
    result = run("train-text", "--corpus", tiny_corpus, "--out", text, "--epochs", 2, "--resume")
    assert result.exit_code == 0, result.output
    assert "epoch   2/2" in result.stderr and json.loads((text / "training.json").read_text())["epochs_run"] == 2
    line = one_line_error(run("train-text", "--corpus", tiny_corpus, "--out", text, "--epochs", 3, "--resume", "--tx", 9))
    assert line.startswith("Error: --tx 9: the model in ")
    jazz = tmp_path / "jazz"
    assert run("train-jazz", "--corpus", jazz_corpus, "--out", jazz, "--epochs", 1, *common).exit_code == 0
    result = run("train-jazz", "--corpus", jazz_corpus, "--out", jazz, "--epochs", 2, "--resume")
    assert result.exit_code == 0, result.output
    assert "resuming after epoch 1" in result.stderr and "epoch   2/2" in result.stderr


INTERRUPT_READING = """
import os, signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)  # as at a terminal, even where a background job ignores it
from genapp.music import cache
saved = cache.save
def save(key, pieces):  # Ctrl-C, as a terminal sends it (to the whole process group), once a file is read
    saved(key, pieces)
    os.killpg(os.getpgid(0), signal.SIGINT)
cache.save = save
from genapp.cli import main
sys.argv = ["genapp", "corpus", sys.argv[1]]
main()
"""


def test_ctrl_c_while_reading_a_corpus_stops_cleanly(tmp_path):
    from midi_files import band

    folder = tmp_path / "songs"
    folder.mkdir()
    for i in range(40):
        band(folder / f"{i:02d}.mid", lead_name=f"Lead {i}")
    result = subprocess.run([sys.executable, "-c", INTERRUPT_READING, str(folder)], capture_output=True, text=True,
                            timeout=300, start_new_session=True, env={**os.environ, "GENAPP_CACHE_DIR": str(tmp_path / "c")})
    assert result.returncode == 130, result.stderr
    assert "Traceback" not in result.stderr and "CANCELLED" not in result.stderr, result.stderr
    assert result.stderr.startswith("interrupted while reading the corpus (")
    assert result.stderr.rstrip().endswith("files read; they are cached, so the next run starts from them)")


def test_a_bundle_without_its_optimizer_is_smaller_samples_alike_and_resumes_afresh(tmp_path, tiny_corpus):
    out = tmp_path / "m"
    first = train_names(tiny_corpus, out, {"units": 8, "epochs": 2, "batch_size": 4, "patience": 50})
    size = (out / "model.keras").stat().st_size
    x = np.array([[0, 2, 3, 4]])
    before = np.asarray(first.bundle.model(x))
    bundles.without_optimizer(out, "names")
    assert (out / "model.keras").stat().st_size < size * 0.6  # Adam keeps two slots per weight
    assert bundles.saved_optimizer(out) is None
    from genapp.products.names import NamesModel

    stripped = NamesModel.load(out).bundle
    np.testing.assert_array_equal(np.asarray(stripped.model(x)), before)
    assert stripped.training["optimizer_state"].startswith("left out")
    said = []
    again = train_names(tiny_corpus, out, {"epochs": 3, "batch_size": 4, "patience": 50}, "default", said.append,
                        resume=True)
    assert [line[:9] for line in said if line.startswith("epoch")] == ["epoch   3"]
    assert int(np.asarray(bundles.saved_optimizer(out).iterations)) in (0, 4)  # a fresh optimizer: one epoch, or none kept


def test_the_shipped_models_fit_their_size_budget_without_optimizer_state():
    from genapp import paths

    shipped = [p for p in sorted(paths.models_dir().iterdir()) if p.is_dir()]
    total = sum(f.stat().st_size for p in shipped for f in p.iterdir())
    assert total < 15e6, f"models/ holds {total / 1e6:.1f} MB; the budget is 15 MB"
    for p in shipped:
        assert bundles.saved_optimizer(p) is None, f"{p.name} still carries its optimizer's state"
