"""Lower bounds on the makespan of any schedule of an instance."""

from __future__ import annotations

import numpy as np

from ...instance import Instance
from .pins import pinned_load
from .ranks import static_level

__all__ = ["WHOLE_TOL", "integral_times", "lower_bound"]

#: relative distance from an integer within which a time counts as whole (a few float steps)
WHOLE_TOL = 1e-12


def lower_bound(inst: Instance) -> float:
    """A lower bound on any schedule's makespan.

    The largest of: the longest path of minimum execution times (communication can be
    avoided by co-location, so it counts zero), the total minimum work divided by the
    number of workers, the longest single task at its fastest, and the work pinned to
    any one worker. A pinned task's time is its time on its pin. Rounded up when every
    time of the instance is a whole number. It bounds every schedule that honours the
    pins.

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
    lb = float(max(path.max(), wmin.sum() / inst.m, wmin.max(), pinned))
    if integral_times(inst):
        # with integral durations and transfers, some optimal schedule has integral starts
        lb = max(0.0, float(np.ceil(lb - 1e-9)))  # (never -0.0)
    return lb


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
