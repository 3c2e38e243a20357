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


# ---- a corpus of 2,000 files ---------------------------------------------------------------------

MANY = 2000
READ_ALL = """
import sys
from genapp.music.corpus import read_pieces
if __name__ == "__main__":
    for _ in read_pieces([sys.argv[1]], workers=2):
        pass
"""


@pytest.fixture(scope="module")
def many_files(tmp_path_factory):
    from midi_files import many

    folder = tmp_path_factory.mktemp("many")
    many(folder, MANY)
    return folder, tmp_path_factory.mktemp("many_cache")


def test_a_read_killed_half_way_resumes_from_what_it_had_read(many_files, monkeypatch):
    import os
    import signal
    import subprocess
    import sys

    folder, cache_folder = many_files
    monkeypatch.setenv("GENAPP_CACHE_DIR", str(cache_folder))
    reader = subprocess.Popen([sys.executable, "-c", READ_ALL, str(folder)], start_new_session=True,
                              env={**os.environ, "GENAPP_CACHE_DIR": str(cache_folder)})
    deadline = time.monotonic() + 300
    while len(list(cache_folder.glob("*.json"))) < MANY // 2 and time.monotonic() < deadline:
        assert reader.poll() is None, "the reader ended before it was killed"
        time.sleep(0.2)
    os.killpg(reader.pid, signal.SIGKILL)  # the reader and its workers, with no chance to clean up
    reader.wait()
    cached = len(list(cache_folder.glob("*.json")))
    assert MANY // 2 <= cached < MANY
    report = corpus.Corpus()
    names = [source for source, _ in corpus.read_pieces([str(folder)], report=report)]
    assert len(names) == MANY and names == sorted(names)
    assert report.from_cache >= cached - 2 and report.from_cache + report.parsed == MANY  # a file or two half-written
    assert not report.skipped


def test_reading_more_files_takes_no_more_memory(many_files, monkeypatch):
    import tracemalloc

    folder, cache_folder = many_files
    monkeypatch.setenv("GENAPP_CACHE_DIR", str(cache_folder))
    files = sorted(str(p) for p in folder.iterdir())

    def peak(n: int, read) -> int:
        tracemalloc.start()
        try:
            read(files[:n])
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    def stream(sources):
        for _ in corpus.read_pieces(sources, workers=2):
            pass

    # the least of 3 reads: another thread's passing allocation (a backend's) must not count as the reader's
    streamed = {n: min(peak(n, stream) for _ in range(3)) for n in (500, 1000, MANY)}
    kept = {n: peak(n, lambda s: load_corpus(s, workers=2)) for n in (500, MANY)}
    per_file = {n: (streamed[n] - streamed[500]) / (n - 500) for n in (1000, MANY)}
    assert max(per_file.values()) < 1000, per_file  # bytes per file: its path in the file lists, not its music
    kept_per_file = (kept[MANY] - kept[500]) / (MANY - 500)
    assert kept_per_file > 3000, (kept, streamed, per_file)  # holding these small pieces: the test can tell


def test_progress_tells_files_per_second_and_the_time_left():
    said = []
    progress = corpus.Progress(4, said.append, every=0)
    for _ in range(4):
        progress.step()
    progress.done()
    assert len(said) == 4  # after files 1-3 (not after the last), then how it ended
    assert said[0].startswith("read 1 of 4 files (") and "files/s, about" in said[0] and said[0].endswith("s left)")
    assert said[-1].startswith("read 4 files in ")
    quiet = []
    corpus.Progress(4, quiet.append).done()  # a fast read says nothing
    assert quiet == []


def test_a_cache_write_does_not_scan_the_cache_and_a_read_cleans_dead_writers_leftovers(tmp_path, monkeypatch):
    import os

    from genapp import atomic

    folder = tmp_path / "cache"
    folder.mkdir()
    dead = folder / ".abc.json.genapp-999999999-x1.tmp"  # a writer killed mid-write (no such process)
    dead.write_text("half")
    live = folder / f".abc.json.genapp-{os.getpid()}-x2.tmp"  # this process's: kept
    live.write_text("half")
    scans = []
    real = atomic._clean
    monkeypatch.setattr(atomic, "_clean", lambda *a: scans.append(a) or real(*a))
    cache.save("k" * 32, [])
    assert scans == [] and dead.exists()  # a save does not list the folder (100,000 entries would cost 100,000 each)
    band(tmp_path / "a.mid")
    load_corpus([str(tmp_path / "a.mid")])
    assert len(scans) == 1 and not dead.exists() and live.exists()  # one scan per read


def test_two_files_with_the_same_bytes_are_each_named_as_read(tmp_path):
    import shutil

    from genapp.music.corpus import load_corpus

    first = tmp_path / "a" / "tune.abc"
    first.parent.mkdir()
    first.write_text('X:1\nT:t\nM:4/4\nL:1/4\nK:C\n"C"CDEF|"G7"GABc|\n', encoding="utf-8")
    assert [p.name for p in load_corpus([str(first)]).pieces] == [str(first)]
    second = tmp_path / "b" / "other.abc"
    second.parent.mkdir()
    shutil.copy(first, second)
    again = load_corpus([str(second)])
    assert again.from_cache == 1 and [p.name for p in again.pieces] == [str(second)]
