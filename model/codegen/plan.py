"""What a generated program follows: each worker's ordered tasks, checked against the graph.

A schedule gives each task a worker and, through the start times, an order on that
worker. :func:`plan_program` turns it into the orders a program runs, refuses a
schedule that does not fit the graph (a task missing, unknown, or an order that would
make the program wait forever), and predicts the makespan of that mapping.
"""

from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from ..graph import GraphError, Platform, TaskGraph
from ..schedule import Schedule, ScheduleError

__all__ = ["ProgramPlan", "plan_program", "read_mapping", "submission_order", "worker_orders"]


@dataclass(frozen=True)
class ProgramPlan:
    """A mapping ready to be written as a program.

    Attributes
    ----------
    orders : dict
        Worker id -> its tasks in the order it runs them (every platform worker, idle
        ones with an empty list).
    submission : list of (str, str)
        Every ``(task, worker)`` in an order that keeps each worker's order and puts
        each task after its predecessors (see :func:`submission_order`).
    durations : dict
        Task -> its execution time on its worker, in cost units.
    algorithm : str
        Where the mapping comes from (the schedule's algorithm).
    makespan : float
        The predicted makespan with the modelled data transfers: the schedule's own
        when it is valid for the graph, else the mapping re-timed from the graph.
    makespan_without_transfers : float
        The same mapping and orders when data moves for free.
    retimed : bool
        Whether :attr:`makespan` was re-timed (the schedule's times did not fit the graph).
    """

    orders: dict[str, list[str]]
    submission: list[tuple[str, str]]
    durations: dict[str, float]
    algorithm: str
    makespan: float
    makespan_without_transfers: float
    retimed: bool


def worker_orders(schedule: Schedule) -> dict[str, list[str]]:
    """Worker -> tasks in the order of their start times (ties keep the slots' order).

    Examples
    --------
    >>> from model.schedule import Slot
    >>> s = Schedule("hand", ["P1", "P2"], [Slot("b", "P1", 5, 6), Slot("a", "P1", 0, 1)])
    >>> worker_orders(s)
    {'P1': ['a', 'b'], 'P2': []}
    """
    out: dict[str, list[tuple[float, int, str]]] = {w: [] for w in schedule.workers}
    for k, s in enumerate(schedule.slots):
        out.setdefault(s.worker, []).append((s.start, k, s.task))
    return {w: [t for *_, t in sorted(lst)] for w, lst in out.items()}


def submission_order(graph: TaskGraph, orders: Mapping[str, list[str]]) -> list[tuple[str, str]]:
    """Every ``(task, worker)``: each worker's tasks in order, every task after its predecessors.

    The generated programs build this same order when they start. Submitting tasks
    in it to single-thread workers cannot deadlock: every wait (for an input, or for
    the task before on the same worker) is for a task earlier in the order.

    Raises
    ------
    ScheduleError
        If no such order exists: the orders on the workers contradict the
        dependencies. The message names the tasks involved.
    """
    preds = {t: set(graph.nx.predecessors(t)) for t in graph.nx}
    queues = {w: deque(ts) for w, ts in orders.items()}
    done: set[str] = set()
    order: list[tuple[str, str]] = []
    while any(queues.values()):
        progress = False
        for w, q in queues.items():
            while q and preds[q[0]] <= done:
                t = q.popleft()
                done.add(t)
                order.append((t, w))
                progress = True
        if not progress:
            raise ScheduleError(_contradiction(graph, orders))
    return order


def _contradiction(graph: TaskGraph, orders: Mapping[str, list[str]]) -> str:
    """Words for a cycle of dependencies and worker orders (there is one)."""
    g = nx.DiGraph()
    where: dict[tuple[str, str], str] = {}
    for w, ts in orders.items():
        for a, b in itertools.pairwise(ts):
            g.add_edge(a, b)
            where[(a, b)] = w
    g.add_edges_from(graph.nx.edges)
    cycle = nx.find_cycle(g)
    if len(cycle) == 2:
        (a, b), _ = cycle
        first, second = (a, b) if (a, b) in where else (b, a)
        return (f"the order on worker {where[(first, second)]} contradicts a dependency: "
                f"{first!r} runs before {second!r} but needs its result")
    steps = [repr(cycle[0][0])]
    for a, b in cycle:
        steps.append(f"{b!r} (after {a!r} on {where[(a, b)]})" if (a, b) in where else f"{b!r} (needs {a!r})")
    return "the orders on the workers contradict the dependencies: " + " -> ".join(steps)


def _check_cover(graph: TaskGraph, schedule: Schedule, platform: Platform) -> None:
    ids = set(platform.ids)
    seen: set[str] = set()
    for s in schedule.slots:
        if s.task not in graph.nx:
            raise ScheduleError(f"the schedule places task {s.task!r}, which the graph does not have")
        if s.task in seen:
            raise ScheduleError(f"the schedule places task {s.task!r} twice")
        if s.worker not in ids:
            raise ScheduleError(f"the schedule puts task {s.task!r} on worker {s.worker!r}, which the platform "
                                f"does not have (workers: {', '.join(platform.ids)})")
        seen.add(s.task)
    missing = [t for t in graph.nx if t not in seen]
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise ScheduleError(f"the schedule does not place task {missing[0]!r}{more}")


