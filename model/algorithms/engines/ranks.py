"""Priorities of the list heuristics: longest paths (t-level, b-level), upward and downward ranks, static level.

Every rank is a longest path through the DAG with some execution time per task and
some time per edge; :func:`b_level` and :func:`t_level` compute them once for all
(the mapping analysis uses the same functions). With the HEFT conventions
(Topcuoglu et al. 2002) a task's time is its execution time averaged over the workers
and an edge's time its transfer time averaged over the ordered pairs of distinct
workers.
"""

from __future__ import annotations

import heapq

import numpy as np

from ...instance import Instance
from .ties import topo_position

__all__ = [
    "b_level",
    "downward_rank",
    "longest_paths",
    "mean_comm_coefficients",
    "mean_edge_times",
    "placement_order",
    "priority_topological_order",
    "static_level",
    "t_level",
    "upward_rank",
]


def mean_edge_times(inst: Instance) -> list[list[float]]:
    """Mean transfer time of each edge, aligned with ``inst.succs`` (``comm[i][k]`` is edge ``i → succs[i][k]``)."""
    mc = inst.mean_comm
    return [[mc(d) for d in sd] for sd in inst.succ_data]


def b_level(inst: Instance, w: np.ndarray, comm: list[list[float]] | None = None) -> np.ndarray:
    """Longest path from each task to an exit, the task included.

    ``b(i) = w_i + max_{j ∈ succ(i)} (comm_ij + b(j))`` (0 for the max of an exit);
    ``comm`` is aligned with ``inst.succs`` (see :func:`mean_edge_times`), ``None``
    for no edge times.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.instance import compile_instance
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 3); g.add_edge("a", "b", 4)
    >>> inst = compile_instance(g, Platform.homogeneous(2))
    >>> b_level(inst, inst.mean_w(), mean_edge_times(inst)).tolist(), b_level(inst, inst.mean_w()).tolist()
    ([9.0, 3.0], [5.0, 3.0])
    """
    b = np.zeros(inst.n)
    succs = inst.succs
    if comm is None:
        for i in reversed(inst.topo):
            best = 0.0
            for j in succs[i]:
                if b[j] > best:
                    best = b[j]
            b[i] = w[i] + best
        return b
    for i in reversed(inst.topo):
        best = 0.0
        for j, c in zip(succs[i], comm[i]):
            v = c + b[j]
            if v > best:
                best = v
        b[i] = w[i] + best
    return b


def t_level(inst: Instance, w: np.ndarray, comm: list[list[float]] | None = None) -> np.ndarray:
    """Longest path from an entry to each task, the task excluded.

    ``t(j) = max_{i ∈ pred(j)} (t(i) + w_i + comm_ij)`` (0 for an entry); ``comm`` as
    in :func:`b_level`.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.instance import compile_instance
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 3); g.add_edge("a", "b", 4)
    >>> inst = compile_instance(g, Platform.homogeneous(2))
    >>> t_level(inst, inst.mean_w(), mean_edge_times(inst)).tolist()
    [0.0, 6.0]
    """
    t = np.zeros(inst.n)
    succs = inst.succs
    for i in inst.topo:
        ti = t[i] + w[i]
        if comm is None:
            for j in succs[i]:
                if ti > t[j]:
                    t[j] = ti
        else:
            for j, c in zip(succs[i], comm[i]):
                v = ti + c
                if v > t[j]:
                    t[j] = v
    return t


def longest_paths(inst: Instance, w: np.ndarray, comm: list[list[float]] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(t-level, b-level)`` of every task (see :func:`t_level` and :func:`b_level`)."""
    return t_level(inst, w, comm), b_level(inst, w, comm)


def upward_rank(inst: Instance, w: np.ndarray | None = None) -> np.ndarray:
    """Upward rank (b-level with mean costs) of every task.

    ``rank_u(i) = w̄_i + max_{j ∈ succ(i)} (c̄_ij + rank_u(j))`` (Topcuoglu et al. 2002),
    where ``w̄`` is the mean execution time over workers (or ``w`` when given) and
    ``c̄`` the mean transfer time over pairs of distinct workers.
    """
    return b_level(inst, inst.mean_w() if w is None else w, mean_edge_times(inst))


def downward_rank(inst: Instance, w: np.ndarray | None = None) -> np.ndarray:
    """Downward rank (t-level with mean costs): longest mean path from an entry to the task, excluding it."""
    return t_level(inst, inst.mean_w() if w is None else w, mean_edge_times(inst))


def static_level(inst: Instance, w: np.ndarray | None = None) -> np.ndarray:
    """Static b-level: longest path of execution times (no communication) to an exit, including the task."""
    return b_level(inst, inst.mean_w() if w is None else w)


def placement_order(inst: Instance, priority: np.ndarray) -> list[int]:
    """Tasks by decreasing ``priority``, ties by topological position.

    The tie-break keeps a task after its predecessors when priorities are equal (zero
    costs), so the order is always a valid topological order for a b-level priority.
    """
    return np.lexsort((topo_position(inst), -priority)).tolist()  # type: ignore[no-any-return]


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
