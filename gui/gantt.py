"""Gantt charts of schedules: one lane per worker, bars drawn by one culling graphics item.

:class:`GanttBarsItem` is a single ``pg.GraphicsObject`` that holds every bar in numpy
arrays and paints, on each frame, only the bars inside the view. When more bars are
visible than pixels can show, bars narrower than two pixels are binned per lane and pixel
column and drawn as merged runs (a level of detail that keeps a 100,000-bar chart fast).
Labels appear when a bar is wide enough for its name.

:class:`GanttView` is the widget: a pyqtgraph ``PlotWidget`` with the item, a "now" line
following a :class:`~gui.playback.Playback`, a legend, and a small control bar (colour
mode, critical path, dependency arrows, transfer lanes, play / pause / step / speed /
scrub). Several schedules are stacked on one shared time axis for comparison.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from gui.playback import Playback, PlaybackBar
from model.graph import TaskGraph
from model.schedule import Schedule, Slot

try:  # the fast path pyqtgraph's own BarGraphItem uses: QRectF arrays backed by numpy memory
    from pyqtgraph.Qt.internals import PrimitiveArray as _PrimitiveArray
except ImportError:  # pragma: no cover - older / newer pyqtgraph
    _PrimitiveArray = None

__all__ = [
    "COLOUR_MODES", "GanttBarsItem", "GanttGeometry", "GanttView", "gantt_geometry", "schedule_critical_path",
    "schedule_label", "task_levels",
]

COLOUR_MODES = ("task", "level", "algorithm", "worker")

#: 20 distinguishable mid-tone colours (cycled when there are more categories)
PALETTE = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac", "#2f5d8a", "#c46b12", "#3b7a33", "#a8323a", "#3f8580", "#b59a1c",
    "#7d4f73", "#d9707c", "#6f5140", "#707070",
]
TRANSFER_COLOUR = "#9a9a9a"
TASK_HEIGHT = 0.72
TRANSFER_HEIGHT = 0.44
#: beyond this many visible bars, sub-2-pixel bars are binned per pixel column
LOD_LIMIT = 3000
#: draw labels only when at most this many bars are visible
LABEL_LIMIT = 2500
ARROW_LIMIT = 20000


# ------------------------------------------------------------------ analysis helpers
def task_levels(graph: TaskGraph) -> dict[str, int]:
    """Topological level of each task: 0 for entry tasks, else 1 + the deepest predecessor.

    Tasks sharing a level are independent of each other.
    """
    level: dict[str, int] = {}
    g = graph.nx
    for v in graph.topological_order():
        level[v] = max((level[u] + 1 for u in g.predecessors(v)), default=0)
    return level


def schedule_critical_path(schedule: Schedule, graph: TaskGraph | None = None) -> list[str]:
    """The chain of tasks, each waiting on the previous, that ends with the last finish.

    Walking back from the task that finishes last, the task it waited for is the one
    whose release came last before its start: a predecessor's data arriving (through a
    transfer, or at the predecessor's finish on the same worker) or the previous task on
    its worker finishing. In a computed schedule that release is exactly the start; in
    a recorded trace it is the latest one before it. The chain stops at a task that
    started when the schedule began or waited for nothing. Returned in time order.
    """
    if not schedule.slots:
        return []
    at = schedule.slot_of()
    span = max(1.0, abs(schedule.makespan))
    tol = 1e-6 * span
    arrive: dict[tuple[str, str], float] = {(t.source, t.target): t.finish for t in schedule.transfers}
    preds: dict[str, list[str]] = {}
    if graph is not None:
        for u, v in graph.nx.edges:
            if u in at and v in at:
                preds.setdefault(v, []).append(u)
    else:
        for (u, v) in arrive:
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


def _stack_transfers(transfers: list, lane_of: dict) -> list[tuple[float, float]]:
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
    span = 0.84
    for i, t in enumerate(transfers):
        link = (t.src_worker, t.dst_worker)
        k = count[link]
        row_h = span / k
        h = TRANSFER_HEIGHT if k == 1 else row_h * 0.86
        out.append((lane_of[link] - span / 2 + (rows[i] + 0.5) * row_h, h))
    return out


def schedule_label(schedules: Sequence[Schedule], si: int) -> str:
    """The name of schedule ``si`` among ``schedules`` (``#k`` added when names repeat)."""
    s = schedules[si]
    label = str(s.meta.get("label") or s.algorithm)
    same = [x for x in schedules if str(x.meta.get("label") or x.algorithm) == label]
    if len(same) > 1:
        label = f"{label} #{[i for i, x in enumerate(schedules) if x is s or str(x.meta.get('label') or x.algorithm) == label].index(si) + 1}"
    return label


def _transfers_of(s: Schedule, graph: TaskGraph | None) -> list:
    if s.transfers or graph is None:
        return list(s.transfers)
    try:
        plat = graph.default_platform(len(s.workers))
        if plat.ids != list(s.workers):
            return []
        return s.compute_transfers(graph, plat)
    except Exception:  # a recorded trace may name tasks the graph lacks
        return []


@dataclass
class GanttGeometry:
    """Everything a :class:`GanttView` draws for some schedules, without any Qt object.

    Made by :func:`gantt_geometry`, which may run in a worker thread: for 100,000 tasks
    the Python loops over slots and edges take about half a second, which the GUI
    thread then does not spend when the result is shown.
    """

    schedules: list[Schedule]
    show_transfers: bool
    lanes: list[str]
    lane_y: list[float]
    #: (schedule index, worker id or "src->dst") of each lane
    lane_worker: list[tuple[int, str]]
    #: the transfers drawn, per schedule
    transfers: list[list]
    #: task -> bar index, per schedule (a later slot of a task wins)
    bar_maps: list[dict[str, int]]
    bar_task: list[str]
    bar_slot: list[Slot | None]
    bar_transfer: list
    bar_sched: np.ndarray
    bar_worker: np.ndarray
    #: one code per task name, shared by every schedule (graph order first)
    bar_code: np.ndarray
    code_names: list[str]
    #: the task names that have a bar, in code order (the legend's entries)
    shown_tasks: list[str]
    x0: np.ndarray
    x1: np.ndarray
    y: np.ndarray
    h: np.ndarray
    group_tops: list[float]
    #: the y just past the last lane
    height: float
    #: dependency arrows: from the end of bar ``arrow_a[i]`` to the start of bar ``arrow_b[i]``
    arrow_a: np.ndarray
    arrow_b: np.ndarray

    def fits(self, schedules: Sequence[Schedule], show_transfers: bool) -> bool:
        """Whether this geometry draws exactly ``schedules`` (the same objects)."""
        return (self.show_transfers == bool(show_transfers) and len(self.schedules) == len(schedules)
                and all(a is b for a, b in zip(self.schedules, schedules)))


def gantt_geometry(schedules: Sequence[Schedule], graph: TaskGraph | None = None, *,
                   show_transfers: bool = False) -> GanttGeometry:
    """The lanes, bars and dependency arrows of ``schedules`` stacked on one time axis.

    Pure data (numpy arrays and lists): safe to compute in a worker thread. ``graph``
    gives the task order of the colour codes and the dependency arrows (without it the
    schedules' own transfers are the dependencies); it is only read.
    """
    schedules = list(schedules)
    multi = len(schedules) > 1
    lanes: list[str] = []
    lane_y: list[float] = []
    lane_worker: list[tuple[int, str]] = []
    all_transfers: list[list] = []
    bar_maps: list[dict[str, int]] = []
    # per schedule chunks: slot bars, then transfer bars
    c_x0: list[np.ndarray] = []
    c_x1: list[np.ndarray] = []
    c_y: list[np.ndarray] = []
    c_h: list[np.ndarray] = []
    c_sched: list[np.ndarray] = []
    c_worker: list[np.ndarray] = []
    bar_task: list[str] = []
    bar_slot: list[Slot | None] = []
    bar_transfer: list = []
    y = 0.0
    group_tops: list[float] = []
    for si, s in enumerate(schedules):
        label = schedule_label(schedules, si)
        if si:
            y += 0.5
        group_tops.append(y - 0.5)
        workers = list(s.workers)
        known = set(workers)
        for w in {sl.worker for sl in s.slots} - known:
            workers.append(w)
        windex = {w: j for j, w in enumerate(workers)}
        first_lane = y
        for w in workers:
            lanes.append(f"{label} · {w}" if multi else str(w))
            lane_y.append(y)
            lane_worker.append((si, w))
            y += 1.0
        transfers = _transfers_of(s, graph) if show_transfers else []
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
        slots = s.slots
        n = len(slots)
        offset = len(bar_task)
        times = np.array([(sl.start, sl.finish) for sl in slots], dtype=np.float64).reshape(n, 2)
        widx = np.array([windex[sl.worker] for sl in slots], dtype=np.int64)
        tasks = [sl.task for sl in slots]
        c_x0.append(times[:, 0])
        c_x1.append(times[:, 1])
        c_y.append(first_lane + widx.astype(np.float64))
        c_h.append(np.full(n, TASK_HEIGHT))
        c_sched.append(np.full(n, si, dtype=np.int64))
        c_worker.append(widx)
        bar_task.extend(tasks)
        bar_slot.extend(slots)
        bar_transfer.extend([None] * n)
        # later slots of a task win (an animated construction shows them in turn)
        bar_maps.append(dict(zip(tasks, range(offset, offset + n))))
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

    def cat(chunks: list[np.ndarray], dtype: type) -> np.ndarray:
        return np.concatenate(chunks).astype(dtype, copy=False) if chunks else np.zeros(0, dtype=dtype)

    codes: dict[str, int] = {t: i for i, t in enumerate(graph.tasks)} if graph is not None else {}
    bar_code = np.fromiter((codes.setdefault(t, len(codes)) for t in bar_task), dtype=np.int64,
                           count=len(bar_task))
    code_names = list(codes)
    shown: set[str] = set().union(*bar_maps) if bar_maps else set()
    shown_tasks = [t for t in code_names if t in shown]
    a: list[int] = []
    b: list[int] = []
    for si, bar in enumerate(bar_maps):
        edges = graph.nx.edges if graph is not None else [(t.source, t.target) for t in schedules[si].transfers]
        get = bar.get
        for u, v in edges:
            iu, iv = get(u), get(v)
            if iu is not None and iv is not None:
                a.append(iu)
                b.append(iv)
    return GanttGeometry(
        schedules=schedules, show_transfers=bool(show_transfers), lanes=lanes, lane_y=lane_y,
        lane_worker=lane_worker, transfers=all_transfers, bar_maps=bar_maps, bar_task=bar_task,
        bar_slot=bar_slot, bar_transfer=bar_transfer, bar_sched=cat(c_sched, np.int64),
        bar_worker=cat(c_worker, np.int64), bar_code=bar_code, code_names=code_names, shown_tasks=shown_tasks,
        x0=cat(c_x0, np.float64), x1=cat(c_x1, np.float64), y=cat(c_y, np.float64), h=cat(c_h, np.float64),
        group_tops=group_tops, height=y, arrow_a=np.asarray(a, dtype=np.int64), arrow_b=np.asarray(b, dtype=np.int64),
    )


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _faded(c: QtGui.QColor, amount: float = 0.68) -> QtGui.QColor:
    return QtGui.QColor(
        round(c.red() + (255 - c.red()) * amount),
        round(c.green() + (255 - c.green()) * amount),
        round(c.blue() + (255 - c.blue()) * amount),
        c.alpha(),
    )


def _text_colour(c: QtGui.QColor) -> QtGui.QColor:
    lum = 0.299 * c.red() + 0.587 * c.green() + 0.114 * c.blue()
    return QtGui.QColor("#111111") if lum > 140 else QtGui.QColor("#ffffff")


# --------------------------------------------------------------------- the bar item
class GanttBarsItem(pg.GraphicsObject):
    """Every bar of a chart in one item, painted with culling and level of detail.

    Bars live in numpy arrays (``x0``, ``x1``, lane centre ``y``, height ``h``, colour
    index ``colour``). :meth:`paint` selects the bars inside the view, converts them to
    device pixels and draws them with one ``drawRects`` call per colour.
    """

    def __init__(self) -> None:
        super().__init__()
        self.x0 = np.zeros(0)
        self.x1 = np.zeros(0)
        self.y = np.zeros(0)
        self.h = np.zeros(0)
        self.colour = np.zeros(0, dtype=np.int32)
        self.row = np.zeros(0, dtype=np.int64)
        self.row_y = np.zeros(0)
        self.row_h = np.zeros(0)
        self.labels: list[str] = []
        self.visible_mask: np.ndarray | None = None
        self.colours: list[QtGui.QColor] = []
        self._brushes: list[QtGui.QBrush] = []
        self._text_pens: list[QtGui.QColor] = []
        self.now: float | None = None
        self.highlights: dict[str, np.ndarray] = {}
        self.arrow_a = np.zeros(0, dtype=np.int64)
        self.arrow_b = np.zeros(0, dtype=np.int64)
        self.arrow_critical = np.zeros(0, dtype=bool)
        self.show_arrows = False
        self._bounds = QtCore.QRectF()
        self._rects = _PrimitiveArray(QtCore.QRectF, 4) if _PrimitiveArray is not None else None
        self._lines = _PrimitiveArray(QtCore.QLineF, 4) if _PrimitiveArray is not None else None
        self.paint_count = 0
        self.last_visible = 0
        self.last_lod = False
        self.last_labels = 0

    # ------------------------------------------------------------------- data
    def set_bars(
        self,
        x0: np.ndarray,
        x1: np.ndarray,
        y: np.ndarray,
        h: np.ndarray,
        colour: np.ndarray,
        labels: Sequence[str],
        colours: Sequence[QtGui.QColor],
    ) -> None:
        """Replace every bar; ``colour`` indexes ``colours``."""
        self.x0 = np.asarray(x0, dtype=np.float64)
        self.x1 = np.maximum(np.asarray(x1, dtype=np.float64), self.x0)
        self.y = np.asarray(y, dtype=np.float64)
        self.h = np.asarray(h, dtype=np.float64)
        self.labels = list(labels)
        # bars sharing a centre and height form a row (a lane, or a sub-row of a link lane)
        keys = np.round(self.y * 1024).astype(np.int64) * (1 << 20) + np.round(self.h * 1024).astype(np.int64)
        _, first, self.row = np.unique(keys, return_index=True, return_inverse=True)
        self.row_y = self.y[first]
        self.row_h = self.h[first]
        self.visible_mask = None
        self.highlights = {}
        self.arrow_a = self.arrow_b = np.zeros(0, dtype=np.int64)
        self.arrow_critical = np.zeros(0, dtype=bool)
        self.set_colours(colour, colours)
        if len(self.x0):
            x_lo, x_hi = float(self.x0.min()), float(self.x1.max())
            y_lo, y_hi = float((self.y - self.h / 2).min()), float((self.y + self.h / 2).max())
        else:
            x_lo = x_hi = y_lo = y_hi = 0.0
        self.prepareGeometryChange()
        self._bounds = QtCore.QRectF(x_lo, y_lo, max(x_hi - x_lo, 1e-9), max(y_hi - y_lo, 1e-9))
        self.informViewBoundsChanged()
        self.update()

    def set_colours(self, colour: np.ndarray, colours: Sequence[QtGui.QColor]) -> None:
        """Recolour: ``colour[i]`` indexes ``colours`` (faded copies are derived)."""
        self.colour = np.asarray(colour, dtype=np.int32)
        self.colours = [QtGui.QColor(c) for c in colours]
        k = len(self.colours)
        self._brushes = [QtGui.QBrush(c) for c in self.colours] + [
            QtGui.QBrush(_faded(c)) for c in self.colours
        ]
        self._text_pens = [_text_colour(c) for c in self.colours]
        self._k = k
        self.update()

    def set_now(self, t: float | None) -> None:
        """Fill bars up to time ``t`` (``None``: every bar drawn full)."""
        if t != self.now:
            self.now = t
            self.update()

    def set_visible_mask(self, mask: np.ndarray | None) -> None:
        self.visible_mask = mask
        self.update()

    def set_highlight(self, name: str, indices: Sequence[int] | np.ndarray) -> None:
        """Outline a group of bars: ``"selected"``, ``"related"`` or ``"critical"``."""
        arr = np.asarray(indices, dtype=np.int64)
        if arr.size:
            self.highlights[name] = arr
        else:
            self.highlights.pop(name, None)
        self.update()

    def set_arrows(self, a: np.ndarray, b: np.ndarray, critical: np.ndarray | None = None) -> None:
        """Dependency arrows from the end of bar ``a[i]`` to the start of bar ``b[i]``."""
        self.arrow_a = np.asarray(a, dtype=np.int64)
        self.arrow_b = np.asarray(b, dtype=np.int64)
        self.arrow_critical = (
            np.zeros(len(self.arrow_a), dtype=bool) if critical is None else np.asarray(critical, dtype=bool)
        )
        self.update()

    def bar_rect(self, i: int) -> QtCore.QRectF:
        """Bar ``i`` in data coordinates."""
        return QtCore.QRectF(self.x0[i], self.y[i] - self.h[i] / 2, self.x1[i] - self.x0[i], self.h[i])

    def bar_at(self, x: float, y: float, tol_x: float = 0.0) -> int | None:
        """Index of the bar under data point ``(x, y)``, or ``None``."""
        if not len(self.x0):
            return None
        m = (np.abs(self.y - y) <= self.h / 2) & (self.x0 - tol_x <= x) & (x <= self.x1 + tol_x)
        if self.visible_mask is not None:
            m &= self.visible_mask
        idx = np.flatnonzero(m)
        if not idx.size:
            return None
        inside = idx[(self.x0[idx] <= x) & (x <= self.x1[idx])]
        pick = inside if inside.size else idx
        # the narrowest bar wins (a short transfer on top of a long one)
        return int(pick[np.argmin(self.x1[pick] - self.x0[pick])])

    # ---------------------------------------------------------------- QGraphicsItem
    def boundingRect(self) -> QtCore.QRectF:
        return QtCore.QRectF(self._bounds)

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange=None):
        if not len(self.x0):
            return None
        if ax == 0:
            return (float(self.x0.min()), float(self.x1.max()))
        return (float((self.y - self.h / 2).min()), float((self.y + self.h / 2).max()))

    def shape(self) -> QtGui.QPainterPath:
        path = QtGui.QPainterPath()
        path.addRect(self.boundingRect())
        return path

    # -------------------------------------------------------------------- painting
    def _draw_rects(
        self,
        p: QtGui.QPainter,
        X: np.ndarray,
        Y: np.ndarray,
        W: np.ndarray,
        H: np.ndarray,
        cidx: np.ndarray | None,
        pen: QtGui.QPen | None,
    ) -> None:
        """Draw device-space rectangles, one ``drawRects`` per brush (``cidx``) or outlines only."""
        if not len(X):
            return
        p.setPen(pen if pen is not None else QtCore.Qt.PenStyle.NoPen)
        if cidx is None:
            p.setBrush(QtCore.Qt.BrushStyle.NoBrush)
            self._rect_batch(p, X, Y, W, H)
            return
        order = np.argsort(cidx, kind="stable")
        cs = cidx[order]
        cuts = np.flatnonzero(np.diff(cs)) + 1
        starts = np.concatenate(([0], cuts))
        ends = np.concatenate((cuts, [len(cs)]))
        for s, e in zip(starts, ends):
            sel = order[s:e]
            p.setBrush(self._brushes[int(cs[s])])
            self._rect_batch(p, X[sel], Y[sel], W[sel], H[sel])

    def _rect_batch(self, p: QtGui.QPainter, X, Y, W, H) -> None:
        n = len(X)
        if self._rects is not None:
            self._rects.resize(n)
            mem = self._rects.ndarray()
            mem[:, 0] = X
            mem[:, 1] = Y
            mem[:, 2] = W
            mem[:, 3] = H
            p.drawRects(*self._rects.drawargs())
        else:  # pragma: no cover
            p.drawRects([QtCore.QRectF(*r) for r in zip(X, Y, W, H)])

    def paint(self, p: QtGui.QPainter, opt, widget) -> None:
        self.paint_count += 1
        n = len(self.x0)
        if not n:
            return
        vr = self.viewRect()
        if vr is None:
            vr = self._bounds
        t = p.transform()
        sx, sy, dx, dy = t.m11(), t.m22(), t.dx(), t.dy()
        if sx == 0 or sy == 0 or t.m12() != 0 or t.m21() != 0:
            return
        half = self.h / 2
        m = (self.x1 >= vr.left()) & (self.x0 <= vr.right())
        m &= (self.y + half >= vr.top()) & (self.y - half <= vr.bottom())
        if self.visible_mask is not None:
            m &= self.visible_mask
        idx = np.flatnonzero(m)
        self.last_visible = len(idx)
        if not len(idx):
            return
        # device pixels per view pixel: 1 on screen, the scale factor when exported
        dt = self.deviceTransform_()
        ratio = abs(sx / dt.m11()) if dt is not None and dt.m11() else 1.0
        p.save()
        p.resetTransform()
        X0 = self.x0[idx] * sx + dx
        X1 = self.x1[idx] * sx + dx
        if sx < 0:
            X0, X1 = X1, X0
        Yc = self.y[idx] * sy + dy
        Hh = self.h[idx] * abs(sy)
        Yt = Yc - Hh / 2
        W = np.maximum(X1 - X0, 1.0)
        col = self.colour[idx]
        k = self._k
        now = self.now
        if now is not None:
            nowx = now * sx + dx
            done = self.x1[idx] <= now
            started = self.x0[idx] <= now
        else:
            nowx = math.inf
            done = np.ones(len(idx), dtype=bool)
            started = done

        lod = len(idx) > LOD_LIMIT
        self.last_lod = lod
        big = np.ones(len(idx), dtype=bool)
        if lod:
            small = (X1 - X0) < 2.0
            big = ~small
            if small.any():
                self._paint_binned(p, X0[small], self.row[idx[small]], np.where(done[small], col[small], col[small] + k),
                                   sy, dy)
        fine = (W[big] >= 6).mean() > 0.5 if big.any() else False
        pen = QtGui.QPen(QtGui.QColor(30, 30, 30, 150), 1.0) if fine else None
        if pen is not None:
            pen.setCosmetic(True)
        bi = np.flatnonzero(big)
        if now is None:
            self._draw_rects(p, X0[bi], Yt[bi], W[bi], Hh[bi], col[bi], pen)
        else:
            # not finished: the faded bar; finished or running: the solid part up to "now"
            nd = bi[~done[bi]]
            self._draw_rects(p, X0[nd], Yt[nd], W[nd], Hh[nd], col[nd] + k, pen)
            st = bi[started[bi]]
            Ws = np.maximum(np.minimum(X1[st], nowx) - X0[st], 0.0)
            dn = done[st]
            Ws[dn] = W[st][dn]
            self._draw_rects(p, X0[st], Yt[st], Ws, Hh[st], col[st], pen if dn.all() else None)

        self._paint_arrows(p, sx, sy, dx, dy, vr)
        self._paint_highlights(p, sx, sy, dx, dy)
        self.last_labels = 0
        if not lod and len(idx) <= LABEL_LIMIT and self.labels:
            self._paint_labels(p, idx, X0, Yt, W, Hh, col, done | (now is None), ratio)
        p.restore()

    def _paint_binned(self, p: QtGui.QPainter, X0, rows, cidx, sy, dy) -> None:
        """Bars under two pixels wide: one cell per (row, pixel column), merged into runs."""
        used = np.flatnonzero(np.bincount(rows, minlength=len(self.row_y)))
        if len(used) != len(self.row_y):
            remap = np.full(len(self.row_y), -1, dtype=np.int64)
            remap[used] = np.arange(len(used))
            inv = remap[rows]
        else:
            inv = rows
        cols = np.floor(X0).astype(np.int64)
        c0 = int(cols.min())
        ncol = int(cols.max()) - c0 + 1
        grid = np.full(len(used) * ncol, -1, dtype=np.int64)
        grid[inv * ncol + (cols - c0)] = cidx
        row_h = self.row_h[used] * abs(sy)
        row_top = self.row_y[used] * sy + dy - row_h / 2
        flat = grid.ravel()
        new_run = np.ones(flat.size, dtype=bool)
        new_run[1:] = flat[1:] != flat[:-1]
        new_run[::ncol] = True
        starts = np.flatnonzero(new_run)
        ends = np.append(starts[1:], flat.size)
        vals = flat[starts]
        keep = vals >= 0
        starts, ends, vals = starts[keep], ends[keep], vals[keep]
        r = starts // ncol
        X = (starts % ncol + c0).astype(np.float64)
        W = (ends - starts).astype(np.float64)
        self._draw_rects(p, X, row_top[r], W, row_h[r], vals, None)

    def _paint_arrows(self, p: QtGui.QPainter, sx, sy, dx, dy, vr) -> None:
        if not self.show_arrows or not len(self.arrow_a):
            return
        a, b = self.arrow_a, self.arrow_b
        xa, ya, xb, yb = self.x1[a], self.y[a], self.x0[b], self.y[b]
        m = (np.maximum(xa, xb) >= vr.left()) & (np.minimum(xa, xb) <= vr.right())
        m &= (np.maximum(ya, yb) >= vr.top()) & (np.minimum(ya, yb) <= vr.bottom())
        if self.visible_mask is not None:
            m &= self.visible_mask[a] & self.visible_mask[b]
        sel = np.flatnonzero(m)
        if not len(sel) or len(sel) > ARROW_LIMIT:
            return
        crit = self.arrow_critical[sel]
        # leave and enter bars at their vertical edges, offset a little inside the lane
        XA, YA = xa[sel] * sx + dx, ya[sel] * sy + dy
        XB, YB = xb[sel] * sx + dx, yb[sel] * sy + dy
        for group, colour, width in ((~crit, QtGui.QColor(40, 40, 40, 170), 1.0),
                                     (crit, QtGui.QColor("#d62728"), 2.0)):
            g = np.flatnonzero(group)
            if not len(g):
                continue
            pen = QtGui.QPen(colour, width)
            pen.setCosmetic(True)
            p.setPen(pen)
            ax, ay, bx, by = XA[g], YA[g], XB[g], YB[g]
            segs = [np.stack([ax, ay, bx, by], axis=1)]
            if len(g) <= 3000:
                ang = np.arctan2(by - ay, bx - ax)
                size = 7.0
                for da in (0.4, -0.4):
                    segs.append(np.stack([bx, by, bx - size * np.cos(ang + da), by - size * np.sin(ang + da)], axis=1))
            lines = np.concatenate(segs)
            if self._lines is not None:
                self._lines.resize(len(lines))
                self._lines.ndarray()[:] = lines
                p.drawLines(*self._lines.drawargs())
            else:  # pragma: no cover
                p.drawLines([QtCore.QLineF(*row) for row in lines])

    def _paint_highlights(self, p: QtGui.QPainter, sx, sy, dx, dy) -> None:
        styles = {
            "critical": (QtGui.QColor("#d62728"), 2.0, QtCore.Qt.PenStyle.SolidLine),
            "related": (QtGui.QColor("#1f3fbf"), 2.0, QtCore.Qt.PenStyle.DashLine),
            "selected": (QtGui.QColor("#000000"), 3.0, QtCore.Qt.PenStyle.SolidLine),
        }
        for name in ("critical", "related", "selected"):
            ix = self.highlights.get(name)
            if ix is None or not len(ix):
                continue
            if self.visible_mask is not None:
                ix = ix[self.visible_mask[ix]]
            colour, width, style = styles[name]
            pen = QtGui.QPen(colour, width, style)
            pen.setCosmetic(True)
            X0 = self.x0[ix] * sx + dx
            X1 = self.x1[ix] * sx + dx
            Hh = self.h[ix] * abs(sy)
            Yt = self.y[ix] * sy + dy - Hh / 2
            W = np.maximum(np.abs(X1 - X0), 2.0)
            self._draw_rects(p, np.minimum(X0, X1), Yt, W, Hh, None, pen)

    def _paint_labels(self, p: QtGui.QPainter, idx, X0, Yt, W, Hh, col, solid, ratio) -> None:
        font = QtGui.QFont(p.font())
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * ratio)
        else:
            font.setPixelSize(max(1, round(font.pixelSize() * ratio)))
        p.setFont(font)
        fm = QtGui.QFontMetricsF(font)
        th = fm.height()
        cand = np.flatnonzero((W > 14) & (Hh > th * 0.9))
        drawn = 0
        for j in cand:
            text = self.labels[idx[j]]
            if not text:
                continue
            tw = fm.horizontalAdvance(text)
            if tw + 6 > W[j]:
                continue
            c = int(col[j])
            p.setPen(self._text_pens[c] if solid[j] else QtGui.QColor("#333333"))
            p.drawText(QtCore.QRectF(X0[j], Yt[j], W[j], Hh[j]), QtCore.Qt.AlignmentFlag.AlignCenter, text)
            drawn += 1
        self.last_labels = drawn


