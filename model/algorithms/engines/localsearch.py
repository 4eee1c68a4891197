"""Re-timing of a fixed mapping and the local search behind ``improve`` and ``best``.

A solution is an assignment of tasks to workers plus a sequence (a topological order);
each worker runs its tasks in sequence order, each as early as its inputs and its
worker allow. Re-timing a schedule in the order of its start times never makes it
later, so any heuristic's schedule is a valid starting point.
"""

from __future__ import annotations

import math
import random
import time
from bisect import bisect_left
from collections.abc import Callable, Iterator

from ...instance import Instance
from ..base import Cancelled, CancelToken, Placement, check_cancel
from .budget import Deadline, serial_placements
from .pins import movable
from .ranks import static_level

__all__ = [
    "START_FROM",
    "Timer",
    "best_heuristic",
    "changed",
    "from_placements",
    "improve_placements",
    "local_search",
    "makespan_of",
    "to_placements",
]

#: the heuristics the searches start from (fast and good; the best of them is kept)
START_FROM = ("heft", "peft", "cpop", "dls", "etf", "hlfet", "dsc", "lc", "minmin", "greedy")
#: tasks × workers from which a budgeted start runs MCT first (see :func:`best_heuristic`)
QUICK_FIRST = 500_000
#: share of a budget the starting heuristics after the first may take
START_SHARE = 0.3


class Indexed:
    """A timed solution seen by position: task positions, starts and finishes, the running
    maximum of the finishes in sequence order, and each worker's positions and finishes in
    sequence order."""

    __slots__ = ("finish", "pmax", "pos", "start", "wfin", "wpos")

    def __init__(self, pos: list[int], start: list[float], finish: list[float], pmax: list[float],
                 wpos: list[list[int]], wfin: list[list[float]]) -> None:
        self.pos, self.start, self.finish, self.pmax, self.wpos, self.wfin = pos, start, finish, pmax, wpos, wfin


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

    def index(self, assign: list[int], seq: list[int], start: list[float], finish: list[float]) -> Indexed:
        """What :meth:`bounded_makespan` needs of a timed solution to re-time only a suffix of it."""
        m = self.inst.m
        pos = [0] * len(seq)
        wpos: list[list[int]] = [[] for _ in range(m)]
        wfin: list[list[float]] = [[] for _ in range(m)]
        pmax: list[float] = []
        top = 0.0
        for k, i in enumerate(seq):
            pos[i] = k
            p = assign[i]
            f = finish[i]
            wpos[p].append(k)
            wfin[p].append(f)
            if f > top:
                top = f
            pmax.append(top)
        return Indexed(pos, start, finish, pmax, wpos, wfin)

    def reindex(self, base: Indexed, assign: list[int], seq: list[int], k0: int, start: list[float],
                finish: list[float]) -> Indexed:
        """:meth:`index` of a solution that agrees with ``base`` before position ``k0``: only the
        suffix is gone through again."""
        pos = base.pos.copy()
        wpos = [wp[:bisect_left(wp, k0)] for wp in base.wpos]
        wfin = [wf[:len(wp)] for wf, wp in zip(base.wfin, wpos)]
        pmax = base.pmax[:k0]
        top = pmax[-1] if pmax else 0.0
        for k in range(k0, len(seq)):
            i = seq[k]
            pos[i] = k
            p = assign[i]
            f = finish[i]
            wpos[p].append(k)
            wfin[p].append(f)
            if f > top:
                top = f
            pmax.append(top)
        return Indexed(pos, start, finish, pmax, wpos, wfin)

    def bounded_makespan(
        self, assign: list[int], seq: list[int], k0: int, base: Indexed, bound: float,
        tail: list[float] | None = None,
    ) -> tuple[float, list[float], list[float]] | None:
        """:meth:`makespan` of a solution that agrees with ``base`` on ``seq[:k0]`` and their workers,
        with its starts and finishes.

        Only the tasks from position ``k0`` on are re-timed (the same sums as
        :meth:`times`, so the same values), and the timing stops, returning ``None``, as
        soon as the makespan is sure to exceed ``bound``: a finish beyond it, or a
        finish plus ``tail`` (a lower bound on the time still needed after the task)
        beyond it by more than the rounding of those sums.
        """
        w, lat, ibw, preds, pdata = self.w, self.lat, self.inv_bw, self.preds, self.pdata
        finish = base.finish.copy()
        start = base.start.copy()
        wend = [0.0] * self.inst.m
        for p, (wp, wf) in enumerate(zip(base.wpos, base.wfin)):
            j = bisect_left(wp, k0)
            if j:
                wend[p] = wf[j - 1]
        ms = base.pmax[k0 - 1] if k0 else 0.0
        if ms > bound:
            return None
        cut = bound + 1e-9 * max(1.0, abs(bound)) if tail is not None else bound
        for k in range(k0, len(seq)):
            i = seq[k]
            p = assign[i]
            r = wend[p]
            for j, d in zip(preds[i], pdata[i]):
                q = assign[j]
                t = finish[j] if q == p else finish[j] + lat[q][p] + d * ibw[q][p]
                if t > r:
                    r = t
            f = r + w[i][p]
            start[i] = r
            finish[i] = f
            wend[p] = f
            if f > ms:
                ms = f
                if ms > bound:
                    return None
            if tail is not None and f + tail[i] > cut:
                return None
        return ms, start, finish

    def critical(self, assign: list[int], seq: list[int], start: list[float], finish: list[float]) -> list[int]:
        """Tasks on a critical chain: each one waits on the previous (by data or by its worker)."""
        if not finish:
            return []
        prev_on_worker = {}
        last: dict[int, int] = {}
        for i in seq:
            p = assign[i]
            prev_on_worker[i] = last.get(p, -1)
            last[p] = i
        i = max(range(len(finish)), key=finish.__getitem__)
        chain = [i]
        eps = 1e-9
        while start[i] > eps:
            nxt = -1
            k = prev_on_worker[i]
            if k >= 0 and abs(finish[k] - start[i]) <= eps * max(1.0, start[i]):
                nxt = k
            else:
                p = assign[i]
                for j, d in zip(self.preds[i], self.pdata[i]):
                    q = assign[j]
                    t = finish[j] if q == p else finish[j] + self.lat[q][p] + d * self.inv_bw[q][p]
                    if abs(t - start[i]) <= eps * max(1.0, start[i]):
                        nxt = j
                        break
            if nxt < 0:
                break
            chain.append(nxt)
            i = nxt
        return chain


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


