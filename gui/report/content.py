"""What a mapping report holds, computed from the model (no Qt here).

:func:`build_content` runs the analysis, the plain-language explanation, every
requested algorithm on the graph's workers (HEFT always among them: the report shows its
Gantt chart as the reference), their comparison, the parallelism profiles and the
speed-up curve. The renderers (:mod:`gui.report.document`) only draw what it returns.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from model import analysis as A
from model.algorithms import ALGORITHMS, CancelToken, check_cancel, get_algorithm, load_all
from model.explain import Sentence, explain
from model.graph import GraphError, Platform, TaskGraph
from model.metrics import compare
from model.profile import Profile, earliest_start_profile, schedule_profile
from model.scaling import default_workers, scale
from model.schedule import Schedule

__all__ = ["DEFAULT_ALGORITHMS", "ReportContent", "build_content"]

#: fast heuristics of different families, and two naive baselines
DEFAULT_ALGORITHMS = ("heft", "cpop", "peft", "etf", "dls", "minmin", "maxmin", "greedy", "round-robin")
#: how many algorithms the speed-up curve draws (HEFT and the best ones)
CURVE_ALGORITHMS = 4


@dataclass
class ReportContent:
    """Everything a report shows (see :func:`build_content`)."""

    graph: TaskGraph
    platform: Platform
    analysis: A.Analysis
    sentences: list[Sentence]
    schedules: dict[str, Schedule]
    rows: list[dict[str, Any]]
    seconds: dict[str, float]
    best: str
    profile: Profile
    best_profile: Profile
    scaling: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    @property
    def analysis_dict(self) -> dict[str, Any]:
        """The ``taskmapper analyze --json`` object of this graph and platform."""
        return self.analysis.to_dict()

    def comparison_dict(self) -> dict[str, Any]:
        """The comparison table as JSON (one row per algorithm, in table order)."""
        return {
            "format": "taskmapper-comparison",
            "version": 1,
            "graph": self.graph.name,
            "workers": self.platform.ids,
            "best": self.best,
            "rows": [{**r, "seconds": self.seconds.get(r["algorithm"])} for r in self.rows],
        }


def _names(algorithms: Sequence[str] | None) -> tuple[list[str], list[str]]:
    load_all()
    asked = [a.strip().lower() for a in (algorithms or DEFAULT_ALGORITHMS) if a.strip()]
    if not asked:
        raise GraphError("no algorithms to run")
    for a in asked:
        get_algorithm(a)  # an unknown name fails before any work
    notes = []
    names = list(dict.fromkeys(asked))
    if "heft" not in names:
        names.insert(0, "heft")
        notes.append("HEFT was added to the algorithms asked for: its schedule is the reference of the report.")
    return names, notes


def build_content(
    graph: TaskGraph,
    algorithms: Sequence[str] | None = None,
    *,
    workers: int | None = None,
    time_limit: float | None = None,
    scale_workers: Sequence[int] | None = None,
    cancel: CancelToken | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ReportContent:
    """Compute the report of ``graph`` on its platform (``workers`` overrides the number of workers).

    Parameters
    ----------
    algorithms : sequence of str, optional
        Algorithms to compare (default :data:`DEFAULT_ALGORITHMS`); HEFT is added when missing.
    time_limit : float, optional
        Seconds for the searching algorithms (``best``, ``improve``, ``optimal``).
    scale_workers : sequence of int, optional
        Numbers of workers of the speed-up curve (default 1 to max(8, 2 × workers)).
    cancel, progress
        As for :func:`model.scaling.scale`; ``progress(done, total)`` counts algorithm
        runs and curve points.

    Raises
    ------
    GraphError
        Unknown algorithm or invalid graph.
    """
    names, notes = _names(algorithms)
    plat = graph.default_platform(workers)
    rep = A.analyze(graph, plat)
    params: dict[str, Any] = {} if time_limit is None else {"time_limit": float(time_limit)}
    curve_workers = list(scale_workers) if scale_workers else default_workers(graph)
    if workers is not None and not scale_workers:
        curve_workers = list(range(1, max(8, 2 * workers) + 1))
    schedules: dict[str, Schedule] = {}
    seconds: dict[str, float] = {}
    curve_slots = min(CURVE_ALGORITHMS, len([n for n in names if _curve_ok(n)]))
    total = len(names) + curve_slots * len(curve_workers)
    done = 0
    for name in names:
        check_cancel(cancel)
        t0 = time.perf_counter()
        schedules[name] = get_algorithm(name, **params).schedule(graph, plat, cancel=cancel)
        seconds[name] = time.perf_counter() - t0
        done += 1
        if progress is not None:
            progress(done, total)
    rows = compare(schedules.values(), graph, plat)
    best = min(rows, key=lambda r: (r["makespan"], r["rank"]))["algorithm"]
    ranked = [r["algorithm"] for r in sorted(rows, key=lambda r: r["rank"])]
    curve = [n for n in dict.fromkeys(["heft", *ranked]) if _curve_ok(n)][:CURVE_ALGORITHMS]
    left_out = [n for n in names if not _curve_ok(n)]
    if left_out:
        notes.append(f"The speed-up curve leaves out the searching algorithm(s) {', '.join(left_out)}: "
                     "each point would take their whole time budget.")

    def curve_progress(d: int, t: int) -> None:
        if progress is not None:
            progress(done + d, total)

    scaling = scale(graph, curve, curve_workers, time_limit=time_limit, cancel=cancel, progress=curve_progress)
    return ReportContent(
        graph=graph,
        platform=plat,
        analysis=rep,
        sentences=explain(graph, plat, analysis=rep),
        schedules=schedules,
        rows=rows,
        seconds=seconds,
        best=best,
        profile=earliest_start_profile(graph),
        best_profile=schedule_profile(schedules[best]),
        scaling=scaling,
        notes=notes,
    )


def _curve_ok(name: str) -> bool:
    cls = ALGORITHMS[name]
    return not (cls.slow or cls.anytime)
