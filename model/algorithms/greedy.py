"""Greedy load balancing: Longest Processing Time first onto the least-loaded worker."""

from __future__ import annotations

from collections.abc import Iterator

from ..instance import Instance
from .base import Algorithm, CancelToken, Placement, register
from .engines import pin_assignment, pinned_load, place_assigned, priority_topological_order


@register
class Greedy(Algorithm):
    """LPT load balancing: the biggest task first, onto the least-loaded worker.

    Tasks are taken by decreasing cost (mean execution time over the workers), in a
    topological order — a task becomes available once its predecessors are taken, and
    the biggest available task goes next. Each goes to the worker whose load (the sum of
    the execution times given to it) is smallest after adding the task: the least-loaded
    worker when workers are identical, the fastest one that keeps loads balanced
    otherwise. Communication and idle time are ignored when choosing; the timing still
    respects precedence and pays every transfer between workers, so the schedule is
    valid. On independent tasks and identical workers this is Graham's LPT rule, within
    ``4/3 - 1/(3m)`` of the optimum. Pinned tasks go to their pins and count in those
    workers' loads from the start.

    References
    ----------
    R. L. Graham, "Bounds on multiprocessing timing anomalies", SIAM Journal on Applied
    Mathematics 17(2), 1969.

    Parameters
    ----------
    insertion : bool
        Let a task use an idle gap before its worker's last task (default ``True``).

    Examples
    --------
    Graham's bad case for LPT: 11 where the optimum is 9.

    >>> from model.graph import TaskGraph, Platform
    >>> g = TaskGraph()
    >>> for k, c in enumerate([5, 5, 4, 4, 3, 3, 3]): g.add_task(f"t{k}", c)
    >>> Greedy().schedule(g, Platform.homogeneous(3)).makespan
    11.0
    """

    name = "greedy"
    description = "Greedy (LPT): largest task first to the least-loaded worker, communication ignored"
    reference = "Graham, SIAM J. Applied Mathematics 17(2), 1969"
    family = "baseline"
    uses_communication = False

    def place(
        self, inst: Instance, cancel: CancelToken | None
    ) -> Iterator[Placement]:
        order = priority_topological_order(inst, inst.mean_w())
        # pinned tasks are on their workers from the start: their work loads them first
        load = pinned_load(inst).tolist()
        assign = pin_assignment(inst, [0] * inst.n)
        free = (inst.pin < 0).tolist()
        w = inst.w
        for i in order:
            if not free[i]:
                continue
            after = [a + b for a, b in zip(load, w[i].tolist())]
            p = after.index(min(after))
            assign[i] = p
            load[p] = after[p]
        insertion = bool(self.params.get("insertion", True))
        yield from place_assigned(inst, order, assign, cancel, insertion=insertion)
