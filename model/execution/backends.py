"""Executors: m logical workers on threads, processes or Dask distributed.

Each backend offers the same small interface to the engine: ``start()`` (warm up,
so pool start-up is not part of the trace), ``submit(worker, spec, args)`` returning a
future with ``add_done_callback``/``result``, ``argument(...)`` (what to pass a
successor: the output itself, a slice of it, or a Dask future), ``poll()`` (a worker
that died), ``close()`` once every task has finished, and ``abort(futures)`` to stop
at once with tasks still running.

The local pools are our own, so a run can always be stopped: worker threads are
daemon threads the run stops waiting for (a Python thread cannot be killed), worker
processes are killed, and they also die on their own when the run's process dies.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from multiprocessing.connection import wait as wait_any
from typing import Any

from ..graph import GraphError
from . import _worker
from ._worker import TaskOutput, TaskSpec, execute_task

__all__ = ["EXECUTORS", "Backend", "DaskUnavailable", "WorkerLost", "make_backend"]

#: executor names accepted by :func:`make_backend`
EXECUTORS = ("threads", "processes", "dask")

DASK_HINT = 'the dask executor needs Dask distributed: pip install "taskmapper[dask]"'

#: seconds to wait for the local workers to come up
START_TIMEOUT = 60.0
#: seconds a closing Dask cluster gets before the run stops waiting for it
DASK_CLOSE_TIMEOUT = 1.0
#: seconds between two checks that every Dask worker is still there
DASK_POLL_S = 0.25


class DaskUnavailable(GraphError):
    """Dask distributed is not installed; the message says what to install."""


class WorkerLost(Exception):
    """A worker process or Dask worker died; the message names it and the task(s) it ran.

    Attributes
    ----------
    tasks : list of str
        The tasks that were running on it (may be empty when unknown).
    """

    def __init__(self, message: str, tasks: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.tasks = list(tasks)


def exit_description(code: int | None) -> str:
    """How a process ended, in words: ``exit code 3``, ``killed by SIGKILL``.

    Examples
    --------
    >>> exit_description(3), exit_description(-9), exit_description(None)
    ('exit code 3', 'killed by SIGKILL', 'exit status unknown')
    """
    if code is None:
        return "exit status unknown"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


class TaskFuture:
    """The pending result of one task on a local worker (thread-safe).

    Offers the part of :class:`concurrent.futures.Future` the engine uses.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._callbacks: list[Callable[[TaskFuture], None]] = []
        self._value: Any = None
        self._error: BaseException | None = None

    def add_done_callback(self, fn: Callable[[TaskFuture], None]) -> None:
        """Call ``fn(self)`` when done (at once if done already)."""
        with self._lock:
            if not self._done.is_set():
                self._callbacks.append(fn)
                return
        fn(self)

    def done(self) -> bool:
        """Whether the result (or the error) is there."""
        return self._done.is_set()

    def result(self, timeout: float | None = None) -> Any:
        """The value; raises the task's exception; ``TimeoutError`` after ``timeout`` seconds."""
        if not self._done.wait(timeout):
            raise TimeoutError("the task has not finished")
        if self._error is not None:
            raise self._error
        return self._value

    def _finish(self, value: Any, error: BaseException | None) -> None:
        with self._lock:
            if self._done.is_set():
                return
            self._value, self._error = value, error
            self._done.set()
            callbacks, self._callbacks = self._callbacks, []
        for fn in callbacks:
            fn(self)

    def set_result(self, value: Any) -> None:
        """Finish with ``value`` (ignored when already finished)."""
        self._finish(value, None)

    def set_exception(self, error: BaseException) -> None:
        """Finish with ``error`` (ignored when already finished)."""
        self._finish(None, error)


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

    def poll(self, force: bool = False) -> WorkerLost | None:
        """A worker that died since the run started, if any (cheap; ``force``: check now)."""
        return None

    def close(self) -> None:
        """Stop the idle workers (every task has finished)."""

    def abort(self, futures: Iterable[Any]) -> list[Any]:
        """Stop now, ``futures`` still running; return those whose code may still be running.

        Bounded in time: nothing here waits for a task.
        """
        self.close()
        return []


