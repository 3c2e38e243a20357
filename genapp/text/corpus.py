"""Read the text corpora, and refuse bad ones with a one-line reason.

``read_names`` reads a names list: UTF-8, one name per line, any alphabet.
Names are stripped and lower-cased (the model learns one case; the CLI
capitalises what it prints); blank lines are skipped; repeats are kept once.
``read_texts`` reads any UTF-8 texts; ``default_text`` is the corpus the
shipped text model learned from.
"""

from __future__ import annotations

import codecs
import platform
from collections.abc import Iterator
from pathlib import Path

from genapp.data.split import split_by_hash
from genapp.errors import GenappError, param

MAX_NAME_LENGTH = 1000  # characters; far beyond any name, and what keeps a names list's arrays small


def read_text(path: Path, what: str = param("corpus")) -> str:
    """The file's text, or a GenappError naming the file and the problem."""
    path = Path(path)
    read_text_check(path, what)
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


CHUNK = 1 << 20  # bytes read at a time from a text file
LONGEST_WORD = 1 << 20  # characters without a space after which a chunk is cut anyway


class TextFiles:
    """UTF-8 files read as one text (separated by blank lines, as ``read_texts`` joins them), a chunk at a time.

    ``chunks()`` yields the text in pieces of about ``chunk`` bytes, each cut
    after a line break or a space (within ``LONGEST_WORD`` characters), so no
    word is split between two chunks; the whole text is never in memory.  A file that is
    not UTF-8 or holds only white space is a GenappError naming it.
    """

    def __init__(self, paths: list[Path], chunk: int = CHUNK):
        self.paths, self.chunk = [Path(p) for p in paths], chunk
        self.name = ", ".join(p.name for p in self.paths)

    def chunks(self) -> Iterator[str]:
        carry = ""
        for n, path in enumerate(self.paths):
            if n:
                carry += "\n\n"
            for text in self._decoded(path):
                text = carry + text
                cut = max(text.rfind("\n"), text.rfind(" ")) + 1
                if not cut and len(text) < LONGEST_WORD:  # no space yet: wait for the end of the word
                    carry = text
                    continue
                cut = cut or len(text)  # no space for a megabyte: no word to keep whole
                carry = text[cut:]
                yield text[:cut]
        if carry:
            yield carry

    def check(self, sample: int = 1 << 16) -> None:
        """Refuse at once a file that is missing, or not UTF-8 text in its first ``sample`` bytes (a photo, say),
        or blank: what ``chunks`` would find, before anything heavy starts.  A bad byte further on is
        found by the first pass over the text, before training."""
        for path in self.paths:
            for text in TextFiles([path], sample)._decoded(path):
                if text.strip():
                    break

    def _decoded(self, path: Path) -> Iterator[str]:
        read_text_check(path)
        decoder = codecs.getincrementaldecoder("utf-8")()
        offset, blank, first = 0, True, True
        with open(path, "rb") as f:
            while True:
                data = f.read(self.chunk)
                pending = decoder.getstate()[0]  # the bytes of a character cut at the end of the last read
                try:
                    text = decoder.decode(data, final=not data)
                except UnicodeDecodeError as e:
                    raise GenappError(f"{param('corpus')} {path}: not UTF-8 text (byte 0x{e.object[e.start]:02x} at "
                                      f"offset {offset - len(pending) + e.start}); save it as UTF-8") from None
                offset += len(data)
                if first and text:
                    text, first = text.removeprefix("\ufeff"), False
                blank = blank and not text.strip()
                if text:
                    yield text
                if not data:
                    break
        if blank:
            raise GenappError(f"{param('corpus')} {path}: is empty; expected UTF-8 text")


class OneText:
    """A text already in memory, as a source of chunks (the default corpus, or texts given to the library)."""

    def __init__(self, text: str, name: str):
        self.text, self.name = text, name

    def chunks(self) -> Iterator[str]:
        yield self.text


def read_text_check(path: Path, what: str = param("corpus")) -> None:
    """GenappError unless ``path`` is a file (read_text's checks, without reading it)."""
    if not path.exists():
        raise GenappError(f"{what} {path}: no such file")
    if path.is_dir():
        raise GenappError(f"{what} {path}: is a folder; expected a UTF-8 text file")
