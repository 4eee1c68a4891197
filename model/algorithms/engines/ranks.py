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
import itertools
from collections.abc import Iterator

import numpy as np

from ...instance import Instance
from . import compiled
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
    flat = inst.mean_comm_array(inst.succ_dat).tolist()
    bounds = inst.succ_ptr.tolist()
    return [flat[a:b] for a, b in itertools.pairwise(bounds)]


#: below this many tasks in a round of the level-by-level sweep, the rest is swept in Python
_SMALL_ROUND = 24


def _edge_times(inst: Instance, comm: list[list[float]] | np.ndarray | None) -> np.ndarray | None:
    """Edge times aligned with the successor CSR arrays (``None`` stays ``None``)."""
    if comm is None or isinstance(comm, np.ndarray):
        return comm
    return np.fromiter(itertools.chain.from_iterable(comm), dtype=float, count=inst.edges)


def _sweep(inst: Instance, w: np.ndarray, c: np.ndarray | None, up: bool, floor: float = 0.0) -> np.ndarray:
    """b-levels (``up``) or t-levels by rounds of tasks whose successors (predecessors) are done.

    ``floor`` is the value the maximum over a task's edges starts from (0: a path may
    end at any task).

    Each round is a handful of numpy operations over the round's edges; the values are
    the same sums and maxima, in the same order, as a task-by-task sweep. When a round
    gets small (a long thin graph), the remaining tasks are swept one by one.
    """
    n = inst.n
    w = np.asarray(w, dtype=float)
    out = np.zeros(n)
    if up:
        # edges out of a task: its successors and those edges' times
        ptr, nbr, cost = inst.succ_ptr, inst.succ_idx, c
        back_ptr, back = inst.pred_ptr, inst.pred_idx
    else:
        ptr, nbr = inst.pred_ptr, inst.pred_idx
        cost = None if c is None else c[inst.pred_edge]
        back_ptr, back = inst.succ_ptr, inst.succ_idx
    deg = np.diff(ptr)
    left = deg.copy()
    frontier = np.flatnonzero(left == 0)
    done = np.zeros(n, dtype=bool)
    while len(frontier) >= _SMALL_ROUND:
        edge, offs = edges_of(ptr, frontier)
        has = deg[frontier] > 0
        best = np.full(len(frontier), floor)
        if offs[-1]:
            other = nbr[edge]
            vals = out[other] if up else out[other] + w[other]
            if cost is not None:
                vals = cost[edge] + vals if up else vals + cost[edge]
            best[has] = np.maximum.reduceat(vals, offs[:-1][has])
            np.maximum(best, floor, out=best)
        out[frontier] = w[frontier] + best if up else best
        done[frontier] = True
        frontier = _unblocked(frontier, back_ptr, back, left)
    if done.all():
        return out
    # the rest task by task, in (reverse) topological order
    if compiled.wanted(n - int(np.count_nonzero(done)), 1):
        from .ranks_kernel import sweep_rest

        seq = np.asarray(inst.topo, dtype=np.int64)
        sweep_rest(
            seq[::-1].copy() if up else seq, np.ascontiguousarray(ptr, dtype=np.int64),
            np.ascontiguousarray(nbr, dtype=np.int64),
            np.zeros(0) if cost is None else np.ascontiguousarray(cost, dtype=np.float64), cost is not None,
            np.ascontiguousarray(w, dtype=np.float64), out, done, up, float(floor),
        )
        return out
    vals_out = out.tolist()
    wl = w.tolist()
    pl, nl = ptr.tolist(), nbr.tolist()
    cl = None if cost is None else cost.tolist()
    dl = done.tolist()
    for i in reversed(inst.topo) if up else inst.topo:
        if dl[i]:
            continue
        best_v = floor
        a, b = pl[i], pl[i + 1]
        if cl is None:
            for j in nl[a:b]:
                v = vals_out[j] if up else vals_out[j] + wl[j]
                if v > best_v:
                    best_v = v
        else:
            for j, cc in zip(nl[a:b], cl[a:b]):
                v = cc + vals_out[j] if up else vals_out[j] + wl[j] + cc
                if v > best_v:
                    best_v = v
        vals_out[i] = wl[i] + best_v if up else best_v
    return np.array(vals_out)


