"""Safe by default: genapp never deletes or overwrites what it did not write, and checks paths before Keras loads."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from run_cli import one_line_error, run

from genapp import paths, targets
from genapp.errors import GenappError, render


def _tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + p.read_bytes())
    return h.hexdigest()


@pytest.fixture
def photos(tmp_path):
    folder = tmp_path / "myphotos"
    folder.mkdir()
    (folder / "cat.jpg").write_bytes(b"\xff\xd8\xff a cat")
    return folder


@pytest.mark.parametrize("command", [
    ["train-names", "--out"],
    ["train-text", "--out"],
    ["train-jazz", "--out"],
])
@pytest.mark.parametrize("force", [False, True])
def test_a_foreign_folder_survives_a_training_run_aimed_at_it(photos, tiny_corpus, jazz_corpus, command, force):
    corpus = jazz_corpus if command[0] == "train-jazz" else tiny_corpus
    line = one_line_error(run(*command, photos, "--corpus", corpus, "--epochs", 1, *(["--force"] if force else [])))
    assert line == (f"Error: model folder {photos}: holds files genapp did not write (cat.jpg); genapp replaces only "
                    "its own model bundles, so choose a new folder name")
    assert sorted(os.listdir(photos)) == ["cat.jpg"] and (photos / "cat.jpg").read_bytes() == b"\xff\xd8\xff a cat"
    assert sorted(os.listdir(photos.parent)) == ["myphotos"]


def test_a_bundle_of_another_kind_is_never_replaced(tmp_path, tiny_bundle, tiny_corpus):
    import shutil

    jazz_named = tmp_path / "jazz_model"
    shutil.copytree(tiny_bundle, jazz_named)  # a names bundle
    before = _tree_digest(jazz_named)
    line = one_line_error(run("train-text", "--out", jazz_named, "--corpus", tiny_corpus, "--force"))
    assert line == (f"Error: model folder {jazz_named}: holds a 'names' model; genapp will not replace it with a "
                    "'text' model, so choose a new folder name")
    assert _tree_digest(jazz_named) == before


def test_an_existing_bundle_needs_force(tmp_path, tiny_bundle, tiny_corpus):
    import shutil

    out = tmp_path / "mine"
    shutil.copytree(tiny_bundle, out)
    before = _tree_digest(out)
    line = one_line_error(run("train-names", "--out", out, "--corpus", tiny_corpus, "--epochs", 1))
    assert line == (f"Error: --out {out}: already holds a names model; add --force to replace it, --resume to "
                    "continue training it, or choose a new folder")
    assert _tree_digest(out) == before
    result = run("train-names", "--out", out, "--corpus", tiny_corpus, "--epochs", 1, "--units", 4, "--force")
    assert result.exit_code == 0, result.output
    assert json.loads((out / "config.json").read_text())["model"]["units"] == 4


@pytest.mark.parametrize("where", ["current", "shipped", "shipped_parent"])
def test_the_current_folder_and_the_shipped_models_are_refused(tmp_path, monkeypatch, tiny_corpus, where):
    monkeypatch.chdir(tmp_path)
    out = {"current": Path("."), "shipped": paths.models_dir() / "text", "shipped_parent": paths.models_dir().parent}[where]
    line = one_line_error(run("train-text", "--out", out, "--corpus", tiny_corpus, "--force"))
    expected = {
        "current": "Error: --out .: is the current folder (or holds it); give the model a new folder of its own",
        "shipped": f"Error: --out {out}: is where genapp's shipped models live ({paths.models_dir().resolve()}); "
                   "genapp never changes them, so train into a folder of your own",
    }
    assert line == expected.get(where, expected["shipped"].replace(f"--out {paths.models_dir() / 'text'}", f"--out {out}"))


def test_training_with_defaults_writes_to_the_current_folder_never_the_shipped_models(tmp_path, monkeypatch,
                                                                                        tiny_corpus, jazz_corpus):
    shipped = {name: _tree_digest(paths.models_dir() / name) for name in ("dinos", "text", "jazz")}
    monkeypatch.chdir(tmp_path)
    for args in (["train-names", "--corpus", tiny_corpus, "--epochs", 1, "--units", 4],
                 ["train-text", "--corpus", tiny_corpus, "--epochs", 1, "--units", 4, "--tx", 8],
                 ["train-jazz", "--corpus", jazz_corpus, "--epochs", 1, "--units", 4, "--tx", 8]):
        result = run(*args)
        assert result.exit_code == 0, result.output
    assert sorted(os.listdir(tmp_path)) == ["my-jazz", "my-names", "my-text"]
    assert {name: _tree_digest(paths.models_dir() / name) for name in shipped} == shipped
    assert "sample from it with: genapp generate --model my-jazz" in result.stderr


# The checks run before Keras: one subprocess runs every bad command and reports what was imported.
EARLY = """
import json, sys
from click.testing import CliRunner
from genapp.cli import cli
out = []
for args in json.loads(sys.argv[1]):
    r = CliRunner().invoke(cli, args)
    out.append([r.exit_code, r.stderr.strip(), sorted(m for m in ("keras", "tensorflow", "jax") if m in sys.modules)])
