"""A compiled, index-based view of a task graph on a platform.

Algorithms work on integers and numpy arrays rather than on networkx dicts: this is
what lets HEFT map 100,000 tasks in seconds. An :class:`Instance` is built once per
run by :func:`compile_instance` and never mutated.

The edges are held in compressed sparse rows (CSR), both ways: the predecessors of
task ``i`` are ``pred_idx[pred_ptr[i]:pred_ptr[i + 1]]`` with their data volumes in
``pred_dat`` at the same places, and likewise for the successors. The list-of-lists
views (:attr:`Instance.preds`, ...) are made from them on first use, for the
algorithms that walk the graph task by task in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from itertools import chain, pairwise
from operator import methodcaller
from typing import Any

import numpy as np

from .gcpause import paused_collection
from .graph import GraphError, Platform, TaskGraph, shorten

__all__ = ["Instance", "assemble_instance", "compile_instance", "topological_order"]


def _rows(ptr: np.ndarray, values: np.ndarray) -> list[list[Any]]:
    """``values`` cut into one Python list per row of a CSR pointer array."""
    flat = values.tolist()
    bounds = ptr.tolist()
    return [flat[a:b] for a, b in pairwise(bounds)]


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
    pred_ptr, pred_idx, pred_dat : numpy.ndarray
        Predecessors in CSR form: those of task ``i`` are
        ``pred_idx[pred_ptr[i]:pred_ptr[i + 1]]`` (in the graph's edge order), with the
        data volume of each edge in ``pred_dat``.
    succ_ptr, succ_idx, succ_dat : numpy.ndarray
        Successors in CSR form, likewise.
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
    pred_ptr: np.ndarray
    pred_idx: np.ndarray
    pred_dat: np.ndarray
    succ_ptr: np.ndarray
    succ_idx: np.ndarray
    succ_dat: np.ndarray
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
    def edges(self) -> int:
        """Number of edges."""
        return len(self.succ_idx)

    @cached_property
    def preds(self) -> list[list[int]]:
        """Direct predecessors of each task (lists, in the graph's edge order)."""
        return _rows(self.pred_ptr, self.pred_idx)

    @cached_property
    def succs(self) -> list[list[int]]:
        """Direct successors of each task."""
        return _rows(self.succ_ptr, self.succ_idx)

    @cached_property
    def pred_data(self) -> list[list[float]]:
        """Data volume of each edge of :attr:`preds`, at the same place."""
        return _rows(self.pred_ptr, self.pred_dat)

    @cached_property
    def succ_data(self) -> list[list[float]]:
        """Data volume of each edge of :attr:`succs`, at the same place."""
        return _rows(self.succ_ptr, self.succ_dat)

    @cached_property
    def succ_src(self) -> np.ndarray:
        """Source task of each edge in successor (CSR) order: ``succ_idx[k]`` is its target."""
        return np.repeat(np.arange(self.n, dtype=np.int64), np.diff(self.succ_ptr))

    @cached_property
    def pred_edge(self) -> np.ndarray:
        """Where each edge of the predecessor arrays is in the successor arrays.

        ``pred_idx == succ_src[pred_edge]`` and ``pred_dat == succ_dat[pred_edge]``.
        """
        return np.argsort(self.succ_idx, kind="stable")

    @cached_property
    def pred_dst(self) -> np.ndarray:
        """Target task of each edge in predecessor (CSR) order: ``pred_idx[k]`` is its source."""
        return np.repeat(np.arange(self.n, dtype=np.int64), np.diff(self.pred_ptr))

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

    def mean_comm_array(self, data: np.ndarray) -> np.ndarray:
        """:meth:`mean_comm` of every value of ``data`` at once (the same numbers)."""
        m = self.m
        if m < 2:
            return np.zeros(len(data))
        if self.uniform_comm:
            return self.lat[0, 1] + data * self.inv_bw[0, 1]  # type: ignore[no-any-return]
        off = ~np.eye(m, dtype=bool)
        return self.lat[off].mean() + data * self.inv_bw[off].mean()  # type: ignore[no-any-return]

    def mean_w(self) -> np.ndarray:
        """Average execution time of each task over the workers."""
        return self.w.mean(axis=1)  # type: ignore[no-any-return]

    def ready_times(self, i: int, proc: np.ndarray | list[int], finish: np.ndarray | list[float]) -> np.ndarray:
        """Earliest time the inputs of task ``i`` are available on each worker.

        ``proc[j]`` and ``finish[j]`` are the worker and finish time of each placed
        predecessor ``j``.
        """
        r = np.zeros(self.m)
        a, b = int(self.pred_ptr[i]), int(self.pred_ptr[i + 1])
        if a == b:
            return r
        src = self.pred_idx[a:b]
        if isinstance(proc, np.ndarray) and isinstance(finish, np.ndarray):
            q, f = proc[src], finish[src]
        else:
            js = src.tolist()
            q = np.array([proc[j] for j in js], dtype=np.int64)
            f = np.array([finish[j] for j in js], dtype=float)
        arr = (self.lat[q] + self.pred_dat[a:b, None] * self.inv_bw[q]) + f[:, None]
        arr[np.arange(b - a), q] = f
        np.maximum(r, arr.max(axis=0), out=r)
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
    made = graph.precompiled(platform)
    if made is not None:
        return made
    # hundreds of thousands of small lists: the cyclic garbage collector would rescan the
    # whole graph again and again while they are made (half the time at 100,000 tasks)
    with paused_collection():
        return _compile(graph, platform)


_NUMBER_TYPES = frozenset((float, int))
_get_data = methodcaller("get", "data", 0.0)
_get_cost = methodcaller("get", "cost", 0.0)


def _numbers(values: list[Any]) -> np.ndarray | None:
    """``values`` as floats when every one is a plain finite non-negative int or float, else ``None``."""
    if not set(map(type, values)) <= _NUMBER_TYPES:
        return None
    try:
        a = np.array(values, dtype=float)
    except (OverflowError, ValueError):
        return None
    if len(a) and not (np.isfinite(a).all() and a.min() >= 0.0):
        return None
    return a


def _costs(graph: TaskGraph, attrs: list[dict[str, Any]], speeds: np.ndarray) -> np.ndarray | None:
    """The ``(n, m)`` execution times, or ``None`` when a value needs the validator's attention."""
    n, m = len(attrs), len(speeds)
    has_costs = ["costs" in a for a in attrs]
    w = np.empty((n, m))
    rows = [i for i, h in enumerate(has_costs) if h]
    if rows:
        lists = [attrs[i]["costs"] for i in rows]
        if not all(type(c) is list and len(c) == m for c in lists):
            return None
        flat = _numbers(list(chain.from_iterable(lists)))
        if flat is None:
            return None
        w[rows] = flat.reshape(len(rows), m)
    if len(rows) < n:
        plain = [i for i, h in enumerate(has_costs) if not h]
        cost = _numbers([_get_cost(attrs[i]) for i in plain])
        if cost is None:
            return None
        w[plain] = cost[:, None] / speeds[None, :]
    return w


def _compile(graph: TaskGraph, platform: Platform) -> Instance:
    nodes = graph.nx._node
    tasks = list(nodes)
    attrs = list(nodes.values())
    n, m = len(tasks), len(platform)
    speeds = np.array([wk.speed for wk in platform.workers], dtype=float)
    ids = platform.ids

    # edges, in the graph's order (source by source, targets in insertion order)
    index = {t: i for i, t in enumerate(tasks)}
    targets: list[int] = []
    data: list[Any] = []
    outdeg: list[int] = []
    for nbrs in map(graph.nx._succ.__getitem__, tasks):
        targets.extend(map(index.__getitem__, nbrs))
        data.extend(map(_get_data, nbrs.values()))
        outdeg.append(len(nbrs))
    succ_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(outdeg, out=succ_ptr[1:])
    succ_idx = np.array(targets, dtype=np.int64)

    dat = _numbers(data)
    w = _costs(graph, attrs, speeds)
    order = topological_order(n, succ_ptr, succ_idx)
    if dat is None or w is None or len(order) < n:
        # the validator names the first problem in its own order (cycle first)
        graph.validate(platform)
        if len(order) < n:  # pragma: no cover - validate always finds the cycle
            raise GraphError("the graph has a cycle")
        # numbers of other kinds (numpy scalars, fractions) the validator accepts
        dat = np.array([float(d) for d in data], dtype=float)
        w = np.empty((n, m))
        for i, a in enumerate(attrs):
            w[i] = [float(c) for c in a["costs"]] if "costs" in a else float(a.get("cost", 0.0)) / speeds
    succ_dat = dat

    windex = {wid: p for p, wid in enumerate(ids)}
    pin = np.full(n, -1, dtype=np.int64)
    get_pin = methodcaller("get", "pin")
    for i, where in enumerate(map(get_pin, attrs)):
        if where is not None:
            p = windex.get(str(where), -1)
            if p < 0:
                raise GraphError(_unknown_pin(tasks[i], str(where), ids))
            pin[i] = p
    return assemble_instance(tasks, platform, w, succ_ptr, succ_idx, succ_dat, order, pin)


def _unknown_pin(task: str, worker: str, ids: list[str]) -> str:
    """The message of a pin to a worker the platform lacks (the same words as
    :meth:`TaskGraph.validate`, whichever check meets it first)."""
    return (f"task {shorten(task)} is pinned to unknown worker {shorten(worker)}"
            f" (workers: {', '.join(ids[:8])}{', ...' if len(ids) > 8 else ''})")


def assemble_instance(
    tasks: list[str],
    platform: Platform,
    w: np.ndarray,
    succ_ptr: np.ndarray,
    succ_idx: np.ndarray,
    succ_dat: np.ndarray,
    topo: list[int],
    pin: np.ndarray,
) -> Instance:
    """The :class:`Instance` of checked arrays: the predecessor arrays and the network's
    matrices are made here.

    Parameters
    ----------
    tasks : list of str
        Task ids.
    platform : Platform
        The workers and network.
    w : numpy.ndarray
        ``(n, m)`` execution times.
    succ_ptr, succ_idx, succ_dat : numpy.ndarray
        The edges in successor CSR form (see :class:`Instance`).
    topo : list of int
        A topological order.
    pin : numpy.ndarray
        Worker index of each task, ``-1`` when free.
    """
    n, m = len(tasks), len(platform)
    ids = platform.ids
    src = np.repeat(np.arange(n, dtype=np.int64), np.diff(succ_ptr))
    # predecessors: the same edges grouped by target, sources in edge order
    by_target = np.argsort(succ_idx, kind="stable")
    pred_idx = src[by_target]
    pred_dat = succ_dat[by_target]
    pred_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(succ_idx, minlength=n), out=pred_ptr[1:])

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
        pred_ptr=pred_ptr,
        pred_idx=pred_idx,
        pred_dat=pred_dat,
        succ_ptr=succ_ptr,
        succ_idx=succ_idx,
        succ_dat=succ_dat,
        topo=topo,
        lat=lat,
        inv_bw=inv_bw,
        uniform_comm=not net.links,
        pin=pin,
    )


