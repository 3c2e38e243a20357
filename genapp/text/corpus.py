"""Read a user's text corpus and refuse bad ones with a one-line reason.

``read_names`` reads a names list: UTF-8, one name per line, any alphabet.
Names are stripped and lower-cased (the model learns one case; the CLI
capitalises what it prints); blank lines are skipped; repeats are kept once.
"""

from __future__ import annotations

import hashlib
import zlib
from pathlib import Path

from genapp.errors import GenappError

MAX_NAME_LENGTH = 1000  # characters; far beyond any name, and what keeps a names list's arrays small


def read_text(path: Path, what: str = "corpus") -> str:
    """The file's text, or a GenappError naming the file and the problem."""
    path = Path(path)
    if not path.exists():
        raise GenappError(f"{what} {path}: no such file")
    if path.is_dir():
        raise GenappError(f"{what} {path}: is a folder; expected a UTF-8 text file")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise GenappError(
            f"{what} {path}: not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start}); "
            "save it as UTF-8"
        ) from None
    if not text.strip():
        raise GenappError(f"{what} {path}: is empty; expected UTF-8 text")
    return text.removeprefix("\ufeff")


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_names(path: Path) -> list[str]:
    """Distinct lower-cased names, one per non-blank line, in file order.

    A line longer than ``MAX_NAME_LENGTH`` is no name (the file is probably
    not a names list): GenappError naming the line.
    """
    text = read_text(path, "corpus")
    names = dict.fromkeys(line.strip().lower() for line in text.splitlines())
    names.pop("", None)
    for number, line in enumerate(text.splitlines(), start=1):
        if len(line.strip()) > MAX_NAME_LENGTH:
            raise GenappError(
                f"corpus {path}: line {number} is {len(line.strip()):,} characters long; a name may have at most "
                f"{MAX_NAME_LENGTH:,} (expected one name per line)"
            )
    if not names:
        raise GenappError(f"corpus {path}: has no names; expected one name per line")
    return list(names)


def split_names(names: list[str], fraction: float = 0.1) -> tuple[list[str], list[str]]:
    """(training, validation): the ``fraction`` of names with the smallest CRC-32.

    The split depends only on each name's UTF-8 bytes, not on file order or a
    random seed, so a name is held out in every run and in every benchmark.
    At least one name is held out when there are two or more.
    """
    ranked = sorted(names, key=lambda n: (zlib.crc32(n.encode("utf-8")), n))
    n_val = min(max(1, round(len(names) * fraction)), len(names) - 1) if len(names) > 1 else 0
    held = set(ranked[:n_val])
    return [n for n in names if n not in held], [n for n in names if n in held]
