"""Placement of tasks taken in a fixed order: earliest finish (HEFT's rule) or earliest start.

* :func:`eft_place` — each task on the worker finishing it earliest, in an idle gap
  when insertion is on (HEFT, HCPT, PETS, MCT, MET and every fixed mapping).
* :func:`place_assigned` — a mapping already chosen: each task timed on its own worker.
* :func:`static_order_place` — each task on the worker where it can *start* earliest,
  without insertion (HLFET).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from ...instance import Instance
from ..base import CancelToken, Placement, check_cancel
from .pins import candidates, forbidden
from .ties import below, within
from .timeline import Timeline

__all__ = ["best_finish", "eft_place", "place_assigned", "static_order_place"]


def best_finish(
    lines: list[Timeline], ready: np.ndarray, wi: np.ndarray, workers: Sequence[int], insertion: bool = True
) -> tuple[int, float, float]:
    """``(worker, start, finish)`` of the earliest finish among ``workers``; ties to the first of them.

    ``ready[p]`` is the data-ready time of the task on worker ``p`` and ``wi[p]`` its
    execution time there; a finish beats the best so far only by more than the tie
    tolerance.
    """
    best_p, best_s, best_f = -1, 0.0, 0.0
    for p in workers:
        d = float(wi[p])
        s = lines[p].earliest(float(ready[p]), d, insertion)
        if best_p < 0 or s + d < below(best_f):
            best_p, best_s, best_f = p, s, s + d
    return best_p, best_s, best_f


def eft_place(
    inst: Instance,
    order: Sequence[int],
    cancel: CancelToken | None,
    *,
    insertion: bool = True,
    allowed: Sequence[Sequence[int]] | None = None,
) -> Iterator[Placement]:
    """Place tasks in ``order`` (a topological order), each on the worker giving the earliest finish time.

    ``allowed[i]``, when given, restricts the workers tried for task ``i``; a pinned
    task is tried on its pin only. A finish must beat the best one by more than
    ``1e-12`` to win, so ties go to the lower worker index.
    """
    m = inst.m
    w = inst.w
    allowed = candidates(inst, allowed)
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


def place_assigned(
    inst: Instance,
    order: Sequence[int],
    assign: Sequence[int],
    cancel: CancelToken | None,
    *,
    insertion: bool = True,
) -> Iterator[Placement]:
    """Time each task of ``order`` (a topological order) on its worker ``assign[i]``.

    Each task starts as early as its worker allows (in an idle gap when ``insertion``)
    once the data of every predecessor has arrived; transfers between tasks on the same
    worker are free. A pinned task runs on its pin whatever ``assign`` says.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.instance import compile_instance
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 3); g.add_edge("a", "b", 4)
    >>> inst = compile_instance(g, Platform.homogeneous(2))
    >>> list(place_assigned(inst, [0, 1], [0, 1], None))
    [(0, 0, 0.0, 2.0), (1, 1, 6.0, 9.0)]
    """
    allowed = [[int(p)] for p in assign]
    for i, p, s, f in eft_place(inst, list(order), cancel, insertion=insertion, allowed=allowed):
        yield i, p, float(s), float(f)


def static_order_place(inst: Instance, order: list[int], cancel: CancelToken | None) -> Iterator[Placement]:
    """Place tasks in ``order`` (a topological order), each on the worker of earliest start.

    No insertion: a worker is free after its last task. Ties on the start time go to
    the earlier finish, then to the lower worker index. A pinned task starts on its pin.
    """
    n, m = inst.n, inst.m
    w = inst.w
    proc = np.full(n, -1, dtype=np.int64)
    finish = np.zeros(n)
    avail = np.zeros(m)
    forbid = forbidden(inst)
    for i in order:
        check_cancel(cancel)
        est = np.maximum(inst.ready_times(i, proc, finish), avail)
        if forbid is not None:
            est += forbid[i]
        fin = est + w[i]
        cand = np.flatnonzero(est <= within(float(est.min())))
        p = int(cand[np.argmin(fin[cand])]) if len(cand) > 1 else int(cand[0])
        s, f = float(est[p]), float(fin[p])
        proc[i], finish[i] = p, f
        avail[p] = max(avail[p], f)
        yield i, p, s, f
