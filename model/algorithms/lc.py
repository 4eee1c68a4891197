"""LC: Linear Clustering, then cluster-to-worker mapping."""

from __future__ import annotations

import heapq
from collections.abc import Iterator

from ..instance import Instance
from .base import Algorithm, CancelToken, Placement, check_cancel, register
from .engines import compiled, place_clusters, topo_position


def linear_clusters(inst: Instance, cancel: CancelToken | None = None) -> list[int]:
    """Cluster the tasks by linear clustering; the cluster of each task.

    Repeatedly take the longest path (mean execution times plus mean transfer times) of
    the tasks not yet clustered, make it one cluster — zeroing all its edges — and
    remove it, until every task is in a cluster. Each cluster is a chain of dependent
    tasks, so it never holds two tasks that could run in parallel. Ties go to the task
    earlier in topological order, and a path is extended through zero-cost edges.

    Removing a path can only shorten the longest paths of the ancestors whose longest
    path ran through it, so those are only marked as bounded from above; a heap keeps the
    bounds, and a task's length is recomputed when it comes out on top (with just the
    successors whose bound could still make them the longest), so most tasks are
    recomputed rarely or never while they wait. From
    :func:`~model.algorithms.engines.compiled.wanted`'s size on, the same steps run as a
    compiled kernel (:mod:`~model.algorithms.engines.lc_kernel`), with the same clusters.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.instance import compile_instance
    >>> g = TaskGraph()
    >>> for t, c in [("a", 1), ("b", 5), ("c", 1), ("d", 1)]: g.add_task(t, c)
    >>> g.add_edge("a", "b", 1); g.add_edge("a", "c", 1); g.add_edge("b", "d", 1); g.add_edge("c", "d", 1)
    >>> linear_clusters(compile_instance(g, Platform.homogeneous(2)))
    [0, 0, 1, 0]
    """
    if compiled.wanted(inst.n, inst.m):
        from .engines.lc_kernel import linear_clusters_compiled

        return linear_clusters_compiled(inst, cancel)
    n = inst.n
    wbar = inst.mean_w().tolist()
    comm = inst.mean_comm_array(inst.succ_dat).tolist()
    succ, sptr = inst.succ_idx.tolist(), inst.succ_ptr.tolist()
    pred, pptr = inst.pred_idx.tolist(), inst.pred_ptr.tolist()
    pos = topo_position(inst).tolist()
    cluster = [-1] * n
    # dist[i]: the longest path from i through unclustered tasks when exact[i], else a
    # bound from above (lengths only shrink as tasks are clustered); nxt[i] its next task
    dist = [0.0] * n
    nxt = [-1] * n
    exact = [True] * n
    heappush, heappop = heapq.heappush, heapq.heappop

    def longest(i: int) -> tuple[float, int]:
        """``(dist, next)`` of ``i``: its longest path through unclustered successors."""
        b, nx_ = 0.0, -1
        for k in range(sptr[i], sptr[i + 1]):
            s = succ[k]
            if cluster[s] < 0:
                v = comm[k] + dist[s]
                if nx_ < 0 or v > b:
                    b, nx_ = v, s
        return wbar[i] + b, nx_

    def settle(x: int) -> None:
        """Make ``dist[x]`` and ``nxt[x]`` exact.

        A successor whose length is only bounded is settled first, but only if its bound
        could reach the best exact successor: the others cannot be (or tie with) the
        longest, so neither the length nor the first longest successor depends on them.
        """
        stack = [x]
        while stack:
            y = stack[-1]
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
                stack.append(pick)
                continue
            stack.pop()
            dist[y], nxt[y] = wbar[y] + best, bnx
            exact[y] = True

    for i in reversed(inst.topo):
        dist[i], nxt[i] = longest(i)
    # the longest path starts at the largest distance, ties to the earliest task; a heap
    # entry is a bound from above of its task's length, renewed when it comes out stale
    heap = [(-dist[i], pos[i], i) for i in range(n)]
    heapq.heapify(heap)
    cid = 0
    step = 0
    while heap:
        d, pi, start = heappop(heap)
        if cluster[start] >= 0:
            continue
        if not exact[start]:
            settle(start)
        if -d != dist[start]:
            heappush(heap, (-dist[start], pi, start))
            continue  # shorter now: back in line
        if step & 63 == 0:
            check_cancel(cancel)
        step += 1
        path = []
        i = start
        while i >= 0:  # an exact task's next one is exact too
            cluster[i] = cid
            path.append(i)
            i = nxt[i]
        cid += 1
        # an exact task stays exact until the successor its longest path goes through is
        # clustered or loses exactness (its other successors only get shorter, so neither
        # its length nor its first longest successor moves): mark just those inexact
        todo = path
        while todo:
            nxt_todo = []
            for j in todo:
                for k in range(pptr[j], pptr[j + 1]):
                    q = pred[k]
                    if nxt[q] == j and exact[q] and cluster[q] < 0:
                        exact[q] = False
                        nxt_todo.append(q)
            todo = nxt_todo
    return cluster


@register
class LC(Algorithm):
    """Linear Clustering, then the clusters merged onto the workers.

    :func:`linear_clusters` peels off the critical path of the unclustered tasks, again
    and again, each path a cluster: the chains that exchange the most data and work are
    kept together. The clusters are then merged onto the real workers, the heaviest
    first onto the least-loaded worker, and the tasks are timed by decreasing upward
    rank on their cluster's worker, paying transfers only between different workers.

    References
    ----------
    S. J. Kim, J. C. Browne, "A general approach to mapping of parallel computation upon
    multiprocessor architectures", Proc. International Conference on Parallel
    Processing, vol. 3, 1988.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> g = TaskGraph()
    >>> for t in ["c1", "c2", "c3", "x1", "x2", "x3"]: g.add_task(t, 2)
    >>> g.add_edge("c1", "c2", 50); g.add_edge("c2", "c3", 50)
    >>> s = LC().schedule(g, Platform.homogeneous(2))
    >>> {s.mapping()[t] for t in ["c1", "c2", "c3"]}, s.makespan
    ({'P1'}, 6.0)
    """

    name = "lc"
    description = "LC: linear clustering along critical paths, clusters merged onto workers (Kim & Browne 1988)"
    reference = "Kim & Browne, Proc. ICPP 1988"
    family = "clustering"

    def place(
        self, inst: Instance, cancel: CancelToken | None
    ) -> Iterator[Placement]:
        cluster = linear_clusters(inst, cancel)
        self.info["clusters"] = max(cluster, default=-1) + 1
        yield from place_clusters(inst, cluster, cancel)
