"""Linear clustering (:func:`~model.algorithms.lc.linear_clusters`) as a compiled kernel (numba).

Imported only when :func:`~model.algorithms.engines.compiled.wanted` said yes: importing
this module imports numba. :func:`linear_clusters_compiled` gives the same clusters as the
Python loop: the same lengths (the same sums, in the same order), the same lazy scheme
(a peeled path marks inexact only the tasks whose longest path ran through it; a task is
made exact when it comes out on top of the queue, with just the successors whose bound
could still make them the longest) and the same ties (the largest length first, then the
task earlier in topological order; a path extended to the first longest successor).

The queue is a binary heap over ``(-length, topological position, task)``: a total order,
so the tasks come out in the order of :mod:`heapq`'s queue whatever the heap's shape.
The kernel peels at most :data:`CHUNK` paths per call; the cancel token is checked
between calls.
"""

from __future__ import annotations

import numba
import numpy as np

from ...instance import Instance
from ..base import CancelToken, check_cancel
from .ties import topo_position

__all__ = ["CHUNK", "linear_clusters_compiled"]

#: paths peeled per kernel call (the cancel token is checked between calls)
CHUNK = 4096


@numba.njit(cache=True)
def _less(
    hd: np.ndarray, hp: np.ndarray, hi: np.ndarray, a: int, b: int
) -> bool:  # pragma: no cover - compiled
    """Whether heap entry ``a`` comes before entry ``b``: ``(-length, position, task)`` in order."""
    if hd[a] != hd[b]:
        return bool(hd[a] < hd[b])
    if hp[a] != hp[b]:
        return bool(hp[a] < hp[b])
    return bool(hi[a] < hi[b])


@numba.njit(cache=True)
def _swap(
    hd: np.ndarray, hp: np.ndarray, hi: np.ndarray, a: int, b: int
) -> None:  # pragma: no cover - compiled
    hd[a], hd[b] = hd[b], hd[a]
    hp[a], hp[b] = hp[b], hp[a]
    hi[a], hi[b] = hi[b], hi[a]


@numba.njit(cache=True)
def _sift_down(
    hd: np.ndarray, hp: np.ndarray, hi: np.ndarray, at: int, size: int
) -> None:  # pragma: no cover
    while True:
        c = 2 * at + 1
        if c >= size:
            return
        if c + 1 < size and _less(hd, hp, hi, c + 1, c):
            c += 1
        if not _less(hd, hp, hi, c, at):
            return
        _swap(hd, hp, hi, c, at)
        at = c


@numba.njit(cache=True)
def _sift_up(hd: np.ndarray, hp: np.ndarray, hi: np.ndarray, at: int) -> None:  # pragma: no cover - compiled
    while at > 0:
        up = (at - 1) // 2
        if not _less(hd, hp, hi, at, up):
            return
        _swap(hd, hp, hi, at, up)
        at = up


