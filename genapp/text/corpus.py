"""Read the text corpora, and refuse bad ones with a one-line reason.

``read_names`` reads a names list: UTF-8, one name per line, any alphabet.
Names are stripped and lower-cased (the model learns one case; the CLI
capitalises what it prints); blank lines are skipped; repeats are kept once.
``read_texts`` reads any UTF-8 texts; ``default_text`` is the corpus the
shipped text model learned from.
"""

from __future__ import annotations

import platform
from pathlib import Path

from genapp.data.split import split_by_hash
from genapp.errors import GenappError, param

MAX_NAME_LENGTH = 1000  # characters; far beyond any name, and what keeps a names list's arrays small


def read_text(path: Path, what: str = param("corpus")) -> str:
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


def read_names(path: Path) -> list[str]:
    """Distinct lower-cased names, one per non-blank line, in file order.

    A line longer than ``MAX_NAME_LENGTH`` is no name (the file is probably
    not a names list): GenappError naming the line.
    """
    text = read_text(path)
    names = dict.fromkeys(line.strip().lower() for line in text.splitlines())
    names.pop("", None)
    for number, line in enumerate(text.splitlines(), start=1):
        if len(line.strip()) > MAX_NAME_LENGTH:
            raise GenappError(
                f"{param('corpus')} {path}: line {number} is {len(line.strip()):,} characters long; a name may have at most "
                f"{MAX_NAME_LENGTH:,} (expected one name per line)"
            )
    if not names:
        raise GenappError(f"{param('corpus')} {path}: has no names; expected one name per line")
    return list(names)


def split_names(names: list[str], fraction: float) -> tuple[list[str], list[str]]:
    """(training, validation): the ``fraction`` of names with the smallest CRC-32.

    The split depends only on each name's UTF-8 bytes, not on file order or a
    random seed, so a name is held out in every run and in every benchmark.
    At least one name is held out when there are two or more.
    """
    return split_by_hash(names, fraction)


DEFAULT_TEXT_NAME = "python-docs"


def default_text() -> tuple[str, str]:
    """(text, description): the help topics of the Python documentation, from the installed ``pydoc_data``.

    Read at run time from the Python standard library (no text is copied into
    the repository): every topic, in name order, separated by blank lines.
    """
    from pydoc_data import topics

    text = "\n\n".join(topics.topics[k].strip() for k in sorted(topics.topics))
    return text, f"{DEFAULT_TEXT_NAME} (pydoc_data.topics of Python {platform.python_version()})"


def read_texts(paths: list[Path]) -> str:
    """The files' texts (UTF-8), separated by blank lines; GenappError naming a bad file."""
    return "\n\n".join(read_text(Path(p)) for p in paths)