def _move(seq: list[int], pos_of: list[int], i: int, inst: Instance, rng: random.Random,
          earlier: bool = True) -> tuple[list[int], int] | None:
    """A copy of ``seq`` with ``i`` moved to a random other position between its predecessors and
    successors, and the first position where the copy differs from ``seq``."""
    k = pos_of[i]
    if earlier:
        lo = max((pos_of[j] for j in inst.preds[i]), default=-1) + 1
        if lo >= k:
            return None
        t = rng.randint(lo, k - 1)
        return [*seq[:t], i, *seq[t:k], *seq[k + 1:]], t
    hi = min((pos_of[j] for j in inst.succs[i]), default=len(seq)) - 1
    if hi <= k:
        return None
    t = rng.randint(k + 1, hi)
    return seq[:k] + seq[k + 1:t + 1] + [i] + seq[t + 1:], k


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

    Moves: reassign a critical task to its best other worker, swap the workers of a
    critical task and a task running beside it, and move a critical task earlier in the
    sequence. Equal-makespan moves are accepted (plateaus) and worse ones with a
    simulated-annealing probability that cools to zero over ``time_limit``. Stops at
    ``time_limit`` seconds, ``max_iterations`` moves, or when ``target`` (a lower bound)
    is reached. A pinned task is never reassigned (it may move in the sequence), so a
    start that honours the pins gives solutions that do.
    """
    timer = Timer(inst)
    rng = random.Random(seed)
    m, n = inst.m, inst.n
    if n == 0 or (m == 1 and all(len(p) == 0 for p in inst.preds)):
        return
    t0 = time.perf_counter()
    free = movable(inst)
    pinned = inst.pinned
    cur_a, cur_s = list(assign), list(seq)
    start, finish = timer.times(cur_a, cur_s)
    cur = max(finish)
    # the current solution by position (to re-time only what a move changes) and its
    # critical chain, both kept until the solution changes
    base = timer.index(cur_a, cur_s, start, finish)
    crit = timer.critical(cur_a, cur_s, start, finish)
    # time any schedule still needs after a task finishes: the longest chain of its
    # successors at their fastest (data can always stay on one worker)
    tail = _tails(inst)
    best, best_a, best_s = cur, cur_a, cur_s
    it = 0
    since_best = 0
    stall = 300 + 2 * n
    t_init = 0.02 * cur
    eps = 1e-9 * max(1.0, cur)
    inf = math.inf
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
            cur_a, cur_s, cur = best_a, best_s, best
            start, finish = timer.times(cur_a, cur_s)
            base = timer.index(cur_a, cur_s, start, finish)
            crit = timer.critical(cur_a, cur_s, start, finish)
            since_best = 0
        i = rng.choice(crit) if rng.random() < 0.85 else rng.randrange(n)
        kind = rng.random()
        # candidates: (assignment, sequence, first position where they differ from the current)
        cand: list[tuple[list[int], list[int], int]] = []
        pos_of = base.pos
        if kind < 0.35 and m > 1:
            if free[i]:
                for p in range(m):
                    if p != cur_a[i]:
                        a = cur_a.copy()
                        a[i] = p
                        cand.append((a, cur_s, pos_of[i]))
        elif kind < 0.6 and m > 1:
            mv = _move(cur_s, pos_of, i, inst, rng)
            s2, k2 = mv if mv is not None else (cur_s, pos_of[i])
            k2 = min(k2, pos_of[i])
            if free[i]:
                for p in range(m):
                    if p != cur_a[i]:
                        a = cur_a.copy()
                        a[i] = p
                        cand.append((a, s2, k2))
            elif s2 is not cur_s:
                cand.append((cur_a, s2, k2))  # a pinned task only moves in the sequence
        elif kind < 0.8 and m > 1:
            others = [j for j in range(n) if cur_a[j] != cur_a[i] and start[j] < finish[i] and finish[j] > start[i]]
            if not others:
                others = [j for j in rng.sample(range(n), min(n, 8)) if cur_a[j] != cur_a[i]]
            if not free[i]:
                others = []
            elif pinned:
                others = [j for j in others if free[j]]
            for j in rng.sample(others, min(len(others), 4)):
                a = cur_a.copy()
                a[i], a[j] = a[j], a[i]
                cand.append((a, cur_s, min(pos_of[i], pos_of[j])))
        else:
            moved = _move(cur_s, pos_of, i, inst, rng, earlier=rng.random() < 0.6)
            if moved is not None:
                cand.append((cur_a, moved[0], moved[1]))
        since_best += 1
        if not cand:
            continue
        # the first best candidate; a candidate is timed only until it is sure to lose to
        # the best so far, or to be refused: past cur + 40 temperatures the annealing
        # would take it with a probability below e^-40
        temp = t_init * max(0.0, 1.0 - frac)
        ms, a, s, k_best, timed = inf, cur_a, cur_s, 0, None
        limit = cur + eps + (40.0 * temp if temp > 0 else 0.0)
        for ca, cs, k0 in cand:
            r = timer.bounded_makespan(ca, cs, k0, base, min(ms, limit), tail)
            if r is not None and r[0] < ms:
                ms, a, s, k_best, timed = r[0], ca, cs, k0, r
        if timed is None:
            # every candidate beyond the limit: refused (the draw of the annealing is kept)
            if temp > 0:
                rng.random()
            continue
        if ms <= cur + eps or (temp > 0 and rng.random() < math.exp(-(ms - cur) / temp)):
            cur_a, cur_s, cur = a, s, ms
            _, start, finish = timed
            base = timer.reindex(base, cur_a, cur_s, k_best, start, finish)
            crit = timer.critical(cur_a, cur_s, start, finish)
            if cur < best - eps:
                best, best_a, best_s = cur, cur_a, cur_s
                since_best = 0
                yield best, cur_a, cur_s


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
    for ms, a, s in local_search(inst, assign, seq, time_limit=time_limit, seed=seed,
                                  max_iterations=max_iterations, target=target, cancel=cancel):
        if on_improve is not None:
            on_improve(ms)
        pending = (a, s)
        now = time.perf_counter()
        if now - last >= every:
            yield to_placements(timer, a, s)
            pending, last = None, now
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
        if cls is None or cls.slow:
            continue
        clock = None if deadline is None else deadline if first else phase
        first = False
        if clock is not None and clock.passed():
            break
        try:
            pl = list(cls().place(inst, clock if clock is not None else cancel))
        except Cancelled:
            if clock is None or clock.cancelled():
                raise
            break
        if best is None or makespan_of(pl) < makespan_of(best[1]) - 1e-9:
            best = (name, pl)
    if best is None:
        raise ValueError(f"none of the heuristics {', '.join(names)} is registered")
    return best

