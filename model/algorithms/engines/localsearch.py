"""Re-timing of a fixed mapping and the local search behind ``improve`` and ``best``.

A solution is an assignment of tasks to workers plus a sequence (a topological order);
each worker runs its tasks in sequence order, each as early as its inputs and its
worker allow. Re-timing a schedule in the order of its start times never makes it
later, so any heuristic's schedule is a valid starting point.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from heapq import heapify, heappop, heappush

from ...instance import Instance
from ..base import Cancelled, CancelToken, Placement, check_cancel
from .budget import Deadline, serial_placements
from .eft import eft_place
from .pins import movable
from .ranks import placement_order, static_level, upward_rank

__all__ = [
    "FRUGAL",
    "START_FROM",
    "Chains",
    "Timer",
    "best_heuristic",
    "changed",
    "from_placements",
    "frugal_heft",
    "improve_placements",
    "local_search",
    "makespan_of",
    "to_placements",
]

#: work weights of the frugal HEFT starts (see :func:`frugal_heft`), best first on layered graphs
FRUGAL = (4.0, 8.0, 2.0, 1.0)
#: the heuristics the searches start from (fast and good; the best of them is kept):
#: registered algorithms and the frugal HEFT starts ``heft-frugal<weight>``
START_FROM = ("heft", *(f"heft-frugal{a:g}" for a in FRUGAL), "peft", "cpop", "dls", "etf", "hlfet", "dsc", "lc",
              "minmin", "greedy")
#: tasks × workers from which a budgeted start runs MCT first (see :func:`best_heuristic`)
QUICK_FIRST = 500_000
#: share of a budget the starting heuristics after the first may take
START_SHARE = 0.3
#: moves without a new best before a restart: STALL plus two per task
STALL = 300
#: how a move picks its task: a critical task of the latest worker below PICK[0], of a
#: random worker below PICK[1], else any task
PICK = (0.6, 0.85)
#: places tried per worker when a move puts a task elsewhere in the sequence
SLOTS = 12
#: first temperature of the annealing, a share of the starting makespan
TEMP = 0.0005
#: the same on graphs of up to TIME_ALL tasks (each move changes a larger share)
TEMP_SMALL = 0.02
#: temperatures above the current makespan past which an estimated candidate is not timed
SCREEN = 3.0
#: tasks up to which every candidate move of an iteration is timed, not only the best estimated
TIME_ALL = 400


class Timer:
    """Timing of a fixed (assignment, sequence) pair with plain Python lists (fast for small loops)."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        self.w = inst.w.tolist()
        self.lat = inst.lat.tolist()
        self.inv_bw = inst.inv_bw.tolist()
        self.preds = inst.preds
        self.pdata = inst.pred_data

    def times(self, assign: list[int], seq: list[int]) -> tuple[list[float], list[float]]:
        """Start and finish of every task."""
        n = self.inst.n
        start = [0.0] * n
        finish = [0.0] * n
        wend = [0.0] * self.inst.m
        w, lat, ibw, preds, pdata = self.w, self.lat, self.inv_bw, self.preds, self.pdata
        for i in seq:
            p = assign[i]
            r = wend[p]
            for j, d in zip(preds[i], pdata[i]):
                q = assign[j]
                t = finish[j] if q == p else finish[j] + lat[q][p] + d * ibw[q][p]
                if t > r:
                    r = t
            start[i] = r
            f = r + w[i][p]
            finish[i] = f
            wend[p] = f
        return start, finish

    def makespan(self, assign: list[int], seq: list[int]) -> float:
        """Makespan of the timed solution."""
        _, finish = self.times(assign, seq)
        return max(finish, default=0.0)


