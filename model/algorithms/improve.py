"""Local-search improvement of the best heuristic schedule."""

from __future__ import annotations

import time
from collections.abc import Iterator

from ..instance import Instance
from .base import Algorithm, CancelToken, Placement, register
from .engines import (
    START_FROM,
    Deadline,
    best_heuristic,
    changed,
    finish_reserve,
    improve_placements,
    lower_bound,
    makespan_of,
    search_pays,
)


@register
class Improve(Algorithm):
    """Best heuristic schedule, then local search within a time budget.

    Starts from the best of HEFT, frugal HEFT (HEFT with a price on slow executions,
    see :func:`~.engines.localsearch.frugal_heft`), PEFT, CPOP, DLS, ETF, HLFET and the
    clustering heuristics, then repeatedly moves tasks of critical chains: reassigning a
    task to another worker (in its place or elsewhere in the sequence), swapping the
    workers of two overlapping tasks, moving a task on its worker, with
    simulated-annealing acceptance that cools over the budget. Usable on tens of
    thousands of tasks: a candidate move is estimated in time proportional to its
    task's edges, and the one worth it is re-timed incrementally (only the tasks whose
    start changes).

    References
    ----------
    M.-Y. Wu, W. Shu, J. Gu, "Efficient local search for DAG scheduling", IEEE TPDS 12(6),
    2001. S. Kirkpatrick, C. D. Gelatt, M. P. Vecchi, "Optimization by simulated annealing",
    Science 220, 1983.

    Parameters
    ----------
    time_limit : float
        Seconds of search (default 3).
    max_iterations : int, optional
        Stop after this many moves (gives results independent of the machine's speed).

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> g = TaskGraph(); _ = [g.add_task(t, c) for t, c in zip("abcd", (3, 3, 2, 2))]
    >>> Improve(max_iterations=200).schedule(g, Platform.homogeneous(2)).makespan
    5.0
    """

    name = "improve"
    description = "Local search (moves, swaps, re-ordering) from the best heuristic within a time budget"
    anytime = True
    reference = "Wu, Shu, Gu, IEEE TPDS 12(6), 2001; simulated annealing"
    family = "search"

    def place(self, inst: Instance, cancel: CancelToken | None) -> Iterator[Placement]:
        time_limit = float(self.params.get("time_limit", 3.0))
        max_it = self.params.get("max_iterations")
        # the budget counts from the call: compiling, the starting heuristics and the
        # final checked schedule included
        deadline = Deadline(time_limit - finish_reserve(inst), cancel, start=self.started)
        start_name, start = best_heuristic(inst, START_FROM, cancel, deadline)
        self.record_best(start)  # kept if the run is cancelled
        lb = lower_bound(inst)
        shown: dict[int, Placement] = {}
        best = makespan_of(start)
        t0 = self.started
        history = [(time.perf_counter() - t0, best, lb)]
        self.info["history"] = history

        def improved(ms: float) -> None:
            history.append((time.perf_counter() - t0, ms, lb))

        if not search_pays(inst, deadline.left()):
            self.record_best(start)  # kept if the run is cancelled
            yield from changed(shown, start)  # no time left to search: the start as it is
        else:
            for pl in improve_placements(inst, start, time_limit=deadline.left(), seed=self.seed,
                                         max_iterations=max_it, target=lb, cancel=cancel, on_improve=improved):
                best = min(best, makespan_of(pl))
                if makespan_of(pl) <= best:
                    self.record_best(pl)  # kept if the run is cancelled
                yield from changed(shown, pl)
        self.info.update(started_from=start_name, lower_bound=lb, gap=best / lb - 1.0 if lb > 0 else 0.0)
        if deadline.passed() and best > lb + 1e-9 * max(1.0, lb):
            self.info["stopped"] = "time limit"
