"""Placement of tasks taken in a fixed order: earliest finish (HEFT's rule) or earliest start.

* :func:`eft_place` — each task on the worker finishing it earliest, in an idle gap
  when insertion is on (HEFT, HCPT, PETS, MCT, MET and every fixed mapping).
* :func:`place_assigned` — a mapping already chosen: each task timed on its own worker.
* :func:`static_order_place` — each task on the worker where it can *start* earliest,
  without insertion (HLFET).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from itertools import pairwise

import numpy as np

from ...instance import Instance
from ..base import CancelToken, Placement, check_cancel
from . import compiled
from .pins import candidates, forbidden
from .ties import below, within
from .timeline import _EPS, Timeline

__all__ = ["best_finish", "eft_place", "place_assigned", "ready_batches", "static_order_place"]


def best_finish(
    lines: list[Timeline], ready: Sequence[float], wi: Sequence[float], workers: Sequence[int],
    insertion: bool = True,
) -> tuple[int, float, float]:
    """``(worker, start, finish)`` of the earliest finish among ``workers``; ties to the first of them.

    ``ready[p]`` is the data-ready time of the task on worker ``p`` and ``wi[p]`` its
    execution time there; a finish beats the best so far only by more than the tie
    tolerance.
    """
    best_p, best_s, best_f = -1, 0.0, 0.0
    lim = 0.0
    for p in workers:
        d = float(wi[p])
        rp = float(ready[p])
        tl = lines[p]
        fl = tl.finishes
        # after the last slot, the usual answer, without the call
        s = rp if not fl or rp >= fl[-1] else tl.earliest(rp, d, insertion)
        f = s + d
        if best_p < 0 or f < lim:
            best_p, best_s, best_f = p, s, f
            lim = f - 1e-9 * (f if f > 1.0 else 1.0) if f >= 0 else below(f)
    return best_p, best_s, best_f


def eft_place(
    inst: Instance,
    order: Sequence[int],
    cancel: CancelToken | None,
    *,
    insertion: bool = True,
    allowed: Sequence[Sequence[int]] | None = None,
    penalty: np.ndarray | None = None,
) -> Iterator[Placement]:
    """Place tasks in ``order`` (a topological order), each on the worker giving the earliest finish time.

    ``allowed[i]``, when given, restricts the workers tried for task ``i``; a pinned
    task is tried on its pin only. ``penalty`` (``(n, m)``), when given, is added to
    each finish time for the choice of the worker only (the task still runs at its
    finish time). Workers are tried in index order and a finish must
    beat the best one by more than ``1e-12`` to win, so ties go to the lower worker
    index.

    The data-ready times are computed with numpy for runs of consecutive tasks of
    ``order`` none of which feeds another (:func:`ready_batches`). The usual answer of
    the search for an idle gap, "none fits: after the last slot", is found here from the
    timeline's longest gap after the ready time; the other cases go to :meth:`Timeline.earliest
    <model.algorithms.engines.timeline.Timeline.earliest>`.

    When :func:`compiled.wanted <model.algorithms.engines.compiled.wanted>` says so (big
    instances), a compiled kernel (:mod:`~model.algorithms.engines.eft_kernel`) computes the
    same placements, chunk by chunk.
    """
    m, n = inst.m, inst.n
    # the kernel's work: the workers tried over all tasks (one each for a fixed mapping)
    tried = m if allowed is None else -(-sum(map(len, allowed)) // max(len(allowed), 1))
    if compiled.wanted(n, tried) and (allowed is None or all(allowed)):
        from .eft_kernel import eft_place_compiled

        yield from eft_place_compiled(inst, order, cancel, insertion=insertion, allowed=allowed, penalty=penalty)
        return
    cands = candidates(inst, allowed)
    every = range(m)
    proc = np.full(n, -1, dtype=np.int64)
    finish = np.zeros(n)
    # the longest-gap index pays when tasks mostly go after the last slot, as when each
    # picks its best worker; a fixed mapping (clusters) puts many into gaps
    indexed = allowed is None
    lines = [Timeline(indexed) for _ in range(m)]
    fins = [t.finishes for t in lines]
    gaps = [t.gaps for t in lines]
    inf = float("inf")
    eps = _EPS
    done = 0
    pen = penalty.tolist() if penalty is not None else None
    for tasks, ready, wr in ready_batches(inst, order, proc, finish):
        rl, wl = ready.tolist(), wr.tolist()
        for r, i in enumerate(tasks):
            if done & 255 == 0:
                check_cancel(cancel)
            done += 1
            rdy, wi = rl[r], wl[r]
            best_p, best_s, best_f = -1, 0.0, inf
            if pen is not None:
                pi = pen[i]
                best_v = inf
            for p in every if cands is None else cands[i]:
                d = wi[p]
                rp = rdy[p]
                fl = fins[p]
                if not fl or rp >= fl[-1]:
                    s = rp
                elif not insertion:
                    s = fl[-1]
                elif not lines[p].sorted:
                    s = lines[p].earliest(rp, d)
                else:
                    k = bisect_right(fl, rp)
                    need = d - eps
                    if need < 0.0:
                        need = 0.0
                    tl = lines[p]
                    if (tl.longest[k] if tl.indexed else max(gaps[p][k:])) < need:
                        s = fl[-1]
                    else:
                        s = lines[p].earliest(rp, d)
                f = s + d
                if pen is not None:
                    v = f + pi[p]
                    if v < best_v - 1e-12:
                        best_p, best_s, best_f, best_v = p, s, f, v
                elif f < best_f - 1e-12:
                    best_p, best_s, best_f = p, s, f
            lines[best_p].insert(best_s, best_f)
            proc[i] = best_p
            finish[i] = best_f
            yield i, best_p, best_s, best_f


def ready_batches(
    inst: Instance, order: Sequence[int], proc: np.ndarray, finish: np.ndarray
) -> Iterator[tuple[list[int], np.ndarray, np.ndarray]]:
    """Cut ``order`` into runs of tasks none of which is a predecessor of another in the run.

    Yields ``(tasks, ready, w)`` for each run: ``ready[r, p]`` is the time the inputs
    of ``tasks[r]`` are available on worker ``p`` (as :meth:`Instance.ready_times
    <model.instance.Instance.ready_times>`, computed for the whole run at once) and
    ``w[r]`` its execution times. ``proc`` and ``finish`` must hold the worker and
    finish time of every task of the earlier runs when the next run is drawn: the caller
    places a run before asking for the next.
    """
    n, m = inst.n, inst.m
    seq = np.asarray(order, dtype=np.int64)
    if len(seq) == 0:
        return
    pos = np.full(n, -1, dtype=np.int64)
    pos[seq] = np.arange(len(seq))
    ptr = inst.pred_ptr
    cnt = (ptr[seq + 1] - ptr[seq]).astype(np.int64)
    eptr = np.zeros(len(seq) + 1, dtype=np.int64)
    np.cumsum(cnt, out=eptr[1:])
    total = int(eptr[-1])
    # the edges into the tasks of ``order``, task by task
    edge = np.repeat(ptr[seq] - eptr[:-1], cnt) + np.arange(total, dtype=np.int64)
    src = inst.pred_idx[edge]
    dat = inst.pred_dat[edge]
    # latest position of a predecessor of each task (-1: none)
    last = np.full(len(seq), -1, dtype=np.int64)
    has = cnt > 0
    if total:
        last[has] = np.maximum.reduceat(pos[src], eptr[:-1][has])
    cuts = [0]
    a = 0
    for k, lp in enumerate(last.tolist()):
        if lp >= a:
            cuts.append(k)
            a = k
    cuts.append(len(seq))
    lat, inv_bw, w = inst.lat, inst.inv_bw, inst.w
    seq_l = seq.tolist()
    for a, b in pairwise(cuts):
        ea, eb = int(eptr[a]), int(eptr[b])
        ready = np.zeros((b - a, m))
        if eb > ea:
            s = src[ea:eb]
            q = proc[s]
            f = finish[s]
            arr = lat[q] + dat[ea:eb, None] * inv_bw[q]
            arr += f[:, None]
            arr[np.arange(eb - ea), q] = f
            c = has[a:b]
            ready[c] = np.maximum.reduceat(arr, eptr[a:b][c] - ea, axis=0)
        yield seq_l[a:b], ready, w[seq[a:b]]


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
    proc = np.full(n, -1, dtype=np.int64)
    finish = np.zeros(n)
    avail = [0.0] * m
    forbid = forbidden(inst)
    inf = float("inf")
    done = 0
    for tasks, ready, wr in ready_batches(inst, order, proc, finish):
        if forbid is not None:
            ready = ready + forbid[tasks]
        rl, wl = ready.tolist(), wr.tolist()
        for r, i in enumerate(tasks):
            if done & 255 == 0:
                check_cancel(cancel)
            done += 1
            est = [x if x > a else a for x, a in zip(rl[r], avail)]
            lim = within(min(est))
            wi = wl[r]
            p, f = -1, inf
            for q, e in enumerate(est):
                if e <= lim and (p < 0 or e + wi[q] < f):
                    p, f = q, e + wi[q]
            s = est[p]
            proc[i], finish[i] = p, f
            if f > avail[p]:
                avail[p] = f
            yield i, p, s, f