class Chains:
    """A timed solution held as one chain of tasks per worker, re-timed incrementally.

    Every task has a key, its place in a topological sequence; each worker runs its
    tasks in key order, each as early as its inputs and its worker allow (the timing of
    :meth:`Timer.times`, with the same sums and so the same values). A move gives one or
    two tasks another worker and/or another key. :meth:`evaluate` re-times only what can
    change: from the moved tasks and their new neighbours on, in key order, along data
    edges and worker chains, and only through tasks whose finish does change. It stops
    as soon as the makespan is sure to exceed a bound. The makespan is the latest of the
    workers' last finishes, so it is known without a pass over the graph.
    """

    def __init__(self, inst: Instance, assign: list[int], seq: list[int], tail: list[float]) -> None:
        self.n, self.m = inst.n, inst.m
        self.w: list[list[float]] = inst.w.tolist()
        self.lat: list[list[float]] = inst.lat.tolist()
        self.ibw: list[list[float]] = inst.inv_bw.tolist()
        self.preds, self.pdata, self.succs, self.sdata = inst.preds, inst.pred_data, inst.succs, inst.succ_data
        self.tail = tail
        #: time from each task's start to the end of the latest chain through it (see :meth:`tails`)
        self.rest: list[float] = []
        self.assign = list(assign)
        self.seq = list(seq)
        self.key = [0] * self.n
        for k, i in enumerate(self.seq):
            self.key[i] = k
        self.lists: list[list[int]] = [[] for _ in range(self.m)]
        for i in self.seq:
            self.lists[self.assign[i]].append(i)
        self.prev = [-1] * self.n
        self.next = [-1] * self.n
        for chain in self.lists:
            for x, y in itertools.pairwise(chain):
                self.next[x] = y
                self.prev[y] = x
        #: total execution time on the chosen workers
        self.work: float = sum(self.w[i][p] for i, p in enumerate(self.assign))
        self.start = [0.0] * self.n
        self.finish = [0.0] * self.n
        self.retime()
        self._undo: _Undo | None = None

    def retime(self) -> None:
        """Time every task from scratch."""
        start, finish, assign, w, lat, ibw = self.start, self.finish, self.assign, self.w, self.lat, self.ibw
        prev = self.prev
        for i in self.seq:
            p = assign[i]
            pv = prev[i]
            r = finish[pv] if pv >= 0 else 0.0
            for j, d in zip(self.preds[i], self.pdata[i]):
                q = assign[j]
                t = finish[j] if q == p else finish[j] + lat[q][p] + d * ibw[q][p]
                if t > r:
                    r = t
            start[i] = r
            finish[i] = r + w[i][p]

    def tails(self) -> None:
        """:attr:`rest` of every task: its time plus the longest chain after it, by data (with
        the transfer) or by its worker, in the solution as it is."""
        rest = [0.0] * self.n
        assign, nxt, w, lat, ibw = self.assign, self.next, self.w, self.lat, self.ibw
        for x in reversed(self.seq):
            p = assign[x]
            y = nxt[x]
            r = rest[y] if y >= 0 else 0.0
            for y, d in zip(self.succs[x], self.sdata[x]):
                q = assign[y]
                t = rest[y] if q == p else rest[y] + lat[p][q] + d * ibw[p][q]
                if t > r:
                    r = t
            rest[x] = r + w[x][p]
        self.rest = rest

    def estimate(self, moves: list[tuple[int, int, float]]) -> float:
        """Quick estimate of the makespan after ``moves``: the longest chain through each moved
        task in its new place, with the starts and :attr:`rest` of the solution as it is
        (call :meth:`tails` after a change). Other tasks' times change too, so it is a guide,
        not a bound: :meth:`evaluate` gives the makespan."""
        assign, key, finish, rest, w, lat, ibw = self.assign, self.key, self.finish, self.rest, self.w, self.lat, self.ibw
        kf = key.__getitem__
        out = 0.0
        for u, p, k in moves:
            c = self.lists[p]
            idx = bisect_left(c, k, key=kf)
            pv = c[idx - 1] if idx > 0 else -1
            if pv == u:
                pv = c[idx - 2] if idx > 1 else -1
            nx = c[idx] if idx < len(c) else -1
            if nx == u:
                nx = c[idx + 1] if idx + 1 < len(c) else -1
            r = finish[pv] if pv >= 0 else 0.0
            for j, d in zip(self.preds[u], self.pdata[u]):
                q = assign[j]
                t = finish[j] if q == p else finish[j] + lat[q][p] + d * ibw[q][p]
                if t > r:
                    r = t
            tl = rest[nx] if nx >= 0 else 0.0
            for y, d in zip(self.succs[u], self.sdata[u]):
                q = assign[y]
                t = rest[y] if q == p else rest[y] + lat[p][q] + d * ibw[p][q]
                if t > tl:
                    tl = t
            e = r + w[u][p] + tl
            if e > out:
                out = e
        return out

    def ends(self) -> list[float]:
        """Finish of each worker's last task (0 for an idle worker)."""
        fin = self.finish
        return [fin[c[-1]] if c else 0.0 for c in self.lists]

    def makespan(self) -> float:
        """Latest finish."""
        return max(self.ends(), default=0.0)

    def slots(self, i: int, p: int) -> tuple[list[int], int, int, int]:
        """Where ``i`` may go on worker ``p``: ``(chain, a, b, lo)``, the chain of ``p`` without
        ``i``, the first and last index ``i`` may take in it, and the key of its last predecessor.

        Any index from ``a`` to ``b`` keeps every predecessor before ``i`` and every successor
        after it; :meth:`slot_key` gives the key of each.
        """
        key = self.key
        lo = max((key[j] for j in self.preds[i]), default=-1)
        hi = min((key[j] for j in self.succs[i]), default=self.n)
        chain = self.lists[p]
        if self.assign[i] == p:
            k = bisect_left(chain, key[i], key=key.__getitem__)
            chain = chain[:k] + chain[k + 1:]
        a = bisect_right(chain, lo, key=key.__getitem__)
        b = bisect_left(chain, hi, key=key.__getitem__)
        return chain, a, b, lo

    def slot_key(self, chain: list[int], idx: int, lo: int) -> float:
        """Key placing a task just before ``chain[idx]`` (an index from :meth:`slots`), right
        after its last predecessor or the previous task of the chain, whichever is later."""
        below = self.key[chain[idx - 1]] if idx > 0 else -1
        return max(below, lo) + 0.5

    def evaluate(self, moves: list[tuple[int, int, float]], bound: float) -> float | None:
        """A candidate move: :meth:`apply` it, the new makespan or ``None`` (see there)."""
        return self.apply(moves, bound)

    def apply(self, moves: list[tuple[int, int, float]], bound: float = math.inf) -> float | None:
        """Apply ``moves`` ``(task, worker, key)`` and re-time what they change; the new makespan.

        ``None``, with the solution as it was, when the makespan is sure to exceed
        ``bound``: a finish beyond it, or a finish plus the task's ``tail`` (a lower bound
        on the time any schedule still needs after it) beyond it by more than the
        rounding of those sums. Otherwise the solution is the moved one until
        :meth:`undo` or :meth:`commit`. A task appears at most once in ``moves``.
        """
        assign, key, prev, nxt, lists = self.assign, self.key, self.prev, self.next, self.lists
        start, finish, w, lat, ibw = self.start, self.finish, self.w, self.lat, self.ibw
        preds, pdata, succs, tail = self.preds, self.pdata, self.succs, self.tail
        undo = _Undo(self.work)
        self._undo = undo
        touched: list[int] = []
        kf = key.__getitem__
        copied: set[int] = set()

        def chain_of(p: int) -> list[int]:
            if p in copied:
                return lists[p]
            copied.add(p)
            undo.lists.append((p, lists[p]))
            c = lists[p] = lists[p].copy()
            return c

        for u, p, k in moves:
            q = assign[u]
            c = chain_of(q)
            idx = bisect_left(c, key[u], key=kf)
            del c[idx]
            if idx > 0:
                touched.append(c[idx - 1])
            if idx < len(c):
                touched.append(c[idx])
            undo.assign.append((u, q))
            undo.keys.append((u, key[u]))
            self.work += w[u][p] - w[u][q]
            assign[u] = p
            key[u] = k  # type: ignore[call-overload]  # a half-integer until commit()
            c = chain_of(p)
            idx = bisect_left(c, k, key=kf)
            c.insert(idx, u)
            touched.append(u)
            if idx > 0:
                touched.append(c[idx - 1])
            if idx + 1 < len(c):
                touched.append(c[idx + 1])
        moved = {u for u, _, _ in moves}
        seen = set(touched)
        for x in seen:
            c = lists[assign[x]]
            idx = bisect_left(c, key[x], key=kf)
            pv = c[idx - 1] if idx > 0 else -1
            nx = c[idx + 1] if idx + 1 < len(c) else -1
            if pv != prev[x] or nx != nxt[x]:
                undo.links.append((x, prev[x], nxt[x]))
                prev[x] = pv
                nxt[x] = nx
        changes = undo.times
        heap = [(key[x], x) for x in seen]
        heapify(heap)
        cut = bound + 1e-9 * max(1.0, abs(bound))
        while heap:
            x = heappop(heap)[1]
            p = assign[x]
            pv = prev[x]
            r = finish[pv] if pv >= 0 else 0.0
            for j, d in zip(preds[x], pdata[x]):
                q = assign[j]
                t = finish[j] if q == p else finish[j] + lat[q][p] + d * ibw[q][p]
                if t > r:
                    r = t
            f = r + w[x][p]
            if f == finish[x] and x not in moved:
                continue
            changes.append((x, start[x], finish[x]))
            start[x] = r
            finish[x] = f
            if f > bound or f + tail[x] > cut:
                self.undo()
                return None
            for y in succs[x]:
                if y not in seen:
                    seen.add(y)
                    heappush(heap, (key[y], y))
            y = nxt[x]
            if y >= 0 and y not in seen:
                seen.add(y)
                heappush(heap, (key[y], y))
        return max([finish[c[-1]] for c in lists if c], default=0.0)

    def pending(self) -> _Undo | None:
        """What the last :meth:`evaluate` changed, ``None`` once taken back or kept."""
        return self._undo

    def undo(self) -> None:
        """Take back the last :meth:`evaluate`."""
        u = self._undo
        if u is None:
            return
        self._undo = None
        start, finish = self.start, self.finish
        for x, s, f in reversed(u.times):
            start[x] = s
            finish[x] = f
        for t, q in reversed(u.assign):
            self.assign[t] = q
        for t, k in reversed(u.keys):
            self.key[t] = k
        for x, pv, nx in reversed(u.links):
            self.prev[x] = pv
            self.next[x] = nx
        for p, c in reversed(u.lists):
            self.lists[p] = c
        self.work = u.work

    def commit(self) -> None:
        """Keep the last :meth:`evaluate`: a task given a new key takes its place in the sequence."""
        u = self._undo
        if u is None:
            return
        self._undo = None
        seq, key = self.seq, self.key
        for t, k_old in u.keys:
            k_new = key[t]
            if k_new == k_old:
                continue
            # half-integer key b + 0.5: right after the task at position b
            b = int(k_new - 0.5)
            del seq[k_old]
            at = b + 1 if b < k_old else b
            seq.insert(at, t)
            for k in range(min(at, k_old), max(at, k_old) + 1):
                key[seq[k]] = k
        if self.rest:
            moved = [t for t, _ in u.assign]
            seeds = {*moved, *(x for x, _, _ in u.links)}
            for t in moved:
                seeds.update(self.preds[t])
            self._retail(seeds)

    def _retail(self, seeds: set[int]) -> None:
        """:attr:`rest` brought up to date after a change of the workers or chains of ``seeds``
        (and of nothing else): from them backwards, through tasks whose rest does change."""
        rest, key, assign, nxt, prev, w, lat, ibw = (self.rest, self.key, self.assign, self.next, self.prev,
                                                    self.w, self.lat, self.ibw)
        preds, succs, sdata = self.preds, self.succs, self.sdata
        heap = [(-key[x], x) for x in seeds]
        heapify(heap)
        seen = set(seeds)
        while heap:
            x = heappop(heap)[1]
            p = assign[x]
            y = nxt[x]
            r = rest[y] if y >= 0 else 0.0
            for y, d in zip(succs[x], sdata[x]):
                q = assign[y]
                t = rest[y] if q == p else rest[y] + lat[p][q] + d * ibw[p][q]
                if t > r:
                    r = t
            r += w[x][p]
            if r == rest[x]:
                continue
            rest[x] = r
            for j in preds[x]:
                if j not in seen:
                    seen.add(j)
                    heappush(heap, (-key[j], j))
            j = prev[x]
            if j >= 0 and j not in seen:
                seen.add(j)
                heappush(heap, (-key[j], j))

    def chain(self, p: int) -> list[int]:
        """A critical chain ending at worker ``p``'s last task: each task waits on the next (by data or by its worker)."""
        c = self.lists[p]
        if not c:
            return []
        start, finish, assign, prev = self.start, self.finish, self.assign, self.prev
        x = c[-1]
        out = [x]
        eps = 1e-9
        while start[x] > eps:
            s = start[x]
            tol = eps * max(1.0, s)
            pv = prev[x]
            nxt = -1
            if pv >= 0 and abs(finish[pv] - s) <= tol:
                nxt = pv
            else:
                p = assign[x]
                for j, d in zip(self.preds[x], self.pdata[x]):
                    q = assign[j]
                    t = finish[j] if q == p else finish[j] + self.lat[q][p] + d * self.ibw[q][p]
                    if abs(t - s) <= tol:
                        nxt = j
                        break
            if nxt < 0:
                break
            out.append(nxt)
            x = nxt
        return out

    def overlapping(self, i: int, q: int) -> list[int]:
        """Tasks of worker ``q`` running while ``i`` runs."""
        c = self.lists[q]
        s, f = self.start[i], self.finish[i]
        fin = self.finish.__getitem__
        a = bisect_right(c, s, key=fin)
        out = []
        for k in range(a, len(c)):
            x = c[k]
            if self.start[x] >= f:
                break
            out.append(x)
        return out


