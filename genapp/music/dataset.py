"""Pieces -> value sequences -> windows of Tx values for training the jazz model.

For a window (v1 .. vTx) the model reads x = (0, v1 .. v(Tx-1)) and predicts
y = (v1 .. vTx) (``genapp.data.sequences.shift_right``).  Windows start every
``stride`` values.

Validation is split **by tune**, so no phrase is both trained on and held out:
the tunes with the smallest CRC-32 (``genapp.data.split``) are held out, every
take of each, until 10% of the pieces are (at least one when there are two or
more).  A piece's tune (``tune_of``) is its file name without folders, except
that the Weimar Jazz Database's ``Player_Tune[-N]_Solo`` names give the tune,
so two players' solos on Body and Soul are on the same side.  A corpus of one
piece holds out its last 10% of values.
"""

from __future__ import annotations

import re

import numpy as np

from genapp.data.split import split_by_hash
from genapp.data.vocab import PAD, Vocabulary
from genapp.music.grammar import encode
from genapp.music.piece import Piece


def piece_values(piece: Piece) -> list[str]:
    """The piece's melody in the grammar, as value strings."""
    return [str(v) for v in encode(piece.melody, piece.chords, piece.measure_length, piece.measures)]


def build_vocab(sequences: list[list[str]]) -> Vocabulary:
    """PAD, then every value of the corpus in code-point order (stable, saved with the model)."""
    return Vocabulary.build((v for seq in sequences for v in seq), specials=(PAD,))


def split_sequences(named: list[tuple[str, list[str]]], fraction: float
                    ) -> tuple[list[list[str]], list[list[str]]]:
    """(training, validation) sequences, split by piece as the module docstring says; fraction 0: no validation."""
    if fraction <= 0:
        return [s for _, s in named], []
    if len(named) == 1:
        seq = named[0][1]
        cut = len(seq) - max(1, round(len(seq) * fraction))
        return [seq[:cut]], [seq[cut:]]
    train, held = split_by_hash(named, fraction, key=lambda p: tune_of(p[0]))
    return [s for _, s in train], [s for _, s in held]


_SOLO_NAME = re.compile(r"[^_]+_(.+?)_solo\.[a-z]+")
_TAKE = re.compile(r"(?:-\d+|_alternatetake\d*|_no\d+|_(?:19|20)\d\d|ii)$")  # -2, _AlternateTake2, _No1, _1961, II


def tune_of(name: str) -> str:
    """What the held-out split keeps together: the tune of a ``Player_Tune[-N]_Solo.mxl`` file, else the file name.

    The tune is compared in lower case without punctuation and without the
    take's mark (``-2``, ``_AlternateTake``, ``_No1``, ``_1961``, ``II``), so
    ``BodyAndSoul_AlternateTake``, ``Ummg`` and ``U.M.M.G.`` fall on one side.
    """
    base = _base(name)
    m = _SOLO_NAME.fullmatch(base.lower())
    if not m:
        return base
    return "tune " + re.sub(r"[^a-z0-9]", "", _TAKE.sub("", m.group(1)))


def _base(name: str) -> str:
    """A piece's name without its folder, so the split does not depend on where the corpus lives."""
    return name.replace("\\", "/").rsplit("/", 1)[-1]


def windows(sequences: list[list[str]], vocab: Vocabulary, tx: int, stride: int = 1) -> np.ndarray:
    """All windows of tx value indices, shape (m, tx), int32; sequences shorter than tx give none."""
    rows = []
    for seq in sequences:
        ids = vocab.encode(seq)
        rows += [ids[i : i + tx] for i in range(0, len(ids) - tx + 1, stride)]
    return np.array(rows, dtype=np.int32).reshape(-1, tx)
