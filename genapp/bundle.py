"""A trained model on disk: a folder of four parts, written atomically, checked on load.

    model.keras     the Keras model (loads with safe_mode; no Python lambdas),
                    with the optimizer's state so that training can resume
    vocab.json      the vocabulary, in index order
    config.json     format, kind ("names", "text", "jazz"), model arguments,
                    and the sha256 of model.keras and vocab.json
    training.json   what it was trained on: corpus sha256, epochs, best loss...

A bundle is data, never trusted code or paths.  Loading checks, in this order
and before Keras reads anything: the folder holds the four parts as plain
files (no links) of bounded size; config.json matches its schema (types,
ranges, the two digests and nothing else: no path is ever taken from it);
the kind is the one asked for; model.keras and vocab.json have the recorded
sha256; vocab.json is a vocabulary.  Every refusal is one ``GenappError`` line.

Saving never replaces a folder that is not a bundle of the same kind
(``check_replaceable``): a folder holding anything else is left alone.

This module imports Keras only inside the functions that need it, so the
command line can check a bundle before paying for Keras.
"""

from __future__ import annotations

import json
import re
import stat
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import genapp
from genapp.atomic import atomic_dir
from genapp.data.digest import sha256_file
from genapp.data.vocab import Vocabulary
from genapp.errors import GenappError

if TYPE_CHECKING:
    import keras

FORMAT = "genapp-bundle"
FORMAT_VERSION = 1
KINDS = ("names", "text", "jazz")
MODEL_FILE = "model.keras"
VOCAB_FILE = "vocab.json"
CONFIG_FILE = "config.json"
TRAINING_FILE = "training.json"
PARTS = (MODEL_FILE, VOCAB_FILE, CONFIG_FILE, TRAINING_FILE)
HASHED = (MODEL_FILE, VOCAB_FILE)  # the parts config.json records a sha256 for, always exactly these
# Largest part sizes we read, in bytes: far above any genapp model, far below trouble.
MAX_BYTES = {MODEL_FILE: 1 << 30, VOCAB_FILE: 64 << 20, CONFIG_FILE: 1 << 20, TRAINING_FILE: 64 << 20}
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass
class Bundle:
    path: Path
    kind: str
    model: keras.Model
    vocab: Vocabulary
    config: dict  # the model arguments
    training: dict  # the training facts


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def check_replaceable(path: Path, kind: str) -> None:
    """GenappError unless ``path`` is absent, an empty folder, or a bundle of ``kind`` and nothing else."""
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        return
    if path.is_symlink() or not path.is_dir():
        raise GenappError(f"model folder {path}: is a file; expected a folder to write the bundle into")
    entries = sorted(p.name for p in path.iterdir())
    if not entries:
        return
    foreign = [e for e in entries if e not in PARTS]
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise GenappError(
            f"model folder {path}: holds files genapp did not write ({shown}); genapp replaces only its own "
            "model bundles, so choose a new folder name"
        )
    try:
        found = read_bundle_config(path, require_all=False).get("kind")
    except GenappError as e:
        raise GenappError(f"{e}; genapp replaces only its own model bundles, so choose a new folder name") from None
    if found != kind:
        raise GenappError(
            f"model folder {path}: holds a {found!r} model; genapp will not replace it with a {kind!r} model, "
            "so choose a new folder name"
        )


def save_bundle(out_dir: Path, *, kind: str, model: keras.Model, vocab: Vocabulary, config: dict,
                training: dict) -> Path:
    """Write the four parts into a temporary folder, then swap it in for ``out_dir``.

    ``out_dir`` may be absent, empty, or a bundle of the same kind (replaced
    whole); anything else is refused (``check_replaceable``).  A compiled
    model is saved with its optimizer's state.
    """
    out_dir = Path(out_dir)
    check_replaceable(out_dir, kind)
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
                "sha256": {part: sha256_file(tmp / part) for part in HASHED},
            },
        )
    return out_dir


