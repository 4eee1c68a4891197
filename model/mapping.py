"""Hand mappings: a worker and a place in its queue for every task, and their timing.

A :class:`Mapping` says on which worker each task runs and in which order each worker
runs its tasks. :func:`evaluate` times it on a graph and platform: every task starts as
soon as the task before it on its worker has finished and the data of each predecessor
has arrived (its finish plus ``latency + data / bandwidth`` between different workers,
nothing on the same worker), and lasts its execution time from the graph (``cost /
speed`` or ``costs[worker]``). The timing is one Kahn pass over the dependency edges plus
the worker-order edges, O(V + E), on a compiled :class:`~model.instance.Instance`, so the
app can re-time a mapping on every drag and drop; :class:`Evaluator` keeps the compiled
instance between re-timings of the same graph.

:func:`fit_problems` says, in words, where a schedule (e.g. one opened from a file) does
not fit a graph and platform, and :func:`retime` times a schedule's mapping afresh.

This module never imports Qt: the app and the command line share it.
"""

from __future__ import annotations

import itertools
import math
import os
from collections import abc, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .formats.jsonio import json_id
from .gcpause import paused_collection
from .graph import GraphError, Platform, TaskGraph
from .instance import Instance, compile_instance
from .schedule import REL_TOLERANCE, TOLERANCE, Schedule, Slot, Transfer

__all__ = [
    "Evaluator",
    "Mapping",
    "MappingError",
    "MappingFile",
    "evaluate",
    "fit_problems",
    "load_mapping",
    "load_pins",
    "mapping_from_dict",
    "retime",
]

#: the algorithm name of a schedule timed from a hand mapping
HAND = "hand"
#: the algorithm name of a recorded execution (wall-clock seconds, not cost units)
TRACE = "trace"


class MappingError(GraphError):
    """A mapping is incomplete, names unknown tasks or workers, or its order cannot run.

    The message names the tasks (and worker) involved.
    """


def _names(items: Sequence[str], k: int = 5) -> str:
    """``'a', 'b', 'c'`` with ``(and N more)`` past ``k`` items."""
    more = f" (and {len(items) - k} more)" if len(items) > k else ""
    return ", ".join(map(repr, items[:k])) + more


def _t(x: float) -> str:
    """A time or cost for a message: up to 10 significant digits, no trailing zeros."""
    return f"{x:.10g}"


def _twice(task: str, first: str, second: str) -> MappingError:
    """The error for ``task`` found on worker ``first`` and again on ``second``."""
    on = f"on {first}" if first == second else f"on {first} and on {second}"
    return MappingError(f"task {task!r} appears twice in the mapping ({on})")


