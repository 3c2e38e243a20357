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


def old_rule(items, fraction, key=str):
    """The split before grouping: the held_out_count items with the smallest (CRC-32, key), one by one."""
    ranked = sorted(items, key=lambda x: (zlib.crc32(key(x).encode("utf-8")), key(x)))
    held = ranked[:held_out_count(len(items), fraction)]
    return [x for x in items if x not in held], [x for x in items if x in held]


def test_items_sharing_a_key_stay_on_one_side():
    takes = [(tune, take) for tune, count in [("stardust", 3), ("body", 4), ("night", 2), ("wow", 2), ("lady", 1)]
             for take in range(count)] + [(f"solo{i}", 0) for i in range(30)]
    for fraction in (0.1, 0.2, 0.3, 0.5):
        train, held = split_by_hash(takes, fraction, key=lambda x: x[0])
        assert {t for t, _ in train}.isdisjoint({t for t, _ in held})
        assert sorted(train + held) == sorted(takes) and len(held) >= held_out_count(len(takes), fraction)


def test_a_tune_is_held_out_whole_where_the_count_would_cut_it():
    items = [("stardust", take) for take in range(3)] + [(f"tune{i}", 0) for i in range(30)]
    ranked = sorted({t for t, _ in items}, key=lambda t: (zlib.crc32(t.encode()), t))
    before = ranked.index("stardust")  # single takes ranked before it
    assert before >= 1
    fraction = (before + 1) / len(items)  # one item more than those: the old rule took one take of three
    assert held_out_count(len(items), fraction) == before + 1
    _, held = split_by_hash(items, fraction, key=lambda x: x[0])
    assert [t for t, _ in held].count("stardust") == 3 and len(held) == before + 3


@pytest.mark.parametrize("n, fraction", [(2, 0.1), (7, 0.1), (30, 0.1), (410, 0.1), (50, 0.3), (9, 0.9)])
def test_distinct_keys_split_as_before_grouping(n, fraction):
    items = [f"piece{i}.mid" for i in range(n)]
    assert split_by_hash(items, fraction) == old_rule(items, fraction)


def test_a_crc32_tie_is_broken_by_the_key():
    a, b = "plumless", "buckeroo"  # a known CRC-32 collision
    assert zlib.crc32(a.encode()) == zlib.crc32(b.encode())
    assert split_by_hash([a, b], 0.1) == ([a], [b]) and split_by_hash([b, a], 0.1) == ([a], [b])
    items = [a, b] + [f"x{i}" for i in range(8)]
    assert split_by_hash(items, 0.1) == old_rule(items, 0.1)


@pytest.mark.parametrize("sizes", [[3], [1, 4], [5, 1], [2, 2], [1, 1, 8], [9, 1, 1]])
def test_grouping_never_holds_out_everything(sizes):
    items = [(k, i) for k, size in enumerate(sizes) for i in range(size)]
    for fraction in (0.1, 0.5, 0.9, 0.99):
        train, held = split_by_hash(items, fraction, key=lambda x: f"tune{x[0]}")
        assert train and sorted(train + held) == items
        assert held or len(sizes) == 1  # with two keys or more, at least one is held out
