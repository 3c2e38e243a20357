"""Training on several devices and processes (``genapp.distribute``): real JAX devices, real processes.

Several devices on one CPU are XLA's virtual host devices
(``XLA_FLAGS=--xla_force_host_platform_device_count=2``), which must be set
before JAX starts: those runs are subprocesses.
"""

import json
import os
import socket
import subprocess
import sys

import keras
import numpy as np
import pytest

from genapp.data.shards import SplitBatches
from genapp.distribute import Cluster, parse_devices
from genapp.errors import GenappError
from run_cli import one_line_error, run

JAX_ONLY = pytest.mark.skipif(keras.backend.backend() != "jax",
                              reason="Keras's distribution API runs on JAX only (its TensorFlow part is a prototype)")
TWO_DEVICES = {"XLA_FLAGS": "--xla_force_host_platform_device_count=2", "KERAS_BACKEND": "jax"}
TEXT = "the cat sat on the mat. the dog sat on the log. " * 40

# Trains each product tiny on 1 and 2 devices in one process (XLA shows 2 CPU devices); prints the runs' facts.
TRAIN_ALL = """
import json, sys
from genapp.products.names import train_names
from genapp.products.jazz import train_jazz
from genapp.products.text import train_text
names, jazz, text, out = sys.argv[1:5]
facts = {}
for n in (1, 2):
    runs = {
        "names": lambda o: train_names(names, o, {"units": 16, "epochs": 2, "batch_size": 8}, devices=n),
        "jazz": lambda o: train_jazz([jazz], o, {"units": 8, "tx": 8, "epochs": 2, "batch_size": 8}, devices=n),
        "text": lambda o: train_text([open(text).read()], o, {"units": 16, "tx": 20, "epochs": 2, "batch_size": 8},
                                     devices=n),
    }
    for kind, train in runs.items():
        model = train(f"{out}/{kind}{n}")
        t = model.bundle.training
        facts[f"{kind}{n}"] = {k: t[k] for k in ("final_train_loss", "best_val_loss", "devices")}
print(json.dumps(facts))
"""


def _python(code: str, *args, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=timeout)


# ---- options --------------------------------------------------------------------------------------


def test_devices_are_all_or_a_positive_count():
    assert parse_devices(None) is None and parse_devices("all") == "all" and parse_devices("2") == 2
    for bad in ("0", "-1", "two", "1.5", ""):
        with pytest.raises(GenappError, match="expected 'all' or a whole number"):
            parse_devices(bad)


def test_a_cluster_comes_from_options_or_keras_environment_variables():
    assert Cluster.from_options(environ={}) is None
    assert Cluster.from_options("10.0.0.1:1234", 2, 1, environ={}) == Cluster("10.0.0.1:1234", 2, 1)
    env = {"KERAS_DISTRIBUTION_JOB_ADDRESSES": "10.0.0.1:1234,10.0.0.2:2345", "KERAS_DISTRIBUTION_NUM_PROCESSES": "2",
           "KERAS_DISTRIBUTION_PROCESS_ID": "0"}
    assert Cluster.from_options(environ=env).num_processes == 2
    assert Cluster.from_options(process_id=1, environ=env).process_id == 1  # an option wins over the environment
    with pytest.raises(GenappError, match="process_id.* not given"):
        Cluster.from_options("10.0.0.1:1234", 2, environ={})
    with pytest.raises(GenappError, match="expected 0 to 1"):
        Cluster.from_options("10.0.0.1:1234", 2, 2, environ={})
    with pytest.raises(GenappError, match="expected HOST:PORT"):
        Cluster.from_options("10.0.0.1", 2, 0, environ={})


def test_bad_device_options_are_one_line_errors(tmp_path, tiny_corpus):
    error = one_line_error(run("train-names", "--corpus", tiny_corpus, "--out", tmp_path / "m", "--devices", "many"))
    assert "--devices many: expected 'all'" in error
    error = one_line_error(run("train-names", "--corpus", tiny_corpus, "--out", tmp_path / "m", "--num-processes", "2"))
    assert "--coordinator, --process-id not given" in error
    assert not (tmp_path / "m").exists()


# ---- batches split over devices -----------------------------------------------------------------------


def _arrays(n: int):
    x = np.arange(n * 3).reshape(n, 3)
    return x, x * 10


