"""Lookahead HEFT: choose a task's worker by how early its children could finish."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from ..instance import Instance
from .base import Algorithm, CancelToken, Placement, check_cancel, register
from .engines import Timeline, below, candidates, compiled, placement_order, upward_rank, within
from .engines.timeline import _EPS

#: idle gaps remembered per worker by :class:`_Tails`
_STEPS = 12
#: slots a rebuild of :class:`_Tails` walks back at most
_SCAN = 200


class _Tails:
    """For each worker, the idle gaps that could still take a task, latest first.

    Walking a worker's gaps back from its end, each gap longer than every later one is
    kept (``length``, and the ``start`` of the slot after it), up to :data:`_STEPS` of
    them; the gaps further back are summed up by ``floor``: no ready time after it can
    reach them. So a task of duration ``d`` that is ready after :meth:`last_fit` and
    before the worker's last finish cannot go into any gap: it starts at the end.
    """

    def __init__(self, m: int) -> None:
        self.length = np.full((m, _STEPS), -np.inf)
        self.start = np.zeros((m, _STEPS))
        self.floor = np.full(m, -np.inf)
        self.steps: list[list[tuple[float, float, float]]] = [[] for _ in range(m)]

    def appended(self, p: int, tl: Timeline) -> None:
        """Worker ``p`` got a slot after its last one."""
        g, s, f = tl.gaps[-1], tl.starts[-1], tl.finishes[-1]
        steps = [(g, s, f)] + [e for e in self.steps[p] if e[0] > g]
        if len(steps) > _STEPS:
            self.floor[p] = max(float(self.floor[p]), steps[_STEPS][2])
            del steps[_STEPS:]
        self._store(p, steps)

    def rebuild(self, p: int, tl: Timeline) -> None:
        """Worker ``p`` got a slot in an idle gap: walk its gaps back again."""
        if not tl.sorted:
            self.floor[p] = np.inf  # finish times out of order: always search
            self._store(p, [])
            return
        gaps, starts, fins = tl.gaps, tl.starts, tl.finishes
        steps: list[tuple[float, float, float]] = []
        top = -1.0
        k = len(gaps) - 1
        low = max(0, k - _SCAN)
        while k >= low and len(steps) < _STEPS:
            if gaps[k] > top:
                top = gaps[k]
                steps.append((top, starts[k], fins[k]))
            k -= 1
        # the gaps before slot k + 1 were not looked at
        self.floor[p] = fins[k] if k >= 0 else -np.inf
        self._store(p, steps)

    def _store(self, p: int, steps: list[tuple[float, float, float]]) -> None:
        self.steps[p] = steps
        self.length[p] = -np.inf
        for c, (g, s, _) in enumerate(steps):
            self.length[p, c] = g
            self.start[p, c] = s

    def last_fit(self, need: np.ndarray) -> np.ndarray:
        """Per worker, the ready time after which no gap fits a task of ``need[q]`` (minus the tolerance)."""
        fits = self.length >= need[:, None]
        first = fits.argmax(axis=1)
        any_ = fits[np.arange(len(need)), first]
        at = np.where(any_, self.start[np.arange(len(need)), first], -np.inf)
        return np.maximum(at, self.floor)  # type: ignore[no-any-return]


@register
class Lookahead(Algorithm):
    """HEFT with a one-level lookahead.

    Tasks are taken by decreasing upward rank, as in HEFT. For each worker ``p`` the
    task is tentatively placed on ``p`` (earliest finish with insertion) and then each
    of its children, by decreasing upward rank, is tentatively placed by HEFT's rule
    on the partial schedule (predecessors not yet placed are ignored). The task goes
    to the worker for which the latest of those children's finish times is smallest
    (a task without children: its own finish time). Ties go to the earlier finish of
    the task itself, then the lower worker index. The work is ``O(m²)`` per child;
    it is done for all ``m`` tentative workers at once with numpy (see
    :meth:`_children`): a child's start is its ready time when that is after the
    worker's last slot, the worker's end when no idle gap after the ready time can take
    it (:class:`_Tails`, and the gaps among the tentative slots), and only otherwise,
    and only where it could still win, the gap search of the timeline. From
    :func:`~model.algorithms.engines.compiled.wanted`'s size on, the same placements
    come from a compiled kernel (:mod:`~model.algorithms.engines.lookahead_kernel`).

    References
    ----------
    L. F. Bittencourt, R. Sakellariou, E. R. M. Madeira, "DAG scheduling using a
    lookahead variant of the Heterogeneous Earliest Finish Time algorithm", 18th
    Euromicro PDP, 2010.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 3); g.add_task("c", 3)
    >>> g.add_edge("a", "b", 1); g.add_edge("a", "c", 1)
    >>> Lookahead().schedule(g, Platform.homogeneous(2)).makespan
    6.0
    """

    name = "lookahead"
    description = "Lookahead HEFT: worker minimising the children's HEFT finish (Bittencourt et al. 2010)"
    reference = "Bittencourt, Sakellariou, Madeira, Euromicro PDP 2010"
    family = "list"

    def place(
        self, inst: Instance, cancel: CancelToken | None
    ) -> Iterator[Placement]:
        if compiled.wanted(inst.n, inst.m):
            from .engines.lookahead_kernel import lookahead_place_compiled

            yield from lookahead_place_compiled(inst, cancel)
            return
        n, m, w = inst.n, inst.m, inst.w
        rank = upward_rank(inst)
        order = placement_order(inst, rank)
        proc = np.full(n, -1, dtype=np.int64)
        finish = np.zeros(n)
        lines = [Timeline() for _ in range(m)]
        end = np.zeros(m)  # finish of the last slot of each worker
        tails = _Tails(m)
        every = np.arange(m)
        cands = candidates(inst)
        lat, inv_bw = inst.lat, inst.inv_bw
        inf = float("inf")

        def data_ready(j: int, skip: int) -> np.ndarray:
            """Data-ready times of ``j`` from its placed predecessors other than ``skip``."""
            r = np.zeros(m)
            for k, d in zip(inst.preds[j], inst.pred_data[j]):
                q = int(proc[k])
                if k == skip or q < 0:
                    continue
                arr = inst.comm_row(d, q) + finish[k]
                arr[q] = finish[k]
                np.maximum(r, arr, out=r)
            return r

        for i in order:
            check_cancel(cancel)
            ready = inst.ready_times(i, proc, finish)
            workers = every if cands is None else np.asarray(cands[i], dtype=np.int64)
            plist = workers.tolist()
            starts, fins = [], []
            for p in plist:
                d = float(w[i, p])
                s = lines[p].earliest(float(ready[p]), d)
                starts.append(s)
                fins.append(s + d)
            kids = sorted(
                zip(inst.succs[i], inst.succ_data[i]), key=lambda jd: (-rank[jd[0]], jd[0])
            )
            if kids:
                metrics = self._children(
                    inst, lines, end, tails, workers, plist, starts, fins,
                    [(j, dj, data_ready(j, i)) for j, dj in kids], cands, lat, inv_bw, inf,
                )
            else:
                metrics = fins
            best = (-1, 0.0, 0.0)
            best_metric = 0.0
            for p, s, f, metric in zip(plist, starts, fins, metrics):
                if (
                    best[0] < 0
                    or metric < below(best_metric)
                    or (metric <= within(best_metric) and f < below(best[2]))
                ):
                    best, best_metric = (p, s, f), metric
            p, s, f = best
            tl = lines[p]
            tl.insert(s, f)
            if s >= end[p] and tl.sorted:
                tails.appended(p, tl)
            else:
                tails.rebuild(p, tl)
            end[p] = tl.finishes[-1]
            proc[i], finish[i] = p, f
            yield i, p, s, f

    @staticmethod
    def _children(
        inst: Instance,
        lines: list[Timeline],
        end: np.ndarray,
        tails: _Tails,
        workers: np.ndarray,
        plist: list[int],
        starts: list[float],
        fins: list[float],
        kids: list[tuple[int, float, np.ndarray]],
        cands: list[Sequence[int]] | None,
        lat: np.ndarray,
        inv_bw: np.ndarray,
        inf: float,
    ) -> list[float]:
        """The lookahead metric of each worker of ``plist``: the latest HEFT finish of the children.

        Row ``r`` is the scenario "the task on ``plist[r]``, starting at ``starts[r]``";
        the children are placed one after the other in every scenario at once. A child's
        start on a worker is its data-ready time when that is after the worker's last
        slot (numpy, for every scenario and worker together); the gap search runs only
        where the worker is busy past the ready time and the bare ready time could still
        beat the best sure finish by the pruning margin, and the winner is found by
        :func:`best_finish`'s rule among the workers within that margin (a worker beyond
        it can neither win nor change who wins).
        """
        k, m = len(plist), inst.m
        rows = np.arange(k)
        fv = np.asarray(fins)
        # last finish of each worker in each scenario
        ends = np.broadcast_to(end, (k, m)).copy()
        ends[rows, workers] = np.maximum(ends[rows, workers], fv)
        booked: list[list[tuple[int, float, float]]] = [[(p, s, f)] for p, s, f in zip(plist, starts, fins)]
        metric = np.zeros(k)
        w = inst.w
        # workers holding a tentative slot in each scenario (their tails do not apply)
        mine = np.zeros((k, m), dtype=bool)
        mine[rows, workers] = True
        # longest idle gap among a worker's tentative slots in each scenario, from its real
        # end on (-inf: none held; inf: one went into an idle gap, so nothing is known)
        held_gap = np.full((k, m), -inf)
        own_end, sv = end[workers], np.asarray(starts)
        held_gap[rows, workers] = np.where(sv >= own_end, sv - own_end, inf)
        lat_p, inv_bw_p = lat[workers], inv_bw[workers]
        fcol = fv[:, None]
        for j, dj, r0 in kids:
            arr = lat_p + dj * inv_bw_p
            arr += fcol
            arr[rows, workers] = fv
            rr = np.maximum(r0, arr)
            wj = w[j]
            fin = rr + wj
            fast = rr >= ends
            busy = ~fast
            if busy.any():
                need = np.maximum(wj - _EPS, 0.0)
                fit = tails.last_fit(need)
                tail = busy & (rr > fit) & (held_gap < need)
                if tail.any():
                    fin = np.where(tail, ends + wj, fin)
                    rr = np.where(tail, ends, rr)
                    fast |= tail
            else:
                fit = end  # not looked at: no worker without a tentative slot is busy
            allowed = None
            if cands is not None and len(cands[j]) < m:
                allowed = np.zeros(m, dtype=bool)
                allowed[list(cands[j])] = True
                fin[:, ~allowed] = inf
                fast &= allowed
            sure = np.where(fast, fin, inf).min(axis=1)
            limit = sure + 1e-7 * (m + 1) * np.maximum(1.0, sure)
            slow = ~fast & (fin <= limit[:, None])
            if allowed is not None:
                slow &= allowed
            start = rr
            if slow.any():
                start = rr.copy()
                fit_l, end_l = fit.tolist(), end.tolist()
                for r, q in np.argwhere(slow).tolist():
                    held = sorted([(sq, fq) for wq, sq, fq in booked[r] if wq == q])
                    rq, dq = float(rr[r, q]), float(w[j, q])
                    sj = _after(rq, dq, end_l[q], held) if held and rq > fit_l[q] else None
                    if sj is None:
                        tl = lines[q]
                        for sq, fq in held:
                            tl.insert(sq, fq)
                        sj = tl.earliest(rq, dq)
                        for sq, fq in reversed(held):
                            tl.remove(sq, fq)
                    start[r, q] = sj
                    fin[r, q] = sj + w[j, q]
            # beyond the margin: neither the winner nor able to change it
            fin = np.where(fast | slow, fin, inf)
            low = fin.min(axis=1)
            pick = fin.argmin(axis=1)
            near = fin <= low[:, None] + 4e-9 * np.maximum(1.0, low)[:, None]
            mixed = (near & (fin != low[:, None])).any(axis=1)
            if mixed.any():
                for r in np.flatnonzero(mixed).tolist():
                    pick[r] = _first_best(fin[r].tolist())
            fj = fin[rows, pick]
            sj_ = start[rows, pick]
            prev = ends[rows, pick]
            gap = sj_ - prev
            held_gap[rows, pick] = np.where(gap >= 0.0, np.maximum(held_gap[rows, pick], gap), inf)
            ends[rows, pick] = np.maximum(prev, fj)
            mine[rows, pick] = True
            for r, (q, sq, fq) in enumerate(zip(pick.tolist(), sj_.tolist(), fj.tolist())):
                booked[r].append((q, sq, fq))
            np.maximum(metric, fj, out=metric)
        out: list[float] = metric.tolist()
        return out


def _after(ready: float, d: float, end: float, held: list[tuple[float, float]]) -> float | None:
    """:meth:`Timeline.earliest` on a worker whose idle gaps cannot take the task after ``ready``,
    with the tentative slots ``held`` (sorted) after its last finish ``end``.

    ``None`` when a held slot overlaps the one before it (the timeline's own search decides).
    """
    prev = end
    for sq, fq in held:
        if sq < prev:
            return None
        prev = fq
    last = prev
    if ready >= last:
        return ready
    need = d - _EPS
    if need < 0.0:
        need = 0.0
    prev = end
    if ready < end:
        # the first slot ending after ``ready`` is the worker's own: its gaps are too short
        for sq, fq in held:
            if sq - prev >= need:
                return prev
            prev = fq
        return last
    at = 0
    while held[at][1] <= ready:
        prev = held[at][1]
        at += 1
    gaps = [held[at][0] - prev] + [held[h][0] - held[h - 1][1] for h in range(at + 1, len(held))]
    if max(gaps) < need:
        return last
    if ready <= held[at][0] and held[at][0] - ready >= d - _EPS:
        return ready
    for h in range(at + 1, len(held)):
        if gaps[h - at] >= need:
            return held[h - 1][1]
    return last


def _first_best(fin: list[float]) -> int:
    """The worker :func:`best_finish` picks among finish times ``fin`` (``inf``: not a candidate)."""
    best_p, lim = -1, 0.0
    for p, f in enumerate(fin):
        if f == float("inf"):
            continue
        if best_p < 0 or f < lim:
            best_p = p
            lim = f - 1e-9 * (f if f > 1.0 else 1.0)
    return best_p
