"""Helpers shared by the benchmark scripts: machine facts, timing, tables, RESULTS.md."""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "RESULTS.md"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def wall(cmd: list[str], env: dict | None = None, repeat: int = 5) -> float:
    """Median wall time in seconds of a fresh process running ``cmd``."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, env={**os.environ, **(env or {})}, cwd=REPO,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB.

    Not ``ru_maxrss``: Linux carries a parent's peak into a child across
    ``exec``, so a child started by a large benchmark process would report
    the parent's figure.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def run_child(args: list[str], env: dict | None = None) -> dict:
    """Run ``python <args>`` and parse the JSON object it prints last."""
    out = subprocess.run([sys.executable, *args], check=True, capture_output=True, text=True,
                         env={**os.environ, **(env or {})}, cwd=REPO)
    return json.loads(out.stdout.strip().splitlines()[-1])


def table(header: list[str], rows: list[list]) -> str:
    fmt = lambda v: f"{v:.3f}" if isinstance(v, float) else str(v)  # noqa: E731
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def record(name: str, title: str, body: str) -> None:
    """Print the section and replace its copy in RESULTS.md (between markers)."""
    stamp = f"Measured {_dt.date.today().isoformat()} on {machine()}; `python benchmarks/{name}.py`."
    section = f"<!-- {name}:start -->\n## {title}\n\n{stamp}\n\n{body.strip()}\n<!-- {name}:end -->"
    print(section)
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"<!-- {name}:start -->.*?<!-- {name}:end -->", re.S)
    text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
    RESULTS.write_text(text, encoding="utf-8")


def jazz_split(fraction: float) -> tuple[list[str], list[str], str]:
    """(training sources, held-out sources, the held-out names) of the shipped jazz corpus, split by piece as genapp does."""
    from genapp import paths
    from genapp.data.split import split_by_hash
    from genapp.music.corpus import expand
    from genapp.music.dataset import _base

    sources, _ = expand([str(paths.corpora_dir() / "jazz")])
    train, held = split_by_hash(sources, fraction, key=_base)
    return train, held, ", ".join(_base(h) for h in held)


def jazz_folds(size: int = 2, folds: int | None = None) -> list[tuple[list[str], list[str], str]]:
    """Cross-validation folds of the shipped jazz corpus: pieces in CRC-32 order, ``size`` held out per fold.

    Each fold is (training sources, held-out sources, the held-out names); a
    piece is held out in at most one fold.
    """
    import zlib

    from genapp import paths
    from genapp.music.corpus import expand
    from genapp.music.dataset import _base

    sources, _ = expand([str(paths.corpora_dir() / "jazz")])
    ranked = sorted(sources, key=lambda s: (zlib.crc32(_base(s).encode("utf-8")), _base(s)))
    out = []
    for k in range(min(folds or len(ranked) // size, len(ranked) // size)):
        held = ranked[k * size : (k + 1) * size]
        out.append(([s for s in sources if s not in held], held, ", ".join(_base(h) for h in held)))
    return out


def city_names() -> list[str]:
    """A second names list any Python has at hand: the cities of the IANA time zone database (``zoneinfo``).

    The last part of each zone name (``America/Argentina/Buenos_Aires`` ->
    ``Buenos Aires``), leaving out the Etc/ and legacy country aliases and
    all-capital abbreviations; distinct, sorted.
    """
    import zoneinfo

    legacy = ("Etc/", "SystemV/", "US/", "Canada/", "Brazil/", "Chile/", "Mexico/")
    zones = [z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith(legacy)]
    return sorted({z.rsplit("/", 1)[1].replace("_", " ") for z in zones} - {n for n in (z.rsplit("/", 1)[1] for z in zones) if n.isupper()})


def stdlib_docstrings(limit: int = 500_000) -> str:
    """A second text any Python has at hand: the docstrings of the standard library's own modules, via ``ast``.

    Modules, classes and functions of every ``.py`` file under the standard
    library (tests, demos, idlelib, lib2to3 and site-packages left out), files
    in path order, read as source (nothing is imported), joined by blank lines;
    the first ``limit`` characters (cut at a docstring's end), about the size
    of the shipped corpus.
    """
    import ast
    import sysconfig

    root = Path(sysconfig.get_paths()["stdlib"])
    skip = {"site-packages", "test", "idlelib", "lib2to3", "turtledemo"}
    docs, size = [], 0
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if parts[0] in skip or "tests" in parts:
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                doc = ast.get_docstring(node)
                if doc:
                    docs.append(doc)
                    size += len(doc) + 2
                    if size >= limit:
                        return "\n\n".join(docs)
    return "\n\n".join(docs)