def topological_order(n: int, succ_ptr: np.ndarray, succ_idx: np.ndarray) -> list[int]:
    """Kahn's algorithm with a FIFO queue (stable and linear) on successor CSR arrays;
    shorter than ``n`` on a cycle. Big graphs go through the compiled kernel
    (:mod:`model.instance_kernels`), which gives the same order.

    Examples
    --------
    >>> import numpy as np
    >>> topological_order(3, np.array([0, 0, 1, 1]), np.array([0]))
    [1, 2, 0]
    """
    from .algorithms.engines.compiled import wanted

    if wanted(n, 1):
        from .instance_kernels import kahn_order

        return kahn_order(n, succ_ptr, succ_idx).tolist()  # type: ignore[no-any-return]
    return _kahn(n, succ_ptr, succ_idx)


def _kahn(n: int, succ_ptr: np.ndarray, succ_idx: np.ndarray) -> list[int]:
    indeg = np.bincount(succ_idx, minlength=n).tolist()
    targets = succ_idx.tolist()
    ptr = succ_ptr.tolist()
    order = [i for i in range(n) if indeg[i] == 0]
    k = 0
    while k < len(order):
        i = order[k]
        k += 1
        for j in targets[ptr[i]:ptr[i + 1]]:
            indeg[j] -= 1
            if indeg[j] == 0:
                order.append(j)
    return order
