"""On-disk cache of parsed pieces, so a second run over the same corpus skips parsing.

Key: sha256 of the file's bytes (for ``music21:NAME``, of the bundled file),
the pipeline version, and the reading options.  Value: the pieces as JSON
(never pickle), written atomically.  Changing the reading code means bumping
``PIPELINE_VERSION``, which invalidates every entry.

Location: ``$GENAPP_CACHE_DIR`` if set, else ``~/.cache/genapp/pieces``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from genapp.atomic import atomic_path
from genapp.data.digest import sha256_file, sha256_json
from genapp.music.piece import Piece

PIPELINE_VERSION = 7  # bump whenever reading or melody/harmony detection changes


def cache_dir() -> Path:
    root = os.environ.get("GENAPP_CACHE_DIR")
    return Path(root) if root else Path.home() / ".cache" / "genapp" / "pieces"


def source_digest(source: str) -> str | None:
    """sha256 of the bytes behind a source, or None if they cannot be read."""
    from genapp.music.reading import CORPUS_PREFIX, bundled_path

    if source.startswith(CORPUS_PREFIX):
        path = bundled_path(source[len(CORPUS_PREFIX):])
        if path is None:
            return None
    else:
        path = Path(source)
    try:
        return sha256_file(path)
    except OSError:
        return None


def key(digest: str, melody_track: str | None) -> str:
    return sha256_json([digest, PIPELINE_VERSION, melody_track])[:32]


def has(k: str) -> bool:
    return (cache_dir() / f"{k}.json").is_file()


def load(k: str) -> list[Piece] | None:
    path = cache_dir() / f"{k}.json"
    try:
        return [Piece.from_json(d) for d in json.loads(path.read_text(encoding="utf-8"))]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(k: str, pieces: list[Piece]) -> None:
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_path(folder / f"{k}.json", clean=False) as tmp:  # a folder of 100,000 entries: no scan per write
            tmp.write_text(json.dumps([p.to_json() for p in pieces]), encoding="utf-8")
    except OSError:
        pass  # a cache that cannot be written only costs time


def clean() -> None:
    """Remove what writers killed mid-write left in the cache (one scan of its folder)."""
    from genapp.atomic import clean_folder

    clean_folder(cache_dir())
