"""Parallelism profiles: how many tasks run at each moment.

The *parallelism profile* of a task graph is the number of tasks that run at each
moment of its earliest-start schedule with unlimited workers: every task starts as
soon as all its predecessors have finished and nothing waits for a worker. Its area is
the total work ``W``, its length the span ``S`` (the longest chain of task times), and
its mean height ``W / S`` the *average parallelism*: no number of workers can give a
speed-up larger than that (D. L. Eager, J. Zahorjan, E. D. Lazowska, "Speedup versus
efficiency in parallel systems", IEEE Trans. Computers 38(3), 1989).

Task times are those of a worker of speed 1: a task's ``cost``, or the mean of its
per-worker ``costs`` (:meth:`~model.graph.TaskGraph.cost`). Communication is left out
by default, so the span is the same ``S`` that :mod:`model.scaling` reports; with
``communication=True`` each edge adds the mean transfer time of its data on the
platform (latency + data / bandwidth, averaged over pairs of distinct workers).

The same step function of a :class:`~model.schedule.Schedule` counts the tasks that
really run at each moment (at most the number of workers).

Examples
--------
>>> from model.graph import TaskGraph
>>> g = TaskGraph("fork")
>>> for t, c in [("a", 1), ("b", 2), ("c", 3)]:
...     g.add_task(t, c)
>>> g.add_edge("a", "b"); g.add_edge("a", "c")
>>> p = earliest_start_profile(g)
>>> p.steps
[(0.0, 1), (1.0, 2), (3.0, 1), (4.0, 0)]
>>> p.work, p.span, p.maximum, round(p.average, 4)
(6.0, 4.0, 2, 1.5)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .graph import Platform, TaskGraph
from .instance import compile_instance
from .schedule import Schedule

__all__ = [
    "Profile",
    "earliest_start_profile",
    "earliest_starts",
    "profile_of_intervals",
    "schedule_profile",
    "task_times",
    "work_and_span",
]

_REL = 1e-9


@dataclass(frozen=True)
class Profile:
    """A step function: how many tasks run at each moment.

    Attributes
    ----------
    steps : list of (float, int)
        ``(t, count)``: ``count`` tasks run from ``t`` until the next step's ``t``. The
        first step is at :attr:`start`, the last one is ``(end, 0)``; consecutive
        steps have different counts.
    work : float
        The area under the steps: the summed durations of the tasks.
    start, end : float
        Where the profile begins and ends.
    """

    steps: list[tuple[float, int]]
    work: float
    start: float
    end: float

    @property
    def span(self) -> float:
        """``end - start``."""
        return self.end - self.start

    @property
    def maximum(self) -> int:
        """The most tasks running at one moment."""
        return max((c for _, c in self.steps), default=0)

    @property
    def average(self) -> float:
        """``work / span`` (0 for an empty profile): the mean number of running tasks."""
        return self.work / self.span if self.span > 0 else 0.0

    def count_at(self, t: float) -> int:
        """How many tasks run at time ``t`` (a step's own time belongs to that step).

        Examples
        --------
        >>> p = profile_of_intervals([(0, 2), (1, 3)])
        >>> [p.count_at(t) for t in (-1, 0, 1, 2.5, 3)]
        [0, 1, 2, 1, 0]
        """
        count = 0
        for s, c in self.steps:
            if s > t:
                break
            count = c
        return count

    def time_at_least(self, k: int) -> float:
        """How long at least ``k`` tasks run at once.

        Examples
        --------
        >>> p = profile_of_intervals([(0, 2), (1, 3)])
        >>> p.time_at_least(1), p.time_at_least(2), p.time_at_least(3)
        (3.0, 1.0, 0.0)
        """
        total = 0.0
        for (t0, c), (t1, _) in zip(self.steps, self.steps[1:]):
            if c >= k:
                total += t1 - t0
        return total

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: ``steps`` as ``[t, count]`` pairs and the summary numbers."""
        return {
            "steps": [[t, c] for t, c in self.steps],
            "work": self.work,
            "span": self.span,
            "maximum": self.maximum,
            "average": self.average,
        }


def profile_of_intervals(intervals: Iterable[tuple[float, float]], *, start: float | None = None) -> Profile:
    """The :class:`Profile` of a set of ``(begin, end)`` intervals.

    Intervals of zero length take no time and are left out. Event times closer than a
    relative 1e-9 are merged, so sums computed in different orders give one step.

    Parameters
    ----------
    intervals : iterable of (float, float)
        When each task runs.
    start : float, optional
        Where the profile begins (default: the earliest begin, or 0 when empty); a
        later first begin gives a first step with count 0.

    Examples
    --------
    >>> profile_of_intervals([(0, 1), (0, 1), (2, 3)]).steps
    [(0.0, 2), (1.0, 0), (2.0, 1), (3.0, 0)]
    >>> profile_of_intervals([(5, 6)], start=0).steps
    [(0.0, 0), (5.0, 1), (6.0, 0)]
    """
    events: list[tuple[float, int]] = []
    work = 0.0
    for b, e in intervals:
        b, e = float(b), float(e)
        if e > b:
            events.append((b, 1))
            events.append((e, -1))
            work += e - b
    events.sort()
    first = events[0][0] if events else 0.0
    origin = first if start is None else min(float(start), first)
    # merge times that differ by rounding only: the first time of a cluster names it
    times: list[float] = []
    deltas: list[int] = []
    for t, d in events:
        if times and t - times[-1] <= _REL * max(1.0, abs(t)):
            deltas[-1] += d
        else:
            times.append(t)
            deltas.append(d)
    raw: list[tuple[float, int]] = [(origin, 0)]
    count = 0
    for t, d in zip(times, deltas):
        count += d
        if t - raw[-1][0] <= _REL * max(1.0, abs(t)):
            raw[-1] = (raw[-1][0], count)
        else:
            raw.append((t, count))
    steps = [raw[0]]
    for t, c in raw[1:]:
        if c != steps[-1][1]:
            steps.append((t, c))
    end = steps[-1][0]
    return Profile(steps, work, origin, end)


def task_times(graph: TaskGraph) -> dict[str, float]:
    """Each task's time on a worker of speed 1: its ``cost``, or the mean of its ``costs``.

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 3); g.add_task("b", costs=[2, 4])
    >>> task_times(g)
    {'a': 3.0, 'b': 3.0}
    """
    return {t: graph.cost(t) for t in graph.tasks}


def earliest_starts(
    graph: TaskGraph,
    platform: Platform | None = None,
    *,
    communication: bool = False,
) -> dict[str, float]:
    """Earliest start of every task with unlimited workers (ASAP).

    Parameters
    ----------
    graph : TaskGraph
        The graph (not modified).
    platform : Platform, optional
        Only used with ``communication=True``: the network whose mean transfer times
        delay each successor (default: the graph's own platform).
    communication : bool
        Whether an edge adds the mean transfer time of its data.

    Raises
    ------
    GraphError
        If the graph has a cycle or invalid costs.

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 1); g.add_edge("a", "b", data=3)
    >>> earliest_starts(g), earliest_starts(g, communication=True)
    ({'a': 0.0, 'b': 2.0}, {'a': 0.0, 'b': 5.0})
    """
    times = task_times(graph)
    est = dict.fromkeys(graph.tasks, 0.0)
    if communication:
        inst = compile_instance(graph, platform if platform is not None else graph.default_platform())
        tasks = inst.tasks
        for i in inst.topo:
            fi = est[tasks[i]] + times[tasks[i]]
            for j, d in zip(inst.succs[i], inst.succ_data[i]):
                ready = fi + inst.mean_comm(d)
                if ready > est[tasks[j]]:
                    est[tasks[j]] = ready
        return est
    g = graph.nx
    for t in graph.topological_order():
        ft = est[t] + times[t]
        for s in g.successors(t):
            if ft > est[s]:
                est[s] = ft
    return est


def earliest_start_profile(
    graph: TaskGraph,
    platform: Platform | None = None,
    *,
    communication: bool = False,
) -> Profile:
    """The parallelism profile of ``graph``: tasks running at each moment with unlimited workers.

    Each task starts at :func:`earliest_starts` and lasts its :func:`task_times` time.
    Without communication the profile's span is the longest chain of task times and its
    :attr:`~Profile.average` the average parallelism ``W / S``.

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 2); g.add_task("c", 1)
    >>> g.add_edge("a", "c"); g.add_edge("b", "c", data=4)
    >>> earliest_start_profile(g).steps
    [(0.0, 2), (2.0, 1), (3.0, 0)]
    >>> earliest_start_profile(g, communication=True).steps
    [(0.0, 2), (2.0, 0), (6.0, 1), (7.0, 0)]
    """
    times = task_times(graph)
    est = earliest_starts(graph, platform, communication=communication)
    return profile_of_intervals(((est[t], est[t] + times[t]) for t in graph.tasks), start=0.0)


def schedule_profile(schedule: Schedule) -> Profile:
    """The tasks running at each moment of ``schedule`` (from time 0, or its earliest start if earlier).

    Its :attr:`~Profile.average` is the busy time divided by the makespan: the mean
    number of busy workers.

    Examples
    --------
    >>> from model.schedule import Slot
    >>> s = Schedule("manual", ["P1", "P2"], [Slot("a", "P1", 0, 2), Slot("b", "P2", 1, 4)])
    >>> p = schedule_profile(s)
    >>> p.steps, p.average
    ([(0.0, 1), (1.0, 2), (2.0, 1), (4.0, 0)], 1.25)
    """
    return profile_of_intervals(((s.start, s.finish) for s in schedule.slots), start=min(0.0, schedule.origin))


def work_and_span(graph: TaskGraph) -> tuple[float, float]:
    """``(W, S)``: the total of :func:`task_times` and the longest chain of them (no communication).

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 2); g.add_task("b", 3); g.add_task("c", 4)
    >>> g.add_edge("a", "b", data=10)
    >>> work_and_span(g)
    (9.0, 5.0)
    """
    times = task_times(graph)
    est = earliest_starts(graph)
    span = max((est[t] + times[t] for t in graph.tasks), default=0.0)
    return float(sum(times.values())), float(span)
