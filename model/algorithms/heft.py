"""HEFT: Heterogeneous Earliest Finish Time."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..instance import Instance
from ._common import Timeline, placement_order, upward_rank
from .base import Algorithm, CancelToken, check_cancel, register


@register
class HEFT(Algorithm):
    """Heterogeneous Earliest Finish Time list scheduling.

    Tasks are taken by decreasing upward rank (mean execution time plus the longest
    mean-cost path to an exit) and each is put on the worker that finishes it earliest,
    using the earliest idle gap that fits (insertion policy).

    References
    ----------
    H. Topcuoglu, S. Hariri, M.-Y. Wu, "Performance-effective and low-complexity task
    scheduling for heterogeneous computing", IEEE TPDS 13(3), 2002.

    Parameters
    ----------
    insertion : bool
        Use idle gaps between already placed tasks (default ``True``).

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 3); g.add_task("c", 3)
    >>> g.add_edge("a", "b", 1); g.add_edge("a", "c", 1)
    >>> HEFT().schedule(g, Platform.homogeneous(2)).makespan
    6.0
    """

    name = "heft"
    description = "HEFT: upward-rank order, earliest finish time with insertion (Topcuoglu 2002)"
    reference = "Topcuoglu, Hariri, Wu, IEEE TPDS 13(3), 2002"

    def place(
        self, inst: Instance, cancel: CancelToken | None
    ) -> Iterator[tuple[int, int, float, float]]:
        insertion = bool(self.params.get("insertion", True))
        rank = upward_rank(inst)
        self.info["rank"] = "upward"
        yield from eft_place(inst, placement_order(inst, rank), cancel, insertion=insertion)


def eft_place(
    inst: Instance,
    order: list[int],
    cancel: CancelToken | None,
    *,
    insertion: bool = True,
    allowed: list[list[int]] | None = None,
) -> Iterator[tuple[int, int, float, float]]:
    """Place tasks in ``order``, each on the worker giving the earliest finish time.

    ``allowed[i]``, when given, restricts the workers tried for task ``i``.
    """
    m = inst.m
    w = inst.w
    proc = np.full(inst.n, -1, dtype=np.int64)
    finish = np.zeros(inst.n)
    lines = [Timeline() for _ in range(m)]
    all_workers = list(range(m))
    for k, i in enumerate(order):
        if k & 255 == 0:
            check_cancel(cancel)
        ready = inst.ready_times(i, proc, finish)
        best_p, best_s, best_f = -1, 0.0, float("inf")
        wi = w[i]
        for p in all_workers if allowed is None else allowed[i]:
            d = float(wi[p])
            s = lines[p].earliest(float(ready[p]), d, insertion)
            f = s + d
            if f < best_f - 1e-12:
                best_p, best_s, best_f = p, s, f
        lines[best_p].insert(best_s, best_f)
        proc[i] = best_p
        finish[i] = best_f
        yield i, best_p, best_s, best_f
