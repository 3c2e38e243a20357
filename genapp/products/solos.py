"""What every jazz model does, whichever representation it learned: load, improvise a solo, read a primer.

    JazzModel.load(path)    the bundle's representation picks the class: ``products.improv.ImprovModel``
                            (note events over chords) or ``products.classic.ClassicModel`` (the course's
                            grammar); bundles that do not say are classic
    model.solo(...)         a progression and a length -> ``Solo`` (what was sampled, its notes)
    model.primer(path)      a phrase in a music file, to start a solo from
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from genapp.config import JazzSampling
from genapp.errors import GenappError, param
from genapp.inference import LoadedModel
from genapp.music.grammar import Decoded, snap
from genapp.music.piece import ChordSpan, Piece
from genapp.music.progression import Progression

MAX_BARS = JazzSampling.__dataclass_fields__["bars"].metadata["max"]


@dataclass
class Solo:
    values: list  # what the model sampled: grammar values (classic) or events (improv)
    decoded: Decoded  # the notes
    chords: list[ChordSpan]
    bars: int
    progression: Progression


class JazzModel(LoadedModel):
    """A loaded jazz bundle; ``load`` returns the subclass of its representation.

    Each representation's model class names itself when it subclasses this one
    (``class ImprovModel(JazzModel, representation="improv")``) and is found
    here by that name, so this module imports none of them
    (``products.jazz`` imports them all).
    """

    KIND = "jazz"
    REPRESENTATIONS: dict[str, type[JazzModel]] = {}

    def __init_subclass__(cls, representation: str | None = None, **kwargs):
        super().__init_subclass__(**kwargs)
        if representation is not None:
            JazzModel.REPRESENTATIONS[representation] = cls

    @classmethod
    def load(cls, path):
        if cls is JazzModel:
            from genapp.bundle import read_bundle_config

            representation = read_bundle_config(path)["model"].get("representation", "classic")
            chosen = JazzModel.REPRESENTATIONS.get(representation)
            if chosen is None:
                raise GenappError(f"model bundle {path}: representation {representation!r}; this genapp knows "
                                  f"{' and '.join(sorted(JazzModel.REPRESENTATIONS))}")
            return chosen.load(path)
        return super().load(path)

    # ---- what a representation supplies ---------------------------------------------------------

    def phrase(self, piece: Piece) -> tuple[list, int]:
        """A piece's melody as this model's symbols (values or events), and how many it had to skip."""
        raise NotImplementedError

    def improvise(self, chords: list[ChordSpan], progression: Progression, length: Fraction, temperature: float,
                  rng: np.random.Generator, primer: list, top_k: int | None,
                  rhythm_temperature: float = JazzSampling.rhythm_temperature) -> tuple[list, Decoded]:
        """Symbols filling ``length`` quarter notes over the chords, and their notes.

        ``temperature`` samples the pitches, ``rhythm_temperature`` the
        durations where the representation chooses them apart.
        """
        raise NotImplementedError

    # ---- shared ---------------------------------------------------------------------------------

    def primer_values(self, path) -> tuple[list, int]:
        """The phrase in a music file as this model's symbols (trailing rests dropped), and how many were skipped."""
        from genapp.music.corpus import read_cached

        try:
            piece = read_cached(str(path))[0]
        except GenappError as e:
            raise GenappError(f"{param('primer')} {e.args[0]}") from None
        return self.phrase(piece)

    def primer(self, path, say: Callable[[str], None] | None = None) -> list:
        """The phrase in a music file, to start a solo from; symbols the model does not know are skipped (and said)."""
        values, unknown = self.primer_values(path)
        if unknown and say:
            say(f"{param('primer')} {path}: {unknown} of its values are unknown to the model and were skipped")
        return values

    def solo(self, progression: Progression, bars: int = JazzSampling.bars,
             temperature: float = JazzSampling.temperature, seed: int | None = None,
             primer: list = (), top_k: int | None = None,
             rhythm_temperature: float = JazzSampling.rhythm_temperature) -> Solo:
        if not 1 <= bars <= MAX_BARS:
            raise GenappError(f"{param('bars')} {bars}: expected 1 to {MAX_BARS}")
        rng = np.random.default_rng(seed)
        length = snap(progression.measure_length) * bars
        chords = progression.spans(bars)
        values, decoded = self.improvise(chords, progression, length, temperature, rng, list(primer), top_k,
                                         rhythm_temperature)
        return Solo(values, decoded, chords, bars, progression)
