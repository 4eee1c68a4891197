"""Running a graph for real off the GUI thread: one :class:`~gui.workers.Job` per run.

:class:`ExecutionRunnable` calls :func:`model.execution.run_graph` in a pool thread.
Cancel sets the run's cancel event: running tasks finish, no new task starts, and the
partial trace is delivered with ``cancelled``.
"""

from __future__ import annotations

from typing import Any

from PySide6 import QtCore

from gui.workers import THROTTLE_S, Job, JobSignals
from model.algorithms import get_algorithm
from model.execution import ExecutionError, run_graph
from model.graph import Platform, TaskGraph
from model.schedule import Schedule, Slot

__all__ = ["ExecutionRunnable", "ExecutionSignals"]


class ExecutionSignals(JobSignals):
    """Signals of one :class:`ExecutionRunnable`: ``progress`` counts finished tasks,
    ``result`` is the complete trace, ``cancelled`` the partial one; and:"""

    #: list[Slot] (seconds from the run's start) finished since the previous emission; throttled
    slot_done = QtCore.Signal(object)


class ExecutionRunnable(Job):
    """Execute a graph with :func:`model.execution.run_graph` in a pool thread.

    Parameters
    ----------
    graph, platform
        Private copies (``Document.snapshot()``); only read here.
    schedule : Schedule, optional
        Mapping to follow.
    algorithm : str, optional
        Compute this algorithm's mapping first (in the pool thread) when ``schedule``
        is not given and the run is not dynamic.
    dynamic : bool
        Let the engine place tasks.
    options
        Passed to ``run_graph``: ``executor``, ``time_scale``, ``work``, ``data_scale``,
        ``scheduler_address``, ``dask_processes``.
    """

    signals_class = ExecutionSignals
    what = "execution"
    signals: ExecutionSignals

    def __init__(self, graph: TaskGraph, platform: Platform, *, schedule: Schedule | None = None,
                 algorithm: str | None = None, dynamic: bool = False, throttle: float = THROTTLE_S,
                 **options: Any) -> None:
        super().__init__(throttle=throttle)
        self.graph, self.platform = graph, platform
        self.schedule, self.algorithm, self.dynamic = schedule, algorithm, dynamic
        self.options = options
        #: the mapping the run followed (computed here when needed)
        self.plan: Schedule | None = schedule
        #: the trace, also the partial one of a failed run
        self.trace: Schedule | None = None

    def failure(self, exc: BaseException) -> str:
        if isinstance(exc, ExecutionError):
            self.trace = exc.trace  # what ran before the failure is still shown
        return super().failure(exc)

    def execute(self) -> tuple[str, Any]:
        sig = self.signals
        cancel = self.cancel_event
        total = len(self.graph)
        sig.progress.emit(0, total)
        if not self.dynamic and self.plan is None:
            if not self.algorithm:
                raise ValueError("a mapped run needs a schedule or an algorithm to compute one")
            self.plan = get_algorithm(self.algorithm).schedule(self.graph, self.platform)
        if cancel.is_set():
            empty = Schedule("trace", self.platform.ids, [], meta={
                "graph": self.graph.name, "partial": True, "stopped": "cancelled",
                "tasks_done": 0, "tasks_total": total})
            return "cancelled", empty

        gate = self.gate
        batch: list[Slot] = []

        def on_slot(slot: Slot) -> None:
            batch.append(slot)

        def progress(done: int, n: int) -> None:
            if gate(force=done in (0, n)):
                if batch:
                    sig.slot_done.emit(list(batch))
                    batch.clear()
                sig.progress.emit(done, n)

        trace = run_graph(self.graph, self.platform, schedule=None if self.dynamic else self.plan,
                          dynamic=self.dynamic, cancel=cancel, progress=progress, on_slot=on_slot,
                          **self.options)
        if batch:
            sig.slot_done.emit(list(batch))
        sig.progress.emit(len(trace.slots), total)
        self.trace = trace
        if trace.meta.get("partial"):
            return "cancelled", trace
        return "done", trace
