"""Mapping by hand: what the app computes when the user moves a task between workers.

The timing of a hand mapping is :mod:`model.mapping`'s; this module holds the small
rules around it, so the chart, the panels, the tests and the benchmark share them:

- :func:`drop_position`: where in a worker's order a task dropped at time ``x`` goes;
- :func:`position_in_time`: where it goes when moved to a worker without a drop point
  (among that worker's tasks by its current start, so the order stays in time order);
- :func:`hand_name`: ``"hand"``, ``"hand 2"``, ... the name of a new hand result;
- :func:`kept_pins`: the pins a run that "completes the rest" keeps (the graph's own
  pins plus the tasks the user placed by hand);
- :func:`makespan_change`: ``"makespan 80 → 77, −3"``;
- :func:`retimed_geometry`: the Gantt bars of a re-timed schedule, in the bar order of
  the chart that showed it before, so the chart can glide each bar to its new place.

Nothing here mutates its inputs or imports Qt.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from collections.abc import Mapping as AbcMapping

import numpy as np

from .chart import GanttGeometry
from .mapping import HAND, Mapping
from .schedule import Schedule, Slot

__all__ = [
    "HAND",
    "drop_position",
    "hand_name",
    "kept_pins",
    "makespan_change",
    "position_in_time",
    "retimed_geometry",
]


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def drop_position(mapping: Mapping, starts: AbcMapping[str, float], task: str, worker: str, x: float) -> int:
    """The place in ``worker``'s order of ``task`` dropped at time ``x``.

    The dropped task goes before the first task of that worker (itself left out) whose
    start is after ``x``; after all of them when none is.

    Parameters
    ----------
    mapping : Mapping
        The mapping before the drop.
    starts : Mapping[str, float]
        The start time of every task in the shown schedule.
    task, worker : str
        The dropped task and the worker of the lane it was dropped on.
    x : float
        Where the dropped bar starts (its left edge), in the schedule's time unit.

    Returns
    -------
    int
        A position for :meth:`Mapping.moved` (it counts the worker's tasks without ``task``).

    Examples
    --------
    >>> m = Mapping({"P1": ["a", "b", "c"], "P2": ["d"]})
    >>> starts = {"a": 0, "b": 4, "c": 9, "d": 0}
    >>> drop_position(m, starts, "d", "P1", 5.0), drop_position(m, starts, "a", "P1", 10.0)
    (2, 2)
    """
    lane = [t for t in mapping.order.get(worker, ()) if t != task]
    for k, t in enumerate(lane):
        if starts[t] > x:
            return k
    return len(lane)


def position_in_time(mapping: Mapping, schedule: Schedule, task: str, worker: str) -> int:
    """The place in ``worker``'s order that keeps ``task`` where it is in time.

    ``task`` goes before the first task of ``worker`` that starts after it (ties broken
    by finish, so a task without duration stays before one that depends on it).

    Examples
    --------
    >>> from model.schedule import Slot
    >>> s = Schedule("m", ["P1", "P2"], [Slot("a", "P1", 0, 2), Slot("b", "P1", 5, 7), Slot("c", "P2", 3, 4)])
    >>> position_in_time(Mapping.from_schedule(s), s, "c", "P1")
    1
    """
    at = schedule.slot_of()
    me = at[task]
    key = (me.start, me.finish)
    lane = [t for t in mapping.order.get(worker, ()) if t != task]
    for k, t in enumerate(lane):
        s = at[t]
        if (s.start, s.finish) > key:
            return k
    return len(lane)


def hand_name(taken: Iterable[str]) -> str:
    """The first of ``"hand"``, ``"hand 2"``, ``"hand 3"``, ... not in ``taken``.

    Examples
    --------
    >>> hand_name([]), hand_name(["heft", "hand"]), hand_name(["hand", "hand 2"])
    ('hand', 'hand 2', 'hand 3')
    """
    used = set(taken)
    if HAND not in used:
        return HAND
    k = 2
    while f"{HAND} {k}" in used:
        k += 1
    return f"{HAND} {k}"


def kept_pins(pins: AbcMapping[str, str], mapping: Mapping, placed: Iterable[str]) -> dict[str, str]:
    """The pins of a run that completes a hand mapping.

    The graph's ``pins`` stay; every other task in ``placed`` (the tasks the user moved
    by hand) is pinned to its worker in ``mapping`` as well. A task the graph pins keeps
    its pin even when the hand mapping put it elsewhere.

    Examples
    --------
    >>> kept_pins({"a": "P1"}, Mapping({"P1": ["c"], "P2": ["a", "b"]}), ["c", "a"])
    {'a': 'P1', 'c': 'P1'}
    """
    out = dict(pins)
    for t in placed:
        out.setdefault(t, mapping.worker_of(t))
    return out


def makespan_change(before: float, after: float) -> str:
    """The change of makespan in words.

    Examples
    --------
    >>> makespan_change(80, 77), makespan_change(77, 80.5), makespan_change(80, 80)
    ('makespan 80 → 77, −3', 'makespan 77 → 80.5, +3.5', 'makespan 80 → 80, unchanged')
    """
    d = after - before
    tol = 1e-9 * max(1.0, abs(before))
    if abs(d) <= tol:
        delta = "unchanged"
    else:
        delta = ("−" if d < 0 else "+") + _fmt(abs(d))
    return f"makespan {_fmt(before)} → {_fmt(after)}, {delta}"


def retimed_geometry(geometry: GanttGeometry, schedule: Schedule) -> GanttGeometry | None:
    """The chart of ``schedule`` with its bars in the order of ``geometry``'s.

    ``geometry`` showed one schedule of the same tasks on the same workers, without
    transfer lanes (a hand move changes where tasks run, not which tasks there are).
    Bar ``i`` then shows the same task before and after, so the dependency arrows, the
    colours and the labels carry over, and a view can move each bar from its old place
    to its new one.

    Returns
    -------
    GanttGeometry or None
        ``None`` when ``geometry`` is not such a chart (several schedules, transfer
        lanes, other tasks or workers): compute it with :func:`model.chart.gantt_geometry`.

    Examples
    --------
    >>> from model.chart import gantt_geometry
    >>> from model.schedule import Slot
    >>> a = Schedule("m", ["P1", "P2"], [Slot("x", "P1", 0, 2), Slot("y", "P1", 2, 3)])
    >>> b = Schedule("hand", ["P1", "P2"], [Slot("y", "P2", 0, 1), Slot("x", "P1", 0, 2)])
    >>> g = retimed_geometry(gantt_geometry([a]), b)
    >>> g.bar_task, g.x0.tolist(), g.y.tolist()
    (['x', 'y'], [0.0, 0.0], [0.0, 1.0])
    """
    if len(geometry.schedules) != 1 or geometry.show_transfers:
        return None
    bar = geometry.bar_maps[0]
    slots = schedule.slots
    n = len(geometry.bar_task)
    if len(slots) != n or len(bar) != n:
        return None
    workers = [w for _, w in geometry.lane_worker]
    if list(schedule.workers) != workers:
        return None
    windex = {w: j for j, w in enumerate(workers)}
    try:
        at = [bar[s.task] for s in slots]
        widx = np.array([windex[s.worker] for s in slots], dtype=np.int64)
    except KeyError:
        return None
    idx = np.array(at, dtype=np.int64)
    bar_slot: list[Slot | None] = [None] * n
    for i, s in zip(at, slots):
        bar_slot[i] = s
    if any(s is None for s in bar_slot):  # a task twice: not the same bars
        return None
    x0 = np.empty(n, dtype=np.float64)
    x1 = np.empty(n, dtype=np.float64)
    bar_worker = np.empty(n, dtype=np.int64)
    x0[idx] = [s.start for s in slots]
    x1[idx] = [s.finish for s in slots]
    bar_worker[idx] = widx
    lane_y = np.asarray(geometry.lane_y, dtype=np.float64)
    return dataclasses.replace(
        geometry, schedules=[schedule], bar_slot=bar_slot, x0=x0, x1=x1, y=lane_y[bar_worker],
        bar_worker=bar_worker, transfers=[[]],
    )