# ------------------------------------------------------------------------ time grid
class _TimeGrid(pg.GraphicsObject):
    """Light vertical lines at round times across the view (cheaper than the axis grid)."""

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(-10)

    def viewTransformChanged(self) -> None:
        self.prepareGeometryChange()

    def viewRangeChanged(self) -> None:
        self.prepareGeometryChange()
        self.update()

    def _view_rect(self) -> QtCore.QRectF | None:
        # ask the view box itself: the item's cached view rect can be stale after the
        # widget was first laid out while hidden or tiny
        vb = self.getViewBox()
        return None if vb is None else vb.viewRect()

    def boundingRect(self) -> QtCore.QRectF:
        vr = self._view_rect()
        return QtCore.QRectF() if vr is None else QtCore.QRectF(vr)

    def paint(self, p: QtGui.QPainter, opt, widget) -> None:
        vr = self._view_rect()
        if vr is None or vr.width() <= 0:
            return
        t = p.transform()
        sx, dx = t.m11(), t.dx()
        top, bottom = sorted((vr.top() * t.m22() + t.dy(), vr.bottom() * t.m22() + t.dy()))
        raw = vr.width() / 8
        mag = 10 ** math.floor(math.log10(raw))
        step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
        p.save()
        p.resetTransform()
        for div, alpha in ((5, 22), (1, 55)):
            st = step / div
            xs = np.arange(math.ceil(vr.left() / st) * st, vr.right(), st)
            if len(xs) > 400:
                continue
            pen = QtGui.QPen(QtGui.QColor(0, 0, 0, alpha), 1.0)
            pen.setCosmetic(True)
            p.setPen(pen)
            for x in xs * sx + dx:
                p.drawLine(QtCore.QLineF(x, top, x, bottom))
        p.restore()


