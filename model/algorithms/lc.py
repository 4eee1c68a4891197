"""LC: Linear Clustering, then cluster-to-worker mapping."""

from __future__ import annotations

from collections.abc import Iterator

from ..instance import Instance
from .base import Algorithm, CancelToken, Placement, check_cancel, register
from .engines import place_clusters


def linear_clusters(inst: Instance, cancel: CancelToken | None = None) -> list[int]:
    """Cluster the tasks by linear clustering; the cluster of each task.

    Repeatedly take the longest path (mean execution times plus mean transfer times) of
    the tasks not yet clustered, make it one cluster — zeroing all its edges — and
    remove it, until every task is in a cluster. Each cluster is a chain of dependent
    tasks, so it never holds two tasks that could run in parallel. Ties go to the task
    earlier in topological order, and a path is extended through zero-cost edges.

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
    mc = inst.mean_comm
    comm = [[mc(d) for d in sd] for sd in inst.succ_data]
    rev = list(reversed(inst.topo))
    cluster = [-1] * n
    dist = [0.0] * n
    nxt = [-1] * n
    left = n
    cid = 0
    while left:
        check_cancel(cancel)
        start, best = -1, -1.0
        unclustered = []
        for i in rev:
            if cluster[i] >= 0:
                continue
            unclustered.append(i)
            b, nx_ = 0.0, -1
            for s, c in zip(inst.succs[i], comm[i]):
                if cluster[s] < 0:
                    v = c + dist[s]
                    if nx_ < 0 or v > b:
                        b, nx_ = v, s
            dist[i] = wbar[i] + b
            nxt[i] = nx_
            # rev runs backwards through the topological order: ">=" keeps the earliest
            if dist[i] >= best:
                start, best = i, dist[i]
        rev = unclustered
        i = start
        while i >= 0:
            cluster[i] = cid
            left -= 1
            i = nxt[i]
        cid += 1
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
