"""Read a music file into ``Piece`` objects: melody notes, chords, meter, tempo.

Which library reads what, and why:

- MIDI (``.mid``, ``.midi``; types 0, 1 and 2): **pretty_midi** (on mido).
  It reads a dense multi-track file in a fraction of a second where
  music21's MIDI reader takes seconds to tens of seconds
  (``benchmarks/pipeline.py`` measures both), and splits type-0 files into
  one instrument per channel and program, which is what melody detection needs.
- MusicXML (``.musicxml``, ``.mxl``, ``.xml``): genapp's own reader of
  notes, chord symbols, meter and tempo (``music.musicxml``), several times
  faster than music21 (``benchmarks/jazz_real.py``); a file it does not
  handle goes to music21.
- ABC (``.abc``): **music21**, which also keeps chord symbols.
- ``music21:NAME`` (e.g. ``music21:joplin/maple_leaf_rag``): a piece from the
  corpus bundled with music21, read the same way (no network).

Every failure of a reader becomes a ``PieceError`` naming the file and the
reason ("such errors are very common with large sets of MIDI files"); a
corpus loader reports it and goes on with the other files.
"""

from __future__ import annotations

import math
import re
import warnings
from pathlib import Path

import numpy as np

from genapp.errors import GenappError
from genapp.music import harmony
from genapp.music import timing
from genapp.music.melody import Track, choose_melody, skyline
from genapp.music import limits, musicxml
from genapp.music.piece import Note, Piece, PieceError
from genapp.music.theory import Chord, nearest_quality

MIDI_SUFFIXES = (".mid", ".midi")
MUSIC21_SUFFIXES = (".musicxml", ".mxl", ".xml", ".abc")
SUFFIXES = MIDI_SUFFIXES + MUSIC21_SUFFIXES
CORPUS_PREFIX = "music21:"
MAX_MEASURES = 4000  # more than any real tune; a file claiming more is corrupt
DEFAULT_TEMPO = 120.0


def read_source(source: str, melody_track: str | None = None, backing: bool = False) -> list[Piece]:
    """One source (file path or music21:NAME) -> its pieces (an ABC collection may hold several).

    ``backing`` keeps the other tracks' notes in ``Piece.backing`` (for rendering; training needs only the
    melody and chords, and the cache stays small without them).
    """
    if source.startswith(CORPUS_PREFIX):
        return _read_music21(source, melody_track, backing)
    path = Path(source)
    if not path.exists():
        raise PieceError(source, "no such file")
    if path.is_dir():
        raise PieceError(source, "is a folder; expected a music file")
    if not path.is_file():
        raise PieceError(source, "is not a regular file (a device or a pipe); expected a music file")
    suffix = path.suffix.lower()
    if suffix in MIDI_SUFFIXES:
        limits.check_midi(path)
        return [_read_midi(path, melody_track, backing)]
    if suffix in MUSIC21_SUFFIXES:
        if suffix == ".abc":
            limits.check_abc(path)
            return _read_music21(source, melody_track, backing)
        limits.check_xml(path)
        try:
            return [_read_musicxml(path, melody_track, backing)]
        except musicxml.Unsupported:
            return _read_music21(source, melody_track, backing)
    raise PieceError(source, f"unknown kind of file {suffix or '(no suffix)'!r}; accepted: {', '.join(SUFFIXES)}")


