"""Where genapp may write, and whether what it reads is there, decided before any heavy work.

The command line calls these before Keras is imported (nothing here imports
it), so a wrong path is reported at once, and nothing a user did not ask to
replace is ever deleted or overwritten:

- a model folder (``bundle_target``) must be new, empty, or a bundle of the
  same kind; an existing bundle is replaced only when the caller says so
  (``--force``, or ``--resume``, which continues it).  A folder holding
  anything else is never touched (``genapp.bundle.check_replaceable``, which
  ``save_bundle`` applies again at every save);
- the models genapp ships are read-only: no training writes into them;
- an output file that exists (``file_targets``) is kept: the next free
  numbered name is taken instead (``solo-2.mid``), unless replacing was asked for;
- every folder written into must be a folder we may write in;
- a model to read (``model_source``) must exist and be a sound bundle of the
  right kind (``genapp.bundle.check_bundle``: no Keras needed).
"""

from __future__ import annotations

import os
from pathlib import Path

from genapp import paths
from genapp.bundle import check_bundle, check_replaceable
from genapp.errors import GenappError, param


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def shipped_models() -> list[str]:
    """Names of the bundles genapp ships (folders in ``paths.models_dir()``)."""
    folder = paths.models_dir()
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def writable_folder(path: Path, what: str) -> None:
    """GenappError unless ``path`` can be created as (or already is) a folder we may write in.

    Missing parents will be created, so the nearest existing one is what must
    be a writable folder.
    """
    probe = Path(path).resolve()
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise GenappError(f"{what} {path}: {probe} is a file, so no folder can be made there")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise GenappError(f"{what} {path}: no permission to write in {probe}")


def bundle_target(path: Path, kind: str, *, replace: bool = False, resume: bool = False, what: str = param("out")) -> Path:
    """Check that a bundle of ``kind`` may be written to ``path``; return the path.

    ``replace``: an existing bundle of the same kind may be replaced
    (``--force``).  ``resume``: the bundle must exist, and is continued.
    """
    path = Path(path)
    full = path.resolve()
    models = paths.models_dir().resolve()
    if _within(full, models) or _within(models, full):
        raise GenappError(
            f"{what} {path}: is where genapp's shipped models live ({models}); genapp never changes them, "
            "so train into a folder of your own"
        )
    if _within(Path.cwd().resolve(), full):
        raise GenappError(f"{what} {path}: is the current folder (or holds it); give the model a new folder of its own")
    check_replaceable(path, kind)
    exists = path.is_dir() and any(path.iterdir())
    if resume and not exists:
        raise GenappError(f"{param('resume')}: no {kind} model in {path} to continue")
    if exists and not (replace or resume):
        raise GenappError(
            f"{what} {path}: already holds a {kind} model; add {param('replace')} to replace it, {param('resume')} to continue "
            "training it, or choose a new folder"
        )
    writable_folder(path, what)
    return path


def resolve_model(path: Path) -> Path:
    """``path``, or the shipped model of that name when no such folder exists here (``dinos``, ``text``, ``jazz``)."""
    path = Path(path)
    if not path.exists() and len(path.parts) == 1 and path.name in shipped_models():
        return paths.models_dir() / path.name
    return path


def model_source(path: Path | None, kind: str, default: str, train_hint: str, what: str = param("model")) -> Path:
    """The bundle to read: ``path`` (a folder, or a shipped model's name), or the shipped ``default``; checked without Keras.

    A missing folder is an error that says where the shipped models are and
    how to train one (``train_hint``: the command to suggest).
    """
    shipped = paths.models_dir()
    if path is not None:
        path = resolve_model(path)
    if path is None:
        path = shipped / default
        if not path.exists():
            raise GenappError(f"the shipped {kind} model is missing from {shipped}; train one with `{train_hint}` "
                              f"and pass it with {what}")
    elif not path.exists():
        listing = ", ".join(shipped_models()) or "none"
        raise GenappError(
            f"{what} {path}: no such model folder; genapp's shipped models are in {shipped} ({listing}), "
            f"and `{train_hint}` trains a new one"
        )
    elif not path.is_dir():
        raise GenappError(f"{what} {path}: is a file; expected a model bundle folder")
    check_bundle(path, kind)
    return path


def writable_file(path: Path, what: str = param("out")) -> Path:
    """GenappError unless ``path``'s folder exists and we may write in it; returns the path."""
    if not path.parent.is_dir():
        raise GenappError(f"{what} {path}: folder {path.parent} does not exist")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise GenappError(f"{what} {path}: no permission to write in {path.parent}")
    return path


def _numbered(path: Path, k: int) -> Path:
    return path.with_name(f"{path.stem}-{k}{path.suffix}")


def file_targets(paths: list[Path], count: int = 1, replace: bool = False, what: str = param("out")
                 ) -> tuple[list[list[Path]], str | None]:
    """(for each of ``count`` takes, the files to write: one per path in ``paths``; a note when names were passed over).

    The files of one take share a name, so ``solo.mid`` and ``solo.wav`` stay
    a pair.  One take: the names themselves, or when any exists the next free
    ``NAME-2``, ``NAME-3``...  Several: ``NAME-1``, ``NAME-2``... skipping
    numbers already taken by any of the paths.  ``replace`` writes the plain
    names over whatever is there.
    """
    paths = [writable_file(Path(p), what) for p in paths]

    if replace:
        return ([paths] if count == 1 else [[_numbered(p, k) for p in paths] for k in range(1, count + 1)]), None
    if count == 1 and not any(p.exists() for p in paths):
        return [paths], None
    takes, k, skipped = [], 1 if count > 1 else 2, count == 1
    while len(takes) < count:
        take = [_numbered(p, k) for p in paths]
        if any(p.exists() for p in take):
            skipped = True
        else:
            takes.append(take)
        k += 1
    first = ", ".join(str(p) for p in takes[0])
    note = f"existing files are kept; writing {first}{' and on' if count > 1 else ''} (use {param('replace')} to overwrite them)"
    return takes, note if skipped else None