def _retime(graph: TaskGraph, platform: Platform, submission: list[tuple[str, str]],
            durations: Mapping[str, float], *, transfers: bool) -> float:
    """Makespan when every task starts as soon as its worker and its inputs are free."""
    worker_of = dict(submission)
    free: dict[str, float] = {}
    finish: dict[str, float] = {}
    net = platform.network
    for t, w in submission:
        start = free.get(w, 0.0)
        for p, _, data in graph.nx.in_edges(t, data="data", default=0.0):
            delay = net.comm_time(float(data), worker_of[p], w) if transfers else 0.0
            start = max(start, finish[p] + delay)
        finish[t] = free[w] = start + durations[t]
    return max(finish.values(), default=0.0)


def plan_program(graph: TaskGraph, schedule: Schedule, platform: Platform) -> ProgramPlan:
    """Check ``schedule`` against ``graph`` and ``platform`` and plan the program that follows it.

    Parameters
    ----------
    graph : TaskGraph
        The graph to run.
    schedule : Schedule
        Its mapping: each task's worker, and by start time the order on each worker.
        Only the mapping and orders are used; a hand-made schedule's times need not fit.
    platform : Platform
        The workers (their ids must include every worker the schedule uses).

    Raises
    ------
    GraphError
        If the graph is invalid for the platform.
    ScheduleError
        If the schedule misses or repeats a task, names an unknown task or worker, or
        orders a worker's tasks against the dependencies (the message names them).

    Examples
    --------
    >>> from model.schedule import Slot
    >>> g = TaskGraph(); g.add_task("a", cost=2); g.add_task("b", cost=3); g.add_edge("a", "b", data=1)
    >>> s = Schedule("hand", ["P1", "P2"], [Slot("a", "P1", 0, 2), Slot("b", "P2", 3, 6)])
    >>> p = plan_program(g, s, Platform.homogeneous(2))
    >>> p.orders, p.makespan, p.makespan_without_transfers
    ({'P1': ['a'], 'P2': ['b']}, 6.0, 5.0)
    """
    graph.validate(platform)
    _check_cover(graph, schedule, platform)
    by_worker = worker_orders(schedule)
    orders = {w: by_worker.get(w, []) for w in platform.ids}
    submission = submission_order(graph, orders)
    index = {w: i for i, w in enumerate(platform.ids)}
    durations = {t: graph.exec_time(t, index[w], platform) for t, w in submission}
    makespan = _retime(graph, platform, submission, durations, transfers=True)
    retimed = not schedule.is_valid(graph, platform)
    if not retimed:
        makespan = schedule.makespan
    return ProgramPlan(orders, submission, durations, schedule.algorithm, makespan,
                       _retime(graph, platform, submission, durations, transfers=False), retimed)


def read_mapping(path: str | os.PathLike[str]) -> Schedule:
    """Read a schedule file as a mapping; a native file's slots may leave out their times.

    Native ``taskmapper-schedule`` JSON needs only ``task`` and ``worker`` in each slot.
    On each worker the tasks run in the order of their ``start`` values; a slot without
    ``start`` keeps its place after the slot before it in the file. Other schedule
    files (Chrome traces, WfFormat instances) are read by
    :func:`model.formats.load_schedule`. ``algorithm`` defaults to ``"hand"``.

    Raises
    ------
    GraphError
        If the file cannot be read or a slot is malformed (the message names it).
    """
    from ..formats import load_json, load_schedule

    d = load_json(path)
    if not (isinstance(d, dict) and d.get("format") == "taskmapper-schedule"
            and isinstance(d.get("slots"), list)
            and any(isinstance(s, dict) and ("start" not in s or "finish" not in s) for s in d["slots"])):
        sched = load_schedule(path)
        if isinstance(d, dict) and "algorithm" not in d:
            sched.algorithm = "hand"
        return sched
    return _lenient_mapping(d)


def _text(v: Any, what: str) -> str:
    if isinstance(v, bool) or not isinstance(v, (str, int, float)) or not str(v).strip():
        raise GraphError(f"{what} must be a non-empty text or a number, got {v!r}")
    return str(v)


def _lenient_mapping(d: dict[str, Any]) -> Schedule:
    from ..formats.native import schedule_from_dict

    last: dict[str, float] = {}
    slots: list[dict[str, Any]] = []
    for k, sd in enumerate(d["slots"]):
        if not isinstance(sd, dict) or "task" not in sd or "worker" not in sd:
            raise GraphError(f"slot #{k + 1} needs a 'task' and a 'worker'")
        worker = _text(sd["worker"], f"worker of slot #{k + 1}")
        start = sd.get("start", last.get(worker, 0.0))
        slots.append({**sd, "start": start, "finish": sd["finish"] if "start" in sd and "finish" in sd else start})
        if isinstance(start, (int, float)) and not isinstance(start, bool):
            last[worker] = float(start)
    return schedule_from_dict({**d, "algorithm": d.get("algorithm", "hand"), "slots": slots})
