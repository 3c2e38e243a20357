"""A trained model on disk: a folder of four parts, written atomically, checked on load.

    model.keras     the Keras model (loads with safe_mode; no Python lambdas)
    vocab.json      the vocabulary, in index order
    config.json     format, kind ("names", "text", "jazz"), model arguments,
                    and the sha256 of model.keras and vocab.json
    training.json   what it was trained on: corpus sha256, epochs, best loss...

Loading refuses a folder whose parts are missing, unreadable, of another kind,
or that do not belong together (a model.keras or vocab.json whose sha256 is
not the one config.json recorded).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import keras

import genapp
from genapp._backend import import_tensorflow_quietly
from genapp.atomic import atomic_dir
from genapp.errors import GenappError
from genapp.nn import layers as _layers  # noqa: F401  (registers custom objects)
from genapp.nn import losses as _losses  # noqa: F401
from genapp.text.vocab import Vocabulary

FORMAT = "genapp-bundle"
FORMAT_VERSION = 1
MODEL_FILE = "model.keras"
VOCAB_FILE = "vocab.json"
CONFIG_FILE = "config.json"
TRAINING_FILE = "training.json"
PARTS = (MODEL_FILE, VOCAB_FILE, CONFIG_FILE, TRAINING_FILE)


@dataclass
class Bundle:
    path: Path
    kind: str
    model: keras.Model
    vocab: Vocabulary
    config: dict  # the model arguments
    training: dict  # the training facts


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def save_bundle(out_dir: Path, *, kind: str, model: keras.Model, vocab: Vocabulary, config: dict, training: dict) -> Path:
    """Write the four parts into a temporary folder, then swap it in for ``out_dir``."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise GenappError(f"model folder {out_dir}: is a file; expected a folder to write the bundle into")
    import_tensorflow_quietly()  # Keras's serializer imports TensorFlow whenever it is installed
    with atomic_dir(out_dir) as tmp:
        model.save(tmp / MODEL_FILE)
        _write_json(tmp / VOCAB_FILE, vocab.to_json())
        _write_json(tmp / TRAINING_FILE, training)
        _write_json(
            tmp / CONFIG_FILE,
            {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "kind": kind,
                "genapp_version": genapp.__version__,
                "model": config,
                "sha256": {MODEL_FILE: _sha256(tmp / MODEL_FILE), VOCAB_FILE: _sha256(tmp / VOCAB_FILE)},
            },
        )
    return out_dir


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise GenappError(f"model bundle {path.parent}: {path.name} is not valid JSON ({e})") from None
    if not isinstance(data, dict):
        raise GenappError(f"model bundle {path.parent}: {path.name} should hold a JSON object")
    return data


def read_bundle_config(path: Path) -> dict:
    """Check the folder and its config.json; return the config (cheap: loads no model)."""
    path = Path(path)
    if not path.exists():
        raise GenappError(f"model bundle {path}: no such folder")
    if not path.is_dir():
        raise GenappError(f"model bundle {path}: is a file; expected a bundle folder holding {', '.join(PARTS)}")
    missing = [p for p in PARTS if not (path / p).is_file()]
    if missing:
        raise GenappError(f"model bundle {path}: incomplete, missing {', '.join(missing)}; retrain it or point to another folder")
    config = _read_json(path / CONFIG_FILE)
    if config.get("format") != FORMAT:
        raise GenappError(f"model bundle {path}: config.json is not a genapp bundle config (no \"format\": \"{FORMAT}\")")
    if config.get("format_version") != FORMAT_VERSION:
        raise GenappError(
            f"model bundle {path}: format version {config.get('format_version')!r}; this genapp reads version {FORMAT_VERSION}"
        )
    return config


def load_bundle(path: Path, kind: str, build: Callable[[dict], keras.Model] | None = None) -> Bundle:
    """Load and cross-check a bundle of the given kind; GenappError if anything is off.

    Without ``build`` the model comes from ``keras.saving.load_model`` in safe
    mode.  With it, ``build(model arguments)`` makes the architecture and the
    weights are read from model.keras into it: the same model, without paying
    for random initialisation first (tests check both paths agree).
    """
    path = Path(path)
    config = read_bundle_config(path)
    if config.get("kind") != kind:
        raise GenappError(f"model bundle {path}: is a {config.get('kind')!r} model; this command needs a {kind!r} model")
    for part, digest in config.get("sha256", {}).items():
        if _sha256(path / part) != digest:
            raise GenappError(
                f"model bundle {path}: {part} does not match config.json (sha256 differs); "
                "its parts come from different trainings, retrain it"
            )
    try:
        vocab = Vocabulary.from_json(_read_json(path / VOCAB_FILE))
    except (KeyError, TypeError, ValueError) as e:
        raise GenappError(f"model bundle {path}: vocab.json is not a vocabulary ({e})") from None
    try:
        if build is None:
            model = keras.saving.load_model(path / MODEL_FILE, compile=False, safe_mode=True)
        else:
            model = build(config["model"])
            model.load_weights(path / MODEL_FILE)
    except Exception as e:  # Keras raises many types for a bad file; one message for all
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise GenappError(f"model bundle {path}: model.keras could not be loaded ({first})") from None
    out_dim = model.outputs[0].shape[-1]
    if out_dim != vocab.size:
        raise GenappError(f"model bundle {path}: model predicts {out_dim} symbols but vocab.json has {vocab.size}")
    return Bundle(path, kind, model, vocab, config["model"], _read_json(path / TRAINING_FILE))
