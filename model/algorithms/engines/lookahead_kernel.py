"""The placement loop of :class:`~model.algorithms.lookahead.Lookahead` as a compiled kernel (numba).

Imported only when :func:`~model.algorithms.engines.compiled.wanted` said yes: importing
this module imports numba. :func:`lookahead_place_compiled` gives the same placements as
the Python loop, bit for bit: the same data-ready times (the same sums, in the same
order), the same tentative placement of the children (each by HEFT's rule on the partial
schedule, in decreasing upward rank, the first worker whose finish beats the best by the
``1e-9`` tie tolerance), the same choice of the task's worker (the latest child finish,
ties to the task's own earlier finish, then the lower worker) and the same search for an
idle gap as :class:`~model.algorithms.engines.timeline.Timeline`: its ``1e-9`` slack on a
gap's length, its walk over the slots when a slot booked with that slack left the finish
times out of order, and slots kept sorted by ``(start, finish)``.

Each worker's timeline is a ``(4, capacity)`` array: starts, finishes, the idle gap before
each slot and the longest gap from each slot on (so "no gap after the ready time fits" is
one look-up). A scenario's tentative slots (the task's own and its children's) are never
booked: a search on a worker holding some merges them with the worker's slots on the fly.
A child's search on a worker is skipped when even starting at its ready time it could not
beat the best finish so far (the start is never before the ready time), which cannot
change the choice.

The kernel places :data:`CHUNK` tasks per call; the placements are handed out, and the
cancel token is checked, between calls.
"""

from __future__ import annotations

from collections.abc import Iterator

import numba
import numpy as np

from ...instance import Instance
from ..base import CancelToken, Placement, check_cancel
from .ranks import placement_order, upward_rank
from .timeline import _EPS

__all__ = ["CHUNK", "lookahead_place_compiled"]

#: tasks placed per kernel call
CHUNK = 1024

_STARTS, _FINISHES, _GAPS, _LONGEST = 0, 1, 2, 3


@numba.njit(cache=True)
def _bisect_right(a: np.ndarray, n: int, x: float) -> int:  # pragma: no cover - compiled
    """``bisect.bisect_right(a[:n], x)``, step for step (also on a row that is not quite sorted)."""
    lo, hi = 0, n
    while lo < hi:
        mid = (lo + hi) // 2
        if x < a[mid]:
            hi = mid
        else:
            lo = mid + 1
    return lo


@numba.njit(cache=True)
def _walk(starts: np.ndarray, fins: np.ndarray, n: int, ready: float, d: float) -> float:  # pragma: no cover
    """``Timeline._walk``: the earliest start by walking the slots (finish times out of order)."""
    k = _bisect_right(fins, n, ready)
    t = ready
    if k > 0 and fins[k - 1] > ready:
        t = fins[k - 1]
    while k < n:
        if t <= starts[k] and starts[k] - t >= d - _EPS:
            return t
        if fins[k] > t:
            t = fins[k]
        k += 1
    return t


@numba.njit(cache=True)
def _earliest(tl: np.ndarray, c: int, unsorted: bool, ready: float, d: float) -> float:  # pragma: no cover
    """``Timeline.earliest(ready, d)`` on a worker's own ``c`` slots."""
    if c == 0:
        return ready
    fins = tl[_FINISHES]
    if ready >= fins[c - 1]:
        return ready
    starts = tl[_STARTS]
    if unsorted:
        return _walk(starts, fins, c, ready, d)
    k = _bisect_right(fins, c, ready)
    need = d - _EPS
    if need < 0.0:
        need = 0.0
    if tl[_LONGEST, k] < need:
        return float(fins[c - 1])
    if ready <= starts[k] and starts[k] - ready >= d - _EPS:
        return ready
    gaps = tl[_GAPS]
    for j in range(k + 1, c):
        if gaps[j] >= need:
            return float(fins[j - 1])
    return float(fins[c - 1])


@numba.njit(cache=True)
def _position(tl: np.ndarray, c: int, s: float, f: float) -> int:  # pragma: no cover - compiled
    """Where ``Timeline.insert`` puts the slot ``[s, f)``: after the slots ``(start, finish) <= (s, f)``."""
    starts, fins = tl[_STARTS], tl[_FINISHES]
    k = _bisect_right(starts, c, s)
    while k > 0 and starts[k - 1] == s and fins[k - 1] > f:
        k -= 1
    return k


