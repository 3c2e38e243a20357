"""A corpus: many sources -> pieces, in parallel and cached, bad files reported and skipped.

A source is a file, a folder (searched recursively for MIDI, MusicXML and
ABC files), ``music21:NAME``, or a ``*.music21.txt`` file listing music21
corpus names one per line (``#`` starts a comment).

Each file that is not in the cache is parsed in a worker process (one per
core, spawned so that no Keras/JAX state is forked), under a time and a
memory limit, so one pathological file cannot hang the run; the workers
ignore Ctrl-C, which the parent turns into a clean stop (``Interrupted``).  A file that fails is reported
(``Skipped``) and the others are still used; a corpus with no usable piece
is an error.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from genapp.errors import GenappError, Interrupted
from genapp.processes import start_pool
from genapp.music import cache
from genapp.music.piece import Piece
from genapp.music.reading import CORPUS_PREFIX, SUFFIXES, PieceError, read_source, reader_failed

LIST_SUFFIX = ".music21.txt"
TIME_LIMIT = 120  # seconds to read one file
WORKER_MEMORY = 4 << 30  # bytes of address space for each parsing process


@dataclass
class Skipped:
    source: str
    reason: str


@dataclass
class Corpus:
    pieces: list[Piece] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    from_cache: int = 0  # sources whose pieces came from the cache
    parsed: int = 0  # sources parsed this time


def expand(sources: list[str]) -> tuple[list[str], list[Skipped]]:
    """Sources -> the files and corpus names they stand for, in a stable order."""
    out, skipped = [], []
    for s in sources:
        if s.startswith(CORPUS_PREFIX):
            out.append(s)
            continue
        path = Path(s)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and _is_music(p))
            lists = sorted(p for p in path.rglob(f"*{LIST_SUFFIX}") if p.is_file())
            if not found and not lists:
                skipped.append(Skipped(s, f"folder has no music files ({', '.join(SUFFIXES)})"))
            out += [str(p) for p in found]
            for lst in lists:
                out += _read_list(lst)
        elif path.name.endswith(LIST_SUFFIX):
            out += _read_list(path)
        else:
            out.append(s)
    return list(dict.fromkeys(out)), skipped


def _is_music(p: Path) -> bool:
    return p.suffix.lower() in SUFFIXES and not p.name.startswith(".")


def _read_list(path: Path) -> list[str]:
    names = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(line if line.startswith(CORPUS_PREFIX) else CORPUS_PREFIX + line)
    return names


def _parse_one(args: tuple) -> tuple[str, list[dict] | None, str | None]:
    """(source, melody track, time limit[, keep backing]) -> (source, pieces as JSON, or the reason it failed, in words)."""
    source, melody_track, limit, *keep = args

    def timeout(signum, frame):
        raise TimeoutError

    alarm = bool(limit) and threading.current_thread() is threading.main_thread()
    if alarm:
        previous = signal.signal(signal.SIGALRM, timeout)
        signal.alarm(limit)
    try:
        return source, [p.to_json() for p in read_source(source, melody_track, bool(keep and keep[0]))], None
    except PieceError as e:
        return source, None, e.reason
    except TimeoutError:
        return source, None, f"took longer than {limit} s to read (genapp's time limit for one file)"
    except MemoryError:
        return source, None, f"needs more than {WORKER_MEMORY >> 30} GB of memory to read (genapp's memory limit for one file)"
    except Exception as e:  # a reader bug must not end the whole corpus
        return source, None, reader_failed(e, "genapp's reader")
    finally:
        if alarm:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)


def _worker_start() -> None:
    """In each reader process: memory is capped, so a file that needs more fails alone."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY, WORKER_MEMORY))
    except (ImportError, ValueError, OSError):  # no such limit on this system: the size checks still hold
        pass


def _lookup(source: str, melody_track: str | None) -> tuple[str | None, list[Piece] | None]:
    """(cache key or None if the source cannot be hashed, cached pieces or None)."""
    digest = cache.source_digest(source)
    k = cache.key(digest, melody_track) if digest else None
    return k, (cache.load(k) if k else None)


def read_with_backing(source: str, melody_track: str | None = None) -> list[Piece]:
    """One source's pieces with their accompaniment notes (for rendering), read now under the time limit.

    Not cached: the cache holds what training needs, and stays small.
    """
    _, found, reason = _parse_one((source, melody_track, TIME_LIMIT, True))
    if found is None:
        raise PieceError(source, reason)
    return [Piece.from_json(p) for p in found]


def read_cached(source: str, melody_track: str | None = None) -> list[Piece]:
    """One source's pieces, from the cache when it has them (PieceError if unreadable)."""
    k, hit = _lookup(source, melody_track)
    if hit is not None:
        return hit
    _, found, reason = _parse_one((source, melody_track, TIME_LIMIT))
    if found is None:
        raise PieceError(source, reason)
    pieces = [Piece.from_json(p) for p in found]
    if k:
        cache.save(k, pieces)
    return pieces


def load_corpus(
    sources: list[str],
    melody_track: str | None = None,
    workers: int | None = None,
    use_cache: bool = True,
    time_limit: int = TIME_LIMIT,
    say: Callable[[str], None] | None = None,
) -> Corpus:
    """Read every source; GenappError if none gives a usable piece."""
    files, skipped = expand(sources)
    result = Corpus(skipped=skipped)
    todo, keys = [], {}
    found: dict[str, list[Piece]] = {}
    for s in files:
        k, hit = _lookup(s, melody_track) if use_cache else (None, None)
        if k:
            keys[s] = k
        if hit is not None:
            found[s] = hit
            result.from_cache += 1
            continue
        todo.append(s)
    parsing = _parse_all(todo, melody_track, workers, time_limit)
    try:
        for source, pieces, reason in parsing:
            result.parsed += 1
            if pieces is None:
                result.skipped.append(Skipped(source, reason))
                if say:
                    say(f"skipped {source}: {reason}")
                continue
            found[source] = [Piece.from_json(p) for p in pieces]
            if source in keys:
                cache.save(keys[source], found[source])
    except KeyboardInterrupt:
        parsing.close()  # stops the reader processes at once
        raise Interrupted(f"interrupted while reading the corpus ({result.parsed} of {len(todo)} files read; "
                          "they are cached, so the next run starts from them)") from None
    result.pieces = [p for s in files if s in found for p in found[s]]
    if not result.pieces:
        listing = "; ".join(f"{k.source}: {k.reason}" for k in result.skipped[:3])
        raise GenappError(f"no usable piece in {', '.join(sources) or 'no sources'}" + (f" ({listing})" if listing else ""))
    return result


def _parse_all(todo: list[str], melody_track, workers, time_limit):
    """Yield (source, pieces JSON or None, reason) for each source, in order, in parallel where it helps.

    Closing the generator (as ``load_corpus`` does on Ctrl-C) terminates the
    reader processes at once.
    """
    jobs = [(s, melody_track, time_limit) for s in todo]
    n = min(workers or os.cpu_count() or 1, len(jobs))
    if n <= 1:
        for job in jobs:
            yield _parse_one(job)
        return
    pool = start_pool(n, _worker_start)
    try:
        yield from pool.imap(_parse_one, jobs)
    finally:
        pool.terminate()  # idle workers at the end; a worker deep inside a slow parse on Ctrl-C
        pool.join()
