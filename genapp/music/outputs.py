"""Write an arrangement in the format its file name asks for: MIDI, WAV audio, piano-roll PNG or MusicXML.

    .mid .midi        standard MIDI file            genapp.music.midi_out
    .wav              16-bit stereo audio, 48 kHz   genapp.music.audio (SoundFont synthesizer)
    .png              piano roll with the chords    genapp.music.pianoroll
    .musicxml .mxl    notation with chord symbols   genapp.music.notation

``check_suffix`` refuses an unknown extension before any work is done.
Every file is written atomically; ``write`` returns a short description
of what it wrote.  ``source_midi`` (the bytes of a MIDI file being
rendered) is what the audio plays when given: a user's own file sounds as
written, all its tracks and instruments included.
"""

from __future__ import annotations

from pathlib import Path

from genapp.errors import GenappError
from genapp.music.arrangement import Arrangement

FORMATS = {".mid": "MIDI", ".midi": "MIDI", ".wav": "WAV audio", ".png": "piano roll", ".musicxml": "MusicXML",
           ".mxl": "compressed MusicXML"}


def check_suffix(path: Path, what: str = "--out") -> None:
    """GenappError unless the file name ends in an extension genapp writes."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise GenappError(f"{what} {path}: unknown extension {suffix or '(none)'!r}; genapp writes "
                          f"{', '.join(FORMATS)}")


def write(arrangement: Arrangement, path: Path, soundfont: bytes | None = None, source_midi: bytes | None = None) -> str:
    """Write ``path`` in the format of its extension; return what was written ("WAV audio, 29.1 s")."""
    path = Path(path)
    check_suffix(path)
    suffix = path.suffix.lower()
    if suffix in (".mid", ".midi"):
        from genapp.music.midi_out import write_midi

        write_midi(path, arrangement)
        return "MIDI"
    if suffix == ".wav":
        from genapp.music import audio
        from genapp.music.midi_out import midi_bytes

        tail = audio.TAIL_SECONDS * arrangement.tempo / 60  # in quarter notes
        midi = source_midi if source_midi is not None else midi_bytes(arrangement, tail)
        audio.write_wav(path, midi, soundfont if soundfont is not None else audio.read_soundfont(None))
        return "WAV audio"
    if suffix == ".png":
        from genapp.music.pianoroll import draw

        return f"piano roll, {draw(arrangement, path)} notes drawn"
    from genapp.music.notation import write_musicxml

    write_musicxml(path, arrangement)
    return FORMATS[suffix]
