"""Engines over the set of ready tasks (every predecessor placed).

* :func:`ready_queue_place` — a priority queue of ready tasks; a callback chooses the
  worker of the popped task on insertion-based timelines (CPOP, PEFT).
* :func:`pair_place` — at each step, the best (ready task, worker) pair under a dynamic
  score, without insertion (ETF, DLS). The data-ready vector of a ready task never
  changes once all its predecessors are placed, so it is computed once and kept in a
  compact buffer; a step costs one vectorised ``(ready × workers)`` comparison with
  the workers' free times.
* :class:`ReadyBatch` — that compact buffer, for the batch heuristics (Min-Min,
  Max-Min, Sufferage).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from ...instance import Instance
from ..base import CancelToken, Placement, check_cancel
from .eft import ready_batches
from .pins import candidates, forbidden
from .ties import topo_position, within
from .timeline import Timeline

__all__ = ["Chooser", "ReadyBatch", "pair_place", "ready_queue_order", "ready_queue_place"]


class ReadyBatch:
    """The ready tasks in a compact buffer.

    Row ``r`` holds task ``ids[r]``, its data ready time on each worker (``rt``, fixed
    once the task is ready), its execution time on each worker (``wr``, infinite on the
    workers a pin forbids) and its topological position (``pr``).
    """

    def __init__(self, inst: Instance, pos: np.ndarray, proc: np.ndarray, finish: np.ndarray) -> None:
        size = max(inst.n, 1)
        self.inst, self.pos, self.proc, self.finish = inst, pos, proc, finish
        self.forbid = forbidden(inst)
        self.rt = np.empty((size, inst.m))
        self.wr = np.empty((size, inst.m))
        self.pr = np.empty(size, dtype=np.int64)
        self.ids: list[int] = []

    def add(self, i: int) -> None:
        """Append task ``i`` (its predecessors are placed)."""
        k = len(self.ids)
        self.rt[k] = self.inst.ready_times(i, self.proc, self.finish)
        self.wr[k] = self.inst.w[i]
        if self.forbid is not None:
            self.wr[k] += self.forbid[i]
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
    ``level``, then the lower task and worker index. A pinned task is paired with its
    pin only.
    """
    n, m = inst.n, inst.m
    w = inst.w
    forbid = forbidden(inst)
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
            if forbid is not None:
                ready[k] = forbid[i]
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
        elif bonus is None:
            # the highest level first (usually one task: no sort), then the earlier finish,
            # then the lower task and worker
            rows = cand // m
            lv = level[ids[rows]]
            cand = cand[lv == lv.max()]
            if len(cand) == 1:
                c = int(cand[0])
            else:
                rows, cols = np.divmod(cand, m)
                tasks = ids[rows]
                fins = est[rows, cols] + w[tasks, cols]
                c = int(cand[np.lexsort((cols, tasks, fins))[0]])
        else:
            rows, cols = np.divmod(cand, m)
            tasks = ids[rows]
            starts = est[rows, cols]
            c = int(cand[np.lexsort((cols, tasks, -level[tasks], starts))[0]])
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
                if forbid is not None:
                    ready[k] += forbid[j]
                ids[k] = j
                if bonus is not None:
                    gain[k] = bonus[j]
                k += 1
        yield i, p, s, f


#: ``choose(i, ready, wi, lines, workers) -> (worker, start, finish)`` of :func:`ready_queue_place`
Chooser = Callable[[int, list[float], list[float], list[Timeline], Sequence[int]], tuple[int, float, float]]


def ready_queue_order(inst: Instance, priority: np.ndarray) -> list[int]:
    """The order in which a priority queue of ready tasks pops them: the ready task of
    highest ``priority`` first, equal priorities in topological order.

    Which tasks are ready depends only on which were taken before, never on where they
    went, so the order is known before any task is placed.
    """
    n = inst.n
    missing = np.diff(inst.pred_ptr).tolist()
    pos = topo_position(inst).tolist()
    prio = priority.tolist()
    succ, ptr = inst.succ_idx.tolist(), inst.succ_ptr.tolist()
    heap = [(-prio[i], pos[i], i) for i in range(n) if missing[i] == 0]
    heapq.heapify(heap)
    order: list[int] = []
    pop, push = heapq.heappop, heapq.heappush
    while heap:
        i = pop(heap)[2]
        order.append(i)
        for j in succ[ptr[i]:ptr[i + 1]]:
            missing[j] -= 1
            if missing[j] == 0:
                push(heap, (-prio[j], pos[j], j))
    return order


def ready_queue_place(
    inst: Instance,
    cancel: CancelToken | None,
    priority: np.ndarray,
    choose: Chooser,
    allowed: Sequence[Sequence[int]] | None = None,
) -> Iterator[Placement]:
    """Pop the ready task of highest ``priority`` and place it where ``choose`` says.

    ``choose(i, ready, wi, lines, workers)`` gets the data-ready time of task ``i`` on
    each worker and its execution times there (lists), the workers'
    :class:`~model.algorithms.engines.timeline.Timeline` objects and the workers it may
    choose from (``allowed[i]``, every worker by default, the pin alone for a pinned
    task) and returns ``(worker, start, finish)``; the engine books the slot. Equal
    priorities are taken in topological order (:func:`ready_queue_order`).
    """
    every = range(inst.m)
    cands = candidates(inst, allowed)
    proc = np.full(inst.n, -1, dtype=np.int64)
    finish = np.zeros(inst.n)
    lines = [Timeline() for _ in range(inst.m)]
    done = 0
    for tasks, ready, wr in ready_batches(inst, ready_queue_order(inst, priority), proc, finish):
        rl, wl = ready.tolist(), wr.tolist()
        for r, i in enumerate(tasks):
            if done & 63 == 0:
                check_cancel(cancel)
            done += 1
            p, s, f = choose(i, rl[r], wl[r], lines, every if cands is None else cands[i])
            lines[p].insert(s, f)
            proc[i], finish[i] = p, f
            yield i, p, s, f
