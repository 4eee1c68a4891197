"""ETF: Earliest Time First."""

from __future__ import annotations

from collections.abc import Iterator

from ..instance import Instance
from .base import Algorithm, CancelToken, Placement, register
from .engines import pair_place, static_level


@register
class ETF(Algorithm):
    """Earliest Time First list scheduling.

    At each step every (ready task, worker) pair is considered and the pair that can
    start earliest is placed, after the worker's last task (no insertion). Ties go to
    the task of higher static b-level (longest path of mean execution times to an exit),
    then to the earlier finish, then to the lower task and worker index.

    A step compares all ready tasks with all workers, so the run is ``O(n · r · m)``
    for ``r`` ready tasks on average; the data-ready times of a task are computed once,
    when it becomes ready, and each step is one numpy comparison.

    References
    ----------
    J.-J. Hwang, Y.-C. Chow, F. D. Anger, C.-Y. Lee, "Scheduling precedence graphs in
    systems with interprocessor communication times", SIAM J. Computing 18(2), 1989.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 3); g.add_task("c", 1)
    >>> g.add_edge("a", "b", 1); g.add_edge("a", "c", 1)
    >>> s = ETF().schedule(g, Platform.homogeneous(2))
    >>> [(x.task, x.worker, x.start) for x in s.slots], s.makespan
    ([('a', 'P1', 0.0), ('b', 'P1', 2.0), ('c', 'P2', 3.0)], 5.0)
    """

    name = "etf"
    description = "ETF: ready task and worker with the earliest start, ties by static level (Hwang et al. 1989)"
    reference = "Hwang, Chow, Anger, Lee, SIAM J. Computing 18(2), 1989"
    family = "list"

    def place(
        self, inst: Instance, cancel: CancelToken | None
    ) -> Iterator[Placement]:
        level = static_level(inst)
        self.info["priority"] = "earliest start, then static b-level"
        yield from pair_place(inst, cancel, level)
