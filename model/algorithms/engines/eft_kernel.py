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

Each worker's timeline is a region of one ``(4, size)`` pool: starts, finishes, idle gap
before each slot and the longest gap from each slot on (kept as the Python timeline keeps
it, and dropped by the same budget). A booking shifts the later slots of its worker by one
place (in HEFT's order most bookings go at or near the end, so the shift is short); a full
region moves to the end of the pool with twice the room, and a full pool is copied, its
regions packed, into one twice the size of what is in use. So memory follows the slots
booked (a worker may get every task, as on a chain) rather than tasks × workers.
Plain arrays only: a typed list of per-worker arrays cost seconds of compiling in every
new process (typed containers are not cached).

The kernel places tasks in chunks of :data:`CHUNK`; between chunks, and every 256
placements while they are handed out, the cancel token is checked, at the same
placements as the Python loop checks it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import chain

import numba
import numpy as np

from ...instance import Instance
from ..base import CancelToken, Placement, check_cancel
from .timeline import _EPS, WALK_BUDGET, WALK_SLACK

__all__ = ["CHUNK", "eft_place_compiled"]

#: tasks placed per kernel call (a multiple of 256, so cancel checks fall where the Python loop's do)
CHUNK = 32_768

@numba.njit(cache=True)
def _bisect_right(a: np.ndarray, o: int, n: int, x: float) -> int:  # pragma: no cover - compiled
    """``bisect.bisect_right(a[o:o + n], x)``, step for step (also on a row not quite sorted)."""
    lo, hi = 0, n
    while lo < hi:
        mid = (lo + hi) // 2
        if x < a[o + mid]:
            hi = mid
        else:
            lo = mid + 1
    return lo


@numba.njit(cache=True)
def _walk(starts: np.ndarray, fins: np.ndarray, o: int, c: int, ready: float, duration: float) -> float:  # pragma: no cover - compiled
    """``Timeline._walk``: the earliest start by walking the slots (finish times out of order)."""
    k = _bisect_right(fins, o, c, ready)
    t = ready
    if k > 0 and fins[o + k - 1] > ready:
        t = fins[o + k - 1]
    while k < c:
        sk = starts[o + k]
        if t <= sk and sk - t >= duration - _EPS:
            return t
        if fins[o + k] > t:
            t = fins[o + k]
        k += 1
    return t


@numba.njit(cache=True)
def _start_on(
    starts: np.ndarray, fins: np.ndarray, gaps: np.ndarray, longest: np.ndarray, o: int, c: int,
    rp: float, d: float, insertion: bool, indexed: bool, srt: bool,
) -> float:  # pragma: no cover - compiled
    """The start ``eft_place`` finds on one worker: its shortcuts, then ``Timeline.earliest``."""
    if c == 0:
        return rp
    end = fins[o + c - 1]
    if rp >= end:
        return rp
    if not insertion:
        return float(end)
    if not srt:
        return _walk(starts, fins, o, c, rp, d)
    k = _bisect_right(fins, o, c, rp)
    need = d - _EPS
    if need < 0.0:
        need = 0.0
    if indexed:
        top = longest[o + k]
    else:
        top = gaps[o + k]
        for j in range(o + k + 1, o + c):
            if gaps[j] > top:
                top = gaps[j]
    if top < need:
        return float(end)
    sk = starts[o + k]
    if rp <= sk and sk - rp >= d - _EPS:
        return rp
    for j in range(o + k + 1, o + c):
        if gaps[j] >= need:
            return float(fins[j - 1])
    return float(end)


@numba.njit(cache=True)
def _book(
    starts: np.ndarray, fins: np.ndarray, gaps: np.ndarray, longest: np.ndarray, o: int, c: int,
    start: float, finish: float, indexed: np.ndarray, srt: np.ndarray, walked: np.ndarray, p: int,
) -> None:  # pragma: no cover - compiled
    """``Timeline.insert`` on worker ``p`` (``c`` slots from ``o``, room for one more): book ``[start, finish)``."""
    k = _bisect_right(starts, o, c, start)
    while k > 0 and starts[o + k - 1] == start and fins[o + k - 1] > finish:
        k -= 1
    keep = indexed[p]
    for j in range(o + c, o + k, -1):
        starts[j] = starts[j - 1]
        fins[j] = fins[j - 1]
        gaps[j] = gaps[j - 1]
    if keep:
        for j in range(o + c, o + k, -1):
            longest[j] = longest[j - 1]
    starts[o + k] = start
    fins[o + k] = finish
    n = c + 1
    if k:
        gaps[o + k] = start - fins[o + k - 1]
        if fins[o + k - 1] > finish:
            srt[p] = False
    else:
        gaps[o] = start
    if k + 1 < n:
        gaps[o + k + 1] = starts[o + k + 1] - finish
        if finish > fins[o + k + 1]:
            srt[p] = False
    if not keep:
        return
    # Timeline._refresh: the longest gaps from hi down, until a value comes out as it was
    longest[o + k] = 0.0
    hi = min(k + 1, n - 1)
    after = longest[o + hi + 1] if hi + 1 < n else -1.0
    j = hi
    while j >= 0:
        g = gaps[o + j]
        v = g if g > after else after
        if j < k and v == longest[o + j]:
            break
        longest[o + j] = v
        after = v
        j -= 1
    walked[p] += hi - j - WALK_BUDGET
    if walked[p] > WALK_SLACK:
        indexed[p] = False


@numba.njit(cache=True)
def _room(pool: np.ndarray, off: np.ndarray, cnt: np.ndarray, cap: np.ndarray, top: np.ndarray, p: int) -> np.ndarray:  # pragma: no cover - compiled
    """The pool, with room for one more slot on worker ``p`` (a new pool when it had to grow)."""
    want = 2 * cap[p]
    m = len(cnt)
    if top[0] + want <= pool.shape[1]:
        src, dst = off[p], top[0]
        for r in range(4):
            for j in range(cnt[p]):
                pool[r, dst + j] = pool[r, src + j]
        off[p] = dst
        cap[p] = want
        top[0] = dst + want
        return pool
    used = want
    for q in range(m):
        if q != p:
            used += cap[q]
    grown = np.empty((4, 2 * used), dtype=np.float64)
    at = 0
    for q in range(m):
        src = off[q]
        for r in range(4):
            for j in range(cnt[q]):
                grown[r, at + j] = pool[r, src + j]
        off[q] = at
        if q == p:
            cap[q] = want
        at += cap[q]
    top[0] = at
    return grown


@numba.njit(cache=True)
def _place_chunk(
    seq: np.ndarray, lo: int, hi: int,
    pred_ptr: np.ndarray, pred_idx: np.ndarray, pred_dat: np.ndarray,
    w: np.ndarray, lat: np.ndarray, inv_bw: np.ndarray,
    pin: np.ndarray, cand_ptr: np.ndarray, cand_idx: np.ndarray, restricted: bool,
    pen: np.ndarray, penalised: bool, insertion: bool,
    pool: np.ndarray, off: np.ndarray, cnt: np.ndarray, cap: np.ndarray, top: np.ndarray,
    indexed: np.ndarray, srt: np.ndarray, walked: np.ndarray,
    proc: np.ndarray, start: np.ndarray, finish: np.ndarray,
) -> np.ndarray:  # pragma: no cover - compiled
    """Place ``seq[lo:hi]``, writing each task's worker, start and finish; returns the pool (it may have grown)."""
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
        pi = pin[i]
        if pi >= 0:
            c0, c1 = 0, 1
        elif restricted:
            c0, c1 = cand_ptr[i], cand_ptr[i + 1]
        else:
            c0, c1 = 0, m
        starts, fins, gaps, longest = pool[0], pool[1], pool[2], pool[3]
        best_p, best_s, best_f, best_v = -1, 0.0, inf, inf
        for t in range(c0, c1):
            if pi >= 0:
                p = pi
            elif restricted:
                p = cand_idx[t]
            else:
                p = t
            d = w[i, p]
            s = _start_on(starts, fins, gaps, longest, off[p], cnt[p], ready[p], d, insertion, indexed[p], srt[p])
            f = s + d
            if penalised:
                v = f + pen[i, p]
                if v < best_v - 1e-12:
                    best_p, best_s, best_f, best_v = p, s, f, v
            elif f < best_f - 1e-12:
                best_p, best_s, best_f = p, s, f
        if cnt[best_p] == cap[best_p]:
            pool = _room(pool, off, cnt, cap, top, best_p)
            starts, fins, gaps, longest = pool[0], pool[1], pool[2], pool[3]
        _book(starts, fins, gaps, longest, off[best_p], cnt[best_p], best_s, best_f, indexed, srt, walked, best_p)
        cnt[best_p] += 1
        proc[i] = best_p
        start[i] = best_s
        finish[i] = best_f
    return pool


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
    room = 64
    pool = np.empty((4, room * m))
    off = np.arange(m, dtype=np.int64) * room
    cap = np.full(m, room, dtype=np.int64)
    cnt = np.zeros(m, dtype=np.int64)
    top = np.array([room * m], dtype=np.int64)
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
    )
    state = (off, cnt, cap, top, indexed, srt, walked, proc, start, finish)
    total = len(seq)
    done = 0
    for lo in range(0, total, CHUNK):
        hi = min(lo + CHUNK, total)
        check_cancel(cancel)
        pool = _place_chunk(seq, lo, hi, *args, pool, *state)
        tasks = seq[lo:hi]
        for i, p, s, f in zip(tasks.tolist(), proc[tasks].tolist(), start[tasks].tolist(), finish[tasks].tolist()):
            if done & 255 == 0:
                check_cancel(cancel)
            done += 1
            yield i, p, s, f
