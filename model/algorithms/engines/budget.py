"""Time budgets of the anytime algorithms: a deadline that holds from the call on.

A search given ``time_limit`` seconds must return within them, whatever the size of
the graph: compiling the instance, running the starting heuristics, building the
solver's model and checking the final schedule all count. :class:`Deadline` is the
clock every phase reads; it is also a cancel token, so a heuristic started close to
the limit stops at its next cancellation point. :func:`serial_placements` is the
schedule that is always there in time (every task on its fastest worker for the
whole graph, one after the other), and :func:`finish_reserve` the time kept back for
turning the placements into a checked schedule.
"""

from __future__ import annotations

import time

import numpy as np

from ...instance import Instance
from ..base import CancelToken, Placement

__all__ = ["Deadline", "finish_reserve", "search_pays", "serial_placements"]

#: seconds per task and per edge kept back for the final checked schedule (measured
#: about 1.7 µs on the project's machine for ``Schedule.build``; a margin for load)
_RESERVE_PER_ITEM = 2.5e-6
#: seconds per task and per edge a local search needs before its first move (lists,
#: the timing of the start; measured about 3 µs)
_SEARCH_SETUP_PER_ITEM = 4e-6


class Deadline:
    """A wall-clock deadline, usable as a cancel token (set once it has passed or ``cancel`` is).

    Examples
    --------
    >>> d = Deadline(60.0)
    >>> d.is_set(), 59.0 < d.left() <= 60.0
    (False, True)
    >>> Deadline(0.0).is_set()
    True
    """

    def __init__(self, seconds: float, cancel: CancelToken | None = None, *, start: float | None = None) -> None:
        self.at = (time.perf_counter() if start is None else start) + max(0.0, seconds)
        self.cancel = cancel

    def left(self) -> float:
        """Seconds until the deadline (0 once past)."""
        return max(0.0, self.at - time.perf_counter())

    def passed(self) -> bool:
        """Whether the deadline has passed."""
        return time.perf_counter() >= self.at

    def cancelled(self) -> bool:
        """Whether the user's cancel token (not the clock) is set."""
        return self.cancel is not None and self.cancel.is_set()

    def is_set(self) -> bool:
        """The cancel-token view: the deadline has passed, or the user cancelled."""
        return self.cancelled() or self.passed()


def finish_reserve(inst: Instance) -> float:
    """Seconds to keep for turning placements into a checked schedule (slots, checks, transfers)."""
    return 0.05 + _RESERVE_PER_ITEM * (inst.n + inst.edges)


def search_pays(inst: Instance, seconds: float) -> bool:
    """Whether ``seconds`` leave a local search time for moves once it has set itself up."""
    return seconds > 2.0 * _SEARCH_SETUP_PER_ITEM * (inst.n + inst.edges)


def serial_placements(inst: Instance) -> list[Placement]:
    """Every task on one worker, one after the other in topological order: valid, and made at once.

    The worker is the one that runs the whole graph fastest; a pinned task runs on its
    pin, after its predecessors, so pins are honoured too. No data ever waits on the
    chosen worker, so the schedule is the total work there (plus what pins add).

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.instance import compile_instance
    >>> g = TaskGraph(); g.add_task("a", costs=[2, 1]); g.add_task("b", costs=[3, 1]); g.add_edge("a", "b", 5)
    >>> serial_placements(compile_instance(g, g.default_platform()))
    [(0, 1, 0.0, 1.0), (1, 1, 1.0, 2.0)]
    """
    n = inst.n
    if n == 0:
        return []
    p0 = int(np.argmin(inst.w.sum(axis=0)))
    order = np.asarray(inst.topo, dtype=np.int64)
    if not inst.pinned:
        fin = np.cumsum(inst.w[order, p0])
        # each starts exactly when the one before ends
        start = np.concatenate(([0.0], fin[:-1]))
        return list(zip(order.tolist(), [p0] * n, start.tolist(), fin.tolist()))
    # with pins: one after the other in topological order, each on its pin or p0,
    # after its inputs have arrived (a task never overlaps the one before it)
    proc = [0] * n
    finish = [0.0] * n
    now = 0.0
    out: list[Placement] = []
    pin = inst.pin.tolist()
    for i in order.tolist():
        p = pin[i] if pin[i] >= 0 else p0
        s = now
        for k in range(int(inst.pred_ptr[i]), int(inst.pred_ptr[i + 1])):
            j = int(inst.pred_idx[k])
            t = finish[j] + inst.comm(float(inst.pred_dat[k]), proc[j], p)
            if t > s:
                s = t
        f = s + float(inst.w[i, p])
        proc[i], finish[i] = p, f
        now = f
        out.append((i, p, s, f))
    return out
