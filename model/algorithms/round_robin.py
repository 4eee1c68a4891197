"""Round-robin: the naive cyclic mapping."""

from __future__ import annotations

from collections.abc import Iterator

from ..instance import Instance
from .base import Algorithm, CancelToken, Placement, register
from .engines import pin_assignment, place_assigned


@register
class RoundRobin(Algorithm):
    """Deal the tasks to the workers in turn, like cards.

    The ``k``-th task of a topological order goes to worker ``k mod m``; it starts as
    early as that worker and the data of its predecessors allow (insertion into idle
    gaps, communication paid between different workers). Costs and data volumes play no
    part in the choice: this is the naive baseline that every real mapping should beat.
    Pinned tasks go to their pins and the free ones are dealt in turn among themselves.

    References
    ----------
    I. Foster, *Designing and Building Parallel Programs*, Addison-Wesley, 1995,
    ch. 2.5 "Mapping" (cyclic mapping as the simple baseline); the round-robin
    allocation of R. L. Graham's list-scheduling analyses.

    Parameters
    ----------
    insertion : bool
        Let a task use an idle gap before its worker's last task (default ``True``).

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> g = TaskGraph()
    >>> for t in "abc": g.add_task(t, 2)
    >>> g.add_edge("a", "c", 1)
    >>> s = RoundRobin().schedule(g, Platform.homogeneous(2))
    >>> [(x.task, x.worker, x.start) for x in s.slots], s.makespan
    ([('a', 'P1', 0.0), ('b', 'P2', 0.0), ('c', 'P1', 2.0)], 4.0)
    """

    name = "round-robin"
    description = "Round-robin: k-th task in topological order to worker k mod m (naive baseline)"
    reference = "Foster, Designing and Building Parallel Programs, 1995, ch. 2.5 (cyclic mapping)"
    family = "baseline"
    uses_communication = False

    def place(
        self, inst: Instance, cancel: CancelToken | None
    ) -> Iterator[Placement]:
        m = inst.m
        assign = pin_assignment(inst, [0] * inst.n)
        free = (inst.pin < 0).tolist()
        k = 0
        for i in inst.topo:
            if free[i]:
                assign[i] = k % m
                k += 1
        insertion = bool(self.params.get("insertion", True))
        yield from place_assigned(inst, inst.topo, assign, cancel, insertion=insertion)
