"""Cheap checks of a music file before the expensive parse, so hostile files are refused in bounded time and memory.

Every limit is far beyond real music and far below trouble; a file over one
is refused with a ``PieceError`` whose reason names the limit, in words:

- any file: at most ``MAX_BYTES`` for its kind (MIDI 4 MB, ABC 1 MB,
  MusicXML 32 MB; a compressed .mxl at most 64 MB unpacked);
- MIDI (``check_midi``): one pass over the chunks and events, no objects
  made: a header, a known time division, at most ``MAX_TRACKS`` tracks,
  ``MAX_NOTES`` notes, ``MAX_TICKS`` ticks and ``MAX_QUARTERS`` quarter notes
  of music, no tempo of zero, every chunk and event complete;
- ABC (``check_abc``): at most ``MAX_TUNES`` tunes, note lengths of at most
  ``MAX_ABC_LENGTH`` units, sane meter and unit-length fields (music21 would
  otherwise build one enormous measure from ``c99999999``);
- MusicXML (``check_xml``): no entity declarations, elements nested at most
  ``MAX_XML_DEPTH`` deep, at most ``MAX_XML_ELEMENTS`` elements.

These run in linear time over the file's bytes.  What the parsers do after
them is bounded by the same numbers (pretty_midi's time table grows with the
ticks; genapp's own steps grow linearly with the notes).
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path

from genapp.music.piece import PieceError

MAX_BYTES = {"midi": 4 << 20, "abc": 1 << 20, "xml": 32 << 20, "mxl": 8 << 20}
MAX_MXL_UNPACKED = 64 << 20
MAX_TRACKS = 256
MAX_NOTES = 100_000  # a dense piano piece has ~20,000
MAX_QUARTERS = 16_000  # 4,000 bars of 4/4: over two hours at 120 bpm
MAX_TICKS = 20_000_000  # pretty_midi keeps a table of one float per tick
MAX_NOTE_BARS = 2_000_000  # (note, bar it sounds in) pairs: 500 voices held through 4,000 bars
MAX_TUNES = 300
MAX_ABC_LENGTH = 256  # units of L: per note (L:1/16 -> 16 bars of 4/4)
MAX_XML_DEPTH = 64  # MusicXML nests about 8 deep
MAX_XML_ELEMENTS = 5_000_000

_DATA_BYTES = {0x80: 2, 0x90: 2, 0xA0: 2, 0xB0: 2, 0xC0: 1, 0xD0: 1, 0xE0: 2}  # channel messages by status nibble


def check_size(path: Path, kind: str) -> None:
    size = path.stat().st_size
    if size > MAX_BYTES[kind]:
        raise PieceError(str(path), f"is {size:,} bytes; genapp reads {kind.upper()} files of at most {MAX_BYTES[kind]:,}")


def _varlen(data: bytes, i: int, end: int) -> tuple[int, int]:
    """A MIDI variable-length quantity at ``i``: (value, next index); ValueError past ``end`` or over 4 bytes."""
    value = 0
    for k in range(4):
        if i >= end:
            raise ValueError("ends inside a number")
        byte = data[i]
        i += 1
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, i
    raise ValueError("has a number longer than MIDI allows")


def check_midi(path: Path) -> None:
    """Scan a Standard MIDI File's structure and size; PieceError with a reason in words if it is broken or too big."""
    name = str(path)
    check_size(path, "midi")
    data = path.read_bytes()
    if data[:4] != b"MThd":
        raise PieceError(name, "not a MIDI file (no MThd header)")
    if len(data) < 14:
        raise PieceError(name, "truncated: the MIDI header is incomplete")
    header_len, fmt, ntracks, division = struct.unpack(">IHHH", data[4:14])
    if header_len < 6:
        raise PieceError(name, f"corrupt MIDI header (length {header_len}, expected 6)")
    if fmt > 2:
        raise PieceError(name, f"MIDI format {fmt} does not exist (expected 0, 1 or 2)")
    if division & 0x8000:
        raise PieceError(name, "uses SMPTE time code for its timing; genapp reads files timed in ticks per quarter note")
    if division == 0:
        raise PieceError(name, "has a time division of zero ticks per quarter note")
    if ntracks > MAX_TRACKS:
        raise PieceError(name, f"has {ntracks:,} tracks; genapp reads at most {MAX_TRACKS}")
    i, notes, longest = 8 + header_len, 0, 0
    for track in range(1, ntracks + 1):
        if i + 8 > len(data):
            raise PieceError(name, f"truncated: the header announces {ntracks} tracks but the file ends after {track - 1}")
        kind, length = data[i:i + 4], struct.unpack(">I", data[i + 4:i + 8])[0]
        if kind != b"MTrk":
            raise PieceError(name, f"corrupt: track {track} should start with MTrk, found {kind!r}")
        start, end = i + 8, i + 8 + length
        if end > len(data):
            raise PieceError(name, f"truncated: track {track} claims {length:,} bytes but only {len(data) - start:,} follow")
        try:
            n, ticks = _scan_track(data, start, end, MAX_NOTES - notes)
        except ValueError as e:
            raise PieceError(name, f"corrupt: track {track} {e}") from None
        notes += n
        longest = max(longest, ticks)
        if notes > MAX_NOTES:
            raise PieceError(name, f"has more than {MAX_NOTES:,} notes; genapp reads at most {MAX_NOTES:,}")
        i = end
    if longest > MAX_TICKS or longest / division > MAX_QUARTERS:
        raise PieceError(name, f"lasts {longest / division:,.0f} quarter notes ({longest:,} ticks); genapp reads at most "
                               f"{MAX_QUARTERS:,} quarter notes (4,000 bars of 4/4) and {MAX_TICKS:,} ticks")


