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

``Renderer`` is how the command line writes: the piano roll and the
notation need matplotlib and music21, about a second of imports, so a
helper process is started as soon as the outputs are known and loads them
while the model loads and generates (two cores work at once); it then draws
those files while the main process writes the MIDI and the audio.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from genapp.errors import GenappError, param
from genapp.music.arrangement import Arrangement

FORMATS = {".mid": "MIDI", ".midi": "MIDI", ".wav": "WAV audio", ".png": "piano roll", ".musicxml": "MusicXML",
           ".mxl": "compressed MusicXML"}
HELPED = (".png", ".musicxml", ".mxl")  # written by the helper process
HELPER_TIME_LIMIT = 600  # seconds for one file in the helper


def check_suffix(path: Path, what: str = param("out")) -> None:
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
        seconds = audio.write_wav(path, midi, soundfont if soundfont is not None else audio.read_soundfont(None))
        return f"WAV audio, {seconds:.1f} s"
    if suffix == ".png":
        from genapp.music.pianoroll import draw

        return f"piano roll, {draw(arrangement, path)} notes drawn"
    from genapp.music.notation import write_musicxml

    write_musicxml(path, arrangement)
    return FORMATS[suffix]


def _warm_up(suffixes: frozenset[str]) -> None:
    """In the helper process: load what the formats to come need (matplotlib, music21), before any is asked for."""
    if ".png" in suffixes:
        import matplotlib.figure  # noqa: F401

        from genapp.music import pianoroll  # noqa: F401
    if suffixes & {".musicxml", ".mxl"}:
        import music21  # noqa: F401

        from genapp.music import notation  # noqa: F401


class Renderer:
    """Writes files in every format; the helper formats in a helper process started at once (see the module docstring).

    Use as a context manager; ``write_take`` returns once every file of the
    take is written, with (path, description) pairs, and re-raises any
    ``GenappError`` the helper met.  Leaving the block stops the helper.
    """

    def __init__(self, suffixes, soundfont: bytes | None = None):
        from genapp.processes import start_pool

        self.soundfont = soundfont
        helped = frozenset(s.lower() for s in suffixes) & set(HELPED)
        self.pool = start_pool(1, _warm_up, (helped,)) if helped else None

    def write_take(self, arrangement: Arrangement, paths: list[Path], source_midi: bytes | None = None
                   ) -> list[tuple[Path, str]]:
        pending = {p: self.pool.apply_async(write, (arrangement, p)) for p in paths
                   if self.pool is not None and Path(p).suffix.lower() in HELPED}
        done = {p: write(arrangement, p, self.soundfont, source_midi) for p in paths if p not in pending}
        for p, result in pending.items():
            try:
                done[p] = result.get(timeout=HELPER_TIME_LIMIT)
            except multiprocessing.TimeoutError:
                raise GenappError(f"{p}: took longer than {HELPER_TIME_LIMIT} s to draw") from None
        return [(p, done[p]) for p in paths]

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()



def render_file(source: str, files: list[Path], renderer: Renderer, melody_track: str | None = None,
                say=None) -> list[str]:
    """Write a music file (its first piece) as ``files``; one line per file written.

    A MIDI source sounds as written (its own bytes are rendered); the other
    formats show the melody genapp reads, its accompaniment and its chords.
    """
    from genapp.music.corpus import read_with_backing
    from genapp.music.reading import MIDI_SUFFIXES

    pieces = read_with_backing(source, melody_track)
    if len(pieces) > 1 and say:
        say(f"{source}: holds {len(pieces)} pieces; rendering the first, {pieces[0].name}")
    arrangement = Arrangement.from_piece(pieces[0])
    source_midi = Path(source).read_bytes() if Path(source).suffix.lower() in MIDI_SUFFIXES else None
    return [f"wrote {f}: {what}" for f, what in renderer.write_take(arrangement, files, source_midi)]
