"""The whole mapping analysis of a graph on a platform (:func:`analyze`) and its report text."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from ..graph import Platform, TaskGraph
from ..instance import compile_instance
from ..levels import bottom_levels, levels, longest_path, mean_edge_times, path_levels
from .bounds import lower_bound_of
from .exchange import DataEdge
from .width import max_antichain

__all__ = ["Analysis", "TaskTimes", "analyze"]

_EPS = 1e-9


@dataclass(frozen=True)
class TaskTimes:
    """Per-task figures of the analysis (mean costs)."""

    level: int
    t_level: float
    b_level: float
    slack: float


@dataclass
class Analysis:
    """The result of :func:`analyze`; ``to_dict()`` for JSON, ``to_text()`` for people.

    Attributes
    ----------
    levels : list[list[str]]
        Topological levels (each a set of mutually independent tasks).
    width : int
        Size of a maximum antichain (exact when ``width_exact``, else the largest level).
    max_antichain : list[str]
        One maximum set of mutually independent tasks.
    data_edges : list[DataEdge]
        Edges carrying data, largest first.
    critical_path, critical_path_length
        Longest path with mean execution and transfer times.
    critical_path_min, critical_path_min_length
        Longest path with minimum execution times and no communication.
    total_work_mean, total_work_min
        Sum over tasks of the mean / minimum execution time.
    ccr : float
        Mean edge transfer time / mean task execution time (Topcuoglu 2002).
    average_parallelism : float
        Total mean work / longest path of mean execution times (no communication).
    lower_bound : float
        ``max(critical_path_min_length, total_work_min / workers)``.
    tasks : dict[str, TaskTimes]
        Level, t-level, b-level and slack of each task.
    """

    name: str
    n_tasks: int
    n_edges: int
    n_workers: int
    levels: list[list[str]]
    width: int
    width_exact: bool
    max_antichain: list[str]
    data_edges: list[DataEdge]
    total_data: float
    critical_path: list[str]
    critical_path_length: float
    critical_path_min: list[str]
    critical_path_min_length: float
    total_work_mean: float
    total_work_min: float
    ccr: float
    average_parallelism: float
    lower_bound: float
    lower_bound_work: float
    tasks: dict[str, TaskTimes] = field(default_factory=dict)

    @property
    def total_comm_mean(self) -> float:
        """Sum of the mean transfer times of the data edges."""
        return sum(e.mean_time for e in self.data_edges)

    def top_edges(self, k: int = 10) -> list[DataEdge]:
        """The ``k`` edges carrying the most data."""
        return self.data_edges[:k]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (plain lists, dicts, numbers, strings)."""
        return {
            "graph": self.name,
            "tasks": self.n_tasks,
            "edges": self.n_edges,
            "workers": self.n_workers,
            "levels": [list(x) for x in self.levels],
            "level_count": len(self.levels),
            "width": self.width,
            "width_exact": self.width_exact,
            "max_antichain": list(self.max_antichain),
            "data_exchange": {
                "edges": len(self.data_edges),
                "total_data": self.total_data,
                "total_mean_time": self.total_comm_mean,
                "top": [asdict(e) for e in self.top_edges()],
                "all": [asdict(e) for e in self.data_edges],
            },
            "critical_path": {"tasks": list(self.critical_path), "length": self.critical_path_length},
            "critical_path_min": {"tasks": list(self.critical_path_min), "length": self.critical_path_min_length},
            "total_work_mean": self.total_work_mean,
            "total_work_min": self.total_work_min,
            "ccr": self.ccr,
            "average_parallelism": self.average_parallelism,
            "lower_bound": self.lower_bound,
            "lower_bound_work": self.lower_bound_work,
            "per_task": {t: asdict(v) for t, v in self.tasks.items()},
        }

    def to_text(self) -> str:
        """A readable multi-line report for a terminal."""

        def names(ts: list[str], k: int = 12) -> str:
            more = f", … (+{len(ts) - k})" if len(ts) > k else ""
            return ", ".join(ts[:k]) + more

        lines = [
            f"Analysis of {self.name!r}: {self.n_tasks} tasks, {self.n_edges} edges, {self.n_workers} workers",
            "",
            "Independent tasks",
            f"  topological levels: {len(self.levels)} (largest has {max(map(len, self.levels), default=0)} tasks)",
        ]
        for k, lv in enumerate(self.levels[:8]):
            lines.append(f"    level {k}: {len(lv)} task(s): {names(lv)}")
        if len(self.levels) > 8:
            lines.append(f"    … {len(self.levels) - 8} more levels")
        exact = "exact, Dilworth" if self.width_exact else "largest level; graph too large for the exact width"
        lines += [
            f"  width (max independent set): {self.width} ({exact})",
            f"    {names(self.max_antichain)}",
            "",
            "Data exchange",
            f"  edges carrying data: {len(self.data_edges)} of {self.n_edges}, total volume {self.total_data:g}"
            f", mean transfer time total {self.total_comm_mean:g}",
        ]
        for e in self.top_edges():
            lines.append(f"    {e.source} -> {e.target}: {e.data:g} (mean time {e.mean_time:g})")
        lines += [
            "",
            "Critical path",
            f"  mean costs: length {self.critical_path_length:g}: {' -> '.join(self.critical_path[:20])}"
            + (" -> …" if len(self.critical_path) > 20 else ""),
            f"  minimum times, no communication: length {self.critical_path_min_length:g}: "
            + " -> ".join(self.critical_path_min[:20]) + (" -> …" if len(self.critical_path_min) > 20 else ""),
            "",
            "Work and parallelism",
            f"  total work: {self.total_work_mean:g} (mean times), {self.total_work_min:g} (minimum times)",
            f"  CCR (mean communication / mean computation): {self.ccr:.4g}",
            f"  average parallelism (work / span): {self.average_parallelism:.4g}",
            "",
            "Lower bound on the makespan",
            f"  {self.lower_bound:g} from max(critical path of minimum times {self.critical_path_min_length:g}, "
            f"minimum work / {self.n_workers} workers {self.lower_bound_work:g}, longest task), "
            "rounded up when all times are whole numbers",
        ]
        slack_tasks = sorted(self.tasks.items(), key=lambda kv: -kv[1].slack)
        flexible = [f"{t} ({v.slack:g})" for t, v in slack_tasks[:8] if v.slack > 0]
        if flexible:
            lines += ["", "Most slack (can be delayed without lengthening the critical path)", "  " + ", ".join(flexible)]
        return "\n".join(lines) + "\n"


