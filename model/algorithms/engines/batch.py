"""The batch-mode engine of Min-Min and Max-Min over the ready set of a DAG (Sufferage has its own rounds)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ...instance import Instance
from ..base import CancelToken, Placement, check_cancel
from .ready import ReadyBatch
from .ties import topo_position, within

__all__ = ["batch_place"]


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
            cand = np.flatnonzero(best <= within(v))
        else:
            v = float(best.max())
            cand = np.flatnonzero(best >= v - (within(v) - v))
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
