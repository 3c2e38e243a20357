"""Beyond one device and beyond memory: data-parallel training, big music corpora, big texts (issue 15).

    python benchmarks/scale.py                    # all three, recorded in RESULTS.md
    python benchmarks/scale.py corpus 100000      # the 100,000-file corpus alone (about 14 min here; printed only)

- devices: each trainer, the same global batch and seed, on 1 and on 2 devices.
  This machine has no accelerator: the 2 devices are XLA's virtual CPU devices
  (``--xla_force_host_platform_device_count=2``) sharing its 2 cores, so the
  figure says that the split works and what it costs, not what 2 GPUs gain.
- corpus: generated small MIDI files (``tests/midi_files.many``) read by
  ``music.corpus.read_pieces`` with 2 workers, cold (parsed) and warm (from the
  cache): files/s, and the peak resident memory of the reading process and of
  its largest worker.
- text: a character model trained on texts of 5, 50 and 500 MB (the Python
  documentation's topics, paragraphs shuffled and repeated) for 50 batches:
  the peak resident memory of the whole run, and the time of reading,
  counting and encoding the text.
"""

from __future__ import annotations

import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, record, run_child, table

DEVICES_ENV = {"XLA_FLAGS": "--xla_force_host_platform_device_count=2", "KERAS_BACKEND": "jax"}
EPOCHS = 4
TEXT_BATCHES = 50


# ---- devices ---------------------------------------------------------------------------------------


def devices_child(out: str) -> None:
    """In a process that sees 2 CPU devices: each trainer on 1 and 2 devices; seconds and losses."""
    from genapp.products.jazz import train_jazz
    from genapp.products.names import train_names
    from genapp.products.text import train_text
    from genapp import paths

    runs = {
        "train-names (dinos, LSTM 64, batch 32)": lambda o, n: train_names(
            paths.default_names_corpus(), o, {"units": 64, "epochs": EPOCHS, "batch_size": 32}, devices=n),
        "train-text (python docs, LSTM 128, Tx 100, batch 64, 100 batches/epoch)": lambda o, n: train_text(
            None, o, {"units": 128, "epochs": EPOCHS, "batch_size": 64}, max_batches=100, devices=n),
        "train-jazz (improv, shipped corpus, batch 16)": lambda o, n: train_jazz(
            [str(paths.corpora_dir() / "jazz")], o, {"epochs": EPOCHS, "patience": EPOCHS}, devices=n),
    }
    facts = []
    for name, train in runs.items():
        for n in (1, 2):
            t = train(f"{out}/{len(facts)}", n).bundle.training
            facts.append({"run": name, "devices": n, "seconds": t["train_seconds"], "loss": t["final_train_loss"]})
    print(json.dumps(facts))


def devices() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        facts = run_child([__file__, "devices-child", tmp], env={**DEVICES_ENV, "GENAPP_CACHE_DIR": tmp})
    rows = []
    for one, two in zip(facts[::2], facts[1::2]):
        rows.append([one["run"], f"{one['seconds']:.1f}", f"{two['seconds']:.1f}", f"{one['seconds'] / two['seconds']:.2f}",
                     f"{one['loss']:.4f}", f"{two['loss']:.4f}"])
    return ("### Data-parallel training, 1 vs 2 devices\n\n"
            f"{EPOCHS} epochs, the same global batch and seed (`--devices 1` and `--devices 2`); the devices are XLA's "
            "virtual CPU devices on the same 2 cores, so this shows the split works (same loss) and what it costs "
            "here, not what two accelerators gain.\n\n"
            + table(["run", "1 device (s)", "2 devices (s)", "speed-up", "loss, 1 device", "loss, 2 devices"], rows))


# ---- corpus ----------------------------------------------------------------------------------------