class _Undo:
    """What :meth:`Chains.evaluate` changed, to take it back."""

    __slots__ = ("assign", "keys", "links", "lists", "times", "work")

    def __init__(self, work: float) -> None:
        self.times: list[tuple[int, float, float]] = []
        self.assign: list[tuple[int, int]] = []
        self.keys: list[tuple[int, int]] = []
        self.links: list[tuple[int, int, int]] = []
        self.lists: list[tuple[int, list[int]]] = []
        self.work = work


def _tails(inst: Instance) -> list[float]:
    """For each task, the longest chain of its successors at their fastest execution times."""
    wmin = inst.w.min(axis=1) if inst.n else inst.w.sum(axis=1)
    b = static_level(inst, wmin).tolist()
    return [max((b[j] for j in sj), default=0.0) for sj in inst.succs]


def from_placements(inst: Instance, placements: list[Placement]) -> tuple[list[int], list[int]]:
    """(assignment, sequence) of a schedule given as placements: sequence by start time."""
    pos = {t: k for k, t in enumerate(inst.topo)}
    assign = [0] * inst.n
    for i, p, _s, _f in placements:
        assign[i] = p
    seq = [i for i, _p, _s, _f in sorted(placements, key=lambda x: (x[2], x[3], pos[x[0]]))]
    return assign, seq


