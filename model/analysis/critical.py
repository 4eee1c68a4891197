"""Critical paths and slack with mean or minimum costs.

Every function takes the graph first and never mutates it; the path lengths come from
:mod:`model.levels`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..graph import Platform, TaskGraph
from ..instance import Instance, compile_instance
from ..levels import bottom_levels, longest_path, mean_edge_times, path_levels

__all__ = ["CriticalPath", "critical_path", "critical_path_min", "critical_path_min_of", "slack"]

_EPS = 1e-9


def _instance(graph: TaskGraph, platform: Platform | None) -> Instance:
    return compile_instance(graph, platform if platform is not None else graph.default_platform())


@dataclass(frozen=True)
class CriticalPath:
    """A longest path and its length.

    Attributes
    ----------
    tasks : list[str]
        The tasks on the path, entry first.
    length : float
        Sum of the task times and edge times along it.
    """

    tasks: list[str]
    length: float


def critical_path(graph: TaskGraph, platform: Platform | None = None) -> CriticalPath:
    """The critical path with mean execution times and mean transfer times.

    Its length is the largest upward rank, as in HEFT and CPOP (Topcuoglu, Hariri, Wu,
    IEEE TPDS 13(3), 2002).

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 1); g.add_task("b", 5); g.add_task("c", 2)
    >>> g.add_edge("a", "b", data=1); g.add_edge("a", "c", data=9)
    >>> critical_path(g, Platform.homogeneous(2))
    CriticalPath(tasks=['a', 'c'], length=12.0)
    """
    inst = _instance(graph, platform)
    path, length = longest_path(inst, inst.mean_w(), mean_edge_times(inst))
    return CriticalPath([inst.tasks[i] for i in path], length)


def critical_path_min(graph: TaskGraph, platform: Platform | None = None) -> CriticalPath:
    """The longest path with each task's *minimum* execution time and no communication.

    No schedule can be shorter: it is the denominator of the SLR (Topcuoglu 2002).

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", costs=[1, 3]); g.add_task("b", costs=[4, 2])
    >>> g.add_edge("a", "b", data=10)
    >>> critical_path_min(g)
    CriticalPath(tasks=['a', 'b'], length=3.0)
    """
    return critical_path_min_of(_instance(graph, platform))


def critical_path_min_of(inst: Instance) -> CriticalPath:
    """:func:`critical_path_min` of an already compiled instance (no second compilation).

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", costs=[1, 3]); g.add_task("b", costs=[4, 2])
    >>> g.add_edge("a", "b")
    >>> critical_path_min_of(compile_instance(g, Platform.homogeneous(2))).length
    3.0
    """
    w = inst.w.min(axis=1) if inst.n else np.zeros(0)
    path, length = longest_path(inst, w, None, bottom_levels(inst, w, None))
    return CriticalPath([inst.tasks[i] for i in path], length)


def slack(graph: TaskGraph, platform: Platform | None = None) -> dict[str, float]:
    """Slack of every task: ALAP − ASAP with mean costs (0 on the critical path).

    ASAP is the t-level; ALAP is the critical-path length minus the b-level. A task with
    slack can be delayed that long without lengthening the critical path (Kwok and
    Ahmad, "Static scheduling algorithms for allocating directed task graphs to
    multiprocessors", ACM Computing Surveys 31(4), 1999).

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 1); g.add_task("b", 5); g.add_task("c", 2)
    >>> g.add_edge("a", "b"); g.add_edge("a", "c")
    >>> slack(g, Platform.homogeneous(2))
    {'a': 0.0, 'b': 0.0, 'c': 3.0}
    """
    inst = _instance(graph, platform)
    t, b = path_levels(inst, inst.mean_w(), mean_edge_times(inst))
    cp = float(b.max()) if inst.n else 0.0
    s = cp - t - b
    return {task: max(0.0, float(s[i])) if s[i] > _EPS * max(1.0, cp) else 0.0 for i, task in enumerate(inst.tasks)}
