"""DSC: Dominant Sequence Clustering, then cluster-to-worker mapping."""

from __future__ import annotations

import heapq
from collections.abc import Iterator

from ..instance import Instance
from ._common import upward_rank
from ._mapping import place_clusters, tie_limit, topo_position
from .base import Algorithm, CancelToken, check_cancel, register


def dsc_clusters(inst: Instance, cancel: CancelToken | None = None) -> list[int]:
    """Cluster the tasks by Dominant Sequence Clustering; the cluster of each task.

    Works on an unbounded number of identical virtual processors with mean execution
    and mean transfer times. Tasks are examined in decreasing ``tlevel + blevel`` (the
    length of the longest path through the task: the dominant sequence goes first);
    each examined task is appended to the cluster of one of its predecessors when that
    makes it start strictly earlier — zeroing the edge from that predecessor — and
    otherwise opens a new cluster. Tasks in a cluster run one after the other in
    examination order.

    This is the core of DSC (the free-task pass, with each candidate cluster of a
    predecessor tried); the look-ahead that protects partially free tasks (the
    "dominant sequence reduction warranty") is left out.

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
    mc = inst.mean_comm
    pos = topo_position(inst).tolist()
    cluster = [-1] * n
    finish = [0.0] * n
    end: list[float] = []
    indeg = [len(p) for p in inst.preds]
    heap = [(-blevel[i], pos[i], i) for i in range(n) if indeg[i] == 0]
    heapq.heapify(heap)
    step = 0
    while heap:
        if step & 255 == 0:
            check_cancel(cancel)
        step += 1
        _, _, i = heapq.heappop(heap)
        # per predecessor cluster: latest arrival from it across workers, latest finish in it
        arrive: dict[int, float] = {}
        done: dict[int, float] = {}
        for j, d in zip(inst.preds[i], inst.pred_data[i]):
            a = finish[j] + mc(d)
            c = cluster[j]
            if a > arrive.get(c, -1.0):
                arrive[c] = a
            if finish[j] > done.get(c, -1.0):
                done[c] = finish[j]
        # the two latest-arriving clusters tell what remains when one edge group is zeroed
        top_c, top_v, second_v = -1, 0.0, 0.0
        for c, a in arrive.items():
            if a > top_v or top_c < 0:
                top_c, second_v, top_v = c, (top_v if top_c >= 0 else 0.0), a
            elif a > second_v:
                second_v = a
        own = top_v if arrive else 0.0
        best_t, best_c = own, -1
        for c in arrive:
            outside = second_v if c == top_c else top_v
            t = max(end[c], done[c], outside)
            if t < best_t and tie_limit(t) < best_t:
                best_t, best_c = t, c
        if best_c < 0:
            best_c = len(end)
            end.append(0.0)
        cluster[i] = best_c
        finish[i] = best_t + wbar[i]
        end[best_c] = finish[i]
        for s in inst.succs[i]:
            indeg[s] -= 1
            if indeg[s] == 0:
                tl = max(finish[j] + mc(d) for j, d in zip(inst.preds[s], inst.pred_data[s]))
                heapq.heappush(heap, (-(tl + blevel[s]), pos[s], s))
    return cluster


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

    def place(
        self, inst: Instance, cancel: CancelToken | None
    ) -> Iterator[tuple[int, int, float, float]]:
        cluster = dsc_clusters(inst, cancel)
        self.info["clusters"] = max(cluster, default=-1) + 1
        yield from place_clusters(inst, cluster, cancel)