class Mapping:
    """The worker of every task and the order in which each worker runs its tasks.

    A mapping is immutable: :meth:`moved` returns a new one.

    Parameters
    ----------
    order : Mapping[str, Iterable[str]]
        Worker id -> its tasks, in the order the worker runs them. Workers without
        tasks may be left out or given an empty list.

    Raises
    ------
    MappingError
        If a task appears twice.

    Examples
    --------
    >>> m = Mapping({"P1": ["a", "c"], "P2": ["b"]})
    >>> m.worker_of("c"), m.position("c")
    ('P1', 1)
    >>> m.moved("a", "P2", 0).order
    {'P1': ('c',), 'P2': ('a', 'b')}
    """

    __slots__ = ("_order", "_where")

    def __init__(self, order: abc.Mapping[str, Iterable[str]]) -> None:
        self._order: dict[str, tuple[str, ...]] = {}
        self._where: dict[str, str] = {}
        where = self._where
        for w, tasks in order.items():
            wid = str(w)
            seq = tuple(str(t) for t in tasks)
            for t in seq:
                other = where.get(t)
                if other is not None:
                    raise _twice(t, other, wid)
                where[t] = wid
            if wid in self._order:
                raise MappingError(f"worker {wid!r} appears twice in the mapping")
            self._order[wid] = seq

    # ------------------------------------------------------------ building
    @classmethod
    def from_slots(cls, slots: Iterable[tuple[str, str, float | None]]) -> Mapping:
        """The mapping of ``(task, worker, start)`` triples, in file order.

        On each worker the tasks run in the order of their start values; equal starts
        keep their order in ``slots``. A start of ``None`` (a slot without one) takes the
        start of the slot before it on the same worker, so it keeps its place in the
        file: right after that slot (first, when no slot comes before it).

        Raises
        ------
        MappingError
            If a task appears twice.

        Examples
        --------
        >>> Mapping.from_slots([("b", "P1", 4), ("a", "P1", 0), ("d", "P2", None), ("c", "P2", None)]).order
        {'P1': ('a', 'b'), 'P2': ('d', 'c')}
        """
        per: dict[str, list[tuple[float, str]]] = {}
        seen: dict[str, str] = {}
        for task, worker, start in slots:
            t, w = str(task), str(worker)
            if t in seen:
                raise _twice(t, seen[t], w)
            seen[t] = w
            lst = per.setdefault(w, [])
            if start is None:
                start = lst[-1][0] if lst else -math.inf
            lst.append((float(start), t))
        # sorted() is stable: equal starts keep their order in the file
        return cls({w: [t for _, t in sorted(lst, key=lambda x: x[0])] for w, lst in per.items()})

    @classmethod
    def from_schedule(cls, schedule: Schedule) -> Mapping:
        """The mapping of a schedule: each worker's tasks by start time, ties in slot order.

        The schedule's workers come first (in its order, those without tasks too), then
        any other worker its slots name.
        """
        m = cls.from_slots((s.task, s.worker, s.start) for s in schedule.slots)
        order = {w: m._order.get(w, ()) for w in schedule.workers}
        order.update({w: seq for w, seq in m._order.items() if w not in order})
        return cls(order)

    @classmethod
    def from_sequence(cls, assignment: abc.Mapping[str, str], sequence: Iterable[str]) -> Mapping:
        """Each worker runs its tasks (``assignment``: task -> worker) in ``sequence`` order.

        Raises
        ------
        MappingError
            If ``sequence`` names a task twice or one without a worker.

        Examples
        --------
        >>> Mapping.from_sequence({"a": "P2", "b": "P1", "c": "P2"}, ["c", "b", "a"]).order
        {'P2': ('c', 'a'), 'P1': ('b',)}
        """
        order: dict[str, list[str]] = {}
        for t in sequence:
            if t not in assignment:
                raise MappingError(f"task {t!r} has no worker in the mapping")
            order.setdefault(assignment[t], []).append(t)
        return cls(order)

    def moved(self, task: str, worker: str, position: int | None = None) -> Mapping:
        """A copy with ``task`` on ``worker`` at ``position`` in its order (``None``: last).

        ``position`` counts the worker's tasks without ``task`` itself and is clamped to
        the list; a negative one counts from the end as in Python lists.

        Raises
        ------
        MappingError
            If ``task`` is not in the mapping.
        """
        old = self.worker_of(task)
        order = {w: list(seq) for w, seq in self._order.items()}
        order[old].remove(task)
        dst = order.setdefault(str(worker), [])
        if position is None:
            dst.append(task)
        else:
            dst.insert(position, task)
        return Mapping(order)

    # ------------------------------------------------------------ reading
    @property
    def order(self) -> dict[str, tuple[str, ...]]:
        """Worker id -> its tasks in order (a new dict; the tuples are the mapping's own)."""
        return dict(self._order)

    @property
    def workers(self) -> list[str]:
        """The workers the mapping names, in order (some may have no task)."""
        return list(self._order)

    @property
    def tasks(self) -> list[str]:
        """Every task, worker by worker, each worker's in order."""
        return [t for seq in self._order.values() for t in seq]

    def worker_of(self, task: str) -> str:
        """The worker of ``task``; :class:`MappingError` if it is not mapped."""
        try:
            return self._where[task]
        except KeyError:
            raise MappingError(f"task {task!r} is not in the mapping") from None

    def position(self, task: str) -> int:
        """The place of ``task`` in its worker's order (0 first)."""
        return self._order[self.worker_of(task)].index(task)

    def assignment(self) -> dict[str, str]:
        """Task -> worker."""
        return dict(self._where)

    def __len__(self) -> int:
        return len(self._where)

    def __contains__(self, task: object) -> bool:
        return task in self._where

    def __iter__(self) -> Iterator[str]:
        return iter(self.tasks)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mapping):
            return NotImplemented
        mine = {w: s for w, s in self._order.items() if s}
        theirs = {w: s for w, s in other._order.items() if s}
        return mine == theirs

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        busy = sum(1 for s in self._order.values() if s)
        return f"Mapping({len(self)} tasks on {busy} workers)"


