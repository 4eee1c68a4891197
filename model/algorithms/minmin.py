"""Min-Min batch-mode heuristic, over the ready set of a DAG."""

from __future__ import annotations

from collections.abc import Iterator

from ..instance import Instance
from .base import Algorithm, CancelToken, Placement, register
from .engines import batch_place


@register
class MinMin(Algorithm):
    """Min-Min: of all ready tasks, place the one that can complete first.

    The batch is the set of ready tasks (every predecessor placed). For each, the best
    worker is the one giving the earliest completion time (worker availability, input
    data arrival, execution time); the task whose best completion time is the smallest
    is placed there, and the batch is updated. Short tasks go first, which keeps workers
    busy but can leave one long task for the end.

    References
    ----------
    O. H. Ibarra, C. E. Kim, "Heuristic algorithms for scheduling independent tasks on
    nonidentical processors", Journal of the ACM 24(2), 1977; T. D. Braun et al., "A
    comparison of eleven static heuristics for mapping a class of independent tasks onto
    heterogeneous distributed computing systems", JPDC 61(6), 2001.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> g = TaskGraph(); g.add_task("a", costs=[2, 3]); g.add_task("b", costs=[3, 100])
    >>> s = MinMin().schedule(g, Platform.homogeneous(2))
    >>> s.mapping(), s.makespan
    ({'a': 'P1', 'b': 'P1'}, 5.0)
    """

    name = "minmin"
    description = "Min-Min: ready task with the smallest earliest completion time first (Braun et al. 2001)"
    reference = "Ibarra & Kim, J. ACM 24(2), 1977; Braun et al., JPDC 61(6), 2001"
    family = "batch"

    def place(
        self, inst: Instance, cancel: CancelToken | None
    ) -> Iterator[Placement]:
        yield from batch_place(inst, cancel, "min")