def to_placements(timer: Timer, assign: list[int], seq: list[int]) -> list[Placement]:
    """Placements of a timed solution, in sequence order."""
    start, finish = timer.times(assign, seq)
    return [(i, assign[i], start[i], finish[i]) for i in seq]


def local_search(
    inst: Instance,
    assign: list[int],
    seq: list[int],
    *,
    time_limit: float,
    seed: int = 0,
    max_iterations: int | None = None,
    target: float = 0.0,
    cancel: CancelToken | None = None,
    on_improve: Callable[[float, list[int], list[int]], None] | None = None,
) -> Iterator[tuple[float, list[int], list[int]]]:
    """Improve a solution by moves of critical tasks; yield each new best ``(makespan, assign, seq)``.

    Moves: reassign a task to each other worker (in its place in the sequence, or in
    each place its predecessors and successors allow, at most :data:`SLOTS` per
    worker), swap the workers of two tasks running side by side, and move a task
    elsewhere on its worker. Most moves are of tasks on a critical chain of the latest
    worker or of another worker. The candidates of a move are ranked by
    :meth:`Chains.estimate` (the latest other worker end, or the chain through the
    moved task, whichever is later) and, on a graph of more than :data:`TIME_ALL`
    tasks, only the best one is timed, when its estimate is within :data:`SCREEN`
    temperatures of the current makespan (on a smaller graph every candidate is
    timed). Equal makespans are accepted (plateaus) and worse ones with a
    simulated-annealing probability that cools to zero over ``time_limit``; after a
    long run without a new best the search starts again from the best. Stops at
    ``time_limit`` seconds, ``max_iterations`` moves, or when ``target`` (a lower
    bound) is reached. A pinned task is never reassigned (it may move in the
    sequence), so a start that honours the pins gives solutions that do.
    """
    rng = random.Random(seed)
    m, n = inst.m, inst.n
    if n == 0 or (m == 1 and all(len(p) == 0 for p in inst.preds)):
        return
    t0 = time.perf_counter()
    free = movable(inst)
    # time any schedule still needs after a task finishes: the longest chain of its
    # successors at their fastest (data can always stay on one worker)
    tail = _tails(inst)
    sol = Chains(inst, assign, seq, tail)
    cur = sol.makespan()
    best = cur
    best_a, best_s = sol.assign.copy(), sol.seq.copy()
    chains: dict[int, list[int]] = {}
    stale = True  # the rest times of the tasks need computing
    it = 0
    since_best = 0
    stall = STALL + 2 * n
    small = n <= TIME_ALL
    t_init = (TEMP_SMALL if small else TEMP) * cur
    eps = 1e-9 * max(1.0, cur)
    workers = range(m)
    while True:
        it += 1
        if it & 15 == 0:
            check_cancel(cancel)
        elapsed = time.perf_counter() - t0
        if elapsed >= time_limit or (max_iterations is not None and it > max_iterations) or best <= target + eps:
            return
        # how far along the budget is (time or iterations, whichever binds first)
        frac = elapsed / time_limit if time_limit > 0 else 1.0
        if max_iterations:
            frac = max(frac, it / max_iterations)
        if since_best > stall:
            # restart from the best solution found, cooler
            sol = Chains(inst, best_a, best_s, tail)
            cur = best
            chains.clear()
            stale = True
            since_best = 0
        since_best += 1
        ends = sol.ends()
        r = rng.random()
        p0 = max(workers, key=ends.__getitem__) if r < PICK[0] else rng.randrange(m) if r < PICK[1] else -1
        if p0 >= 0:
            crit = chains.get(p0)
            if crit is None:
                crit = chains[p0] = sol.chain(p0)
            i = rng.choice(crit) if crit else rng.randrange(n)
        else:
            i = rng.randrange(n)
        kind = rng.random()
        a_i, k_i = sol.assign[i], sol.key[i]
        # candidate moves: lists of (task, worker, key)
        cand: list[list[tuple[int, int, float]]] = []
        if m > 1 and kind < 0.35:
            if free[i]:
                cand = [[(i, p, k_i)] for p in workers if p != a_i]
        elif m > 1 and kind < 0.6:
            if free[i]:
                for p in workers:
                    if p != a_i:
                        chain, lo_i, hi_i, lo = sol.slots(i, p)
                        spots = list(range(lo_i, hi_i + 1))
                        if len(spots) > SLOTS:
                            spots = sorted(rng.sample(spots, SLOTS))
                        cand += [[(i, p, sol.slot_key(chain, x, lo))] for x in spots]
        elif m > 1 and kind < 0.8:
            if free[i]:
                for q in rng.sample(range(m), m):
                    if q == a_i:
                        continue
                    others = [j for j in sol.overlapping(i, q) if free[j]]
                    if others:
                        j = rng.choice(others)
                        cand.append([(i, q, k_i), (j, a_i, sol.key[j])])
                        if len(cand) == 4:
                            break
        else:
            chain, lo_i, hi_i, lo = sol.slots(i, a_i)
            here = bisect_left(chain, k_i, key=sol.key.__getitem__)
            places = [x for x in range(lo_i, hi_i + 1) if x != here]
            for x in rng.sample(places, min(3, len(places))):
                cand.append([(i, a_i, sol.slot_key(chain, x, lo))])
        if not cand:
            continue
        # a candidate is timed only until it is sure to lose to the best timed so far, or
        # to be refused: past cur + 40 temperatures the annealing would take it with a
        # probability below e^-40
        temp = t_init * max(0.0, 1.0 - frac)
        limit = cur + eps + (40.0 * temp if temp > 0 else 0.0)
        screen = limit if small else cur + eps + SCREEN * temp
        if stale:
            sol.tails()
            stale = False
        # the other workers' last finishes stay as they are, as far as the estimate knows
        late = sorted(workers, key=ends.__getitem__, reverse=True)
        ranked: list[tuple[float, float, int]] = []
        for c, mv in enumerate(cand):
            involved = {p for _u, p, _k in mv} | {sol.assign[u] for u, _p, _k in mv}
            other = next((ends[q] for q in late if q not in involved), 0.0)
            through = sol.estimate(mv)
            e = max(through, other)
            if e <= screen:
                # ties (another worker sets the makespan) go to the shorter chain through the move
                ranked.append((e, through, c))
        ranked.sort()
        timed = ranked if small else ranked[:1]
        top, kept = math.inf, -1
        for k, (_e, _t, c) in enumerate(timed):
            ms = sol.evaluate(cand[c], min(top, limit))
            if ms is None:
                continue
            if ms < top:
                top, kept = ms, k
            if k < len(timed) - 1:
                sol.undo()
        if kept < 0:
            # every candidate beyond the limit: refused (the draw of the annealing is kept)
            if temp > 0:
                rng.random()
            continue
        if kept != len(timed) - 1 or sol.pending() is None:
            # the best timed candidate is not the one applied: apply it again
            sol.undo()
            sol.apply(cand[timed[kept][2]])
        if top <= cur + eps or (temp > 0 and rng.random() < math.exp(-(top - cur) / temp)):
            sol.commit()
            chains.clear()
            cur = top
            if cur < best - eps:
                best = cur
                best_a, best_s = sol.assign.copy(), sol.seq.copy()
                since_best = 0
                yield best, best_a, best_s
        else:
            sol.undo()


