"""What runs inside a worker: the task wrapper, synthetic work and its calibration.

This module is imported by worker processes and Dask workers, so it uses the standard
library only. A task is described by a small picklable :class:`TaskSpec`; the wrapper
:func:`execute_task` receives the outputs of the task's predecessors, waits until the
modelled network has delivered their data, runs the work and returns a
:class:`TaskOutput` carrying the times measured by the worker itself.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "WORK_MODES",
    "Payload",
    "TaskOutput",
    "TaskSpec",
    "calibrate",
    "execute_task",
    "process_main",
    "resolve_call",
]

#: synthetic work kinds: ``cpu`` hashes memory (CPU-bound, releases the GIL, so threads
#: really run in parallel), ``python`` spins a pure-Python loop (holds the GIL),
#: ``sleep`` only waits (no CPU)
WORK_MODES = ("cpu", "python", "sleep")

_BLOCK = b"\x5a" * 16384
_local = threading.local()
_process_worker: int | None = None
_rates: dict[str, float] = {}


class Payload(dict):  # type: ignore[type-arg]
    """The bytes a synthetic task sends: successor id -> ``bytes`` of the edge's size."""


@dataclass(frozen=True)
class TaskSpec:
    """Everything a worker needs to run one task (small and picklable).

    Attributes
    ----------
    task : str
        Task id.
    costs : tuple of float
        Execution time of the task on each logical worker, in cost units.
    time_scale : float
        Seconds of work per cost unit.
    work : str
        One of :data:`WORK_MODES`.
    rate : float
        Calibrated iterations per second of the work loop.
    preds : tuple of (str, tuple of float)
        Predecessor ids, in the order their outputs are passed, each with the modelled
        transfer delay (seconds) of its data to every logical worker (0 where the
        predecessor ran).
    out : tuple of (str, int)
        Successor ids and the payload size in bytes sent to each.
    call : str or None
        ``"package.module:function"`` run instead of synthetic work.
    kwargs : dict
        Extra keyword arguments of ``call``.
    clock : str
        ``"perf"`` (:func:`time.perf_counter`, one process) or ``"wall"`` (:func:`time.time`).
    address_index : dict
        Dask worker address -> logical worker index (empty for local pools).
    worker : int or None
        The logical worker the task must run on, when known (checked, not trusted).
    """

    task: str
    costs: tuple[float, ...]
    time_scale: float
    work: str
    rate: float
    preds: tuple[tuple[str, tuple[float, ...]], ...] = ()
    out: tuple[tuple[str, int], ...] = ()
    call: str | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)
    clock: str = "perf"
    address_index: dict[str, int] = field(default_factory=dict)
    worker: int | None = None


@dataclass(frozen=True)
class TaskOutput:
    """What a task returns: where and when it ran (worker clock) and its value.

    Attributes
    ----------
    task : str
        Task id.
    worker : int
        Logical worker index it ran on.
    received : float
        When the wrapper started with all inputs in hand.
    arrivals : tuple of float
        Per predecessor (in :attr:`TaskSpec.preds` order): when its data was available
        here (after the modelled network delay).
    start, finish : float
        The work's start and finish.
    value : Any
        The result: a :class:`Payload` for synthetic tasks, the callable's return value
        otherwise.
    """

    task: str
    worker: int
    received: float
    arrivals: tuple[float, ...]
    start: float
    finish: float
    value: Any = None

    def for_successor(self, succ: str) -> TaskOutput:
        """The same output with only the part of a payload meant for ``succ``."""
        if isinstance(self.value, Payload):
            return TaskOutput(self.task, self.worker, self.received, self.arrivals, self.start,
                              self.finish, Payload({succ: self.value.get(succ, b"")}))
        return self


# ------------------------------------------------------------------ worker identity
def init_thread_worker(index: int) -> None:
    """Initializer of a single-thread executor: remember its logical worker index."""
    _local.worker = index


def init_process_worker(index: int) -> None:
    """Initializer of a worker process: remember its index; Ctrl-C belongs to the parent."""
    global _process_worker
    _process_worker = index
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except (ValueError, OSError):  # pragma: no cover - not the main thread
        pass


