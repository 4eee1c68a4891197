"""Quality metrics of a schedule: makespan, speed-up, efficiency, utilisation, communication, SLR.

The definitions follow the list-scheduling literature: the speed-up is measured against
the best single worker and the schedule length ratio (SLR) divides the makespan by the
sum of minimum execution times along the critical path (Topcuoglu, Hariri, Wu,
"Performance-effective and low-complexity task scheduling for heterogeneous
computing", IEEE TPDS 13(3), 2002, section 5.1).

Examples
--------
>>> from model.graph import TaskGraph, Platform
>>> from model.schedule import Schedule, Slot
>>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 2)
>>> p = Platform.homogeneous(2)
>>> s = Schedule.build("manual", g, p, [Slot("a", "P1", 0, 2), Slot("b", "P2", 0, 2)])
>>> m = schedule_metrics(s, g, p)
>>> m.makespan, m.speedup, m.efficiency, m.slr
(2.0, 2.0, 1.0, 1.0)
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .analysis import critical_path_min_of, lower_bound_of
from .graph import Platform, TaskGraph
from .instance import compile_instance
from .schedule import Schedule

__all__ = ["Metrics", "compare", "schedule_metrics"]


def _json_num(x: float) -> float | None:
    return None if math.isnan(x) or math.isinf(x) else x


@dataclass
class Metrics:
    """Figures of one schedule (see :func:`schedule_metrics`).

    Attributes
    ----------
    makespan : float
        Latest finish, from time 0 (from the earliest start for a trace that begins before 0).
    sequential_time, best_worker
        Time of the whole graph on the best single worker, and that worker.
    speedup, efficiency
        ``sequential_time / makespan`` and ``speedup / workers``.
    busy, utilisation, idle : dict[str, float]
        Per worker: time spent running tasks, ``busy / makespan``, ``makespan - busy``.
    mean_utilisation : float
        Mean of ``utilisation`` over the workers.
    load_imbalance : float
        ``max(busy) / mean(busy) - 1`` (0 when perfectly balanced).
    comm_volume, comm_edges, comm_time
        Data volume, number of edges and total transfer time of the edges whose two
        tasks run on different workers.
    slr : float
        Schedule length ratio: makespan / critical path of minimum times (≥ 1).
    lower_bound, gap
        A makespan lower bound (:func:`model.analysis.lower_bound`) and
        ``makespan / lower_bound - 1``.
    """

    algorithm: str
    makespan: float
    workers: int
    sequential_time: float
    best_worker: str
    speedup: float
    efficiency: float
    busy: dict[str, float] = field(default_factory=dict)
    utilisation: dict[str, float] = field(default_factory=dict)
    idle: dict[str, float] = field(default_factory=dict)
    mean_utilisation: float = 0.0
    load_imbalance: float = 0.0
    comm_volume: float = 0.0
    comm_edges: int = 0
    comm_time: float = 0.0
    slr: float = math.nan
    lower_bound: float = 0.0
    gap: float = math.nan

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (undefined ratios become ``None``)."""
        out: dict[str, Any] = {}
        for k, v in self.__dict__.items():
            if isinstance(v, float):
                out[k] = _json_num(v)
            elif isinstance(v, dict):
                out[k] = {kk: _json_num(vv) for kk, vv in v.items()}
            else:
                out[k] = v
        return out

    def summary(self) -> dict[str, Any]:
        """The scalar figures only (one row of :func:`compare`)."""
        d = self.to_dict()
        for k in ("busy", "utilisation", "idle"):
            d.pop(k)
        return d


def _ratio(a: float, b: float) -> float:
    if b > 0:
        return a / b
    return 1.0 if a == 0 else math.inf


def _bounds(graph: TaskGraph, platform: Platform) -> tuple[float, str, float, float]:
    """(sequential time, best worker, critical path of min times, lower bound).

    The graph is compiled (and validated) once here and every bound is read from that
    one instance: compiling a 100,000-task graph takes about a second.
    """
    inst = compile_instance(graph, platform)
    if inst.n == 0:
        return 0.0, platform.ids[0], 0.0, 0.0
    per_worker = inst.w.sum(axis=0)
    best = int(np.argmin(per_worker))
    cp = critical_path_min_of(inst).length
    lb = lower_bound_of(inst)
    return float(per_worker[best]), inst.workers[best], cp, lb