def improve_placements(
    inst: Instance,
    placements: list[Placement],
    *,
    time_limit: float,
    seed: int,
    max_iterations: int | None,
    target: float,
    cancel: CancelToken | None,
    every: float = 0.5,
    on_improve: Callable[[float], None] | None = None,
) -> Iterator[list[Placement]]:
    """Yield improved schedules (as full placement lists) of a starting schedule.

    The first list is the start (re-timed), the last the best schedule found. In
    between, a new best is turned into placements at most every ``every`` seconds: each
    costs a pass over the whole graph, and a large graph may improve many times a
    second. ``on_improve(makespan)`` hears of every new best at once.
    """
    timer = Timer(inst)
    assign, seq = from_placements(inst, placements)
    yield to_placements(timer, assign, seq)
    last = time.perf_counter()
    pending: tuple[list[int], list[int]] | None = None
    try:
        for ms, a, s in local_search(inst, assign, seq, time_limit=time_limit, seed=seed,
                                      max_iterations=max_iterations, target=target, cancel=cancel):
            if on_improve is not None:
                on_improve(ms)
            pending = (a, s)
            now = time.perf_counter()
            if now - last >= every:
                yield to_placements(timer, a, s)
                pending, last = None, now
    except Cancelled:
        if pending is not None:
            # the best found is not yet given: give it, so a cancelled run keeps it
            yield to_placements(timer, *pending)
        raise
    if pending is not None:
        yield to_placements(timer, *pending)


