"""Schedules: where and when each task runs, and the one place their invariants live."""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .graph import Platform, TaskGraph, shorten

__all__ = ["Schedule", "ScheduleError", "Slot", "Transfer"]

#: Absolute tolerance on times when checking invariants (schedules read from files
#: carry rounded decimals).
TOLERANCE = 1e-6
#: Relative tolerance on large times (float rounding grows with the magnitude).
REL_TOLERANCE = 1e-9


class ScheduleError(ValueError):
    """A schedule breaks an invariant; the message names the task(s) involved."""


@dataclass(frozen=True)
class Slot:
    """Task ``task`` runs on ``worker`` from ``start`` to ``finish``."""

    task: str
    worker: str
    start: float
    finish: float

    @property
    def duration(self) -> float:
        """``finish - start``."""
        return self.finish - self.start


@dataclass(frozen=True)
class Transfer:
    """Data of edge ``source -> target`` moving between two workers."""

    source: str
    target: str
    src_worker: str
    dst_worker: str
    start: float
    finish: float
    data: float


@dataclass
class Schedule:
    """A set of slots, one per task, on named workers.

    Use :meth:`check` (or build through :meth:`build`) to verify it against a graph and
    platform: every task exactly once, no two slots overlapping on a worker, and every
    task starting after each predecessor finished plus the transfer time when they are
    on different workers.

    Examples
    --------
    >>> s = Schedule("manual", ["P1"], [Slot("a", "P1", 0, 2), Slot("b", "P1", 2, 5)])
    >>> s.makespan
    5.0
    """

    algorithm: str
    workers: list[str]
    slots: list[Slot]
    transfers: list[Transfer] = field(default_factory=list)
    #: free information kept on save (graph name, lower bound, gap, ...)
    meta: dict[str, Any] = field(default_factory=dict)

    # ---------------------------------------------------------------- queries
    @property
    def makespan(self) -> float:
        """Latest finish time, counted from time 0 (0 when empty).

        Computed schedules start at 0; a recorded trace that begins before 0 is counted
        from its earliest start.
        """
        if not self.slots:
            return 0.0
        return float(max(s.finish for s in self.slots) - min(0.0, self.origin))

    @property
    def origin(self) -> float:
        """Earliest start time of any slot."""
        return min((s.start for s in self.slots), default=0.0)

    def slot_of(self) -> dict[str, Slot]:
        """Mapping task -> slot."""
        return {s.task: s for s in self.slots}

    def by_worker(self) -> dict[str, list[Slot]]:
        """Slots per worker, sorted by start time (every worker present)."""
        out: dict[str, list[Slot]] = {w: [] for w in self.workers}
        for s in self.slots:
            out.setdefault(s.worker, []).append(s)
        for lst in out.values():
            lst.sort(key=lambda s: (s.start, s.finish))
        return out

    def mapping(self) -> dict[str, str]:
        """Mapping task -> worker."""
        return {s.task: s.worker for s in self.slots}

    # -------------------------------------------------------------- building
    @classmethod
    def build(
        cls,
        algorithm: str,
        graph: TaskGraph,
        platform: Platform,
        slots: Iterable[Slot],
        *,
        meta: Mapping[str, Any] | None = None,
        check_durations: bool = True,
    ) -> Schedule:
        """Make a schedule, compute its transfers and check every invariant.

        Raises
        ------
        ScheduleError
            If an invariant is broken.
        """
        s = cls(algorithm, platform.ids, list(slots), meta=dict(meta or {}))
        s.check(graph, platform, check_durations=check_durations)
        s.transfers = s.compute_transfers(graph, platform)
        return s

    def compute_transfers(self, graph: TaskGraph, platform: Platform) -> list[Transfer]:
        """The data transfers implied by the mapping: one per edge crossing workers.

        A transfer starts when its source finishes and lasts the network's transfer time.
        """
        at = self.slot_of()
        net = platform.network
        out = []
        for u, v, a in graph.nx.edges(data=True):
            su, sv = at.get(u), at.get(v)
            if su is None or sv is None or su.worker == sv.worker:
                continue
            d = float(a.get("data", 0.0))
            out.append(
                Transfer(u, v, su.worker, sv.worker, su.finish,
                         su.finish + net.comm_time(d, su.worker, sv.worker), d)
            )
        return out

    def check(
        self,
        graph: TaskGraph,
        platform: Platform,
        *,
        check_durations: bool = True,
        partial: bool = False,
        tol: float = TOLERANCE,
    ) -> None:
        """Raise :class:`ScheduleError` if the schedule is invalid for ``graph``.

        Parameters
        ----------
        check_durations : bool
            Also require ``finish - start`` to equal the task's execution time on its
            worker (off for recorded traces).
        partial : bool
            Allow tasks to be missing (a cancelled run); placed tasks must still have
            all their predecessors placed.
        tol : float
            Absolute tolerance on times (:data:`REL_TOLERANCE` relative for large values).
        """

        def slack(x: float) -> float:
            return max(tol, REL_TOLERANCE * abs(x))

        ids = platform.ids
        index = {w: i for i, w in enumerate(ids)}
        seen: dict[str, Slot] = {}
        for s in self.slots:
            if s.task not in graph.nx:
                raise ScheduleError(f"slot for unknown task {shorten(s.task)}")
            if s.task in seen:
                raise ScheduleError(f"task {shorten(s.task)} is scheduled more than once")
            if s.worker not in index:
                raise ScheduleError(f"task {shorten(s.task)} is on unknown worker {shorten(s.worker)}")
            for what, t in (("start", s.start), ("finish", s.finish)):
                if isinstance(t, bool) or not isinstance(t, numbers.Real) or not math.isfinite(t):
                    raise ScheduleError(f"{what} of task {shorten(s.task)} is not a finite number: {shorten(t)}")
            if not (s.finish >= s.start - tol):
                raise ScheduleError(f"task {shorten(s.task)} finishes before it starts")
            if s.start < -tol and check_durations:
                raise ScheduleError(f"task {shorten(s.task)} starts before time 0")
            if check_durations:
                costs = graph.costs(s.task)
                if costs is not None and len(costs) != len(ids):
                    raise ScheduleError(
                        f"task {shorten(s.task)} has {len(costs)} costs but the platform has {len(ids)} workers"
                    )
                want = graph.exec_time(s.task, index[s.worker], platform)
                if abs(s.duration - want) > slack(max(abs(want), abs(s.finish))):
                    raise ScheduleError(
                        f"task {shorten(s.task)} lasts {s.duration:g} on {s.worker} but needs {want:g}"
                    )
            seen[s.task] = s
        if not partial:
            missing = [t for t in graph.nx if t not in seen]
            if missing:
                more = f" (and {len(missing) - 5} more)" if len(missing) > 5 else ""
                raise ScheduleError(
                    "tasks not scheduled: " + ", ".join(map(shorten, missing[:5])) + more
                )
        for w, lst in self.by_worker().items():
            for a, b in itertools.pairwise(lst):
                if b.start < a.finish - slack(a.finish):
                    raise ScheduleError(
                        f"tasks {shorten(a.task)} and {shorten(b.task)} overlap on worker {w} "
                        f"({a.start:.10g}-{a.finish:.10g} and {b.start:.10g}-{b.finish:.10g})"
                    )
        net = platform.network
        for u, v, a in graph.nx.edges(data=True):
            sv = seen.get(v)
            if sv is None:
                continue
            su = seen.get(u)
            if su is None:
                raise ScheduleError(f"task {shorten(v)} is scheduled but its predecessor {shorten(u)} is not")
            ready = su.finish + net.comm_time(float(a.get("data", 0.0)), su.worker, sv.worker)
            if sv.start < ready - slack(ready):
                raise ScheduleError(
                    f"task {shorten(v)} starts at {sv.start:.10g} on {sv.worker} before the data of "
                    f"{shorten(u)} ({su.worker}) arrives at {ready:.10g}"
                )

    def is_valid(self, graph: TaskGraph, platform: Platform, **kw: Any) -> bool:
        """Whether :meth:`check` passes (the code generator re-times a schedule that does not)."""
        try:
            self.check(graph, platform, **kw)
        except ScheduleError:
            return False
        return True

    def __repr__(self) -> str:
        return (
            f"Schedule({self.algorithm!r}, {len(self.slots)} slots on {len(self.workers)} "
            f"workers, makespan {self.makespan:g})"
        )
