"""Executors: m logical workers on threads, processes or Dask distributed.

Each backend offers the same small interface to the engine: ``start()`` (warm up,
so pool start-up is not part of the trace), ``submit(worker, spec, args)`` returning a
future with ``add_done_callback``/``result``, ``argument(...)`` (what to pass a
successor: the output itself, a slice of it, or a Dask future), and ``close()``.
"""

from __future__ import annotations

import logging
import multiprocessing
import uuid
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

from ..graph import GraphError
from . import _worker
from ._worker import TaskOutput, TaskSpec, execute_task

__all__ = ["EXECUTORS", "Backend", "DaskUnavailable", "make_backend"]

#: executor names accepted by :func:`make_backend`
EXECUTORS = ("threads", "processes", "dask")

DASK_HINT = 'the dask executor needs Dask distributed: pip install "taskmapper[dask]"'


class DaskUnavailable(GraphError):
    """Dask distributed is not installed; the message says what to install."""


class Backend:
    """Base class: ``m`` logical workers.

    Attributes
    ----------
    m : int
        Number of logical workers.
    clock : str
        ``"perf"`` or ``"wall"``: the clock the workers time themselves with.
    address_index : dict
        Dask worker address -> logical worker index (empty for local pools).
    """

    name = ""
    clock = "perf"

    def __init__(self, m: int) -> None:
        self.m = m
        self.address_index: dict[str, int] = {}
        self.info: dict[str, Any] = {}

    def start(self) -> None:
        """Start the workers and wait until each one has answered."""

    def submit(self, worker: int | None, spec: TaskSpec, args: Sequence[Any], priority: float = 0.0) -> Any:
        """Run ``execute_task(spec, *args)`` on logical worker ``worker`` (``None``: any)."""
        raise NotImplementedError

    def argument(self, output: TaskOutput, future: Any, successor: str) -> Any:
        """What to pass ``successor`` for the finished ``output`` (its future is ``future``)."""
        return output

    def release(self, future: Any) -> None:
        """The output of ``future`` is no longer needed by any successor."""

    def close(self) -> None:
        """Stop the workers (running tasks are waited for)."""


class _PoolBackend(Backend):
    """One single-worker :mod:`concurrent.futures` executor per logical worker."""

    def __init__(self, m: int) -> None:
        super().__init__(m)
        self.pools: list[Executor] = []

    def start(self) -> None:
        futs = [p.submit(_worker.noop) for p in self.pools]
        for i, f in enumerate(futs):
            got = f.result()
            if got != i:  # pragma: no cover - a broken initializer
                raise RuntimeError(f"worker #{i + 1} reports index {got}")

    def submit(self, worker: int | None, spec: TaskSpec, args: Sequence[Any], priority: float = 0.0) -> Any:
        if worker is None:
            raise ValueError("local pools need an explicit worker")
        return self.pools[worker].submit(execute_task, spec, *args)

    def close(self) -> None:
        for p in self.pools:
            p.shutdown(wait=True, cancel_futures=True)
        self.pools = []


class ThreadBackend(_PoolBackend):
    """``m`` single-thread executors: "task on worker P2" means on P2's thread."""

    name = "threads"
    clock = "perf"

    def __init__(self, m: int) -> None:
        super().__init__(m)
        self.pools = [
            ThreadPoolExecutor(1, thread_name_prefix=f"taskmapper-P{i + 1}",
                               initializer=_worker.init_thread_worker, initargs=(i,))
            for i in range(m)
        ]


def _mp_context() -> Any:
    # fork is unsafe once threads exist (the GUI, Dask, our own pools); forkserver forks
    # cheap children from a clean server that has the worker module preloaded.
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["model.execution._worker"])
        return ctx
    return multiprocessing.get_context("spawn")  # pragma: no cover - Windows


class ProcessBackend(_PoolBackend):
    """``m`` single-process executors: payloads are really pickled between processes."""

    name = "processes"
    clock = "wall"

    def __init__(self, m: int) -> None:
        super().__init__(m)
        ctx = _mp_context()
        self.info["start_method"] = ctx.get_start_method()
        self.pools = [
            ProcessPoolExecutor(1, mp_context=ctx, initializer=_worker.init_process_worker, initargs=(i,))
            for i in range(m)
        ]

    def argument(self, output: TaskOutput, future: Any, successor: str) -> Any:
        # send each successor only its own part of the payload
        return output.for_successor(successor)


