"""Schedules: where and when each task runs, and the one place their invariants live."""

from __future__ import annotations

import itertools
import math
import numbers
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from .gcpause import paused_collection
from .graph import GraphError, Platform, TaskGraph, shorten

if TYPE_CHECKING:
    import numpy as np

    from .instance import Instance

__all__ = ["Schedule", "ScheduleColumns", "ScheduleError", "Slot", "Transfer"]

#: Absolute tolerance on times when checking invariants (schedules read from files
#: carry rounded decimals).
TOLERANCE = 1e-6
#: Relative tolerance on large times (float rounding grows with the magnitude).
REL_TOLERANCE = 1e-9


_START, _FINISH = attrgetter("start"), attrgetter("finish")


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
        return float(max(map(_FINISH, self.slots)) - min(0.0, self.origin))

    @property
    def origin(self) -> float:
        """Earliest start time of any slot."""
        return min(map(_START, self.slots), default=0.0)

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
        instance: Instance | None = None,
    ) -> Schedule:
        """Make a schedule, compute its transfers and check every invariant.

        ``instance``, when given, is ``compile_instance(graph, platform)`` already made
        (an algorithm's run has one): the checks then use its arrays instead of
        compiling the graph again.

        Raises
        ------
        ScheduleError
            If an invariant is broken.
        """
        s = cls(algorithm, platform.ids, list(slots), meta=dict(meta or {}))
        inst = instance if instance is not None else _compiled(graph, platform)
        fast = None if inst is None else _Arrays.of(s, inst, platform)
        if fast is None or not fast.valid(check_durations=check_durations, partial=False, tol=TOLERANCE):
            s._check_slots(graph, platform, check_durations=check_durations, partial=False, tol=TOLERANCE)
        if fast is not None:
            # made on first use: a writer of the file needs only the columns
            s.transfers = _PendingTransfers(fast)
        else:
            s.transfers = s.compute_transfers(graph, platform)
        return s

    def columns(self) -> ScheduleColumns | None:
        """The slots and transfers as arrays, for a schedule made by :meth:`build` whose
        transfers were never asked for and whose slots are those it was built with
        (else ``None``: read :attr:`slots` and :attr:`transfers`)."""
        pending = self.__dict__.get("transfers")
        fast = pending.arrays if type(pending) is _PendingTransfers else None
        if fast is None or len(self.slots) != len(fast.slots) or not all(map(operator.is_, self.slots, fast.slots)):
            return None
        return fast.columns()  # type: ignore[no-any-return]

    def compute_transfers(
        self, graph: TaskGraph, platform: Platform, *, instance: Instance | None = None
    ) -> list[Transfer]:
        """The data transfers implied by the mapping: one per edge crossing workers.

        A transfer starts when its source finishes and lasts the network's transfer time.
        ``instance`` as in :meth:`build`.
        """
        if instance is not None:
            fast = _Arrays.of(self, instance, platform)
            if fast is not None:
                return fast.transfers()
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
        instance: Instance | None = None,
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
        instance : Instance, optional
            ``compile_instance(graph, platform)`` when the caller has it (see :meth:`build`).

        The checks run on arrays, all slots at once; only a schedule they find fault
        with is walked slot by slot, which names the first broken invariant.
        """
        inst = instance if instance is not None else _compiled(graph, platform)
        if inst is not None:
            fast = _Arrays.of(self, inst, platform)
            if fast is not None and fast.valid(check_durations=check_durations, partial=partial, tol=tol):
                return
        self._check_slots(graph, platform, check_durations=check_durations, partial=partial, tol=tol)

    def _check_slots(
        self, graph: TaskGraph, platform: Platform, *, check_durations: bool, partial: bool, tol: float
    ) -> None:
        """:meth:`check` slot by slot, raising on the first broken invariant."""

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


class _PendingTransfers(list):  # type: ignore[type-arg]
    """Stands, empty, for the transfers of a checked schedule until they are first read.

    It sits in the instance's ``__dict__`` under ``transfers`` (so ``vars(s)`` still names
    the dataclass's fields, and ``Schedule(**vars(s))`` keeps it pending) and holds the
    checked arrays that make the transfers.
    """

    __slots__ = ("arrays",)

    def __init__(self, arrays: Any) -> None:
        super().__init__()
        self.arrays = arrays


def _get_transfers(self: Schedule) -> list[Transfer]:
    value = self.__dict__["transfers"]
    if type(value) is _PendingTransfers:
        value = value.arrays.transfers()
        self.__dict__["transfers"] = value
    return value  # type: ignore[no-any-return]


def _set_transfers(self: Schedule, value: list[Transfer]) -> None:
    self.__dict__["transfers"] = value


# Schedule.transfers, computed from the checked arrays on first use (millions of objects at
# a million tasks that a run written straight to a file never needs); set as a property
# after the dataclass is made, so that its __init__, __eq__ and replace() go through it
setattr(Schedule, "transfers", property(_get_transfers, _set_transfers, doc="Data transfers between workers."))  # noqa: B010


@dataclass(frozen=True, eq=False)
class ScheduleColumns:
    """A checked schedule as arrays (:meth:`Schedule.columns`).

    Attributes
    ----------
    tasks, workers : list of str
        Task and worker ids by index.
    task, worker, start, finish : numpy.ndarray
        Per slot, in slot order: task index, worker index, start and finish time.
    source, source_slot, target_slot, arrival, data : numpy.ndarray
        Per transfer, in :attr:`Schedule.transfers` order: the source task, the slots
        of its source and target (by position), the time the data arrive (the transfer
        starts when the source slot finishes) and the volume.
    """

    tasks: list[str]
    workers: list[str]
    task: np.ndarray
    worker: np.ndarray
    start: np.ndarray
    finish: np.ndarray
    source: np.ndarray
    source_slot: np.ndarray
    target_slot: np.ndarray
    arrival: np.ndarray
    data: np.ndarray


def _compiled(graph: TaskGraph, platform: Platform) -> Instance | None:
    """``compile_instance(graph, platform)``, or ``None`` for a graph it refuses (checked slot by slot)."""
    from .instance import compile_instance

    try:
        return compile_instance(graph, platform)
    except GraphError:
        return None


_NUMBER_TYPES = frozenset((float, int))


class _Arrays:
    """A schedule's slots as arrays over a compiled instance, for the checks in bulk."""

    def __init__(self, sched: Schedule, inst: Instance, platform: Platform, task: np.ndarray,
                 worker: np.ndarray, start: list[Any], finish: list[Any]) -> None:
        import numpy as np

        self.sched, self.inst, self.platform = sched, inst, platform
        self.slots = list(sched.slots)
        self._edges: tuple[np.ndarray, ...] | None = None
        self.task, self.worker = task, worker
        self.start_values, self.finish_values = start, finish
        self.start = np.array(start, dtype=float)
        self.finish = np.array(finish, dtype=float)

    @classmethod
    def of(cls, sched: Schedule, inst: Instance, platform: Platform) -> _Arrays | None:
        """The arrays, or ``None`` when a slot names an unknown task or worker or holds a
        time that is not a plain number (left to the slot-by-slot check)."""
        import numpy as np

        if inst.workers != platform.ids:
            return None
        slots = sched.slots
        tindex = {t: i for i, t in enumerate(inst.tasks)}
        windex = {w: p for p, w in enumerate(inst.workers)}
        task = list(map(tindex.get, map(attrgetter("task"), slots)))
        worker = list(map(windex.get, map(attrgetter("worker"), slots)))
        start = list(map(attrgetter("start"), slots))
        finish = list(map(attrgetter("finish"), slots))
        if None in task or None in worker:
            return None
        kinds = set(map(type, start)) | set(map(type, finish))
        if not kinds <= _NUMBER_TYPES:
            return None
        try:
            out = cls(sched, inst, platform, np.array(task, dtype=np.int64), np.array(worker, dtype=np.int64),
                      start, finish)
        except OverflowError:
            return None
        if int in kinds and len(start) and max(np.abs(out.start).max(), np.abs(out.finish).max()) >= 2.0**53:
            return None  # whole numbers a float cannot hold exactly: compared slot by slot
        return out

    def _links(self) -> tuple[np.ndarray, np.ndarray]:
        """``(latency, bandwidth)`` between every pair of workers, as the network gives them."""
        import numpy as np

        net = self.platform.network
        ids = self.platform.ids
        m = len(ids)
        lat = np.full((m, m), float(net.latency))
        bw = np.full((m, m), float(net.bandwidth))
        index = {w: p for p, w in enumerate(ids)}
        for (a, b), (b_, l_) in net.links.items():
            lat[index[a], index[b]] = l_
            bw[index[a], index[b]] = b_
        return lat, bw

    def _comm(self, data: np.ndarray, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
        """Transfer times of ``data`` from workers ``src`` to ``dst`` (``Network.comm_time``)."""
        lat, bw = self._links()
        out = lat[src, dst] + data / bw[src, dst]
        out[src == dst] = 0.0
        return out  # type: ignore[no-any-return]

    def valid(self, *, check_durations: bool, partial: bool, tol: float) -> bool:
        """Whether every invariant of :meth:`Schedule.check` holds (``False``: look slot by slot)."""
        import numpy as np

        inst = self.inst
        n = inst.n
        task, worker, start, finish = self.task, self.worker, self.start, self.finish
        count = np.bincount(task, minlength=n) if len(task) else np.zeros(n, dtype=np.int64)
        if len(task) and count.max() > 1:
            return False
        if not partial and len(task) != n:
            return False
        if not (np.isfinite(start).all() and np.isfinite(finish).all()):
            return False
        if not (finish >= start - tol).all():
            return False

        def slack(x: np.ndarray) -> np.ndarray:
            return np.maximum(tol, REL_TOLERANCE * np.abs(x))  # type: ignore[no-any-return]

        if check_durations:
            if not (start >= -tol).all():
                return False
            want = inst.w[task, worker]
            if (np.abs((finish - start) - want) > slack(np.maximum(np.abs(want), np.abs(finish)))).any():
                return False
        # neighbours on a worker, by (start, finish), ties in slot order
        order = np.lexsort((finish, start, worker))
        a, b = order[:-1], order[1:]
        same = worker[a] == worker[b]
        if (same & (start[b] < finish[a] - slack(finish[a]))).any():
            return False
        # every edge into a placed task: its source placed, its data there in time
        pos = np.full(n, -1, dtype=np.int64)
        pos[task] = np.arange(len(task))
        dst_pos = pos[inst.pred_dst]
        into = dst_pos >= 0
        src_pos = pos[inst.pred_idx[into]]
        if (src_pos < 0).any():
            return False
        dst_pos = dst_pos[into]
        ready = finish[src_pos] + self._comm(inst.pred_dat[into], worker[src_pos], worker[dst_pos])
        return not (start[dst_pos] < ready - slack(ready)).any()

    def _crossing(self) -> tuple[np.ndarray, ...]:
        """The edges crossing workers in successor order: source task, source and target
        slot positions, arrival time, data volume."""
        if self._edges is None:
            import numpy as np

            inst = self.inst
            pos = np.full(inst.n, -1, dtype=np.int64)
            pos[self.task] = np.arange(len(self.task))
            src_pos, dst_pos = pos[inst.succ_src], pos[inst.succ_idx]
            keep = (src_pos >= 0) & (dst_pos >= 0)
            keep[keep] = self.worker[src_pos[keep]] != self.worker[dst_pos[keep]]
            edges = np.flatnonzero(keep)
            sp, dp = src_pos[edges], dst_pos[edges]
            data = inst.succ_dat[edges]
            arrive = self.finish[sp] + self._comm(data, self.worker[sp], self.worker[dp])
            self._edges = (inst.succ_src[edges], sp, dp, arrive, data)
        return self._edges

    def columns(self) -> ScheduleColumns:
        """The :class:`ScheduleColumns` of the schedule."""
        source, sp, dp, arrive, data = self._crossing()
        return ScheduleColumns(self.inst.tasks, self.inst.workers, self.task, self.worker, self.start, self.finish,
                               source, sp, dp, arrive, data)

    def transfers(self) -> list[Transfer]:
        """:meth:`Schedule.compute_transfers` from the arrays."""
        source, sp, dp, arrive, data = self._crossing()
        inst = self.inst
        tasks, workers = inst.tasks, inst.workers
        fin = self.finish_values
        wk = self.worker.tolist()
        # hundreds of thousands of objects: no collector passes over the graph meanwhile
        with paused_collection():
            return [
                Transfer(tasks[u], tasks[v], workers[wk[a]], workers[wk[b]], fin[a], t, d)
                for u, v, a, b, t, d in zip(source.tolist(), self.task[dp].tolist(),
                                            sp.tolist(), dp.tolist(), arrive.tolist(), data.tolist())
            ]
