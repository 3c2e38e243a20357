"""Safety figures: how fast bad paths are refused, hostile files' time and memory, checkpoint cost, Ctrl-C latency.

    python benchmarks/safety.py

Every figure comes from fresh processes on this machine, recorded in RESULTS.md.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, record, table, wall

sys.path.insert(0, str(REPO / "tests"))

from hostile import ABC_GOOD, mutants, write_hostile
from midi_files import band

PY = sys.executable


def refusal_latency() -> list[list]:
    """Median wall time of commands refused for a bad path, next to `import keras`, on each backend."""
    rows = []
    for backend in ("jax", "tensorflow"):
        env = {"KERAS_BACKEND": backend}
        keras = wall([PY, "-c", "import keras"], env)
        for args in (["dino-names", "--model", "dinoss"], ["generate", "--model", "nope"],
                     ["train-text", "--corpus", "missing.txt"]):
            cmd = [PY, "-m", "genapp.cli", *args]
            t = []
            for _ in range(5):
                start = time.perf_counter()
                subprocess.run(cmd, env={**os.environ, **env}, cwd=REPO, capture_output=True)
                t.append(time.perf_counter() - start)
            t.sort()
            rows.append([backend, "genapp " + " ".join(args), t[2], keras, t[2] / keras])
    return rows


READ_ONE = """
import json, resource, sys, time
from genapp.music.corpus import _parse_one
start = time.perf_counter()
_, pieces, reason = _parse_one((sys.argv[1], None, 120))
print(json.dumps([reason, time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]))
"""


def hostile_files(folder: Path) -> list[list]:
    """Each measured hostile file read in its own process: outcome, seconds, peak memory (MB)."""
    base = json.loads(subprocess.run([PY, "-c", "import json, resource, genapp.music.corpus; print(json.dumps("
                                      "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))"],
                                     capture_output=True, text=True, cwd=REPO).stdout)
    rows = []
    for path in write_hostile(folder):
        out = subprocess.run([PY, "-c", READ_ONE, str(path)], capture_output=True, text=True, cwd=REPO, timeout=600)
        reason, seconds, peak = json.loads(out.stdout)
        rows.append([path.name, f"{path.stat().st_size:,}", "read" if reason is None else f"refused: {reason[:60]}",
                     seconds, peak - base])
    return rows


def fuzz(folder: Path) -> list:
    files = mutants(folder / "fuzz", band(folder / "good.mid").read_bytes(), ABC_GOOD, n_midi=200, n_abc=100)
    start = time.perf_counter()
    out = subprocess.run([PY, "-m", "genapp.cli", "corpus", "--no-cache", str(folder / "fuzz")], capture_output=True,
                         text=True, env={**os.environ, "GENAPP_CACHE_DIR": str(folder / "cache")}, cwd=REPO)
    seconds = time.perf_counter() - start
    skipped = sum(line.startswith("skipped ") for line in out.stdout.splitlines())
    tracebacks = out.stderr.count("Traceback")
    return [len(files), len(files) - skipped, skipped, tracebacks, seconds]


CHECKPOINTS = """
import json, sys, time
from genapp import bundle, paths
from genapp.products.names import train_names
spent, saves = [0.0], [0]
original = bundle.save_bundle
def timed(*a, **k):
    start = time.perf_counter(); r = original(*a, **k); spent[0] += time.perf_counter() - start; saves[0] += 1; return r
bundle.save_bundle = timed
start = time.perf_counter()
m = train_names(paths.default_names_corpus(), sys.argv[1])
print(json.dumps([time.perf_counter() - start, saves[0], spent[0], m.bundle.training["epochs_run"]]))
"""


def checkpoint_cost(folder: Path) -> list:
    out = subprocess.run([PY, "-c", CHECKPOINTS, str(folder / "names")], capture_output=True, text=True, cwd=REPO)
    total, saves, spent, epochs = json.loads(out.stdout.strip().splitlines()[-1])
    return [epochs, saves, total, spent, spent / total]


def ctrl_c(folder: Path) -> list[list]:
    """Seconds from SIGINT (sent after epoch 2 is printed) to the process's exit, and its exit code."""
    corpus = folder / "text.txt"
    corpus.write_text((REPO / "corpora" / "dinos.txt").read_text() * 40)
    rows = []
    for name, args in [("train-names", ["train-names", "--out", str(folder / "n"), "--epochs", "500"]),
                       ("train-text", ["train-text", "--corpus", str(corpus), "--out", str(folder / "t"), "--epochs", "500"])]:
        p = subprocess.Popen([PY, "-m", "genapp.cli", *args], cwd=REPO, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        for line in p.stderr:
            if "epoch   2/" in line:
                break
        start = time.perf_counter()
        p.send_signal(signal.SIGINT)
        p.communicate(timeout=300)
        rows.append([name, p.returncode, time.perf_counter() - start])
    return rows


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        refusals = refusal_latency()
        hostile = hostile_files(tmp / "hostile")
        fuzzed = fuzz(tmp)
        checkpoints = checkpoint_cost(tmp)
        interrupts = ctrl_c(tmp)
    body = "\n\n".join([
        "### A bad path is refused before Keras loads\n\n" + table(
            ["backend", "command", "refused after (s, median of 5)", "import keras (s)", "ratio"], refusals),
        "### Hostile files, each read in a fresh process\n\n" + table(
            ["file", "bytes", "outcome", "seconds", "peak memory above a bare reader (MB)"], hostile)
        + "\n\nThe cases the safety review measured (tests/hostile.py builds them); before the limits, the 36-byte ABC "
          "file drove music21 past 8 GB and the 30,000-note chord asked for 6.7 GB.",
        "### 300 mutated files through `genapp corpus`\n\n" + table(
            ["files", "read", "refused in one line", "tracebacks", "seconds"], [fuzzed])
        + "\n\n200 byte-level mutations of a band MIDI file and 100 of an ABC lead sheet, seed 2026 (tests/hostile.py).",
        "### Checkpoints: the cost of never losing work\n\n" + table(
            ["epochs", "bundles written", "training run (s)", "spent writing bundles (s)", "share"], [checkpoints])
        + "\n\nThe default names model (`genapp train-names` settings) writes its bundle at every improvement.",
        "### Ctrl-C during training\n\n" + table(["command", "exit code", "seconds from SIGINT to exit"], interrupts)
        + "\n\nSIGINT is sent once epoch 2 is printed; the best bundle so far stays on disk.",
    ])
    record("safety", "Safety: refusals, hostile input, checkpoints, Ctrl-C", body)


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
