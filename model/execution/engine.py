"""Running a task graph for real and recording what happened as a trace.

The engine holds the policy. *Mapped*: every task runs on the worker a schedule chose,
each worker taking its tasks in the schedule's order. *Dynamic*: a ready task (all
inputs done) goes to the next free worker, the most urgent task first (upward rank).
Either way a task is submitted only once its predecessors have finished, so the
workers never hold a queue the engine cannot cancel.
"""

from __future__ import annotations

import heapq
import math
import queue
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ..graph import GraphError, Network, Platform, TaskGraph
from ..instance import Instance, compile_instance
from ..schedule import Schedule, Slot, Transfer
from ._worker import WORK_MODES, TaskOutput, TaskSpec, calibrate, resolve_call
from .backends import EXECUTORS, Backend, WorkerLost, make_backend

__all__ = ["CallsNotAllowed", "ExecutionError", "call_modules", "calls_in", "describe_calls", "run_graph",
           "trace_platform"]

#: seconds running tasks get to finish once a run is asked to stop
GRACE_S = 1.0


class ExecutionError(GraphError):
    """A task raised an exception or a worker died; :attr:`trace` holds the partial trace up to then."""

    def __init__(self, message: str, trace: Schedule | None = None) -> None:
        super().__init__(message)
        self.trace = trace


class CallsNotAllowed(GraphError):
    """The graph names code to run (``call``) that the caller did not allow.

    Attributes
    ----------
    calls : dict
        ``"module:function"`` -> ids of the tasks calling it, for every call not allowed.
    """

    def __init__(self, message: str, calls: dict[str, list[str]]) -> None:
        super().__init__(message)
        self.calls = calls


def calls_in(graph: TaskGraph) -> dict[str, list[str]]:
    """The code a run of ``graph`` would import and call: ``"module:function"`` -> task ids.

    Reads the tasks' ``call`` attributes only: nothing is imported. Use it to ask the
    user before passing ``allow_calls`` to :func:`run_graph`. Calls are in the order of
    their first task, tasks in the graph's order.

    Raises
    ------
    GraphError
        A ``call`` that is not a string of the form ``"package.module:function"``.

    Examples
    --------
    >>> g = TaskGraph("g"); g.add_task("a", 1, call="pkg.mod:f"); g.add_task("b", 1)
    >>> g.add_task("c", 1, call="pkg.mod:f")
    >>> calls_in(g)
    {'pkg.mod:f': ['a', 'c']}
    """
    calls: dict[str, list[str]] = {}
    for t in graph.tasks:
        name = graph.task_attrs(t).get("call")
        if name is None:
            continue
        if not isinstance(name, str):
            raise GraphError(f"'call' of task {t!r} must be a string 'package.module:function'")
        mod, sep, attr = name.partition(":")
        if not sep or not mod or not attr:
            raise GraphError(f"task {t!r}: cannot use call {name!r}: ValueError: {name!r} is not of the form "
                             "'package.module:function'")
        calls.setdefault(name, []).append(t)
    return calls


def call_modules(calls: Mapping[str, Collection[str]]) -> list[str]:
    """The modules of ``calls`` (as from :func:`calls_in`), sorted, each once.

    Examples
    --------
    >>> call_modules({"pydoc:pipepager": ["T1"], "mypkg.tasks:f": ["T3"], "pydoc:help": ["T4"]})
    ['mypkg.tasks', 'pydoc']
    """
    return sorted({name.partition(":")[0] for name in calls})


def describe_calls(calls: Mapping[str, Collection[str]], *, limit: int = 5) -> str:
    """``runs code from MODULES (tasks T1, T3, ...)``: the code of ``calls`` in one phrase.

    Examples
    --------
    >>> describe_calls({"pydoc:pipepager": ["T1"], "mypkg.tasks:f": ["T3"]})
    'runs code from mypkg.tasks, pydoc (tasks T1, T3)'
    >>> describe_calls({"m:f": [f"T{k}" for k in range(8)]})
    'runs code from m (tasks T0, T1, T2, T3, T4, ...)'
    """
    tasks = [t for ts in calls.values() for t in ts]
    shown = ", ".join(tasks[:limit]) + (", ..." if len(tasks) > limit else "")
    return f"runs code from {', '.join(call_modules(calls))} ({'task' if len(tasks) == 1 else 'tasks'} {shown})"


