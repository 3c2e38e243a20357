"""The shipped corpora and models are found from a clone and from a regular (wheel) install."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from genapp import paths

REPO = Path(__file__).resolve().parent.parent


def test_found_from_the_clone():
    assert paths.default_names_corpus() == REPO / "corpora" / "dinos.txt"
    assert (paths.default_names_model() / "model.keras").is_file()


def test_every_shipped_file_is_described_in_its_folder_readme():
    for folder in ("corpora", "models"):
        readme = (REPO / folder / "README.md").read_text(encoding="utf-8")
        for entry in (REPO / folder).rglob("*"):
            rel = entry.relative_to(REPO / folder)
            if entry.is_dir() or entry.name == "README.md" or any(part.startswith(".") for part in rel.parts):
                continue
            top = rel.parts[0]
            described = f"`{rel.as_posix()}`" in readme or (entry.parent != REPO / folder and folder == "models"
                                                              and f"`{top}/`" in readme)
            assert described, f"{folder}/README.md does not describe {rel.as_posix()}"


@pytest.mark.skipif(not (REPO / "pyproject.toml").is_file(), reason="needs the source tree")
def test_a_wheel_install_carries_corpora_and_models(tmp_path):
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path / "w"), str(REPO)],
        capture_output=True, text=True,
    )
    assert build.returncode == 0, build.stderr
    [wheel] = (tmp_path / "w").glob("genapp-*.whl")
    site = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
        capture_output=True, text=True,
    )
    assert install.returncode == 0, install.stderr
    code = "import genapp.paths as p, cli; print(p.default_names_corpus()); print(p.default_names_model())"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(site)},
    )
    assert out.returncode == 0, out.stderr
    corpus, model = (Path(line) for line in out.stdout.split())
    assert corpus == site / "genapp" / "corpora" / "dinos.txt" and corpus.is_file()
    assert model == site / "genapp" / "models" / "dinos" and (model / "model.keras").is_file()
    shipped = site / "genapp"
    for rel in ("corpora/jazz/two_five_etudes.abc", "corpora/jazz/bundled.music21.txt", "models/jazz/vocab.json",
                "models/text/model.keras", "models/text/training.json"):
        assert (shipped / rel).is_file(), f"the wheel lacks {rel}"