print(json.dumps(out))
"""


def test_bad_paths_are_reported_before_keras_is_imported(tmp_path, photos):
    missing = str(tmp_path / "dinoss")
    cases = [
        (["dino-names", "--model", missing], f"--model {missing}: no such model folder"),
        (["generate", "--model", missing], f"--model {missing}: no such model folder"),
        (["write", "--model", missing], f"--model {missing}: no such model folder"),
        (["score", "--model", missing, "x"], f"--model {missing}: no such model folder"),
        (["generate", "--backing", missing], f"--backing {missing}: no such file or folder"),
        (["generate", "--out", str(tmp_path / "nowhere" / "x.mid")], f"folder {tmp_path / 'nowhere'} does not exist"),
        (["train-jazz", "--corpus", missing], f"--corpus {missing}: no such file or folder"),
        (["train-text", "--corpus", missing], f"--corpus {missing}: no such file"),
        (["train-text", "--out", str(photos), "--corpus", str(photos / "cat.jpg")], "holds files genapp did not write"),
        (["train-names", "--out", str(photos)], "holds files genapp did not write"),
        (["train-names", "--corpus", missing], f"--corpus {missing}: no such file"),
        (["score", "--model", str(photos / "cat.jpg"), "x"], "is a file; expected a model bundle folder"),
        (["corpus", missing], f"source {missing}: no such file or folder"),
    ]
    result = subprocess.run([sys.executable, "-c", EARLY, json.dumps([args for args, _ in cases])],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for (args, expected), (code, stderr, imported) in zip(cases, json.loads(result.stdout)):
        assert code == 1 and expected in stderr and len(stderr.splitlines()) == 1, (args, stderr)
        assert imported == [], f"{args} imported {imported} before refusing"


# ---- generate keeps existing files --------------------------------------------------------------


def test_file_targets_take_the_next_free_name(tmp_path):
    out, wav = tmp_path / "solo.mid", tmp_path / "solo.wav"
    assert targets.file_targets([out, wav]) == ([[out, wav]], None)
    out.write_bytes(b"mine")
    (tmp_path / "solo-2.wav").write_bytes(b"mine too")
    takes, note = targets.file_targets([out, wav])
    assert takes == [[tmp_path / "solo-3.mid", tmp_path / "solo-3.wav"]]  # a take's files keep one name
    assert render(note) == (f"existing files are kept; writing {tmp_path / 'solo-3.mid'}, {tmp_path / 'solo-3.wav'} "
                            "(use replace to overwrite them)")
    assert targets.file_targets([out], replace=True) == ([[out]], None)
    (tmp_path / "take-2.mid").write_bytes(b"x")
    takes, note = targets.file_targets([tmp_path / "take.mid"], 3)
    assert [t[0].name for t in takes] == ["take-1.mid", "take-3.mid", "take-4.mid"]
    assert note is not None and targets.file_targets([tmp_path / "new.mid"], 2)[1] is None
    with pytest.raises(GenappError, match="does not exist"):
        targets.file_targets([out / "x.mid"])


def test_generate_never_overwrites_without_force(tmp_path, jazz_bundle):
    out = tmp_path / "solo.mid"
    out.write_bytes(b"my own solo")
    result = run("generate", "--model", jazz_bundle, "--bars", 2, "--seed", 1, "--out", out)
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == b"my own solo"
    assert result.stderr.strip() == f"existing files are kept; writing {tmp_path / 'solo-2.mid'} (use --force to overwrite them)"
    assert result.stdout.startswith(f"wrote {tmp_path / 'solo-2.mid'}: ")
    result = run("generate", "--model", jazz_bundle, "--bars", 2, "--seed", 1, "--out", out, "--force")
    assert result.exit_code == 0 and out.read_bytes() == (tmp_path / "solo-2.mid").read_bytes()


def test_a_missing_shipped_model_says_how_to_make_one(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "models_dir", lambda: tmp_path)
    line = one_line_error(run("write"))
    assert line == (f"Error: the shipped text model is missing from {tmp_path}; train one with "
                    "`genapp train-text --out DIR` and pass it with --model")