def frontiers(inst: Instance, up: bool = True) -> Iterator[np.ndarray]:
    """Tasks in rounds, each round after every successor (``up``) or predecessor of its tasks.

    The first round holds the exits (entries), the next the tasks whose successors
    (predecessors) are all in it, and so on: the rounds of a longest-path sweep done
    with numpy, a handful of operations per round. Once a round gets small (a long thin
    graph) the remaining tasks come one per round, in (reverse) topological order.
    """
    n = inst.n
    if up:
        ptr, back_ptr, back = inst.succ_ptr, inst.pred_ptr, inst.pred_idx
    else:
        ptr, back_ptr, back = inst.pred_ptr, inst.succ_ptr, inst.succ_idx
    left = np.diff(ptr)
    frontier = np.flatnonzero(left == 0)
    done = np.zeros(n, dtype=bool)
    while len(frontier) >= _SMALL_ROUND:
        yield frontier
        done[frontier] = True
        frontier = _unblocked(frontier, back_ptr, back, left)
    rest = done.tolist()
    for i in reversed(inst.topo) if up else inst.topo:
        if not rest[i]:
            yield np.array([i])


def _unblocked(frontier: np.ndarray, back_ptr: np.ndarray, back: np.ndarray, left: np.ndarray) -> np.ndarray:
    """The tasks whose last unfinished neighbour was in ``frontier`` (``left`` counts each
    task's unfinished neighbours and is updated); empty when ``frontier`` unblocks none."""
    edges, _offs = edges_of(back_ptr, frontier)
    if not len(edges):
        return edges
    hit, times = np.unique(back[edges], return_counts=True)
    left[hit] -= times
    ready: np.ndarray = hit[left[hit] == 0]
    return ready


def edges_of(ptr: np.ndarray, tasks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(edges, offsets)``: the CSR positions of the edges of ``tasks``, task by task, and where
    each task's run starts (``offsets[k]`` to ``offsets[k + 1]``)."""
    cnt = ptr[tasks + 1] - ptr[tasks]
    offs = np.zeros(len(tasks) + 1, dtype=np.int64)
    np.cumsum(cnt, out=offs[1:])
    edges = np.repeat(ptr[tasks] - offs[:-1], cnt) + np.arange(offs[-1], dtype=np.int64)
    return edges, offs


def b_level(inst: Instance, w: np.ndarray, comm: list[list[float]] | np.ndarray | None = None) -> np.ndarray:
    """Longest path from each task to an exit, the task included.

    ``b(i) = w_i + max_{j ∈ succ(i)} (comm_ij + b(j))`` (0 for the max of an exit);
    ``comm`` is aligned with ``inst.succs`` (see :func:`mean_edge_times`; or an array
    aligned with ``inst.succ_idx``), ``None`` for no edge times.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.instance import compile_instance
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 3); g.add_edge("a", "b", 4)
    >>> inst = compile_instance(g, Platform.homogeneous(2))
    >>> b_level(inst, inst.mean_w(), mean_edge_times(inst)).tolist(), b_level(inst, inst.mean_w()).tolist()
    ([9.0, 3.0], [5.0, 3.0])
    """
    return _sweep(inst, w, _edge_times(inst, comm), True)


def t_level(inst: Instance, w: np.ndarray, comm: list[list[float]] | np.ndarray | None = None) -> np.ndarray:
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
    return _sweep(inst, w, _edge_times(inst, comm), False)


def longest_paths(
    inst: Instance, w: np.ndarray, comm: list[list[float]] | np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``(t-level, b-level)`` of every task (see :func:`t_level` and :func:`b_level`)."""
    c = _edge_times(inst, comm)
    return _sweep(inst, w, c, False), _sweep(inst, w, c, True)


def upward_rank(inst: Instance, w: np.ndarray | None = None) -> np.ndarray:
    """Upward rank (b-level with mean costs) of every task.

    ``rank_u(i) = w̄_i + max_{j ∈ succ(i)} (c̄_ij + rank_u(j))`` (Topcuoglu et al. 2002),
    where ``w̄`` is the mean execution time over workers (or ``w`` when given) and
    ``c̄`` the mean transfer time over pairs of distinct workers.
    """
    return b_level(inst, inst.mean_w() if w is None else w, inst.mean_comm_array(inst.succ_dat))


def downward_rank(inst: Instance, w: np.ndarray | None = None) -> np.ndarray:
    """Downward rank (t-level with mean costs): longest mean path from an entry to the task, excluding it."""
    return t_level(inst, inst.mean_w() if w is None else w, inst.mean_comm_array(inst.succ_dat))


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