@numba.njit(cache=True)
def _start(
    wbar: np.ndarray,
    comm: np.ndarray,
    succ: np.ndarray,
    sptr: np.ndarray,
    topo: np.ndarray,
    pos: np.ndarray,
    dist: np.ndarray,
    nxt: np.ndarray,
    hd: np.ndarray,
    hp: np.ndarray,
    hi: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """The longest path of every task (nothing clustered yet), and the heap of all tasks."""
    n = len(wbar)
    for t in range(n - 1, -1, -1):
        i = topo[t]
        b, nx_ = 0.0, -1
        for k in range(sptr[i], sptr[i + 1]):
            s = succ[k]
            v = comm[k] + dist[s]
            if nx_ < 0 or v > b:
                b, nx_ = v, s
        dist[i] = wbar[i] + b
        nxt[i] = nx_
    for i in range(n):
        hd[i] = -dist[i]
        hp[i] = pos[i]
        hi[i] = i
    for at in range(n // 2 - 1, -1, -1):
        _sift_down(hd, hp, hi, at, n)


@numba.njit(cache=True)
def _peel(
    wbar: np.ndarray,
    comm: np.ndarray,
    succ: np.ndarray,
    sptr: np.ndarray,
    pred: np.ndarray,
    pptr: np.ndarray,
    cluster: np.ndarray,
    dist: np.ndarray,
    nxt: np.ndarray,
    exact: np.ndarray,
    hd: np.ndarray,
    hp: np.ndarray,
    hi: np.ndarray,
    state: np.ndarray,
    stack: np.ndarray,
    todo: np.ndarray,
    budget: int,
) -> int:  # pragma: no cover - compiled
    """Peel up to ``budget`` paths. ``state`` holds ``[heap size, next cluster id]``.

    Returns 0 when every task is clustered, 1 when the budget ran out. The heap never
    outgrows its first size: each step pops an entry and pushes at most one back.
    """
    size, cid = state[0], state[1]
    peeled = 0
    out = 1
    while True:
        if size == 0:
            out = 0
            break
        if peeled >= budget:
            break
        negd, pi, start = hd[0], hp[0], hi[0]
        size -= 1
        if size > 0:
            hd[0], hp[0], hi[0] = hd[size], hp[size], hi[size]
            _sift_down(hd, hp, hi, 0, size)
        if cluster[start] >= 0:
            continue
        if not exact[start]:
            # settle: make dist[start] exact, settling first the bounded successors that could win
            top_ = 0
            stack[0] = start
            while top_ >= 0:
                y = stack[top_]
                best, bnx, top, pick = 0.0, -1, -1.0, -1
                for k in range(sptr[y], sptr[y + 1]):
                    s = succ[k]
                    if cluster[s] < 0:
                        v = comm[k] + dist[s]
                        if exact[s]:
                            if bnx < 0 or v > best:
                                best, bnx = v, s
                        elif v > top:
                            top, pick = v, s
                if pick >= 0 and (bnx < 0 or top >= best):
                    top_ += 1
                    stack[top_] = pick
                    continue
                top_ -= 1
                dist[y] = wbar[y] + best
                nxt[y] = bnx
                exact[y] = True
        if -negd != dist[start]:
            hd[size], hp[size], hi[size] = -dist[start], pi, start
            _sift_up(hd, hp, hi, size)
            size += 1
            continue
        peeled += 1
        # the path; ``todo`` holds it, then the tasks marked inexact, level by level
        cnt = 0
        i = start
        while i >= 0:
            cluster[i] = cid
            todo[cnt] = i
            cnt += 1
            i = nxt[i]
        cid += 1
        a, b = 0, cnt
        while a < b:
            e = b
            for t in range(a, b):
                j = todo[t]
                for k in range(pptr[j], pptr[j + 1]):
                    q = pred[k]
                    if nxt[q] == j and exact[q] and cluster[q] < 0:
                        exact[q] = False
                        todo[e] = q
                        e += 1
            a, b = b, e
    state[0], state[1] = size, cid
    return out


def linear_clusters_compiled(inst: Instance, cancel: CancelToken | None = None) -> list[int]:
    """:func:`~model.algorithms.lc.linear_clusters` by the compiled kernel: the same clusters.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.instance import compile_instance
    >>> g = TaskGraph()
    >>> for t, c in [("a", 1), ("b", 5), ("c", 1), ("d", 1)]: g.add_task(t, c)
    >>> g.add_edge("a", "b", 1); g.add_edge("a", "c", 1); g.add_edge("b", "d", 1); g.add_edge("c", "d", 1)
    >>> linear_clusters_compiled(compile_instance(g, Platform.homogeneous(2)))
    [0, 0, 1, 0]
    """
    n = inst.n
    if n == 0:
        return []
    wbar = np.ascontiguousarray(inst.mean_w(), dtype=np.float64)
    comm = np.ascontiguousarray(inst.mean_comm_array(inst.succ_dat), dtype=np.float64)
    succ = np.ascontiguousarray(inst.succ_idx, dtype=np.int64)
    sptr = np.ascontiguousarray(inst.succ_ptr, dtype=np.int64)
    pred = np.ascontiguousarray(inst.pred_idx, dtype=np.int64)
    pptr = np.ascontiguousarray(inst.pred_ptr, dtype=np.int64)
    topo = np.asarray(inst.topo, dtype=np.int64)
    pos = np.ascontiguousarray(topo_position(inst), dtype=np.int64)
    cluster = np.full(n, -1, dtype=np.int64)
    dist = np.zeros(n)
    nxt = np.full(n, -1, dtype=np.int64)
    exact = np.ones(n, dtype=np.bool_)
    hd, hp, hi = np.empty(n), np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    _start(wbar, comm, succ, sptr, topo, pos, dist, nxt, hd, hp, hi)
    state = np.array([n, 0], dtype=np.int64)
    stack = np.empty(n + 1, dtype=np.int64)
    todo = np.empty(n + 1, dtype=np.int64)
    while True:
        check_cancel(cancel)
        if (
            _peel(
                wbar,
                comm,
                succ,
                sptr,
                pred,
                pptr,
                cluster,
                dist,
                nxt,
                exact,
                hd,
                hp,
                hi,
                state,
                stack,
                todo,
                CHUNK,
            )
            == 0
        ):
            break
    result: list[int] = cluster.tolist()
    return result
