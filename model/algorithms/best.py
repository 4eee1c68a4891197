"""The portfolio: every heuristic, local search, and the exact solver when it fits."""

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
from .optimal import proof_of

#: largest graph (tasks × workers) handed to the exact solver
EXACT_SIZE = 4000


@register
class Best(Algorithm):
    """Portfolio: the best heuristic, improved by local search, then CP-SAT when it fits.

    Runs the fast heuristics, improves the best by local search (see ``improve``) for
    part of the budget, then — when OR-Tools is installed and the graph is small enough —
    gives the exact solver (see ``optimal``) the rest with the best schedule as its hint.
    The result carries the proven lower bound and the gap.

    References
    ----------
    See ``improve`` (local search) and ``optimal`` (CP-SAT model); the portfolio idea is
    that of algorithm portfolios (C. P. Gomes, B. Selman, "Algorithm portfolios",
    Artificial Intelligence 126, 2001).

    Parameters
    ----------
    time_limit : float
        Seconds in all (default 10).
    max_iterations : int, optional
        Moves of the local search (reproducible budget).
    work_limit : float, optional
        Budget of the exact phase in solver work units (reproducible budget).

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> g = TaskGraph(); _ = [g.add_task(t, c) for t, c in zip("abcd", (3, 3, 2, 2))]
    >>> Best(time_limit=2).schedule(g, Platform.homogeneous(2)).makespan
    5.0
    """

    name = "best"
    description = "Portfolio: best heuristic + local search + exact solver when small; reports the gap"
    anytime = True
    reference = "portfolio of heuristics, local search and CP-SAT"
    family = "search"

    def place(self, inst: Instance, cancel: CancelToken | None) -> Iterator[Placement]:
        from .engines.cpsat import solve
        from .optimal import Optimal

        t0 = self.started
        budget = float(self.params.get("time_limit", 10.0))
        # the budget counts from the call: compiling, the starting heuristics, the
        # solver's model and the final checked schedule included
        deadline = Deadline(budget - finish_reserve(inst), cancel, start=t0)
        name, cur = best_heuristic(inst, START_FROM, cancel, deadline)
        lb = lower_bound(inst)
        shown: dict[int, Placement] = {}
        history = [(time.perf_counter() - t0, makespan_of(cur), lb)]
        self.info["history"] = history
        self.record_best(cur)  # kept if the run is cancelled
        yield from changed(shown, cur)
        exact = inst.n * inst.m <= EXACT_SIZE and Optimal.available()
        ls_budget = deadline.left() * (0.3 if exact else 1.0)

        def improved(ms: float) -> None:
            history.append((time.perf_counter() - t0, ms, lb))

        searches = improve_placements(inst, cur, time_limit=ls_budget, seed=self.seed,
                                      max_iterations=self.params.get("max_iterations"), target=lb, cancel=cancel,
                                      on_improve=improved) if search_pays(inst, ls_budget) else iter(())
        for pl in searches:
            if makespan_of(pl) < makespan_of(cur) - 1e-9:
                cur = pl
                self.record_best(pl)  # kept if the run is cancelled
                yield from changed(shown, pl)
        bound, proven = lb, makespan_of(cur) <= lb + 1e-9
        if exact and not proven and not deadline.passed():
            for pl, bnd, prv in solve(inst, hint=cur, time_limit=deadline.left(), seed=self.seed, cancel=cancel,
                                      history=history, t0=t0, deadline=deadline,
                                      work_limit=self.params.get("work_limit")):
                bound, proven = max(bound, bnd), prv
                if pl and makespan_of(pl) < makespan_of(cur) - 1e-9:
                    cur = pl
                    self.record_best(pl)  # kept if the run is cancelled
                    yield from changed(shown, pl)
        self.info.update(started_from=name, **proof_of(makespan_of(cur), bound, proven))
        if deadline.passed() and not self.info["proven_optimal"]:
            self.info["stopped"] = "time limit"
