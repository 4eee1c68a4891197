"""LC: Linear Clustering, then cluster-to-worker mapping."""

from __future__ import annotations

import heapq
from collections.abc import Iterator

from ..instance import Instance
from .base import Algorithm, CancelToken, Placement, check_cancel, register
from .engines import place_clusters, topo_position


def linear_clusters(inst: Instance, cancel: CancelToken | None = None) -> list[int]:
    """Cluster the tasks by linear clustering; the cluster of each task.

    Repeatedly take the longest path (mean execution times plus mean transfer times) of
    the tasks not yet clustered, make it one cluster — zeroing all its edges — and
    remove it, until every task is in a cluster. Each cluster is a chain of dependent
    tasks, so it never holds two tasks that could run in parallel. Ties go to the task
    earlier in topological order, and a path is extended through zero-cost edges.

    Removing a path changes the longest paths of its ancestors only, so after each path
    just those are recomputed, in reverse topological order, and only as far up as a
    length actually changes; a heap keeps the longest.

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
    n = inst.n
    wbar = inst.mean_w().tolist()
    comm = inst.mean_comm_array(inst.succ_dat).tolist()
    succ, sptr = inst.succ_idx.tolist(), inst.succ_ptr.tolist()
    pred, pptr = inst.pred_idx.tolist(), inst.pred_ptr.tolist()
    pos = topo_position(inst).tolist()
    cluster = [-1] * n
    dist = [0.0] * n
    nxt = [-1] * n

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

    for i in reversed(inst.topo):
        dist[i], nxt[i] = longest(i)
    # the longest path starts at the largest distance, ties to the earliest task
    heap = [(-dist[i], pos[i], i) for i in range(n)]
    heapq.heapify(heap)
    cid = 0
    step = 0
    while heap:
        d, _, start = heapq.heappop(heap)
        if cluster[start] >= 0 or -d != dist[start]:
            continue  # clustered since, or its distance has changed
        if step & 63 == 0:
            check_cancel(cancel)
        step += 1
        path = []
        i = start
        while i >= 0:
            cluster[i] = cid
            path.append(i)
            i = nxt[i]
        cid += 1
        # only the unclustered ancestors of the path can change: recompute them in
        # reverse topological order, going further up only where a distance changed
        todo: list[tuple[int, int]] = []
        queued = set()
        for j in path:
            for k in range(pptr[j], pptr[j + 1]):
                q = pred[k]
                if cluster[q] < 0 and q not in queued:
                    queued.add(q)
                    heapq.heappush(todo, (-pos[q], q))
        while todo:
            _, q = heapq.heappop(todo)
            queued.discard(q)
            dq, nq = longest(q)
            nxt[q] = nq
            if dq != dist[q]:
                dist[q] = dq
                heapq.heappush(heap, (-dq, pos[q], q))
                for k in range(pptr[q], pptr[q + 1]):
                    r = pred[k]
                    if cluster[r] < 0 and r not in queued:
                        queued.add(r)
                        heapq.heappush(todo, (-pos[r], r))
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
