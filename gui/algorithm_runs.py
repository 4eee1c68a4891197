"""Algorithm runs off the GUI thread.

An :class:`AlgorithmWorker` is a :class:`~gui.workers.Job` that steps an algorithm's
placement generator (:meth:`model.algorithms.Algorithm.steps`) on a private copy of the
graph and platform and reports through :class:`AlgorithmSignals`, throttled.

:class:`RunManager` starts workers on ``QThreadPool.globalInstance()``, keeps them by
key until they finish, and re-emits their signals tagged with a unique run key.

Anytime algorithms (``anytime = True``) append ``(seconds, best makespan, lower bound)``
points to ``algorithm.info["history"]`` while they search, sometimes for seconds without
yielding a placement (inside a solver). A small watcher thread of the worker forwards the
new points, throttled, as ``bound_progress``, so a plot can follow the search live.

Heavy follow-up work on a result (its metrics, the geometry of its Gantt chart) is done
in the worker too: views register *preparers* with :meth:`RunManager.add_preparer`; each
one runs on the checked schedule before ``result`` is emitted, and the slots read what it
returned with :meth:`RunManager.prepared` instead of blocking the GUI thread.
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
import sys
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from PySide6 import QtCore

from gui.memory import BIG_GRAPH_TASKS
from gui.workers import THROTTLE_S, Job, JobSignals
from model.algorithms import Cancelled, get_algorithm, load_all
from model.graph import Platform, TaskGraph
from model.schedule import Schedule, Slot

__all__ = ["RUN_SWITCH_INTERVAL", "AlgorithmSignals", "AlgorithmWorker", "Preparer", "RunManager"]

#: ``fn(schedule, graph, platform) -> value``: follow-up work on a result, run in the
#: worker thread; it must only read its arguments and never touch a widget
Preparer = Callable[..., Any]

log = logging.getLogger(__name__)

#: interpreter switch interval while runs on big graphs go, in seconds (Python's default is 0.005)
RUN_SWITCH_INTERVAL = 0.001


class AlgorithmSignals(JobSignals):
    """Signals of one :class:`AlgorithmWorker` (besides ``progress``, ``result``,
    ``failed``, ``cancelled`` and ``finished`` of every job)."""

    #: list[Slot]: the placements since the previous emission, in order; throttled
    placed = QtCore.Signal(object)
    #: list[tuple[float, float, float]]: new ``(seconds, best makespan, bound)`` points of an
    #: anytime algorithm's search since the previous emission; throttled
    bound_progress = QtCore.Signal(list)


class AlgorithmWorker(Job):
    """Run one algorithm on one graph in a pool thread (a :class:`~gui.workers.Job`).

    Parameters
    ----------
    algorithm : str
        Registered algorithm name.
    graph, platform
        Private copies made on the GUI thread; the worker only reads them.
    params : dict, optional
        Keyword arguments of the algorithm (``seed``, options).
    throttle : float
        Minimum seconds between two ``progress``/``placed`` emissions.
    prepare : mapping of name to :data:`Preparer`, optional
        Run on the schedule, in this thread, before ``result`` is emitted; what each
        returns (or the exception it raised) is kept in :attr:`prepared` under its name.
    """

    signals_class = AlgorithmSignals
    what = "algorithm run"
    signals: AlgorithmSignals

    def __init__(
        self,
        algorithm: str,
        graph: TaskGraph,
        platform: Platform,
        params: dict[str, Any] | None = None,
        *,
        throttle: float = THROTTLE_S,
        prepare: Mapping[str, Preparer] | None = None,
    ) -> None:
        super().__init__(throttle=throttle)
        self.algorithm = algorithm
        self.graph = graph
        self.platform = platform
        self.params = dict(params or {})
        self.prepare = dict(prepare or {})
        #: name -> what the preparer returned, or the exception it raised; filled before ``result``
        self.prepared: dict[str, Any] = {}
        #: the run key given by :class:`RunManager`
        self.key = ""
        #: seconds spent stepping the algorithm (set when the run ends)
        self.runtime: float | None = None
        #: the Algorithm instance once the run has started (its ``info`` grows live)
        self.algo: Any = None
        #: every search point forwarded by ``bound_progress`` so far
        self.history: list[tuple[float, float, float]] = []
        self._history_lock = threading.Lock()
        #: the best schedule of an anytime run when it was cancelled (``None``: none)
        self.partial: Schedule | None = None

    def flush_history(self) -> int:
        """Emit ``bound_progress`` with the search points not sent yet; return how many.

        Thread-safe: called by the watcher thread, the run loop and at the end, so the
        points go out once each and in order.
        """
        algo = self.algo
        info = getattr(algo, "info", None)
        hist = info.get("history") if isinstance(info, dict) else None
        if not isinstance(hist, list):
            return 0
        with self._history_lock:
            n = len(hist)  # the algorithm appends concurrently: read a stable prefix
            sent = len(self.history)
            if n <= sent:
                return 0
            new = [tuple(float(x) for x in p) for p in hist[sent:n]]
            self.history.extend(new)  # type: ignore[arg-type]
            self.emit(self.signals.bound_progress, new)
            return len(new)

    def _watch_history(self, stop: threading.Event) -> None:
        # the search may not yield for seconds (inside the solver): poll its history
        interval = max(self.throttle, 0.01)
        while not stop.wait(interval):
            self.flush_history()

    def execute(self) -> tuple[str, Any]:
        cancel = self.cancel_event
        if cancel.is_set():
            return "cancelled", None
        self.gate(force=True)  # the first placements go out after one interval
        graph, platform = self.graph, self.platform
        total = len(graph)
        sig = self.signals
        sig.progress.emit(0, total)
        t0 = time.perf_counter()
        stop_watch = threading.Event()
        watcher: threading.Thread | None = None
        best: list[Slot] | None = None
        try:
            algo = get_algorithm(self.algorithm, **self.params)
            self.algo = algo
            if getattr(algo, "anytime", False):
                watcher = threading.Thread(target=self._watch_history, args=(stop_watch,),
                                           name=f"history-{self.key or self.algorithm}", daemon=True)
                watcher.start()
            placed: dict[str, Slot] = {}
            batch: list[Slot] = []
            gate = self.gate
            for slot in algo.steps(graph, platform, cancel=cancel):
                placed[slot.task] = slot
                batch.append(slot)
                if cancel.is_set():
                    best = algo.best_so_far()
                    break
                if gate():
                    sig.placed.emit(batch)
                    batch = []
                    sig.progress.emit(len(placed), total)
        except Cancelled as exc:
            best = exc.best
            cancel.set()
        finally:
            if watcher is not None:
                stop_watch.set()
                watcher.join()
            # the last points (the final bound) go out before the outcome
            self.flush_history()
        self.runtime = time.perf_counter() - t0
        if cancel.is_set():
            return "cancelled", self._cancelled_best(best)
        if batch:
            sig.placed.emit(batch)
        sig.progress.emit(len(placed), total)
        meta = {"graph": graph.name, **algo.info}
        schedule = Schedule.build(algo.name, graph, platform, placed.values(), meta=meta)
        schedule.meta["runtime_s"] = round(self.runtime, 6)
        if not self._prepare(schedule):
            return "cancelled", None
        return "done", schedule

    def _prepare(self, schedule: Schedule, *, honour_cancel: bool = True) -> bool:
        """Run the preparers on ``schedule``; ``False`` when a cancel stopped them."""
        for name, fn in self.prepare.items():
            if honour_cancel and self.cancel_event.is_set():
                return False
            try:
                self.prepared[name] = fn(schedule, self.graph, self.platform)
            except Exception as exc:  # follow-up extras must not lose the schedule
                log.warning("preparing %r of %s failed", name, self.algorithm, exc_info=True)
                self.prepared[name] = exc
        return not (honour_cancel and self.cancel_event.is_set())

    def _cancelled_best(self, best: list[Slot] | None) -> Schedule | None:
        """The best complete schedule an anytime search had found when it was cancelled
        (kept in :attr:`partial`, marked ``cancelled`` and not proven), or ``None``."""
        if not best or self.algo is None:
            return None
        algo = self.algo
        meta: dict[str, Any] = {"graph": self.graph.name, **algo.info}
        meta.update(cancelled=True, proven_optimal=False, runtime_s=round(self.runtime or 0.0, 6))
        bounds = [float(p[2]) for p in self.history if math.isfinite(float(p[2]))]
        try:
            schedule = Schedule.build(algo.name, self.graph, self.platform, best, meta=meta)
        except Exception:  # an algorithm recording an incomplete schedule must not turn a cancel into a failure
            log.warning("the best schedule of the cancelled %s run is not valid", self.algorithm, exc_info=True)
            return None
        if bounds:
            bound = max(bounds)
            schedule.meta["lower_bound"] = bound
            schedule.meta["gap"] = schedule.makespan / bound - 1.0 if bound > 0 else 0.0
        self._prepare(schedule, honour_cancel=False)
        self.partial = schedule
        return schedule


class RunManager(QtCore.QObject):
    """Start algorithm runs on the global thread pool and track them by key.

    Keys are unique per run (``"heft#3"``). The signals below are emitted on the GUI
    thread.
    """

    run_started = QtCore.Signal(str)
    run_progress = QtCore.Signal(str, int, int)
    #: (key, list[Slot]) placements since the previous emission, for construction replays
    run_placed = QtCore.Signal(str, object)
    run_finished = QtCore.Signal(str, object)
    run_failed = QtCore.Signal(str, str)
    run_cancelled = QtCore.Signal(str)
    #: (key, list of new ``(seconds, best makespan, bound)`` points) of an anytime run
    run_bound = QtCore.Signal(str, list)

    def __init__(self, parent: QtCore.QObject | None = None, *, throttle: float = THROTTLE_S) -> None:
        super().__init__(parent)
        self.pool = QtCore.QThreadPool.globalInstance()
        self.throttle = throttle
        self._workers: dict[str, AlgorithmWorker] = {}
        self._preparers: dict[str, tuple[Preparer, Callable[[], Mapping[str, Any]] | None]] = {}
        #: runs on big graphs going, and the switch interval to restore when the last ends
        self._big_runs: set[str] = set()
        self._switch_interval: float | None = None
        self._counter = itertools.count(1)
        # Import every algorithm module here, on the GUI thread, not concurrently in workers.
        load_all()

    # ------------------------------------------------------------------ control
    def start(
        self,
        algorithm: str,
        graph: TaskGraph,
        platform: Platform,
        params: dict[str, Any] | None = None,
    ) -> str:
        """Run ``algorithm`` on ``graph``/``platform`` in the background; return its key.

        ``graph`` and ``platform`` must be copies the caller no longer mutates
        (``Document.snapshot()``).
        """
        key = f"{algorithm}#{next(self._counter)}"
        # what the preparers need of the GUI is read now, on the GUI thread, never in the worker
        prepare = {name: (functools.partial(fn, **capture()) if capture is not None else fn)
                   for name, (fn, capture) in self._preparers.items()}
        worker = AlgorithmWorker(algorithm, graph, platform, params, throttle=self.throttle, prepare=prepare)
        worker.key = key
        s = worker.signals
        # Connections use the signals object (GUI thread) as context, so they are queued.
        s.progress.connect(lambda done, total, k=key: self.run_progress.emit(k, done, total))
        s.placed.connect(lambda slots, k=key: self.run_placed.emit(k, slots))
        s.result.connect(lambda sched, k=key: self.run_finished.emit(k, sched))
        s.failed.connect(lambda msg, k=key: self.run_failed.emit(k, msg))
        s.cancelled.connect(lambda _partial=None, k=key: self.run_cancelled.emit(k))
        s.bound_progress.connect(lambda pts, k=key: self.run_bound.emit(k, pts))
        s.finished.connect(lambda k=key: self._forget(k))
        if len(graph) >= BIG_GRAPH_TASKS:
            # Waiting for the interpreter lock costs the GUI thread up to one switch
            # interval per re-entry into Python while a worker computes: a shorter one
            # while big runs go keeps the window responsive (restored when the last ends).
            if not self._big_runs:
                self._switch_interval = sys.getswitchinterval()
                sys.setswitchinterval(min(self._switch_interval, RUN_SWITCH_INTERVAL))
            self._big_runs.add(key)
        self._workers[key] = worker
        self.run_started.emit(key)
        worker.start()
        return key

    def cancel(self, key: str) -> bool:
        """Ask run ``key`` to stop; ``False`` if it is not running."""
        w = self._workers.get(key)
        if w is None:
            return False
        w.cancel()
        return True

    def cancel_all(self) -> None:
        """Ask every run to stop."""
        for w in list(self._workers.values()):
            w.cancel()

    def wait_all(self, ms: int = 5000) -> bool:
        """Cancel every run and wait up to ``ms`` milliseconds for the pool to drain.

        Pending end-of-run signals are delivered before returning, so the manager is
        empty afterwards when it returns ``True``.
        """
        self.cancel_all()
        ok = bool(self.pool.waitForDone(ms))
        QtCore.QCoreApplication.sendPostedEvents()
        return ok and not self._workers

    def add_preparer(self, name: str, fn: Preparer, *,
                     capture: Callable[[], Mapping[str, Any]] | None = None) -> None:
        """Have every run started from now on compute ``fn(schedule, graph, platform)``
        in its worker thread, before its result is reported (see :meth:`prepared`).

        ``capture`` is called on the GUI thread when a run starts; what it returns is
        passed to ``fn`` as keyword arguments (the settings of a view, read once, so the
        worker never reads a widget).
        """
        self._preparers[name] = (fn, capture)

    # ------------------------------------------------------------------ queries
    def prepared(self, key: str) -> dict[str, Any]:
        """What the preparers returned for run ``key`` (an exception where one failed).

        Available in the slots of :attr:`run_finished`; empty once the run is forgotten.
        """
        w = self._workers.get(key)
        return dict(w.prepared) if w is not None else {}

    def partial(self, key: str) -> Schedule | None:
        """The best schedule a cancelled anytime run had found (its metrics and chart in
        :meth:`prepared`), in the slots of :attr:`run_cancelled`; else ``None``."""
        w = self._workers.get(key)
        return w.partial if w is not None else None

    def running(self) -> list[str]:
        """Keys of runs not finished yet."""
        return list(self._workers)

    def worker(self, key: str) -> AlgorithmWorker | None:
        """The worker of a running run (``None`` once finished)."""
        return self._workers.get(key)

    @staticmethod
    def algorithm_of(key: str) -> str:
        """The algorithm name of a run key."""
        return key.rsplit("#", 1)[0]

    def _forget(self, key: str) -> None:
        self._workers.pop(key, None)
        self._big_runs.discard(key)
        if not self._big_runs and self._switch_interval is not None:
            sys.setswitchinterval(self._switch_interval)
            self._switch_interval = None
