"""The mapping analysis of a task graph on a platform.

This is the "processing and mapping" step of parallel algorithm design made concrete
(I. Foster, *Designing and Building Parallel Programs*, 1995, ch. 2: partitioning,
communication, agglomeration, mapping): which tasks are independent and may run
concurrently (topological levels, the maximum antichain), which tasks exchange data
and how much, the critical path that bounds any schedule from below, the total work,
the communication-to-computation ratio (CCR), the average parallelism, and lower
bounds on the makespan.

The package holds one module per part: :mod:`.width` (independent tasks, maximum
antichain), :mod:`.exchange` (data-exchange edges), :mod:`.critical` (critical paths,
slack), :mod:`.bounds` (makespan lower bounds) and :mod:`.report` (:func:`analyze` and
its text). Levels, t-levels and b-levels live in :mod:`model.levels` and are re-exported
here.

Costs follow the HEFT conventions (Topcuoglu, Hariri, Wu, IEEE TPDS 13(3), 2002): a
task's *mean* time is its execution time averaged over the workers and an edge's mean
time is its transfer time averaged over the ordered pairs of distinct workers.

Every function takes the graph first and never mutates it.

Examples
--------
>>> from model.graph import TaskGraph, Platform
>>> g = TaskGraph("diamond")
>>> for t, c in [("a", 2), ("b", 3), ("c", 4), ("d", 1)]:
...     g.add_task(t, c)
>>> for u, v in [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")]:
...     g.add_edge(u, v, data=1)
>>> rep = analyze(g, Platform.homogeneous(2))
>>> rep.levels, rep.width, rep.critical_path
([['a'], ['b', 'c'], ['d']], 2, ['a', 'c', 'd'])
>>> rep.critical_path_length, rep.lower_bound
(9.0, 7.0)
"""

from __future__ import annotations

from ..levels import b_levels, level_of, levels, t_levels
from .bounds import lower_bound, lower_bound_of
from .critical import CriticalPath, critical_path, critical_path_min, critical_path_min_of, slack
from .exchange import DataEdge, data_exchange_edges
from .report import Analysis, TaskTimes, analyze
from .width import EXACT_WIDTH_MAX_TASKS, independent_sets, max_antichain

__all__ = [
    "EXACT_WIDTH_MAX_TASKS",
    "Analysis",
    "CriticalPath",
    "DataEdge",
    "TaskTimes",
    "analyze",
    "b_levels",
    "critical_path",
    "critical_path_min",
    "critical_path_min_of",
    "data_exchange_edges",
    "independent_sets",
    "level_of",
    "levels",
    "lower_bound",
    "lower_bound_of",
    "max_antichain",
    "slack",
    "t_levels",
]