# ------------------------------------------------------------------------ timing
class Evaluator:
    """Times mappings of one graph on one platform (the compiled instance is kept).

    Build a new one when the graph or the platform changes: the instance is a snapshot.

    Parameters
    ----------
    graph : TaskGraph
    platform : Platform
    instance : Instance or None
        The graph compiled on the platform, when the caller already has it.

    Raises
    ------
    GraphError
        If the graph does not fit the platform.

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 3); g.add_edge("a", "b", 4)
    >>> ev = Evaluator(g, Platform.homogeneous(2, latency=1))
    >>> s = ev.evaluate(Mapping({"P1": ["a"], "P2": ["b"]}))
    >>> [(x.task, x.start, x.finish) for x in s.slots]
    [('a', 0.0, 2.0), ('b', 7.0, 10.0)]
    """

    def __init__(self, graph: TaskGraph, platform: Platform, *, instance: Instance | None = None) -> None:
        self.graph = graph
        self.platform = platform
        inst = instance if instance is not None else compile_instance(graph, platform)
        self.instance = inst
        self._index = {t: i for i, t in enumerate(inst.tasks)}
        self._windex = {w: p for p, w in enumerate(inst.workers)}
        # plain lists: indexing them in the pass is several times faster than numpy scalars
        self._w: list[list[float]] = inst.w.tolist()
        self._lat: list[list[float]] = inst.lat.tolist()
        self._ibw: list[list[float]] = inst.inv_bw.tolist()
        self._indeg = [len(p) for p in inst.preds]

    # The pass returns the processing order (a topological order of dependencies plus
    # worker orders), each task's worker index, start and finish.
    def _times(self, mapping: Mapping) -> tuple[list[int], list[int], list[float], list[float]]:
        inst = self.instance
        n = inst.n
        index, windex = self._index, self._windex
        proc = [-1] * n
        nxt = [-1] * n
        indeg = self._indeg.copy()
        unknown: list[str] = []
        for wid, seq in mapping._order.items():
            if not seq:
                continue
            p = windex.get(wid)
            if p is None:
                raise MappingError(
                    f"task {seq[0]!r} is mapped to unknown worker {wid!r} "
                    f"(workers: {', '.join(inst.workers[:8])}{', ...' if inst.m > 8 else ''})"
                )
            prev = -1
            for name in seq:
                i = index.get(name, -1)
                if i < 0:
                    unknown.append(name)
                    continue
                proc[i] = p
                if prev >= 0:
                    nxt[prev] = i
                    indeg[i] += 1
                prev = i
        if unknown:
            raise MappingError(f"the mapping names unknown task{'s' if len(unknown) > 1 else ''} {_names(unknown)}")
        if len(mapping) != n:
            missing = [inst.tasks[i] for i in range(n) if proc[i] < 0]
            verb = "is" if len(missing) == 1 else "are"
            raise MappingError(f"task{'s' if len(missing) > 1 else ''} {_names(missing)} {verb} missing from the mapping")
        w, preds, pdata, succs = self._w, inst.preds, inst.pred_data, inst.succs
        start = [0.0] * n
        finish = [0.0] * n
        wend = [0.0] * inst.m
        queue = [i for i in range(n) if indeg[i] == 0]
        uniform = inst.uniform_comm and inst.m > 1
        lat0 = self._lat[0][1] if uniform else 0.0
        ibw0 = self._ibw[0][1] if uniform else 0.0
        lat, ibw = self._lat, self._ibw
        k = 0
        # the worker's previous task was timed before this one (it is a predecessor in
        # the pass), and it is the last one timed on that worker: wend holds its finish
        while k < len(queue):
            i = queue[k]
            k += 1
            p = proc[i]
            r = wend[p]
            if uniform:
                for j, d in zip(preds[i], pdata[i]):
                    t = finish[j] if proc[j] == p else finish[j] + lat0 + d * ibw0
                    if t > r:
                        r = t
            else:
                for j, d in zip(preds[i], pdata[i]):
                    q = proc[j]
                    t = finish[j] if q == p else finish[j] + lat[q][p] + d * ibw[q][p]
                    if t > r:
                        r = t
            start[i] = r
            f = r + w[i][p]
            finish[i] = f
            wend[p] = f
            for j in succs[i]:
                indeg[j] -= 1
                if indeg[j] == 0:
                    queue.append(j)
            j = nxt[i]
            if j >= 0:
                indeg[j] -= 1
                if indeg[j] == 0:
                    queue.append(j)
        if len(queue) < n:
            raise MappingError(self._deadlock(proc, nxt, indeg, mapping))
        return queue, proc, start, finish

    def makespan(self, mapping: Mapping) -> float:
        """The makespan of ``mapping`` (no schedule built: a cheap preview).

        Raises
        ------
        MappingError
            As :meth:`evaluate`.
        """
        _, _, _, finish = self._times(mapping)
        return max(finish, default=0.0)

    def evaluate(
        self,
        mapping: Mapping,
        *,
        algorithm: str = HAND,
        meta: abc.Mapping[str, Any] | None = None,
    ) -> Schedule:
        """The schedule of ``mapping``: every task as early as its worker and its inputs allow.

        Slots come in a topological order that keeps every worker's order, so
        :meth:`Mapping.from_schedule` of the result gives ``mapping`` back even when
        zero-length tasks share a start time.

        Raises
        ------
        MappingError
            If a task is missing or unknown, a worker is unknown, or the order on the
            workers contradicts the dependencies (the message names the tasks).
        """
        # tens of thousands of small objects: the cyclic collector would rescan them again and again
        with paused_collection():
            return self._evaluate(mapping, algorithm, meta)

    def _evaluate(self, mapping: Mapping, algorithm: str, meta: abc.Mapping[str, Any] | None) -> Schedule:
        order, proc, start, finish = self._times(mapping)
        inst = self.instance
        tasks, workers = inst.tasks, inst.workers
        slots = [Slot(tasks[i], workers[proc[i]], start[i], finish[i]) for i in order]
        transfers = []
        lat, ibw = self._lat, self._ibw
        for i in order:
            p = proc[i]
            for j, d in zip(inst.preds[i], inst.pred_data[i]):
                q = proc[j]
                if q != p:
                    f = finish[j]
                    transfers.append(
                        Transfer(tasks[j], tasks[i], workers[q], workers[p], f, f + lat[q][p] + d * ibw[q][p], d)
                    )
        info = {"graph": self.graph.name, **dict(meta or {})}
        return Schedule(algorithm, list(workers), slots, transfers, info)

    # ------------------------------------------------------------ diagnosis
    def _deadlock(self, proc: list[int], nxt: list[int], indeg: list[int], mapping: Mapping) -> str:
        """The message for an order that cannot run: the tasks of one cycle of waits."""
        inst = self.instance
        tasks, workers = inst.tasks, inst.workers
        pos = [0] * inst.n
        for seq in mapping._order.values():
            for k, t in enumerate(seq):
                pos[self._index[t]] = k
        # the plainest case first: a worker runs a task before one whose data it needs
        for v in range(inst.n):
            for u in inst.preds[v]:
                if proc[u] == proc[v] and pos[v] < pos[u]:
                    return (f"on {workers[proc[v]]}, {tasks[v]!r} is ordered before {tasks[u]!r}, "
                            f"but {tasks[v]!r} needs data of {tasks[u]!r}")
        # Every task left waiting waits on another one left waiting: walking back along
        # the waits reaches a cycle; the shortest cycle through that task is reported.
        left = [d > 0 for d in indeg]
        prv = [-1] * inst.n
        for i, j in enumerate(nxt):
            if j >= 0:
                prv[j] = i
        i = left.index(True)
        seen: set[int] = set()
        while i not in seen:
            seen.add(i)
            waits = [j for j in inst.preds[i] if left[j]]
            i = waits[0] if waits else prv[i]
        cycle = self._shortest_cycle(i, left, nxt)
        return _describe_cycle(cycle, proc, nxt, tasks, workers)

    def _shortest_cycle(self, c: int, left: list[bool], nxt: list[int]) -> list[int]:
        """Tasks of a shortest cycle through ``c`` (breadth-first over waiting tasks)."""
        inst = self.instance
        parent = {c: -1}
        todo = deque([c])
        while todo:
            i = todo.popleft()
            outs = [*inst.succs[i], *([nxt[i]] if nxt[i] >= 0 else [])]
            for j in outs:
                if not left[j]:
                    continue
                if j == c:
                    path = [i]
                    while parent[path[-1]] != -1:
                        path.append(parent[path[-1]])
                    return path[::-1]
                if j not in parent:
                    parent[j] = i
                    todo.append(j)
        return [c]  # not reached: c lies on a cycle


