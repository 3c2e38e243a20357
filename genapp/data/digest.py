"""Content digests (sha256, hex): what a bundle records about its parts and the data it was trained on."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    return sha256_bytes(Path(path).read_bytes())


def sha256_text(text: str) -> str:
    return sha256_bytes(text.encode("utf-8"))


def sha256_json(value) -> str:
    """The digest of a JSON-able value (lists of symbols, say), independent of where it came from."""
    return sha256_text(json.dumps(value))


class JsonListDigest:
    """``sha256_json`` of a list, fed one item at a time: ``add`` each item, then ``hexdigest``."""

    def __init__(self):
        self.hash, self.first = hashlib.sha256(b"["), True

    def add(self, item) -> None:
        self.hash.update((("" if self.first else ", ") + json.dumps(item)).encode("utf-8"))
        self.first = False

    def hexdigest(self) -> str:
        copy = self.hash.copy()
        copy.update(b"]")
        return copy.hexdigest()
