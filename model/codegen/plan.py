"""What a generated program follows: each worker's ordered tasks, checked against the graph.

A schedule gives each task a worker and, through the start times, an order on that
worker. :func:`plan_program` turns it into the orders a program runs, refuses a
schedule that does not fit the graph (a task missing, unknown, or an order that would
make the program wait forever), and predicts the makespan of that mapping.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
from collections import abc, deque
from dataclasses import dataclass

import numpy as np

from ..graph import Platform, TaskGraph
from ..instance import compile_instance
from ..mapping import HAND, Evaluator, Mapping, load_mapping
from ..schedule import Schedule, ScheduleError, Slot

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
    return {w: list(ts) for w, ts in Mapping.from_schedule(schedule).order.items()}


def submission_order(graph: TaskGraph, orders: abc.Mapping[str, list[str]]) -> list[tuple[str, str]]:
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


def _contradiction(graph: TaskGraph, orders: abc.Mapping[str, list[str]]) -> str:
    """Words for a cycle of dependencies and worker orders (there is one)."""
    import networkx as nx  # only here: listing or registering commands stays without it

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


def _retimed(graph: TaskGraph, platform: Platform, orders: abc.Mapping[str, list[str]]) -> tuple[float, float]:
    """Makespans, with the modelled transfers and with free ones, when every task starts as soon as its
    worker and its inputs are free (:class:`model.mapping.Evaluator`)."""
    inst = compile_instance(graph, platform)
    mapping = Mapping(orders)
    free = np.zeros_like(inst.lat)
    without = dataclasses.replace(inst, lat=free, inv_bw=free)
    return (Evaluator(graph, platform, instance=inst).makespan(mapping),
            Evaluator(graph, platform, instance=without).makespan(mapping))


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
    makespan, without_transfers = _retimed(graph, platform, orders)
    retimed = not schedule.is_valid(graph, platform)
    if not retimed:
        makespan = schedule.makespan
    return ProgramPlan(orders, submission, durations, schedule.algorithm, makespan, without_transfers, retimed)


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
            sched.algorithm = HAND
        return sched
    # times left out: the order on each worker is the file's mapping (model.mapping's rules); the
    # slots carry only that order (their place on the worker), so the plan re-times them
    found = load_mapping(path)
    order = found.mapping.order
    slots = [Slot(t, w, float(k), float(k)) for w, ts in order.items() for k, t in enumerate(ts)]
    return Schedule(HAND if found.algorithm is None else found.algorithm, list(order), slots)
