"""Training rows larger than memory: appended to files one piece at a time, read back memory-mapped.

    writer = RowWriter(folder, {"features": (np.float32, 205), "targets": (np.int32, 2)})
    writer.append("a.mid", features=f, targets=t)     # f: (L, 205), t: (L, 2); any number of pieces
    rows = writer.close()                             # rows.columns["features"]: (N, 205), on disk
    rows.spans                                        # [("a.mid", first row, L), ...]

Only the spans stay in memory; the columns are ``np.memmap`` views of files
that ``close`` unlinks at once (the mapping keeps them readable, and nothing
is left on disk when the process ends, however it ends).  A writer killed
before ``close`` leaves its folder, named after its process; the next writer
in the same parent folder removes such folders of processes that are gone.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PREFIX = "rows-"


@dataclass
class Rows:
    columns: dict[str, np.ndarray]  # name -> (N, width), memory-mapped
    spans: list[tuple[str, int, int]]  # (name, first row, rows) per piece, in order appended

    @property
    def count(self) -> int:
        return sum(n for _, _, n in self.spans)


class RowWriter:
    """Appends pieces' rows to one file per column in a fresh folder under ``parent``."""

    def __init__(self, parent: Path, columns: dict[str, tuple[type, int]]):
        parent = Path(parent)
        parent.mkdir(parents=True, exist_ok=True)
        _remove_orphans(parent)
        self.folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=parent))
        self.columns = {name: (np.dtype(dtype), width) for name, (dtype, width) in columns.items()}
        self.files = {name: open(self.folder / f"{name}.bin", "wb") for name in columns}  # noqa: SIM115
        self.spans: list[tuple[str, int, int]] = []
        self.rows = 0

    def append(self, name: str, **arrays: np.ndarray) -> None:
        """One piece's rows: every column, each (L, width), the same L."""
        lengths = {len(a) for a in arrays.values()}
        if set(arrays) != set(self.columns) or len(lengths) != 1:
            raise ValueError(f"expected columns {sorted(self.columns)} of one length, got "
                             f"{ {k: np.shape(v) for k, v in arrays.items()} }")
        for column, array in arrays.items():
            dtype, width = self.columns[column]
            self.files[column].write(np.ascontiguousarray(array, dtype=dtype).reshape(-1, width).tobytes())
        length = lengths.pop()
        self.spans.append((name, self.rows, length))
        self.rows += length

    def close(self) -> Rows:
        """The rows written, memory-mapped; the folder is removed."""
        columns = {}
        try:
            for column, f in self.files.items():
                f.close()
                dtype, width = self.columns[column]
                path = self.folder / f"{column}.bin"
                columns[column] = (np.memmap(path, dtype=dtype, mode="r", shape=(self.rows, width)) if self.rows
                                   else np.zeros((0, width), dtype))
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
        return Rows(columns, self.spans)


def _remove_orphans(parent: Path) -> None:
    """Remove folders that writers of processes no longer running left behind."""
    for folder in parent.glob(f"{PREFIX}*-*"):
        pid = folder.name[len(PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