def corpus_child(folder: str) -> None:
    from genapp.music.corpus import Corpus, read_pieces

    result = {}
    for run in ("cold", "warm"):
        report = Corpus()
        t = time.perf_counter()
        pieces = sum(len(p) for _, p in read_pieces([folder], workers=2, report=report))
        result[run] = {"seconds": time.perf_counter() - t, "pieces": pieces, "parsed": report.parsed}
    result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["worker_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps(result))


def corpus_row(count: int) -> list:
    sys.path.insert(0, str(REPO / "tests"))
    from midi_files import many

    with tempfile.TemporaryDirectory() as tmp:
        many(Path(tmp) / "midi", count)
        r = run_child([__file__, "corpus-child", f"{tmp}/midi"], env={"GENAPP_CACHE_DIR": f"{tmp}/cache"})
    assert r["cold"]["pieces"] == r["warm"]["pieces"] == count and r["warm"]["parsed"] == 0, r
    return [f"{count:,}", f"{count / r['cold']['seconds']:.0f}", f"{count / r['warm']['seconds']:.0f}",
            f"{r['rss_mb']:.0f}", f"{r['worker_rss_mb']:.0f}"]


def corpus(counts=(1_000, 10_000)) -> str:
    rows = [corpus_row(n) for n in counts]
    return ("### Reading a music corpus\n\n"
            "Generated band files of 2 tracks and about 12 melody notes (`tests/midi_files.many`), read with 2 "
            "workers: cold (every file parsed, written to the cache), then warm (every file from the cache). Memory "
            "is the peak resident set of the reading process and of its largest worker. 100,000 files: "
            "`python benchmarks/scale.py corpus 100000` (about 14 minutes here), run separately; its row is added "
            "below by hand.\n\n"
            + table(["files", "cold (files/s)", "warm (files/s)", "reader peak (MB)", "worker peak (MB)"], rows))


# ---- text ------------------------------------------------------------------------------------------


def text_file(path: Path, megabytes: int) -> None:
    """The Python documentation's topics, paragraphs shuffled (seeded) and repeated, to ``megabytes`` MB."""
    from genapp.text.corpus import default_text

    paragraphs = default_text()[0].split("\n\n")
    rng = random.Random(megabytes)
    size, target = 0, megabytes * 1_000_000
    with open(path, "w", encoding="utf-8") as f:
        while size < target:
            rng.shuffle(paragraphs)
            for p in paragraphs:
                f.write(p + "\n\n")
                size += len(p.encode("utf-8")) + 2
                if size >= target:
                    break


class MemorySampler:
    """The largest anonymous and file-backed resident memory of this process, read from /proc every 0.1 s."""

    def __init__(self):
        import threading

        self.peak = {"RssAnon": 0, "RssFile": 0}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.wait(0.1):
            for line in Path("/proc/self/status").read_text().splitlines():
                key, _, value = line.partition(":")
                if key in self.peak:
                    self.peak[key] = max(self.peak[key], int(value.split()[0]) // 1024)

    def close(self) -> dict:
        self.stop.set()
        self.thread.join()
        return self.peak


def text_child(path: str, out: str) -> None:
    from genapp.products.text import train_text

    sampler = MemorySampler()
    said = []
    t = time.perf_counter()
    model = train_text(None, out, {"level": "char", "epochs": 1, "batch_size": 64}, files=[path],
                       max_batches=TEXT_BATCHES, say=said.append)
    total = time.perf_counter() - t
    peak = sampler.close()
    print(json.dumps({"seconds": total, "train_seconds": model.bundle.training["train_seconds"],
                      "tokens": model.bundle.training["tokens"], "anon_mb": peak["RssAnon"], "file_mb": peak["RssFile"],
                      "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def text(sizes=(5, 50, 500)) -> str:
    rows = []
    for mb in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "text.txt"
            text_file(path, mb)
            r = run_child([__file__, "text-child", str(path), f"{tmp}/model"], env={"GENAPP_CACHE_DIR": tmp})
        rows.append([f"{mb}", f"{r['tokens']:,}", f"{r['seconds'] - r['train_seconds']:.0f}", f"{r['rss_mb']:.0f}",
                     f"{r['anon_mb']:.0f}", f"{r['file_mb']:.0f}"])
    return ("### Training on a large text\n\n"
            f"`train-text` (character level, the default LSTM of 256 units, Tx 100, batch 64) on the Python "
            f"documentation's topics shuffled and repeated to each size, one epoch of {TEXT_BATCHES} batches. "
            "Before training, one pass counts and hashes the text and a second writes each character's index (one "
            "byte) to a memory-mapped file; validation then reads its last 10% in full. Peak memory is the whole "
            "process's (Keras, JAX and TensorFlow included: about 710 MB at import, of which 430 MB are their "
            "libraries' file-backed pages); the largest anonymous (heap) and file-backed resident memory were read "
            "from /proc every 0.1 s. The anonymous part stays flat; the file-backed part grows with the pages of "
            "the token file that training and validation read (clean pages of a file, which the kernel takes back "
            "under memory pressure).\n\n"
            + table(["text (MB)", "characters", "reading + encoding (s)", "peak resident (MB)", "of it anonymous, "
                     "largest (MB)", "file-backed, largest (MB)"], rows))


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "corpus":
        print(corpus((int(sys.argv[2]),)))
        return
    body = "\n\n".join([devices(), corpus(), text()])
    record("scale", "Beyond one device and beyond memory (issue 15)", body)


if __name__ == "__main__":
    os.environ.setdefault("KERAS_BACKEND", "jax")
    if len(sys.argv) > 1 and sys.argv[1].endswith("-child"):
        {"devices-child": devices_child, "corpus-child": corpus_child, "text-child": text_child}[sys.argv[1]](*sys.argv[2:])
    else:
        main()
