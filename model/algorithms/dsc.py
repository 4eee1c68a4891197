"""DSC: Dominant Sequence Clustering, then cluster-to-worker mapping."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from itertools import pairwise

from ..instance import Instance
from .base import Algorithm, CancelToken, Placement, check_cancel, register
from .engines import place_clusters, topo_position, upward_rank, within


def dsc_clusters(inst: Instance, cancel: CancelToken | None = None) -> list[int]:
    """Cluster the tasks by Dominant Sequence Clustering; the cluster of each task.

    Works on an unbounded number of identical virtual processors with mean execution
    and mean transfer times, following Yang & Gerasoulis (1994):

    * A task is *free* when all its predecessors are examined, *partially free* when
      some are. Its priority is ``tlevel + blevel``: ``blevel`` is the longest path to
      an exit in the original graph (it never changes, since only edges into examined
      tasks are zeroed), ``tlevel`` the latest arrival of its examined predecessors'
      data with the task alone in its cluster.
    * Each step examines the free task ``nx`` of highest priority (ties by topological
      position) with the *minimisation procedure*: its predecessors sorted by
      decreasing data arrival, ``nx`` is appended to the cluster of the first one
      (zeroing every edge from that cluster) if that makes it start strictly earlier;
      then the next predecessors are moved into that cluster one by one, each appended
      before ``nx``, while every move makes ``nx`` start strictly earlier. Otherwise
      ``nx`` opens a new cluster.
    * *Dominant sequence reduction warranty* (DSRW): when the partially free task
      ``ny`` of highest priority outranks ``nx``, the zeroing above is kept only if it
      does not raise the start ``ny`` could still reach (the smaller of its
      ``tlevel`` and its start when appended to the cluster of its latest-arriving
      examined predecessor) compared with ``nx`` left alone. Otherwise ``nx`` opens a
      new cluster, so a lower-priority task never takes the place that the dominant
      sequence through ``ny`` needs.

    Tasks in a cluster run one after the other in examination order. Cluster ids are
    numbered from 0 in order of creation, without gaps.

    Choices the paper leaves open, made here: a predecessor is moved by the
    minimisation procedure only when it is alone in its cluster and ``nx`` is its only
    successor, so the move changes no other examined task's start; the processing
    stops at the first predecessor that cannot be moved or does not help; the
    reduced start protected for ``ny`` considers the cluster of its dominant
    (latest-arriving) examined predecessor, the only one whose zeroing can lower it.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.instance import compile_instance
    >>> g = TaskGraph()
    >>> for t in "abcd": g.add_task(t, 1)
    >>> g.add_edge("a", "b", 10); g.add_edge("a", "c", 10); g.add_edge("b", "d", 1)
    >>> dsc_clusters(compile_instance(g, Platform.homogeneous(2)))
    [0, 0, 0, 1]
    """
    n = inst.n
    wbar = inst.mean_w().tolist()
    blevel = upward_rank(inst).tolist()
    pos = topo_position(inst).tolist()
    preds = inst.preds
    succs = inst.succs
    # mean transfer time of each edge, as lists beside ``preds`` and ``succs``
    pflat = inst.mean_comm_array(inst.pred_dat).tolist()
    sflat = inst.mean_comm_array(inst.succ_dat).tolist()
    pb, sb = inst.pred_ptr.tolist(), inst.succ_ptr.tolist()
    pcomm = [pflat[a:b] for a, b in pairwise(pb)]
    scomm = [sflat[a:b] for a, b in pairwise(sb)]
    indeg = [len(p) for p in preds]

    cluster = [-1] * n
    finish = [0.0] * n
    cend: list[float] = []  # finish of the last task of each cluster
    csize: list[int] = []
    examined = [False] * n
    nexam = [0] * n  # examined predecessors
    ptl = [0.0] * n  # latest data arrival from the examined predecessors

    free = [(-blevel[i], pos[i], i) for i in range(n) if indeg[i] == 0]
    heapq.heapify(free)
    # partially free tasks: lazy max-heap, an entry is current while its count matches
    partial: list[tuple[float, int, int, int]] = []

    def head_partial() -> int:
        while partial:
            _, _, y, k = partial[0]
            if k == nexam[y] and k < indeg[y]:
                return y
            heapq.heappop(partial)
        return -1

    def reachable_start(y: int, x: int, xc: int, xf: float, xend: float) -> float:
        """Smallest start of ``y`` by its tlevel or by joining its dominant predecessor's cluster.

        ``x`` is taken as placed in cluster ``xc`` finishing at ``xf``, the cluster ending at ``xend``.
        """
        items: list[tuple[int, float, float, int]] = []
        for j, c in zip(preds[y], pcomm[y]):
            if j == x:
                items.append((xc, xf, xf + c, pos[j]))
            elif examined[j]:
                items.append((cluster[j], finish[j], finish[j] + c, pos[j]))
        dom = min(items, key=lambda it: (-it[2], it[3]))
        own = dom[2]
        d = dom[0]
        t = xend if d == xc else cend[d]
        for c, f, a, _ in items:
            t = max(t, f if c == d else a)
        return min(own, t)

    step = 0
    while free:
        if step & 255 == 0:
            check_cancel(cancel)
        step += 1
        x_prio, _, x = heapq.heappop(free)
        # predecessors by decreasing data arrival (ties by topological position)
        order = sorted(
            ((finish[j] + c, pos[j], j) for j, c in zip(preds[x], pcomm[x])), key=lambda e: (-e[0], e[1])
        )
        unit_t = order[0][0] if order else 0.0
        target, t = -1, unit_t
        moved: list[tuple[int, float]] = []
        if order:
            cx = cluster[order[0][2]]
            inside = [finish[j] for _, _, j in order if cluster[j] == cx]
            outside = [(a, j) for a, _, j in order if cluster[j] != cx]
            inside_f = max(inside)
            zt = max(cend[cx], inside_f, outside[0][0] if outside else 0.0)
            if within(zt) < unit_t:
                target, t = cx, zt
                end = cend[cx]
                for k, (_, j) in enumerate(outside):
                    if csize[cluster[j]] != 1 or len(succs[j]) != 1:
                        break
                    ready = 0.0
                    for q, c in zip(preds[j], pcomm[j]):
                        ready = max(ready, finish[q] if cluster[q] == cx else finish[q] + c)
                    fj = max(end, ready) + wbar[j]
                    rest = outside[k + 1][0] if k + 1 < len(outside) else 0.0
                    nt = max(fj, inside_f, rest)
                    if not within(nt) < t:
                        break
                    moved.append((j, fj))
                    end, inside_f, t = fj, max(inside_f, fj), nt
        if target >= 0:
            y = head_partial()
            if y >= 0 and -partial[0][0] > within(-x_prio):
                # DSRW: the zeroing must not hurt the partially free task that outranks nx
                fx = t + wbar[x]
                fu = unit_t + wbar[x]
                if reachable_start(y, x, target, fx, fx) > within(reachable_start(y, x, -2, fu, fu)):
                    target, t, moved = -1, unit_t, []
        if target < 0:
            target = len(cend)
            cend.append(0.0)
            csize.append(0)
        for j, fj in moved:
            csize[cluster[j]] -= 1
            cluster[j] = target
            csize[target] += 1
            finish[j] = fj
        cluster[x] = target
        csize[target] += 1
        finish[x] = t + wbar[x]
        cend[target] = finish[x]
        examined[x] = True
        for s, c in zip(succs[x], scomm[x]):
            nexam[s] += 1
            a = finish[x] + c
            if a > ptl[s]:
                ptl[s] = a
            if nexam[s] == indeg[s]:
                heapq.heappush(free, (-(ptl[s] + blevel[s]), pos[s], s))
            else:
                heapq.heappush(partial, (-(ptl[s] + blevel[s]), pos[s], s, nexam[s]))
    # number the non-empty clusters 0, 1, ... in order of creation
    ids: dict[int, int] = {}
    for c in range(len(cend)):
        if csize[c]:
            ids[c] = len(ids)
    return [ids[c] for c in cluster]


@register
class DSC(Algorithm):
    """Dominant Sequence Clustering, then the clusters merged onto the workers.

    First :func:`dsc_clusters` groups tasks that exchange data along the dominant
    sequence (the critical path of the partly clustered graph), as if there were one
    processor per cluster: the edges it zeroes are the transfers it saves. Then the
    clusters are merged onto the real workers, the heaviest cluster first onto the
    least-loaded worker, and the tasks are timed by decreasing upward rank on their
    cluster's worker. A cluster never spans two workers, so data exchanged inside it
    never crosses the network: "tasks that exchange data belong together".

    References
    ----------
    T. Yang, A. Gerasoulis, "DSC: scheduling parallel tasks on an unbounded number of
    processors", IEEE Transactions on Parallel and Distributed Systems 5(9), 1994.
    Cluster merging by load: Sarkar, *Partitioning and Scheduling Parallel Programs for
    Multiprocessors*, MIT Press, 1989.

    Examples
    --------
    A chain with heavy data stays on one worker while light tasks fill the other.

    >>> from model.graph import TaskGraph, Platform
    >>> g = TaskGraph()
    >>> for t in ["c1", "c2", "c3", "x1", "x2", "x3"]: g.add_task(t, 2)
    >>> g.add_edge("c1", "c2", 50); g.add_edge("c2", "c3", 50)
    >>> s = DSC().schedule(g, Platform.homogeneous(2))
    >>> {s.mapping()[t] for t in ["c1", "c2", "c3"]}, s.makespan
    ({'P1'}, 6.0)
    """

    name = "dsc"
    description = "DSC: dominant sequence clustering, clusters merged onto workers by load (Yang & Gerasoulis 1994)"
    reference = "Yang & Gerasoulis, IEEE TPDS 5(9), 1994"
    family = "clustering"

    def place(
        self, inst: Instance, cancel: CancelToken | None
    ) -> Iterator[Placement]:
        cluster = dsc_clusters(inst, cancel)
        self.info["clusters"] = max(cluster, default=-1) + 1
        yield from place_clusters(inst, cluster, cancel)
