"""DLS: Dynamic Level Scheduling."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..instance import Instance
from .base import Algorithm, CancelToken, Placement, register
from .engines import pair_place, static_level


@register
class DLS(Algorithm):
    """Dynamic Level Scheduling.

    The dynamic level of a ready task ``i`` on worker ``p`` is

    ``DL(i, p) = SL*(i) - max(DA(i, p), TF(p)) + Δ(i, p)``,  ``Δ(i, p) = E*(i) - E(i, p)``

    where ``E*(i)`` is the median execution time of ``i`` over the workers, ``SL*`` the
    static level computed with those medians, ``DA`` the time the data of ``i`` can be
    on ``p`` and ``TF`` the time ``p`` is free (no insertion). At each step the pair of
    highest dynamic level is placed; ties go to the earlier start, then the higher
    static level, then the lower task and worker index. Δ favours the workers on which
    the task runs faster than usual.

    References
    ----------
    G. C. Sih, E. A. Lee, "A compile-time scheduling heuristic for
    interconnection-constrained heterogeneous processor architectures", IEEE TPDS
    4(2), 1993.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 3); g.add_task("c", 1)
    >>> g.add_edge("a", "b", 1); g.add_edge("a", "c", 1)
    >>> s = DLS().schedule(g, Platform.homogeneous(2))
    >>> [(x.task, x.worker, x.start) for x in s.slots], s.makespan
    ([('a', 'P1', 0.0), ('b', 'P1', 2.0), ('c', 'P2', 3.0)], 5.0)
    """

    name = "dls"
    description = "DLS: max dynamic level = static level - earliest start + speed bonus (Sih & Lee 1993)"
    reference = "Sih, Lee, IEEE TPDS 4(2), 1993"
    family = "list"

    def place(
        self, inst: Instance, cancel: CancelToken | None
    ) -> Iterator[Placement]:
        median = np.median(inst.w, axis=1)
        level = static_level(inst, median)
        bonus = level[:, None] + (median[:, None] - inst.w)
        self.info["priority"] = "dynamic level"
        yield from pair_place(inst, cancel, level, bonus)
