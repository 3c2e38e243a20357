"""Hostile input: mutated and oversized music files and bundle configs are refused in bounded time and memory,
in one line that says what is wrong in words, never with a traceback or a Python exception's name."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hostile import ABC_GOOD, mutants, write_hostile
from midi_files import band

from genapp.errors import GenappError
from genapp.products.names import NamesModel

TESTS = Path(__file__).resolve().parent
# words that only a leaked Python exception would put in a refusal
PYTHON_INTERNALS = re.compile(
    r"Traceback|Error\b|Exception\b|index out of range|arg is an empty|division by zero|NoneType|has no attribute|"
    r"object is not|unpack|KeyError|invalid literal"
)

LIMITED = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from genapp.music.corpus import _parse_one
out = {{}}
for source in sys.argv[1:]:
    start = time.perf_counter()
    _, pieces, reason = _parse_one((source, None, 60))
    out[source] = [reason, round(time.perf_counter() - start, 2)]
print(json.dumps(out))
"""


def _read_limited(paths, limit_bytes):
    """Read each file in one subprocess whose address space is capped; {path: [reason or None, seconds]}."""
    code = LIMITED.format(limit=limit_bytes)
    result = subprocess.run([sys.executable, "-c", code, *map(str, paths)], capture_output=True, text=True, timeout=600,
                            cwd=TESTS)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def test_the_measured_hostile_files_are_refused_or_read_within_1_gb_and_seconds(tmp_path):
    results = _read_limited(write_hostile(tmp_path), 1 << 30)
    expected = {
        "enormous_note.abc": "line 5: a note 99999999 units long; genapp reads notes of at most 256 units",
        "huge_meter.abc": "line 2: M:99999999/4 is not a meter or note length genapp reads (expected e.g. M:4/4)",
        "huge_chord.mid": None,  # read: one chord of 30,000 notes is legal, just large
        "many_tracks.mid": "has 30,000 tracks; genapp reads at most 256",
        "million_notes.mid": "is 6,000,027 bytes; genapp reads MIDI files of at most 4,194,304",
        "many_notes.mid": "has more than 100,000 notes; genapp reads at most 100,000",
        "huge_delta.mid": "lasts 559,241 quarter notes (268,435,455 ticks); genapp reads at most 16,000 quarter notes "
                          "(4,000 bars of 4/4) and 20,000,000 ticks",
        "tempo_zero.mid": "corrupt: track 1 sets a tempo of zero",
        "smpte.mid": "uses SMPTE time code for its timing; genapp reads files timed in ticks per quarter note",
        "division_zero.mid": "has a time division of zero ticks per quarter note",
        "too_few_tracks.mid": "truncated: the header announces 3 tracks but the file ends after 1",
        "bad_chunk_length.mid": "truncated: track 1 claims 2,147,483,647 bytes but only 61 follow",
    }
    got = {Path(p).name: reason for p, (reason, _) in results.items()}
    assert got == expected
    slowest = max(seconds for _, seconds in results.values())
    assert slowest < 60, results  # the hang guard; benchmarks/safety.py records the real times


def test_mutated_midi_and_abc_files_never_leak_a_traceback(tmp_path):
    good_midi = band(tmp_path / "good.mid").read_bytes()
    files = mutants(tmp_path / "fuzz", good_midi, ABC_GOOD, n_midi=200, n_abc=100)
    # the whole folder through the command line, as a user would, with every process capped at 2 GB
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30)); "
            "from genapp.cli import main; sys.argv = ['genapp', 'corpus', '--no-cache', sys.argv[1]]; main()")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "fuzz")], capture_output=True, text=True,
                            timeout=900, env={"GENAPP_CACHE_DIR": str(tmp_path / "cache"), **_env()})
    assert result.returncode in (0, 1), result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    skipped = dict(line[len("skipped "):].split(": ", 1) for line in result.stdout.splitlines() if line.startswith("skipped "))
    read = [line for line in result.stdout.splitlines() if line.startswith(str(tmp_path / "fuzz"))]
    assert len(skipped) + len(read) >= len(files) - 5, "every file is either read or reported"  # collections may split
    leaks = {f: r for f, r in skipped.items() if PYTHON_INTERNALS.search(r)}
    assert not leaks, leaks
    assert len(skipped) > 50 and len(read) > 20  # the mutations break many files and spare others


def _env():
    import os

    return {k: v for k, v in os.environ.items() if k != "GENAPP_CACHE_DIR"}


# ---- bundles are data ---------------------------------------------------------------------------


