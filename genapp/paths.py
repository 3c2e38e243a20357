"""Where the shipped corpora and models live, from a clone and after ``pip install``.

In a clone (or an editable install) they sit beside the package:
``<repo>/corpora`` and ``<repo>/models``.  A regular install maps those
folders into the package as ``genapp/corpora`` and ``genapp/models``
(see ``[tool.setuptools.package-dir]`` in pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    installed = _PACKAGE_DIR / name
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / name


def corpora_dir() -> Path:
    """The folder of training data genapp ships."""
    return _shipped("corpora")


def models_dir() -> Path:
    """The folder of trained model bundles genapp ships."""
    return _shipped("models")


MUSIC_CORPORA = ("wjd", "jazz")  # shipped music corpora, addressable by name (--corpus wjd); the first is the default


def shipped_music_corpus(name: str) -> Path | None:
    """The folder of a shipped music corpus named ``name`` (``wjd``: real solos, ``jazz``: composed pieces), or None."""
    return corpora_dir() / name if name in MUSIC_CORPORA else None


def default_names_corpus() -> Path:
    return corpora_dir() / "dinos.txt"


def default_names_model() -> Path:
    return models_dir() / "dinos"


def scratch_dir() -> Path:
    """Where a training run writes its rows while it lasts (``data.rows``): $GENAPP_CACHE_DIR, else ~/.cache/genapp."""
    import os

    root = os.environ.get("GENAPP_CACHE_DIR")
    return Path(root) if root else Path.home() / ".cache" / "genapp"