def _scan_track(data: bytes, i: int, end: int, most_notes: int) -> tuple[int, int]:
    """(notes started, ticks to the last event) of one track's events in data[i:end]; ValueError saying what is wrong.

    Stops early once more than ``most_notes`` notes were seen (the caller refuses the file).
    """
    tick, notes, status = 0, 0, 0
    while i < end:
        delta, i = _varlen(data, i, end)
        tick += delta
        if i >= end:
            raise ValueError("ends inside an event")
        byte = data[i]
        if byte & 0x80:
            i += 1
            if byte < 0xF0:
                status = byte
        elif not status:
            raise ValueError("has a data byte where an event should start")
        else:
            byte = status  # running status: the byte read is the first data byte
        if byte == 0xFF:  # meta event: type, length, data
            if i >= end:
                raise ValueError("ends inside a meta event")
            meta = data[i]
            length, i = _varlen(data, i + 1, end)
            if i + length > end:
                raise ValueError("has a meta event longer than the track")
            if meta == 0x51 and length >= 3 and int.from_bytes(data[i:i + 3], "big") == 0:
                raise ValueError("sets a tempo of zero")
            i += length
        elif byte in (0xF0, 0xF7):  # system exclusive: length, data
            length, i = _varlen(data, i, end)
            if i + length > end:
                raise ValueError("has a system-exclusive message longer than the track")
            i += length
        elif byte >= 0xF0:
            raise ValueError(f"has an event type (0x{byte:02X}) that may not appear in a file")
        else:
            size = _DATA_BYTES[byte & 0xF0]
            if i + size > end:
                raise ValueError("ends inside a note or controller event")
            if (byte & 0xF0) == 0x90 and data[i + size - 1]:  # note-on with a velocity
                notes += 1
                if notes > most_notes:
                    return notes, tick
            i += size
    return notes, tick


_ABC_FIELD = re.compile(r"^\s*([A-Za-z]):(.*)$")
_ABC_NOTE_LENGTH = re.compile(r"(?:[_=^]*[A-Ga-g][,']*|[zxZX]|\])(\d+)")
_ABC_SKIP = re.compile(r'"[^"]*"|![^!]*!|\+[^+]*\+|%.*$')


