"""Helper processes that never see Ctrl-C: the caller stops them, cleanly, when it is pressed.

``start_pool`` spawns fresh interpreters (no Keras or JAX state is forked)
with SIGINT ignored while they start: an ignored signal stays ignored
across exec, so a Ctrl-C from the terminal, which reaches the whole process
group, interrupts only the parent, which then terminates the pool.
"""

from __future__ import annotations

import multiprocessing as mp
import signal
import threading
from collections.abc import Callable


def start_pool(n: int, initializer: Callable[..., None] | None = None, initargs: tuple = (),
               tasks_per_process: int | None = None):
    """A ``multiprocessing`` pool of ``n`` spawned processes, born ignoring Ctrl-C.

    ``tasks_per_process``: a process is replaced after that many tasks, so
    what a library keeps from each task cannot add up over a long run.
    """
    context = mp.get_context("spawn")
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        return context.Pool(n, initializer=initializer, initargs=initargs, maxtasksperchild=tasks_per_process)
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)