def test_training_batches_are_whole_and_every_row_is_seen_once_per_epoch():
    batches = SplitBatches(_arrays(21), batch_size=4, devices=2, training=True, seed=0)
    assert len(batches) == 5  # 21 rows: 5 whole batches, one row left out this epoch
    rows = np.concatenate([batches[i][0][:, 0] // 3 for i in range(len(batches))])
    assert len(rows) == 20 and len(set(rows)) == 20
    first = rows.copy()
    batches.on_epoch_end()
    again = np.concatenate([batches[i][0][:, 0] // 3 for i in range(len(batches))])
    assert not np.array_equal(first, again)  # shuffled anew each epoch
    x, y = batches[0]
    assert np.array_equal(y, x * 10)  # inputs and targets stay paired


def test_validation_keeps_every_batch_cut_to_a_multiple_of_the_devices():
    batches = SplitBatches(_arrays(21), batch_size=4, devices=2, training=False)
    sizes = [len(batches[i][1]) for i in range(len(batches))]
    assert sizes == [4, 4, 4, 4, 4]  # the last batch of one row cannot be split over 2 devices: left out
    batches = SplitBatches(_arrays(23), batch_size=4, devices=2, training=False)
    assert [len(batches[i][1]) for i in range(len(batches))] == [4, 4, 4, 4, 4, 2]
    assert [int(batches[0][0][j, 0]) // 3 for j in range(4)] == [0, 1, 2, 3]  # in order


def test_each_process_feeds_its_own_slice_of_every_global_batch():
    parts = [SplitBatches(_arrays(16), batch_size=8, devices=2, parts=(p, 2), training=True, seed=3) for p in (0, 1)]
    whole = SplitBatches(_arrays(16), batch_size=8, devices=2, training=True, seed=3)
    for i in range(len(whole)):
        joined = np.concatenate([parts[0][i][0], parts[1][i][0]])
        assert np.array_equal(joined, whole[i][0])


def test_a_stream_of_batches_loses_its_partial_last_batch_in_training():
    from genapp.text.windows import WindowStream

    ids = np.arange(990) % 7
    stream = WindowStream(ids, 10, 8, shuffle=False)  # 99 windows: 12 whole batches and one of 3
    assert len(stream) == 13
    assert len(SplitBatches(stream, 8, 2, training=True)) == 12
    val = SplitBatches(WindowStream(ids, 10, 8, shuffle=False), 8, 2, training=False)
    assert len(val) == 13 and len(val[12][1]) == 2


# ---- real devices ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trained(tiny_corpus, jazz_corpus, tmp_path_factory):
    """Each product trained on 1 and on 2 devices, in one process that sees 2 CPU devices."""
    out = tmp_path_factory.mktemp("devices")
    text = out / "text.txt"
    text.write_text(TEXT)
    env = {**TWO_DEVICES, "GENAPP_CACHE_DIR": str(out / "cache")}
    done = _python(TRAIN_ALL, tiny_corpus, jazz_corpus, text, out, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    return out, json.loads(done.stdout.strip().splitlines()[-1])


@JAX_ONLY
@pytest.mark.parametrize("kind", ["names", "jazz", "text"])
def test_two_devices_train_to_the_same_loss_as_one(trained, kind):
    _, facts = trained
    one, two = facts[f"{kind}1"], facts[f"{kind}2"]
    assert (one["devices"], two["devices"]) == (1, 2)
    assert two["final_train_loss"] == pytest.approx(one["final_train_loss"], rel=1e-4)
    assert two["best_val_loss"] == pytest.approx(one["best_val_loss"], rel=2e-2)  # 2 devices score <= 1 sequence less


@JAX_ONLY
def test_a_bundle_trained_on_two_devices_samples_on_one(trained, tmp_path):
    from genapp.products.jazz import JazzModel
    from genapp.products.names import NamesModel
    from genapp.products.text import TextModel

    from genapp.music.progression import progression_from_text

    out, _ = trained
    assert len(NamesModel.load(out / "names2").generate(3, seed=1)) == 3
    assert "".join(TextModel.load(out / "text2").write("the ", 20, seed=1)).strip()
    solo = JazzModel.load(out / "jazz2").solo(progression_from_text("Dm7 G7 Cmaj7 Cmaj7"), bars=4, seed=1)
    assert solo.bars == 4 and solo.values


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@JAX_ONLY
def test_two_processes_over_loopback_train_as_two_devices_and_only_process_0_writes(trained, tiny_corpus, tmp_path):
    _, facts = trained
    port = _free_port()
    command = [sys.executable, "-m", "genapp.cli", "train-names", "--corpus", str(tiny_corpus), "--units", "16",
               "--epochs", "2", "--batch-size", "8", "--devices", "all", "--coordinator", f"127.0.0.1:{port}",
               "--num-processes", "2"]
    env = {**os.environ, "KERAS_BACKEND": "jax", "XLA_FLAGS": ""}
    procs = [subprocess.Popen([*command, "--process-id", str(i), "--out", str(tmp_path / f"out{i}")], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in (0, 1)]
    try:
        outputs = [p.communicate(timeout=300) for p in procs]
    finally:
        for p in procs:
            p.kill()
    assert [p.returncode for p in procs] == [0, 0], outputs[0][1][-2000:] + outputs[1][1][-2000:]
    training = json.loads((tmp_path / "out0" / "training.json").read_text())
    assert (training["devices"], training["processes"]) == (2, 2)
    assert training["final_train_loss"] == pytest.approx(facts["names2"]["final_train_loss"], rel=1e-4)
    assert not (tmp_path / "out1").exists()  # process 1 trains but writes nothing
    assert "epoch" in outputs[0][1] and "epoch" not in outputs[1][1]  # and prints no progress


@pytest.mark.skipif(keras.backend.backend() == "jax", reason="the TensorFlow fallback")
def test_tensorflow_says_it_trains_on_one_device(tmp_path, tiny_corpus):
    result = run("train-names", "--corpus", tiny_corpus, "--out", tmp_path / "m", "--units", "8", "--epochs", "1",
                 "--devices", "2")
    assert result.exit_code == 0, result.output
    assert "supports the JAX backend only" in result.stderr and "training on one device" in result.stderr
    assert json.loads((tmp_path / "m" / "training.json").read_text()).get("devices") is None
