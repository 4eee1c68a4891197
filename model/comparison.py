"""Comparing the schedules of several algorithms on one graph: figures, gaps, search curves.

- :func:`table_metrics`: the figures of one schedule as a comparison table shows them;
- :func:`measure_gaps`: each result against the best lower bound known for its graph
  (the analytic bound, or one proven by an anytime search run on the same graph);
- :func:`gap_explanation`: what a gap is measured against, in words;
- :func:`search_curves`: the best makespan and bound of an anytime search over time.

Nothing here mutates its inputs.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .graph import Platform, TaskGraph
from .metrics import schedule_metrics
from .schedule import Schedule

__all__ = ["OPTIMAL_TOL", "Gap", "RunResult", "finite", "gap_explanation", "measure_gaps", "search_curves",
           "table_metrics"]

#: relative tolerance under which a makespan equals its lower bound (proven optimal)
OPTIMAL_TOL = 1e-9

_RANK = {"analytic": 0, "proven": 1, "optimal": 2}


def finite(v: Any) -> float | None:
    """``v`` as a float when it is a finite number, else ``None``.

    Examples
    --------
    >>> finite("2"), finite(math.inf), finite(None)
    (2.0, None, None)
    """
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def table_metrics(schedule: Schedule, graph: TaskGraph, platform: Platform) -> dict[str, float]:
    """The comparison figures of ``schedule`` from :func:`model.metrics.schedule_metrics`.

    Keys: ``makespan``, ``speedup``, ``efficiency``, ``utilisation`` (mean over the
    workers), ``comm_volume``, ``slr``, ``gap`` (against the analytic bound) and
    ``lower_bound`` (the analytic bound, :func:`model.analysis.lower_bound`). Undefined
    ratios (NaN, infinite) are left out.

    Examples
    --------
    >>> from model.schedule import Slot
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 2)
    >>> s = Schedule.build("m", g, Platform.homogeneous(2), [Slot("a", "P1", 0, 2), Slot("b", "P2", 0, 2)])
    >>> m = table_metrics(s, g, Platform.homogeneous(2))
    >>> m["makespan"], m["speedup"], m["gap"]
    (2.0, 2.0, 0.0)
    """
    m = schedule_metrics(schedule, graph, platform)
    lb = m.lower_bound
    raw = {
        "makespan": m.makespan,
        "speedup": m.speedup,
        "efficiency": m.efficiency,
        "utilisation": m.mean_utilisation,
        "comm_volume": m.comm_volume,
        "slr": m.slr,
        "gap": (m.makespan / lb - 1.0) if lb > 0 else None,
        "lower_bound": lb,
    }
    return {k: float(v) for k, v in raw.items() if v is not None and math.isfinite(v)}


@dataclass(frozen=True)
class RunResult:
    """What :func:`measure_gaps` needs of one finished run.

    Runs of the same ``generation`` ran on the same graph and platform.
    """

    algorithm: str
    schedule: Schedule
    metrics: Mapping[str, float]
    generation: int = 0


@dataclass(frozen=True)
class Gap:
    """A result measured against the best lower bound known for its graph.

    Attributes
    ----------
    bound : float
        The lower bound.
    kind : str
        ``"analytic"``, ``"proven"`` (reported by a search) or ``"optimal"`` (a search
        proved its makespan optimal).
    by : str
        The algorithm whose run gave the bound (empty for the analytic bound).
    gap : float or None
        ``makespan / bound - 1`` (0 when optimal; ``None`` without a bound or makespan).
    optimal : bool
        The makespan equals the bound.
    """

    bound: float
    kind: str
    by: str
    gap: float | None
    optimal: bool


def _best_bound(group: Sequence[RunResult]) -> tuple[float, str, str]:
    analytic = max((finite(r.metrics.get("lower_bound")) or 0.0 for r in group), default=0.0)
    best = (analytic, "analytic", "")
    for r in group:
        meta = r.schedule.meta
        lb = finite(meta.get("lower_bound"))
        if lb is None:
            continue
        if meta.get("proven_optimal"):
            kind, lb = "optimal", max(lb, float(r.schedule.makespan))
        elif lb > analytic * (1 + OPTIMAL_TOL):
            kind = "proven"
        else:
            continue  # no better than the analytic bound
        tol = OPTIMAL_TOL * max(1.0, abs(best[0]))
        if lb > best[0] + tol or (lb >= best[0] - tol and _RANK[kind] > _RANK[best[1]]):
            best = (max(lb, best[0]), kind, r.algorithm)
    return best


def measure_gaps(results: Sequence[RunResult]) -> list[Gap]:
    """Measure every result against the best lower bound known for its graph.

    Within a generation the candidates are each result's analytic bound
    (``metrics["lower_bound"]``) and the ``lower_bound`` a run put in its schedule's
    ``meta`` (anytime searches; a ``proven_optimal`` run proves its makespan). The
    largest wins; on a tie the stronger kind (optimal, proven, analytic).

    Returns
    -------
    list of Gap
        One per result, in order.

    Examples
    --------
    >>> from model.schedule import Slot
    >>> def run(name, span, **meta):
    ...     s = Schedule(name, ["P1"], [Slot("t", "P1", 0.0, span)], meta=meta)
    ...     return RunResult(name, s, {"makespan": span, "lower_bound": 90.0})
    >>> gaps = measure_gaps([run("heft", 120.0), run("best", 110.0, lower_bound=100.0)])
    >>> [(g.bound, g.kind, g.by, round(g.gap, 3)) for g in gaps]
    [(100.0, 'proven', 'best', 0.2), (100.0, 'proven', 'best', 0.1)]
    """
    groups: dict[int, list[RunResult]] = defaultdict(list)
    for r in results:
        groups[r.generation].append(r)
    best = {gen: _best_bound(group) for gen, group in groups.items()}
    out = []
    for r in results:
        bound, kind, by = best[r.generation]
        ms = finite(r.metrics.get("makespan"))
        if ms is None or bound <= 0:
            out.append(Gap(bound, kind, by, None, False))
            continue
        gap = ms / bound - 1.0
        optimal = abs(gap) <= OPTIMAL_TOL * max(1.0, ms)
        out.append(Gap(bound, kind, by, 0.0 if optimal else gap, optimal))
    return out


def gap_explanation(gap: Gap, schedule: Schedule, metrics: Mapping[str, float], *, anytime: bool) -> str:
    """What the gap of a result is measured against, in words (a table cell's tooltip).

    ``metrics`` are the result's :func:`table_metrics`; ``anytime``: the run was a search
    that reports its own bound.
    """
    ms = float(schedule.makespan)
    if gap.optimal:
        lines = [f"Optimal: makespan {ms:g} equals the lower bound {gap.bound:g}."]
    elif gap.gap is not None:
        lines = [f"Makespan {ms:g} is {100 * gap.gap:.1f} % above the lower bound {gap.bound:g}."]
    else:
        lines = [f"Lower bound {gap.bound:g}."]
    if gap.kind == "analytic":
        lines.append("Analytic bound: the larger of the critical path of minimum execution times and the "
                     "total minimum work ÷ workers, rounded up when every time is a whole number. No search "
                     "has proven a better one on this graph.")
    elif gap.kind == "optimal":
        lines.append(f"Proven bound: the {gap.by} run proved the optimum of this graph.")
    else:
        lines.append(f"Proven bound: reported by the {gap.by} run's search on this graph "
                     f"(better than the analytic bound {metrics.get('lower_bound', 0.0):g}).")
    meta = schedule.meta
    own = finite(meta.get("lower_bound"))
    if anytime and own is not None:
        if meta.get("proven_optimal"):
            lines.append("This run proved its schedule optimal.")
        else:
            g = finite(meta.get("gap"))
            txt = f"This run's own bound: {own:g}" + (f" (gap {100 * g:.1f} %)" if g is not None else "")
            if "proven_optimal" in meta:
                txt += "; the time limit ran out before the gap closed"
            lines.append(txt + ".")
    return "\n".join(lines)


FloatArray = npt.NDArray[np.float64]


def search_curves(history: Sequence[tuple[float, float, float]], t_end: float | None = None,
                  ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Step curves of a search history: ``(x_best, best, x_bound, bound)``.

    ``history`` holds ``(seconds, best makespan, bound)`` points. ``best`` is the best
    makespan found so far (running minimum) and ``bound`` the best lower bound so far
    (running maximum), one value per point; each ``x`` holds the point times plus one
    closing edge at ``t_end`` (default: the last point), as a ``stepMode="center"`` plot
    wants. Non-finite values (no solution yet) are left out.

    Examples
    --------
    >>> xb, yb, xl, yl = search_curves([(0.0, 10.0, 5.0), (1.0, 8.0, 6.0)], t_end=2.0)
    >>> xb.tolist(), yb.tolist(), yl.tolist()
    ([0.0, 1.0, 2.0], [10.0, 8.0], [5.0, 6.0])
    """
    pts = sorted(history, key=lambda p: p[0])
    out: list[FloatArray] = []
    for col, acc in ((1, np.minimum.accumulate), (2, np.maximum.accumulate)):
        keep = [(float(p[0]), float(p[col])) for p in pts if math.isfinite(p[col]) and math.isfinite(p[0])]
        if not keep:
            out += [np.zeros(0), np.zeros(0)]
            continue
        t = np.array([k[0] for k in keep], dtype=np.float64)
        y = np.asarray(acc(np.array([k[1] for k in keep], dtype=np.float64)), dtype=np.float64)
        end = max(float(t[-1]), float(t_end) if t_end is not None else float(t[-1]))
        out += [np.append(t, end), y]
    return out[0], out[1], out[2], out[3]
