"""Helpers shared by the baseline, batch-mode and clustering algorithms.

Most of these algorithms decide *where* each task goes by a simple rule and then
time the tasks on their chosen workers: :func:`place_assigned` does that timing
(earliest start on the given worker, respecting precedence and communication).
:func:`batch_place` is the ready-set engine of Min-Min and Max-Min (Sufferage works
in rounds, in its own module), and :func:`map_clusters` merges clusters onto the
workers.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence

import numpy as np

from ..instance import Instance
from ._common import placement_order, upward_rank
from .base import CancelToken, check_cancel
from .heft import eft_place

__all__ = [
    "batch_place",
    "map_clusters",
    "place_assigned",
    "place_clusters",
    "priority_topological_order",
    "tie_limit",
    "topo_position",
]

Placement = tuple[int, int, float, float]


def tie_limit(best: float) -> float:
    """Largest value still counted as a tie with ``best`` (1e-9, relative for large values).

    Examples
    --------
    >>> tie_limit(0.0)
    1e-09
    """
    return best + 1e-9 * max(1.0, abs(best))


def topo_position(inst: Instance) -> np.ndarray:
    """Position of each task in ``inst.topo`` (used to break ties stably).

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.instance import compile_instance
    >>> g = TaskGraph(); g.add_task("b", 1); g.add_task("a", 1); g.add_edge("a", "b")
    >>> topo_position(compile_instance(g, Platform.homogeneous(1))).tolist()
    [1, 0]
    """
    pos = np.empty(inst.n, dtype=np.int64)
    pos[np.asarray(inst.topo, dtype=np.int64)] = np.arange(inst.n)
    return pos


def priority_topological_order(inst: Instance, priority: np.ndarray) -> list[int]:
    """A topological order that always takes the ready task of highest ``priority``.

    Ties go to the earlier task of ``inst.topo``. Unlike sorting by priority, the result
    respects precedence whatever the priority is.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.instance import compile_instance
    >>> g = TaskGraph()
    >>> for t, c in [("a", 1), ("b", 5), ("c", 3)]: g.add_task(t, c)
    >>> g.add_edge("a", "b")
    >>> inst = compile_instance(g, Platform.homogeneous(1))
    >>> [inst.tasks[i] for i in priority_topological_order(inst, inst.mean_w())]
    ['c', 'a', 'b']
    """
    pos = topo_position(inst)
    indeg = [len(p) for p in inst.preds]
    prio = [float(x) for x in priority]
    heap = [(-prio[i], int(pos[i]), i) for i in range(inst.n) if indeg[i] == 0]
    heapq.heapify(heap)
    order: list[int] = []
    while heap:
        _, _, i = heapq.heappop(heap)
        order.append(i)
        for j in inst.succs[i]:
            indeg[j] -= 1
            if indeg[j] == 0:
                heapq.heappush(heap, (-prio[j], int(pos[j]), j))
    return order


def place_assigned(
    inst: Instance,
    order: Sequence[int],
    assign: Sequence[int],
    cancel: CancelToken | None,
    *,
    insertion: bool = True,
) -> Iterator[Placement]:
    """Time each task of ``order`` (a topological order) on its worker ``assign[i]``.

    Each task starts as early as its worker allows (in an idle gap when ``insertion``)
    once the data of every predecessor has arrived; transfers between tasks on the same
    worker are free.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.instance import compile_instance
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 3); g.add_edge("a", "b", 4)
    >>> inst = compile_instance(g, Platform.homogeneous(2))
    >>> list(place_assigned(inst, [0, 1], [0, 1], None))
    [(0, 0, 0.0, 2.0), (1, 1, 6.0, 9.0)]
    """
    allowed = [[int(p)] for p in assign]
    for i, p, s, f in eft_place(inst, list(order), cancel, insertion=insertion, allowed=allowed):
        yield i, p, float(s), float(f)


class ReadyBatch:
    """The ready tasks of a batch heuristic in a compact buffer: row ``r`` holds task
    ``ids[r]``, its data ready time on each worker (``rt``, fixed once the task is ready),
    its execution time on each worker (``wr``) and its topological position (``pr``)."""

    def __init__(self, inst: Instance, pos: np.ndarray, proc: np.ndarray, finish: np.ndarray) -> None:
        size = max(inst.n, 1)
        self.inst, self.pos, self.proc, self.finish = inst, pos, proc, finish
        self.rt = np.empty((size, inst.m))
        self.wr = np.empty((size, inst.m))
        self.pr = np.empty(size, dtype=np.int64)
        self.ids: list[int] = []

    def add(self, i: int) -> None:
        """Append task ``i`` (its predecessors are placed)."""
        k = len(self.ids)
        self.rt[k] = self.inst.ready_times(i, self.proc, self.finish)
        self.wr[k] = self.inst.w[i]
        self.pr[k] = self.pos[i]
        self.ids.append(i)

    def remove(self, r: int) -> None:
        """Drop row ``r`` by moving the last row into it."""
        last = len(self.ids) - 1
        if r != last:
            self.rt[r] = self.rt[last]
            self.wr[r] = self.wr[last]
            self.pr[r] = self.pr[last]
            self.ids[r] = self.ids[last]
        self.ids.pop()


def batch_place(inst: Instance, cancel: CancelToken | None, rule: str) -> Iterator[Placement]:
    """The batch-mode heuristics of Braun et al. (2001) over the ready set of a DAG.

    At each step every ready task (all predecessors placed) gets its completion time on
    every worker: ``max(data ready time, worker available) + execution time``. Its best
    worker is the one completing it first. Then ``rule`` picks the task to place:

    * ``"min"`` (Min-Min): the task with the smallest best completion time;
    * ``"max"`` (Max-Min): the task with the largest best completion time.

    Remaining ties go to the earlier task in topological order. Workers run their tasks
    back to back (no insertion in idle gaps), as in the paper's machine model. The data
    ready time of a task is fixed once it is ready, so it is computed once and kept in a
    compact buffer; a step is one vectorised ``(ready × workers)`` comparison.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.instance import compile_instance
    >>> g = TaskGraph()
    >>> for t, c in [("a", 1), ("b", 1), ("c", 3)]: g.add_task(t, c)
    >>> inst = compile_instance(g, Platform.homogeneous(2))
    >>> [inst.tasks[i] for i, *_ in batch_place(inst, None, "max")]
    ['c', 'a', 'b']
    """
    if rule not in ("min", "max"):
        raise ValueError(f"unknown batch rule {rule!r}")
    n, m = inst.n, inst.m
    pos = topo_position(inst)
    proc = np.full(n, -1, dtype=np.int64)
    finish = np.zeros(n)
    avail = np.zeros(m)
    indeg = [len(p) for p in inst.preds]
    ready = ReadyBatch(inst, pos, proc, finish)
    rt, wr, pr, ids = ready.rt, ready.wr, ready.pr, ready.ids
    for i in inst.topo:
        if indeg[i] == 0:
            ready.add(i)
    step = 0
    while ids:
        if step & 63 == 0:
            check_cancel(cancel)
        step += 1
        k = len(ids)
        ct = np.maximum(rt[:k], avail) + wr[:k]
        bestp = ct.argmin(axis=1)
        best = ct[np.arange(k), bestp]
        if rule == "min":
            v = float(best.min())
            cand = np.flatnonzero(best <= tie_limit(v))
        else:
            v = float(best.max())
            cand = np.flatnonzero(best >= v - (tie_limit(v) - v))
        r = int(cand[np.argmin(pr[cand])])
        i, p = ids[r], int(bestp[r])
        s = max(float(rt[r, p]), float(avail[p]))
        f = s + float(wr[r, p])
        avail[p] = f
        proc[i] = p
        finish[i] = f
        ready.remove(r)
        yield i, p, s, f
        for j in inst.succs[i]:
            indeg[j] -= 1
            if indeg[j] == 0:
                ready.add(j)


def map_clusters(inst: Instance, cluster: Sequence[int]) -> list[int]:
    """Merge clusters onto the workers, balancing the load; the worker of each task.

    ``cluster[i]`` is the cluster of task ``i``. Clusters are taken by decreasing work
    (mean execution time summed over their tasks; ties to the cluster whose first task
    comes first in topological order), and each goes to the worker where the load after
    adding it is smallest — the least-loaded worker when workers are identical. Tasks of
    one cluster always share a worker, so the data they exchange never crosses workers.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.instance import compile_instance
    >>> g = TaskGraph()
    >>> for t, c in [("a", 4), ("b", 4), ("c", 3), ("d", 2)]: g.add_task(t, c)
    >>> inst = compile_instance(g, Platform.homogeneous(2))
    >>> map_clusters(inst, [0, 0, 1, 2])   # {a, b}: 8, {c}: 3, {d}: 2
    [0, 0, 1, 1]
    """
    cl = np.asarray(cluster, dtype=np.int64)
    if inst.n == 0:
        return []
    k = int(cl.max()) + 1
    cost = np.zeros((k, inst.m))
    np.add.at(cost, cl, inst.w)
    first = np.full(k, inst.n, dtype=np.int64)
    np.minimum.at(first, cl, topo_position(inst))
    order = np.lexsort((first, -cost.mean(axis=1)))
    load = np.zeros(inst.m)
    where = np.zeros(k, dtype=np.int64)
    for c in order:
        if first[c] == inst.n:  # empty cluster id
            continue
        after = load + cost[c]
        p = int(np.argmin(after))
        where[c] = p
        load[p] = after[p]
    return where[cl].tolist()  # type: ignore[no-any-return]


def place_clusters(
    inst: Instance, cluster: Sequence[int], cancel: CancelToken | None
) -> Iterator[Placement]:
    """Map clusters onto the workers (:func:`map_clusters`) and time the tasks.

    Tasks are timed by decreasing upward rank (a topological order), each at its
    earliest start on its cluster's worker, insertion allowed; data moves only between
    tasks on different workers.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.instance import compile_instance
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 3); g.add_edge("a", "b", 9)
    >>> inst = compile_instance(g, Platform.homogeneous(2))
    >>> list(place_clusters(inst, [0, 0], None))
    [(0, 0, 0.0, 2.0), (1, 0, 2.0, 5.0)]
    """
    assign = map_clusters(inst, cluster)
    order = placement_order(inst, upward_rank(inst))
    yield from place_assigned(inst, order, assign, cancel, insertion=True)