def _describe_cycle(cycle: list[int], proc: list[int], nxt: list[int], tasks: list[str], workers: list[str]) -> str:
    """Words for a cycle of waits: order steps on a worker merged, data steps named."""
    steps: list[tuple[str, int, int]] = []  # ("order" | "data", from, to)
    for a, b in zip(cycle, [*cycle[1:], cycle[0]]):
        kind = "order" if nxt[a] == b else "data"
        if kind == "order" and steps and steps[-1][0] == "order" and proc[steps[-1][1]] == proc[a]:
            steps[-1] = ("order", steps[-1][1], b)
        else:
            steps.append((kind, a, b))
    if len(steps) > 1 and steps[0][0] == steps[-1][0] == "order" and proc[steps[0][1]] == proc[steps[-1][1]]:
        # the cycle was entered in the middle of one worker's run of order steps
        steps[0] = ("order", steps[-1][1], steps[0][2])
        steps.pop()
    orders = [s for s in steps if s[0] == "order"]
    k = steps.index(orders[0])
    steps = steps[k:] + steps[:k]  # begin with a worker's order
    if len(orders) == 1:
        # one worker's order against a chain of dependencies
        _, x, y = steps[0]
        chain = [b for _, _, b in steps[1:]][:-1]
        w = workers[proc[x]]
        if not chain:
            return f"on {w}, {tasks[x]!r} is ordered before {tasks[y]!r}, but {tasks[x]!r} needs data of {tasks[y]!r}"
        return (f"on {w}, {tasks[x]!r} is ordered before {tasks[y]!r}, but {tasks[x]!r} depends on "
                f"{tasks[y]!r} through {_names([tasks[c] for c in chain])}")
    words = []
    for kind, a, b in steps[:12]:
        if kind == "order":
            words.append(f"{tasks[a]!r} runs before {tasks[b]!r} on {workers[proc[a]]}")
        else:
            words.append(f"{tasks[b]!r} needs data of {tasks[a]!r}")
    more = f", ... ({len(steps) - 12} more steps)" if len(steps) > 12 else ""
    on = sorted({workers[proc[a]] for kind, a, _ in steps if kind == "order"})
    return f"the orders on {', '.join(on)} wait on each other (deadlock): " + ", ".join(words) + more


