"""Engines shared by the list-scheduling algorithms (HLFET, ETF, DLS, CPOP, PEFT).

Three shapes of list scheduling cover the family:

* :func:`static_order_place` — tasks in a fixed priority order, each on the worker where
  it can *start* earliest, without insertion (HLFET).
* :func:`pair_place` — at each step, the best (ready task, worker) pair under a dynamic
  score (ETF, DLS). The data-ready vector of a ready task never changes once all its
  predecessors are placed, so it is computed once and kept in a compact buffer; a step
  costs one vectorised ``(ready × workers)`` comparison with the workers' free times.
* :func:`ready_queue_place` — a priority queue of ready tasks; a callback chooses the
  worker of the popped task on insertion-based timelines (CPOP, PEFT).
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections.abc import Callable, Iterator

import numpy as np

from ..instance import Instance
from ._common import Timeline
from .base import CancelToken, check_cancel

__all__ = [
    "GapTimeline",
    "below",
    "mean_comm_coefficients",
    "pair_place",
    "ready_queue_place",
    "static_order_place",
    "topo_position",
    "within",
]

Placement = tuple[int, int, float, float]


class GapTimeline(Timeline):
    """A :class:`~model.algorithms._common.Timeline` that also keeps zero-length slots in order.

    Slots are kept sorted by ``(start, finish)``, so a zero-length slot booked at the
    start of a longer one goes before it and the finish times stay sorted, which
    :meth:`Timeline.earliest` relies on (zero-cost tasks are common in workflows).

    Examples
    --------
    >>> t = GapTimeline(); t.insert(0, 10); t.insert(0, 0)
    >>> t.finishes, t.earliest(4, 0)
    ([0, 10], 10)
    """

    __slots__ = ()

    def insert(self, start: float, finish: float) -> None:
        """Book ``[start, finish)``."""
        starts, fins = self.starts, self.finishes
        k = bisect_right(starts, start)
        while k > 0 and starts[k - 1] == start and fins[k - 1] > finish:
            k -= 1
        starts.insert(k, start)
        fins.insert(k, finish)


def within(best: float) -> float:
    """Upper threshold for values that tie with ``best`` (absolute 1e-9, relative for large values).

    Examples
    --------
    >>> within(0.0) > 0.0, within(1e12) - 1e12 > 1e-9
    (True, True)
    """
    return best + 1e-9 * max(1.0, abs(best))


def below(best: float) -> float:
    """Lower threshold: a value must be under it to beat ``best`` (the mirror of :func:`within`).

    Examples
    --------
    >>> below(10.0) < 10.0 < within(10.0)
    True
    """
    return best - 1e-9 * max(1.0, abs(best))


def mean_comm_coefficients(inst: Instance) -> tuple[float, float]:
    """``(a, b)`` with mean transfer time of ``d`` units ``a + b * d`` over distinct worker pairs.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.instance import compile_instance
    >>> g = TaskGraph(); g.add_task("a", 1)
    >>> mean_comm_coefficients(compile_instance(g, Platform.homogeneous(3, bandwidth=2, latency=1)))
    (1.0, 0.5)
    """
    if inst.m < 2:
        return 0.0, 0.0
    off = ~np.eye(inst.m, dtype=bool)
    return float(inst.lat[off].mean()), float(inst.inv_bw[off].mean())


def topo_position(inst: Instance) -> np.ndarray:
    """Position of each task in ``inst.topo`` (used as the last, stable tie-break)."""
    pos = np.empty(inst.n, dtype=np.int64)
    pos[np.asarray(inst.topo, dtype=np.int64)] = np.arange(inst.n)
    return pos


def static_order_place(
    inst: Instance, order: list[int], cancel: CancelToken | None
) -> Iterator[Placement]:
    """Place tasks in ``order`` (a topological order), each on the worker of earliest start.

    No insertion: a worker is free after its last task. Ties on the start time go to
    the earlier finish, then to the lower worker index.
    """
    n, m = inst.n, inst.m
    w = inst.w
    proc = np.full(n, -1, dtype=np.int64)
    finish = np.zeros(n)
    avail = np.zeros(m)
    for i in order:
        check_cancel(cancel)
        est = np.maximum(inst.ready_times(i, proc, finish), avail)
        fin = est + w[i]
        cand = np.flatnonzero(est <= within(float(est.min())))
        p = int(cand[np.argmin(fin[cand])]) if len(cand) > 1 else int(cand[0])
        s, f = float(est[p]), float(fin[p])
        proc[i], finish[i] = p, f
        avail[p] = max(avail[p], f)
        yield i, p, s, f


def pair_place(
    inst: Instance,
    cancel: CancelToken | None,
    level: np.ndarray,
    bonus: np.ndarray | None = None,
) -> Iterator[Placement]:
    """Repeatedly place the best (ready task, worker) pair, without insertion.

    With ``bonus`` ``None`` (ETF) the best pair has the earliest start time; ties go to
    the higher ``level``, then the earlier finish, then the lower task and worker index.
    With ``bonus`` an ``(n, m)`` array (DLS) the best pair maximises
    ``bonus[i, p] - start(i, p)``; ties go to the earlier start, then the higher
    ``level``, then the lower task and worker index.
    """
    n, m = inst.n, inst.m
    w = inst.w
    proc = np.full(n, -1, dtype=np.int64)
    finish = np.zeros(n)
    avail = np.zeros(m)
    missing = [len(p) for p in inst.preds]
    # compact buffers of the ready tasks: data-ready rows, bonus rows, task ids
    ready = np.zeros((max(n, 1), m))
    gain = np.zeros((max(n, 1), m)) if bonus is not None else ready
    ids = np.empty(max(n, 1), dtype=np.int64)
    k = 0
    for i in range(n):
        if missing[i] == 0:
            ids[k] = i
            if bonus is not None:
                gain[k] = bonus[i]
            k += 1
    for _ in range(n):
        check_cancel(cancel)
        est = np.maximum(ready[:k], avail)
        score = est if bonus is None else est - gain[:k]
        flat = score.ravel()
        cand = np.flatnonzero(flat <= within(float(flat.min())))
        if len(cand) == 1:
            c = int(cand[0])
        else:
            rows, cols = np.divmod(cand, m)
            tasks = ids[rows]
            starts = est[rows, cols]
            fins = starts + w[tasks, cols]
            if bonus is None:
                keys = (cols, tasks, fins, -level[tasks])
            else:
                keys = (cols, tasks, -level[tasks], starts)
            c = int(cand[np.lexsort(keys)[0]])
        r, p = divmod(c, m)
        i = int(ids[r])
        s = float(est[r, p])
        f = s + float(w[i, p])
        # drop row r: the last row takes its place
        k -= 1
        if r != k:
            ready[r] = ready[k]
            ids[r] = ids[k]
            if bonus is not None:
                gain[r] = gain[k]
        proc[i], finish[i] = p, f
        avail[p] = max(avail[p], f)
        for j in inst.succs[i]:
            missing[j] -= 1
            if missing[j] == 0:
                ready[k] = inst.ready_times(j, proc, finish)
                ids[k] = j
                if bonus is not None:
                    gain[k] = bonus[j]
                k += 1
        yield i, p, s, f


Chooser = Callable[[int, np.ndarray, list[Timeline]], tuple[int, float, float]]


def ready_queue_place(
    inst: Instance,
    cancel: CancelToken | None,
    priority: np.ndarray,
    choose: Chooser,
) -> Iterator[Placement]:
    """Pop the ready task of highest ``priority`` and place it where ``choose`` says.

    ``choose(i, ready, lines)`` gets the data-ready time of task ``i`` on each worker
    and the workers' :class:`~model.algorithms._common.Timeline` objects and returns
    ``(worker, start, finish)``; the engine books the slot. Equal priorities are taken
    in topological order.
    """
    n = inst.n
    proc = np.full(n, -1, dtype=np.int64)
    finish = np.zeros(n)
    lines: list[Timeline] = [GapTimeline() for _ in range(inst.m)]
    missing = [len(p) for p in inst.preds]
    pos = topo_position(inst).tolist()
    prio = priority.tolist()
    heap = [(-prio[i], pos[i], i) for i in range(n) if missing[i] == 0]
    heapq.heapify(heap)
    while heap:
        check_cancel(cancel)
        _, _, i = heapq.heappop(heap)
        p, s, f = choose(i, inst.ready_times(i, proc, finish), lines)
        lines[p].insert(s, f)
        proc[i], finish[i] = p, f
        for j in inst.succs[i]:
            missing[j] -= 1
            if missing[j] == 0:
                heapq.heappush(heap, (-prio[j], pos[j], j))
        yield i, p, s, f
