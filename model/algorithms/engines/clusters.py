"""Clusters onto workers: merge the clusters of a clustering heuristic (DSC, LC) onto the real workers and time them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from ...instance import Instance
from ..base import CancelToken, Placement
from .eft import place_assigned
from .pins import pin_assignment, pinned_load
from .ranks import placement_order, upward_rank
from .ties import topo_position

__all__ = ["map_clusters", "place_clusters"]


def map_clusters(inst: Instance, cluster: Sequence[int]) -> list[int]:
    """Merge clusters onto the workers, balancing the load; the worker of each task.

    ``cluster[i]`` is the cluster of task ``i``. Clusters are taken by decreasing work
    (mean execution time summed over their tasks; ties to the cluster whose first task
    comes first in topological order), and each goes to the worker where the load after
    adding it is smallest — the least-loaded worker when workers are identical. Tasks of
    one cluster always share a worker, so the data they exchange never crosses workers —
    except pinned tasks, which stay on their pins (see :func:`_map_pinned_clusters`).

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
    if inst.pinned:
        return _map_pinned_clusters(inst, cl)
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


def _map_pinned_clusters(inst: Instance, cl: np.ndarray) -> list[int]:
    """:func:`map_clusters` when some tasks are pinned.

    Pinned tasks stay on their pins, and their work loads those workers first. A cluster
    holding pinned tasks is anchored: its free tasks join the worker that holds the
    most pinned work of the cluster (ties: its earliest pinned task in topological
    order), so they keep exchanging data locally. The other clusters are then merged
    onto the workers by load, as without pins.
    """
    n, m = inst.n, inst.m
    pin = inst.pin
    k = int(cl.max()) + 1
    free = pin < 0
    pos = topo_position(inst)
    cost = np.zeros((k, m))
    np.add.at(cost, cl[free], inst.w[free])
    first = np.full(k, n, dtype=np.int64)
    np.minimum.at(first, cl, pos)
    load = pinned_load(inst)
    # pinned work of each cluster on each worker, and the earliest pinned task's position
    anchored_work = np.zeros((k, m))
    rows = np.flatnonzero(~free)
    np.add.at(anchored_work, (cl[rows], pin[rows]), inst.w[rows, pin[rows]])
    first_pin = np.full((k, m), n, dtype=np.int64)
    np.minimum.at(first_pin, (cl[rows], pin[rows]), pos[rows])
    anchored = np.zeros(k, dtype=bool)
    anchored[cl[rows]] = True
    where = np.zeros(k, dtype=np.int64)
    for c in np.flatnonzero(anchored).tolist():
        p = int(np.lexsort((first_pin[c], -anchored_work[c]))[0])
        where[c] = p
        load[p] += cost[c, p]
    order = np.lexsort((first, -cost.mean(axis=1)))
    for c in order.tolist():
        if anchored[c] or first[c] == n:  # anchored, or an empty cluster id
            continue
        after = load + cost[c]
        p = int(np.argmin(after))
        where[c] = p
        load[p] = after[p]
    return pin_assignment(inst, where[cl].tolist())


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
