"""Lookahead HEFT: choose a task's worker by how early its children could finish."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..instance import Instance
from .base import Algorithm, CancelToken, Placement, check_cancel, register
from .engines import Timeline, below, best_finish, candidates, placement_order, upward_rank, within


@register
class Lookahead(Algorithm):
    """HEFT with a one-level lookahead.

    Tasks are taken by decreasing upward rank, as in HEFT. For each worker ``p`` the
    task is tentatively placed on ``p`` (earliest finish with insertion) and then each
    of its children, by decreasing upward rank, is tentatively placed by HEFT's rule
    on the partial schedule (predecessors not yet placed are ignored). The task goes
    to the worker for which the latest of those children's finish times is smallest
    (a task without children: its own finish time). Ties go to the earlier finish of
    the task itself, then the lower worker index. The cost is ``O(m²)`` times HEFT's
    per child, so it suits graphs of moderate out-degree.

    References
    ----------
    L. F. Bittencourt, R. Sakellariou, E. R. M. Madeira, "DAG scheduling using a
    lookahead variant of the Heterogeneous Earliest Finish Time algorithm", 18th
    Euromicro PDP, 2010.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 3); g.add_task("c", 3)
    >>> g.add_edge("a", "b", 1); g.add_edge("a", "c", 1)
    >>> Lookahead().schedule(g, Platform.homogeneous(2)).makespan
    6.0
    """

    name = "lookahead"
    description = "Lookahead HEFT: worker minimising the children's HEFT finish (Bittencourt et al. 2010)"
    reference = "Bittencourt, Sakellariou, Madeira, Euromicro PDP 2010"
    family = "list"

    def place(
        self, inst: Instance, cancel: CancelToken | None
    ) -> Iterator[Placement]:
        n, m, w = inst.n, inst.m, inst.w
        rank = upward_rank(inst)
        order = placement_order(inst, rank)
        proc = np.full(n, -1, dtype=np.int64)
        finish = np.zeros(n)
        lines = [Timeline() for _ in range(m)]
        every = range(m)
        cands = candidates(inst)

        def data_ready(j: int, skip: int) -> np.ndarray:
            """Data-ready times of ``j`` from its placed predecessors other than ``skip``."""
            r = np.zeros(m)
            for k, d in zip(inst.preds[j], inst.pred_data[j]):
                q = int(proc[k])
                if k == skip or q < 0:
                    continue
                arr = inst.comm_row(d, q) + finish[k]
                arr[q] = finish[k]
                np.maximum(r, arr, out=r)
            return r

        for i in order:
            check_cancel(cancel)
            ready = inst.ready_times(i, proc, finish)
            kids = sorted(
                zip(inst.succs[i], inst.succ_data[i]), key=lambda jd: (-rank[jd[0]], jd[0])
            )
            base = [data_ready(j, i) for j, _ in kids]
            best = (-1, 0.0, 0.0)
            best_metric = 0.0
            for p in every if cands is None else cands[i]:
                d = float(w[i, p])
                s = lines[p].earliest(float(ready[p]), d)
                f = s + d
                metric = f
                if kids:
                    lines[p].insert(s, f)
                    booked = [(p, s, f)]
                    metric = 0.0
                    for (j, dj), r0 in zip(kids, base):
                        arr = inst.comm_row(dj, p) + f
                        arr[p] = f
                        q, sj, fj = best_finish(lines, np.maximum(r0, arr), w[j], every if cands is None else cands[j])
                        lines[q].insert(sj, fj)
                        booked.append((q, sj, fj))
                        metric = max(metric, fj)
                    for q, sj, fj in reversed(booked):
                        lines[q].remove(sj, fj)
                if (
                    best[0] < 0
                    or metric < below(best_metric)
                    or (metric <= within(best_metric) and f < below(best[2]))
                ):
                    best, best_metric = (p, s, f), metric
            p, s, f = best
            lines[p].insert(s, f)
            proc[i], finish[i] = p, f
            yield i, p, s, f
