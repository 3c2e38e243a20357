"""Pick the Keras backend before Keras is imported, and keep TensorFlow quiet.

genapp is written against Keras 3 only (``keras.ops``), so it runs on JAX and on
TensorFlow.  The default is JAX: on the 2-core machines we develop and test on,
``import keras`` takes about half as long and the names and jazz models train
faster per epoch (the figures, and where TensorFlow wins, are in
``benchmarks/RESULTS.md``).  ``KERAS_BACKEND`` in the environment always wins.

TensorFlow writes C++ start-up lines (absl, oneDNN, CUDA probing) straight to
file descriptor 2, past ``TF_CPP_MIN_LOG_LEVEL``.  Whoever imports it first
(Keras on the TensorFlow backend, ``keras.utils.set_random_seed`` or the
serializer on JAX), the import runs with that descriptor pointed at
/dev/null: ``configure`` installs an import hook for it.  Nothing heavy is
imported here, so ``import genapp`` stays cheap and the command line can
check its arguments before Keras loads.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.machinery
import os
import sys
from collections.abc import Iterator

DEFAULT_BACKEND = "jax"
SUPPORTED_BACKENDS = ("jax", "tensorflow")


@contextlib.contextmanager
def silenced_stderr_fd() -> Iterator[None]:
    """Point file descriptor 2 at /dev/null for the block (C++ writes included)."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


class _QuietLoader(importlib.abc.Loader):
    """Wraps TensorFlow's own loader: the same module, executed with fd 2 silenced."""

    def __init__(self, loader: importlib.abc.Loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module) -> None:
        module.__loader__ = self.loader
        with silenced_stderr_fd():
            self.loader.exec_module(module)


class _QuietTensorFlow(importlib.abc.MetaPathFinder):
    """Finds ``tensorflow`` like the path finder does, and hands back a silenced loader."""

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _QuietLoader(spec.loader)
        return spec


def configure() -> str:
    """Set the environment Keras reads at import and install the quiet-TensorFlow hook; return the backend name."""
    os.environ.setdefault("KERAS_BACKEND", DEFAULT_BACKEND)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if "tensorflow" not in sys.modules and not any(isinstance(f, _QuietTensorFlow) for f in sys.meta_path):
        sys.meta_path.insert(0, _QuietTensorFlow())
    return os.environ["KERAS_BACKEND"]