@numba.njit(cache=True)
def _earliest_held(
    tl: np.ndarray,
    c: int,
    unsorted: bool,
    hs: np.ndarray,
    hf: np.ndarray,
    nh: int,
    ready: float,
    d: float,
    at: np.ndarray,
    ms: np.ndarray,
    mf: np.ndarray,
) -> float:  # pragma: no cover - compiled
    """``Timeline.earliest(ready, d)`` on a worker's ``c`` slots with the ``nh`` tentative slots
    ``hs``/``hf`` (sorted by ``(start, finish)``) booked as well, without booking them.

    ``at``, ``ms`` and ``mf`` are scratch rows (``nh`` and ``c + nh`` long at least).
    """
    starts, fins = tl[_STARTS], tl[_FINISHES]
    # finish of the last slot in (start, finish) order
    last = hf[nh - 1]
    if c > 0:
        ls, lf = starts[c - 1], fins[c - 1]
        if ls > hs[nh - 1] or (ls == hs[nh - 1] and lf > hf[nh - 1]):
            last = lf
    if ready >= last:
        return ready
    for h in range(nh):
        at[h] = _position(tl, c, hs[h], hf[h])
    bad = unsorted
    if not bad:
        # a tentative slot beside a slot that finishes out of order: the timeline would walk
        for h in range(nh):
            p = at[h]
            if h > 0 and at[h - 1] == p:
                if hf[h - 1] > hf[h]:
                    bad = True
            elif p > 0 and fins[p - 1] > hf[h]:
                bad = True
            if h + 1 < nh and at[h + 1] == p:
                if hf[h] > hf[h + 1]:
                    bad = True
            elif p < c and hf[h] > fins[p]:
                bad = True
    if bad:
        n = 0
        r = 0
        for h in range(nh + 1):
            stop = at[h] if h < nh else c
            while r < stop:
                ms[n], mf[n] = starts[r], fins[r]
                n += 1
                r += 1
            if h < nh:
                ms[n], mf[n] = hs[h], hf[h]
                n += 1
        return _walk(ms, mf, n, ready, d)
    need = d - _EPS
    if need < 0.0:
        need = 0.0
    longest = tl[_LONGEST]
    r = _bisect_right(fins, c, ready)
    h = 0
    while h < nh and hf[h] <= ready:
        h += 1
    first = True
    prev = 0.0
    while r < c or h < nh:
        if h < nh and at[h] <= r:
            es = hs[h]
            if first:
                if es - ready >= need:
                    return ready
            elif es - prev >= need:
                return prev
            prev = hf[h]
            h += 1
        else:
            es = starts[r]
            if first:
                if es - ready >= need:
                    return ready
            elif es - prev >= need:
                return prev
            # the gaps between this slot and the next tentative one are the worker's own
            stop = at[h] if h < nh else c
            if r + 1 < stop and longest[r + 1] < need:
                r = stop - 1
            prev = fins[r]
            r += 1
        first = False
    return float(last)


@numba.njit(cache=True)
def _book(tl: np.ndarray, c: int, s: float, f: float) -> bool:  # pragma: no cover - compiled
    """``Timeline.insert(s, f)`` on a worker's ``c`` slots (room for one more); whether the finish
    times went out of order."""
    starts, fins, gaps, longest = tl[_STARTS], tl[_FINISHES], tl[_GAPS], tl[_LONGEST]
    k = _position(tl, c, s, f)
    for j in range(c, k, -1):
        starts[j] = starts[j - 1]
        fins[j] = fins[j - 1]
        gaps[j] = gaps[j - 1]
        longest[j] = longest[j - 1]
    starts[k] = s
    fins[k] = f
    n = c + 1
    out = False
    if k > 0:
        gaps[k] = s - fins[k - 1]
        if fins[k - 1] > f:
            out = True
    else:
        gaps[0] = s
    if k + 1 < n:
        gaps[k + 1] = starts[k + 1] - f
        if f > fins[k + 1]:
            out = True
    # longest gap from each slot on: from the changed gaps down, until a value stays
    hi = k + 1 if k + 1 < n else n - 1
    after = longest[hi + 1] if hi + 1 < n else -np.inf
    j = hi
    while j >= 0:
        g = gaps[j]
        v = g if g > after else after
        if j < k and v == longest[j]:
            break
        longest[j] = v
        after = v
        j -= 1
    return out


