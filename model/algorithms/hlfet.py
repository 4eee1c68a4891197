"""HLFET: Highest Level First with Estimated Times."""

from __future__ import annotations

from collections.abc import Iterator

from ..instance import Instance
from .base import Algorithm, CancelToken, Placement, register
from .engines import placement_order, static_level, static_order_place


@register
class HLFET(Algorithm):
    """Highest Level First with Estimated Times.

    Tasks are taken by decreasing static b-level — the longest path of (mean) execution
    times from the task to an exit, communication ignored — and each is put on the
    worker where it can start earliest, after the worker's last task (no insertion).
    Ties on the start time go to the earlier finish, then to the lower worker index.

    Taking tasks by decreasing static level is the same as always picking the highest
    ready task: a predecessor's level is never below its successor's, and equal levels
    (zero-cost tasks) are taken in topological order.

    References
    ----------
    T. L. Adam, K. M. Chandy, J. R. Dickson, "A comparison of list schedules for
    parallel processing systems", Communications of the ACM 17(12), 1974.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 3); g.add_task("c", 1)
    >>> g.add_edge("a", "b", 1); g.add_edge("a", "c", 1)
    >>> s = HLFET().schedule(g, Platform.homogeneous(2))
    >>> [(x.task, x.worker, x.start) for x in s.slots], s.makespan
    ([('a', 'P1', 0.0), ('b', 'P1', 2.0), ('c', 'P2', 3.0)], 5.0)
    """

    name = "hlfet"
    description = "HLFET: static b-level order, earliest start, no insertion (Adam, Chandy, Dickson 1974)"
    reference = "Adam, Chandy, Dickson, Communications of the ACM 17(12), 1974"
    family = "list"

    def place(
        self, inst: Instance, cancel: CancelToken | None
    ) -> Iterator[Placement]:
        level = static_level(inst)
        self.info["priority"] = "static b-level"
        yield from static_order_place(inst, placement_order(inst, level), cancel)
