"""Write files and folders so that a reader never sees them half-written.

Everything is first written to a temporary sibling (same filesystem) and then
renamed into place; an exception or Ctrl-C leaves the old content untouched
and removes the temporary.

A temporary is named ``.NAME.genapp-PID-RANDOM.tmp`` (``.old`` for a folder
being swapped out), so that a process killed outright (``kill -9``, a power
cut) leaves something recognisable: the next write of the same NAME removes
the leftovers of processes that no longer run, and nothing else.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _prefix(final: Path) -> str:
    return f".{final.name}.genapp-{os.getpid()}-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def clean_stale(final: Path) -> list[Path]:
    """Remove the temporaries that dead processes left beside ``final``; return what was removed."""
    final = Path(final)
    return _clean(final.parent, re.escape(final.name))


def clean_folder(folder: Path) -> list[Path]:
    """Remove the temporaries that dead processes left in ``folder``, whatever file they were for (one scan).

    For a folder of many files written with ``atomic_path(..., clean=False)``
    (a cache), where scanning the folder at every write would cost time in
    proportion to the files already there.
    """
    return _clean(Path(folder), r".+")


def _clean(folder: Path, name: str) -> list[Path]:
    pattern = re.compile(rf"\.{name}\.genapp-(\d+)-[A-Za-z0-9_]+(\.[A-Za-z0-9]+)?\.(tmp|old)")
    removed = []
    try:
        siblings = list(folder.iterdir())
    except OSError:
        return removed
    for p in siblings:
        m = pattern.fullmatch(p.name)
        if m is None or _alive(int(m[1])):
            continue
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
        removed.append(p)
    return removed


@contextlib.contextmanager
def atomic_path(final: Path, suffix: str = "", clean: bool = True) -> Iterator[Path]:
    """Yield a temporary file path beside ``final``; rename it there on success.

    ``clean``: first remove dead processes' temporaries of ``final``, which
    scans its folder (False: the caller cleans the folder now and then,
    ``clean_folder``).
    """
    final = Path(final)
    if clean:
        clean_stale(final)
    fd, tmp = tempfile.mkstemp(prefix=_prefix(final), suffix=suffix + ".tmp", dir=final.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp makes 0600; give the file a normal file's mode
        os.replace(tmp_path, final)
    finally:
        tmp_path.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_dir(final: Path) -> Iterator[Path]:
    """Yield an empty temporary folder beside ``final``; swap it in on success.

    An existing ``final`` is renamed aside first and deleted only once the new
    folder is in place, so at every moment one complete version exists.  The
    caller decides whether ``final`` may be replaced at all (``genapp.bundle``
    replaces only a bundle of its own kind).
    """
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(final)
    tmp = Path(tempfile.mkdtemp(prefix=_prefix(final), suffix=".tmp", dir=final.parent))
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes 0700; give the folder a normal folder's mode
        old = None
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=_prefix(final), suffix=".old", dir=final.parent))
            os.rmdir(old)
            os.replace(final, old)
        os.replace(tmp, final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
