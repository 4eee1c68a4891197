"""A big graph drawn from arrays: its geometry (:class:`Drawing`) and the overview item.

Zoomed out on a big graph the editor makes no item per task and edge: it reads the
graph once into arrays (task centres and half widths, edge end points, route bends,
bounding boxes) and draws it as one :class:`OverviewItem` (every edge as one-pixel lines,
the tasks as flat rectangles, one call per colour). Zoomed in, the same arrays say which
tasks and edges lie in the visible rectangle, and only those get items.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from model.graph import TaskGraph
from model.layout import task_width

from .items import C_TEXT, LOD_NAME, TASK_H, line_style, route_coords
from .pictures import PictureCache

__all__ = ["Drawing", "OverviewItem", "OverviewLooks", "edge_style"]

Edge = tuple[str, str]

_HH = TASK_H / 2
#: the plain edge of the overview: the faint line of the items, made opaque (no blending)
C_FAINT = QtGui.QColor(178, 184, 190)


@dataclass(frozen=True)
class Drawing:
    """Where every task and edge of a graph is drawn, as arrays (index = graph order).

    Attributes
    ----------
    tasks, index
        The task ids in graph order, and each id's position in it.
    x, y, hw
        Centre and half width of each task's box (the box is ``TASK_H`` tall).
    edges, src, dst
        The edges in graph order and their two tasks' indices.
    box
        ``(E, 4)``: each edge's bounding box ``x0, y0, x1, y1`` (its route's bends included).
    seg, seg_edge
        ``(S, 4)``: the straight pieces the overview draws (centre to centre, or along the
        route while the edge follows it), and the edge each piece belongs to.
    """

    tasks: list[str]
    index: dict[str, int]
    x: np.ndarray
    y: np.ndarray
    hw: np.ndarray
    edges: list[Edge]
    src: np.ndarray
    dst: np.ndarray
    box: np.ndarray
    seg: np.ndarray
    seg_edge: np.ndarray

    @classmethod
    def of(cls, graph: TaskGraph) -> Drawing:
        """Read the positions (``x``, ``y``; 0 when missing or not a number) and routes of ``graph``."""
        nxg = graph.nx
        tasks = list(nxg.nodes)
        index = {t: i for i, t in enumerate(tasks)}
        n = len(tasks)
        xs: list[float] = []
        ys: list[float] = []
        for _t, a in nxg.nodes(data=True):
            try:
                xs.append(float(a.get("x", 0.0)))
            except (TypeError, ValueError):
                xs.append(0.0)
            try:
                ys.append(float(a.get("y", 0.0)))
            except (TypeError, ValueError):
                ys.append(0.0)
        widths = {len(t) for t in tasks}
        half = {k: task_width("x" * k) / 2 for k in widths}  # the width depends on the id's length
        hw = np.fromiter((half[len(t)] for t in tasks), dtype=float, count=n)
        edges: list[Edge] = []
        src: list[int] = []
        dst: list[int] = []
        routed: list[tuple[int, list[tuple[float, float]]]] = []
        for u, nbrs in nxg.adjacency():
            i = index[u]
            for v, a in nbrs.items():
                if "route" in a:
                    pts = route_coords(a["route"])
                    if pts is not None:
                        routed.append((len(edges), pts))
                edges.append((u, v))
                src.append(i)
                dst.append(index[v])
        s = np.asarray(src, dtype=np.int64)
        d = np.asarray(dst, dtype=np.int64)
        m = len(edges)
        x, y = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
        box = np.empty((m, 4))
        if m:
            box[:, 0] = np.minimum(x[s], x[d])
            box[:, 1] = np.minimum(y[s], y[d])
            box[:, 2] = np.maximum(x[s], x[d])
            box[:, 3] = np.maximum(y[s], y[d])
        straight = np.ones(m, dtype=bool)
        pieces: list[tuple[float, float, float, float]] = []
        owners: list[int] = []
        for k, pts in routed:
            # followed while its two tasks stay where it was made for (as EdgeItem.adjust)
            (ax, ay), (bx, by) = pts[0], pts[-1]
            i, j = s[k], d[k]
            if abs(ax - x[i]) <= 0.5 and abs(ay - y[i]) <= 0.5 and abs(bx - x[j]) <= 0.5 and abs(by - y[j]) <= 0.5:
                straight[k] = False
                xs = [p[0] for p in pts]
                ys = [p[1] for p in pts]
                box[k] = (min(xs), min(ys), max(xs), max(ys))
                for (px, py), (qx, qy) in itertools.pairwise(pts):
                    pieces.append((px, py, qx, qy))
                    owners.append(k)
        plain = np.flatnonzero(straight)
        seg = np.concatenate([np.column_stack([x[s[plain]], y[s[plain]], x[d[plain]], y[d[plain]]]),
                              np.asarray(pieces, dtype=float).reshape(-1, 4)])
        seg_edge = np.concatenate([plain, np.asarray(owners, dtype=np.int64)])
        return cls(tasks, index, x, y, hw, edges, s, d, box, seg, seg_edge)

    def __len__(self) -> int:
        return len(self.tasks)

    def task_rect(self, i: int) -> QtCore.QRectF:
        """The box of task ``i`` in the scene."""
        return QtCore.QRectF(self.x[i] - self.hw[i], self.y[i] - _HH, 2 * self.hw[i], TASK_H)

    def rect_of(self, tasks: list[int] | np.ndarray) -> QtCore.QRectF:
        """The rectangle around the boxes of these tasks (null when there are none)."""
        idx = np.asarray(tasks, dtype=np.int64)
        if not len(idx):
            return QtCore.QRectF()
        x0 = float((self.x[idx] - self.hw[idx]).min())
        x1 = float((self.x[idx] + self.hw[idx]).max())
        y0 = float(self.y[idx].min()) - _HH
        y1 = float(self.y[idx].max()) + _HH
        return QtCore.QRectF(x0, y0, x1 - x0, y1 - y0)

    def bounds(self) -> QtCore.QRectF:
        """Every task's box and every edge's route."""
        r = self.rect_of(np.arange(len(self.tasks)))
        if len(self.edges) and not r.isNull():
            b = self.box
            x0, y0 = min(r.left(), float(b[:, 0].min())), min(r.top(), float(b[:, 1].min()))
            x1, y1 = max(r.right(), float(b[:, 2].max())), max(r.bottom(), float(b[:, 3].max()))
            r = QtCore.QRectF(x0, y0, x1 - x0, y1 - y0)
        return r

    def tasks_in(self, rect: QtCore.QRectF) -> np.ndarray:
        """The tasks whose box meets ``rect``, in graph order."""
        hit = ((self.x + self.hw >= rect.left()) & (self.x - self.hw <= rect.right())
               & (self.y + _HH >= rect.top()) & (self.y - _HH <= rect.bottom()))
        return np.flatnonzero(hit)

    def edges_in(self, rect: QtCore.QRectF) -> np.ndarray:
        """The edges with a piece crossing ``rect`` (a long edge may cross it between two
        tasks out of it), in graph order."""
        if not len(self.seg):
            return np.zeros(0, dtype=np.int64)
        left, top, right, bottom = rect.left(), rect.top(), rect.right(), rect.bottom()
        x0, y0, x1, y1 = self.seg.T
        near = ((np.maximum(x0, x1) >= left) & (np.minimum(x0, x1) <= right)
                & (np.maximum(y0, y1) >= top) & (np.minimum(y0, y1) <= bottom))
        k = np.flatnonzero(near)
        x0, y0, x1, y1 = x0[k], y0[k], x1[k], y1[k]
        dx, dy = x1 - x0, y1 - y0
        # the line misses the rectangle when its four corners lie on one side of it
        side = np.stack([dx * (cy - y0) - dy * (cx - x0)
                         for cx, cy in ((left, top), (right, top), (left, bottom), (right, bottom))])
        crosses = ~((side > 0).all(axis=0) | (side < 0).all(axis=0))
        return np.unique(self.seg_edge[k[crosses]])

    def task_at(self, x: float, y: float) -> int | None:
        """The task whose box holds the point (the last drawn, on top, when boxes overlap)."""
        hit = np.flatnonzero((np.abs(self.x - x) <= self.hw) & (np.abs(self.y - y) <= _HH))
        return int(hit[-1]) if len(hit) else None


@dataclass(frozen=True)
class OverviewLooks:
    """What the overview colours: each task's fill (RGBA), outlined tasks, styled edges.

    ``fills`` holds one RGBA per task (graph order); ``outlines`` task index -> RGBA of a
    thick outline (selected, critical); ``edge_styles`` edge index -> ``(RGBA, wide)`` for
    edges not drawn as the plain faint line (selected, critical, crossing workers).
    """

    fills: np.ndarray
    outlines: Mapping[int, int]
    edge_styles: Mapping[int, tuple[int, bool]]


#: how far past the view a cached picture of the overview reaches, each side (share of the view)
PICTURE_MARGIN = 0.25
#: how many zoom levels keep their picture (a wheel zooming in and back out finds them)
PICTURE_LEVELS = 3


class OverviewItem(QtWidgets.QGraphicsItem):
    """The whole graph as one item, drawn from a :class:`Drawing`.

    ``source`` gives the drawing and its looks; they are read again (:meth:`invalidate`)
    at the next paint after an edit, a change of selection or of colours. A frame draws
    one ``drawLines`` per edge colour and one ``drawRects`` per task colour, without
    antialiasing and with cosmetic (one pixel) pens: no work per task or edge.

    In the view that drawing is made once per zoom level into a picture (a pixmap) of the
    visible part and a margin (:data:`PICTURE_MARGIN`) around it; a pan within the margin,
    or a zoom back to one of the last :data:`PICTURE_LEVELS` levels, only lays that picture
    again. Every change of what it shows (:meth:`invalidate`: an edit, a move, the selection,
    the colours) drops the pictures.

    In the editor's view it paints only while :attr:`in_view` (the graph zoomed out); a
    picture of the scene (``QGraphicsScene.render``, no widget) always shows it, so an
    exported image holds the whole graph whatever is zoomed in on.
    """

    def __init__(self, source: Callable[[], tuple[Drawing, OverviewLooks]]) -> None:
        super().__init__()
        self._source = source
        self._rect = QtCore.QRectF()
        self._stale = True
        self._in_view = True
        self.build_count = 0
        #: the drawing at the last few zoom levels, each of the view and a margin around it
        self._pictures = PictureCache(PICTURE_LEVELS, PICTURE_MARGIN)
        self._made_for: Drawing | None = None
        self._all_lines: list[QtCore.QLineF] = []
        self._all_rects: list[QtCore.QRectF] = []
        self._edge_lines: list[tuple[QtGui.QPen, list[QtCore.QLineF]]] = []
        self._rects: list[tuple[QtGui.QColor, list[QtCore.QRectF]]] = []
        self._outlined: list[tuple[QtGui.QPen, list[QtCore.QRectF]]] = []
        self.setZValue(0.5)
        # paint gets the exposed rectangle: the names are drawn for the tasks in it only
        self.setFlag(QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)

    def set_bounds(self, rect: QtCore.QRectF) -> None:
        """The graph's extent (the drawing's :meth:`Drawing.bounds`)."""
        r = rect.adjusted(-4, -4, 4, 4) if not rect.isNull() else QtCore.QRectF()
        if r != self._rect:
            self.prepareGeometryChange()
            self._rect = r
        self.invalidate()

    def invalidate(self) -> None:
        """Read the drawing and its looks again before the next frame that shows the overview
        (the cached pictures are dropped)."""
        self._stale = True
        self._pictures.clear()
        self.update()

    @property
    def in_view(self) -> bool:
        """Whether the editor's view shows the overview (zoomed out); its cached pictures are
        dropped when it stops showing it."""
        return self._in_view

    @in_view.setter
    def in_view(self, shown: bool) -> None:
        if shown != self._in_view:
            self._in_view = shown
            if not shown:
                self._pictures.clear()
            self.update()

    @property
    def pictures(self) -> PictureCache:
        """The cached pictures (for tests: how many, how often drawn and laid)."""
        return self._pictures

    def shape(self) -> QtGui.QPainterPath:
        # the overview takes no click nor hover: a double-click on empty space still adds a
        # task, and the items zoomed in on lie over it
        return QtGui.QPainterPath()

    def build(self) -> None:
        """Read the drawing and its looks (done by the first paint after :meth:`invalidate`)."""
        self._stale = False
        self.build_count += 1
        drawing, looks = self._source()
        if drawing is not self._made_for:
            # the lines and boxes, once per drawing (a change of selection or colours only
            # sorts them again): about 0.1 s for 30,000 lines
            QLineF, QRectF = QtCore.QLineF, QtCore.QRectF
            self._all_lines = [QLineF(*p) for p in drawing.seg.tolist()]
            x0 = (drawing.x - drawing.hw).tolist()
            y0 = (drawing.y - _HH).tolist()
            w = (2 * drawing.hw).tolist()
            self._all_rects = [QRectF(a, b, c, TASK_H) for a, b, c in zip(x0, y0, w, strict=True)]
            self._made_for = drawing
        lines, rects = self._all_lines, self._all_rects
        owner = drawing.seg_edge
        styled = looks.edge_styles
        # straight lines, drawn by the fast one-pixel line rasteriser (a path of many
        # pieces is stroked as a whole, about 40 times slower)
        if styled:
            mask = np.zeros(len(drawing.edges), dtype=bool)
            mask[list(styled)] = True
            special = mask[owner]
            keys: dict[tuple[int, bool], list[QtCore.QLineF]] = {}
            for k in np.flatnonzero(special).tolist():
                keys.setdefault(styled[int(owner[k])], []).append(lines[k])
            plain = [lines[k] for k in np.flatnonzero(~special).tolist()]
        else:
            plain, keys = lines, {}
        self._edge_lines = [(self._pen(C_FAINT.rgba(), False), plain)]
        for (rgba, wide), ls in keys.items():
            self._edge_lines.append((self._pen(rgba, wide), ls))
        # tasks: one list of rectangles per fill colour
        fills = looks.fills
        self._rects = []
        if len(rects):
            colours, which = np.unique(fills, return_inverse=True)
            if len(colours) == 1:
                self._rects.append((QtGui.QColor.fromRgba(int(colours[0])), rects))
            else:
                for c, rgba in enumerate(colours.tolist()):
                    members = np.flatnonzero(which == c).tolist()
                    self._rects.append((QtGui.QColor.fromRgba(int(rgba)), [rects[i] for i in members]))
        outlined: dict[int, list[QtCore.QRectF]] = {}
        for i, rgba in looks.outlines.items():
            outlined.setdefault(rgba, []).append(rects[i])
        self._outlined = []
        for rgba, rs in outlined.items():
            pen = QtGui.QPen(QtGui.QColor.fromRgba(rgba), 2.0)
            pen.setCosmetic(True)
            self._outlined.append((pen, rs))

    @staticmethod
    def _pen(rgba: int, wide: bool) -> QtGui.QPen:
        pen = QtGui.QPen(QtGui.QColor.fromRgba(rgba), 2.0 if wide else 1.0)
        pen.setCosmetic(True)
        return pen

    def lines(self) -> list[tuple[QtGui.QColor, int]]:
        """Each colour of line drawn and how many pieces (for tests)."""
        if self._stale:
            self.build()
        return [(pen.color(), len(ls)) for pen, ls in self._edge_lines]

    def outlined(self) -> list[tuple[QtGui.QColor, list[QtCore.QRectF]]]:
        """The outlined task boxes, by colour (for tests)."""
        if self._stale:
            self.build()
        return [(pen.color(), rs) for pen, rs in self._outlined]

    def boundingRect(self) -> QtCore.QRectF:
        return self._rect

    def paint(self, painter: QtGui.QPainter, option: Any, widget: Any = None) -> None:
        if widget is None:
            # a picture of the scene (an export): drawn straight onto it, whatever the view shows
            if self._stale:
                self.build()
            self._draw(painter, option.exposedRect)
            return
        if not self.in_view:
            return
        if self._stale:
            self.build()
        if not self._pictures.paint(painter, option.exposedRect, widget.rect(), self._rect, self._draw):
            self._draw(painter, option.exposedRect)

    def _draw(self, painter: QtGui.QPainter, exposed: QtCore.QRectF) -> None:
        """Every line and box (and, zoomed in enough, the names of the tasks in ``exposed``)."""
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, False)
        painter.setBrush(QtCore.Qt.BrushStyle.NoBrush)
        for pen, lines in self._edge_lines:
            painter.setPen(pen)
            painter.drawLines(lines)
        painter.setPen(QtCore.Qt.PenStyle.NoPen)
        for colour, rs in self._rects:
            painter.setBrush(colour)
            painter.drawRects(rs)
        painter.setBrush(QtCore.Qt.BrushStyle.NoBrush)
        for pen, rs in self._outlined:
            painter.setPen(pen)
            painter.drawRects(rs)
        lod = QtWidgets.QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        if lod >= LOD_NAME and self._made_for is not None:
            self._paint_names(painter, exposed, lod)

    def _paint_names(self, painter: QtGui.QPainter, exposed: QtCore.QRectF, lod: float) -> None:
        """The names of the tasks in ``exposed``, about 8 pixels tall (as the items draw them
        between LOD_NAME and LOD_TEXT): a few hundred texts, only those in view."""
        d = self._made_for
        assert d is not None
        painter.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing, True)
        painter.setPen(C_TEXT)
        f = QtGui.QFont(painter.font())
        f.setPixelSize(max(1, round(min(TASK_H * 0.55, 8.0 / lod))))
        f.setBold(True)
        painter.setFont(f)
        centre = QtCore.Qt.AlignmentFlag.AlignCenter
        for i in d.tasks_in(exposed).tolist():
            painter.drawText(self._all_rects[i], centre, d.tasks[i])


def edge_style(selected: bool, emphasis: bool, crossing: bool, weight: float) -> tuple[int, bool] | None:
    """How the overview draws an edge: ``(RGBA, wide)``, or None for the plain faint line
    (the colours of :func:`gui.editor.items.line_style`)."""
    if not (selected or emphasis or crossing):
        return None
    colour, width = line_style(selected, emphasis, crossing, weight)
    return colour.rgba(), width >= 2
