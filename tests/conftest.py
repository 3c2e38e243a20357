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
    from genapp.products.names import train_names

    out = tmp_path_factory.mktemp("models") / "tiny"
    train_names(tiny_corpus, out, {"cell": "lstm", "units": 16, "layers": 1, "epochs": 2, "batch_size": 8})
    return out


LEAD_SHEET = """X:1
T:Tiny blues
M:4/4
L:1/8
Q:1/4=140
K:C
"F7" F2 A c _e d c A | "Bb7" _B d f _a g f d _B | "F7" A c f a g f _e c | "C7" _e d c A G2 F2 |
"F7" F A c _e d2 c2 | "Bb7" d f _a f g f d _B | "F7" c A F A c f a c' | "C7" G _B c e g2 z2 |]
"""


@pytest.fixture(scope="session")
def jazz_corpus(tmp_path_factory) -> Path:
    """Two band MIDI files and a lead sheet."""
    from midi_files import band

    folder = tmp_path_factory.mktemp("jazz_corpus")
    band(folder / "one.mid")
    band(folder / "two.mid", lead_name="Melody")
    (folder / "blues.abc").write_text(LEAD_SHEET)
    return folder


@pytest.fixture(scope="session")
def jazz_bundle(jazz_corpus, tmp_path_factory) -> Path:
    """A jazz bundle (the default improv representation, as an ensemble of 3 members so that every test also covers
    the mixture) trained for 2 epochs (n_a 8, Tx 8), shared by read-only tests."""
    import os

    from genapp.products.jazz import train_jazz

    os.environ.setdefault("GENAPP_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    out = tmp_path_factory.mktemp("models") / "jazz"
    train_jazz([str(jazz_corpus)], out, {"units": 8, "tx": 8, "epochs": 2, "batch_size": 8, "members": 3})
    return out


@pytest.fixture(scope="session")
def classic_bundle(jazz_corpus, tmp_path_factory) -> Path:
    """A jazz bundle of the classic representation trained for 2 epochs (n_a 8, Tx 8), shared by read-only tests."""
    import os

    from genapp.products.jazz import train_jazz

    os.environ.setdefault("GENAPP_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    out = tmp_path_factory.mktemp("models") / "classic"
    train_jazz([str(jazz_corpus)], out, {"representation": "classic", "units": 8, "tx": 8, "epochs": 2,
                                         "batch_size": 8})
    return out