@numba.njit(cache=True)
def _ready(
    i: int,
    skip: int,
    pptr: np.ndarray,
    pred: np.ndarray,
    pdat: np.ndarray,
    proc: np.ndarray,
    finish: np.ndarray,
    lat: np.ndarray,
    inv_bw: np.ndarray,
    out: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Data-ready times of ``i`` on each worker from its placed predecessors other than ``skip``."""
    m = len(out)
    for x in range(m):
        out[x] = 0.0
    for e in range(pptr[i], pptr[i + 1]):
        k = pred[e]
        q = proc[k]
        if k == skip or q < 0:
            continue
        fk = finish[k]
        dk = pdat[e]
        for x in range(m):
            v = fk if x == q else (lat[q, x] + dk * inv_bw[q, x]) + fk
            if v > out[x]:
                out[x] = v


@numba.njit(cache=True)
def _place(
    order: np.ndarray,
    a: int,
    b: int,
    w: np.ndarray,
    rank: np.ndarray,
    pin: np.ndarray,
    pptr: np.ndarray,
    pred: np.ndarray,
    pdat: np.ndarray,
    sptr: np.ndarray,
    succ: np.ndarray,
    sdat: np.ndarray,
    lat: np.ndarray,
    inv_bw: np.ndarray,
    proc: np.ndarray,
    finish: np.ndarray,
    lines: np.ndarray,
    count: np.ndarray,
    unsorted: np.ndarray,
    out_p: np.ndarray,
    out_s: np.ndarray,
    out_f: np.ndarray,
) -> np.ndarray:  # pragma: no cover - compiled
    """Place the tasks ``order[a:b]``; their workers, starts and finishes go to ``out_*[: b - a]``.

    Returns the timelines (a larger array when a worker ran out of room).
    """
    m = w.shape[1]
    ready = np.empty(m)
    rr = np.empty(m)
    kid_cap = 1
    for t in range(a, b):
        i = order[t]
        kid_cap = max(kid_cap, sptr[i + 1] - sptr[i])
    kids = np.empty(kid_cap, dtype=np.int64)
    kdat = np.empty(kid_cap)
    base = np.empty((kid_cap, m))
    # tentative slots of a scenario: worker, start, finish; and how many each worker holds
    hq = np.empty(kid_cap + 1, dtype=np.int64)
    hs = np.empty(kid_cap + 1)
    hf = np.empty(kid_cap + 1)
    held = np.zeros(m, dtype=np.int64)
    qs = np.empty(kid_cap + 1)
    qf = np.empty(kid_cap + 1)
    at = np.empty(kid_cap + 1, dtype=np.int64)
    cap = lines.shape[2]
    ms = np.empty(cap + kid_cap + 1)
    mf = np.empty(cap + kid_cap + 1)
    for t in range(a, b):
        i = order[t]
        top = 0
        for p in range(m):
            if count[p] > top:
                top = count[p]
        if top + 1 > cap:
            cap = 2 * cap
            grown = np.zeros((m, 4, cap))
            grown[:, :, : lines.shape[2]] = lines
            lines = grown
            ms = np.empty(cap + kid_cap + 1)
            mf = np.empty(cap + kid_cap + 1)
        _ready(i, -1, pptr, pred, pdat, proc, finish, lat, inv_bw, ready)
        # the children by decreasing upward rank, ties to the lower index
        nk = 0
        for e in range(sptr[i], sptr[i + 1]):
            j = succ[e]
            dj = sdat[e]
            x = nk
            while x > 0 and (
                rank[kids[x - 1]] < rank[j] or (rank[kids[x - 1]] == rank[j] and kids[x - 1] > j)
            ):
                kids[x] = kids[x - 1]
                kdat[x] = kdat[x - 1]
                x -= 1
            kids[x] = j
            kdat[x] = dj
            nk += 1
        for x in range(nk):
            _ready(kids[x], i, pptr, pred, pdat, proc, finish, lat, inv_bw, base[x])
        p_lo, p_hi = 0, m
        if pin[i] >= 0:
            p_lo, p_hi = pin[i], pin[i] + 1
        best_p, best_s, best_f, best_metric = -1, 0.0, 0.0, 0.0
        for p in range(p_lo, p_hi):
            d = w[i, p]
            s = _earliest(lines[p], count[p], unsorted[p], ready[p], d)
            f = s + d
            metric = f
            if nk > 0:
                hq[0], hs[0], hf[0] = p, s, f
                nh = 1
                held[p] += 1
                metric = 0.0
                for x in range(nk):
                    j = kids[x]
                    dj = kdat[x]
                    r0 = base[x]
                    for y in range(m):
                        v = f if y == p else (lat[p, y] + dj * inv_bw[p, y]) + f
                        rr[y] = v if v > r0[y] else r0[y]
                    q_lo, q_hi = 0, m
                    if pin[j] >= 0:
                        q_lo, q_hi = pin[j], pin[j] + 1
                    bq, bs, bf, lim = -1, 0.0, 0.0, 0.0
                    for q in range(q_lo, q_hi):
                        dq = w[j, q]
                        rq = rr[q]
                        if bq >= 0 and rq + dq >= lim:
                            continue  # starts no earlier than rq: cannot beat the best
                        c = count[q]
                        if held[q] == 0:
                            if c == 0 or rq >= lines[q, _FINISHES, c - 1]:
                                sq = rq
                            else:
                                sq = _earliest(lines[q], c, unsorted[q], rq, dq)
                        else:
                            n_ = 0
                            for h in range(nh):
                                if hq[h] == q:
                                    # sorted by (start, finish), as the timeline keeps them
                                    y = n_
                                    while y > 0 and (
                                        qs[y - 1] > hs[h] or (qs[y - 1] == hs[h] and qf[y - 1] > hf[h])
                                    ):
                                        qs[y] = qs[y - 1]
                                        qf[y] = qf[y - 1]
                                        y -= 1
                                    qs[y] = hs[h]
                                    qf[y] = hf[h]
                                    n_ += 1
                            sq = _earliest_held(lines[q], c, unsorted[q], qs, qf, n_, rq, dq, at, ms, mf)
                        fq = sq + dq
                        if bq < 0 or fq < lim:
                            bq, bs, bf = q, sq, fq
                            if fq >= 0.0:
                                lim = fq - 1e-9 * (fq if fq > 1.0 else 1.0)
                            else:
                                lim = fq - 1e-9 * max(1.0, abs(fq))
                    hq[nh], hs[nh], hf[nh] = bq, bs, bf
                    nh += 1
                    held[bq] += 1
                    if bf > metric:
                        metric = bf
                for h in range(nh):
                    held[hq[h]] = 0
            if (
                best_p < 0
                or metric < best_metric - 1e-9 * max(1.0, abs(best_metric))
                or (
                    metric <= best_metric + 1e-9 * max(1.0, abs(best_metric))
                    and f < best_f - 1e-9 * max(1.0, abs(best_f))
                )
            ):
                best_p, best_s, best_f, best_metric = p, s, f, metric
        if _book(lines[best_p], count[best_p], best_s, best_f):
            unsorted[best_p] = True
        count[best_p] += 1
        proc[i] = best_p
        finish[i] = best_f
        out_p[t - a] = best_p
        out_s[t - a] = best_s
        out_f[t - a] = best_f
    return lines


def lookahead_place_compiled(inst: Instance, cancel: CancelToken | None) -> Iterator[Placement]:
    """:meth:`Lookahead.place <model.algorithms.lookahead.Lookahead.place>` by the compiled kernel:
    the same placements, yielded in the same order.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.instance import compile_instance
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 3); g.add_task("c", 3)
    >>> g.add_edge("a", "b", 1); g.add_edge("a", "c", 1)
    >>> list(lookahead_place_compiled(compile_instance(g, Platform.homogeneous(2)), None))
    [(0, 0, 0.0, 2.0), (1, 0, 2.0, 5.0), (2, 1, 3.0, 6.0)]
    """
    n, m = inst.n, inst.m
    if n == 0:
        return
    rank = np.ascontiguousarray(upward_rank(inst), dtype=np.float64)
    order = np.asarray(placement_order(inst, rank), dtype=np.int64)
    w = np.ascontiguousarray(inst.w, dtype=np.float64)
    pin = np.ascontiguousarray(inst.pin, dtype=np.int64)
    pptr = np.ascontiguousarray(inst.pred_ptr, dtype=np.int64)
    pred = np.ascontiguousarray(inst.pred_idx, dtype=np.int64)
    pdat = np.ascontiguousarray(inst.pred_dat, dtype=np.float64)
    sptr = np.ascontiguousarray(inst.succ_ptr, dtype=np.int64)
    succ = np.ascontiguousarray(inst.succ_idx, dtype=np.int64)
    sdat = np.ascontiguousarray(inst.succ_dat, dtype=np.float64)
    lat = np.ascontiguousarray(inst.lat, dtype=np.float64)
    inv_bw = np.ascontiguousarray(inst.inv_bw, dtype=np.float64)
    proc = np.full(n, -1, dtype=np.int64)
    finish = np.zeros(n)
    lines = np.zeros((m, 4, min(n, 2 * (n // m) + 64) + 1))
    count = np.zeros(m, dtype=np.int64)
    unsorted = np.zeros(m, dtype=np.bool_)
    out_p = np.empty(CHUNK, dtype=np.int64)
    out_s = np.empty(CHUNK)
    out_f = np.empty(CHUNK)
    for a in range(0, n, CHUNK):
        check_cancel(cancel)
        b = min(n, a + CHUNK)
        lines = _place(
            order,
            a,
            b,
            w,
            rank,
            pin,
            pptr,
            pred,
            pdat,
            sptr,
            succ,
            sdat,
            lat,
            inv_bw,
            proc,
            finish,
            lines,
            count,
            unsorted,
            out_p,
            out_s,
            out_f,
        )
        yield from zip(
            order[a:b].tolist(), out_p[: b - a].tolist(), out_s[: b - a].tolist(), out_f[: b - a].tolist()
        )
