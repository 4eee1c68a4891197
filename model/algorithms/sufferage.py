"""Sufferage batch-mode heuristic, over the ready set of a DAG."""

from __future__ import annotations

from collections.abc import Iterator

from ..instance import Instance
from ._mapping import batch_place
from .base import Algorithm, CancelToken, register


@register
class Sufferage(Algorithm):
    """Sufferage: place first the ready task that would suffer most from waiting.

    The batch is the set of ready tasks (every predecessor placed). A task's sufferage
    is its second-earliest completion time over the workers minus its earliest one: how
    much it loses if its best worker is taken. The task with the largest sufferage goes
    to its best worker (ties to the smaller completion time), and the batch is updated.
    This is the one-task-per-step form used by Braun et al.; on a single worker every
    sufferage is zero and it behaves like Min-Min.

    References
    ----------
    M. Maheswaran, S. Ali, H. J. Siegel, D. Hensgen, R. F. Freund, "Dynamic matching and
    scheduling of a class of independent tasks onto heterogeneous computing systems",
    HCW 1999; T. D. Braun et al., JPDC 61(6), 2001.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> g = TaskGraph(); g.add_task("a", costs=[2, 3]); g.add_task("b", costs=[3, 100])
    >>> s = Sufferage().schedule(g, Platform.homogeneous(2))
    >>> sorted(s.mapping().items()), s.makespan
    ([('a', 'P2'), ('b', 'P1')], 3.0)
    """

    name = "sufferage"
    description = "Sufferage: ready task losing most without its best worker first (Maheswaran et al. 1999)"
    reference = "Maheswaran, Ali, Siegel, Hensgen, Freund, HCW 1999"

    def place(
        self, inst: Instance, cancel: CancelToken | None
    ) -> Iterator[tuple[int, int, float, float]]:
        yield from batch_place(inst, cancel, "sufferage")
