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
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from genapp.errors import GenappError, Interrupted
from genapp.processes import start_pool
from genapp.music import cache
from genapp.music.piece import Piece
from genapp.music.reading import CORPUS_PREFIX, SUFFIXES, PieceError, read_source, reader_failed

LIST_SUFFIX = ".music21.txt"
TIME_LIMIT = 120  # seconds to read one file
WORKER_MEMORY = 4 << 30  # bytes of address space for each parsing process
IN_FLIGHT = 32  # files handed to each worker at a time
TASKS_PER_WORKER = 2000  # files a worker reads before a fresh one replaces it (a worker read 50,000: 38 -> 102 MB)


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
    k = _key(source, melody_track)
    found = cache.load(k) if k else None
    return k, (_named(found, source) if found else found)


def _named(pieces: list[Piece], source: str) -> list[Piece]:
    """Cached pieces under the name of the source read now: two files with the same bytes share one cache entry,
    which names the file read first (a collection's pieces keep their #N)."""
    if len(pieces) == 1:
        return [replace(pieces[0], name=source)]
    return [replace(p, name=f"{source}#{p.name.rsplit('#', 1)[1]}") if "#" in p.name else p for p in pieces]


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


def read_pieces(
    sources: list[str],
    melody_track: str | None = None,
    workers: int | None = None,
    use_cache: bool = True,
    time_limit: int = TIME_LIMIT,
    say: Callable[[str], None] | None = None,
    report: Corpus | None = None,
) -> Iterator[tuple[str, list[Piece]]]:
    """Each usable source's pieces, one source at a time, in a stable order; nothing is kept.

    A file not in the cache is parsed in a worker (a bounded number of them
    in flight, so memory does not grow with the corpus) and its pieces
    written to the cache at once: a run stopped half way, or killed, starts
    the next time from what it had read.  ``report`` (a ``Corpus``) counts
    what was parsed, cached and skipped; progress (files/s, time left) goes
    to ``say`` every few seconds.  GenappError at the end if no source gave
    a piece.
    """
    report = report if report is not None else Corpus()
    files, skipped = expand(sources)
    report.skipped += skipped
    if use_cache:
        cache.clean()
    keys = {s: _key(s, melody_track) for s in files} if use_cache else {}
    todo = [s for s in files if not (keys.get(s) and cache.has(keys[s]))]
    parse = set(todo)
    progress = Progress(len(files), say)
    parsing = _parse_all(todo, melody_track, workers, time_limit)
    usable = 0
    try:
        for source in files:
            pieces = cache.load(keys[source]) if source in keys and source not in parse else None
            if pieces is not None:
                pieces = _named(pieces, source)
                report.from_cache += 1
            else:
                if source in parse:
                    _, found, reason = next(parsing)
                else:  # in the cache a moment ago, unreadable now: read it here
                    _, found, reason = _parse_one((source, melody_track, time_limit))
                report.parsed += 1
                if found is None:
                    report.skipped.append(Skipped(source, reason))
                    if say:
                        say(f"skipped {source}: {reason}")
                    progress.step()
                    continue
                pieces = [Piece.from_json(p) for p in found]
                if keys.get(source):
                    cache.save(keys[source], pieces)
            progress.step()
            usable += bool(pieces)
            yield source, pieces
    except KeyboardInterrupt:  # ``finally`` closes the parser, which stops the reader processes at once
        raise Interrupted(f"interrupted while reading the corpus ({report.parsed} of {len(todo)} files read; "
                          "they are cached, so the next run starts from them)") from None
    finally:
        parsing.close()
    progress.done()
    if not usable:
        listing = "; ".join(f"{k.source}: {k.reason}" for k in report.skipped[:3])
        raise GenappError(f"no usable piece in {', '.join(sources) or 'no sources'}" + (f" ({listing})" if listing else ""))


def load_corpus(sources: list[str], melody_track: str | None = None, workers: int | None = None,
                use_cache: bool = True, time_limit: int = TIME_LIMIT, say: Callable[[str], None] | None = None) -> Corpus:
    """Every source's pieces in memory (``read_pieces`` for a corpus too large for that); GenappError if none is usable."""
    result = Corpus()
    for _, pieces in read_pieces(sources, melody_track, workers, use_cache, time_limit, say, result):
        result.pieces += pieces
    return result


def _key(source: str, melody_track: str | None) -> str | None:
    digest = cache.source_digest(source)
    return cache.key(digest, melody_track) if digest else None


class Progress:
    """"read 1,000 of 2,000 files (180 files/s, about 6 s left)" to ``say``, at most every ``every`` seconds."""

    def __init__(self, total: int, say: Callable[[str], None] | None, every: float = 5.0):
        self.total, self.say, self.every = total, say, every
        self.count, self.start = 0, time.perf_counter()
        self.last = self.start

    def step(self) -> None:
        self.count += 1
        now = time.perf_counter()
        if self.say and now - self.last >= self.every and self.count < self.total:
            self.last = now
            self.say(self.line(now))

    def line(self, now: float) -> str:
        rate = self.count / max(now - self.start, 1e-9)
        left = (self.total - self.count) / rate
        return f"read {self.count:,} of {self.total:,} files ({rate:,.0f} files/s, about {left:,.0f} s left)"

    def done(self) -> None:
        if self.say and self.last > self.start:  # said something before: say how it ended
            now = time.perf_counter()
            self.say(f"read {self.count:,} files in {now - self.start:,.0f} s ({self.count / (now - self.start):,.0f} files/s)")


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
    pool = start_pool(n, _worker_start, tasks_per_process=TASKS_PER_WORKER)
    try:
        for first in range(0, len(jobs), IN_FLIGHT * n):  # a bounded number of results waits to be read
            yield from pool.imap(_parse_one, jobs[first: first + IN_FLIGHT * n])
    finally:
        pool.terminate()  # idle workers at the end; a worker deep inside a slow parse on Ctrl-C
        pool.join()