def _mutated_configs(config: dict):
    """(name, config.json text) pairs: wrong types, absurd values, paths, deep nesting."""
    yield "sha256_as_list", json.dumps({**config, "sha256": ["model.keras"]})
    yield "sha256_names_dev_zero", json.dumps({**config, "sha256": {**config["sha256"], "/dev/zero": "0" * 64}})
    yield "sha256_names_parent", json.dumps({**config, "sha256": {"../../x": "0" * 64, "vocab.json": "0" * 64}})
    yield "sha256_not_hex", json.dumps({**config, "sha256": {k: "z" * 64 for k in config["sha256"]}})
    yield "nested_200000", "[" * 200_000 + "]" * 200_000
    yield "nested_in_model", json.dumps({**config, "model": {"units": [[[[1]]]]}})
    yield "kind_list", json.dumps({**config, "kind": ["names"]})
    yield "kind_other", json.dumps({**config, "kind": "poems"})
    yield "version_string", json.dumps({**config, "format_version": "1"})
    yield "version_true", json.dumps({**config, "format_version": True})
    yield "model_list", json.dumps({**config, "model": [1, 2]})
    yield "model_missing", json.dumps({k: v for k, v in config.items() if k != "model"})
    yield "units_huge", json.dumps({**config, "model": {**config["model"], "units": 10**9}})
    yield "units_zero", json.dumps({**config, "model": {**config["model"], "units": 0}})
    yield "units_float", json.dumps({**config, "model": {**config["model"], "units": 4.5}})
    yield "units_string", json.dumps({**config, "model": {**config["model"], "units": "16"}})
    yield "cell_unknown", json.dumps({**config, "model": {**config["model"], "cell": "transformer"}})
    yield "extra_argument", json.dumps({**config, "model": {**config["model"], "lambda": "os.system('x')"}})
    yield "layers_many", json.dumps({**config, "model": {**config["model"], "layers": 10**6}})
    yield "units_other", json.dumps({**config, "model": {**config["model"], "units": 17}})
    yield "not_an_object", json.dumps("config")
    yield "not_utf8", "\udcff"
    yield "huge_file", " " * (2 << 20) + "{}"


def test_tampered_configs_are_refused_in_one_line(tmp_path, tiny_bundle):
    config = json.loads((tiny_bundle / "config.json").read_text())
    for name, text in _mutated_configs(config):
        folder = tmp_path / name
        shutil.copytree(tiny_bundle, folder)
        (folder / "config.json").write_bytes(text.encode("utf-8", errors="surrogateescape"))
        with pytest.raises(GenappError) as e:
            NamesModel.load(folder)
        message = str(e.value)
        assert message.startswith(f"model bundle {folder}: ") and "\n" not in message, (name, message)
        words = message.split(": ", 1)[1].split(" (", 1)[0]  # what genapp says, before any quoted detail
        assert not PYTHON_INTERNALS.search(words), (name, message)


def test_parts_must_be_plain_files_of_the_bundle(tmp_path, tiny_bundle):
    linked = tmp_path / "linked"
    shutil.copytree(tiny_bundle, linked)
    (linked / "training.json").unlink()
    (linked / "training.json").symlink_to("/dev/zero")
    with pytest.raises(GenappError, match="training.json is not a plain file"):
        NamesModel.load(linked)
    outside = tmp_path / "outside"
    shutil.copytree(tiny_bundle, outside)
    secret = tmp_path / "secret.json"
    shutil.copy(tiny_bundle / "vocab.json", secret)
    (outside / "vocab.json").unlink()
    (outside / "vocab.json").symlink_to(secret)
    with pytest.raises(GenappError, match="vocab.json is not a plain file"):
        NamesModel.load(outside)


def test_tampered_vocab_and_training_are_refused(tmp_path, tiny_bundle):
    import hashlib

    for name, vocab, training in [
        ("vocab_not_lists", {"symbols": "abc", "specials": ["<pad>"]}, None),
        ("vocab_numbers", {"symbols": [1, 2], "specials": [1]}, None),
        ("known_names_nested", None, {"known_names": [["a"]]}),
    ]:
        folder = tmp_path / name
        shutil.copytree(tiny_bundle, folder)
        if vocab is not None:
            data = json.dumps(vocab).encode()
            (folder / "vocab.json").write_bytes(data)
            config = json.loads((folder / "config.json").read_text())
            config["sha256"]["vocab.json"] = hashlib.sha256(data).hexdigest()
            (folder / "config.json").write_text(json.dumps(config))
        if training is not None:
            (folder / "training.json").write_text(json.dumps(training))
        with pytest.raises(GenappError, match=f"model bundle {re.escape(str(folder))}: "):
            NamesModel.load(folder)


def test_stale_temporaries_of_a_killed_save_are_cleaned_up(tmp_path):
    from genapp.atomic import atomic_dir

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    stale = tmp_path / f".model.genapp-{pid}-abc123.tmp"
    stale.mkdir()
    (stale / "model.keras").write_bytes(b"half")
    other = tmp_path / ".model.mine.tmp"  # not genapp's: left alone
    other.mkdir()
    alive = tmp_path / f".model.genapp-{__import__('os').getpid()}-xyz.tmp"  # a running process's: left alone
    alive.mkdir()
    with atomic_dir(tmp_path / "model") as tmp:
        (tmp / "x").write_text("x")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["model", other.name, alive.name])
