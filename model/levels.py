"""Levels of a task graph: the one home of topological levels, t-levels, b-levels and longest paths.

- The **topological level** of a task is the number of edges on the longest chain of
  predecessors leading to it (0 for an entry task). Tasks of one level are mutually
  independent; the layered drawing puts each level on one row.
- The **t-level** (top level) of a task is the length of the longest path from an entry
  task to it, the task itself excluded: its earliest start with unbounded workers. The
  **b-level** (bottom level) is the length of the longest path from it to an exit task,
  the task included (the *upward rank* of HEFT; without communication, the *static
  level* of HLFET). A path's length sums the execution times of its tasks and, with
  communication, the transfer times of its edges (Kwok and Ahmad, "Static scheduling
  algorithms for allocating directed task graphs to multiprocessors", ACM Computing
  Surveys 31(4), 1999).
- The **longest path** (critical path) is a path whose length is the largest b-level.

Functions on a :class:`~model.graph.TaskGraph` take the graph first and never mutate it;
the array functions work on a compiled :class:`~model.instance.Instance` (task ``i`` is
``inst.tasks[i]``), as the algorithms do. Costs follow the HEFT conventions (Topcuoglu,
Hariri, Wu, IEEE TPDS 13(3), 2002): a task's mean time is its execution time averaged over
the workers, an edge's mean time its transfer time averaged over ordered pairs of distinct
workers.

Examples
--------
>>> from model.graph import TaskGraph, Platform
>>> g = TaskGraph()
>>> for t, c in [("a", 2), ("b", 3), ("c", 4), ("d", 1)]:
...     g.add_task(t, c)
>>> for u, v in [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")]:
...     g.add_edge(u, v, data=1)
>>> levels(g)
[['a'], ['b', 'c'], ['d']]
>>> b_levels(g, Platform.homogeneous(2))
{'a': 9.0, 'b': 5.0, 'c': 6.0, 'd': 1.0}
>>> b_levels(g, Platform.homogeneous(2), communication=False)
{'a': 7.0, 'b': 4.0, 'c': 5.0, 'd': 1.0}
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .graph import Platform, TaskGraph
from .instance import Instance, compile_instance

__all__ = [
    "EdgeTimes",
    "b_levels",
    "bottom_levels",
    "level_of",
    "levels",
    "longest_path",
    "mean_edge_times",
    "path_levels",
    "t_levels",
    "top_levels",
]

#: transfer time of every edge, aligned with ``Instance.succs`` (``times[i][k]`` is the
#: edge ``i -> inst.succs[i][k]``); ``None`` leaves communication out
EdgeTimes = Sequence[Sequence[float]] | None

#: relative tolerance when following a longest path through equal sums
_EPS = 1e-9


# ------------------------------------------------------------ topological levels
def level_of(graph: TaskGraph) -> dict[str, int]:
    """The topological level of every task: 0 for an entry task, else 1 + its deepest predecessor's.

    Parameters
    ----------
    graph : TaskGraph
        The graph (not modified).

    Returns
    -------
    dict of str to int
        Every task's level, in insertion order of the tasks.

    Raises
    ------
    GraphError
        If the graph has a cycle (the message names it).

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a"); g.add_task("b"); g.add_edge("a", "b")
    >>> level_of(g)
    {'a': 0, 'b': 1}
    """
    nxg = graph.nx
    succ = nxg.succ
    indeg = {v: len(p) for v, p in nxg.pred.items()}
    lvl = dict.fromkeys(nxg, 0)
    stack = [v for v, d in indeg.items() if d == 0]
    done = 0
    while stack:
        u = stack.pop()
        done += 1
        nxt = lvl[u] + 1
        for v in succ[u]:
            if lvl[v] < nxt:
                lvl[v] = nxt
            indeg[v] -= 1
            if indeg[v] == 0:
                stack.append(v)
    if done < len(lvl):
        graph.check_acyclic()  # raises, naming the cycle
    return lvl


def levels(graph: TaskGraph) -> list[list[str]]:
    """Topological levels: level 0 holds the entry tasks, level k the tasks whose longest
    chain of predecessors has k edges.

    Tasks in the same level are mutually independent (no path joins them), so each level
    could run concurrently given enough workers.

    Parameters
    ----------
    graph : TaskGraph
        The graph (not modified).

    Returns
    -------
    list of list of str
        The levels in order, each in insertion order of its tasks.

    Raises
    ------
    GraphError
        If the graph has a cycle (the message names it).

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a"); g.add_task("b"); g.add_task("c")
    >>> g.add_edge("a", "c")
    >>> levels(g)
    [['a', 'b'], ['c']]
    """
    lvl = level_of(graph)
    out: list[list[str]] = [[] for _ in range(1 + max(lvl.values(), default=-1))]
    for t, k in lvl.items():
        out[k].append(t)
    return out


# ------------------------------------------------- t-levels and b-levels (arrays)
def mean_edge_times(inst: Instance) -> list[list[float]]:
    """The mean transfer time of every edge (see :data:`EdgeTimes`), 0 with one worker.

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 1); g.add_task("b", 1); g.add_edge("a", "b", 4)
    >>> mean_edge_times(compile_instance(g, Platform.homogeneous(2, bandwidth=2)))
    [[2.0], []]
    """
    return [[inst.mean_comm(d) for d in row] for row in inst.succ_data]


def _times(inst: Instance, w: np.ndarray | None) -> np.ndarray:
    return inst.mean_w() if w is None else w


def top_levels(inst: Instance, w: np.ndarray | None = None, comm: EdgeTimes = None) -> np.ndarray:
    """t-level of every task: the longest path from an entry task to it, the task excluded.

    Parameters
    ----------
    inst : Instance
        The compiled graph.
    w : numpy.ndarray, optional
        Execution time of each task (default: its mean over the workers).
    comm : EdgeTimes
        Transfer time of each edge (e.g. :func:`mean_edge_times`); ``None``: no communication.

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 1); g.add_edge("a", "b", 3)
    >>> inst = compile_instance(g, Platform.homogeneous(2))
    >>> top_levels(inst, comm=mean_edge_times(inst)).tolist(), top_levels(inst).tolist()
    ([0.0, 5.0], [0.0, 2.0])
    """
    wt = _times(inst, w)
    t = np.zeros(inst.n)
    for i in inst.topo:
        ti = t[i] + wt[i]
        row = comm[i] if comm is not None else None
        for k, j in enumerate(inst.succs[i]):
            v = ti + (row[k] if row is not None else 0.0)
            if v > t[j]:
                t[j] = v
    return t


def bottom_levels(inst: Instance, w: np.ndarray | None = None, comm: EdgeTimes = None) -> np.ndarray:
    """b-level of every task: the longest path from it to an exit task, the task included.

    With mean times and :func:`mean_edge_times` this is HEFT's upward rank; without
    communication, the static level.

    Parameters
    ----------
    inst : Instance
        The compiled graph.
    w : numpy.ndarray, optional
        Execution time of each task (default: its mean over the workers).
    comm : EdgeTimes
        Transfer time of each edge; ``None``: no communication.

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 1); g.add_edge("a", "b", 3)
    >>> inst = compile_instance(g, Platform.homogeneous(2))
    >>> bottom_levels(inst, comm=mean_edge_times(inst)).tolist(), bottom_levels(inst).tolist()
    ([6.0, 1.0], [3.0, 1.0])
    """
    wt = _times(inst, w)
    b = np.zeros(inst.n)
    for i in reversed(inst.topo):
        best = 0.0
        row = comm[i] if comm is not None else None
        for k, j in enumerate(inst.succs[i]):
            v = (row[k] if row is not None else 0.0) + b[j]
            if v > best:
                best = v
        b[i] = wt[i] + best
    return b


def path_levels(inst: Instance, w: np.ndarray | None = None, comm: EdgeTimes = None) -> tuple[np.ndarray, np.ndarray]:
    """``(t-levels, b-levels)`` of every task (see :func:`top_levels`, :func:`bottom_levels`).

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 1); g.add_edge("a", "b")
    >>> t, b = path_levels(compile_instance(g, Platform.homogeneous(1)))
    >>> t.tolist(), b.tolist()
    ([0.0, 2.0], [3.0, 1.0])
    """
    return top_levels(inst, w, comm), bottom_levels(inst, w, comm)


def longest_path(
    inst: Instance, w: np.ndarray | None = None, comm: EdgeTimes = None, b: np.ndarray | None = None
) -> tuple[list[int], float]:
    """A longest path (the critical path) and its length.

    The path starts at the entry task with the largest b-level (the first of equals in
    topological order) and follows, at each task, the first successor that continues a
    longest path.

    Parameters
    ----------
    inst : Instance
        The compiled graph.
    w : numpy.ndarray, optional
        Execution time of each task (default: its mean over the workers).
    comm : EdgeTimes
        Transfer time of each edge; ``None``: no communication.
    b : numpy.ndarray, optional
        The b-levels for ``w`` and ``comm`` when already computed.

    Returns
    -------
    (list of int, float)
        The task indices on the path, entry first, and its length (0 for an empty graph).

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 1); g.add_task("b", 5); g.add_task("c", 2)
    >>> g.add_edge("a", "b", data=1); g.add_edge("a", "c", data=9)
    >>> inst = compile_instance(g, Platform.homogeneous(2))
    >>> longest_path(inst, comm=mean_edge_times(inst)), longest_path(inst)
    (([0, 2], 12.0), ([0, 1], 6.0))
    """
    if inst.n == 0:
        return [], 0.0
    wt = _times(inst, w)
    bl = bottom_levels(inst, wt, comm) if b is None else b
    entries = [i for i in inst.topo if not inst.preds[i]]
    i = max(entries, key=lambda e: bl[e])  # the first of equals, in topological order
    out = [i]
    while inst.succs[i]:
        rest = bl[i] - wt[i]
        nxt = -1
        row = comm[i] if comm is not None else None
        for k, j in enumerate(inst.succs[i]):
            c = row[k] if row is not None else 0.0
            if abs(c + bl[j] - rest) <= _EPS * max(1.0, abs(rest)):
                nxt = j
                break
        if nxt < 0:  # the b-level of i is its own time only: the path ends here
            break
        out.append(nxt)
        i = nxt
    return out, float(bl.max())


# ------------------------------------------------------- t-levels and b-levels (graph)
def _by_task(
    of: Callable[[Instance, np.ndarray | None, EdgeTimes], np.ndarray],
    graph: TaskGraph,
    platform: Platform | None,
    communication: bool,
) -> dict[str, float]:
    """The levels ``of`` gives with mean costs (and mean transfer times), by task name."""
    inst = compile_instance(graph, platform if platform is not None else graph.default_platform())
    v = of(inst, None, mean_edge_times(inst) if communication else None)
    return {task: float(v[i]) for i, task in enumerate(inst.tasks)}


def t_levels(graph: TaskGraph, platform: Platform | None = None, *, communication: bool = True) -> dict[str, float]:
    """t-level of every task with mean costs: the longest path from an entry to it, excluding it
    (its earliest start, ASAP, with unbounded workers).

    Parameters
    ----------
    graph : TaskGraph
        The graph (not modified).
    platform : Platform, optional
        The workers; default the graph's own (:meth:`TaskGraph.default_platform`).
    communication : bool
        Count the mean transfer time of every edge (default) or leave communication out.

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 1); g.add_edge("a", "b", 3)
    >>> t_levels(g, Platform.homogeneous(2)), t_levels(g, Platform.homogeneous(2), communication=False)
    ({'a': 0.0, 'b': 5.0}, {'a': 0.0, 'b': 2.0})
    """
    return _by_task(top_levels, graph, platform, communication)


def b_levels(graph: TaskGraph, platform: Platform | None = None, *, communication: bool = True) -> dict[str, float]:
    """b-level of every task with mean costs: the longest path from it to an exit, including it
    (the upward rank of HEFT; without communication, the static level).

    Parameters
    ----------
    graph : TaskGraph
        The graph (not modified).
    platform : Platform, optional
        The workers; default the graph's own (:meth:`TaskGraph.default_platform`).
    communication : bool
        Count the mean transfer time of every edge (default) or leave communication out.

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 1); g.add_edge("a", "b", 3)
    >>> b_levels(g, Platform.homogeneous(2)), b_levels(g, Platform.homogeneous(2), communication=False)
    ({'a': 6.0, 'b': 1.0}, {'a': 3.0, 'b': 1.0})
    """
    return _by_task(bottom_levels, graph, platform, communication)
