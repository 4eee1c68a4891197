"""Speed-up curves: makespan and speed-up of mapping algorithms against the number of workers.

Each point maps the graph onto ``P`` identical workers of speed 1 joined by the graph's
network (its bandwidth and latency) and records the makespan. With ``W`` the total
work and ``S`` the span (the longest chain of task times, communication left out), no
schedule on ``P`` workers is shorter than ``max(S, W / P)`` (the work law and the span
law), so the speed-up ``W / makespan`` never exceeds ``min(P, W / S)``
(R. L. Graham, "Bounds on multiprocessing timing anomalies", SIAM J. Appl. Math. 17(2),
1969; Eager, Zahorjan, Lazowska, IEEE Trans. Computers 38(3), 1989).

A graph with per-worker ``costs`` (unrelated machines) has no meaning on a different
number of workers, so each task takes the mean of its costs; the result says so in its
``note``. Pins name particular workers and are left out for the same reason.

The result is the ``taskmapper-scaling`` JSON object of the command-line contract.

Examples
--------
>>> from model.graph import TaskGraph
>>> g = TaskGraph("four")
>>> for t in "abcd":
...     g.add_task(t, 3)
>>> r = scale(g, ["heft"], [1, 2, 4])
>>> r["work"], r["span"], r["lower_bound"], r["makespan"]["heft"], r["speedup"]["heft"]
(12.0, 3.0, [12.0, 6.0, 3.0], [12.0, 6.0, 3.0], [1.0, 2.0, 4.0])
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from typing import Any

from .algorithms import CancelToken, check_cancel, get_algorithm
from .graph import GraphError, Network, Platform, TaskGraph
from .profile import work_and_span

__all__ = [
    "FORMAT",
    "VERSION",
    "default_workers",
    "identical_workers_graph",
    "parse_workers",
    "scale",
    "scaling_csv",
    "scaling_network",
]

FORMAT = "taskmapper-scaling"
VERSION = 1


def scaling_network(graph: TaskGraph) -> Network:
    """The network the points use: the graph's bandwidth and latency (per-link overrides left out).

    Examples
    --------
    >>> g = TaskGraph(); g.network = Network(bandwidth=2.0, latency=0.5)
    >>> net = scaling_network(g)
    >>> net.bandwidth, net.latency
    (2.0, 0.5)
    """
    net = graph.platform.network if graph.platform is not None else graph.network
    if net is None:
        return Network()
    return Network(bandwidth=net.bandwidth, latency=net.latency)


def identical_workers_graph(graph: TaskGraph) -> tuple[TaskGraph, list[str]]:
    """A copy of ``graph`` that runs on any number of identical workers, and what was changed.

    Per-worker ``costs`` become a ``cost`` equal to their mean, ``pin`` keys are dropped
    and the worker list is forgotten (the network is kept, see :func:`scaling_network`).
    The returned notes are sentences for the result's ``note``; the input is not changed.

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", costs=[2, 4]); g.add_task("b", 1)
    >>> h, notes = identical_workers_graph(g)
    >>> h.cost("a"), h.costs("a"), notes
    (3.0, None, ["per-worker costs replaced by each task's mean cost"])
    """
    notes: list[str] = []
    h = graph.copy()
    h.platform = None
    h.network = scaling_network(graph)
    attrs = h.nx.nodes
    if graph.is_unrelated():
        notes.append("per-worker costs replaced by each task's mean cost")
    pinned = False
    for t in h.tasks:
        a = attrs[t]
        if "costs" in a:
            c = a.pop("costs")
            a["cost"] = float(sum(c)) / len(c)
        if "pin" in a:
            del a["pin"]
            pinned = True
    if pinned:
        notes.append("pins left out (they name particular workers)")
    net = graph.platform.network if graph.platform is not None else graph.network
    if net is not None and net.links:
        notes.append("per-link network overrides left out (identical workers)")
    if graph.platform is not None and any(w.speed != 1.0 for w in graph.platform.workers):
        notes.append("worker speeds left out (identical workers of speed 1)")
    return h, notes


def default_workers(graph: TaskGraph) -> list[int]:
    """``1 .. max(8, 2 × the graph's number of workers)``: the default numbers of workers to try.

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", costs=[1, 2, 3, 4, 5])
    >>> default_workers(g)
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    >>> default_workers(TaskGraph())
    [1, 2, 3, 4, 5, 6, 7, 8]
    """
    return list(range(1, max(8, 2 * len(graph.default_platform())) + 1))


def parse_workers(text: str, *, limit: int | None = None) -> list[int]:
    """Numbers of workers from ``1-16``, ``1,2,4,8`` or a mix (``1-4,8,16``): ascending, without repeats.

    Raises
    ------
    GraphError
        On anything else, a number below 1, a range running backwards, or a number above ``limit``.

    Examples
    --------
    >>> parse_workers("1-4"), parse_workers("8,1,2,4"), parse_workers("1-3,2,16")
    ([1, 2, 3, 4], [1, 2, 4, 8], [1, 2, 3, 16])
    """
    out: set[int] = set()
    shape = "a range like 1-16 or a list like 1,2,4,8"
    for part in str(text).split(","):
        part = part.strip()
        lo_s, dash, hi_s = part.partition("-")
        try:
            lo = int(lo_s)
            hi = int(hi_s) if dash else lo
        except ValueError:
            raise GraphError(f"expected {shape}, got {text!r}") from None
        if lo < 1:
            raise GraphError(f"numbers of workers must be at least 1, got {lo} in {text!r}")
        if hi < lo:
            raise GraphError(f"range {part!r} runs backwards (write {hi}-{lo})")
        if limit is not None and hi > limit:
            raise GraphError(f"at most {limit} workers, got {hi} in {text!r}")
        out.update(range(lo, hi + 1))
    return sorted(out)


def _check_workers(workers_list: Sequence[int]) -> list[int]:
    out = []
    for p in workers_list:
        if isinstance(p, bool) or not isinstance(p, int) or p < 1:
            raise GraphError(f"a number of workers must be a whole number of at least 1, got {p!r}")
        out.append(int(p))
    if not out:
        raise GraphError("no numbers of workers to try")
    return out


def scale(
    graph: TaskGraph,
    algorithms: Sequence[str],
    workers_list: Sequence[int],
    time_limit: float | None = None,
    cancel: CancelToken | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Makespan and speed-up of each algorithm for each number of workers.

    Parameters
    ----------
    graph : TaskGraph
        The graph (not modified).
    algorithms : sequence of str
        Registered algorithm names (:func:`~model.algorithms.get_algorithm`), in the order
        the result lists them.
    workers_list : sequence of int
        The numbers of workers, in the order of the result.
    time_limit : float, optional
        Seconds per point for the searching algorithms (passed as their ``time_limit``).
    cancel : CancelToken, optional
        Checked between and inside the points; when set, :class:`~model.algorithms.Cancelled`
        is raised.
    progress : callable, optional
        ``progress(done, total)`` after each point (``total = algorithms × workers``).

    Returns
    -------
    dict
        ``{"format": "taskmapper-scaling", "version": 1, "graph", "work", "span",
        "workers", "lower_bound", "makespan": {alg: [...]}, "speedup": {alg: [...]}}``
        plus ``network`` (bandwidth, latency) and, when the graph had to be adapted,
        ``note``. A speed-up is ``None`` when the makespan is 0.

    Raises
    ------
    GraphError
        Unknown algorithm, bad number of workers, or an invalid graph.
    Cancelled
        When ``cancel`` is set.
    """
    workers = _check_workers(workers_list)
    names = [str(a).lower() for a in algorithms]
    if not names:
        raise GraphError("no algorithms to run")
    params: dict[str, Any] = {} if time_limit is None else {"time_limit": float(time_limit)}
    for name in names:
        get_algorithm(name, **params)  # an unknown name fails before any work
    h, notes = identical_workers_graph(graph)
    h.validate()
    work, span = work_and_span(h)
    net = h.network if h.network is not None else Network()
    total = len(names) * len(workers)
    done = 0
    makespan: dict[str, list[float]] = {}
    speedup: dict[str, list[float | None]] = {}
    for name in names:
        ms_row: list[float] = []
        for p in workers:
            check_cancel(cancel)
            plat = Platform.homogeneous(p, bandwidth=net.bandwidth, latency=net.latency)
            sched = get_algorithm(name, **params).schedule(h, plat, cancel=cancel)
            ms_row.append(float(sched.makespan))
            done += 1
            if progress is not None:
                progress(done, total)
        makespan[name] = ms_row
        speedup[name] = [work / m if m > 0 else None for m in ms_row]
    out: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "graph": graph.name,
        "work": work,
        "span": span,
        "workers": workers,
        "lower_bound": [max(span, work / p) for p in workers],
        "makespan": makespan,
        "speedup": speedup,
        "network": {"bandwidth": net.bandwidth, "latency": net.latency},
    }
    if notes:
        out["note"] = "; ".join(notes)
    return out


