"""The held-out split: stable, by hash, at least one (two of six or more) and never all."""

import zlib

import pytest

from genapp.data.split import held_out_count, split_by_hash


@pytest.mark.parametrize("n, fraction, expected", [(0, 0.1, 0), (1, 0.1, 0), (2, 0.1, 1), (5, 0.1, 1), (6, 0.1, 2),
                                                   (10, 0.1, 2), (25, 0.1, 2), (40, 0.1, 4), (10, 0.0, 0), (3, 0.9, 2)])
def test_held_out_count(n, fraction, expected):
    assert held_out_count(n, fraction) == expected


def test_the_smallest_crc32_are_held_out_whatever_the_order():
    items = [f"name{i}" for i in range(30)]
    train, held = split_by_hash(items, 0.1)
    assert set(held) == set(sorted(items, key=lambda s: zlib.crc32(s.encode()))[:3]) and len(train) == 27
    assert [x for x in items if x in held] == held  # kept in the items' order
    train2, held2 = split_by_hash(list(reversed(items)), 0.1)
    assert set(held2) == set(held) and set(train2) == set(train)


def test_a_key_picks_what_is_hashed():
    pieces = [("a/x.mid", [1]), ("b/y.mid", [2]), ("c/z.mid", [3])]
    _, held = split_by_hash(pieces, 0.3, key=lambda p: p[0].split("/")[-1])
    assert held == [min(pieces, key=lambda p: zlib.crc32(p[0].split("/")[-1].encode()))]