def evaluate(
    graph: TaskGraph,
    platform: Platform,
    mapping: Mapping,
    *,
    algorithm: str = HAND,
    instance: Instance | None = None,
) -> Schedule:
    """Time a complete mapping: each task as early as its worker and its inputs allow.

    A task starts when the task before it on its worker has finished and the data of
    every predecessor has arrived (its finish, plus ``latency + data / bandwidth`` when
    on another worker); it lasts its execution time on its worker from the graph.
    The graph's pins are not enforced: a hand mapping may move a pinned task
    (:func:`fit_problems` names it).

    Parameters
    ----------
    graph : TaskGraph
    platform : Platform
    mapping : Mapping
        The worker and place in the order of every task.
    algorithm : str
        The name the schedule carries (``"hand"``).
    instance : Instance or None
        ``compile_instance(graph, platform)``, when the caller keeps it.

    Returns
    -------
    Schedule
        Valid for the graph and platform (:meth:`Schedule.check` passes).

    Raises
    ------
    MappingError
        If a task is missing, appears twice or is unknown, a worker is unknown, or the
        order on the workers contradicts a dependency (the message names the tasks).
    GraphError
        If the graph does not fit the platform.

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 3); g.add_task("c", 1)
    >>> g.add_edge("a", "c", 5); g.add_edge("b", "c", 5)
    >>> s = evaluate(g, Platform.homogeneous(2), Mapping({"P1": ["b", "a", "c"]}))
    >>> [(x.task, x.start, x.finish) for x in s.slots], s.makespan
    ([('b', 0.0, 3.0), ('a', 3.0, 5.0), ('c', 5.0, 6.0)], 6.0)
    >>> evaluate(g, Platform.homogeneous(2), Mapping({"P1": ["c", "a"], "P2": ["b"]}))
    Traceback (most recent call last):
    ...
    model.mapping.MappingError: on P1, 'c' is ordered before 'a', but 'c' needs data of 'a'
    """
    return Evaluator(graph, platform, instance=instance).evaluate(mapping, algorithm=algorithm)


