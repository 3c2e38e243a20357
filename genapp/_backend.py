"""Pick the Keras backend before Keras is imported, and keep TensorFlow quiet.

genapp is written against Keras 3 only (``keras.ops``), so it runs on JAX and on
TensorFlow.  The default is JAX: on the 2-core machines we develop and test on,
it trained the same models several times faster than TensorFlow and starts in
half the time (figures in ``benchmarks/RESULTS.md``).  ``KERAS_BACKEND`` in the
environment always wins.

TensorFlow writes C++ start-up lines (absl, oneDNN, CUDA probing) straight to
file descriptor 2, past ``TF_CPP_MIN_LOG_LEVEL``; when TensorFlow is the
backend we import it once here with that descriptor pointed at /dev/null.
"""

from __future__ import annotations

import contextlib
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


def import_tensorflow_quietly() -> None:
    """Import TensorFlow (if installed) with its C++ start-up lines silenced.

    Some Keras utilities touch TensorFlow even on the JAX backend
    (``keras.utils.set_random_seed`` seeds it when it is importable); calling
    this first keeps its log lines off the terminal.
    """
    if "tensorflow" in sys.modules:
        return
    with silenced_stderr_fd():
        try:
            import tensorflow  # noqa: F401
        except ImportError:
            pass


def configure() -> str:
    """Set the environment Keras reads at import; return the backend name."""
    os.environ.setdefault("KERAS_BACKEND", DEFAULT_BACKEND)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    backend = os.environ["KERAS_BACKEND"]
    if backend == "tensorflow":
        import_tensorflow_quietly()
    return backend
