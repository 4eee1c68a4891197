"""The constraint-programming model of the mapping problem (OR-Tools CP-SAT), behind ``optimal`` and ``best``."""

from __future__ import annotations

import importlib.util
import math
import queue
import threading
import time
from collections.abc import Iterator
from typing import Any

from ...graph import GraphError
from ...instance import Instance
from ..base import Cancelled, CancelToken, Placement
from .bounds import WHOLE_TOL, lower_bound
from .budget import Deadline
from .localsearch import Timer, to_placements

__all__ = ["INSTALL_HINT", "PROOF_TOL", "have_ortools", "solve"]

INSTALL_HINT = 'the "optimal" algorithm needs OR-Tools: pip install "taskmapper[optimal]" (or: pip install ortools)'


def have_ortools() -> bool:
    """Whether OR-Tools' CP-SAT module is installed.

    Found without importing it (that takes half a second, which a time limit or the
    list of algorithms should not pay); :func:`solve` imports it when it runs.
    """
    try:
        return importlib.util.find_spec("ortools.sat.python.cp_model") is not None
    except (ImportError, ValueError):
        return False


#: relative tolerance of a proof: a makespan within it of a valid lower bound is optimal
PROOF_TOL = 1e-9
#: the largest scaled horizon of a real-valued model times (workers + 2): the sums of
#: the model (a start plus one duration per worker) stay far inside 64-bit integers
_MAX_SCALED = 2.0**55


def _scale(values: list[float]) -> tuple[int, bool]:
    """The smallest factor in 1, 10, ..., 1000 that makes every value integral, and whether it is exact.

    Integral within a few float steps (:data:`~.bounds.WHOLE_TOL`): a tolerance as wide
    as the proof's would take large real values (1e7 and more) for whole ones and round
    them to the nearest step, which can lift the bound above the optimum.
    """
    for k in (1, 10, 100, 1000):
        if all(abs(v * k - round(v * k)) <= WHOLE_TOL * max(1.0, abs(v * k)) for v in values):
            return k, True
    return 1000, False


def _grid(n: int, m: int, ref: float, horizon: float) -> float:
    """The power of two that real-valued times are scaled by before they are rounded down.

    Rounding down loses less than one grid step per task and per transfer, so along any
    path less than ``2n + 1`` steps: the grid is chosen so that this is a tenth of the
    proof tolerance of ``ref`` (a lower bound of the optimum), unless the scaled
    ``horizon`` would leave the range of the solver's integers (on ``m`` workers). A
    power of two scales a float exactly, so the rounding is exact too.
    """
    cap = _MAX_SCALED / ((m + 2) * horizon) if horizon > 0 else math.inf
    want = 10.0 * (2 * n + 1) / (PROOF_TOL * ref) if ref > 0 else cap
    x = min(want * 2.0, cap)
    # (an empty horizon, or times near the smallest floats: as fine as a float allows)
    return float(2.0 ** (max(-1000, min(1000, math.floor(math.log2(x))))) if math.isfinite(x) else 2.0**1000)


