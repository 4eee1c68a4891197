"""CPOP: Critical-Path-On-a-Processor."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from ..instance import Instance
from .base import Algorithm, CancelToken, Placement, register
from .engines import Timeline, best_finish, downward_rank, ready_queue_place, topo_position, upward_rank


def critical_path(inst: Instance, priority: np.ndarray) -> list[int]:
    """The critical path of ``priority = rank_u + rank_d``, from an entry to an exit.

    It starts at the entry task of highest priority and repeatedly follows the
    successor of highest priority (ties: topological order); on a critical path every
    task's priority equals the path's length.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.instance import compile_instance
    >>> g = TaskGraph(); g.add_task("a", 1); g.add_task("b", 5); g.add_task("c", 2)
    >>> g.add_edge("a", "b"); g.add_edge("a", "c")
    >>> inst = compile_instance(g, Platform.homogeneous(2))
    >>> prio = upward_rank(inst) + downward_rank(inst)
    >>> [inst.tasks[i] for i in critical_path(inst, prio)]
    ['a', 'b']
    """
    if inst.n == 0:
        return []
    pos = topo_position(inst)

    def best(cands: list[int]) -> int:
        return min(cands, key=lambda i: (-priority[i], pos[i]))

    i = best([t for t in range(inst.n) if not inst.preds[t]])
    path = [i]
    while inst.succs[i]:
        i = best(inst.succs[i])
        path.append(i)
    return path


@register
class CPOP(Algorithm):
    """Critical-Path-On-a-Processor list scheduling.

    The priority of a task is ``rank_u + rank_d`` (mean-cost b-level plus t-level); the
    tasks whose priority equals the critical-path length form the critical path, and
    all of them go to the one worker that minimises the path's total execution time.
    Ready tasks are taken by decreasing priority; a task off the critical path goes to
    the worker giving the earliest finish time, using idle gaps (insertion).

    The chosen path and worker are recorded in ``info`` (``critical_path``,
    ``critical_worker``).

    References
    ----------
    H. Topcuoglu, S. Hariri, M.-Y. Wu, "Performance-effective and low-complexity task
    scheduling for heterogeneous computing", IEEE TPDS 13(3), 2002.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 3); g.add_task("c", 1)
    >>> g.add_edge("a", "b", 1); g.add_edge("a", "c", 1)
    >>> algo = CPOP()
    >>> algo.schedule(g, Platform.homogeneous(2)).makespan, algo.info["critical_path"]
    (5.0, ['a', 'b'])
    """

    name = "cpop"
    description = "CPOP: critical path on its best worker, the rest by earliest finish (Topcuoglu 2002)"
    reference = "Topcuoglu, Hariri, Wu, IEEE TPDS 13(3), 2002"
    family = "list"

    def place(
        self, inst: Instance, cancel: CancelToken | None
    ) -> Iterator[Placement]:
        w = inst.w
        priority = upward_rank(inst) + downward_rank(inst)
        path = critical_path(inst, priority)
        on_path = np.zeros(inst.n, dtype=bool)
        on_path[path] = True
        # the path's free tasks share one worker: the one running them fastest (pinned
        # tasks of the path stay on their pins)
        free_path = [i for i in path if inst.pin[i] < 0]
        cp_worker = int(np.argmin(w[free_path].sum(axis=0))) if free_path else 0
        self.info["critical_path"] = [inst.tasks[i] for i in path]
        self.info["critical_worker"] = inst.workers[cp_worker]
        every = range(inst.m)
        allowed = [(cp_worker,) if on_path[i] else every for i in range(inst.n)]

        def choose(
            i: int, ready: list[float], wi: list[float], lines: list[Timeline], workers: Sequence[int]
        ) -> tuple[int, float, float]:
            return best_finish(lines, ready, wi, workers)

        yield from ready_queue_place(inst, cancel, priority, choose, allowed)
