"""A vocabulary: the symbols a model reads and writes, in a fixed, saved order.

Special tokens are reserved at the front, always in this order of indices:

- ``PAD`` (index 0): padding after a sequence ends, and the start input
  x<1>.  The model's one-hot layer turns index 0 into the zero vector, so
  x<1> = 0 exactly as in the textbook character model.  PAD is never a target.
- ``END`` ("\\n", names only): the end-of-name token the model predicts last.
- ``UNK`` / ``EOS`` (word-level text): unknown word and end of sentence.

Ordinary symbols follow, sorted by code point, so the same corpus always gives
the same indices (never the order of a Python set).  ``to_json`` / ``from_json``
save it beside the weights.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

PAD = "<pad>"
END = "\n"
UNK = "<unk>"
EOS = "<eos>"


@dataclass(frozen=True)
class Vocabulary:
    """Symbols by index; the first ``len(specials)`` are reserved tokens."""

    symbols: tuple[str, ...]
    specials: tuple[str, ...] = (PAD,)
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.symbols[: len(self.specials)] != self.specials:
            raise ValueError(f"expected the symbols to start with {self.specials!r}, got {self.symbols[:3]!r}")
        index = {s: i for i, s in enumerate(self.symbols)}
        if len(index) != len(self.symbols):
            raise ValueError("expected distinct symbols, got duplicates")
        object.__setattr__(self, "_index", index)

    @classmethod
    def build(cls, symbols: Iterable[str], specials: Sequence[str] = (PAD,)) -> Vocabulary:
        """Specials first, then every other distinct symbol in code-point order."""
        rest = sorted(set(symbols) - set(specials))
        return cls(tuple(specials) + tuple(rest), tuple(specials))

    @property
    def size(self) -> int:
        return len(self.symbols)

    def __len__(self) -> int:
        return len(self.symbols)

    def __contains__(self, symbol: str) -> bool:
        return symbol in self._index

    def index(self, symbol: str) -> int:
        return self._index[symbol]

    def unknown(self, sequence: Iterable[str]) -> list[str]:
        """Symbols of ``sequence`` not in the vocabulary, each once, in order of appearance."""
        seen: dict[str, None] = {}
        for s in sequence:
            if s not in self._index:
                seen.setdefault(s, None)
        return list(seen)

    def encode(self, sequence: Iterable[str]) -> list[int]:
        """Symbols -> indices; raises KeyError on a symbol outside the vocabulary."""
        return [self._index[s] for s in sequence]

    def decode(self, indices: Iterable[int]) -> list[str]:
        """Indices -> symbols (the inverse of ``encode``)."""
        return [self.symbols[i] for i in indices]

    def extended(self, symbols: Iterable[str]) -> "Vocabulary":
        """This vocabulary with the symbols it lacks appended in code-point order: every old index stays."""
        new = sorted(set(symbols) - set(self.symbols))
        return Vocabulary(self.symbols + tuple(new), self.specials)

    def to_json(self) -> dict:
        return {"symbols": list(self.symbols), "specials": list(self.specials)}

    @classmethod
    def from_json(cls, data: dict) -> Vocabulary:
        """The inverse of ``to_json``; ValueError if ``data`` is not two lists of strings."""
        symbols, specials = data["symbols"], data["specials"]
        for name, value in (("symbols", symbols), ("specials", specials)):
            if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
                raise ValueError(f"expected {name} to be a list of strings, got {type(value).__name__}")
        return cls(tuple(symbols), tuple(specials))


def never_seen(unknown: list[str], what: str = "characters") -> str:
    """The one wording for symbols outside a model's vocabulary: "2 characters the model never saw ('é' 'ß')"."""
    shown = " ".join(repr(s) for s in unknown[:5]) + (" ..." if len(unknown) > 5 else "")
    return f"{len(unknown)} {what if len(unknown) != 1 else what.rstrip('s')} the model never saw ({shown})"