class _ThreadWorker:
    """One daemon thread running the tasks put in its queue, one at a time."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.jobs: queue.SimpleQueue[tuple[TaskFuture, Callable[..., Any], tuple[Any, ...]] | None] = (
            queue.SimpleQueue())
        self.thread = threading.Thread(target=self._serve, name=f"taskmapper-P{index + 1}", daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        _worker.init_thread_worker(self.index)
        while True:
            job = self.jobs.get()
            if job is None:
                return
            fut, fn, args = job
            try:
                value = fn(*args)
            except BaseException as e:  # the task's failure, even SystemExit, is its result
                fut.set_exception(e)
            else:
                fut.set_result(value)

    def submit(self, fn: Callable[..., Any], *args: Any) -> TaskFuture:
        fut = TaskFuture()
        self.jobs.put((fut, fn, args))
        return fut


class ThreadBackend(Backend):
    """``m`` worker threads: "task on worker P2" means on P2's thread.

    The threads are daemon threads: a task that never returns keeps its thread busy,
    but neither the run (which stops waiting for it on cancel) nor the program's exit
    waits for it.
    """

    name = "threads"
    clock = "perf"

    def __init__(self, m: int) -> None:
        super().__init__(m)
        self.workers: list[_ThreadWorker] = []

    def start(self) -> None:
        self.workers = [_ThreadWorker(i) for i in range(self.m)]
        futs = [w.submit(_worker.noop) for w in self.workers]
        for i, f in enumerate(futs):
            got = f.result(START_TIMEOUT)
            if got != i:  # pragma: no cover - a broken initializer
                raise RuntimeError(f"worker #{i + 1} reports index {got}")

    def submit(self, worker: int | None, spec: TaskSpec, args: Sequence[Any], priority: float = 0.0) -> Any:
        if worker is None:
            raise ValueError("local pools need an explicit worker")
        return self.workers[worker].submit(execute_task, spec, *args)

    def close(self) -> None:
        for w in self.workers:
            w.jobs.put(None)
        for w in self.workers:
            w.thread.join(5.0)
        self.workers = []

    def abort(self, futures: Iterable[Any]) -> list[Any]:
        for w in self.workers:
            w.jobs.put(None)  # an idle thread ends now, a busy one after its task
        self.workers = []
        return [f for f in futures if not f.done()]


def _mp_context() -> Any:
    # fork is unsafe once threads exist (the GUI, Dask, our own pools); forkserver forks
    # cheap children from a clean server that has the worker module preloaded.
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["model.execution._worker"])
        return ctx
    return multiprocessing.get_context("spawn")  # pragma: no cover - Windows


class _ProcessWorker:
    """One worker process and the thread of the run's process that talks to it.

    The process runs :func:`_worker.process_main`. It holds the read end of the
    ``life`` pipe, whose write end only this object holds: when the run's process dies,
    the worker sees end of file and exits.
    """

    def __init__(self, ctx: Any, index: int) -> None:
        self.index = index
        self.label = f"P{index + 1}"
        self.conn, child = ctx.Pipe()
        life_r, self.life = ctx.Pipe(duplex=False)
        self.proc = ctx.Process(target=_worker.process_main, args=(index, child, life_r),
                                name=f"taskmapper-{self.label}")
        self.proc.start()
        child.close()
        life_r.close()
        self.jobs: queue.SimpleQueue[tuple[TaskFuture, TaskSpec, tuple[Any, ...]] | None] = queue.SimpleQueue()
        self.lost: str | None = None  # how the process ended, once it has
        self.killed = False
        self.thread: threading.Thread | None = None

    def wait_ready(self, deadline: float) -> None:
        while True:
            left = deadline - time.monotonic()
            ready = wait_any([self.conn, self.proc.sentinel], timeout=max(0.0, left))
            if self.conn in ready:
                try:
                    msg = self.conn.recv()
                except (EOFError, OSError):
                    msg = None
                if msg == ("ready", self.index):
                    break
            if ready or left <= 0:
                self.proc.join(0.5)
                how = exit_description(self.proc.exitcode) if ready else "no answer"
                raise GraphError(f"worker {self.label}'s process did not start ({how})")
        self.thread = threading.Thread(target=self._serve, name=f"taskmapper-{self.label}-link", daemon=True)
        self.thread.start()

    def _died(self) -> str:
        if self.lost is None:
            self.proc.join(1.0)
            self.lost = exit_description(self.proc.exitcode)
        return self.lost

    def _serve(self) -> None:
        while True:
            job = self.jobs.get()
            if job is None:
                try:
                    self.conn.send(None)
                except (OSError, ValueError):
                    pass
                return
            fut, spec, args = job
            if self.lost is None:
                try:
                    self.conn.send((spec, args))
                except (OSError, ValueError):
                    pass  # the process is gone: said below
                else:
                    ready = wait_any([self.conn, self.proc.sentinel])
                    if self.conn in ready:
                        try:
                            status, value = self.conn.recv()
                        except (EOFError, OSError):
                            pass
                        except Exception as e:  # an exception type that cannot be rebuilt here
                            fut.set_exception(_worker.RemoteError(f"{type(e).__name__}: {e}"))
                            continue
                        else:
                            if status == "ok":
                                fut.set_result(value)
                            else:
                                fut.set_exception(value)
                            continue
            how = self._died()
            fut.set_exception(WorkerLost(
                f"worker {self.label}'s process {'was stopped' if self.killed else 'died'} ({how}) "
                f"while running task {spec.task!r}", [spec.task]))

    def submit(self, spec: TaskSpec, args: Sequence[Any]) -> TaskFuture:
        fut = TaskFuture()
        self.jobs.put((fut, spec, tuple(args)))
        return fut

    def kill(self) -> None:
        self.killed = True
        if self.proc.is_alive():
            self.proc.kill()

    def finish(self, timeout: float) -> None:
        """Let the link thread end, wait ``timeout`` seconds for the process, kill it if needed."""
        self.jobs.put(None)
        if self.thread is not None:
            self.thread.join(timeout)
        self.proc.join(timeout)
        if self.proc.is_alive():
            self.kill()
            self.proc.join(1.0)
        for c in (self.conn, self.life):
            c.close()


class ProcessBackend(Backend):
    """``m`` worker processes: payloads are really pickled between processes.

    Stopping kills the processes; a worker process also exits by itself when the run's
    process dies (even from SIGKILL).
    """

    name = "processes"
    clock = "wall"

    def __init__(self, m: int) -> None:
        super().__init__(m)
        self.ctx = _mp_context()
        self.info["start_method"] = self.ctx.get_start_method()
        self.workers: list[_ProcessWorker] = []

    def start(self) -> None:
        for i in range(self.m):
            self.workers.append(_ProcessWorker(self.ctx, i))
        deadline = time.monotonic() + START_TIMEOUT
        for w in self.workers:
            w.wait_ready(deadline)

    def submit(self, worker: int | None, spec: TaskSpec, args: Sequence[Any], priority: float = 0.0) -> Any:
        if worker is None:
            raise ValueError("local pools need an explicit worker")
        return self.workers[worker].submit(spec, args)

    def argument(self, output: TaskOutput, future: Any, successor: str) -> Any:
        # send each successor only its own part of the payload
        return output.for_successor(successor)

    def close(self) -> None:
        for w in self.workers:
            w.finish(5.0)
        self.workers = []

    def abort(self, futures: Iterable[Any]) -> list[Any]:
        for w in self.workers:
            w.kill()
        for w in self.workers:
            w.finish(1.0)
        self.workers = []
        return []

    @property
    def pids(self) -> list[int]:
        """Process ids of the worker processes (for tests and diagnostics)."""
        return [w.proc.pid for w in self.workers if w.proc.pid is not None]


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
        self._task_of_key: dict[str, str] = {}
        self._pids: list[int] = []
        self._last_poll = 0.0
        self._lost: WorkerLost | None = None

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
        if self.cluster is not None and self._processes:
            # the worker processes of our own cluster, to kill them when stopping
            pids = self.client.run(_worker.ignore_interrupts, workers=self.addresses)
            self._pids = [int(p) for p in pids.values() if int(p) != os.getpid()]

    def submit(self, worker: int | None, spec: TaskSpec, args: Sequence[Any], priority: float = 0.0) -> Any:
        where = [self.addresses[worker]] if worker is not None else self.restrict
        key = f"{spec.task}-{uuid.uuid4().hex[:12]}"
        self._task_of_key[key] = spec.task
        return self.client.submit(
            execute_task, spec, *args, key=key,
            workers=where, allow_other_workers=False, pure=False, priority=priority,
        )

    def poll(self, force: bool = False) -> WorkerLost | None:
        # a worker that died is gone from the scheduler at once (its connection closed);
        # the scheduler's event log says which tasks it was running
        if self._lost is not None or self.client is None:
            return self._lost
        now = time.monotonic()
        if not force and now - self._last_poll < DASK_POLL_S:
            return None
        self._last_poll = now
        try:
            present = self.client.nthreads()
        except Exception:  # the scheduler itself is unreachable
            self._lost = WorkerLost(f"lost the connection to the Dask scheduler {self.info.get('scheduler', '')}"
                                    .rstrip())
            return self._lost
        gone = [a for a in self.addresses if a not in present]
        if not gone:
            return None
        address = gone[0]
        label = f"P{self.address_index[address] + 1}"
        tasks: list[str] = []
        try:
            for _, event in self.client.get_events(address):
                if isinstance(event, dict) and event.get("action") == "remove-worker":
                    tasks = sorted({self._task_of_key[k] for k in event.get("processing-tasks", ())
                                    if k in self._task_of_key})
        except Exception:  # no event log: the tasks stay unnamed
            pass
        if tasks:
            # Dask's "processing": the task it ran and any queued behind it
            what = ("task " if len(tasks) == 1 else "tasks ") + ", ".join(map(repr, tasks))
            self._lost = WorkerLost(f"Dask worker {label} ({address}) died with {what} on it", tasks)
        else:
            self._lost = WorkerLost(f"Dask worker {label} ({address}) died (no task of the run was on it)")
        return self._lost

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

    def abort(self, futures: Iterable[Any]) -> list[Any]:
        running = list(futures)
        # tasks in worker threads cannot be interrupted: on our own cluster in
        # processes they die with their processes; elsewhere they run on
        left: list[Any] = [] if self._pids else running
        client, cluster = self.client, self.cluster
        self.client = self.cluster = None
        if client is not None:
            try:
                if running:
                    client.cancel(running, force=True)
                client.close(timeout=DASK_CLOSE_TIMEOUT)
            except Exception:  # closing what is already broken
                pass
        pids = set(self._pids)
        if cluster is not None:
            for w in list(getattr(cluster, "workers", {}).values()):
                try:
                    if self._processes:
                        # a nanny: no restart, then its worker process (a restarted one too) dies
                        w.close_gracefully()
                        if w.pid:
                            pids.add(int(w.pid))
                    else:
                        # in-process workers: close them without waiting for their task threads
                        cluster.sync(w.close, executor_wait=False, timeout=DASK_CLOSE_TIMEOUT,
                                     callback_timeout=DASK_CLOSE_TIMEOUT)
                except Exception:  # already closing or closed
                    pass
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if cluster is not None:
            try:
                cluster.close(timeout=DASK_CLOSE_TIMEOUT)
            except Exception:  # a worker thread still runs a task: stop waiting
                pass
        return left


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
