"""A fast reader of the MusicXML genapp trains on: notes, chord symbols, meter and tempo, without music21.

music21 builds a full score object (about 1 s per solo of the Weimar Jazz
Database); training needs only the notes of each part, the ``<harmony>``
chord symbols, the first time signature and the tempo.  This reader walks
the ``score-partwise`` tree once (``benchmarks/jazz_real.py`` measures it
beside music21 on the Weimar solos) and hands the same tracks and symbols to ``reading.assemble`` as the music21
path does.

What it reads, per part: ``<note>`` (pitch or rest, ``<duration>`` in
``<divisions>`` per quarter, ``<chord/>`` sounding with the previous note,
``<tie>`` joining notes, grace notes skipped), ``<backup>`` and ``<forward>``
(several voices), ``<harmony>`` (root, kind, degrees, bass, ``<offset>``).
A file with anything it does not handle (``score-timewise``, a time
signature change, a kind it has no reading of) raises ``Unsupported`` and is
read by music21 instead; ``tests/music/test_musicxml.py`` checks that both
readers give the same piece.

The file was already checked by ``limits.check_xml`` (size, unpacked size,
no entity declarations, depth, element count), and the parser is expat
through ElementTree, which never fetches external entities.
"""

from __future__ import annotations

import zipfile
import zlib
from fractions import Fraction
from pathlib import Path
from xml.etree import ElementTree as ET

from genapp.music.melody import Track
from genapp.music.piece import Note, PieceError
from genapp.music.theory import TENSION_NAMES, Chord

_STEP = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
MAX_DIVISIONS = 1_000_000  # per quarter note; MusicXML writers use up to about 10^4

# MusicXML <kind> -> (genapp quality, tensions in semitones above the root)
KINDS: dict[str, tuple[str, tuple[int, ...]]] = {
    "major": ("", ()), "minor": ("m", ()), "augmented": ("aug", ()), "diminished": ("dim", ()),
    "dominant": ("7", ()), "major-seventh": ("maj7", ()), "minor-seventh": ("m7", ()),
    "diminished-seventh": ("dim7", ()), "augmented-seventh": ("aug7", ()), "half-diminished": ("m7b5", ()),
    "major-minor": ("mM7", ()), "major-sixth": ("6", ()), "minor-sixth": ("m6", ()),
    "dominant-ninth": ("7", (2,)), "major-ninth": ("maj7", (2,)), "minor-ninth": ("m7", (2,)),
    "dominant-11th": ("7", (2, 5)), "major-11th": ("maj7", (2, 5)), "minor-11th": ("m7", (2, 5)),
    "dominant-13th": ("7", (2, 9)), "major-13th": ("maj7", (2, 9)), "minor-13th": ("m7", (2, 9)),
    "suspended-second": ("sus2", ()), "suspended-fourth": ("sus4", ()), "power": ("", ()),
}
NO_CHORD_KINDS = ("none",)
# a <degree>'s value and alter -> the tension it adds (semitones above the root), for those a chord symbol can hold
_DEGREE = {(9, -1): 1, (9, 0): 2, (9, 1): 3, (11, 0): 5, (11, 1): 6, (13, -1): 8, (13, 0): 9, (5, -1): 6}


_RAISED_FIFTH = {"": "aug", "7": "aug7", "maj7": "maj7#5", "aug": "aug", "aug7": "aug7", "maj7#5": "maj7#5"}


class Unsupported(Exception):
    """Something this reader does not handle: the caller reads the file with music21 instead."""


def read_root(path: Path) -> ET.Element:
    """The score element of a .xml/.musicxml file or a .mxl container (its rootfile, else its one score)."""
    name = str(path)
    try:
        if path.suffix.lower() == ".mxl":
            with zipfile.ZipFile(path) as z:
                data = z.read(_rootfile(z, name))
        else:
            data = path.read_bytes()
        return ET.fromstring(data)
    except ET.ParseError as e:
        raise PieceError(name, f"is not well-formed XML ({e})") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, RuntimeError, NotImplementedError, ValueError):
        raise PieceError(name, "not a compressed MusicXML file (not a readable zip archive)") from None