def analyze(graph: TaskGraph, platform: Platform | None = None) -> Analysis:
    """Analyse ``graph`` on ``platform`` for mapping (see the module docstring).

    Parameters
    ----------
    graph : TaskGraph
        The graph (not modified).
    platform : Platform, optional
        The workers; default the graph's own (:meth:`TaskGraph.default_platform`).

    Returns
    -------
    Analysis

    Raises
    ------
    GraphError
        If the graph is invalid (cycle, bad costs, costs not matching the platform).

    References
    ----------
    H. Topcuoglu, S. Hariri, M.-Y. Wu, "Performance-effective and low-complexity task
    scheduling for heterogeneous computing", IEEE TPDS 13(3), 2002 (mean costs, CCR,
    critical path); Y.-K. Kwok, I. Ahmad, ACM Computing Surveys 31(4), 1999 (t-level,
    b-level, ALAP).

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 4); g.add_task("b", 4); g.add_edge("a", "b", 2)
    >>> r = analyze(g, Platform.homogeneous(2))
    >>> r.ccr, r.average_parallelism, r.width
    (0.5, 1.0, 1)
    """
    plat = platform if platform is not None else graph.default_platform()
    inst = compile_instance(graph, plat)
    n = inst.n
    lv = levels(graph)
    lvl_of = {t: k for k, ts in enumerate(lv) for t in ts}
    anti, exact = max_antichain(graph)
    wbar = inst.mean_w()
    wmin = inst.w.min(axis=1) if n else np.zeros(0)
    comm = mean_edge_times(inst)
    t, b = path_levels(inst, wbar, comm)
    cp_path, cp_len = longest_path(inst, wbar, comm, b)
    cp = [inst.tasks[i] for i in cp_path]
    cpmin_path, cpmin_len = longest_path(inst, wmin, None)
    cpmin = [inst.tasks[i] for i in cpmin_path]
    bspan = bottom_levels(inst, wbar, None)
    span = float(bspan.max()) if n else 0.0
    work_mean = float(wbar.sum())
    work_min = float(wmin.sum())
    n_edges = graph.nx.number_of_edges()
    edge_times = [c for row in comm for c in row]
    mean_comm = sum(edge_times) / len(edge_times) if edge_times else 0.0
    mean_comp = work_mean / n if n else 0.0
    ccr = mean_comm / mean_comp if mean_comp > 0 else 0.0
    data_edges = []
    for i, row in enumerate(inst.succs):
        for k, j in enumerate(row):
            d = inst.succ_data[i][k]
            if d > 0:
                data_edges.append(DataEdge(inst.tasks[i], inst.tasks[j], d, comm[i][k]))
    data_edges.sort(key=lambda e: -e.data)
    sl = cp_len - t - b
    tol = _EPS * max(1.0, cp_len)
    per_task = {
        task: TaskTimes(lvl_of[task], float(t[i]), float(b[i]), float(sl[i]) if sl[i] > tol else 0.0)
        for i, task in enumerate(inst.tasks)
    }
    lb_work = work_min / inst.m
    return Analysis(
        name=graph.name,
        n_tasks=n,
        n_edges=n_edges,
        n_workers=inst.m,
        levels=lv,
        width=len(anti),
        width_exact=exact,
        max_antichain=anti,
        data_edges=data_edges,
        total_data=float(sum(e.data for e in data_edges)),
        critical_path=cp,
        critical_path_length=cp_len,
        critical_path_min=cpmin,
        critical_path_min_length=cpmin_len,
        total_work_mean=work_mean,
        total_work_min=work_min,
        ccr=ccr,
        average_parallelism=work_mean / span if span > 0 else 0.0,
        lower_bound=lower_bound_of(inst),
        lower_bound_work=lb_work,
        tasks=per_task,
    )
