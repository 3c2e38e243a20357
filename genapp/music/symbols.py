"""Chord symbols as lead sheets write them -> ``Chord``: the one parser for --chords, ABC/MusicXML and the corpus.

    root        A-G, then b # ♭ ♯ (kept as written: F#7 stays F#7)
    quality     major: (nothing), maj7 M7 ma7 Maj7 j7 Δ Δ7 ^ ^7, 6, 6/9 69, maj9 maj13, add9
                minor: m mi min - (m7 -7 mi7 min7, m6, m9 m11 m13, mM7 m(maj7) -Δ7 mmaj7)
                dominant: 7 9 11 13, 7alt, 7sus4 7sus 9sus4 13sus4
                half-diminished: ø ø7 m7b5 -7b5 m7(b5); diminished: ° °7 o o7 dim dim7
                augmented: + aug +7 aug7 7#5 7+5, maj7#5 +maj7; suspended: sus sus4 sus2
    tensions    b9 9 #9 11 #11 b13 13 b5 #5 alt add9, in or out of parentheses, with or without commas:
                C7b9, C7(b9), C7(b9,#11), C7(#9 b13), C13#11
    slash bass  C/E, Bb7/Ab
    no chord    N.C. (also NC)

Every symbol keeps what it says: tensions join the chord's scale and the
comping's voicing, the slash bass is what the bass plays on the chord's
first beat.  A symbol that cannot be read is refused with this list.
"""

from __future__ import annotations

import re

from genapp.errors import GenappError
from genapp.music.theory import Chord

ACCEPTED = ("roots A-G with b or #; qualities m mi min - maj7 M7 Δ ^ 6 6/9 7 9 11 13 alt sus sus2 sus4 "
            "ø m7b5 ° dim dim7 + aug mM7; tensions b9 9 #9 11 #11 b13 13 b5 #5 add9, in parentheses or not; "
            "a slash bass (C/E); N.C.")
_PITCH = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_ROOT = re.compile(r"([A-Ga-g])([#b]?)")
NO_CHORD = {"N.C.", "NC", "N.C", "n.c."}

# (pattern at the start of what follows the root, quality, tensions it adds); tried in order, longest first
_M, _MAJ = r"(?:min|mi|m|-)", r"(?:maj|Maj|ma|M|j|Δ|\^)"
_FORMS = [
    (rf"{_M}\(?{_MAJ}7?\)?", "mM7", ()),
    (rf"(?:{_M}7\(?b5\)?|ø7?)", "m7b5", ()),
    (r"(?:dim7|°7|o7)", "dim7", ()),
    (r"(?:dim|°|o)", "dim", ()),
    (rf"(?:\+{_MAJ}7?|{_MAJ}7#5|{_MAJ}7\+5)", "maj7#5", ()),
    (r"(?:\+7|aug7|7#5|7\+5|7\(#5\))", "aug7", ()),
    (r"(?:\+9|aug9|9#5|9\+5)", "aug7", (2,)),
    (r"(?:\+|aug)", "aug", ()),
    (rf"{_MAJ}13", "maj7", (2, 9)),
    (rf"{_MAJ}9", "maj7", (2,)),
    (rf"{_MAJ}7?", "maj7", ()),
    (rf"{_M}(?:6/9|69)", "m6", (2,)),
    (rf"{_M}13", "m7", (2, 9)),
    (rf"{_M}11", "m7", (2, 5)),
    (rf"{_M}9", "m7", (2,)),
    (rf"{_M}7", "m7", ()),
    (rf"{_M}6", "m6", ()),
    (rf"{_M}(?!aj)", "m", ()),
    (r"13sus4?", "7sus4", (2, 9)),
    (r"9sus4?", "7sus4", (2,)),
    (r"7sus4?", "7sus4", ()),
    (r"sus2", "sus2", ()),
    (r"sus4?", "sus4", ()),
    (r"(?:6/9|69)", "6", (2,)),
    (r"6", "6", ()),
    (r"7alt", "7", (1, 3, 6, 8)),
    (r"13", "7", (2, 9)),
    (r"11", "7", (2, 5)),
    (r"9", "7", (2,)),
    (r"7", "7", ()),
    (r"", "", ()),
]
_FORMS = [(re.compile(p), q, t) for p, q, t in _FORMS]
_TENSION = re.compile(r"\(?,?\s*(b9|#9|9|#11|11|b13|13|b5|#5|\+5|alt|add9|add2)\s*\)?")
_TENSIONS = {"b9": (1,), "9": (2,), "#9": (3,), "11": (5,), "#11": (6,), "b13": (8,), "13": (9,), "add9": (2,),
             "add2": (2,), "alt": (1, 3, 6, 8)}


def _pc(letter: str, accidental: str) -> int:
    return (_PITCH[letter.upper()] + {"#": 1, "b": -1, "": 0}[accidental]) % 12


def _refuse(text: str, what: str) -> GenappError:
    return GenappError(f"chord symbol {text!r}: cannot read {what}; genapp reads {ACCEPTED}")


def parse_symbol(text: str) -> Chord | None:
    """One chord symbol -> Chord, or None for N.C.; GenappError naming the symbol and the accepted forms."""
    symbol = text.strip().replace("♯", "#").replace("♭", "b").replace("−", "-").replace("–", "-")
    if symbol in NO_CHORD:
        return None
    m = _ROOT.match(symbol)
    if not m:
        raise _refuse(text, "its root")
    root = _pc(*m.groups())
    spelling = m.group(1).upper() + m.group(2)
    body, bass = symbol[m.end():], None
    slash = body.rfind("/")
    if slash >= 0 and not body[slash - 1 : slash + 2] == "6/9":
        bass_match = _ROOT.fullmatch(body[slash + 1 :])
        if not bass_match:
            raise _refuse(text, f"the bass {body[slash + 1:]!r}")
        bass, body = _pc(*bass_match.groups()), body[:slash]
    quality, tensions, rest = _quality(body)
    while rest:
        t = _TENSION.match(rest)
        if not t or not t.group(0):
            raise _refuse(text, repr(rest))
        quality, tensions = _alter(quality, tensions, t.group(1))
        rest = rest[t.end():].lstrip(",) ")
    return Chord(root, quality, tuple(sorted(set(tensions))), bass, spelling)


def _quality(body: str) -> tuple[str, set[int], str]:
    """(quality, tensions, what is left) for the longest quality form at the start of ``body``."""
    best = None
    for pattern, quality, tensions in _FORMS:
        m = pattern.match(body)
        if m and (best is None or m.end() > best[0]):
            best = (m.end(), quality, set(tensions))
    end, quality, tensions = best
    return quality, tensions, body[end:]


def _alter(quality: str, tensions: set[int], word: str) -> tuple[str, set[int]]:
    """A tension or alteration applied to a chord: #5 raises the fifth, b5 is the #11, add9 adds the 9th."""
    if word in ("#5", "+5"):
        return {"": "aug", "7": "aug7", "maj7": "maj7#5"}.get(quality, quality), tensions
    if word == "b5":
        if quality == "m7":
            return "m7b5", tensions
        return quality, tensions | {6}
    return quality, tensions | set(_TENSIONS[word])


def parse_chord_symbol(text: str) -> Chord:
    """'Dm7' -> Chord(D, m7), as ``parse_symbol`` reads it; N.C. is refused here: it is no chord."""
    chord = parse_symbol(text)
    if chord is None:
        raise GenappError(f"chord symbol {text!r}: N.C. (no chord) is not a chord here")
    return chord