def changed(old: dict[int, Placement], new: list[Placement]) -> list[Placement]:
    """Placements of ``new`` that differ from ``old`` (updates ``old``)."""
    out = []
    for pl in new:
        o = old.get(pl[0])
        if o is None or o[1] != pl[1] or not (math.isclose(o[2], pl[2]) and math.isclose(o[3], pl[3])):
            out.append(pl)
            old[pl[0]] = pl
    return out


def frugal_heft(inst: Instance, weight: float, cancel: CancelToken | None = None) -> Iterator[Placement]:
    """HEFT with a price on slow executions: each task, in HEFT's order and with insertion,
    goes to the worker minimising its finish plus ``weight`` times what it takes there
    beyond its time on its fastest worker.

    HEFT takes the earliest finish, so on unrelated workers it spends much more work than
    needed (about 10 % more than the fastest workers on the layered graphs of the
    benchmarks): the loads it leaves are full, and a search from it finds little room.
    A frugal start runs nearly as early with less work (weights 2 to 8 gave makespans 2
    to 5 % below HEFT's there), and leaves the search idle time to close. A pinned task
    runs on its pin.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.instance import compile_instance
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 2)
    >>> sorted(p for _i, p, _s, _f in frugal_heft(compile_instance(g, Platform.homogeneous(2)), 4.0))
    [0, 1]
    """
    extra = inst.w - inst.w.min(axis=1, keepdims=True) if inst.n else inst.w
    order = placement_order(inst, upward_rank(inst))
    yield from eft_place(inst, order, cancel, insertion=True, penalty=weight * extra)


