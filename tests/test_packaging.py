"""The shipped corpora and models are found from a clone and from a regular (wheel) install."""

import os
import shutil
import subprocess
import sys
import zipfile
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
            # a bundle is described as a folder; so is a corpus folder with a README of its own giving the source
            own = (REPO / folder / top / "README.md").is_file() and folder == "corpora"
            described = f"`{rel.as_posix()}`" in readme or (entry.parent != REPO / folder and (folder == "models" or own)
                                                              and f"`{top}/`" in readme)
            assert described, f"{folder}/README.md does not describe {rel.as_posix()}"


def _build_wheel(tmp_path) -> Path:
    """A wheel built from a copy of the tracked source tree (no stale build/ folder can leak into it)."""
    src = tmp_path / "src"
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO, capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    for rel in listed.stdout.splitlines():
        if (REPO / rel).is_file():
            (src / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, src / rel)
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path / "w"), str(src)],
        capture_output=True, text=True,
    )
    assert build.returncode == 0, build.stderr
    [wheel] = (tmp_path / "w").glob("genapp-*.whl")
    return wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    if not (REPO / "pyproject.toml").is_file() or shutil.which("git") is None:
        pytest.skip("needs the source tree")
    return _build_wheel(tmp_path_factory.mktemp("wheel"))


def test_the_wheel_carries_every_package_and_no_top_level_cli(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    packages = sorted(str(p.parent.relative_to(REPO)) for p in (REPO / "genapp").rglob("__init__.py"))
    missing = [p for p in packages if f"{p}/__init__.py" not in names]
    assert not missing, f"the wheel lacks {missing}"
    assert "cli.py" not in names, "no top-level cli module may be installed"
    shipped = ("corpora/dinos.txt", "corpora/jazz/two_five_etudes.abc", "corpora/jazz/bundled.music21.txt",
               "models/jazz/vocab.json", "models/text/model.keras", "models/dinos/training.json",
               "models/words/config.json")
    assert [rel for rel in shipped if f"genapp/{rel}" not in names] == []


def test_every_command_runs_from_a_wheel_in_a_fresh_environment(wheel, tmp_path):
    """A new virtual environment, the wheel installed with its console script, and no way back to the source tree.

    The dependencies (Keras, music21...) come from this environment's site-packages through a .pth line; the
    .pth files there, the editable install's finder among them, are not run, so genapp can only come from the wheel.
    """
    import sysconfig
    import venv

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n" + sysconfig.get_path("platlib") + "\n")
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                              "-q", str(wheel)], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr
    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GENAPP_CACHE_DIR")}
    env["GENAPP_CACHE_DIR"] = str(tmp_path / "cache")
    where = subprocess.run([str(python), "-c", "import genapp, genapp.music.corpus; print(genapp.__file__)"],
                           capture_output=True, text=True, cwd=work, env=env)
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(site), where.stdout
    genapp = env_dir / "bin" / "genapp"
    for args, check in [
        (["generate", "--bars", "2", "--seed", "1", "--out", "solo.mid", "--out", "solo.wav"],
         lambda out: out.startswith("wrote solo.mid, solo.wav: 2 bars")),
        (["dino-names", "--count", "3", "--seed", "1"], lambda out: len(out.splitlines()) == 3),
        (["write", "--length", "20", "--seed", "1"], lambda out: len(out) >= 20),
        (["corpus", "music21:leadSheet/fosterBrownHair"], lambda out: "total: 1 pieces" in out),
    ]:
        result = subprocess.run([str(genapp), *args], capture_output=True, text=True, cwd=work, env=env, timeout=300)
        assert result.returncode == 0, (args, result.stderr[-2000:])
        assert check(result.stdout), (args, result.stdout)
    assert (work / "solo.mid").is_file() and (work / "solo.wav").stat().st_size > 100_000
