"""Building blocks shared by the list-scheduling algorithms: worker timelines and ranks."""

from __future__ import annotations

from bisect import bisect_right

import numpy as np

from ..instance import Instance

__all__ = [
    "Timeline",
    "downward_rank",
    "mean_comm_matrix",
    "placement_order",
    "static_level",
    "upward_rank",
]

_EPS = 1e-9


class Timeline:
    """Busy intervals of one worker, sorted, for insertion-based scheduling.

    Examples
    --------
    >>> t = Timeline(); t.insert(0, 5); t.insert(8, 10)
    >>> t.earliest(1, 3)   # fits in the gap 5..8
    5
    >>> t.earliest(1, 4)   # does not fit: after the last slot
    10
    >>> t.earliest(1, 4, insertion=False)
    10
    """

    __slots__ = ("finishes", "starts")

    def __init__(self) -> None:
        self.starts: list[float] = []
        self.finishes: list[float] = []

    @property
    def end(self) -> float:
        """Finish time of the last slot (0 when idle)."""
        return self.finishes[-1] if self.finishes else 0.0

    def earliest(self, ready: float, duration: float, insertion: bool = True) -> float:
        """Earliest start ``>= ready`` of a slot of ``duration`` that overlaps nothing."""
        fins = self.finishes
        if not fins:
            return ready
        if not insertion or ready >= fins[-1]:
            return max(ready, fins[-1])
        starts = self.starts
        k = bisect_right(fins, ready)
        t = ready if k == 0 else max(ready, fins[k - 1])
        n = len(starts)
        while k < n:
            # the gap before slot k must start at or before it (t may already lie inside it)
            if t <= starts[k] and starts[k] - t >= duration - _EPS:
                return t
            if fins[k] > t:
                t = fins[k]
            k += 1
        return t

    def insert(self, start: float, finish: float) -> None:
        """Book ``[start, finish)``."""
        k = bisect_right(self.starts, start)
        # keep (start, finish) sorted so finishes stay sorted when zero-length slots share a start
        while k > 0 and self.starts[k - 1] == start and self.finishes[k - 1] > finish:
            k -= 1
        self.starts.insert(k, start)
        self.finishes.insert(k, finish)

    def idle(self) -> float:
        """Total idle time before the last finish."""
        return self.end - sum(f - s for s, f in zip(self.starts, self.finishes))


def upward_rank(inst: Instance, w: np.ndarray | None = None) -> np.ndarray:
    """Upward rank (b-level with mean costs) of every task.

    ``rank_u(i) = w̄_i + max_{j ∈ succ(i)} (c̄_ij + rank_u(j))`` (Topcuoglu et al. 2002),
    where ``w̄`` is the mean execution time over workers and ``c̄`` the mean transfer
    time over pairs of distinct workers.
    """
    wbar = inst.mean_w() if w is None else w
    rank = np.zeros(inst.n)
    mc = inst.mean_comm
    for i in reversed(inst.topo):
        best = 0.0
        for j, d in zip(inst.succs[i], inst.succ_data[i]):
            v = mc(d) + rank[j]
            if v > best:
                best = v
        rank[i] = wbar[i] + best
    return rank


def downward_rank(inst: Instance, w: np.ndarray | None = None) -> np.ndarray:
    """Downward rank (t-level with mean costs): longest mean path from an entry to the task, excluding it."""
    wbar = inst.mean_w() if w is None else w
    rank = np.zeros(inst.n)
    mc = inst.mean_comm
    for i in inst.topo:
        best = 0.0
        for j, d in zip(inst.preds[i], inst.pred_data[i]):
            v = rank[j] + wbar[j] + mc(d)
            if v > best:
                best = v
        rank[i] = best
    return rank


def static_level(inst: Instance, w: np.ndarray | None = None) -> np.ndarray:
    """Static b-level: longest path of execution times (no communication) to an exit, including the task."""
    wbar = inst.mean_w() if w is None else w
    lvl = np.zeros(inst.n)
    for i in reversed(inst.topo):
        best = 0.0
        for j in inst.succs[i]:
            if lvl[j] > best:
                best = lvl[j]
        lvl[i] = wbar[i] + best
    return lvl


def placement_order(inst: Instance, priority: np.ndarray) -> list[int]:
    """Tasks by decreasing ``priority``, ties by topological position.

    The tie-break keeps a task after its predecessors when priorities are equal (zero
    costs), so the order is always a valid topological order for a b-level priority.
    """
    pos = np.empty(inst.n, dtype=np.int64)
    pos[np.asarray(inst.topo, dtype=np.int64)] = np.arange(inst.n)
    return np.lexsort((pos, -priority)).tolist()  # type: ignore[no-any-return]


def mean_comm_matrix(inst: Instance) -> float:
    """Mean over distinct worker pairs of 1/bandwidth (0 for one worker)."""
    if inst.m < 2:
        return 0.0
    off = ~np.eye(inst.m, dtype=bool)
    return float(inst.inv_bw[off].mean())


def lower_bound(inst: Instance) -> float:
    """A lower bound on any schedule's makespan.

    The largest of: the longest path of minimum execution times (communication can be
    avoided by co-location, so it counts zero), the total minimum work divided by the
    number of workers, and the longest single task at its fastest.
    """
    if inst.n == 0:
        return 0.0
    wmin = inst.w.min(axis=1)
    path = static_level(inst, wmin)
    lb = float(max(path.max(), wmin.sum() / inst.m, wmin.max()))
    if integral_times(inst):
        # with integral durations and transfers, some optimal schedule has integral starts
        lb = float(np.ceil(lb - 1e-9))
    return lb


def integral_times(inst: Instance) -> bool:
    """Whether every execution time and every transfer time of the instance is an integer."""
    def whole(a: np.ndarray) -> bool:
        return bool(np.all(np.abs(a - np.round(a)) <= 1e-9 * np.maximum(1.0, np.abs(a))))

    if not whole(inst.w):
        return False
    if inst.m < 2:
        return True
    off = ~np.eye(inst.m, dtype=bool)
    data = np.unique(np.fromiter((d for ds in inst.succ_data for d in ds), dtype=float))
    pairs = np.unique(np.stack([inst.lat[off], inst.inv_bw[off]], axis=1), axis=0)
    return whole(pairs[:, 0][None, :] + data[:, None] * pairs[:, 1][None, :])
