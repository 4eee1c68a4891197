"""Sufferage batch-mode heuristic, in rounds over the ready set of a DAG."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..instance import Instance
from .base import Algorithm, CancelToken, Placement, check_cancel, register
from .engines import ReadyBatch, topo_position

#: sufferage of a task with a single allowed worker (a pinned one)
_NO_SECOND_CHOICE = float(np.finfo(float).max) / 4


def sufferage_rounds(inst: Instance, cancel: CancelToken | None = None) -> Iterator[Placement]:
    """Place the tasks by Sufferage rounds; yields ``(task, worker, start, finish)``.

    A round looks at the tasks ready when it begins (every predecessor placed), in
    topological order. Each takes tentatively the worker completing it first
    (completion time ``max(data ready, worker free) + execution time``, with the
    workers' free times of the round's start; ties to the lower worker index). Its
    sufferage is its second-best completion time minus the best (0 with one worker).
    If the worker is already taken in this round, the task with the larger sufferage
    keeps it and the other waits for the next round; on equal sufferage the task met
    first keeps it. At the end of the round the assignments are committed (at most one
    task per worker, each right after the worker's previous task) and the workers'
    free times updated; tasks made ready by the round join the next one.

    The holder of a worker after the scan is the first task, in the scan, of largest
    sufferage among those wanting it, so a round is computed at once with arrays.

    A pinned task wants its pin only and, having no second choice, the largest
    sufferage: it keeps its worker against any free task.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.instance import compile_instance
    >>> g = TaskGraph()
    >>> for t, c in [("a", [2, 4]), ("b", [1, 6]), ("c", [3, 2])]: g.add_task(t, costs=c)
    >>> inst = compile_instance(g, Platform.homogeneous(2))
    >>> [(inst.tasks[i], p, s, f) for i, p, s, f in sufferage_rounds(inst)]
    [('b', 0, 0.0, 1.0), ('c', 1, 0.0, 2.0), ('a', 0, 1.0, 3.0)]
    """
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
    rounds = 0
    while ids:
        check_cancel(cancel)
        rounds += 1
        k = len(ids)
        ct = np.maximum(rt[:k], avail) + wr[:k]
        bestp = ct.argmin(axis=1)
        if m > 1:
            two = np.partition(ct, 1, axis=1)
            suff = two[:, 1] - two[:, 0]
        else:
            suff = np.zeros(k)
        if ready.forbid is not None:
            # a pinned task has no second choice: the largest sufferage there is (finite,
            # so that ties between pinned tasks still compare)
            np.minimum(suff, _NO_SECOND_CHOICE, out=suff)
        # per worker: the largest sufferage wanting it, then the first such task in the scan
        gmax = np.full(m, -np.inf)
        np.maximum.at(gmax, bestp, suff)
        top = gmax[bestp]
        cand = suff >= top - 1e-9 * np.maximum(1.0, np.abs(top))
        key = np.where(cand, pr[:k], n)
        gmin = np.full(m, n, dtype=np.int64)
        np.minimum.at(gmin, bestp, key)
        win = np.flatnonzero(cand & (key == gmin[bestp]))
        win = win[np.argsort(pr[win])]
        placed: list[tuple[int, int, float, float]] = []
        for r in win.tolist():
            i, p = ids[r], int(bestp[r])
            s = max(float(rt[r, p]), float(avail[p]))
            placed.append((i, p, s, s + float(wr[r, p])))
        for i, p, _, f in placed:
            avail[p] = f
            proc[i] = p
            finish[i] = f
        # drop the winners (highest rows first, each replaced by the last row)
        for r in sorted(win.tolist(), reverse=True):
            ready.remove(r)
        for i, p, s, f in placed:
            yield i, p, s, f
        for i, *_ in placed:
            for j in inst.succs[i]:
                indeg[j] -= 1
                if indeg[j] == 0:
                    ready.add(j)


@register
class Sufferage(Algorithm):
    """Sufferage: in rounds, each worker goes to the ready task that would suffer most without it.

    Runs :func:`sufferage_rounds`: every round, each ready task tentatively takes the
    worker completing it first; a task that finds its worker taken in the round keeps
    it only with a larger sufferage (second-best minus best completion time), and the
    loser waits for the next round even if another worker is idle. The round's winners
    (one per worker at most) are then committed. Tasks of a DAG enter the batch when
    their last predecessor is placed; a task's completion time on a worker counts the
    arrival of its input data. Workers run their tasks back to back (no insertion in
    idle gaps). On a single worker every sufferage is zero and the tasks run in
    topological order.

    References
    ----------
    M. Maheswaran, S. Ali, H. J. Siegel, D. Hensgen, R. F. Freund, "Dynamic matching and
    scheduling of a class of independent tasks onto heterogeneous computing systems",
    HCW 1999; T. D. Braun et al., JPDC 61(6), 2001.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> g = TaskGraph(); g.add_task("a", costs=[2, 3]); g.add_task("b", costs=[3, 100])
    >>> s = Sufferage().schedule(g, Platform.homogeneous(2))
    >>> sorted(s.mapping().items()), s.makespan
    ([('a', 'P2'), ('b', 'P1')], 3.0)
    """

    name = "sufferage"
    description = "Sufferage: per round, each worker to the ready task losing most without it (Maheswaran et al. 1999)"
    reference = "Maheswaran, Ali, Siegel, Hensgen, Freund, HCW 1999"
    family = "batch"

    def place(
        self, inst: Instance, cancel: CancelToken | None
    ) -> Iterator[Placement]:
        yield from sufferage_rounds(inst, cancel)
