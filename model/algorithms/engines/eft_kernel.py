"""The placement loop of :func:`~model.algorithms.engines.eft.eft_place` as a compiled kernel (numba).

Imported only when :func:`~model.algorithms.engines.compiled.wanted` said yes: importing
this module imports numba. :func:`eft_place_compiled` gives the same placements as the
Python loop, bit for bit: the same data-ready times (the same sums, in the same order),
the same search for an idle gap (:class:`~model.algorithms.engines.timeline.Timeline`'s
rules, its ``1e-9`` slack on a gap's length included, and its walk over the slots when a
slot booked with that slack left the finish times out of order), the same booking rule
(slots sorted by ``(start, finish)``) and the same choice of worker (a finish, or finish
plus penalty, must beat the best one by more than ``1e-12``; workers tried in index
order, a pinned task on its pin only, else on ``allowed[i]`` when given).

Each worker's timeline is a ``(4, capacity)`` array: starts, finishes, idle gap before
each slot and the longest gap from each slot on (kept as the Python timeline keeps it,
and dropped by the same budget). A booking shifts the later slots by one place; in
HEFT's order most bookings go at or near the end, so the shift is short.

The kernel places tasks in chunks of :data:`CHUNK`; between chunks, and every 256
placements while they are handed out, the cancel token is checked, at the same
placements as the Python loop checks it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import chain

import numba
import numpy as np
from numba.typed import List

from ...instance import Instance
from ..base import CancelToken, Placement, check_cancel
from .timeline import _EPS, WALK_BUDGET, WALK_SLACK

__all__ = ["CHUNK", "eft_place_compiled"]

#: tasks placed per kernel call (a multiple of 256, so cancel checks fall where the Python loop's do)
CHUNK = 32_768

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
def _walk(tl: np.ndarray, c: int, ready: float, duration: float) -> float:  # pragma: no cover - compiled
    """``Timeline._walk``: the earliest start by walking the slots (finish times out of order)."""
    starts, fins = tl[_STARTS], tl[_FINISHES]
    k = _bisect_right(fins, c, ready)
    t = ready
    if k > 0 and fins[k - 1] > ready:
        t = fins[k - 1]
    while k < c:
        if t <= starts[k] and starts[k] - t >= duration - _EPS:
            return t
        if fins[k] > t:
            t = fins[k]
        k += 1
    return t


@numba.njit(cache=True)
def _refresh(tl: np.ndarray, n: int, hi: int, lo: int, walked: np.ndarray, indexed: np.ndarray, p: int) -> None:  # pragma: no cover - compiled
    """``Timeline._refresh``: the longest gaps from ``hi`` down, until a value is as it was."""
    gaps, longest = tl[_GAPS], tl[_LONGEST]
    after = longest[hi + 1] if hi + 1 < n else -1.0
    j = hi
    while j >= 0:
        g = gaps[j]
        v = g if g > after else after
        if j < lo and v == longest[j]:
            break
        longest[j] = v
        after = v
        j -= 1
    walked[p] += hi - j - WALK_BUDGET
    if walked[p] > WALK_SLACK:
        indexed[p] = False


@numba.njit(cache=True)
def _book(
    lines: List, cnt: np.ndarray, p: int, start: float, finish: float,
    indexed: np.ndarray, srt: np.ndarray, walked: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """``Timeline.insert`` on worker ``p``: book ``[start, finish)``, growing the row when full."""
    tl = lines[p]
    c = cnt[p]
    if c == tl.shape[1]:
        grown = np.empty((4, 2 * c), dtype=np.float64)
        grown[:, :c] = tl[:, :c]
        lines[p] = grown
        tl = grown
    starts, fins, gaps, longest = tl[_STARTS], tl[_FINISHES], tl[_GAPS], tl[_LONGEST]
    k = _bisect_right(starts, c, start)
    while k > 0 and starts[k - 1] == start and fins[k - 1] > finish:
        k -= 1
    keep = indexed[p]
    for j in range(c, k, -1):
        starts[j] = starts[j - 1]
        fins[j] = fins[j - 1]
        gaps[j] = gaps[j - 1]
    if keep:
        for j in range(c, k, -1):
            longest[j] = longest[j - 1]
        longest[k] = 0.0
    starts[k] = start
    fins[k] = finish
    n = c + 1
    cnt[p] = n
    if k:
        gaps[k] = start - fins[k - 1]
        if fins[k - 1] > finish:
            srt[p] = False
    else:
        gaps[0] = start
    if k + 1 < n:
        gaps[k + 1] = starts[k + 1] - finish
        if finish > fins[k + 1]:
            srt[p] = False
    if keep:
        _refresh(tl, n, min(k + 1, n - 1), k, walked, indexed, p)


@numba.njit(cache=True)
def _start_on(
    tl: np.ndarray, c: int, rp: float, d: float, insertion: bool, indexed: bool, srt: bool
) -> float:  # pragma: no cover - compiled
    """The start ``eft_place`` finds on one worker: its shortcuts, then ``Timeline.earliest``."""
    starts, fins, gaps = tl[_STARTS], tl[_FINISHES], tl[_GAPS]
    if c == 0 or rp >= fins[c - 1]:
        return rp
    end = fins[c - 1]
    if not insertion:
        return float(end)
    if not srt:
        return _walk(tl, c, rp, d)
    k = _bisect_right(fins, c, rp)
    need = d - _EPS
    if need < 0.0:
        need = 0.0
    if indexed:
        top = tl[_LONGEST, k]
    else:
        top = gaps[k]
        for j in range(k + 1, c):
            if gaps[j] > top:
                top = gaps[j]
    if top < need:
        return float(end)
    if rp <= starts[k] and starts[k] - rp >= d - _EPS:
        return rp
    for j in range(k + 1, c):
        if gaps[j] >= need:
            return float(fins[j - 1])
    return float(end)


@numba.njit(cache=True)
def _place_chunk(
    seq: np.ndarray, lo: int, hi: int,
    pred_ptr: np.ndarray, pred_idx: np.ndarray, pred_dat: np.ndarray,
    w: np.ndarray, lat: np.ndarray, inv_bw: np.ndarray,
    pin: np.ndarray, cand_ptr: np.ndarray, cand_idx: np.ndarray, restricted: bool,
    pen: np.ndarray, penalised: bool, insertion: bool,
    lines: List, cnt: np.ndarray, indexed: np.ndarray, srt: np.ndarray, walked: np.ndarray,
    proc: np.ndarray, start: np.ndarray, finish: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Place ``seq[lo:hi]``, writing each task's worker, start and finish."""
    m = w.shape[1]
    ready = np.zeros(m)
    inf = np.inf
    for r in range(lo, hi):
        i = seq[r]
        # data-ready times: lat + data * (1 / bandwidth), then + finish, as ready_batches sums them
        a, b = pred_ptr[i], pred_ptr[i + 1]
        if a == b:
            for p in range(m):
                ready[p] = 0.0
        else:
            for p in range(m):
                ready[p] = -inf
            for e in range(a, b):
                j = pred_idx[e]
                q = proc[j]
                f = finish[j]
                dat = pred_dat[e]
                for p in range(m):
                    v = f if p == q else (lat[q, p] + dat * inv_bw[q, p]) + f
                    if v > ready[p]:
                        ready[p] = v
        if pin[i] >= 0:
            c0, c1 = 0, 1
        elif restricted:
            c0, c1 = cand_ptr[i], cand_ptr[i + 1]
        else:
            c0, c1 = 0, m
        best_p, best_s, best_f, best_v = -1, 0.0, inf, inf
        for t in range(c0, c1):
            if pin[i] >= 0:
                p = pin[i]
            elif restricted:
                p = cand_idx[t]
            else:
                p = t
            d = w[i, p]
            s = _start_on(lines[p], cnt[p], ready[p], d, insertion, indexed[p], srt[p])
            f = s + d
            if penalised:
                v = f + pen[i, p]
                if v < best_v - 1e-12:
                    best_p, best_s, best_f, best_v = p, s, f, v
            elif f < best_f - 1e-12:
                best_p, best_s, best_f = p, s, f
        _book(lines, cnt, best_p, best_s, best_f, indexed, srt, walked)
        proc[i] = best_p
        start[i] = best_s
        finish[i] = best_f


