"""Lower bounds on the makespan of any schedule of an instance."""

from __future__ import annotations

import numpy as np

from ...instance import Instance
from .pins import pinned_load
from .ranks import static_level

__all__ = ["WHOLE_TOL", "assignment_bound", "integral_times", "lower_bound"]

#: relative distance from an integer within which a time counts as whole (a few float steps)
WHOLE_TOL = 1e-12
#: work (tasks × workers × steps) the assignment bound may spend on its weights
BOUND_WORK = 8_000_000


def lower_bound(inst: Instance) -> float:
    """A lower bound on any schedule's makespan.

    The largest of: the longest path of minimum execution times (communication can be
    avoided by co-location, so it counts zero), the total minimum work divided by the
    number of workers, the longest single task at its fastest, the work pinned to any
    one worker, and the assignment bound of :func:`assignment_bound` (at least the total
    minimum work divided by the number of workers, and more when the fastest workers of
    the tasks are not spread evenly). A pinned task's time is its time on its pin.
    Rounded up when every time of the instance is a whole number. It bounds every
    schedule that honours the pins.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.instance import compile_instance
    >>> g = TaskGraph()
    >>> for t in "abc": g.add_task(t, 3)
    >>> lower_bound(compile_instance(g, Platform.homogeneous(2)))
    5.0
    """
    if inst.n == 0:
        return 0.0
    wmin = inst.w.min(axis=1)
    pinned = 0.0
    if inst.pinned:
        rows = np.flatnonzero(inst.pin >= 0)
        wmin[rows] = inst.w[rows, inst.pin[rows]]
        pinned = float(pinned_load(inst).max())
    path = static_level(inst, wmin)
    lb = float(max(path.max(), wmin.sum() / inst.m, wmin.max(), pinned, assignment_bound(inst)))
    if integral_times(inst):
        # with integral durations and transfers, some optimal schedule has integral starts
        lb = max(0.0, float(np.ceil(lb - 1e-9)))  # (never -0.0)
    return lb


def assignment_bound(inst: Instance, steps: int = 100) -> float:
    """A lower bound from the loads alone: ``max`` over worker weights ``λ`` (``λ ≥ 0``,
    ``Σ λ = 1``) of ``Σ_i min_p λ_p w[i, p]``.

    Every schedule's makespan is at least each worker's load, hence at least
    ``Σ_p λ_p · load_p = Σ_i λ_{p(i)} w[i, p(i)] ≥ Σ_i min_p λ_p w[i, p]`` for any such
    ``λ``, so each weight vector tried gives a valid bound; the best one is the optimum
    of the linear relaxation of balancing the loads (the dual of ``min T`` with
    fractional assignments whose loads stay below ``T``). Equal weights give the total
    minimum work over the number of workers; the weights are raised on the workers
    most loaded by the current minima (exponentiated subgradient steps, at most
    ``steps`` of them and fewer on very large instances, see :data:`BOUND_WORK`). A
    pinned task counts on its pin. The value returned is lowered by the rounding of the
    sums, so it stays a bound.

    Examples
    --------
    >>> import numpy as np
    >>> from model.graph import TaskGraph, Platform, Worker
    >>> from model.instance import compile_instance
    >>> g = TaskGraph()
    >>> for t in "abcd": g.add_task(t, 4)
    >>> inst = compile_instance(g, Platform((Worker("fast", 2.0), Worker("slow", 1.0))))
    >>> round(assignment_bound(inst), 3)  # 16 units of work at speeds 2 and 1: 16/3 (the minima alone: 4)
    5.333
    """
    n, m = inst.w.shape
    if n == 0 or m == 0:
        return 0.0
    w = inst.w.astype(float, copy=True)
    if inst.pinned:
        rows = np.flatnonzero(inst.pin >= 0)
        keep = w[rows, inst.pin[rows]]
        w[rows] = np.inf
        w[rows, inst.pin[rows]] = keep
    if m == 1:
        return float(w.sum())
    steps = max(1, min(steps, BOUND_WORK // max(1, n * m)))
    lam = np.full(m, 1.0 / m)
    rows_idx = np.arange(n)
    best = 0.0
    for k in range(steps):
        v = w * lam
        arg = v.argmin(axis=1)
        val = float(v[rows_idx, arg].sum())
        best = max(best, val)
        load = np.bincount(arg, weights=w[rows_idx, arg], minlength=m)
        mean = load.mean()
        if mean <= 0:
            break
        lam = lam * np.exp((0.5 / np.sqrt(k + 1)) * (load / mean - 1.0))
        lam /= lam.sum()
    return best * (1.0 - 1e-12) - 1e-12


def integral_times(inst: Instance) -> bool:
    """Whether every execution time and every transfer time of the instance is an integer.

    An integer within :data:`WHOLE_TOL` (relative): the float error of whole values
    computed as ``cost / speed`` or ``latency + data / bandwidth``, not real values that
    are merely large.
    """
    def whole(a: np.ndarray) -> bool:
        return bool(np.all(np.abs(a - np.round(a)) <= WHOLE_TOL * np.maximum(1.0, np.abs(a))))

    if not whole(inst.w):
        return False
    if inst.m < 2:
        return True
    off = ~np.eye(inst.m, dtype=bool)
    data = np.unique(np.fromiter((d for ds in inst.succ_data for d in ds), dtype=float))
    pairs = np.unique(np.stack([inst.lat[off], inst.inv_bw[off]], axis=1), axis=0)
    return whole(pairs[:, 0][None, :] + data[:, None] * pairs[:, 1][None, :])