def trace_platform(platform: Platform, time_scale: float, *, network: bool = True) -> Platform:
    """``platform`` with its network in seconds, to check a trace recorded with ``time_scale``.

    A run waits ``(latency + data / bandwidth) * time_scale`` seconds before a task uses
    data from another worker, so a trace satisfies :meth:`Schedule.check` against this
    platform (with ``check_durations=False``). Without network emulation, transfers are
    instant.

    Examples
    --------
    >>> p = trace_platform(Platform.homogeneous(2, bandwidth=2.0, latency=1.0), 0.01)
    >>> round(p.network.comm_time(10, "P1", "P2"), 9)
    0.06
    """
    net = platform.network
    if not network or time_scale <= 0:
        return Platform(platform.workers, Network(sys.float_info.max, 0.0))
    links = {k: (bw / time_scale, lat * time_scale) for k, (bw, lat) in net.links.items()}
    return Platform(platform.workers, Network(net.bandwidth / time_scale, net.latency * time_scale, links))


@dataclass
class _Run:
    """The state of one run, driven from the calling thread."""

    graph: TaskGraph
    inst: Instance
    backend: Backend
    mapped: bool
    time_scale: float
    data_scale: float
    work: str
    rate: float
    network: bool
    order: list[list[int]] = field(default_factory=list)  # mapped: per-worker task order
    priority: list[float] = field(default_factory=list)
    cancel: Any = None
    progress: Callable[[int, int], None] | None = None
    on_slot: Callable[[Slot], None] | None = None
    results: dict[str, Any] | None = None
    calls: dict[int, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    #: seconds running tasks get to finish once the run is asked to stop
    grace: float = GRACE_S
    #: the run's time 0 on the workers' clock
    origin: float = 0.0

    def __post_init__(self) -> None:
        n, m = self.inst.n, self.inst.m
        self.done_q: queue.Queue[int] = queue.Queue()
        self.outputs: dict[int, TaskOutput] = {}
        self.futures: dict[int, Any] = {}
        self.running: dict[int, int | None] = {}  # task -> worker (None: the engine's choice)
        self.missing = [len(p) for p in self.inst.preds]
        self.consumers = [len(s) for s in self.inst.succs]
        self.next_in_order = [0] * m
        self.busy = [False] * m
        self.free: deque[int] = deque(range(m))
        pos = {t: k for k, t in enumerate(self.inst.topo)}
        self.pos = pos
        self.ready: list[tuple[float, int, int]] = []
        if not self.mapped:
            for i in range(n):
                if self.missing[i] == 0:
                    heapq.heappush(self.ready, (-self.priority[i], pos[i], i))
        self.stopping = False
        self.stop_reason: str | None = None
        self.error: str | None = None
        #: when running tasks stop being waited for (time.monotonic), once stopping
        self.deadline: float | None = None
        #: Ctrl-C presses seen (by the signal handler, or KeyboardInterrupt from a callback)
        self.interrupts = 0
        #: tasks still running when the run stopped waiting for them
        self.abandoned: list[int] = []

    def stop(self, reason: str, grace: float) -> None:
        """Start no new task; wait at most ``grace`` more seconds for the running ones."""
        if not self.stopping:
            self.stopping = True
            self.stop_reason = reason
        deadline = time.monotonic() + grace
        if self.deadline is None or deadline < self.deadline:
            self.deadline = deadline

    def fail(self, message: str) -> None:
        """Record the run's first failure and stop it."""
        if self.error is None:
            self.error = message
            self.stop_reason = "failed"
        self.stop("failed", self.grace)

    # ------------------------------------------------------------ submission
    def _spec(self, i: int, worker: int | None) -> TaskSpec:
        inst = self.inst
        m = inst.m
        preds = []
        for j, d in zip(inst.preds[i], inst.pred_data[i]):
            pj = self.outputs[j].worker
            if self.network and self.time_scale > 0:
                row = tuple(inst.comm(d, pj, q) * self.time_scale for q in range(m))
            else:
                row = (0.0,) * m
            preds.append((inst.tasks[j], row))
        out = tuple((inst.tasks[j], round(d * self.data_scale))
                    for j, d in zip(inst.succs[i], inst.succ_data[i]))
        call, kwargs = self.calls.get(i, (None, {}))
        return TaskSpec(
            task=inst.tasks[i], costs=tuple(float(c) for c in inst.w[i]), time_scale=self.time_scale,
            work=self.work, rate=self.rate, preds=tuple(preds), out=out, call=call, kwargs=kwargs,
            clock=self.backend.clock, address_index=self.backend.address_index, worker=worker,
        )

    def _submit(self, i: int, worker: int | None) -> None:
        args = [self.backend.argument(self.outputs[j], self.futures.get(j), self.inst.tasks[i])
                for j in self.inst.preds[i]]
        fut = self.backend.submit(worker, self._spec(i, worker), args, priority=self.priority[i])
        self.futures[i] = fut
        self.running[i] = worker
        if worker is not None:
            self.busy[worker] = True
        fut.add_done_callback(lambda _f, i=i: self.done_q.put(i))

    def _dispatch(self) -> None:
        if self.stopping:
            return
        if self.mapped:
            for p in range(self.inst.m):
                if self.busy[p] or self.next_in_order[p] >= len(self.order[p]):
                    continue
                i = self.order[p][self.next_in_order[p]]
                if self.missing[i] == 0:
                    self.next_in_order[p] += 1
                    self._submit(i, p)
        elif self.backend.address_index:
            # Dask places dynamic tasks itself: keep one task in flight per worker
            while self.ready and len(self.running) < self.inst.m:
                _, _, i = heapq.heappop(self.ready)
                self._submit(i, None)
        else:
            while self.ready and self.free:
                _, _, i = heapq.heappop(self.ready)
                self._submit(i, self.free.popleft())

    # ------------------------------------------------------------ completion
    def _complete(self, i: int) -> None:
        worker = self.running.pop(i)
        fut = self.futures[i]
        if worker is not None:
            self.busy[worker] = False
            self.free.append(worker)
        try:
            out: TaskOutput = fut.result()
        except BaseException as e:  # any failure of user code stops the run
            self.futures.pop(i, None)
            # a task failing because its worker died: say that, not its echo
            lost = e if isinstance(e, WorkerLost) else self.backend.poll(force=True)
            if lost is not None:
                self.fail(str(lost))
            elif type(e).__name__ == "KilledWorker":  # Dask gave up on a task that kills workers
                self.fail(f"task {self.inst.tasks[i]!r} killed every Dask worker it ran on: {e}")
            else:
                self.fail(f"task {self.inst.tasks[i]!r} failed: {type(e).__name__}: {e}")
            return
        self.outputs[i] = out
        if self.results is not None and i in self.calls:
            self.results[self.inst.tasks[i]] = out.value
        for j in self.inst.preds[i]:
            self.consumers[j] -= 1
            if self.consumers[j] == 0:
                # every successor has its input: drop the data, keep the times
                o = self.outputs[j]
                self.outputs[j] = TaskOutput(o.task, o.worker, o.received, o.arrivals, o.start, o.finish)
                f = self.futures.pop(j, None)
                if f is not None:
                    self.backend.release(f)
        for j in self.inst.succs[i]:
            self.missing[j] -= 1
            if self.missing[j] == 0 and not self.mapped:
                heapq.heappush(self.ready, (-self.priority[j], self.pos[j], j))
        if self.consumers[i] == 0:
            self.outputs[i] = TaskOutput(out.task, out.worker, out.received, out.arrivals, out.start, out.finish,
                                         out.value if i in self.calls else None)
            f = self.futures.pop(i, None)
            if f is not None:
                self.backend.release(f)
        if self.on_slot is not None:
            self.on_slot(Slot(out.task, self.inst.workers[out.worker], out.start - self.origin,
                              out.finish - self.origin))
        if self.progress is not None:
            self.progress(len(self.outputs), self.inst.n)

    def loop(self) -> None:
        """Submit and collect until every task ran, or until stopped and drained.

        Once stopping, running tasks get :attr:`grace` seconds (none after a second
        Ctrl-C); those still running then are left in :attr:`abandoned`.
        """
        n = self.inst.n
        while True:
            if self.interrupts:
                self.stop("interrupted", self.grace if self.interrupts == 1 else 0.0)
                if self.stop_reason != "failed":
                    self.stop_reason = "interrupted"
            if self.cancel is not None and self.cancel.is_set() and not self.stopping:
                self.stop("cancelled", self.grace)
            self._dispatch()
            if self.running and self.deadline is not None and time.monotonic() >= self.deadline:
                self.abandoned = sorted(self.running, key=lambda i: self.pos[i])
                return
            if not self.running:
                if self.stopping or len(self.outputs) == n:
                    return
                stuck = [self.inst.tasks[self.order[p][self.next_in_order[p]]]
                         for p in range(self.inst.m) if self.next_in_order[p] < len(self.order[p])]
                raise GraphError(
                    "the schedule's order cannot be followed: task(s) "
                    + ", ".join(map(repr, stuck[:5])) + " wait for predecessors placed after them"
                )
            try:
                i = self.done_q.get(timeout=0.05)
            except queue.Empty:
                lost = self.backend.poll() if self.error is None else None
                if lost is not None:
                    self.fail(str(lost))
                continue
            self._complete(i)


def _clock(kind: str) -> Callable[[], float]:
    return time.perf_counter if kind == "perf" else time.time


def _mapping_order(graph: TaskGraph, platform: Platform, inst: Instance, schedule: Schedule) -> list[list[int]]:
    index = {t: k for k, t in enumerate(inst.tasks)}
    widx = {w: k for k, w in enumerate(platform.ids)}
    pos = {t: k for k, t in enumerate(inst.topo)}
    at = schedule.slot_of()
    order: list[list[tuple[float, float, int, int]]] = [[] for _ in range(inst.m)]
    for t in inst.tasks:
        s = at.get(t)
        if s is None:
            raise GraphError(f"the schedule has no slot for task {t!r}")
        if s.worker not in widx:
            raise GraphError(f"the schedule puts task {t!r} on worker {s.worker!r}, which the platform does not have "
                             f"(workers: {', '.join(platform.ids)})")
        i = index[t]
        order[widx[s.worker]].append((s.start, s.finish, pos[i], i))
    extra = [s.task for s in schedule.slots if s.task not in index]
    if extra:
        raise GraphError(f"the schedule places task {extra[0]!r}, which the graph does not have")
    return [[i for *_, i in sorted(lst)] for lst in order]


def _calls(graph: TaskGraph, inst: Instance,
           allow_calls: bool | Collection[str]) -> dict[int, tuple[str, dict[str, Any]]]:
    """The calls of the graph's tasks, checked, after the caller's consent.

    Nothing is imported before the consent: the forms are checked, then the consent,
    then each module is imported to find its function.
    """
    named = calls_in(graph)
    index = {t: k for k, t in enumerate(inst.tasks)}
    calls: dict[int, tuple[str, dict[str, Any]]] = {}
    for name, tasks in named.items():
        for t in tasks:
            kw = graph.task_attrs(t).get("kwargs", {})
            if not isinstance(kw, Mapping) or not all(isinstance(k, str) for k in kw):
                raise GraphError(f"'kwargs' of task {t!r} must be an object (keyword -> value)")
            calls[index[t]] = (name, dict(kw))
    if allow_calls is True:
        refused = {}
    elif allow_calls is False:
        refused = named
    else:
        allowed = {allow_calls} if isinstance(allow_calls, str) else set(allow_calls)
        refused = {name: ts for name, ts in named.items() if name not in allowed}
    if refused:
        raise CallsNotAllowed(f"the graph {describe_calls(refused)}, which the run was not allowed to do",
                              refused)
    for name, tasks in named.items():
        try:
            resolve_call(name)
        except Exception as e:  # any import problem is bad input
            raise GraphError(f"task {tasks[0]!r}: cannot use call {name!r}: {_call_problem(name, e)}") from None
    return calls


@contextmanager
def _sigint_counted(run: _Run) -> Iterator[None]:
    """While the run lasts, Ctrl-C only counts presses, read by :meth:`_Run.loop`.

    So Ctrl-C never breaks the engine or Dask halfway through a step. The third press
    raises :class:`KeyboardInterrupt` as usual. Only in the main thread, and only when
    Ctrl-C has Python's default handler.
    """
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler):
        yield
        return

    def on_sigint(signum: int, frame: Any) -> None:
        run.interrupts += 1
        if run.interrupts >= 3:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _call_problem(name: str, e: Exception) -> str:
    """What is wrong with a ``call``, in words naming the missing module or function."""
    mod, _, attr = name.partition(":")
    if isinstance(e, ModuleNotFoundError) and e.name is not None and (mod == e.name or mod.startswith(e.name + ".")):
        return (f"no module named {e.name!r} on the Python path "
                "(put its folder on PYTHONPATH or install its package)")
    if isinstance(e, AttributeError) and attr and not isinstance(e, ModuleNotFoundError):
        return f"module {mod!r} has no function {attr!r}"
    if isinstance(e, ImportError):  # found, but importing it fails
        return f"importing module {mod!r} fails: {type(e).__name__}: {e}"
    return f"{type(e).__name__}: {e}"