def _f64(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float64)


def _i64(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.int64)


def eft_place_compiled(
    inst: Instance,
    order: Sequence[int],
    cancel: CancelToken | None,
    *,
    insertion: bool = True,
    allowed: Sequence[Sequence[int]] | None = None,
    penalty: np.ndarray | None = None,
) -> Iterator[Placement]:
    """:func:`~model.algorithms.engines.eft.eft_place` by the compiled kernel: the same placements.

    Every ``allowed[i]`` must hold at least one worker (the caller checks).
    """
    n, m = inst.n, inst.m
    seq = np.asarray(order, dtype=np.int64)
    if allowed is None:
        cand_ptr = np.zeros(1, dtype=np.int64)
        cand_idx = np.zeros(0, dtype=np.int64)
    else:
        cand_ptr = np.zeros(len(allowed) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, allowed), dtype=np.int64, count=len(allowed)), out=cand_ptr[1:])
        cand_idx = np.fromiter(chain.from_iterable(allowed), dtype=np.int64, count=int(cand_ptr[-1]))
    pen = _f64(penalty) if penalty is not None else np.zeros((0, 0))
    lines = List()
    for _ in range(m):
        lines.append(np.empty((4, 16), dtype=np.float64))
    cnt = np.zeros(m, dtype=np.int64)
    # as in eft_place: the longest-gap index pays when each task picks its best worker
    indexed = np.full(m, allowed is None)
    srt = np.ones(m, dtype=bool)
    walked = np.zeros(m, dtype=np.int64)
    proc = np.full(n, -1, dtype=np.int64)
    start = np.zeros(n)
    finish = np.zeros(n)
    args = (
        _i64(inst.pred_ptr), _i64(inst.pred_idx), _f64(inst.pred_dat),
        _f64(inst.w), _f64(inst.lat), _f64(inst.inv_bw),
        _i64(inst.pin), cand_ptr, cand_idx, allowed is not None,
        pen, penalty is not None, bool(insertion),
        lines, cnt, indexed, srt, walked, proc, start, finish,
    )
    total = len(seq)
    done = 0
    for lo in range(0, total, CHUNK):
        hi = min(lo + CHUNK, total)
        check_cancel(cancel)
        _place_chunk(seq, lo, hi, *args)
        tasks = seq[lo:hi]
        for i, p, s, f in zip(tasks.tolist(), proc[tasks].tolist(), start[tasks].tolist(), finish[tasks].tolist()):
            if done & 255 == 0:
                check_cancel(cancel)
            done += 1
            yield i, p, s, f
