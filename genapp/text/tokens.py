"""Text <-> tokens, at character or word level, and tokens -> readable text again.

Character level: every character is a token (the vocabulary keeps all of them).

Word level: words (letters, digits, underscores as in ``__init__``, inner
apostrophes and hyphens) and punctuation marks are tokens, lower-cased, a run of the same mark one token
("==", "...", a table's "-----"); after a sentence-ending mark (. ! ?, or a
run of one) the reserved ``<eos>`` token is inserted; words outside the kept
vocabulary become ``<unk>``.  ``Detokenizer`` turns a token stream back into
text as it arrives: no space before closing punctuation or after opening
brackets and quotes, a capital letter after each sentence end, "i" as "I".
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from genapp.config import LEVELS
from genapp.data.vocab import EOS, PAD, UNK, Vocabulary

WORD_SPECIALS = (PAD, UNK, EOS)
_WORD = re.compile(r"\w+(?:['’\-]\w+)*|([^\w\s])\1*", re.UNICODE)
_SENTENCE_END = {".", "!", "?"}
_NO_SPACE_BEFORE = set(".,;:!?)]}%»”’") | {"'s", "n't"}
_NO_SPACE_AFTER = set("([{«“$#")


def tokenize(text: str, level: str) -> list[str]:
    """Text -> tokens (characters, or lower-cased words and punctuation with <eos> after sentences)."""
    if level == "char":
        return list(text)
    if level != "word":
        raise ValueError(f"expected level to be one of {LEVELS}, got {level!r}")
    out = []
    for match in _WORD.finditer(text):
        token = match.group(0)
        out.append(token.lower())
        if _mark(token) in _SENTENCE_END:
            out.append(EOS)
    return out


def _mark(token: str) -> str:
    """A run of one punctuation mark ("...", "==") -> the mark; any other token as it is."""
    return token[0] if len(token) > 1 and not token[0].isalnum() and token == token[0] * len(token) else token


def build_vocab(tokens: list[str], level: str, size: int | None = None) -> Vocabulary:
    """Characters: all of them.  Words: the ``size - 3`` most frequent, after PAD, UNK and EOS."""
    return vocab_from_counts(Counter(tokens), level, size)


def vocab_from_counts(counts: Counter, level: str, size: int | None = None) -> Vocabulary:
    """``build_vocab`` from each token's count (a corpus counted a chunk at a time)."""
    if level == "char":
        return Vocabulary.build(counts, specials=(PAD,))
    counts = {t: n for t, n in counts.items() if t not in WORD_SPECIALS}
    keep = [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    if size is not None:
        keep = keep[: size - len(WORD_SPECIALS)]
    return Vocabulary.build(keep, specials=WORD_SPECIALS)


def encode(tokens: list[str], vocab: Vocabulary) -> list[int]:
    """Tokens -> indices; at word level unknown words become <unk> (characters must all be known)."""
    if UNK in vocab:
        unk = vocab.index(UNK)
        return [vocab.index(t) if t in vocab else unk for t in tokens]
    return vocab.encode(tokens)


class CharCodes:
    """Characters -> vocabulary indices for a whole chunk of text at once (NumPy, not one dict lookup per character)."""

    def __init__(self, vocab: Vocabulary):
        chars = [(ord(c), i) for i, c in enumerate(vocab.symbols) if len(c) == 1 and i >= len(vocab.specials)]
        chars.sort()
        self.points = np.array([p for p, _ in chars], np.uint32)  # (V,) code points, sorted
        self.indices = np.array([i for _, i in chars], np.int32)  # (V,) their vocabulary indices

    def __call__(self, text: str) -> np.ndarray:
        """(len(text),) int32 indices; ValueError naming a character the vocabulary lacks."""
        points = np.frombuffer(text.encode("utf-32-le"), np.uint32)  # (N,)
        at = np.minimum(np.searchsorted(self.points, points), len(self.points) - 1, dtype=np.int64)
        missing = self.points[at] != points
        if missing.any():
            raise ValueError(f"expected characters of the vocabulary, got {chr(points[np.argmax(missing)])!r}")
        return self.indices[at]


class Detokenizer:
    """Feed tokens one at a time; get back the text to print for each."""

    def __init__(self, level: str, capitalize_first: bool = False):
        self.level = level
        self.previous: str | None = None
        self.capitalize = capitalize_first

    @classmethod
    def after(cls, tokens: list[str], level: str) -> Detokenizer:
        """A detokenizer that continues text already printed as ``tokens`` (a prompt): spacing and capitals follow on."""
        detok = cls(level, capitalize_first=not tokens)
        if tokens and level == "word":
            detok.previous = tokens[-1]
            detok.capitalize = tokens[-1] == EOS
        return detok

    def __call__(self, token: str) -> str:
        if self.level == "char":
            return token
        if token == EOS:
            self.capitalize = True
            return ""
        if token in (PAD, UNK):
            return ""
        word = token
        if word == "i" or word.startswith("i'"):
            word = "I" + word[1:]
        if self.capitalize and word[:1].isalpha():
            word = word[:1].upper() + word[1:]
            self.capitalize = False
        space = (self.previous is not None and _mark(token) not in _NO_SPACE_BEFORE
                 and _mark(self.previous) not in _NO_SPACE_AFTER)
        self.previous = token
        return (" " if space else "") + word


def ending(tokens: list[str], target: int, level: str, start: int = 0) -> int:
    """How many of ``tokens`` to keep so that the text ends at a sentence's end, else a word's, nearest ``target``.

    ``tokens`` are the tokens from index ``start`` of a longer run (the ones
    before it are already printed); ``target`` counts from the run's start.
    A sentence ends after ".", "!", "?" followed by white space (characters)
    or at <eos> (words), or at a line break; a word ends before white space
    (characters) or after any token (words).  Returns the run's length up to
    the cut, counted from its start; ``target`` itself when no boundary is found.
    """
    def after(i: int) -> int:  # the run's length when cut after tokens[i]
        return start + i + 1

    sentence, word = [], []
    for i, t in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if level == "word":
            (sentence if t == EOS else word).append(after(i))
        elif t == "\n" or (t in _SENTENCE_END and nxt is not None and nxt.isspace()):
            sentence.append(after(i))
        elif nxt is not None and nxt.isspace() and not t.isspace():
            word.append(after(i))
    for found in (sentence, word):
        if found:
            return min(found, key=lambda n: (abs(n - target), n))
    return target


def detokenize(tokens: list[str], level: str) -> str:
    d = Detokenizer(level, capitalize_first=True)
    return "".join(d(t) for t in tokens)
