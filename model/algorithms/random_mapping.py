"""Random mapping: the other naive baseline."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..instance import Instance
from .base import Algorithm, CancelToken, Placement, register
from .engines import pin_assignment, place_assigned


@register
class RandomMapping(Algorithm):
    """Put each task on a worker drawn uniformly at random.

    Workers are drawn with :func:`numpy.random.default_rng` seeded by ``seed``, one per
    task in task order, so a seed always gives the same mapping (a pinned task takes its
    pin instead of its draw). Tasks are then timed in
    topological order, each starting as early as its worker and the data of its
    predecessors allow (insertion into idle gaps). A baseline: any informed mapping
    should do better on average.

    References
    ----------
    T. D. Braun et al., "A comparison of eleven static heuristics for mapping a class of
    independent tasks onto heterogeneous distributed computing systems", JPDC 61(6),
    2001 (random assignment as the reference point); I. Foster, *Designing and Building
    Parallel Programs*, 1995, ch. 2.5.

    Parameters
    ----------
    insertion : bool
        Let a task use an idle gap before its worker's last task (default ``True``).

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> g = TaskGraph()
    >>> for t in "abcdef": g.add_task(t, 1)
    >>> a = RandomMapping(seed=3).schedule(g, Platform.homogeneous(3)).mapping()
    >>> a == RandomMapping(seed=3).schedule(g, Platform.homogeneous(3)).mapping()
    True
    """

    name = "random"
    description = "Random: each task on a uniformly random worker, seeded (naive baseline)"
    reference = "Braun et al., JPDC 61(6), 2001 (random baseline)"
    family = "baseline"
    uses_communication = False

    def place(
        self, inst: Instance, cancel: CancelToken | None
    ) -> Iterator[Placement]:
        rng = np.random.default_rng(self.seed)
        # one draw per task, pinned or not, so that pins leave the other tasks' draws alone
        assign = pin_assignment(inst, rng.integers(0, inst.m, size=inst.n).tolist())
        self.info["seed"] = self.seed
        insertion = bool(self.params.get("insertion", True))
        yield from place_assigned(inst, inst.topo, assign, cancel, insertion=insertion)
