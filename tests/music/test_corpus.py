"""Folders, parallel parsing, the cache, and bad files among good ones."""

import time

import pytest
from midi_files import band

from genapp.errors import GenappError
from genapp.music import cache, corpus
from genapp.music.corpus import _parse_one, load_corpus


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GENAPP_CACHE_DIR", str(tmp_path / "cache"))


def test_bad_file_is_reported_and_skipped_good_ones_used(tmp_path):
    folder = tmp_path / "songs"
    (folder / "sub").mkdir(parents=True)
    band(folder / "a.mid")
    band(folder / "sub" / "b.midi")
    (folder / "bad.mid").write_bytes(b"nope")
    (folder / "notes.txt").write_text("ignored: not music")
    said = []
    result = load_corpus([str(folder)], workers=2, say=said.append)
    assert [p.name for p in result.pieces] == [str(folder / "a.mid"), str(folder / "sub" / "b.midi")]
    assert said == [f"skipped {folder / 'bad.mid'}: not a MIDI file (no MThd header)"]
    assert result.parsed == 3 and result.from_cache == 0


def test_cache_hit_and_invalidation(tmp_path, monkeypatch):
    path = band(tmp_path / "a.mid")
    first = load_corpus([str(path)])
    second = load_corpus([str(path)])
    assert (first.parsed, second.parsed, second.from_cache) == (1, 0, 1)
    assert second.pieces[0] == first.pieces[0]
    band(path, lead_name="Melody")  # new content, new key
    assert load_corpus([str(path)]).parsed == 1
    monkeypatch.setattr(cache, "PIPELINE_VERSION", cache.PIPELINE_VERSION + 1)
    assert load_corpus([str(path)]).parsed == 1
    assert load_corpus([str(path)], melody_track="piano").parsed == 1  # options are part of the key


def test_empty_folder_and_no_usable_piece(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(GenappError, match="no usable piece in .*empty.*folder has no music files"):
        load_corpus([str(tmp_path / "empty")])
    (tmp_path / "bad.mid").write_bytes(b"")
    with pytest.raises(GenappError, match="no usable piece in .*bad.mid: not a MIDI file"):
        load_corpus([str(tmp_path / "bad.mid")])


def test_a_slow_file_fails_in_bounded_time(monkeypatch):
    monkeypatch.setattr(corpus, "read_source", lambda *args: time.sleep(30))
    start = time.perf_counter()
    source, pieces, reason = _parse_one(("slow.mid", None, 1))
    assert pieces is None and reason == "took longer than 1 s to read (genapp's time limit for one file)"
    assert time.perf_counter() - start < 5


def test_music21_name_lists(tmp_path):
    lst = tmp_path / "bundled.music21.txt"
    lst.write_text("# pieces bundled with music21\nleadSheet/fosterBrownHair\n")
    result = load_corpus([str(tmp_path)])
    assert [p.name for p in result.pieces] == ["music21:leadSheet/fosterBrownHair"]