def solve(
    inst: Instance,
    *,
    hint: list[Placement] | None,
    time_limit: float,
    seed: int = 0,
    threads: int = 0,
    cancel: CancelToken | None = None,
    history: list[tuple[float, float, float]] | None = None,
    t0: float | None = None,
    work_limit: float | None = None,
    deadline: Deadline | None = None,
    report: dict[str, Any] | None = None,
) -> Iterator[tuple[list[Placement], float, bool]]:
    """Solve the mapping problem; yield ``(placements, lower_bound, proven)`` for each better solution.

    The model has, per task, one optional interval per worker (exactly one present),
    no overlap per worker, and for every edge a delay of the transfer time only when its
    two tasks are on different workers. A pinned task's interval is present on its pin
    only, so the optimum, the bound and the proof are those of the pinned problem.

    Times are scaled to integers: exactly when every time is a multiple of 1/1000;
    otherwise onto a fine binary grid, rounded down (see :func:`_grid`). Every solution
    is re-timed exactly with the real times (they are no shorter than the rounded ones,
    so the real makespan may be a little longer than the model's), and the model's
    bound, scaled back, is a valid bound of the real problem. The proof is
    ``makespan <= bound`` within :data:`PROOF_TOL`; when rounding keeps the two apart the
    result is optimal within the reported gap.

    With a ``deadline``, building the model stops when it passes (a large graph's model
    may take longer to build than the budget): the solver then does not run, and the
    only thing yielded is the bound of :func:`~.bounds.lower_bound`.

    ``report``, when given, receives ``limited``: whether the search ended at its time
    or work limit (or the deadline cut the model short) rather than with the model solved.
    """
    if report is not None:
        report["limited"] = True
    try:
        from ortools.sat.python import cp_model
    except ImportError:
        raise GraphError(INSTALL_HINT) from None

    wall_start = time.perf_counter()
    n, m = inst.n, inst.m
    timer = Timer(inst)
    lb0 = lower_bound(inst)
    values = inst.w.ravel().tolist()

    def late(step: int) -> bool:
        return deadline is not None and step & 255 == 0 and deadline.passed()

    edges = []
    for step, (v, u, d) in enumerate(zip(inst.pred_dst.tolist(), inst.pred_idx.tolist(), inst.pred_dat.tolist())):
        if late(step):
            yield [], lb0, False
            return
        c = [[inst.comm(d, p, q) for q in range(m)] for p in range(m)]
        edges.append((u, v, c))
        values.extend(x for row in c for x in row)
    scale, exact = _scale(values)
    if hint:
        top = max(f for _i, _p, _s, f in hint)
    else:
        top = float(inst.w.max(axis=1).sum()) + sum(max(max(r) for r in c) for _u, _v, c in edges)
    k = float(scale) if exact else _grid(n, m, lb0, top)
    horizon = (round(top * k) if exact else math.floor(top * k)) + 1

    def sc(x: float) -> int:
        # real-valued times are rounded down: every schedule of the real problem, its
        # times rounded down too, is one of the model, so the model's bound is a bound.
        # A time past the horizon rules out what it applies to, as the horizon itself
        # does: clipped, it keeps the model's sums small
        y = min(x * k, horizon + 1.0)
        return round(y) if exact else math.floor(y)


    model = cp_model.CpModel()
    start = [model.new_int_var(0, horizon, f"s{i}") for i in range(n)]
    end = [model.new_int_var(0, horizon, f"e{i}") for i in range(n)]
    on = [[model.new_bool_var(f"b{i}_{p}") for p in range(m)] for i in range(n)]
    per_worker: list[list[Any]] = [[] for _ in range(m)]
    pin = inst.pin.tolist()
    for i in range(n):
        if late(i):
            yield [], lb0, False
            return
        model.add_exactly_one(on[i])
        if pin[i] >= 0:
            model.add(on[i][pin[i]] == 1)
        durs = [sc(float(inst.w[i, p])) for p in range(m)]
        model.add(end[i] == start[i] + sum(durs[p] * on[i][p] for p in range(m)))
        for p in range(m):
            per_worker[p].append(model.new_optional_fixed_size_interval_var(start[i], durs[p], on[i][p], f"x{i}_{p}"))
    for p in range(m):
        model.add_no_overlap(per_worker[p])
    for step, (u, v, c) in enumerate(edges):
        if late(step):
            yield [], lb0, False
            return
        model.add(start[v] >= end[u])
        if m < 2:
            continue
        uniform = len({c[p][q] for p in range(m) for q in range(m) if p != q}) == 1
        if uniform:
            cc = sc(c[0][1])
            if cc > 0:
                for p in range(m):
                    model.add(start[v] >= end[u] + cc).only_enforce_if([on[u][p], on[v][p].Not()])
        else:
            for p in range(m):
                for q in range(m):
                    cc = sc(c[p][q]) if p != q else 0
                    if cc > 0:
                        model.add(start[v] >= end[u] + cc).only_enforce_if([on[u][p], on[v][q]])
    ms = model.new_int_var(0, horizon, "makespan")
    for i in range(n):
        model.add(ms >= end[i])
    # (one step below the rounded-down analytic bound: that bound is a sum of floats)
    model.add(ms >= (math.floor(lb0 * k + 1e-9) if exact else max(0, math.floor(lb0 * k) - 1)))
    # identical workers: the first task may as well run on the first worker
    # (pins tell the workers apart: no such symmetry then)
    identical = bool((inst.w == inst.w[:, :1]).all()) and inst.uniform_comm and not inst.pinned
    if identical and n:
        model.add(on[inst.topo[0]][0] == 1)
    model.minimize(ms)
    if hint:
        for i, p, s, _f in hint:
            model.add_hint(start[i], sc(s))
            for q in range(m):
                model.add_hint(on[i][q], 1 if q == p else 0)

    if deadline is not None and deadline.passed():
        yield [], lb0, False
        return
    solver = cp_model.CpSolver()
    # the time limit is the user's wall-clock budget, model building included
    solver.parameters.max_time_in_seconds = max(0.05, float(time_limit) - (time.perf_counter() - wall_start))
    if deadline is not None:
        solver.parameters.max_time_in_seconds = max(0.05, min(solver.parameters.max_time_in_seconds, deadline.left()))
    solver.parameters.num_workers = threads or 2
    solver.parameters.random_seed = int(seed)
    if work_limit is not None:
        # one search worker and a budget in the solver's own work units: the same result
        # on any machine, whatever its load (the wall clock only guards a runaway search)
        solver.parameters.num_workers = 1
        solver.parameters.max_deterministic_time = max(0.01, float(work_limit))
        solver.parameters.max_time_in_seconds = 10.0 * float(work_limit) + 10.0
    out: queue.Queue[Any] = queue.Queue()
    if t0 is None:
        t0 = time.perf_counter()

    class _Cb(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            assign = [next(p for p in range(m) if self.value(on[i][p])) for i in range(n)]
            st = [self.value(start[i]) for i in range(n)]
            out.put(("sol", assign, st, self.best_objective_bound / k))

    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["status"] = solver.solve(model, _Cb())
        except Exception as e:  # reported to the caller below
            result["error"] = e
        out.put(("done",))

    th = threading.Thread(target=run, name="cp-sat", daemon=True)
    th.start()
    pos = {t: i for i, t in enumerate(inst.topo)}
    best = math.inf
    try:
        while True:
            try:
                msg = out.get(timeout=0.05)
            except queue.Empty:
                if cancel is not None and cancel.is_set():
                    solver.stop_search()
                continue
            if msg[0] == "done":
                break
            _, assign, st, bound = msg
            seq = sorted(range(n), key=lambda i: (st[i], pos[i]))
            pl = to_placements(timer, assign, seq)
            mk = max((f for *_x, f in pl), default=0.0)
            if history is not None:
                history.append((time.perf_counter() - t0, mk, max(bound, lb0)))
            if mk < best - 1e-12 * max(1.0, mk):
                best = mk
                yield pl, max(bound, lb0), False
    finally:
        if th.is_alive():
            solver.stop_search()
            th.join()
    if "error" in result:
        raise GraphError(f"the solver failed: {result['error']}")
    if cancel is not None and cancel.is_set():
        raise Cancelled()
    status = result.get("status")
    # the model is a relaxation (zero-length intervals may sit inside others; real-valued
    # times are rounded down), so its bound holds for the real problem
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        bound = max(lb0, solver.best_objective_bound / k)
    else:
        bound = lb0
    proven = best <= bound + PROOF_TOL * max(1.0, bound)
    if report is not None:
        report["limited"] = status not in (cp_model.OPTIMAL, cp_model.INFEASIBLE, cp_model.MODEL_INVALID)
    if history is not None:
        # the final point carries the best known makespan (the hint when the solver found
        # nothing better) and the proven bound; never an infinite value
        known = min(best, max((f for *_x, f in hint), default=math.inf)) if hint else best
        if math.isfinite(known):
            history.append((time.perf_counter() - t0, known, bound))
    yield [], bound, proven
