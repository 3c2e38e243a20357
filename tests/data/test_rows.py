"""Rows on disk, memory-mapped (``genapp.data.rows``)."""

import os

import numpy as np
import pytest

from genapp.data.rows import RowWriter


def test_rows_come_back_as_written_and_leave_nothing_on_disk(tmp_path):
    writer = RowWriter(tmp_path, {"x": (np.float32, 3), "y": (np.int32, 2)})
    a = np.arange(12, dtype=np.float32).reshape(4, 3)
    writer.append("a", x=a, y=np.ones((4, 2)))
    writer.append("empty", x=np.zeros((0, 3)), y=np.zeros((0, 2)))
    writer.append("b", x=-a[:2], y=np.full((2, 2), 7))
    rows = writer.close()
    assert rows.spans == [("a", 0, 4), ("empty", 4, 0), ("b", 4, 2)] and rows.count == 6
    assert isinstance(rows.columns["x"], np.memmap) and rows.columns["x"].dtype == np.float32
    assert np.array_equal(rows.columns["x"][:4], a) and np.array_equal(rows.columns["x"][4:], -a[:2])
    assert rows.columns["y"][5].tolist() == [7, 7] and rows.columns["y"].dtype == np.int32
    assert list(tmp_path.iterdir()) == []  # the files are unlinked; the mapping still reads them


def test_columns_of_different_lengths_are_refused(tmp_path):
    writer = RowWriter(tmp_path, {"x": (np.float32, 1), "y": (np.int32, 1)})
    with pytest.raises(ValueError, match="of one length"):
        writer.append("a", x=np.zeros((3, 1)), y=np.zeros((2, 1)))
    with pytest.raises(ValueError, match="expected columns"):
        writer.append("a", x=np.zeros((3, 1)))


def test_no_rows_give_empty_columns(tmp_path):
    rows = RowWriter(tmp_path, {"x": (np.float32, 5)}).close()
    assert rows.columns["x"].shape == (0, 5) and rows.spans == []


def test_a_killed_writer_s_folder_is_removed_by_the_next_one(tmp_path):
    dead = tmp_path / "rows-999999999-abc"  # no such process
    dead.mkdir()
    (dead / "x.bin").write_bytes(b"\0" * 16)
    mine = tmp_path / f"rows-{os.getpid()}-def"  # a live process's (this one's): kept
    mine.mkdir()
    writer = RowWriter(tmp_path, {"x": (np.float32, 1)})
    assert not dead.exists() and mine.exists()
    writer.close()