def _rootfile(z: zipfile.ZipFile, name: str) -> str:
    names = z.namelist()
    if "META-INF/container.xml" in names:
        try:
            container = ET.fromstring(z.read("META-INF/container.xml"))
        except ET.ParseError:  # e.g. an unescaped & in the file name it gives: look for the one score instead
            container = ET.Element("container")
        for el in container.iter():
            path = el.get("full-path")
            # only a score file that limits.check_xml scanned (it scans every .xml and .musicxml member)
            if el.tag.rsplit("}", 1)[-1] == "rootfile" and path in names and path.lower().endswith((".xml", ".musicxml")):
                return path
    scores = [n for n in names if n.lower().endswith((".xml", ".musicxml")) and not n.startswith("META-INF/")]
    if len(scores) != 1:
        raise PieceError(name, f"holds {len(scores)} score files and no container naming one; expected one")
    return scores[0]


def _int(el: ET.Element | None, tag: str, default: int | None = None) -> int | None:
    text = el.findtext(tag) if el is not None else None
    if text is None:
        return default
    try:
        return int(float(text.strip()))
    except ValueError:
        raise Unsupported(f"<{tag}> {text[:20]!r} is not a number") from None


def _pitch_class(step: str | None, alter) -> int:
    if step is None or step.strip() not in _STEP:
        raise Unsupported(f"pitch step {step!r}")
    try:
        shift = round(float(alter)) if alter is not None else 0
    except ValueError:
        raise Unsupported(f"alter {alter!r}") from None
    return (_STEP[step.strip()] + shift) % 12


def harmony_chord(el: ET.Element) -> Chord | None:
    """A <harmony> element -> Chord, or None for no chord (kind "none"); Unsupported for a kind genapp has no reading of."""
    kind = (el.findtext("kind") or "").strip()
    if kind in NO_CHORD_KINDS:
        return None
    if kind not in KINDS:
        raise Unsupported(f"chord kind {kind!r}")
    root_el = el.find("root")
    if root_el is None:
        raise Unsupported("a harmony without a root")
    if abs(_int(root_el, "root-alter", 0)) > 1:
        raise Unsupported("a double sharp or flat root")
    root = _pitch_class(root_el.findtext("root-step"), root_el.findtext("root-alter"))
    quality, tensions = KINDS[kind]
    tensions = set(tensions)
    for degree in el.findall("degree"):
        value, alter = _int(degree, "degree-value"), _int(degree, "degree-alter", 0)
        kind_of = (degree.findtext("degree-type") or "add").strip()
        if kind_of == "subtract":
            continue
        if value == 5 and alter == 1:  # a raised fifth makes the chord augmented
            if quality not in _RAISED_FIFTH:
                raise Unsupported(f"a raised fifth on {kind}")
            quality = _RAISED_FIFTH[quality]
        elif value == 5 and alter == -1 and quality == "m7":
            quality = "m7b5"
        elif (value, alter) in _DEGREE:
            tensions.add(_DEGREE[(value, alter)])
        else:  # a 7th added to a triad, and anything else: music21 reads it
            raise Unsupported(f"chord degree {value} altered {alter}")
    bass_el = el.find("bass")
    bass = _pitch_class(bass_el.findtext("bass-step"), bass_el.findtext("bass-alter")) if bass_el is not None else None
    spelling = root_el.findtext("root-step").strip() + {1: "#", -1: "b"}.get(_int(root_el, "root-alter", 0), "")
    return Chord(root, quality, tuple(sorted(t for t in tensions if t in TENSION_NAMES)), bass, spelling)


def _tempo(el: ET.Element) -> float | None:
    """Quarter notes per minute from a <direction> (its <sound tempo>, else a quarter-note <metronome>) or <sound>."""
    sound = el if el.tag == "sound" else el.find("sound")
    text = sound.get("tempo") if sound is not None else None
    if text is None:
        metronome = el.find("direction-type/metronome")
        if metronome is not None and (metronome.findtext("beat-unit") or "").strip() == "quarter" and \
                metronome.find("beat-unit-dot") is None:
            text = metronome.findtext("per-minute")
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def _bar(signature: str) -> Fraction:
    """Quarter notes in a bar of "beats/beat-type"."""
    beats, beat_type = (int(x) for x in signature.split("/"))
    return Fraction(4 * beats, beat_type)