def run_graph(
    graph: TaskGraph,
    platform: Platform | None = None,
    *,
    executor: str = "threads",
    schedule: Schedule | None = None,
    dynamic: bool = False,
    algorithm: str = "heft",
    time_scale: float = 0.01,
    data_scale: float = 1000.0,
    work: str = "cpu",
    network: bool = True,
    scheduler_address: str | None = None,
    dask_processes: bool = False,
    allow_calls: bool | Collection[str] = True,
    cancel: Any = None,
    grace: float = GRACE_S,
    progress: Callable[[int, int], None] | None = None,
    on_slot: Callable[[Slot], None] | None = None,
    results: dict[str, Any] | None = None,
) -> Schedule:
    """Execute ``graph`` for real on ``platform``'s workers and return the trace.

    Parameters
    ----------
    graph : TaskGraph
        The graph. A task with a ``"call": "package.module:function"`` attribute runs
        that function with a dict ``predecessor id -> result`` (plus its ``kwargs``
        attribute, a JSON object, as keyword arguments); any other task runs synthetic
        work.
    platform : Platform, optional
        Its workers are the logical workers (default: the graph's).
    executor : {"threads", "processes", "dask"}
        One thread per worker, one process per worker, or one Dask worker (one
        thread) per worker.
    schedule : Schedule, optional
        Mapping to follow: each task on its worker, in the schedule's order per worker.
    dynamic : bool
        Ignore any mapping: a free worker takes the most urgent ready task (upward rank);
        on Dask the Dask scheduler places tasks.
    algorithm : str
        Algorithm computing the mapping when neither ``schedule`` nor ``dynamic`` is given.
    time_scale : float
        Seconds of synthetic work per cost unit.
    data_scale : float
        Payload bytes per data unit of an edge.
    work : {"cpu", "python", "sleep"}
        Synthetic work: calibrated hashing (releases the GIL), a pure-Python loop, or
        sleeping.
    network : bool
        Wait the modelled transfer time, ``(latency + data / bandwidth) * time_scale``,
        before a task uses data from another worker, so traces compare with predictions.
        The real payload is moved in any case.
    scheduler_address : str, optional
        Existing Dask scheduler to use instead of a new ``LocalCluster``.
    dask_processes : bool
        Whether a new ``LocalCluster`` runs its workers in processes.
    allow_calls : bool or collection of str
        Whether the ``call`` tasks may run: ``True`` (all), ``False`` (none: a graph with
        calls raises :class:`CallsNotAllowed`), or the ``"module:function"`` names the
        user agreed to (any other raises). Checked before any module is imported; show
        the user :func:`calls_in` first when the graph comes from a file.
    cancel : threading.Event, optional
        When set, no new task starts; running tasks get ``grace`` seconds to finish,
        then the run stops waiting for them; the partial trace is returned.
    grace : float
        Seconds running tasks get to finish once the run is cancelled, interrupted or
        failed.
    progress : callable, optional
        ``progress(done, total)`` after each finished task (in the calling thread);
        ``progress(0, total)`` once the workers are up and the run begins.
    on_slot : callable, optional
        ``on_slot(slot)`` with each finished task's slot, as it finishes.
    results : dict, optional
        Filled with ``task id -> return value`` of the ``call`` tasks.

    Returns
    -------
    Schedule
        The trace: ``algorithm="trace"``, worker-measured wall-clock seconds from the
        run's start, one transfer per edge that crossed workers (``start`` = source
        finish, ``finish`` = data available at the target), and ``meta`` describing the
        run: ``partial`` is true when it stopped early, ``stopped`` says why
        (``"cancelled"``, ``"interrupted"``, ``"failed"``), ``abandoned`` lists the tasks
        still running when the run stopped waiting, ``left_running`` those of them whose
        code may still be running (in threads, which Python cannot kill: ours, or the
        worker threads of an in-process or external Dask cluster). Ctrl-C in the main
        thread stops the run like ``cancel``; a second Ctrl-C stops waiting at once.

    Raises
    ------
    GraphError
        Bad graph, platform, schedule or options; :class:`CallsNotAllowed` for calls not
        allowed; :class:`ExecutionError` when a task raises or a worker dies (with the
        partial trace).

    Notes
    -----
    Stopping ends the run within ``grace`` seconds plus about one second: worker
    threads are left to finish in the background, worker processes are killed, a Dask
    cluster of our own is closed (its worker processes killed). Worker processes also
    exit by themselves when the process that started them dies. A task that ends its
    thread's process (``os._exit``) ends the whole program under ``threads``; under
    ``processes`` and Dask the run stops with an :class:`ExecutionError` naming the
    worker and the task.

    Start-up (pools, processes, the Dask cluster) happens before time 0 and is not in
    the trace. ``meta["overhead_per_task"]`` is the mean delay between the moment a task
    could start (worker free, inputs arrived per the model) and its real start. Worker
    processes are started with ``forkserver`` (``spawn`` where unavailable), so, as for
    any :mod:`multiprocessing` program, a script calling this with
    ``executor="processes"`` must guard its entry point with
    ``if __name__ == "__main__":``. Dask places dynamic tasks on workers that hold
    their inputs (its data-locality rule), so dynamic Dask runs of small graphs often
    stay on few workers.

    Examples
    --------
    >>> g = TaskGraph("demo"); g.add_task("a", 1); g.add_task("b", 2); g.add_edge("a", "b", 1)
    >>> t = run_graph(g, Platform.homogeneous(2), time_scale=0.001)
    >>> t.algorithm, sorted(s.task for s in t.slots), t.meta["policy"]
    ('trace', ['a', 'b'], 'mapped')
    >>> t.check(g, trace_platform(Platform.homogeneous(2), 0.001), check_durations=False)
    """
    if executor not in EXECUTORS:
        raise GraphError(f"unknown executor {executor!r}; known: {', '.join(EXECUTORS)}")
    if work not in WORK_MODES:
        raise GraphError(f"unknown work kind {work!r}; known: {', '.join(WORK_MODES)}")
    for what, v in (("time scale", time_scale), ("data scale", data_scale), ("grace", grace)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
            raise GraphError(f"{what} must be a non-negative number, got {v!r}")
    if dynamic and schedule is not None:
        raise GraphError("give either a schedule to follow or dynamic=True, not both")
    plat = platform if platform is not None else graph.default_platform()
    inst = compile_instance(graph, plat)
    calls = _calls(graph, inst, allow_calls)
    followed: str | None = None
    predicted: float | None = None
    if not dynamic:
        if schedule is None:
            from ..algorithms import get_algorithm

            schedule = get_algorithm(algorithm).schedule(graph, plat)
        followed = schedule.algorithm
        predicted = schedule.makespan * time_scale
        order = _mapping_order(graph, plat, inst, schedule)
    else:
        order = []
    from ..algorithms.engines import upward_rank

    priority = [float(r) for r in upward_rank(inst)]
    rate = calibrate(work)

    backend = make_backend(executor, inst.m, scheduler_address=scheduler_address, dask_processes=dask_processes)
    run = _Run(graph, inst, backend, not dynamic, float(time_scale), float(data_scale), work, rate, network,
               order=order, priority=priority, cancel=cancel, progress=progress, on_slot=on_slot,
               results=results, calls=calls, grace=float(grace))
    left: list[Any] = []
    finished = False
    try:
        backend.start()
        with _sigint_counted(run):
            run.origin = _clock(backend.clock)()
            begun = False
            while True:
                try:
                    if not begun:
                        begun = True
                        if progress is not None:
                            progress(0, inst.n)
                    run.loop()
                    break
                except KeyboardInterrupt:  # from a callback, or a Ctrl-C outside the main thread
                    run.interrupts += 1
            finished = True
    finally:
        if finished and not run.stopping:
            backend.close()
        else:  # stopped early, or an error escaped: nothing may wait now
            running = [(i, run.futures[i]) for i in run.running if i in run.futures]
            still = {id(f) for f in backend.abort([f for _, f in running])}
            left = [i for i, f in running if id(f) in still]

    trace = _trace(run, plat, executor, followed, predicted, dynamic, backend)
    if run.abandoned:
        trace.meta["abandoned"] = [inst.tasks[i] for i in run.abandoned]
    if left:
        trace.meta["left_running"] = [inst.tasks[i] for i in sorted(left, key=lambda i: run.pos[i])]
    if run.error is not None:
        trace.meta["error"] = run.error
        raise ExecutionError(run.error, trace)
    return trace


def _trace(run: _Run, plat: Platform, executor: str, followed: str | None, predicted: float | None,
           dynamic: bool, backend: Backend) -> Schedule:
    inst, origin = run.inst, run.origin
    index = {t: k for k, t in enumerate(inst.tasks)}
    slots = sorted(
        (Slot(o.task, inst.workers[o.worker], o.start - origin, o.finish - origin) for o in run.outputs.values()),
        key=lambda s: (s.start, s.finish),
    )
    emulated = run.network and run.time_scale > 0
    transfers: list[Transfer] = []
    gaps: list[float] = []
    prev_finish: dict[str, float] = {}
    for s in sorted(slots, key=lambda s: (s.worker, s.start)):
        i = index[s.task]
        o = run.outputs[i]
        # when the model says the task could start: worker free and every input there
        ready = max(0.0, prev_finish.get(s.worker, 0.0))
        for k, (j, d) in enumerate(zip(inst.preds[i], inst.pred_data[i])):
            src = run.outputs[j]
            delay = inst.comm(d, src.worker, o.worker) * run.time_scale if emulated else 0.0
            ready = max(ready, src.finish - origin + delay)
            if src.worker != o.worker:
                transfers.append(Transfer(inst.tasks[j], s.task, inst.workers[src.worker], s.worker,
                                          src.finish - origin, o.arrivals[k] - origin, d))
        gaps.append(max(0.0, s.start - ready))
        prev_finish[s.worker] = s.finish
    n_done = len(slots)
    meta: dict[str, Any] = {
        "graph": run.graph.name,
        "executor": executor,
        "policy": "dynamic" if dynamic else "mapped",
        "followed": followed,
        "time_scale": run.time_scale,
        "data_scale": run.data_scale,
        "work": run.work,
        "network": "emulated" if emulated else "none",
        "overhead_per_task": sum(gaps) / len(gaps) if gaps else 0.0,
        "tasks_done": n_done,
        "tasks_total": inst.n,
        "partial": n_done < inst.n,
        **backend.info,
    }
    if run.stop_reason is not None:
        meta["stopped"] = run.stop_reason
    if predicted is not None:
        meta["predicted_makespan"] = predicted
    return Schedule("trace", plat.ids, slots, transfers, meta)
