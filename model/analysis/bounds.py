"""Lower bounds on the makespan of any schedule."""

from __future__ import annotations

from ..graph import Platform, TaskGraph
from ..instance import Instance, compile_instance

__all__ = ["lower_bound", "lower_bound_of"]


def lower_bound(graph: TaskGraph, platform: Platform | None = None) -> float:
    """A lower bound on the makespan of any schedule of ``graph`` on ``platform``.

    ``max(critical path with minimum times and no communication, total minimum work / m,
    longest task at its fastest, the assignment bound of``
    :func:`model.algorithms.engines.bounds.assignment_bound` ``)``, rounded up when every execution and transfer time is a
    whole number (some optimal schedule then has whole-number times). The same bound the
    searching algorithms report their gap against.

    Examples
    --------
    >>> g = TaskGraph()
    >>> for t in "abcd": g.add_task(t, 3)
    >>> lower_bound(g, Platform.homogeneous(2))
    6.0
    """
    return lower_bound_of(compile_instance(graph, platform if platform is not None else graph.default_platform()))


def lower_bound_of(inst: Instance) -> float:
    """:func:`lower_bound` of an already compiled instance (no second compilation).

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 3); g.add_task("b", 3)
    >>> lower_bound_of(compile_instance(g, Platform.homogeneous(2)))
    3.0
    """
    from ..algorithms.engines import lower_bound as instance_bound

    return instance_bound(inst)