def check_abc(path: Path) -> None:
    """Refuse an ABC file with too many tunes, absurd note lengths, or meter/length fields no tune has."""
    name = str(path)
    check_size(path, "abc")
    text = path.read_bytes().decode("utf-8", errors="replace")
    tunes = 0
    for number, line in enumerate(text.splitlines(), start=1):
        field = _ABC_FIELD.match(line)
        if field:
            key, value = field[1], field[2].strip()
            if key == "X":
                tunes += 1
                if tunes > MAX_TUNES:
                    raise PieceError(name, f"holds more than {MAX_TUNES} tunes; genapp reads at most {MAX_TUNES} per file")
            elif key in "ML" and not _sane_fraction(value, key):
                raise PieceError(name, f"line {number}: {key}:{value[:20]} is not a meter or note length genapp reads "
                                       f"(expected e.g. {'M:4/4' if key == 'M' else 'L:1/8'})")
            continue
        body = _ABC_SKIP.sub("", line)
        for m in _ABC_NOTE_LENGTH.finditer(body):
            if len(m[1]) > 4 or int(m[1]) > MAX_ABC_LENGTH:
                raise PieceError(name, f"line {number}: a note {m[1][:12]} units long; genapp reads notes of at most "
                                       f"{MAX_ABC_LENGTH} units")


def _sane_fraction(value: str, key: str) -> bool:
    """M: and L: values: 'C', 'C|', 'none', or a fraction with parts of a few digits (denominator a power of two up to 128)."""
    value = value.split("%", 1)[0].strip()
    if key == "M" and value in ("C", "C|", "none", ""):
        return True
    m = re.fullmatch(r"\(?([\d+]{1,12})\)?\s*/\s*(\d{1,3})", value)
    if not m:
        return key == "M"  # music21 reads odd meters itself; only oversized numbers are refused
    top = sum(int(x) for x in m[1].split("+") if x)
    bottom = int(m[2])
    return 0 < top <= 64 and bottom in (1, 2, 4, 8, 16, 32, 64, 128)


def check_xml(path: Path) -> None:
    """Refuse a MusicXML file (plain, or compressed .mxl) that is oversized, declares entities, or nests absurdly deep."""
    name = str(path)
    if path.suffix.lower() == ".mxl":
        check_size(path, "mxl")
        try:
            with zipfile.ZipFile(path) as z:
                members = z.infolist()
                unpacked = sum(m.file_size for m in members)
                if unpacked > MAX_MXL_UNPACKED:
                    raise PieceError(name, f"unpacks to {unpacked:,} bytes; genapp reads at most {MAX_MXL_UNPACKED:,}")
                for m in members:
                    if m.filename.lower().endswith((".xml", ".musicxml")):
                        with z.open(m) as f:
                            # a malformed container is read around (music.musicxml); entities are refused in it too
                            _scan_xml(f, name, well_formed=not m.filename.startswith("META-INF/"))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError, ValueError):
            # damaged compressed data, an encrypted member, an unknown compression method
            raise PieceError(name, "not a compressed MusicXML file (not a readable zip archive)") from None
        return
    check_size(path, "xml")
    with open(path, "rb") as f:
        _scan_xml(f, name)


def _scan_xml(stream, name: str, well_formed: bool = True) -> None:
    """Stream the XML through expat, counting depth and elements; PieceError on entities or absurd structure
    (and, when ``well_formed``, on XML that is not well-formed)."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    depth = count = 0

    def start(tag, attrs):
        nonlocal depth, count
        depth += 1
        count += 1
        if depth > MAX_XML_DEPTH:
            raise PieceError(name, f"nests XML elements more than {MAX_XML_DEPTH} deep; MusicXML needs about 8")
        if count > MAX_XML_ELEMENTS:
            raise PieceError(name, f"has more than {MAX_XML_ELEMENTS:,} XML elements; genapp reads at most that many")

    def stop(tag):
        nonlocal depth
        depth -= 1

    def entity(*args):
        raise PieceError(name, "declares XML entities; MusicXML files do not, and genapp does not expand them")

    parser.StartElementHandler, parser.EndElementHandler, parser.EntityDeclHandler = start, stop, entity
    try:
        while chunk := stream.read(1 << 16):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as e:
        if not well_formed:
            return
        raise PieceError(name, f"is not well-formed XML ({expat.ErrorString(e.code)} at line {e.lineno})") from None