# ---------------------------------------------------------------------- legend widget
class _Legend(QtWidgets.QGraphicsWidget):
    """Colour swatches with names, laid out in a column beside the plot."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[tuple[QtGui.QColor, str]] = []
        self.heading = ""
        self.font = QtGui.QFont()
        self.font.setPointSizeF(max(7.0, self.font.pointSizeF() * 0.9))

    def set_entries(self, heading: str, entries: list[tuple[QtGui.QColor, str]]) -> None:
        self.heading = heading
        self.entries = entries
        fm = QtGui.QFontMetricsF(self.font)
        texts = [heading, *[e[1] for e in entries]]
        w = max((fm.horizontalAdvance(t) for t in texts), default=0) + 30
        h = (len(entries) + 1) * (fm.height() + 3) + 8
        # a long legend must not force the chart (and the window) taller: it shows what fits
        self.setMinimumSize(w, min(h, 3 * (fm.height() + 3) + 8))
        self.setPreferredSize(w, h)
        self.setMaximumWidth(w)
        self.updateGeometry()
        self.update()

    def paint(self, p: QtGui.QPainter, opt, widget) -> None:
        fm = QtGui.QFontMetricsF(self.font)
        p.setFont(self.font)
        lh = fm.height() + 3
        y = 4.0
        p.setPen(QtGui.QColor("#222222"))
        bold = QtGui.QFont(self.font)
        bold.setBold(True)
        p.setFont(bold)
        p.drawText(QtCore.QPointF(8, y + fm.ascent()), self.heading)
        p.setFont(self.font)
        y += lh
        fits = max(0, int((self.size().height() - y - 4) // lh))
        entries = self.entries
        more = 0
        if len(entries) > fits:
            more = len(entries) - max(0, fits - 1)
            entries = entries[: max(0, fits - 1)]
        for colour, text in entries:
            p.setPen(QtGui.QPen(QtGui.QColor(30, 30, 30, 150), 0))
            p.setBrush(colour)
            p.drawRect(QtCore.QRectF(8, y + 2, 12, fm.height() - 4))
            p.setPen(QtGui.QColor("#222222"))
            p.drawText(QtCore.QPointF(26, y + fm.ascent()), text)
            y += lh
        if more:
            p.setPen(QtGui.QColor("#555555"))
            p.drawText(QtCore.QPointF(8, y + fm.ascent()), f"… {more} more lines")


# ------------------------------------------------------------------------- the view
class GanttView(QtWidgets.QWidget):
    """Gantt chart of one schedule, or of several stacked on one time axis.

    Parameters
    ----------
    playback : Playback or None
        The replay clock to follow (one is created when missing; see :attr:`playback`).
    """

    task_clicked = QtCore.Signal(str)
    #: an animated construction reached its last placement
    construction_finished = QtCore.Signal()

    def __init__(self, playback: Playback | None = None, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.playback = playback if playback is not None else Playback(self)
        self.schedules: list[Schedule] = []
        self.graph: TaskGraph | None = None
        self.colour_mode = "task"
        self.show_critical = False
        self.show_dependencies = False
        self.show_transfers = False
        self.lanes: list[str] = []
        self._lane_y: list[float] = []
        self._bar_task: list[str] = []
        self._bar_sched = np.zeros(0, dtype=np.int64)
        self._bar_transfer: list[tuple | None] = []
        self._bar_slot: list[Slot | None] = []
        self._bar_maps: list[dict[str, int]] = []
        self._selected: list[str] = []
        self._construct: dict | None = None
        self._bar_worker = np.zeros(0, dtype=np.int64)
        self._bar_code = np.zeros(0, dtype=np.int64)
        self._code_names: list[str] = []
        self._shown_tasks: list[str] = []
        self._lane_worker: list[tuple[int, str]] = []
        self._transfers: list[list] = []
        self._levels: dict[str, int] | None = None
        self._critical: list[list[str]] | None = None

        pg.setConfigOptions(antialias=False)
        self.plot = pg.PlotWidget(background="w")
        self.plot_item: pg.PlotItem = self.plot.getPlotItem()
        self.plot_item.hideButtons()
        self.plot_item.setMenuEnabled(False)
        self.view_box: pg.ViewBox = self.plot_item.getViewBox()
        self.view_box.invertY(True)
        self.view_box.setMouseEnabled(x=True, y=False)
        for name in ("left", "bottom"):
            ax = self.plot_item.getAxis(name)
            # times are in the schedule's own unit: no "(x0.001)" rescaling of the labels
            ax.enableAutoSIPrefix(False)
            ax.setPen(pg.mkPen("#444444"))
            ax.setTextPen(pg.mkPen("#222222"))
        self.plot_item.setLabel("bottom", "time")
        self.plot_item.setLabel("left", "worker")
        self.grid = _TimeGrid()
        self.plot_item.addItem(self.grid, ignoreBounds=True)
        # bars above the grid lines the axes draw (axes sit at z 0.5)
        self.view_box.setZValue(1)
        self.item = GanttBarsItem()
        self.plot_item.addItem(self.item)
        self.now_line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#d62728", width=2))
        self.now_line.setZValue(20)
        self.now_line.hide()
        self.plot_item.addItem(self.now_line, ignoreBounds=True)
        self.cursor_line = pg.InfiniteLine(
            angle=90, movable=False, pen=pg.mkPen((90, 90, 90, 120), width=1, style=QtCore.Qt.PenStyle.DashLine)
        )
        self.cursor_line.hide()
        self.plot_item.addItem(self.cursor_line, ignoreBounds=True)
        self.separators: list[pg.InfiniteLine] = []
        self.legend = _Legend()
        self.plot_item.layout.addItem(self.legend, 2, 3)

        # controls
        self.colour_box = QtWidgets.QComboBox(toolTip="Colour bars by")
        for m in COLOUR_MODES:
            self.colour_box.addItem(f"colour: {m}", m)
        self.critical_box = QtWidgets.QCheckBox("Critical path")
        self.deps_box = QtWidgets.QCheckBox("Dependencies")
        self.transfers_box = QtWidgets.QCheckBox("Transfers")
        self.fit_button = QtWidgets.QToolButton(text="Fit", toolTip="Show the whole chart")
        self.cursor_label = QtWidgets.QLabel()
        self.cursor_label.setMinimumWidth(90)
        self.playback_bar = PlaybackBar(self.playback)
        top = QtWidgets.QHBoxLayout()
        for w in (self.colour_box, self.critical_box, self.deps_box, self.transfers_box, self.fit_button):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.cursor_label)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addLayout(top)
        self.empty_label = QtWidgets.QLabel(
            "No schedule to show yet.\nRun a mapping algorithm (Run ▸ Run all algorithms) and choose a result,\n"
            "or open a schedule or an execution trace (File ▸ Open schedule or trace)."
        )
        self.empty_label.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: #666; background: white; border: 1px solid #ddd;")
        lay.addWidget(self.empty_label, 1)
        lay.addWidget(self.plot, 1)
        lay.addWidget(self.playback_bar)
        self.plot.setVisible(False)

        self.colour_box.currentIndexChanged.connect(
            lambda i: self.set_colour_mode(self.colour_box.itemData(i))
        )
        self.critical_box.toggled.connect(self.set_show_critical)
        self.deps_box.toggled.connect(self.set_show_dependencies)
        self.transfers_box.toggled.connect(self.set_show_transfers)
        self.fit_button.clicked.connect(self.fit)
        self.playback.time_changed.connect(self._on_playback_time_changed)
        self.playback.state_changed.connect(lambda _p: self._on_playback_time_changed(self.playback.time))
        scene = self.plot.scene()
        scene.sigMouseMoved.connect(self._on_scene_mouse_moved)
        scene.sigMouseClicked.connect(self._on_scene_mouse_clicked)
        self._construct_timer = QtCore.QTimer(self)
        self._construct_timer.setInterval(30)
        self._construct_timer.timeout.connect(self._on_construct_timer_timeout)

    # ---------------------------------------------------------------- public API
    def set_schedule(self, schedule: Schedule | None, graph: TaskGraph | None = None, *,
                     geometry: GanttGeometry | None = None) -> None:
        """Show one schedule (``None`` clears the chart).

        ``geometry``: the bars of this schedule computed beforehand (in a worker thread)
        by :func:`gantt_geometry` from ``graph`` or an unchanged copy of it; used when it
        was made for the same schedule object and transfer-lane setting, else ignored.
        """
        self.set_schedules([] if schedule is None else [schedule], graph, geometry=geometry)

    def set_schedules(self, schedules: list[Schedule], graph: TaskGraph | None = None, *,
                      geometry: GanttGeometry | None = None) -> None:
        """Show one schedule, or 2+ stacked on one shared time axis (``geometry``: see
        :meth:`set_schedule`)."""
        self._stop_construction()
        self.schedules = list(schedules)
        self.graph = graph
        self._stale_note = ""
        self.plot.setVisible(bool(self.schedules))
        self.empty_label.setVisible(not self.schedules)
        self._levels: dict[str, int] | None = None
        self._critical: list[list[str]] | None = None
        self._rebuild(geometry)
        # from the bar arrays: a loop over 100,000 slots costs the GUI thread ~50 ms
        is_slot = self._bar_worker >= 0
        starts, finishes = self._geometry.x0[is_slot], self._geometry.x1[is_slot]
        start = min(0.0, float(starts.min())) if starts.size else 0.0
        end = float(finishes.max()) if finishes.size else 0.0
        events = np.concatenate((self.item.x0[is_slot], self.item.x1[is_slot]))
        self.playback.set_range(start, end - start, events=events)
        self.fit()

    def select_tasks(self, tasks: list[str]) -> None:
        """Highlight ``tasks`` (thick outline) and their predecessors and successors (dashed)."""
        self._selected = [t for t in tasks if self.bars_of(t)]
        sel = [i for t in self._selected for i in self.bars_of(t)]
        related: set[str] = set()
        for t in self._selected:
            related.update(self._neighbours(t))
        related -= set(self._selected)
        rel = [i for t in related for i in self.bars_of(t)]
        self.item.set_highlight("selected", sel)
        self.item.set_highlight("related", rel)

    def selected_tasks(self) -> list[str]:
        return list(self._selected)

    def set_colour_mode(self, mode: str) -> None:
        """Colour bars by ``"task"``, ``"level"``, ``"algorithm"`` (schedule) or ``"worker"``."""
        if mode not in COLOUR_MODES:
            raise ValueError(f"unknown colour mode {mode!r} (known: {', '.join(COLOUR_MODES)})")
        self.colour_mode = mode
        i = COLOUR_MODES.index(mode)
        if self.colour_box.currentIndex() != i:
            blocked = self.colour_box.blockSignals(True)
            self.colour_box.setCurrentIndex(i)
            self.colour_box.blockSignals(blocked)
        self._apply_colours()

    def set_show_critical(self, on: bool) -> None:
        self.show_critical = bool(on)
        self._sync_box(self.critical_box, on)
        self._apply_critical()

    def set_show_dependencies(self, on: bool) -> None:
        self.show_dependencies = bool(on)
        self._sync_box(self.deps_box, on)
        self.item.show_arrows = self.show_dependencies
        self.item.update()

    def set_show_transfers(self, on: bool) -> None:
        on = bool(on)
        self._sync_box(self.transfers_box, on)
        if on != self.show_transfers:
            self.show_transfers = on
            self._rebuild()
            self.fit()

    def fit(self) -> None:
        """Show the whole chart."""
        b = self.item.boundingRect()
        if not self.item.x0.size:
            self.view_box.setRange(xRange=(0, 1), yRange=(-0.5, 0.5), padding=0)
            return
        n = max(len(self.lanes), 1)
        self.view_box.setRange(
            xRange=(min(0.0, b.left()), b.right()), yRange=(-0.6, self._lane_y[-1] + 0.6 if self._lane_y else n),
            padding=0.02,
        )

    def animate_construction(self, slots: list[Slot], *, duration_s: float | None = None) -> None:
        """Replay an algorithm's placements one by one (a later slot of a task replaces it).

        Emits :attr:`construction_finished` at the end. The lanes are the workers of the
        current schedule, else those the slots name, in order of appearance.
        """
        self._stop_construction()
        slots = list(slots)
        workers = list(self.schedules[0].workers) if len(self.schedules) == 1 else []
        for s in slots:
            if s.worker not in workers:
                workers.append(s.worker)
        sched = Schedule(self.schedules[0].algorithm if self.schedules else "placements", workers, slots)
        graph = self.graph
        self.schedules = [sched]
        self._levels = None
        self._critical = None
        saved = self.show_transfers
        self.show_transfers = False
        self._rebuild()
        self.show_transfers = saved
        n = len(slots)
        later = np.full(n, n + 1, dtype=np.int64)
        last: dict[str, int] = {}
        for i in range(n - 1, -1, -1):
            later[i] = last.get(slots[i].task, n + 1)
            last[slots[i].task] = i
        self.graph = graph
        total_ms = duration_s * 1000 if duration_s is not None else min(8000.0, max(1500.0, 60.0 * n))
        ticks = max(1, int(total_ms / self._construct_timer.interval()))
        self._construct = {"k": -1, "n": n, "later": later, "per_tick": max(1, math.ceil(n / ticks)),
                           "slots": slots}
        self.item.set_visible_mask(np.zeros(n, dtype=bool))
        self.item.set_highlight("critical", [])
        self.playback.set_range(0.0, max((s.finish for s in slots), default=0.0))
        self.fit()
        if n:
            self._construct_timer.start()
        else:
            self.construction_finished.emit()

    def construction_step(self) -> bool:
        """Show the next batch of placements; ``False`` once all are shown."""
        c = self._construct
        if c is None:
            return False
        c["k"] = min(c["n"] - 1, c["k"] + c["per_tick"])
        k = c["k"]
        idx = np.arange(c["n"])
        self.item.set_visible_mask((idx <= k) & (c["later"] > k))
        self.item.set_highlight("selected", [k])
        if k >= c["n"] - 1:
            self._construct_timer.stop()
            self._construct = None
            self.item.set_highlight("selected", [])
            # end on the final placements: replaced ones must not stretch the time range
            final = [s for s, later in zip(c["slots"], c["later"], strict=True) if later > c["n"]]
            end = max((s.finish for s in final), default=0.0)
            self.playback.set_range(0.0, end, events=[t for s in final for t in (s.start, s.finish)])
            if final:
                self.view_box.setXRange(min(0.0, min(s.start for s in final)), end, padding=0.02)
            self.construction_finished.emit()
            return False
        return True

    # -------------------------------------------------------------- queries (tests)
    def bars_of(self, task: str) -> list[int]:
        """Bar indices showing ``task`` (one per schedule)."""
        return [m[task] for m in self._bar_maps if task in m]

    def bar_rect(self, task: str, schedule_index: int = 0) -> QtCore.QRectF:
        """The bar of ``task`` in schedule ``schedule_index``, in data coordinates."""
        if 0 <= schedule_index < len(self._bar_maps) and task in self._bar_maps[schedule_index]:
            return self.item.bar_rect(self._bar_maps[schedule_index][task])
        raise KeyError(f"task {task!r} is not in schedule #{schedule_index}")

    def bar_at(self, x: float, y: float) -> int | None:
        px = self.item.pixelWidth() if self.item.getViewBox() is not None else 0.0
        return self.item.bar_at(x, y, tol_x=2 * (px or 0.0))

    def task_at(self, x: float, y: float) -> str | None:
        i = self.bar_at(x, y)
        return None if i is None or self._bar_slot[i] is None else self._bar_task[i]

    def tooltip_text(self, bar: int) -> str:
        """What hovering bar number ``bar`` shows."""
        slot = self._bar_slot[bar]
        label = self._schedule_label(int(self._bar_sched[bar]))
        if slot is None:
            tr = self._bar_transfer[bar]
            return (
                f"transfer {tr.source} → {tr.target}\n{tr.src_worker} → {tr.dst_worker}\n"
                f"start {_fmt(tr.start)}, finish {_fmt(tr.finish)} ({_fmt(tr.finish - tr.start)})\n"
                f"data {_fmt(tr.data)}"
            )
        lines = [f"task {slot.task}" + (f"  [{label}]" if len(self.schedules) > 1 else ""),
                 f"worker {slot.worker}",
                 f"start {_fmt(slot.start)}, finish {_fmt(slot.finish)} (duration {_fmt(slot.duration)})"]
        din, dout = self._data_in_out(int(self._bar_sched[bar]), slot.task)
        lines.append("data in: " + (", ".join(f"{_fmt(d)} from {u}" for u, d in din[:6]) or "none")
                     + (" …" if len(din) > 6 else ""))
        lines.append("data out: " + (", ".join(f"{_fmt(d)} to {v}" for v, d in dout[:6]) or "none")
                     + (" …" if len(dout) > 6 else ""))
        if self._levels is not None and slot.task in self._levels:
            lines.append(f"level {self._levels[slot.task]}")
        return "\n".join(lines)

    def chart_title(self) -> str:
        """Which schedules the chart shows, with their makespans (empty when none)."""
        parts = []
        for i, sched in enumerate(self.schedules):
            parts.append(f"{self._schedule_label(i)}: makespan {_fmt(sched.makespan)}")
        note = getattr(self, "_stale_note", "")
        return "   vs   ".join(parts) + (f"   ({note})" if parts and note else "")

    def mark_stale(self, note: str = "stale: the graph changed, run again") -> None:
        """Say in the title that the shown schedules no longer match the graph (until the next one is shown)."""
        self._stale_note = note
        self.plot_item.setTitle(self.chart_title(), size="9pt", color="#222222")

    def legend_entries(self) -> list[tuple[str, str]]:
        """The legend as ``(colour name, text)`` pairs."""
        return [(c.name(), t) for c, t in self.legend.entries]

    # ------------------------------------------------------------------- building
    def _schedule_label(self, si: int) -> str:
        return schedule_label(self.schedules, si)

    def _rebuild(self, geometry: GanttGeometry | None = None) -> None:
        g = geometry if geometry is not None and geometry.fits(self.schedules, self.show_transfers) else None
        if g is None:
            g = gantt_geometry(self.schedules, self.graph, show_transfers=self.show_transfers)
        multi = len(self.schedules) > 1
        self._geometry = g
        self.lanes = g.lanes
        self._lane_y = g.lane_y
        self._lane_worker = g.lane_worker
        self._transfers = g.transfers
        self._bar_maps = g.bar_maps
        self._bar_task = g.bar_task
        self._bar_slot = g.bar_slot
        self._bar_transfer = g.bar_transfer
        self._bar_sched = g.bar_sched
        self._bar_worker = g.bar_worker
        self._bar_code = g.bar_code
        self._code_names = g.code_names
        self._shown_tasks = g.shown_tasks
        colour, colours = self._colours_for()
        self.item.set_bars(g.x0, g.x1, g.y, g.h, colour, g.bar_task, colours)
        left = self.plot_item.getAxis("left")
        left.setTicks([[(yy, name) for yy, name in zip(g.lane_y, g.lanes)], []])
        self.plot_item.setLabel("left", "schedule · worker" if multi else "worker")
        self.plot_item.setTitle(self.chart_title(), size="9pt", color="#222222")
        for line in self.separators:
            self.plot_item.removeItem(line)
        self.separators = []
        for top in g.group_tops[1:]:
            line = pg.InfiniteLine(pos=top + 0.25, angle=0, movable=False, pen=pg.mkPen("#888888", width=1))
            self.plot_item.addItem(line, ignoreBounds=True)
            self.separators.append(line)
        self._update_legend()
        self.item.set_arrows(g.arrow_a, g.arrow_b)
        self._apply_critical()
        self.select_tasks(self._selected)
        self.item.show_arrows = self.show_dependencies
        self.view_box.setMouseEnabled(x=True, y=len(g.lanes) > 30)
        self.view_box.setLimits(yMin=-2, yMax=max(g.height, 1) + 1)

    def _levels_map(self) -> dict[str, int]:
        if self._levels is None:
            self._levels = {}
            if self.graph is not None:
                try:
                    self._levels = task_levels(self.graph)
                except Exception:
                    self._levels = {}
        return self._levels

    def _colours_for(self) -> tuple[np.ndarray, list[QtGui.QColor]]:
        """Colour index of every bar and the colours (the last one is for transfers)."""
        mode = self.colour_mode
        pal = [QtGui.QColor(c) for c in PALETTE]
        k = len(pal)
        if mode == "task":
            out = self._bar_code % k
        elif mode == "level":
            levels = self._levels_map()
            by_code = np.array([levels.get(t, 0) for t in self._code_names] or [0], dtype=np.int64)
            out = by_code[self._bar_code] % k
        elif mode == "algorithm":
            out = self._bar_sched % k
        else:
            out = self._bar_worker % k
        out = np.where(self._bar_worker < 0, k, out).astype(np.int32)
        # translucent, so transfers overlapping on one link show as darker bands
        tc = QtGui.QColor(TRANSFER_COLOUR)
        tc.setAlpha(170)
        return out, [*pal, tc]

    def _apply_colours(self) -> None:
        colour, colours = self._colours_for()
        self.item.set_colours(colour, colours)
        self._update_legend()

    def _update_legend(self) -> None:
        pal = [QtGui.QColor(c) for c in PALETTE]
        k = len(pal)
        mode = self.colour_mode
        entries: list[tuple[QtGui.QColor, str]] = []
        limit = 14
        if mode == "task":
            tasks = self._shown_tasks
            entries = [(pal[i % k], t) for i, t in enumerate(tasks[:limit])]
            if len(tasks) > limit:
                entries.append((QtGui.QColor("#ffffff"), f"… {len(tasks) - limit} more"))
        elif mode == "level":
            levels = self._levels_map()
            if levels:
                top = max(levels.values())
                entries = [(pal[i % k], f"level {i}") for i in range(min(top + 1, limit))]
                if top + 1 > limit:
                    entries.append((QtGui.QColor("#ffffff"), f"… to level {top}"))
            else:
                entries = [(pal[0], "level 0 (no graph)")]
        elif mode == "algorithm":
            entries = [(pal[i % k], self._schedule_label(i)) for i in range(len(self.schedules))]
        else:
            seen: list[str] = []
            for _si, w in self._lane_worker:
                if "->" not in w and w not in seen:
                    seen.append(w)
            entries = [(pal[i % k], w) for i, w in enumerate(seen[:limit])]
        if (self._bar_worker < 0).any():
            entries.append((QtGui.QColor(TRANSFER_COLOUR), "transfer"))
        if self.show_critical:
            entries.append((QtGui.QColor("#d62728"), "critical path"))
        self.legend.set_entries(f"colour: {mode}", entries)

    def _neighbours(self, task: str) -> set[str]:
        out: set[str] = set()
        if self.graph is not None and task in self.graph:
            out.update(self.graph.predecessors(task))
            out.update(self.graph.successors(task))
        else:
            for trs in getattr(self, "_transfers", []):
                for tr in trs:
                    if tr.source == task:
                        out.add(tr.target)
                    elif tr.target == task:
                        out.add(tr.source)
            for s in self.schedules:
                for tr in s.transfers:
                    if tr.source == task:
                        out.add(tr.target)
                    elif tr.target == task:
                        out.add(tr.source)
        return out

    def critical_paths(self) -> list[list[str]]:
        """The critical path of each shown schedule (see :func:`schedule_critical_path`)."""
        if self._critical is None:
            self._critical = [schedule_critical_path(s, self.graph) for s in self.schedules]
        return self._critical

    def _apply_critical(self) -> None:
        if not self.show_critical or not self.schedules:
            self.item.set_highlight("critical", [])
            self.item.arrow_critical = np.zeros(len(self.item.arrow_a), dtype=bool)
            self.item.update()
            self._update_legend()
            return
        idx: list[int] = []
        crit_pairs: set[tuple[int, int]] = set()
        for si, path in enumerate(self.critical_paths()):
            bars = []
            for t in path:
                i = self._bar_maps[si].get(t)
                if i is not None:
                    bars.append(i)
            idx.extend(bars)
            crit_pairs.update(itertools.pairwise(bars))
        self.item.set_highlight("critical", idx)
        self.item.arrow_critical = np.array(
            [(int(x), int(y)) in crit_pairs for x, y in zip(self.item.arrow_a, self.item.arrow_b)], dtype=bool
        )
        self.item.update()
        self._update_legend()

    def _data_in_out(self, si: int, task: str) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
        if self.graph is not None and task in self.graph:
            din = [(u, self.graph.data(u, task)) for u in self.graph.predecessors(task)]
            dout = [(v, self.graph.data(task, v)) for v in self.graph.successors(task)]
            return din, dout
        trs = self.schedules[si].transfers
        return ([(t.source, t.data) for t in trs if t.target == task],
                [(t.target, t.data) for t in trs if t.source == task])

    @staticmethod
    def _sync_box(box: QtWidgets.QCheckBox, on: bool) -> None:
        if box.isChecked() != bool(on):
            blocked = box.blockSignals(True)
            box.setChecked(bool(on))
            box.blockSignals(blocked)

    def _stop_construction(self) -> None:
        self._construct_timer.stop()
        self._construct = None
        self.item.visible_mask = None

    # ------------------------------------------------------------------- slots
    def _on_construct_timer_timeout(self) -> None:
        self.construction_step()

    def _on_playback_time_changed(self, t: float) -> None:
        pb = self.playback
        active = pb.playing or t < pb.end
        if active and self.schedules:
            self.now_line.setPos(t)
            self.now_line.show()
            self.item.set_now(t)
        else:
            self.now_line.hide()
            self.item.set_now(None)

    def _on_scene_mouse_moved(self, pos: QtCore.QPointF) -> None:
        if not self.view_box.sceneBoundingRect().contains(pos):
            self.cursor_line.hide()
            QtWidgets.QToolTip.hideText()
            return
        pt = self.view_box.mapSceneToView(pos)
        self.cursor_line.setPos(pt.x())
        self.cursor_line.show()
        self.cursor_label.setText(f"t = {pt.x():.5g}")
        i = self.bar_at(pt.x(), pt.y())
        if i is None:
            QtWidgets.QToolTip.hideText()
            return
        gpos = self.plot.viewport().mapToGlobal(self.plot.mapFromScene(pos))
        QtWidgets.QToolTip.showText(gpos, self.tooltip_text(i), self.plot)

    def _on_scene_mouse_clicked(self, ev) -> None:
        if ev.button() != QtCore.Qt.MouseButton.LeftButton:
            return
        pos = ev.scenePos()
        if not self.view_box.sceneBoundingRect().contains(pos):
            return
        pt = self.view_box.mapSceneToView(pos)
        task = self.task_at(pt.x(), pt.y())
        if task is None:
            return
        self.select_tasks([task])
        self.task_clicked.emit(task)