def retime(schedule: Schedule, graph: TaskGraph, platform: Platform) -> Schedule:
    """The schedule's mapping timed afresh on ``graph`` and ``platform`` (see :func:`evaluate`).

    The mapping is the schedule's worker of each task and, on each worker, the order of
    the start times (ties in slot order). The result keeps the schedule's algorithm
    name, except that a re-timed trace is in cost units and is called ``"hand"``.

    Raises
    ------
    MappingError
        If the schedule's mapping does not fit the graph (see :func:`evaluate`).
    """
    name = HAND if schedule.algorithm == TRACE else schedule.algorithm
    return evaluate(graph, platform, Mapping.from_schedule(schedule), algorithm=name)


# ------------------------------------------------------------------------ fitting
def fit_problems(schedule: Schedule, graph: TaskGraph, platform: Platform, *, tol: float = TOLERANCE) -> list[str]:
    """Where ``schedule`` does not fit ``graph`` on ``platform``, one sentence per problem.

    Checks that the schedule places every task of the graph once, on known workers, as
    the graph's pins say, without two tasks overlapping on a worker; that each task lasts
    its execution time from the graph and starts at time 0 or later; and that it starts
    after each predecessor finished plus the transfer time between their workers.

    A recorded trace (algorithm ``"trace"``) is in wall-clock seconds, not in the graph's
    cost units: its durations and transfer times cannot be compared with the graph, so
    for a trace only the tasks, workers, pins, overlaps and the order of dependent tasks
    (a task starts after its predecessors finish) are checked.

    Returns
    -------
    list[str]
        Empty when the schedule fits.

    Examples
    --------
    >>> from model.graph import Worker
    >>> g = TaskGraph(); g.add_task("T3", 9)
    >>> p = Platform((Worker("P1"), Worker("P2", 0.5)))
    >>> fit_problems(Schedule("heft", p.ids, [Slot("T3", "P2", 0, 9)]), g, p)
    ["'T3' on P2 lasts 9 but the graph gives 18 (cost 9 ÷ speed 0.5)"]
    """
    try:
        graph.validate(platform)
    except GraphError as e:
        return [str(e)]
    trace = schedule.algorithm == TRACE

    def slack(x: float) -> float:
        return max(tol, REL_TOLERANCE * abs(x))

    index = {w: p for p, w in enumerate(platform.ids)}
    problems: list[str] = []
    at: dict[str, Slot] = {}
    unknown: list[str] = []
    for s in schedule.slots:
        if s.task not in graph.nx:
            unknown.append(s.task)
            continue
        if s.task in at:
            problems.append(f"{s.task!r} is placed twice (on {at[s.task].worker} and on {s.worker})")
            continue
        if s.worker not in index:
            problems.append(f"{s.task!r} runs on unknown worker {s.worker!r}")
            continue
        at[s.task] = s
        pin = graph.task_attrs(s.task).get("pin")
        if pin is not None and pin != s.worker:
            problems.append(f"{s.task!r} is pinned to {pin} but runs on {s.worker}")
        if not trace:
            if s.start < -tol:
                problems.append(f"{s.task!r} starts at {_t(s.start)}, before time 0")
            p = index[s.worker]
            want = graph.exec_time(s.task, p, platform)
            if abs(s.duration - want) > slack(max(abs(want), abs(s.finish))):
                costs = graph.costs(s.task)
                why = (f"its time on {s.worker} in 'costs'" if costs is not None else
                       f"cost {_t(graph.cost(s.task))} ÷ speed {_t(platform.workers[p].speed)}")
                problems.append(f"{s.task!r} on {s.worker} lasts {_t(s.duration)} but the graph gives {_t(want)} ({why})")
    if unknown:
        problems.insert(0, f"the schedule places task{'s' if len(unknown) > 1 else ''} not in the graph: "
                           f"{_names(unknown)}")
    placed = {s.task for s in schedule.slots}
    missing = [t for t in graph.nx if t not in placed]
    if missing:
        problems.append(f"task{'s' if len(missing) > 1 else ''} {_names(missing)} "
                        f"{'is' if len(missing) == 1 else 'are'} not in the schedule")
    by_worker: dict[str, list[Slot]] = {}
    for s in at.values():
        by_worker.setdefault(s.worker, []).append(s)
    for w, lst in by_worker.items():
        lst.sort(key=lambda s: (s.start, s.finish))
        for a, b in itertools.pairwise(lst):
            if b.start < a.finish - slack(a.finish):
                problems.append(f"{a.task!r} and {b.task!r} overlap on {w} ({_t(a.start)}-{_t(a.finish)} "
                                f"and {_t(b.start)}-{_t(b.finish)})")
    net = platform.network
    for u, v, a in graph.nx.edges(data=True):
        su, sv = at.get(u), at.get(v)
        if su is None or sv is None:
            continue
        comm = 0.0 if trace else net.comm_time(float(a.get("data", 0.0)), su.worker, sv.worker)
        ready = su.finish + comm
        if sv.start < ready - slack(ready):
            if comm == 0.0:
                problems.append(f"{v!r} starts at {_t(sv.start)} before its predecessor {u!r} finishes "
                                f"at {_t(su.finish)}")
            else:
                problems.append(f"{v!r} starts at {_t(sv.start)} on {sv.worker} before the data of {u!r} "
                                f"arrives from {su.worker} at {_t(ready)} (finish {_t(su.finish)} + "
                                f"transfer {_t(comm)})")
    return problems


