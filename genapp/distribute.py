"""Training on several devices, and on several hosts, with Keras's own distribution API.

``place(devices, cluster)`` turns ``--devices all|N`` (and the cluster
options) into a ``Placement``: a ``keras.distribution.DataParallel`` over the
chosen devices, under whose ``scope()`` the model is built, compiled and fit.
Every variable is replicated on every device; each global batch is split
along its first axis, one slice per device; the gradients are averaged
across devices by XLA.  The saved bundle is the same as a single-device
one's (the weights are plain arrays) and loads on one CPU.

What genapp adds to Keras (``Placement.batches``, ``data.shards``):

- every training batch is whole: a last, partial batch is left out each
  epoch (its windows come back in other epochs' shuffles), so one, two or
  eight devices see the same batches and reach the same loss;
- a validation batch is cut to a multiple of the device count (at most
  ``devices - 1`` sequences of the last batch are not scored);
- in a cluster, each process feeds its own slice of every global batch
  (``jax.make_array_from_process_local_data`` wants the process-local part).

This module imports Keras only when a placement is made, so the command line
can check these options first.

Several hosts (``Cluster``): every host runs the same command with the same
coordinator address, process count and its own process id (options, or
Keras's environment variables ``KERAS_DISTRIBUTION_JOB_ADDRESSES``,
``KERAS_DISTRIBUTION_NUM_PROCESSES``, ``KERAS_DISTRIBUTION_PROCESS_ID``);
``keras.distribution.initialize`` starts JAX's distributed runtime before
anything else runs.  Only process 0 writes the bundle and prints progress.

The distribution API is JAX's: Keras 3 marks its TensorFlow part a prototype
("DO NOT USE", ``keras/src/backend/tensorflow/distribution_lib.py``) and its
guide covers JAX only.  On TensorFlow, ``place`` says so and trains on one
device.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field


from genapp.errors import GenappError, param

ENV = {"coordinator": "KERAS_DISTRIBUTION_JOB_ADDRESSES", "num_processes": "KERAS_DISTRIBUTION_NUM_PROCESSES",
       "process_id": "KERAS_DISTRIBUTION_PROCESS_ID"}


def parse_devices(value: str | int | None) -> int | str | None:
    """``--devices``: None (not asked), "all", or a device count >= 1; GenappError otherwise."""
    if value is None or value == "all":
        return value
    try:
        n = int(value)
    except (TypeError, ValueError):
        n = 0
    if n < 1 or str(value).strip() != str(n):
        raise GenappError(f"{param('devices')} {value}: expected 'all' or a whole number of devices (1 or more)")
    return n


@dataclass(frozen=True)
class Cluster:
    """One host's part in a multi-host run: the coordinator (HOST:PORT), how many processes, which one this is."""

    coordinator: str
    num_processes: int
    process_id: int

    @classmethod
    def from_options(cls, coordinator: str | None = None, num_processes: int | None = None,
                     process_id: int | None = None, environ=os.environ) -> Cluster | None:
        """The cluster the options (else Keras's environment variables) describe; None: a single process."""
        coordinator = coordinator or environ.get(ENV["coordinator"])
        num_processes = num_processes if num_processes is not None else _env_int(environ, "num_processes")
        process_id = process_id if process_id is not None else _env_int(environ, "process_id")
        given = {"coordinator": coordinator, "num_processes": num_processes, "process_id": process_id}
        if all(v is None for v in given.values()):
            return None
        missing = [k for k, v in given.items() if v is None]
        if missing:
            raise GenappError(f"a cluster needs {', '.join(param(k) for k in given)}; {', '.join(param(k) for k in missing)} "
                              f"not given (nor {', '.join(ENV[k] for k in missing)})")
        if num_processes < 1 or not 0 <= process_id < num_processes:
            raise GenappError(f"{param('process_id')} {process_id}: expected 0 to {num_processes - 1} for "
                              f"{param('num_processes')} {num_processes}")
        host, _, port = coordinator.split(",")[0].rpartition(":")
        if not host or not port.isdigit():
            raise GenappError(f"{param('coordinator')} {coordinator}: expected HOST:PORT of process 0, e.g. 10.0.0.1:1234")
        return cls(coordinator, num_processes, process_id)