def ignore_interrupts() -> int:
    """In a Dask worker process: leave Ctrl-C to the run's process; return this process's id.

    Ctrl-C in a terminal reaches every process of the job; the run's process stops the
    run and the cluster itself.
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    return os.getpid()


def noop(_: Any = None) -> int:
    """Warm-up call: returns the logical worker index of the caller (-1 if unknown)."""
    w = getattr(_local, "worker", None)
    if w is None:
        w = _process_worker
    return -1 if w is None else int(w)


def current_worker(spec: TaskSpec) -> int:
    """The logical worker index of the code calling this, from the worker itself."""
    w = getattr(_local, "worker", None)
    if w is not None:
        return int(w)
    if _process_worker is not None:
        return _process_worker
    if spec.address_index:
        from distributed import get_worker

        address = get_worker().address
        if address not in spec.address_index:
            # a worker that replaced a dead one: the run's logical workers are gone
            raise RuntimeError(f"task {spec.task!r} landed on Dask worker {address}, which is not one of the "
                               "run's workers (one of them died?)")
        return spec.address_index[address]
    raise RuntimeError("task runs outside a TaskMapper worker")


# ------------------------------------------------------------------------- work
def _hash_loop(n: int) -> None:
    h = hashlib.sha256
    b = _BLOCK
    for _ in range(n):
        h(b).digest()


def _python_loop(n: int) -> None:
    x = 1
    for _ in range(n):
        x = (x * 1103515245 + 12345) & 0xFFFFFFFF


_LOOPS: dict[str, Callable[[int], None]] = {"cpu": _hash_loop, "python": _python_loop}


def calibrate(work: str = "cpu", *, seconds: float = 0.05) -> float:
    """Iterations per second of the ``work`` loop on this machine (measured once, cached).

    The best of three short runs is kept, so a briefly busy machine does not make
    every task too short.

    Examples
    --------
    >>> calibrate("cpu") > 0
    True
    >>> calibrate("sleep")
    1.0
    """
    if work == "sleep":
        return 1.0
    if work in _rates:
        return _rates[work]
    loop = _LOOPS[work]
    n = 64 if work == "cpu" else 20000
    # grow the batch until one run lasts long enough to time
    while True:
        t = time.perf_counter()
        loop(n)
        d = time.perf_counter() - t
        if d >= seconds / 4:
            break
        n *= 2
    best = n / d
    for _ in range(2):
        t = time.perf_counter()
        loop(n)
        best = max(best, n / max(time.perf_counter() - t, 1e-9))
    _rates[work] = best
    return best


def do_work(work: str, seconds: float, rate: float) -> None:
    """Run ``seconds`` of calibrated synthetic work."""
    if seconds <= 0:
        return
    if work == "sleep":
        time.sleep(seconds)
        return
    _LOOPS[work](max(1, round(seconds * rate)))


def resolve_call(name: str) -> Callable[..., Any]:
    """The callable named ``"package.module:function"`` (``AttributeError``/``ImportError`` if absent).

    Examples
    --------
    >>> resolve_call("math:hypot")(3, 4)
    5.0
    """
    mod, sep, attr = name.partition(":")
    if not sep or not mod or not attr:
        raise ValueError(f"{name!r} is not of the form 'package.module:function'")
    obj: Any = importlib.import_module(mod)
    for part in attr.split("."):
        obj = getattr(obj, part)
    if not callable(obj):
        raise TypeError(f"{name!r} is not callable")
    return obj  # type: ignore[no-any-return]


def _clock(kind: str) -> Callable[[], float]:
    return time.perf_counter if kind == "perf" else time.time


def execute_task(spec: TaskSpec, *inputs: TaskOutput) -> TaskOutput:
    """Run one task on the calling worker and return its :class:`TaskOutput`.

    ``inputs`` are the predecessors' outputs in ``spec.preds`` order. The task starts
    only once every input is here and the modelled transfer of each input from another
    worker has elapsed.
    """
    clock = _clock(spec.clock)
    received = clock()
    me = current_worker(spec)
    if spec.worker is not None and me != spec.worker:
        raise RuntimeError(f"task {spec.task!r} ran on worker #{me + 1}, not #{spec.worker + 1}")
    arrivals = []
    for (_, delays), inp in zip(spec.preds, inputs):
        arrivals.append(max(received, inp.finish + delays[me]) if inp.worker != me else max(received, inp.finish))
    ready = max(arrivals, default=received)
    now = clock()
    while now < ready:
        time.sleep(ready - now)
        now = clock()
    start = now
    if spec.call is not None:
        fn = resolve_call(spec.call)
        args = {}
        for (pid, _), inp in zip(spec.preds, inputs):
            v = inp.value
            args[pid] = v.get(spec.task, b"") if isinstance(v, Payload) else v
        value: Any = fn(args, **spec.kwargs)
    else:
        do_work(spec.work, spec.costs[me] * spec.time_scale, spec.rate)
        value = Payload({succ: bytes(size) for succ, size in spec.out})
    finish = clock()
    return TaskOutput(spec.task, me, received, tuple(arrivals), start, finish, value)


# ------------------------------------------------------------------ worker processes
class RemoteError(Exception):
    """A task's exception that cannot be sent between processes, as its type name and text."""


def _exit_with_parent(life: Any) -> None:
    # ``life`` is the read end of a pipe whose only write end the run's process holds:
    # end of file means that process is gone (closed it, exited or was killed)
    try:
        life.recv_bytes()
    except (EOFError, OSError):
        pass
    os._exit(1)


def _parent_death_signal() -> None:
    """On Linux, ask the kernel to SIGKILL this process when its parent dies.

    This works even while a task holds the GIL, where the watchdog thread cannot run.
    The parent is the forkserver, which exits when the run's process does.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - no prctl
        pass


def _sendable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling, else a :class:`RemoteError` with its type and text."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RemoteError(f"{type(exc).__name__}: {exc}")
    return exc


def process_main(index: int, conn: Any, life: Any) -> None:
    """Main function of a worker process: run the tasks ``conn`` sends until told to stop.

    Ctrl-C is ignored (it belongs to the run's process, which stops the workers). The
    process exits as soon as the run's process is gone: a watchdog thread waits on
    ``life``, and on Linux the kernel sends SIGKILL when the parent dies.
    """
    init_process_worker(index)
    _parent_death_signal()
    threading.Thread(target=_exit_with_parent, args=(life,), name="taskmapper-watchdog", daemon=True).start()
    conn.send(("ready", index))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        spec, args = job
        try:
            reply: tuple[str, Any] = ("ok", execute_task(spec, *args))
        except BaseException as e:  # the task's failure is reported, the worker goes on
            reply = ("error", _sendable(e))
        try:
            conn.send(reply)
        except (EOFError, OSError):
            return
        except Exception as e:  # the result does not pickle
            conn.send(("error", RemoteError(
                f"the result of task {spec.task!r} cannot be sent between processes: {type(e).__name__}: {e}")))
