"""Exact mapping with a constraint-programming model (OR-Tools CP-SAT)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..graph import GraphError
from ..instance import Instance
from .base import Algorithm, Cancelled, CancelToken, Placement, register
from .engines.bounds import lower_bound
from .engines.budget import Deadline, finish_reserve, serial_placements
from .engines.cpsat import INSTALL_HINT, PROOF_TOL, have_ortools, solve
from .engines.localsearch import changed
from .heft import HEFT

__all__ = ["INSTALL_HINT", "Optimal", "have_ortools", "proof_of"]


def proof_of(makespan: float, bound: float, proven: bool = False) -> dict[str, object]:
    """What a makespan and a valid lower bound of the optimum prove, as ``info`` entries.

    Parameters
    ----------
    makespan : float
        The makespan of the schedule found.
    bound : float
        A valid lower bound of the optimal makespan (of the pinned problem).
    proven : bool
        Whether the solver proved the makespan optimal itself.

    Returns
    -------
    dict
        ``lower_bound``, ``proven_optimal`` (the makespan is within the float tolerance
        :data:`~.engines.cpsat.PROOF_TOL` of the bound, or ``proven``), ``gap``
        (``makespan / bound - 1``; 0 when proven, infinite without a positive bound) and
        ``proof``: ``"proven optimal"`` or ``"optimal within X %"`` (X the gap).

    Examples
    --------
    >>> proof_of(10.0, 10.0 - 1e-12)["proof"]
    'proven optimal'
    >>> proof_of(10.0, 9.99)["proof"]
    'optimal within 0.1 %'
    """
    if makespan <= bound + PROOF_TOL * max(1.0, makespan):
        proven = True
    if proven:
        gap, text = 0.0, "proven optimal"
    elif bound > 0:
        gap = max(0.0, makespan / bound - 1.0)
        text = f"optimal within {100 * gap:.3g} %"
    else:
        gap, text = float("inf"), "no bound"
    return {"lower_bound": bound, "proven_optimal": proven, "gap": gap, "proof": text}


@register
class Optimal(Algorithm):
    """Exact mapping by constraint programming (OR-Tools CP-SAT).

    Proves the optimal makespan for small and medium graphs, or returns the best schedule
    found with a proven lower bound (the gap) when the time limit runs out. Starts from
    the HEFT schedule as a hint, so it is never worse than HEFT. Pinned tasks are fixed
    to their workers in the model: the optimum, the bound and the gap are those of the
    schedules that honour the pins.

    Model: one optional interval per (task, worker), exactly one present; no overlap on a
    worker; an edge delays its target by the transfer time only across workers; the
    makespan is at least total work / workers and the longest path. Times that are not
    multiples of 1/1000 are rounded down onto a fine grid, and every schedule is re-timed
    with the real times, so the bound holds for real-valued costs too.

    The result's ``meta`` says what is proven: ``proof`` is ``"proven optimal"`` when the
    makespan equals the bound within the float tolerance (``proven_optimal`` true, ``gap``
    0), else ``"optimal within X %"`` with X the ``gap`` to the valid ``lower_bound``.

    References
    ----------
    O. Sinnen, *Task Scheduling for Parallel Systems*, Wiley, 2007 (the problem with
    communication delays). P. Laborie, J. Rogerie, P. Shaw, P. Vilím, "IBM ILOG CP optimizer
    for scheduling", Constraints 23(2), 2018 (optional interval models).

    Parameters
    ----------
    time_limit : float
        Seconds for the solver (default 10).
    threads : int
        Solver threads (default 2).
    work_limit : float, optional
        Budget in the solver's deterministic work units (about seconds on an idle
        machine) with a single search worker, instead of the wall-clock limit and the
        parallel portfolio: results then depend only on the seed. Without it, the
        proven optimum is reproducible but which optimal schedule is returned may vary.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 2); g.add_task("c", 2)
    >>> g.add_edge("a", "c", 1); g.add_edge("b", "c", 1)
    >>> Optimal(time_limit=5).schedule(g, Platform.homogeneous(2)).makespan
    5.0
    """

    name = "optimal"
    description = "Exact: CP-SAT model, proves the optimum or gives the gap at the time limit (needs OR-Tools)"
    reference = "constraint programming with optional intervals (OR-Tools CP-SAT)"
    family = "exact"
    needs = "ortools"
    slow = True
    anytime = True

    @classmethod
    def available(cls) -> bool:
        """Whether OR-Tools' CP-SAT solver can be imported."""
        return have_ortools()

    @classmethod
    def unavailable_reason(cls) -> str:
        """What to install, or ``""`` when OR-Tools is there."""
        return "" if cls.available() else INSTALL_HINT

    def place(self, inst: Instance, cancel: CancelToken | None) -> Iterator[Placement]:
        if not self.available():
            raise GraphError(self.unavailable_reason())
        time_limit = float(self.params.get("time_limit", 10.0))
        # the budget counts from the call: compiling, the HEFT hint, the model and the
        # final checked schedule included
        deadline = Deadline(time_limit - finish_reserve(inst), cancel, start=self.started)
        try:
            hint, start_name = list(HEFT().place(inst, deadline)), "heft"
        except Cancelled:
            if deadline.cancelled():
                raise
            hint, start_name = serial_placements(inst), "serial"  # HEFT did not finish in time
        else:
            # all on the fastest worker may beat HEFT (when HEFT pays for a transfer or a
            # slow worker): the better start also bounds the solver's grid more tightly
            serial = serial_placements(inst)
            if max((f for *_x, f in serial), default=0.0) < max((f for *_x, f in hint), default=0.0):
                hint, start_name = serial, "serial"
        self.info["started_from"] = start_name
        shown: dict[int, Placement] = {}
        self.record_best(hint)  # kept if the run is cancelled
        yield from changed(shown, hint)
        history: list[tuple[float, float, float]] = []
        self.info["history"] = history
        best_ms = max((f for *_x, f in hint), default=0.0)
        bound = lower_bound(inst)
        proven = False
        report: dict[str, Any] = {"limited": True}
        if not deadline.passed():
            for pl, bnd, prv in solve(inst, hint=hint, time_limit=deadline.left(), seed=self.seed,
                                      threads=int(self.params.get("threads", 2)), cancel=cancel, history=history,
                                      t0=self.started, deadline=deadline, work_limit=self.params.get("work_limit"),
                                      report=report):
                bound, proven = bnd, prv
                if pl:
                    mk = max(f for *_x, f in pl)
                    if mk < best_ms - 1e-12 * max(1.0, mk):
                        best_ms = mk
                        self.record_best(pl)  # kept if the run is cancelled
                        yield from changed(shown, pl)
        self.info.update(proof_of(best_ms, bound, proven))
        if not self.info["proven_optimal"] and (deadline.passed() or report["limited"]):
            # the solver stops at its own limit, a moment before the deadline
            limit = "work limit" if self.params.get("work_limit") is not None and not deadline.passed() else "time limit"
            self.info["stopped"] = limit