def _env_int(environ, key: str) -> int | None:
    value = environ.get(ENV[key])
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise GenappError(f"{ENV[key]}={value!r}: expected a whole number") from None


def start_cluster(cluster: Cluster) -> None:
    """Join the cluster (JAX's distributed runtime); call before anything touches a device."""
    import keras

    if keras.backend.backend() != "jax":
        raise GenappError(f"{param('coordinator')}: training across hosts needs the JAX backend (KERAS_BACKEND=jax); "
                          f"this run uses {keras.backend.backend()}")
    import jax

    jax.config.update("jax_cpu_collectives_implementation", "gloo")  # CPU hosts talk over TCP; GPUs use NCCL anyway
    keras.distribution.initialize(cluster.coordinator, cluster.num_processes, cluster.process_id)


@dataclass
class Placement:
    """Where training runs: a DataParallel over ``devices`` (global), seen from process ``process_id``."""

    distribution: object = field(repr=False)
    devices: list[str]
    process_id: int = 0
    num_processes: int = 1

    @property
    def writes(self) -> bool:
        """Whether this process writes the bundle and prints progress (process 0 only)."""
        return self.process_id == 0

    @contextlib.contextmanager
    def scope(self) -> Iterator[None]:
        with self.distribution.scope():
            yield

    def check_batch(self, batch_size: int) -> None:
        n = len(self.devices)
        if batch_size % n:
            up = -(-batch_size // n) * n
            raise GenappError(f"{param('batch_size')} {batch_size}: does not split evenly over {n} devices; use a multiple "
                              f"of {n} (e.g. {up})")

    def batches(self, batches, batch_size: int, seed: int):
        """A product's ``training.Batches`` with train and validation cut as the module docstring says."""
        from dataclasses import replace

        self.check_batch(batch_size)
        n, parts = len(self.devices), (self.process_id, self.num_processes)
        from genapp.data.shards import SplitBatches  # imports Keras

        train = SplitBatches(batches.train, batch_size, n, parts, training=True, seed=seed)
        val = SplitBatches(batches.val, batch_size, n, parts, training=False) if batches.val is not None else None
        if val is not None and not len(val):  # fewer held-out sequences than devices
            val = None
        return replace(batches, train=train, val=val, symbols_per_val_seq=batches.symbols_per_val_seq if val else None,
                       facts={**batches.facts, "devices": n, "processes": self.num_processes})


def place(devices: int | str | None, cluster: Cluster | None = None,
          say: Callable[[str], None] | None = None) -> Placement | None:
    """The placement ``--devices`` asks for; None: train as always (one device, no distribution)."""
    if devices is None and cluster is None:
        return None
    import keras

    if keras.backend.backend() != "jax":
        if say and devices not in (None, 1):
            say(f"{param('devices')} {devices}: Keras's distribution API supports the JAX backend only (its TensorFlow "
                f"part is a prototype); training on one device with {keras.backend.backend()}")
        return None
    if cluster is not None:
        start_cluster(cluster)
    visible = keras.distribution.list_devices()
    if devices in (None, "all"):
        chosen = visible
    elif devices > len(visible):
        hint = ("; on a CPU, XLA_FLAGS=--xla_force_host_platform_device_count=N shows N devices"
                if all(d.startswith("cpu") for d in visible) else "")
        raise GenappError(f"{param('devices')} {devices}: only {len(visible)} visible ({', '.join(visible)}){hint}")
    else:
        chosen = visible[:devices]
    if cluster is not None and len(chosen) % cluster.num_processes:
        raise GenappError(f"{param('devices')} {devices}: {len(chosen)} devices do not split over "
                          f"{cluster.num_processes} processes")
    distribution = keras.distribution.DataParallel(devices=chosen, auto_shard_dataset=False)
    process_id = cluster.process_id if cluster else 0
    return Placement(distribution, list(chosen), process_id, cluster.num_processes if cluster else 1)


@contextlib.contextmanager
def alone() -> Iterator[None]:
    """No distribution for the block: what one process does by itself (writing the bundle) starts no collective."""
    import keras

    current = keras.distribution.distribution()
    keras.distribution.set_distribution(None)
    try:
        yield
    finally:
        keras.distribution.set_distribution(current)