def read_score(path: Path) -> tuple[list[Track], float, str, float | None, list[tuple[float, Chord]], list[str]]:
    """A MusicXML file -> (tracks, measure length, time signature, tempo or None, chord symbols, notes).

    Times are in quarter notes from the first full bar (a pickup bar's notes
    come before it, as the music21 path aligns them).  Unsupported: read it
    with music21.
    """
    root = read_root(path)
    if root.tag != "score-partwise":
        raise Unsupported(f"<{root.tag}> (only score-partwise is read here)")
    names = {p.get("id"): (p.findtext("part-name") or "").strip() for p in root.iter("score-part")}
    signature, tempo, notes = None, None, []
    tracks, symbols = [], []
    pickup = None
    for index, part in enumerate(root.findall("part"), start=1):
        divisions, t, ties = None, Fraction(0), {}
        track_notes: list[list] = []  # [start, duration, pitch] in Fractions, ties extended in place
        for m_index, measure in enumerate(part.findall("measure")):
            start, furthest = t, t
            previous_onset = t
            for el in measure:
                tag = el.tag
                if tag == "attributes":
                    if el.find("divisions") is not None:
                        divisions = _int(el, "divisions")
                        if not 0 < divisions <= MAX_DIVISIONS:
                            raise PieceError(str(path), f"has {divisions} divisions per quarter note; "
                                                        f"MusicXML files have 1 to {MAX_DIVISIONS:,}")
                    for time in el.findall("time"):
                        beats, beat_type = time.findtext("beats"), time.findtext("beat-type")
                        if beats is None or beat_type is None or not beats.strip().isdigit() or \
                                not beat_type.strip().isdigit() or int(beats) < 1 or int(beat_type) < 1:
                            raise Unsupported(f"time signature {beats}/{beat_type}")
                        this = f"{int(beats)}/{int(beat_type)}"
                        if signature is not None and this != signature:
                            raise Unsupported("a time signature change")
                        signature = this
                elif tag == "note":
                    if divisions is None:
                        raise Unsupported("a note before <divisions>")
                    if el.find("grace") is not None or el.find("cue") is not None:
                        continue
                    duration = Fraction(_int(el, "duration", 0), divisions)
                    if duration < 0:
                        raise Unsupported("a negative duration")
                    onset = previous_onset if el.find("chord") is not None else t
                    pitch_el = el.find("pitch")
                    if pitch_el is not None and duration > 0:
                        octave = _int(pitch_el, "octave")
                        if octave is None or not -1 <= octave <= 9:
                            raise Unsupported(f"octave {octave}")
                        pitch = 12 * (octave + 1) + _pitch_class(pitch_el.findtext("step"), pitch_el.findtext("alter"))
                        if not 0 <= pitch <= 127:
                            raise Unsupported(f"pitch {pitch}")
                        tie_types = {tie.get("type") for tie in el.findall("tie")}
                        held = ties.get(pitch)
                        if "stop" in tie_types and held is not None and held[0] + held[1] == onset:
                            held[1] += duration
                        else:
                            held = [onset, duration, pitch]
                            track_notes.append(held)
                        if "start" in tie_types:
                            ties[pitch] = held
                        else:
                            ties.pop(pitch, None)
                    previous_onset = onset
                    if el.find("chord") is None:
                        t += duration
                elif tag == "backup":
                    t -= Fraction(_int(el, "duration", 0), divisions or 1)
                    if t < start:
                        raise Unsupported("a backup past the start of its measure")
                elif tag == "forward":
                    t += Fraction(_int(el, "duration", 0), divisions or 1)
                elif tag == "harmony":
                    chord = harmony_chord(el)
                    offset = Fraction(_int(el, "offset", 0), divisions or 1)
                    if chord is not None:
                        symbols.append((t + offset, chord))
                elif tag in ("direction", "sound") and tempo is None:
                    tempo = _tempo(el)
                furthest = max(furthest, t)
            if m_index == 0 and index == 1:
                pickup = furthest - start
            t = max(t, furthest)
            if t == start and signature is not None:  # an empty measure lasts a bar (as music21 reads it)
                t = start + _bar(signature)
        label = names.get(part.get("id"), "")
        tracks.append((index, label, track_notes))
    if signature is None:
        signature = "4/4"
        notes.append("no time signature: 4/4 assumed")
    bar = _bar(signature)
    shift = bar - pickup if pickup is not None and 0 < pickup < bar else 0
    if shift:
        notes.append(f"pickup of {float(shift):g} quarter notes: bar lines aligned")
    out = [Track(i, label, None, False, [Note(float(s + shift), float(d), p) for s, d, p in sorted(ns)])
           for i, label, ns in tracks]
    chords = [(float(s + shift), c) for s, c in symbols]
    if len(tracks) > 1:  # a symbol written in two parts counts once
        chords = sorted(set(chords), key=lambda x: x[0])
    if tempo is not None and not 0 < tempo < 10_000:
        tempo = None
    return out, float(bar), signature, tempo, chords, notes
