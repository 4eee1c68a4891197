"""A compiled, index-based view of a task graph on a platform.

Algorithms work on integers and numpy arrays rather than on networkx dicts: this is
what lets HEFT map 100,000 tasks in seconds. An :class:`Instance` is built once per
run by :func:`compile_instance` and never mutated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .gcpause import paused_collection
from .graph import GraphError, Platform, TaskGraph

__all__ = ["Instance", "compile_instance"]


@dataclass(frozen=True, eq=False)
class Instance:
    """Task graph + platform as arrays.

    Attributes
    ----------
    tasks : list[str]
        Task ids; task ``i`` is ``tasks[i]``.
    workers : list[str]
        Worker ids; worker ``p`` is ``workers[p]``.
    w : numpy.ndarray
        ``(n, m)`` execution time of task ``i`` on worker ``p``.
    preds, succs : list[list[int]]
        Direct predecessors / successors of each task.
    pred_data, succ_data : list[list[float]]
        Data volume on the matching edge.
    topo : list[int]
        A topological order.
    lat, inv_bw : numpy.ndarray
        ``(m, m)`` latency and 1/bandwidth between workers (zero on the diagonal):
        moving ``d`` from ``p`` to ``q`` takes ``lat[p, q] + d * inv_bw[p, q]``.
    uniform_comm : bool
        Whether every pair of distinct workers has the same latency and bandwidth.
    pin : numpy.ndarray
        ``(n,)`` integer worker index each task is pinned to, ``-1`` for a free task
        (the task attribute ``pin`` of the graph). Every algorithm puts a pinned task
        on that worker.
    """

    tasks: list[str]
    workers: list[str]
    w: np.ndarray
    preds: list[list[int]]
    succs: list[list[int]]
    pred_data: list[list[float]]
    succ_data: list[list[float]]
    topo: list[int]
    lat: np.ndarray
    inv_bw: np.ndarray
    uniform_comm: bool
    pin: np.ndarray

    @property
    def n(self) -> int:
        """Number of tasks."""
        return len(self.tasks)

    @property
    def m(self) -> int:
        """Number of workers."""
        return len(self.workers)

    @property
    def pinned(self) -> bool:
        """Whether any task is pinned to a worker."""
        return bool((self.pin >= 0).any())

    def comm(self, data: float, p: int, q: int) -> float:
        """Time to move ``data`` from worker ``p`` to worker ``q`` (0 when ``p == q``)."""
        if p == q:
            return 0.0
        return float(self.lat[p, q] + data * self.inv_bw[p, q])

    def comm_row(self, data: float, p: int) -> np.ndarray:
        """Transfer times of ``data`` from worker ``p`` to every worker (vector of length m)."""
        row: np.ndarray = self.lat[p] + data * self.inv_bw[p]
        return row

    def mean_comm(self, data: float) -> float:
        """Average transfer time of ``data`` over all ordered pairs of distinct workers."""
        m = self.m
        if m < 2:
            return 0.0
        if self.uniform_comm:
            return float(self.lat[0, 1] + data * self.inv_bw[0, 1])
        off = ~np.eye(m, dtype=bool)
        return float(self.lat[off].mean() + data * self.inv_bw[off].mean())

    def mean_w(self) -> np.ndarray:
        """Average execution time of each task over the workers."""
        return self.w.mean(axis=1)  # type: ignore[no-any-return]

    def ready_times(self, i: int, proc: np.ndarray | list[int], finish: np.ndarray | list[float]) -> np.ndarray:
        """Earliest time the inputs of task ``i`` are available on each worker.

        ``proc[j]`` and ``finish[j]`` are the worker and finish time of each placed
        predecessor ``j``.
        """
        r = np.zeros(self.m)
        for j, d in zip(self.preds[i], self.pred_data[i]):
            arr = self.comm_row(d, proc[j]) + finish[j]
            arr[proc[j]] = finish[j]
            np.maximum(r, arr, out=r)
        return r


def compile_instance(graph: TaskGraph, platform: Platform) -> Instance:
    """Build the :class:`Instance` of ``graph`` on ``platform`` (validates both).

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 4); g.add_task("b", 2); g.add_edge("a", "b", 3)
    >>> inst = compile_instance(g, Platform.homogeneous(2))
    >>> inst.w.tolist(), inst.preds
    ([[4.0, 4.0], [2.0, 2.0]], [[], [0]])
    >>> g.nx.nodes["b"]["pin"] = "P2"
    >>> compile_instance(g, Platform.homogeneous(2)).pin.tolist()
    [-1, 1]

    Raises
    ------
    GraphError
        When the graph or the platform is invalid, or a task is pinned to a worker
        the platform does not have (the message names the task and the worker).
    """
    # hundreds of thousands of small lists: the cyclic garbage collector would rescan the
    # whole graph again and again while they are made (half the time at 100,000 tasks)
    with paused_collection():
        return _compile(graph, platform)


def _compile(graph: TaskGraph, platform: Platform) -> Instance:
    graph.validate(platform)
    tasks = graph.tasks
    index = {t: i for i, t in enumerate(tasks)}
    n, m = len(tasks), len(platform)
    w = np.empty((n, m))
    speeds = np.array([wk.speed for wk in platform.workers])
    ids = platform.ids
    windex = {wid: p for p, wid in enumerate(ids)}
    pin = np.full(n, -1, dtype=np.int64)
    for i, (t, a) in enumerate(graph.nx.nodes(data=True)):
        if "costs" in a:
            w[i] = a["costs"]
        else:
            w[i] = a.get("cost", 0.0) / speeds
        where = a.get("pin")
        if where is not None:
            p = windex.get(str(where), -1)
            if p < 0:
                raise GraphError(
                    f"task {t!r} is pinned to worker {str(where)!r}, which the platform does not have"
                    f" (workers: {', '.join(ids[:8])}{', ...' if len(ids) > 8 else ''})"
                )
            pin[i] = p
    preds: list[list[int]] = [[] for _ in range(n)]
    succs: list[list[int]] = [[] for _ in range(n)]
    pdata: list[list[float]] = [[] for _ in range(n)]
    sdata: list[list[float]] = [[] for _ in range(n)]
    for u, v, a in graph.nx.edges(data=True):
        iu, iv = index[u], index[v]
        d = float(a.get("data", 0.0))
        preds[iv].append(iu)
        pdata[iv].append(d)
        succs[iu].append(iv)
        sdata[iu].append(d)
    # Kahn's algorithm with a FIFO queue: stable and linear.
    indeg = [len(p) for p in preds]
    order = [i for i in range(n) if indeg[i] == 0]
    k = 0
    while k < len(order):
        i = order[k]
        k += 1
        for j in succs[i]:
            indeg[j] -= 1
            if indeg[j] == 0:
                order.append(j)
    net = platform.network
    lat = np.full((m, m), float(net.latency))
    inv_bw = np.full((m, m), 1.0 / net.bandwidth)
    for (a_, b_), (bw, lt) in net.links.items():
        p, q = ids.index(a_), ids.index(b_)
        lat[p, q] = lt
        inv_bw[p, q] = 1.0 / bw
    np.fill_diagonal(lat, 0.0)
    np.fill_diagonal(inv_bw, 0.0)
    return Instance(
        tasks=tasks,
        workers=ids,
        w=w,
        preds=preds,
        succs=succs,
        pred_data=pdata,
        succ_data=sdata,
        topo=order,
        lat=lat,
        inv_bw=inv_bw,
        uniform_comm=not net.links,
        pin=pin,
    )