def _read_json(path: Path, bundle: Path) -> dict:
    """A part's JSON object, read within its size bound; GenappError naming the part otherwise."""
    name = path.name
    try:
        info = path.lstat()
    except FileNotFoundError:
        raise GenappError(f"model bundle {bundle}: incomplete, missing {name}; retrain it or point to another folder") from None
    if not stat.S_ISREG(info.st_mode):
        raise GenappError(f"model bundle {bundle}: {name} is not a plain file (a link or a device); a bundle's parts are plain files")
    if info.st_size > MAX_BYTES[name]:
        raise GenappError(f"model bundle {bundle}: {name} is {info.st_size:,} bytes; at most {MAX_BYTES[name]:,} are read")
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except RecursionError:
        raise GenappError(f"model bundle {bundle}: {name} is nested too deeply to be a genapp file") from None
    except UnicodeDecodeError as e:
        raise GenappError(f"model bundle {bundle}: {name} is not UTF-8 text (byte at offset {e.start})") from None
    except json.JSONDecodeError as e:
        raise GenappError(f"model bundle {bundle}: {name} is not valid JSON ({e})") from None
    if not isinstance(data, dict):
        raise GenappError(f"model bundle {bundle}: {name} should hold a JSON object")
    return data


def _check_config(config: dict, path: Path) -> dict:
    """The schema of config.json: GenappError naming the first field that does not fit."""

    def bad(field: str, expected: str) -> GenappError:
        value = repr(config.get(field))
        return GenappError(f"model bundle {path}: config.json field {field!r} should be {expected}, "
                           f"got {value[:60] + '...' if len(value) > 60 else value}")

    if config.get("format") != FORMAT:
        raise GenappError(f"model bundle {path}: config.json is not a genapp bundle config (no \"format\": \"{FORMAT}\")")
    version = config.get("format_version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise GenappError(f"model bundle {path}: format version {version!r}; this genapp reads version {FORMAT_VERSION}")
    if config.get("kind") not in KINDS:
        raise bad("kind", f"one of {', '.join(KINDS)}")
    if not isinstance(config.get("genapp_version", ""), str):
        raise bad("genapp_version", "a string")
    model = config.get("model")
    if not isinstance(model, dict) or not all(
        isinstance(k, str) and (isinstance(v, (str, int, float)) or v is None) for k, v in model.items()
    ):
        raise bad("model", "an object of model arguments (names to numbers or strings)")
    digests = config.get("sha256")
    if not isinstance(digests, dict) or set(digests) != set(HASHED) or not all(
        isinstance(v, str) and _SHA256.fullmatch(v) for v in digests.values()
    ):
        raise bad("sha256", f"an object giving the sha256 (64 hex digits) of exactly {' and '.join(HASHED)}")
    return config


def read_bundle_config(path: Path, require_all: bool = True) -> dict:
    """Check the folder and its config.json (schema included); return the config (cheap: loads no model)."""
    path = Path(path)
    if not path.exists():
        raise GenappError(f"model bundle {path}: no such folder")
    if not path.is_dir():
        raise GenappError(f"model bundle {path}: is a file; expected a bundle folder holding {', '.join(PARTS)}")
    if require_all:
        missing = [p for p in PARTS if not (path / p).exists() and not (path / p).is_symlink()]
        if missing:
            raise GenappError(f"model bundle {path}: incomplete, missing {', '.join(missing)}; retrain it or point to another folder")
    return _check_config(_read_json(path / CONFIG_FILE, path), path)


def _check_part(path: Path, part: str, digest: str) -> None:
    """The part is a plain file within its size bound whose sha256 is ``digest``."""
    file = path / part
    info = file.lstat()
    if not stat.S_ISREG(info.st_mode):
        raise GenappError(f"model bundle {path}: {part} is not a plain file (a link or a device); a bundle's parts are plain files")
    if info.st_size > MAX_BYTES[part]:
        raise GenappError(f"model bundle {path}: {part} is {info.st_size:,} bytes; at most {MAX_BYTES[part]:,} are read")
    if sha256_file(file) != digest:
        raise GenappError(
            f"model bundle {path}: {part} does not match config.json (sha256 differs); "
            "its parts come from different trainings, retrain it"
        )


def check_bundle(path: Path, kind: str) -> dict:
    """Everything about a bundle that needs no Keras: folder, schema, kind, digests. Returns config.json."""
    path = Path(path)
    config = read_bundle_config(path)
    if config["kind"] != kind:
        raise GenappError(f"model bundle {path}: is a {config['kind']!r} model; this command needs a {kind!r} model")
    for part in HASHED:
        _check_part(path, part, config["sha256"][part])
    return config


def load_bundle(path: Path, kind: str, build: Callable[[dict], keras.Model] | None = None,
                make: Callable[[Bundle], Any] | None = None) -> Any:
    """Load and cross-check a bundle of the given kind; GenappError if anything is off.

    Without ``build`` the model comes from ``keras.saving.load_model`` in safe
    mode.  With it, ``build(model arguments)`` makes the architecture and the
    weights are read from model.keras into it: the same model, without paying
    for random initialisation first (tests check both paths agree).
    ``make(bundle)`` turns the bundle into the product's model object; any
    complaint it has about the bundle's contents is reported as one line too.
    """
    import keras

    from genapp.nn import layers as _layers  # noqa: F401  (registers custom objects)
    from genapp.nn import losses as _losses  # noqa: F401

    path = Path(path)
    config = check_bundle(path, kind)
    training = _read_json(path / TRAINING_FILE, path)
    try:
        vocab = Vocabulary.from_json(_read_json(path / VOCAB_FILE, path))
    except (KeyError, TypeError, ValueError) as e:
        raise GenappError(f"model bundle {path}: vocab.json is not a vocabulary ({e})") from None
    if build is not None:
        try:
            model = build(config["model"])
        except (KeyError, TypeError, ValueError) as e:
            raise GenappError(f"model bundle {path}: config.json has model arguments this genapp cannot build ({e})") from None
    try:
        with warnings.catch_warnings():  # a mismatch is reported below, in one line
            warnings.simplefilter("ignore")
            if build is None:
                model = keras.saving.load_model(path / MODEL_FILE, compile=False, safe_mode=True)
            else:
                model.load_weights(path / MODEL_FILE)
    except Exception as e:  # Keras raises many types for a bad file; one message for all
        first = str(e).strip().splitlines()[0][:200] if str(e).strip() else "unreadable"
        raise GenappError(f"model bundle {path}: model.keras could not be loaded ({first})") from None
    out_dim = model.outputs[0].shape[-1]
    members = config["model"].get("members", 1) if isinstance(config["model"], dict) else 1
    members = members if isinstance(members, int) and not isinstance(members, bool) and members > 0 else 1
    # an ensemble whose members' outputs lie side by side (``config.ImprovConfig.members``) predicts every symbol
    # once per member; one whose output is the members' mean (``CharLMConfig.members``), once
    side_by_side = getattr(make, "MEMBERS_SIDE_BY_SIDE", True)
    if out_dim != vocab.size * (members if side_by_side else 1):
        each = f" ({members} members)" if members != 1 else ""
        raise GenappError(f"model bundle {path}: model predicts {out_dim} symbols{each} but vocab.json has {vocab.size}")
    bundle = Bundle(path, kind, model, vocab, config["model"], training)
    if make is None:
        return bundle
    try:
        return make(bundle)
    except (KeyError, TypeError, ValueError) as e:
        raise GenappError(f"model bundle {path}: its contents do not fit a {kind!r} model ({e})") from None


def without_optimizer(path: Path, kind: str) -> Path:
    """Rewrite a bundle without its optimizer's state, as genapp ships its models (a third of the size).

    The weights, vocabulary and arguments are unchanged; ``--resume`` from it
    starts a fresh optimizer (``saved_optimizer`` finds none), ``--init-from``
    and sampling are as before.  training.json says the state was left out.
    """
    import keras

    from genapp.nn import layers as _layers  # noqa: F401  (registers custom objects)

    path = Path(path)
    config = check_bundle(path, kind)
    vocab = Vocabulary.from_json(_read_json(path / VOCAB_FILE, path))
    training = {**_read_json(path / TRAINING_FILE, path), "optimizer_state": "left out (genapp.bundle.without_optimizer)"}
    model = keras.saving.load_model(path / MODEL_FILE, compile=False, safe_mode=True)  # saved again: no optimizer
    return save_bundle(path, kind=kind, model=model, vocab=vocab, config=config["model"], training=training)


def saved_optimizer(path: Path) -> keras.optimizers.Optimizer | None:
    """The optimizer saved in a bundle's model.keras, with its state, or None if it holds none.

    Call after ``load_bundle`` (which checked the file); used to resume training.
    """
    import keras

    from genapp.nn import layers as _layers  # noqa: F401
    from genapp.nn import losses as _losses  # noqa: F401

    try:
        model = keras.saving.load_model(Path(path) / MODEL_FILE, compile=True, safe_mode=True)
    except Exception:  # saved without compiling (older genapp), or a loss this genapp lacks
        return None
    optimizer = getattr(model, "optimizer", None)
    return optimizer if optimizer is not None and optimizer.built else None


def read_training(path: Path) -> dict:
    """A bundle's training.json (cheap: loads no model), checked like every part."""
    return _read_json(Path(path) / TRAINING_FILE, Path(path))