class DaskBackend(Backend):
    """Dask distributed: a new ``LocalCluster`` or an existing scheduler.

    Logical worker ``i`` is the ``i``-th Dask worker (by name); a mapped task runs there
    through a worker restriction, a dynamic task wherever the Dask scheduler puts it.
    """

    name = "dask"
    clock = "wall"

    def __init__(self, m: int, *, address: str | None = None, processes: bool = False) -> None:
        super().__init__(m)
        try:
            import distributed
        except ImportError:
            raise DaskUnavailable(DASK_HINT) from None
        self._distributed = distributed
        self.cluster: Any = None
        self.client: Any = None
        self.restrict: list[str] | None = None
        self.addresses: list[str] = []
        self._address = address
        self._processes = processes

    def start(self) -> None:
        distributed = self._distributed
        m = self.m
        if self._address:
            # a malformed address makes Client raise half-built, then hang 20 s in its
            # finaliser: refuse it before connecting
            self._address = check_scheduler_address(self._address)
            try:
                self.client = distributed.Client(self._address, timeout="10s", set_as_default=False)
            except (OSError, TimeoutError) as e:
                raise GraphError(f"cannot connect to the Dask scheduler at {self._address!r}: {e}") from None
            self.info["scheduler"] = self._address
        else:
            self.cluster = distributed.LocalCluster(
                n_workers=m, threads_per_worker=1, processes=self._processes,
                dashboard_address=":0", silence_logs=logging.CRITICAL,
            )
            self.client = distributed.Client(self.cluster, set_as_default=False)
            self.info["dask_processes"] = self._processes
        try:
            # a new cluster is coming up; an existing one has the workers it has
            self.client.wait_for_workers(m, timeout=60 if self.cluster is not None else 2)
        except TimeoutError:
            have = len(self.client.scheduler_info()["workers"])
            self.close()
            raise GraphError(
                f"the Dask cluster has {have} worker(s) but the run needs {m} (use --workers {max(have, 1)})"
            ) from None
        workers = self.client.scheduler_info()["workers"]

        def key(addr: str) -> tuple[int, str, str]:
            name = workers[addr].get("name", addr)
            return (0, f"{name:>12}", addr) if isinstance(name, int) else (1, str(name), addr)

        self.addresses = sorted(workers, key=key)[:m]
        self.address_index = {a: i for i, a in enumerate(self.addresses)}
        self.restrict = self.addresses if len(workers) > m else None
        self.info["dask_workers"] = list(self.addresses)
        futs = [self.client.submit(_worker.noop, i, workers=[a], pure=False) for i, a in enumerate(self.addresses)]
        self.client.gather(futs)

    def submit(self, worker: int | None, spec: TaskSpec, args: Sequence[Any], priority: float = 0.0) -> Any:
        where = [self.addresses[worker]] if worker is not None else self.restrict
        return self.client.submit(
            execute_task, spec, *args, key=f"{spec.task}-{uuid.uuid4().hex[:12]}",
            workers=where, allow_other_workers=False, pure=False, priority=priority,
        )

    def argument(self, output: TaskOutput, future: Any, successor: str) -> Any:
        # the future: Dask moves the data from worker to worker itself
        return future

    def release(self, future: Any) -> None:
        future.release()

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None


#: address schemes of Dask's comms; those with a host and a port are checked for both
_DASK_SCHEMES = ("tcp", "tls", "ws", "wss", "inproc", "ucx")
_HOST_PORT_SCHEMES = ("tcp", "tls", "ws", "wss")


def check_scheduler_address(address: str) -> str:
    """``address`` stripped, or :class:`GraphError` naming what is wrong with it.

    A Dask scheduler address is ``[SCHEME://]HOST:PORT`` (scheme ``tcp`` when missing).

    Examples
    --------
    >>> check_scheduler_address(" tcp://127.0.0.1:8786 ")
    'tcp://127.0.0.1:8786'
    >>> check_scheduler_address("localhost")
    Traceback (most recent call last):
    ...
    model.graph.GraphError: bad Dask scheduler address 'localhost': no port (expected HOST:PORT, e.g. tcp://127.0.0.1:8786)
    """
    text = address.strip()
    scheme, sep, loc = text.partition("://")
    if not sep:
        scheme, loc = "tcp", text
    bad = f"bad Dask scheduler address {address!r}"
    if scheme not in _DASK_SCHEMES:
        raise GraphError(f"{bad}: unknown scheme {scheme!r} (known: {', '.join(_DASK_SCHEMES)})")
    if scheme in _HOST_PORT_SCHEMES:
        host, colon, port = loc.rpartition(":")
        expected = "expected HOST:PORT, e.g. tcp://127.0.0.1:8786"
        if not colon:
            raise GraphError(f"{bad}: no port ({expected})")
        if not host.strip("[]"):
            raise GraphError(f"{bad}: no host ({expected})")
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise GraphError(f"{bad}: port {port!r} is not a number from 1 to 65535")
    return text


def make_backend(executor: str, m: int, *, scheduler_address: str | None = None,
                 dask_processes: bool = False) -> Backend:
    """The backend for ``executor`` with ``m`` logical workers (not started yet).

    Raises
    ------
    GraphError
        For an unknown executor; :class:`DaskUnavailable` when Dask is missing.

    Examples
    --------
    >>> b = make_backend("threads", 2); b.start(); b.m
    2
    >>> b.close()
    """
    if executor == "threads":
        return ThreadBackend(m)
    if executor == "processes":
        return ProcessBackend(m)
    if executor == "dask":
        return DaskBackend(m, address=scheduler_address, processes=dask_processes)
    raise GraphError(f"unknown executor {executor!r}; known: {', '.join(EXECUTORS)}")