def _metrics(schedule: Schedule, graph: TaskGraph, platform: Platform,
             bounds: tuple[float, str, float, float]) -> Metrics:
    seq, best, cp_min, lb = bounds
    ms = schedule.makespan
    m = len(platform)
    ids = list(platform.ids)
    for w in schedule.workers:
        if w not in ids:
            ids.append(w)
    busy = dict.fromkeys(ids, 0.0)
    for s in schedule.slots:
        busy[s.worker] = busy.get(s.worker, 0.0) + s.duration
    util = {w: (b / ms if ms > 0 else 0.0) for w, b in busy.items()}
    idle = {w: max(0.0, ms - b) for w, b in busy.items()}
    mean_busy = sum(busy.values()) / len(busy) if busy else 0.0
    imbalance = max(busy.values()) / mean_busy - 1.0 if mean_busy > 0 else 0.0
    at = schedule.mapping()
    net = platform.network
    volume, count, ctime = 0.0, 0, 0.0
    for u, v, a in graph.nx.edges(data=True):
        pu, pv = at.get(u), at.get(v)
        if pu is None or pv is None or pu == pv:
            continue
        d = float(a.get("data", 0.0))
        volume += d
        count += 1
        ctime += net.comm_time(d, pu, pv)
    speedup = _ratio(seq, ms)
    return Metrics(
        algorithm=schedule.algorithm,
        makespan=ms,
        workers=m,
        sequential_time=seq,
        best_worker=best,
        speedup=speedup,
        efficiency=speedup / m,
        busy=busy,
        utilisation=util,
        idle=idle,
        mean_utilisation=sum(util.values()) / len(util) if util else 0.0,
        load_imbalance=imbalance,
        comm_volume=volume,
        comm_edges=count,
        comm_time=ctime,
        slr=_ratio(ms, cp_min),
        lower_bound=lb,
        gap=_ratio(ms, lb) - 1.0,
    )


def schedule_metrics(schedule: Schedule, graph: TaskGraph, platform: Platform | None = None) -> Metrics:
    """Compute the :class:`Metrics` of ``schedule`` for ``graph`` on ``platform``.

    Parameters
    ----------
    schedule : Schedule
        A schedule of ``graph`` (computed, or a recorded trace).
    graph : TaskGraph
        The graph (not modified).
    platform : Platform, optional
        The workers; default the graph's own.

    Returns
    -------
    Metrics

    References
    ----------
    H. Topcuoglu, S. Hariri, M.-Y. Wu, IEEE TPDS 13(3), 2002 (SLR, speed-up against the
    best single processor, efficiency).

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.schedule import Schedule, Slot
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 3); g.add_edge("a", "b", 4)
    >>> p = Platform.homogeneous(2)
    >>> s = Schedule.build("manual", g, p, [Slot("a", "P1", 0, 2), Slot("b", "P2", 6, 9)])
    >>> m = schedule_metrics(s, g, p)
    >>> m.comm_edges, m.comm_volume, m.comm_time, m.slr, round(m.load_imbalance, 6)
    (1, 4.0, 4.0, 1.8, 0.2)
    """
    plat = platform if platform is not None else graph.default_platform()
    return _metrics(schedule, graph, plat, _bounds(graph, plat))


def compare(
    schedules: Iterable[Schedule], graph: TaskGraph, platform: Platform | None = None
) -> list[dict[str, Any]]:
    """One row of scalar metrics per schedule, in the given order, for tables.

    Each row is :meth:`Metrics.summary` plus ``rank`` (1 = shortest makespan; ties share
    a rank). The bounds are computed once for all schedules.

    Examples
    --------
    >>> from model.graph import TaskGraph, Platform
    >>> from model.schedule import Schedule, Slot
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 2)
    >>> p = Platform.homogeneous(2)
    >>> one = Schedule.build("serial", g, p, [Slot("a", "P1", 0, 2), Slot("b", "P1", 2, 4)])
    >>> two = Schedule.build("split", g, p, [Slot("a", "P1", 0, 2), Slot("b", "P2", 0, 2)])
    >>> [(r["algorithm"], r["makespan"], r["rank"]) for r in compare([one, two], g, p)]
    [('serial', 4.0, 2), ('split', 2.0, 1)]
    """
    plat = platform if platform is not None else graph.default_platform()
    bounds = _bounds(graph, plat)
    rows = [_metrics(s, graph, plat, bounds).summary() for s in schedules]
    spans = sorted({r["makespan"] for r in rows})
    for r in rows:
        r["rank"] = 1 + sum(1 for x in spans if x < r["makespan"] - 1e-9 * max(1.0, r["makespan"]))
    return rows
