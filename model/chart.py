"""What a Gantt chart or a graph overlay shows, computed without any GUI object.

- :func:`gantt_geometry`: the lanes, bars and dependency arrows of one or more schedules
  stacked on one time axis, as numpy arrays (:class:`GanttGeometry`). Pure data, so a
  worker thread can compute it for a 100,000-task result before the chart shows it.
- :func:`schedule_critical_path`: the chain of waits that ends with a schedule's last
  finish.
- :func:`schedule_transfers`: the data transfers a chart draws for a schedule, from the
  platform it was computed (or recorded) for.
- :func:`graph_overlay`: levels, critical path or slack of a graph, in the form the
  editor colours its tasks with.

Nothing here mutates its inputs.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Container, Iterator, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from .analysis import critical_path, level_of, slack
from .graph import Platform, TaskGraph
from .schedule import Schedule, Slot, Transfer

__all__ = [
    "OVERLAY_MODES",
    "TASK_HEIGHT",
    "TRANSFER_HEIGHT",
    "GanttGeometry",
    "GraphOverlay",
    "gantt_geometry",
    "graph_overlay",
    "schedule_critical_path",
    "schedule_label",
    "schedule_transfers",
]

#: height of a task bar, in lanes
TASK_HEIGHT = 0.72
#: height of a transfer bar alone on its link lane, in lanes
TRANSFER_HEIGHT = 0.44
#: the part of a link lane shared by overlapping transfers
_LINK_SPAN = 0.84

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
_NO_DEFAULT = object()

_TASK, _WORKER, _START, _FINISH = (attrgetter(a) for a in ("task", "worker", "start", "finish"))
#: items per C-level call (``map``, ``np.fromiter``, ``dict.update``) over a big schedule: the
#: interpreter lock is free between two calls, so the window stays responsive while a worker
#: thread computes a chart of a million bars
_CHUNK = 1 << 16


def _column(fn: Callable[..., Any], items: Sequence[Any], dtype: type, default: Any = _NO_DEFAULT) -> npt.NDArray[Any]:
    """``np.fromiter(map(fn, items))`` (``fn(item, default)`` when given), chunk by chunk."""
    # one iterator read chunk by chunk (a slice per chunk would copy the items first)
    it = map(fn, items) if default is _NO_DEFAULT else map(fn, items, itertools.repeat(default))
    return _read(it, len(items), dtype)


def _read(it: Iterator[Any], n: int, dtype: type) -> npt.NDArray[Any]:
    """The ``n`` values of ``it`` as an array, read chunk by chunk."""
    out: npt.NDArray[Any] = np.empty(n, dtype=dtype)
    for lo in range(0, n, _CHUNK):
        m = min(_CHUNK, n - lo)
        out[lo:lo + m] = np.fromiter(it, dtype=dtype, count=m)
    return out


def _mapped(fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    """``list(map(fn, items))``, chunk by chunk."""
    out: list[Any] = []
    it = map(fn, items)
    for _ in range(0, len(items), _CHUNK):
        out.extend(itertools.islice(it, _CHUNK))
    return out


def _index(names: Sequence[str], start: int = 0) -> dict[str, int]:
    """Name -> ``start`` + its place (a later place of a name wins), chunk by chunk."""
    out: dict[str, int] = {}
    for lo in range(0, len(names), _CHUNK):
        part = names[lo:lo + _CHUNK]
        out.update(zip(part, range(start + lo, start + lo + len(part))))
    return out


# ------------------------------------------------------------------ critical path
def schedule_critical_path(schedule: Schedule, graph: TaskGraph | None = None) -> list[str]:
    """The chain of tasks, each waiting on the previous, that ends with the last finish.

    Walking back from the task that finishes last, the task it waited for is the one
    whose release came last before its start: a predecessor's data arriving (through a
    transfer, or at the predecessor's finish on the same worker) or the previous task on
    its worker finishing. In a computed schedule that release is exactly the start; in
    a recorded trace it is the latest one before it. The chain stops at a task that
    started when the schedule began or waited for nothing.

    Parameters
    ----------
    schedule : Schedule
        A computed schedule or a recorded trace.
    graph : TaskGraph, optional
        Gives the dependencies; without it the schedule's own transfers are used.

    Returns
    -------
    list of str
        The tasks of the chain in time order (empty for an empty schedule).

    Examples
    --------
    >>> s = Schedule("m", ["P1", "P2"], [Slot("a", "P1", 0, 2), Slot("b", "P2", 0, 1),
    ...                                  Slot("c", "P1", 2, 5)])
    >>> schedule_critical_path(s)
    ['a', 'c']
    """
    if not schedule.slots:
        return []
    at = schedule.slot_of()
    span = max(1.0, abs(schedule.makespan))
    tol = 1e-6 * span
    arrive: dict[tuple[str, str], float] = {(t.source, t.target): t.finish for t in schedule.transfers}
    preds: dict[str, list[str]] = {}
    pairs = graph.nx.edges if graph is not None else arrive
    for u, v in pairs:
        if u in at and v in at:
            preds.setdefault(v, []).append(u)
    prev_on_worker: dict[str, str] = {}
    for lst in schedule.by_worker().values():
        for a, b in itertools.pairwise(lst):
            prev_on_worker[b.task] = a.task
    cur = max(schedule.slots, key=lambda s: (s.finish, s.start)).task
    chain = [cur]
    seen = {cur}
    origin = schedule.origin
    while True:
        s = at[cur]
        if s.start <= origin + tol:
            break
        # what it waited for last: data from a predecessor, or the worker becoming free;
        # exact in a computed schedule, the latest thing before its start in a trace
        nxt = None
        best = -math.inf
        for u in preds.get(cur, ()):
            t = arrive.get((u, cur), at[u].finish)
            if t <= s.start + tol and t > best + tol:
                best, nxt = t, u
        w = prev_on_worker.get(cur)
        if w is not None and best + tol < at[w].finish <= s.start + tol:
            nxt = w
        if nxt is None or nxt in seen:
            break
        chain.append(nxt)
        seen.add(nxt)
        cur = nxt
    chain.reverse()
    return chain


# ------------------------------------------------------------------ labels, transfers
def schedule_label(schedules: Sequence[Schedule], index: int) -> str:
    """The name of schedule number ``index`` among ``schedules`` (``#k`` added when names repeat).

    Examples
    --------
    >>> a, b = Schedule("heft", ["P1"], []), Schedule("heft", ["P1"], [])
    >>> schedule_label([a, b], 1)
    'heft #2'
    """

    def name(s: Schedule) -> str:
        return str(s.meta.get("label") or s.algorithm)

    s = schedules[index]
    label = name(s)
    same = [i for i, x in enumerate(schedules) if x is s or name(x) == label]
    if len(same) > 1:
        label = f"{label} #{same.index(index) + 1}"
    return label


def schedule_transfers(schedule: Schedule, graph: TaskGraph | None = None,
                       platform: Platform | None = None) -> list[Transfer]:
    """The data transfers of ``schedule``: its own, else those implied by the mapping.

    A computed schedule carries its transfers. A recorded trace does not: they follow from
    ``graph`` and the ``platform`` it ran on (:meth:`Schedule.compute_transfers`). Without
    both, a schedule without transfers has none.

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 1); g.add_task("b", 1); g.add_edge("a", "b", 2)
    >>> s = Schedule("trace", ["P1", "P2"], [Slot("a", "P1", 0.0, 1.0), Slot("b", "P2", 3.0, 4.0)])
    >>> [(t.start, t.finish) for t in schedule_transfers(s, g, Platform.homogeneous(2))]
    [(1.0, 3.0)]
    >>> schedule_transfers(s, g)
    []
    """
    if schedule.transfers or graph is None or platform is None:
        return list(schedule.transfers)
    return schedule.compute_transfers(graph, platform)


def _stack_transfers(transfers: Sequence[Transfer], lane_of: dict[tuple[str, str], float]) -> list[tuple[float, float]]:
    """Centre and height of each transfer bar: overlapping transfers on one link share
    its lane in sub-rows (greedy interval partitioning)."""
    rows: dict[int, int] = {}
    count: dict[tuple[str, str], int] = {}
    by_link: dict[tuple[str, str], list[int]] = {}
    for i, t in enumerate(transfers):
        by_link.setdefault((t.src_worker, t.dst_worker), []).append(i)
    for link, idx in by_link.items():
        ends: list[float] = []
        for i in sorted(idx, key=lambda i: (transfers[i].start, transfers[i].finish)):
            t = transfers[i]
            r = next((k for k, e in enumerate(ends) if e <= t.start), len(ends))
            if r == len(ends):
                ends.append(t.finish)
            else:
                ends[r] = t.finish
            rows[i] = r
        count[link] = max(1, len(ends))
    out = []
    for i, t in enumerate(transfers):
        link = (t.src_worker, t.dst_worker)
        k = count[link]
        row_h = _LINK_SPAN / k
        h = TRANSFER_HEIGHT if k == 1 else row_h * 0.86
        out.append((lane_of[link] - _LINK_SPAN / 2 + (rows[i] + 0.5) * row_h, h))
    return out


# ------------------------------------------------------------------ Gantt geometry
@dataclass
class GanttGeometry:
    """Everything a Gantt chart draws for some schedules, without any GUI object.

    Made by :func:`gantt_geometry`. Bars are indexed ``0 .. n-1``: per schedule, first
    its slots, then its transfers.
    """

    schedules: list[Schedule]
    show_transfers: bool
    #: the label of each lane, top to bottom
    lanes: list[str]
    #: the centre of each lane
    lane_y: list[float]
    #: (schedule index, worker id or "src->dst") of each lane
    lane_worker: list[tuple[int, str]]
    #: the transfers drawn, per schedule
    transfers: list[list[Transfer]]
    #: the label of each bar (task id, or "source→target" for a transfer); like the other
    #: lists here only read (one schedule alone shares its slot list, and its task names
    #: serve as :attr:`code_names` and :attr:`shown_tasks` too when none repeats)
    bar_task: list[str]
    bar_slot: list[Slot | None]
    bar_transfer: list[Transfer | None]
    bar_sched: IntArray
    #: lane index of each slot bar within its schedule's workers, -1 for a transfer bar
    bar_worker: IntArray
    #: one code per task name, shared by every schedule (graph order first)
    bar_code: IntArray
    code_names: list[str]
    #: the task names that have a bar, in code order (the legend's entries)
    shown_tasks: list[str]
    x0: FloatArray
    x1: FloatArray
    y: FloatArray
    h: FloatArray
    group_tops: list[float]
    #: the y just past the last lane
    height: float
    #: dependency arrows: from the end of bar ``arrow_a[i]`` to the start of bar ``arrow_b[i]``
    arrow_a: IntArray
    arrow_b: IntArray
    #: the platform each schedule's transfers were computed on (``None``: its own transfers)
    platforms: list[Platform | None] = field(default_factory=list)
    #: :attr:`bar_maps` once made
    _bar_maps: list[dict[str, int]] | None = field(default=None, repr=False, compare=False)

    @property
    def bar_maps(self) -> list[dict[str, int]]:
        """Task -> bar index, per schedule (a later slot of a task wins); made on first use
        (a million names take a dict of their own, which the first frame does not need)."""
        if self._bar_maps is None:
            self._bar_maps = _slot_maps(self.bar_task, _slot_ranges(self.bar_sched, self.bar_worker,
                                                                    len(self.schedules)))
        return self._bar_maps

    def fits(self, schedules: Sequence[Schedule], show_transfers: bool) -> bool:
        """Whether this geometry draws exactly ``schedules`` (the same objects)."""
        return (self.show_transfers == bool(show_transfers) and len(self.schedules) == len(schedules)
                and all(a is b for a, b in zip(self.schedules, schedules)))

    def bars_of(self, task: str) -> list[int]:
        """The bars showing ``task``, one per schedule that has it."""
        return [m[task] for m in self.bar_maps if task in m]

    def is_slot(self) -> npt.NDArray[np.bool_]:
        """Which bars are task slots (not transfers)."""
        return self.bar_worker >= 0


def _slot_ranges(bar_sched: IntArray, bar_worker: IntArray, count: int) -> list[tuple[int, int]]:
    """The bars ``lo .. hi - 1`` of the slots of each schedule (they come first in its bars)."""
    slot = bar_worker >= 0
    out = []
    for si in range(count):
        idx = np.flatnonzero(slot & (bar_sched == si))
        out.append((int(idx[0]), int(idx[-1]) + 1) if idx.size else (0, 0))
    return out


def _distinct(names: Sequence[str]) -> bool:
    """Whether no name repeats.

    Names with distinct hashes are distinct: their hashes are sorted as one integer array
    (a set of a million names costs several times as much). Only when two hashes are equal
    (a name that repeats, or a rare collision) are the names themselves compared in a set.
    """
    if len(names) < 2:
        return True
    hashes = np.sort(_column(hash, names, np.int64))
    if not (hashes[1:] == hashes[:-1]).any():
        return True
    seen: set[str] = set()
    for lo in range(0, len(names), _CHUNK):
        seen.update(names[lo:lo + _CHUNK])
    return len(seen) == len(names)


def _slot_maps(bar_task: list[str], ranges: list[tuple[int, int]]) -> list[dict[str, int]]:
    # later slots of a task win (an animated construction shows them in turn)
    return [_index(bar_task[lo:hi], lo) for lo, hi in ranges]


def gantt_geometry(schedules: Sequence[Schedule], graph: TaskGraph | None = None,
                   platforms: Sequence[Platform | None] | None = None, *,
                   show_transfers: bool = False) -> GanttGeometry:
    """The lanes, bars and dependency arrows of ``schedules`` stacked on one time axis.

    Parameters
    ----------
    schedules : sequence of Schedule
        Drawn top to bottom, one group of worker lanes each.
    graph : TaskGraph, optional
        Gives the task order of the colour codes and the dependency arrows (without it
        the schedules' own transfers are the dependencies); only read.
    platforms : sequence of Platform or None, optional
        The platform each schedule was computed or recorded for: a schedule without
        transfers of its own gets those of :func:`schedule_transfers`.
    show_transfers : bool
        Add one lane per pair of workers that exchange data, with a bar per transfer.

    Examples
    --------
    >>> s = Schedule("m", ["P1", "P2"], [Slot("a", "P1", 0, 2), Slot("b", "P2", 1, 3)])
    >>> geo = gantt_geometry([s])
    >>> geo.lanes, geo.x0.tolist(), geo.y.tolist()
    (['P1', 'P2'], [0.0, 1.0], [0.0, 1.0])
    """
    schedules = list(schedules)
    plats: list[Platform | None] = list(platforms) if platforms is not None else []
    plats += [None] * (len(schedules) - len(plats))
    multi = len(schedules) > 1
    lanes: list[str] = []
    lane_y: list[float] = []
    lane_worker: list[tuple[int, str]] = []
    all_transfers: list[list[Transfer]] = []
    ranges: list[tuple[int, int]] = []  # the slot bars of each schedule
    # per schedule chunks: slot bars, then transfer bars
    c_x0: list[FloatArray] = []
    c_x1: list[FloatArray] = []
    c_y: list[FloatArray] = []
    c_h: list[FloatArray] = []
    c_sched: list[IntArray] = []
    c_worker: list[IntArray] = []
    bar_task: list[str] = []
    bar_slot: list[Slot | None] = []
    bar_transfer: list[Transfer | None] = []
    y = 0.0
    group_tops: list[float] = []
    for si, s in enumerate(schedules):
        label = schedule_label(schedules, si)
        if si:
            y += 0.5
        group_tops.append(y - 0.5)
        slots = s.slots
        workers = list(s.workers)
        windex = {w: j for j, w in enumerate(workers)}
        try:  # each slot's worker looked up as it is read (no list of a million names)
            widx = _read(map(windex.__getitem__, map(_WORKER, slots)), len(slots), np.int64)
        except KeyError:  # slots on workers the schedule does not list: lanes after its own
            worker_names = _mapped(_WORKER, slots)
            got = _column(windex.get, worker_names, np.int64, -1)
            for w in dict.fromkeys(worker_names[i] for i in np.flatnonzero(got < 0).tolist()):
                windex[w] = len(workers)
                workers.append(w)
            widx = _column(windex.__getitem__, worker_names, np.int64)
        first_lane = y
        for w in workers:
            lanes.append(f"{label} · {w}" if multi else str(w))
            lane_y.append(y)
            lane_worker.append((si, w))
            y += 1.0
        transfers = schedule_transfers(s, graph, plats[si]) if show_transfers else []
        all_transfers.append(transfers)
        pl: dict[tuple[str, str], float] = {}
        if transfers:
            pairs = sorted({(t.src_worker, t.dst_worker) for t in transfers},
                           key=lambda pr: (windex.get(pr[0], 0), windex.get(pr[1], 0)))
            for pr in pairs:
                pl[pr] = y
                lanes.append(f"{label} · {pr[0]}→{pr[1]}" if multi else f"{pr[0]}→{pr[1]}")
                lane_y.append(y)
                lane_worker.append((si, f"{pr[0]}->{pr[1]}"))
                y += 1.0
        n = len(slots)
        offset = len(bar_task)
        # one pass of C-level attribute reads per column: no Python code per slot
        tasks = _mapped(_TASK, slots)
        c_x0.append(_column(_START, slots, np.float64))
        c_x1.append(_column(_FINISH, slots, np.float64))
        c_y.append(first_lane + widx.astype(np.float64))
        c_h.append(np.full(n, TASK_HEIGHT))
        c_sched.append(np.full(n, si, dtype=np.int64))
        c_worker.append(widx)
        if len(schedules) == 1 and not transfers:
            # the one schedule's task list as it is, and its own slot list (only read): a
            # fresh list of a million slots costs every young collection a walk over them
            bar_task = tasks
            bar_slot = cast("list[Slot | None]", slots) if type(slots) is list else list(slots)
        else:
            bar_task.extend(tasks)
            bar_slot.extend(slots)
        bar_transfer.extend([None] * n)
        ranges.append((offset, offset + n))
        if transfers:
            yh = np.array(_stack_transfers(transfers, pl), dtype=np.float64).reshape(-1, 2)
            c_x0.append(np.array([t.start for t in transfers], dtype=np.float64))
            c_x1.append(np.array([t.finish for t in transfers], dtype=np.float64))
            c_y.append(yh[:, 0])
            c_h.append(yh[:, 1])
            c_sched.append(np.full(len(transfers), si, dtype=np.int64))
            c_worker.append(np.full(len(transfers), -1, dtype=np.int64))
            bar_task.extend(f"{t.source}→{t.target}" for t in transfers)
            bar_slot.extend([None] * len(transfers))
            bar_transfer.extend(transfers)

    # one chunk (one schedule without transfer lanes) is used as it is: no copy of 8 MB per column
    def floats(chunks: list[FloatArray]) -> FloatArray:
        if len(chunks) == 1:
            return chunks[0].astype(np.float64, copy=False)
        return np.concatenate(chunks).astype(np.float64, copy=False) if chunks else np.zeros(0, dtype=np.float64)

    def ints(chunks: list[IntArray]) -> IntArray:
        if len(chunks) == 1:
            return chunks[0].astype(np.int64, copy=False)
        return np.concatenate(chunks).astype(np.int64, copy=False) if chunks else np.zeros(0, dtype=np.int64)

    # codes: the graph's tasks in order, then names without a task in order of appearance
    # (work on a million names is in dict and map calls, no Python code per name)
    made: list[list[dict[str, int]]] = []

    def bar_maps() -> list[dict[str, int]]:
        if not made:
            made.append(_slot_maps(bar_task, ranges))
        return made[0]

    if graph is None and len(ranges) == 1 and ranges[0] == (0, len(bar_task)) and _distinct(bar_task):
        # one schedule, a different task on every bar: the codes are the bar numbers (the
        # names in code order, and the shown ones, are the bars' list itself: only read)
        code_names = bar_task
        bar_code = np.arange(len(bar_task), dtype=np.int64)
        shown_tasks = bar_task
    else:
        code_names = list(graph.tasks) if graph is not None else []
        codes = _index(code_names)
        got = _column(codes.get, bar_task, np.int64, -1)
        if (got < 0).any():
            extra = [bar_task[i] for i in np.flatnonzero(got < 0).tolist()]
            code_names += list(dict.fromkeys(extra))
            codes = _index(code_names)
            got = _column(codes.__getitem__, bar_task, np.int64)
        bar_code = got
        maps = bar_maps()
        shown: Container[str] = maps[0] if len(maps) == 1 else set().union(*maps)
        shown_tasks = [t for lo in range(0, len(code_names), _CHUNK)
                       for t in filter(shown.__contains__, code_names[lo:lo + _CHUNK])]
    a_parts: list[IntArray] = []
    b_parts: list[IntArray] = []
    graph_edges = list(graph.nx.edges) if graph is not None else None
    for si in range(len(ranges)):
        edges = graph_edges if graph_edges is not None else [(t.source, t.target) for t in schedules[si].transfers]
        if not edges:
            continue
        bar = bar_maps()[si]
        ends = _column(bar.get, list(itertools.chain.from_iterable(edges)), np.int64, -1).reshape(-1, 2)
        both = (ends >= 0).all(axis=1)
        a_parts.append(ends[both, 0])
        b_parts.append(ends[both, 1])
    return GanttGeometry(
        schedules=schedules, show_transfers=bool(show_transfers), lanes=lanes, lane_y=lane_y,
        lane_worker=lane_worker, transfers=all_transfers, bar_task=bar_task,
        bar_slot=bar_slot, bar_transfer=bar_transfer, bar_sched=ints(c_sched),
        bar_worker=ints(c_worker), bar_code=bar_code, code_names=code_names, shown_tasks=shown_tasks,
        x0=floats(c_x0), x1=floats(c_x1), y=floats(c_y), h=floats(c_h),
        group_tops=group_tops, height=y, arrow_a=ints(a_parts), arrow_b=ints(b_parts), platforms=plats,
        _bar_maps=made[0] if made else None,
    )


# ------------------------------------------------------------------ graph overlays
#: the overlays :func:`graph_overlay` computes ("none" shows the plain graph)
OVERLAY_MODES = ("none", "levels", "critical", "slack")


@dataclass(frozen=True)
class GraphOverlay:
    """An analysis of a graph in the form the editor draws it.

    Attributes
    ----------
    mode : str
        One of :data:`OVERLAY_MODES`.
    levels : dict
        ``"levels"``: the topological level of every task.
    critical : list of str
        ``"critical"``: the critical path, entry first.
    slack : dict
        ``"slack"``: the slack of every task.
    shade : dict
        ``"slack"``: how strongly each task is drawn, 1 for no slack down to 0 for the
        most slack (square root scale, so small slacks stay apart from none).
    """

    mode: str
    levels: dict[str, int] = field(default_factory=dict)
    critical: list[str] = field(default_factory=list)
    slack: dict[str, float] = field(default_factory=dict)
    shade: dict[str, float] = field(default_factory=dict)

    def critical_edges(self) -> set[tuple[str, str]]:
        """The edges along the critical path."""
        return set(itertools.pairwise(self.critical))


def graph_overlay(graph: TaskGraph, platform: Platform | None, mode: str) -> GraphOverlay:
    """Compute the overlay ``mode`` of ``graph`` on ``platform`` (see :class:`GraphOverlay`).

    Raises
    ------
    ValueError
        For an unknown mode.
    GraphError
        If the graph cannot be analysed (a cycle).

    Examples
    --------
    >>> g = TaskGraph(); g.add_task("a", 1); g.add_task("b", 5); g.add_task("c", 2)
    >>> g.add_edge("a", "b"); g.add_edge("a", "c")
    >>> graph_overlay(g, Platform.homogeneous(2), "critical").critical
    ['a', 'b']
    >>> graph_overlay(g, Platform.homogeneous(2), "slack").shade
    {'a': 1.0, 'b': 1.0, 'c': 0.0}
    """
    if mode not in OVERLAY_MODES:
        raise ValueError(f"unknown overlay {mode!r} (known: {', '.join(OVERLAY_MODES)})")
    if mode == "none" or not len(graph):
        return GraphOverlay(mode)
    if mode == "levels":
        return GraphOverlay(mode, levels=level_of(graph))
    if mode == "critical":
        return GraphOverlay(mode, critical=list(critical_path(graph, platform).tasks))
    sl = slack(graph, platform)
    top = max(sl.values(), default=0.0)
    shade = {t: 1.0 - (math.sqrt(s / top) if top > 0 else 0.0) for t, s in sl.items()}
    return GraphOverlay(mode, slack=sl, shade=shade)