def scaling_csv(result: dict[str, Any]) -> str:
    """The :func:`scale` result as CSV: one row per number of workers.

    Columns: ``workers``, ``lower_bound``, ``work_bound`` (W / P), ``span``, then
    ``makespan_<alg>`` and ``speedup_<alg>`` for each algorithm.

    Examples
    --------
    >>> r = {"workers": [1, 2], "work": 4.0, "span": 2.0, "lower_bound": [4.0, 2.0],
    ...      "makespan": {"heft": [4.0, 2.0]}, "speedup": {"heft": [1.0, 2.0]}}
    >>> print(scaling_csv(r), end="")
    workers,lower_bound,work_bound,span,makespan_heft,speedup_heft
    1,4,4,2,4,1
    2,2,2,2,2,2
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    algs = list(result["makespan"])
    w.writerow(["workers", "lower_bound", "work_bound", "span",
                *[c for a in algs for c in (f"makespan_{a}", f"speedup_{a}")]])

    def num(x: float | None) -> str:
        return "" if x is None else f"{x:.12g}"

    for k, p in enumerate(result["workers"]):
        row = [str(p), num(result["lower_bound"][k]), num(result["work"] / p), num(result["span"])]
        for a in algs:
            row += [num(result["makespan"][a][k]), num(result["speedup"][a][k])]
        w.writerow(row)
    return buf.getvalue()