def assemble(name: str, tracks: list[Track], measure_length: float, time_signature: str, tempo: float,
             symbols: list[tuple[float, Chord]], melody_track: str | None, notes: list[str], backing: bool = False,
             performed: bool = False) -> Piece:
    """Tracks -> Piece: choose the melody, flatten it (a performed one legato: tiny gaps joined), find the harmony."""
    if not any(t.notes for t in tracks):
        raise PieceError(name, "has no notes")
    if all(t.is_drum for t in tracks if t.notes):
        raise PieceError(name, "has only drum notes; nothing to take a melody from")
    try:
        lead, reason = choose_melody(tracks, melody_track, measure_length)
    except GenappError as e:
        raise PieceError(name, str(e)) from None
    melody = skyline(lead.notes)
    if performed:
        melody = timing.fold_gaps(melody)
    end = max(n.end for t in tracks for n in t.notes)
    measures = max(1, math.ceil(end / measure_length - 1e-9))
    if measures > MAX_MEASURES:
        raise PieceError(name, f"lasts {measures:,} measures; genapp reads at most {MAX_MEASURES:,} (the file is probably corrupt)")
    held = harmony.note_bars([n for t in tracks for n in t.notes], measure_length)
    if held > limits.MAX_NOTE_BARS:
        raise PieceError(name, f"holds notes through {held:,} note-bars (thousands of notes held for many bars); "
                               f"genapp reads at most {limits.MAX_NOTE_BARS:,}")
    others = [n for t in tracks if t is not lead and not t.is_drum for n in t.notes]
    if symbols:
        chords, source = harmony.from_symbols(symbols, end), "symbols"
    elif others:
        beat = 4 / int(time_signature.split("/")[1])  # quarter notes per beat unit
        chords, source = harmony.from_notes(others, measure_length, measures, beat=beat), "accompaniment"
    else:
        chords, source = harmony.from_notes(melody, measure_length, measures, use_bass=False, beat=None), "inferred"
    return Piece(name, melody, chords, measure_length, time_signature, tempo, measures, lead.label(), reason,
                 source, notes, sorted(others, key=lambda n: (n.start, n.pitch)) if backing else [])


# ---- MIDI ------------------------------------------------------------------------------------


