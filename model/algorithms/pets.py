"""PETS: Performance Effective Task Scheduling."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from ..instance import Instance
from .base import Algorithm, CancelToken, Placement, register
from .engines import eft_place, topo_position


def pets_levels_and_ranks(inst: Instance) -> tuple[list[int], list[float]]:
    """``(level, rank)`` of every task, as PETS defines them.

    ``level`` is 0 for an entry task, otherwise one more than the largest level of its
    predecessors, so tasks of one level are independent. With ``ACC`` the mean
    execution time over the workers, ``DTC`` the sum of the mean transfer times of the
    task's outgoing edges and ``RPT`` the largest rank of its predecessors (0 for an
    entry), ``rank = round(ACC + DTC + RPT)``, halves rounded up.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.instance import compile_instance
    >>> g = TaskGraph(); g.add_task("a", costs=[1, 2]); g.add_task("b", costs=[3, 3])
    >>> g.add_edge("a", "b", 2)
    >>> pets_levels_and_ranks(compile_instance(g, g.default_platform()))
    ([0, 1], [4.0, 7.0])
    """
    acc = inst.mean_w().tolist()
    mc = inst.mean_comm
    level = [0] * inst.n
    rank = [0.0] * inst.n
    for i in inst.topo:
        lv, rpt = 0, 0.0
        for j in inst.preds[i]:
            lv = max(lv, level[j] + 1)
            rpt = max(rpt, rank[j])
        dtc = sum(mc(d) for d in inst.succ_data[i])
        level[i] = lv
        rank[i] = float(math.floor(acc[i] + dtc + rpt + 0.5))
    return level, rank


def pets_order(inst: Instance) -> list[int]:
    """Tasks level by level; in a level by decreasing rank, then smaller ACC, then topological position.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.instance import compile_instance
    >>> g = TaskGraph()
    >>> for t, c in [("a", 1), ("b", 1), ("c", 10), ("d", 3)]: g.add_task(t, c)
    >>> g.add_edge("a", "b", 1); g.add_edge("b", "c", 1)
    >>> inst = compile_instance(g, Platform.homogeneous(2))
    >>> [inst.tasks[i] for i in pets_order(inst)]
    ['d', 'a', 'b', 'c']
    """
    level, rank = pets_levels_and_ranks(inst)
    acc = inst.mean_w()
    keys = (topo_position(inst), acc, -np.asarray(rank), np.asarray(level))
    return np.lexsort(keys).tolist()  # type: ignore[no-any-return]


@register
class PETS(Algorithm):
    """Performance Effective Task Scheduling: level by level, ranked by cost, data and parents.

    Three phases. Level sorting groups the tasks by level (:func:`pets_levels_and_ranks`):
    a level holds independent tasks and is scheduled only after the previous one.
    Task prioritisation ranks the tasks of a level by ``round(ACC + DTC + RPT)`` —
    mean execution time, mean time to send its outputs, best rank among its parents —
    highest first (ties to the smaller mean execution time). Processor selection puts
    each task on the worker finishing it earliest, using the earliest idle gap that
    fits (insertion).

    References
    ----------
    E. Ilavarasan, P. Thambidurai, "Low complexity performance effective task scheduling
    algorithm for heterogeneous computing environments", Journal of Computer Sciences
    3(2), 2007.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> g = TaskGraph()
    >>> for t, c in [("a", 1), ("b", 1), ("c", 10), ("d", 3)]: g.add_task(t, c)
    >>> g.add_edge("a", "b", 1); g.add_edge("b", "c", 1)
    >>> PETS().schedule(g, Platform.homogeneous(2)).makespan
    12.0
    """

    name = "pets"
    description = "PETS: level by level, rank ACC + DTC + RPT, earliest finish with insertion (Ilavarasan & Thambidurai 2007)"
    reference = "Ilavarasan, Thambidurai, J. Computer Sciences 3(2), 2007"
    family = "list"

    def place(
        self, inst: Instance, cancel: CancelToken | None
    ) -> Iterator[Placement]:
        yield from eft_place(inst, pets_order(inst), cancel, insertion=True)
