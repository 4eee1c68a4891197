"""HEFT: Heterogeneous Earliest Finish Time."""

from __future__ import annotations

from collections.abc import Iterator

from ..instance import Instance
from .base import Algorithm, CancelToken, Placement, register
from .engines import eft_place, placement_order, upward_rank


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
    family = "list"

    def place(
        self, inst: Instance, cancel: CancelToken | None
    ) -> Iterator[Placement]:
        insertion = bool(self.params.get("insertion", True))
        rank = upward_rank(inst)
        self.info["rank"] = "upward"
        yield from eft_place(inst, placement_order(inst, rank), cancel, insertion=insertion)