def _read_midi(path: Path, melody_track: str | None, backing: bool = False) -> Piece:
    """A MIDI file (already checked by ``limits.check_midi``) -> Piece, through pretty_midi."""
    import pretty_midi  # imported here: `genapp --help` need not load it

    name = str(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pm = pretty_midi.PrettyMIDI(str(path))
    except Exception as e:  # mido/pretty_midi raise many types on broken files
        raise PieceError(name, reader_failed(e, "the MIDI reader")) from None
    notes: list[str] = []
    with open(path, "rb") as f:
        midi_format = f.read(10)[8:10]  # the header's format field; the file itself was read by limits.check_midi
    if midi_format == b"\x00\x02":
        notes.append("type 2 file: its tracks were read as playing together")
    if pm.time_signature_changes:
        ts = pm.time_signature_changes[0]
        num, den = ts.numerator, ts.denominator
        if len({(t.numerator, t.denominator) for t in pm.time_signature_changes}) > 1:
            notes.append(f"time signature changes after the first ({num}/{den}) are ignored")
    else:
        num, den = 4, 4
        notes.append("no time signature: 4/4 assumed")
    if num < 1 or den < 1:
        raise PieceError(name, f"has a time signature of {num}/{den}, which no music has")
    times, tempi = pm.get_tempo_changes()
    tempo = float(tempi[0]) if len(tempi) else DEFAULT_TEMPO
    tracks = []
    for i, inst in enumerate(pm.instruments, start=1):
        label = inst.name.strip() or ("drums" if inst.is_drum else pretty_midi.program_to_instrument_name(inst.program))
        kept = [n for n in inst.notes if n.end > n.start]
        start = seconds_to_quarters(np.array([n.start for n in kept]), times, tempi, pm.resolution)  # (k,)
        end = seconds_to_quarters(np.array([n.end for n in kept]), times, tempi, pm.resolution)  # (k,)
        track_notes = [Note(float(s), float(e - s), n.pitch) for n, s, e in zip(kept, start, end)]
        tracks.append(Track(i, label, None if inst.is_drum else inst.program, inst.is_drum, track_notes))
    tracks = _on_grid(tracks, notes)
    symbols = _chord_texts(pm, times, tempi, notes)
    return assemble(name, tracks, num * 4 / den, f"{num}/{den}", tempo, symbols, melody_track, notes, backing,
                    performed=True)


def _on_grid(tracks: list[Track], notes: list[str]) -> list[Track]:
    """Every pitched track's notes on the piece's grid (``genapp.music.timing``), said in ``notes`` when anything moved."""
    pitched = [n for t in tracks if not t.is_drum for n in t.notes]
    if not pitched:
        return tracks
    grid = timing.choose_grid(np.array([n.start for n in pitched]))
    moved = [Track(t.index, t.name, t.program, t.is_drum, t.notes if t.is_drum else timing.quantise(t.notes, grid.step))
             for t in tracks]
    if any(a != b for t, q in zip(tracks, moved) for a, b in zip(t.notes, q.notes)):
        if grid.fits:
            notes.append(f"timing: put on {grid.name} ({grid.fit:.0%} of onsets were within 1/24 beat of it)")
        else:
            notes.append(f"timing fits no grid: only {grid.fit:.0%} of onsets are near {grid.name} (chance: "
                         f"{grid.chance:.0%}); read on it anyway (rubato or free time?)")
    return moved


CHORD_TEXT = "chord: "  # genapp.music.midi_out writes each chord symbol as a text event "chord: Dm7"


def _chord_texts(pm, times, tempi, notes: list[str]) -> list[tuple[float, Chord]]:
    """The chord symbols a MIDI file names in "chord: SYMBOL" text events (N.C. and unreadable ones skipped)."""
    from genapp.music.symbols import parse_symbol

    events = [e for e in pm.text_events if e.text.startswith(CHORD_TEXT)]
    starts = seconds_to_quarters(np.array([e.time for e in events]), times, tempi, pm.resolution)
    symbols = []
    for event, start in zip(events, starts):
        try:
            chord = parse_symbol(event.text[len(CHORD_TEXT):])
        except GenappError:
            notes.append(f"chord text {event.text[len(CHORD_TEXT):]!r} is not a chord symbol; skipped")
            continue
        if chord is not None:
            symbols.append((float(start), chord))
    return symbols


def seconds_to_quarters(seconds: np.ndarray, times: np.ndarray, tempi: np.ndarray, resolution: int) -> np.ndarray:
    """Times in seconds (n,) -> quarter notes from the start, on the file's tick grid.

    ``times`` and ``tempi`` are pretty_midi's tempo changes (seconds, quarter
    notes per minute); between changes the quarter count grows linearly.  One
    vectorised pass, where three ``time_to_tick`` calls per note took minutes
    on a million notes; rounding to whole ticks gives the ticks the file holds.
    """
    if len(seconds) == 0:
        return np.zeros(0)
    at_change = np.concatenate([[0.0], np.cumsum(np.diff(times) * tempi[:-1] / 60.0)])  # (c,) quarters at each change
    k = np.clip(np.searchsorted(times, seconds, side="right") - 1, 0, len(times) - 1)  # (n,) the change in force
    quarters = at_change[k] + (seconds - times[k]) * tempi[k] / 60.0
    return np.round(quarters * resolution) / resolution


# ---- MusicXML, ABC, music21 corpus ---------------------------------------------------------


def _read_musicxml(path: Path, melody_track: str | None, backing: bool = False) -> Piece:
    """A MusicXML file (already checked by ``limits.check_xml``) -> Piece, through ``music.musicxml``'s fast path.

    ``musicxml.Unsupported`` when the file needs music21 (the caller falls back to it).
    """
    tracks, measure_length, signature, tempo, symbols, notes = musicxml.read_score(path)
    return assemble(str(path), tracks, measure_length, signature, tempo or DEFAULT_TEMPO, symbols, melody_track,
                    notes, backing)


def _read_music21(source: str, melody_track: str | None, backing: bool = False) -> list[Piece]:
    from music21 import converter, corpus, stream

    try:
        if source.startswith(CORPUS_PREFIX):
            work = source[len(CORPUS_PREFIX):]
            if not bundled_path(work):
                raise PieceError(source, "no such piece in music21's bundled corpus")
            parsed = corpus.parse(work)
        else:
            parsed = converter.parse(source)
    except PieceError:
        raise
    except Exception as e:  # music21 raises many types on unreadable files
        raise PieceError(source, reader_failed(e, "music21")) from None
    scores = list(parsed.scores) if isinstance(parsed, stream.Opus) else [parsed]
    if not scores:
        raise PieceError(source, "holds no score")
    pieces, errors = [], []
    for k, score in enumerate(scores, start=1):
        name = source if len(scores) == 1 else f"{source}#{k}"
        try:
            pieces.append(_score_to_piece(name, score, melody_track, backing))
        except PieceError as e:
            errors.append(e)
    if not pieces:
        raise errors[0]
    return pieces


def bundled_path(work: str) -> Path | None:
    """The file of a piece bundled with music21, or None."""
    from music21 import corpus

    try:
        found = corpus.getWork(work)
    except Exception:  # music21 raises when nothing matches
        return None
    found = found[0] if isinstance(found, list) and found else found
    return Path(found) if found else None


def _score_to_piece(name: str, score, melody_track: str | None, backing: bool = False) -> Piece:
    from music21 import chord as m21chord
    from music21 import harmony as m21harmony
    from music21 import meter, note, tempo

    notes: list[str] = []
    ts = score.recurse().getElementsByClass(meter.TimeSignature).first()
    if ts is None:
        measure_length, signature = 4.0, "4/4"
        notes.append("no time signature: 4/4 assumed")
    else:
        measure_length, signature = float(ts.barDuration.quarterLength), ts.ratioString
    mm = score.recurse().getElementsByClass(tempo.MetronomeMark).first()
    bpm = float(mm.getQuarterBPM()) if mm is not None and mm.number else DEFAULT_TEMPO
    parts = list(score.parts) or [score]
    shift = _pickup(parts[0], measure_length)
    if shift:
        notes.append(f"pickup of {shift:g} quarter notes: bar lines aligned")
    tracks = []
    for i, part in enumerate(parts, start=1):
        flat = part.flatten().stripTies()
        track_notes = []
        for el in flat.notes:
            if isinstance(el, m21harmony.ChordSymbol) or el.duration.quarterLength <= 0:
                continue
            if isinstance(el, note.Note):
                pitch = el.pitch.midi
            elif isinstance(el, m21chord.Chord) and el.pitches:
                pitch = max(p.midi for p in el.pitches)
            else:
                continue
            track_notes.append(Note(float(el.offset) + shift, float(el.duration.quarterLength), int(pitch)))
        label = (part.partName or "").strip() if hasattr(part, "partName") else ""
        tracks.append(Track(i, label, None, False, track_notes))
    symbols = []
    for cs in score.flatten().getElementsByClass(m21harmony.ChordSymbol):
        if isinstance(cs, m21harmony.NoChord) or not cs.pitches:
            continue
        symbols.append((float(cs.offset) + shift, _chord_of(cs)))
    return assemble(name, tracks, measure_length, signature, bpm, symbols, melody_track, notes, backing)


def _chord_of(cs) -> Chord:
    """A music21 chord symbol as genapp reads it: its text through genapp's parser, else its pitches."""
    from genapp.music.symbols import parse_symbol

    try:
        chord = parse_symbol(re.sub(r"([A-G])-", r"\1b", cs.figure))  # music21 writes flats as -: D/E- is D/Eb
        if chord is not None:
            return chord
    except (GenappError, AttributeError, TypeError):
        pass
    root = cs.root().pitchClass
    return Chord(root, nearest_quality(root, {p.pitchClass for p in cs.pitches}))


def _pickup(part, measure_length: float) -> float:
    """Quarter notes missing from an incomplete first measure (anacrusis), else 0."""
    from music21 import stream

    first = part.getElementsByClass(stream.Measure).first() if hasattr(part, "getElementsByClass") else None
    if first is None:
        return 0.0
    pad = float(first.paddingLeft or 0)
    return pad if 0 < pad < measure_length else 0.0


def reader_failed(e: BaseException, reader: str) -> str:
    """Why a reader failed, in words: the reader's own message when it gives one, never a Python internal."""
    if isinstance(e, RecursionError):
        return "is nested too deeply to read"
    if isinstance(e, MemoryError):
        return "needs more memory to read than genapp allows"
    if isinstance(e, EOFError):
        return "truncated: the data stops in the middle of an event"
    text = str(e).strip()
    own = type(e).__module__.split(".")[0] in ("music21", "mido", "pretty_midi")
    if own and text:
        return f"{reader} cannot read it: {text.splitlines()[0][:200]}"
    return f"{reader} cannot make sense of its data (the file is probably corrupt)"
