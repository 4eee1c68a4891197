"""Clusters onto workers: merge the clusters of a clustering heuristic (DSC, LC) onto the real workers and time them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from ...instance import Instance
from ..base import CancelToken, Placement
from .eft import place_assigned
from .ranks import placement_order, upward_rank
from .ties import topo_position

__all__ = ["map_clusters", "place_clusters"]


def map_clusters(inst: Instance, cluster: Sequence[int]) -> list[int]:
    """Merge clusters onto the workers, balancing the load; the worker of each task.

    ``cluster[i]`` is the cluster of task ``i``. Clusters are taken by decreasing work
    (mean execution time summed over their tasks; ties to the cluster whose first task
    comes first in topological order), and each goes to the worker where the load after
    adding it is smallest — the least-loaded worker when workers are identical. Tasks of
    one cluster always share a worker, so the data they exchange never crosses workers.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.instance import compile_instance
    >>> g = TaskGraph()
    >>> for t, c in [("a", 4), ("b", 4), ("c", 3), ("d", 2)]: g.add_task(t, c)
    >>> inst = compile_instance(g, Platform.homogeneous(2))
    >>> map_clusters(inst, [0, 0, 1, 2])   # {a, b}: 8, {c}: 3, {d}: 2
    [0, 0, 1, 1]
    """
    cl = np.asarray(cluster, dtype=np.int64)
    if inst.n == 0:
        return []
    k = int(cl.max()) + 1
    cost = np.zeros((k, inst.m))
    np.add.at(cost, cl, inst.w)
    first = np.full(k, inst.n, dtype=np.int64)
    np.minimum.at(first, cl, topo_position(inst))
    order = np.lexsort((first, -cost.mean(axis=1)))
    load = np.zeros(inst.m)
    where = np.zeros(k, dtype=np.int64)
    for c in order:
        if first[c] == inst.n:  # empty cluster id
            continue
        after = load + cost[c]
        p = int(np.argmin(after))
        where[c] = p
        load[p] = after[p]
    return where[cl].tolist()  # type: ignore[no-any-return]


def place_clusters(inst: Instance, cluster: Sequence[int], cancel: CancelToken | None) -> Iterator[Placement]:
    """Map clusters onto the workers (:func:`map_clusters`) and time the tasks.

    Tasks are timed by decreasing upward rank (a topological order), each at its
    earliest start on its cluster's worker, insertion allowed; data moves only between
    tasks on different workers.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.instance import compile_instance
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 3); g.add_edge("a", "b", 9)
    >>> inst = compile_instance(g, Platform.homogeneous(2))
    >>> list(place_clusters(inst, [0, 0], None))
    [(0, 0, 0.0, 2.0), (1, 0, 2.0, 5.0)]
    """
    assign = map_clusters(inst, cluster)
    order = placement_order(inst, upward_rank(inst))
    yield from place_assigned(inst, order, assign, cancel, insertion=True)
