"""MIDI -> WAV audio with a real SoundFont synthesizer, written atomically.

The synthesizer is ``midirenderer`` (a self-contained wheel: a Rust
SoundFont synthesizer, MIDI bytes + SF2 bytes -> 16-bit stereo PCM WAV at
48 kHz), chosen by measurement (``benchmarks/render.py``): it needs no
system library, unlike FluidSynth, and no PortAudio headers, unlike
tinysoundfont's declared ``pyaudio``.  The default SoundFont is the General
MIDI one that pretty_midi installs inside its package (TimGM6mb.sf2), so
nothing is downloaded; ``--soundfont FILE.sf2`` takes a better one.

A SoundFont is checked before use (a RIFF file of form ``sfbk``, of bounded
size).  Audio of an arrangement ends with ``TAIL_SECONDS`` of release after
the last bar line, so the last notes ring out instead of stopping dead.
"""

from __future__ import annotations

import io
import wave
from pathlib import Path

from genapp.atomic import atomic_path
from genapp.errors import GenappError, param

TAIL_SECONDS = 1.0
MAX_SOUNDFONT_BYTES = 1 << 30


def default_soundfont() -> Path:
    """The General MIDI SoundFont installed inside pretty_midi's package (found without importing it)."""
    import importlib.util

    spec = importlib.util.find_spec("pretty_midi")
    return Path(spec.origin).resolve().parent / "TimGM6mb.sf2"


def read_soundfont(path: Path | None, what: str = param("soundfont")) -> bytes:
    """A SoundFont's bytes, or GenappError saying why the file is not one."""
    path = Path(path) if path is not None else default_soundfont()
    if not path.is_file():
        raise GenappError(f"{what} {path}: no such file" if not path.exists() else f"{what} {path}: is not a file")
    size = path.stat().st_size
    if size > MAX_SOUNDFONT_BYTES:
        raise GenappError(f"{what} {path}: is {size:,} bytes; genapp reads SoundFonts of at most {MAX_SOUNDFONT_BYTES:,}")
    data = path.read_bytes()
    if data[:4] != b"RIFF" or data[8:12] != b"sfbk":
        raise GenappError(f"{what} {path}: not a SoundFont (expected a .sf2 file, which starts with RIFF....sfbk)")
    return data


def render_wav(midi: bytes, soundfont: bytes, what: str = param("soundfont")) -> bytes:
    """WAV bytes for MIDI bytes; GenappError if the synthesizer refuses either."""
    import midirenderer

    try:
        return midirenderer.render_wave_from(soundfont, midi)
    except (ValueError, RuntimeError, OSError) as e:  # its documented errors, for a SoundFont or MIDI it cannot use
        first = str(e).strip().splitlines()[0][:200] if str(e).strip() else "no reason given"
        raise GenappError(f"{what}: the synthesizer could not render with this SoundFont ({first})") from None


PEAK = 10 ** (-1 / 20)  # the written WAV's loudest sample: -1 dBFS


def normalise(audio: bytes, peak: float = PEAK) -> bytes:
    """16-bit WAV bytes with their loudest sample at ``peak`` (of full scale); silence stays silence.

    The General MIDI SoundFont renders a band at about -16 dBFS peak, too quiet
    to play next to other music; a single gain keeps the mix as rendered.
    """
    import numpy as np

    with wave.open(io.BytesIO(audio)) as w:
        params, frames = w.getparams(), np.frombuffer(w.readframes(w.getnframes()), np.int16)
    loudest = int(np.abs(frames.astype(np.int32)).max()) if frames.size else 0
    if params.sampwidth != 2 or loudest == 0:
        return audio
    scaled = np.clip(np.round(frames * (peak * 32767 / loudest)), -32768, 32767).astype(np.int16)
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setparams(params)
        w.writeframes(scaled.tobytes())
    return out.getvalue()


def write_wav(path: Path, midi: bytes, soundfont: bytes) -> float:
    """Render, bring the peak to -1 dBFS and write atomically (the folder must exist); return the length in seconds."""
    path = Path(path)
    audio = normalise(render_wav(midi, soundfont))
    with atomic_path(path, suffix=".wav") as tmp:
        tmp.write_bytes(audio)
    with wave.open(io.BytesIO(audio)) as w:
        return w.getnframes() / w.getframerate()