# ------------------------------------------------------------------------ files
@dataclass(frozen=True)
class MappingFile:
    """A mapping read from a schedule file, with what the file says around it.

    Attributes
    ----------
    mapping : Mapping
    algorithm : str or None
        The file's ``"algorithm"``, if any.
    workers : list[str] or None
        The file's ``"workers"`` list, if any.
    """

    mapping: Mapping
    algorithm: str | None
    workers: list[str] | None


def _file_id(v: Any, what: str) -> str:
    return json_id(v, what, MappingError)


def mapping_from_dict(d: Any) -> MappingFile:
    """The mapping in the parsed JSON of a ``taskmapper-schedule`` file.

    Only each slot's ``task`` and ``worker`` are needed; on each worker the tasks run in
    the order of their ``start`` values, and slots without ``start`` or with equal ones
    keep their order in the file (see :meth:`Mapping.from_slots`). Durations and finish
    times in the file are not used.

    Raises
    ------
    MappingError
        If a slot lacks its task or worker, a task appears twice, or a value has the
        wrong type; the message names the slot or task.

    Examples
    --------
    >>> f = mapping_from_dict({"format": "taskmapper-schedule", "version": 1,
    ...     "slots": [{"task": "b", "worker": "P1", "start": 3}, {"task": "a", "worker": "P1"}]})
    >>> f.mapping.order, f.algorithm
    ({'P1': ('b', 'a')}, None)
    """
    if not isinstance(d, dict):
        raise MappingError('a mapping is a JSON object with "format": "taskmapper-schedule"')
    if d.get("format") != "taskmapper-schedule":
        if d.get("format") == "taskmapper-graph":
            raise MappingError("this is a task graph, not a mapping (a schedule JSON)")
        raise MappingError(f"unknown format {d.get('format')!r} (expected 'taskmapper-schedule')")
    if isinstance(d.get("version"), bool) or d.get("version") != 1:
        raise MappingError(f"unsupported taskmapper-schedule version {d.get('version')!r} (this program reads 1)")
    slots_d = d.get("slots")
    if not isinstance(slots_d, list):
        raise MappingError("'slots' must be a list")
    triples: list[tuple[str, str, float | None]] = []
    first: dict[str, int] = {}
    for k, sd in enumerate(slots_d):
        if not isinstance(sd, dict):
            raise MappingError(f"slot #{k + 1} must be an object")
        for key in ("task", "worker"):
            if key not in sd:
                raise MappingError(f"slot #{k + 1} has no {key!r}")
        task = _file_id(sd["task"], f"task of slot #{k + 1}")
        if task in first:
            raise MappingError(f"task {task!r} appears twice in the mapping (slots #{first[task] + 1} and #{k + 1})")
        first[task] = k
        worker = _file_id(sd["worker"], f"worker of task {task!r}")
        start = sd.get("start")
        if start is not None and (isinstance(start, bool) or not isinstance(start, (int, float))
                                  or not math.isfinite(start)):
            raise MappingError(f"start of task {task!r} must be a finite number, got {start!r}")
        triples.append((task, worker, None if start is None else float(start)))
    algorithm = d.get("algorithm")
    if algorithm is not None and not isinstance(algorithm, str):
        raise MappingError(f"'algorithm' must be a text, got {algorithm!r}")
    workers_d = d.get("workers")
    workers: list[str] | None = None
    if workers_d is not None:
        if not isinstance(workers_d, list):
            raise MappingError("'workers' must be a list of worker ids")
        workers = [_file_id(w.get("id") if isinstance(w, dict) else w, f"worker #{k + 1} in 'workers'")
                   for k, w in enumerate(workers_d)]
    mapping = Mapping.from_slots(triples)
    if workers is not None:
        mapping = Mapping({**{w: mapping._order.get(w, ()) for w in workers}, **mapping._order})
    return MappingFile(mapping, algorithm, workers)


