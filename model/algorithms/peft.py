"""PEFT: Predict Earliest Finish Time."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from ..instance import Instance
from .base import Algorithm, CancelToken, Placement, check_cancel, register
from .engines import Timeline, below, mean_comm_coefficients, ready_queue_place, within
from .engines.ranks import edges_of, frontiers


def optimistic_cost_table(inst: Instance, cancel: CancelToken | None = None) -> np.ndarray:
    """The ``(n, m)`` Optimistic Cost Table of PEFT.

    ``OCT(i, p) = max_{j ∈ succ(i)} min_q [OCT(j, q) + w(j, q) + c̄(i, j)·[q ≠ p]]``,
    zero for exit tasks, where ``c̄`` is the mean transfer time of the edge's data over
    distinct worker pairs: the shortest remaining time to an exit if ``i`` runs on
    ``p`` and every later task could pick its best worker regardless of load.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.instance import compile_instance
    >>> g = TaskGraph(); g.add_task("a", costs=[1, 1]); g.add_task("b", costs=[2, 6])
    >>> g.add_edge("a", "b", 3)
    >>> optimistic_cost_table(compile_instance(g, g.default_platform())).tolist()
    [[2.0, 5.0], [0.0, 0.0]]
    """
    a, b = mean_comm_coefficients(inst)
    w = inst.w
    table = np.zeros((inst.n, inst.m))
    # rows in rounds of tasks whose successors are done: for each edge i -> j,
    # min(reach_j, min(reach_j) + c̄_ij) with reach_j = OCT(j) + w(j); the max over i's edges
    for k, tasks in enumerate(frontiers(inst, up=True)):
        if k & 63 == 0:
            check_cancel(cancel)
        edges, offs = edges_of(inst.succ_ptr, tasks)
        if not len(edges):
            continue
        succ = inst.succ_idx[edges]
        reach = table[succ] + w[succ]
        vec = np.minimum(reach, reach.min(axis=1, keepdims=True) + (a + b * inst.succ_dat[edges])[:, None])
        has = offs[1:] > offs[:-1]
        rows = tasks[has]
        table[rows] = np.maximum(table[rows], np.maximum.reduceat(vec, offs[:-1][has], axis=0))
    return table


@register
class PEFT(Algorithm):
    """Predict Earliest Finish Time list scheduling.

    Ready tasks are taken by decreasing ``rank_oct`` — the mean over workers of the
    task's row of the Optimistic Cost Table (:func:`optimistic_cost_table`) — and each
    goes to the worker minimising ``EFT(i, p) + OCT(i, p)``, the earliest finish time
    (with insertion into idle gaps) plus the optimistic time still needed after the
    task on that worker. Ties go to the earlier finish, then the lower worker index.

    References
    ----------
    H. Arabnejad, J. G. Barbosa, "List scheduling algorithm for heterogeneous systems by
    an optimistic cost table", IEEE TPDS 25(3), 2014.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 3); g.add_task("c", 1)
    >>> g.add_edge("a", "b", 1); g.add_edge("a", "c", 1)
    >>> PEFT().schedule(g, Platform.homogeneous(2)).makespan
    5.0
    """

    name = "peft"
    description = "PEFT: optimistic-cost-table rank, worker minimising EFT + OCT (Arabnejad & Barbosa 2014)"
    reference = "Arabnejad, Barbosa, IEEE TPDS 25(3), 2014"
    family = "list"

    def place(
        self, inst: Instance, cancel: CancelToken | None
    ) -> Iterator[Placement]:
        table = optimistic_cost_table(inst, cancel)
        rank = table.mean(axis=1)
        self.info["rank"] = "oct"
        rows = table.tolist()

        def choose(
            i: int, ready: list[float], wi: list[float], lines: list[Timeline], workers: Sequence[int]
        ) -> tuple[int, float, float]:
            oi = rows[i]
            best = (-1, 0.0, 0.0)
            # the tie thresholds of the best so far (below / within), kept until it changes
            o_lo = o_hi = f_lo = 0.0
            for p in workers:
                d = wi[p]
                rp = ready[p]
                tl = lines[p]
                fl = tl.finishes
                # after the last slot, the usual answer, without the call
                s = rp if not fl or rp >= fl[-1] else tl.earliest(rp, d)
                f = s + d
                o = f + oi[p]
                if best[0] < 0 or o < o_lo or (o <= o_hi and f < f_lo):
                    best = (p, s, f)
                    o_lo, o_hi, f_lo = below(o), within(o), below(f)
            return best

        yield from ready_queue_place(inst, cancel, rank, choose)