def _start(name: str, inst: Instance, clock: CancelToken | None) -> list[Placement] | None:
    """The placements of the start ``name`` (see :data:`START_FROM`), ``None`` when there is no such start."""
    from .. import ALGORITHMS

    if name.startswith("heft-frugal"):
        try:
            weight = float(name[len("heft-frugal"):])
        except ValueError:
            return None
        return list(frugal_heft(inst, weight, clock))
    cls = ALGORITHMS.get(name)
    if cls is None or cls.slow:
        return None
    return list(cls().place(inst, clock))


def makespan_of(placements: list[Placement]) -> float:
    """Latest finish of a placement list."""
    return max((f for _i, _p, _s, f in placements), default=0.0)


def best_heuristic(
    inst: Instance, names: tuple[str, ...], cancel: CancelToken | None, deadline: Deadline | None = None
) -> tuple[str, list[Placement]]:
    """Run the registered heuristics among ``names`` and return the best ``(name, placements)``.

    Algorithms marked ``slow`` are skipped; on equal makespans the first in ``names`` wins.
    With a ``deadline`` the run starts from :func:`~.budget.serial_placements` (named
    ``"serial"``), and a heuristic still running when the deadline passes is dropped,
    as are those not yet started: the best one finished in time is returned. On a
    large instance (:data:`QUICK_FIRST` tasks × workers or more) MCT, the quickest
    good heuristic, runs first, so that a short budget still ends on a fair schedule.
    The heuristics after the first get :data:`START_SHARE` of the time left when they
    begin: the rest of the budget is the search's.
    """
    from .. import ALGORITHMS, load_all

    load_all()
    best: tuple[str, list[Placement]] | None = None
    phase: Deadline | None = None
    if deadline is not None:
        best = ("serial", serial_placements(inst))
        if inst.n * inst.m >= QUICK_FIRST and "mct" not in names:
            names = ("mct", *names)
        phase = Deadline(START_SHARE * deadline.left(), deadline.cancel)
        phase.at = min(phase.at, deadline.at)
    first = True
    for name in names:
        cls = ALGORITHMS.get(name)
        if (cls is None and not name.startswith("heft-frugal")) or (cls is not None and cls.slow):
            continue
        clock = None if deadline is None else deadline if first else phase
        first = False
        if clock is not None and clock.passed():
            break
        try:
            got = _start(name, inst, clock if clock is not None else cancel)
        except Cancelled:
            if clock is None or clock.cancelled():
                raise
            break
        if got is None:
            continue
        pl = got
        if best is None or makespan_of(pl) < makespan_of(best[1]) - 1e-9:
            best = (name, pl)
    if best is None:
        raise ValueError(f"none of the heuristics {', '.join(names)} is registered")
    return best