def load_mapping(path: str | os.PathLike[str]) -> MappingFile:
    """Read the mapping of a schedule file (native JSON, Chrome trace or WfFormat execution).

    Raises
    ------
    GraphError
        If the file cannot be read or holds no mapping (:class:`MappingError` for a bad
        mapping); the message names the problem.
    """
    from .formats import load_json, load_schedule

    d = load_json(path)
    if isinstance(d, dict) and d.get("format") in ("taskmapper-schedule", "taskmapper-graph"):
        try:
            return mapping_from_dict(d)
        except MappingError as e:
            raise MappingError(f"{str(path)!r}: {e}") from None
    sched = load_schedule(path)
    return MappingFile(Mapping.from_schedule(sched), sched.algorithm, list(sched.workers))


def load_pins(path: str | os.PathLike[str]) -> dict[str, str | None]:
    """Pins from a file: a schedule's task -> worker, or a JSON object ``{"T1": "P2", ...}``.

    In an object, ``null`` frees the task. Tasks and workers are not checked against a
    graph here (see :meth:`~model.graph.TaskGraph.set_pin` and
    :meth:`~model.graph.TaskGraph.validate`).

    Raises
    ------
    GraphError
        If the file cannot be read or is neither a schedule nor an object of pins.
    """
    from .formats import load_json

    d = load_json(path)
    if isinstance(d, dict) and "format" not in d and "traceEvents" not in d and "workflow" not in d:
        pins: dict[str, str | None] = {}
        for task, worker in d.items():
            if worker is None:
                pins[task] = None
            elif isinstance(worker, bool) or not isinstance(worker, (str, int, float)) or not str(worker).strip():
                raise GraphError(f"{str(path)!r}: the pin of task {task!r} must be a worker id, got {worker!r}")
            else:
                pins[task] = str(worker)
        return pins
    if isinstance(d, dict) and d.get("format") == "taskmapper-graph":
        raise GraphError(f"{str(path)!r} is a task graph; pins come from a schedule or a JSON object "
                         '{"T1": "P2", ...}')
    return dict(load_mapping(path).mapping.assignment())
