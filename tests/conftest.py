"""Shared fixtures: a tiny names corpus and a tiny model trained on it (real Keras, 2 epochs)."""

from __future__ import annotations

from pathlib import Path

import pytest

import genapp  # noqa: F401  (settles the Keras backend first)

TINY_NAMES = """\
Alosaurus
Brontosaurus
Ceratops
Diplodocus
Elasmosaurus
Gallimimus
Iguanodon
Kentrosaurus
Megalosaurus
Oviraptor
Protoceratops
Raptorex
Spinosaurus
Stegosaurus
Triceratops
Tyrannosaurus
Velociraptor
Zuniceratops
"""


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "names.txt"
    path.write_text(TINY_NAMES, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tiny_bundle(tiny_corpus, tmp_path_factory) -> Path:
    """A names bundle trained for 2 epochs (LSTM, 16 units), shared by read-only tests."""
    from genapp.names import train_names
    from genapp.training import TrainSettings

    out = tmp_path_factory.mktemp("models") / "tiny"
    train_names(tiny_corpus, out, {"cell": "lstm", "units": 16, "layers": 1}, TrainSettings(epochs=2, batch_size=8))
    return out
