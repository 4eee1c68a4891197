"""The items of the graph editor: a box per task, an arrow per edge.

One cheap item per task and per edge (no effects, no child items), drawn with a level of
detail: labels and arrowheads disappear when zoomed out, so 1,000 tasks stay fluid. A big
graph has items only for what is zoomed in on; seen whole it is drawn from arrays as one
item (:mod:`gui.editor.overview`).
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from model.layout import task_width

__all__ = ["LOD_ARROW", "LOD_NAME", "LOD_SIMPLE", "LOD_TEXT", "TASK_H", "Anchor", "EdgeItem", "EdgeScene", "TaskItem", "fmt_number",
           "line_style", "route_coords", "route_points"]

Edge = tuple[str, str]

TASK_H = 42.0
_HH = TASK_H / 2
ARROW = 9.0

# level of detail thresholds (scene-to-device scale)
LOD_TEXT = 0.45
LOD_NAME = 0.3  # between this and LOD_TEXT a task shows its name only
LOD_ARROW = 0.3
LOD_SIMPLE = 0.22

C_TASK = QtGui.QColor("#dce9f7")
C_BORDER = QtGui.QColor("#2f5d8a")
C_SELECT = QtGui.QColor("#e8590c")
C_EDGE = QtGui.QColor("#5f6b78")
C_TEXT = QtGui.QColor("#1b2733")
C_CRIT = QtGui.QColor("#d62828")
C_CROSS = QtGui.QColor("#f08c00")
#: the pin of a task fixed to a worker (the Gantt chart draws pinned bars' pins in the same colour)
C_PIN = QtGui.QColor("#c2255c")


_POSITION_HAS_CHANGED = QtWidgets.QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged
_SELECTED_HAS_CHANGED = QtWidgets.QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged
_SCENE_CHANGE = QtWidgets.QGraphicsItem.GraphicsItemChange.ItemSceneChange
_SCENE_HAS_CHANGED = QtWidgets.QGraphicsItem.GraphicsItemChange.ItemSceneHasChanged


def fmt_number(v: float) -> str:
    """A cost or data volume as the editor prints it."""
    return f"{v:g}" if abs(v) < 1e6 else f"{v:.3g}"


def _lod(painter: QtGui.QPainter) -> float:
    return QtWidgets.QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())


class TaskItem(QtWidgets.QGraphicsItem):
    """A task: a rounded box with its id and cost (and worker when a schedule is shown)."""

    def __init__(self, task: str) -> None:
        super().__init__()
        self.task = task
        self.hw = task_width(task) / 2  # half width
        self.cost_text = ""
        self.worker = ""
        self.worker_colour: QtGui.QColor | None = None
        self.fill = C_TASK
        self.emphasis = False  # critical path
        self.badge = ""  # a small mark in the top right corner (the level number)
        #: the worker the task is pinned to ("" when free): drawn as a pin tag
        self.pin = ""
        self.edges: list[EdgeItem] = []
        self.setFlags(
            QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        )
        self.setZValue(1.0)
        # the box and its text drawn once into a pixmap, reused while panning (text is the
        # costly part of a frame at 1:1); redrawn after a zoom or a change of look
        self.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def boundingRect(self) -> QtCore.QRectF:
        return QtCore.QRectF(-self.hw - 2, -_HH - 2, 2 * self.hw + 4, TASK_H + 4)

    def shape(self) -> QtGui.QPainterPath:
        p = QtGui.QPainterPath()
        p.addRect(QtCore.QRectF(-self.hw, -_HH, 2 * self.hw, TASK_H))
        return p

    def paint(self, painter: QtGui.QPainter, option: Any, widget: Any = None) -> None:
        lod = _lod(painter)
        hw = self.hw
        rect = QtCore.QRectF(-hw, -_HH, 2 * hw, TASK_H)
        sel = self.isSelected()
        if sel:
            pen = QtGui.QPen(C_SELECT, 3.0)
        elif self.emphasis:
            pen = QtGui.QPen(C_CRIT, 2.5)
        else:
            pen = QtGui.QPen(C_BORDER, 1.2)
        if lod < LOD_SIMPLE:
            # far out: flat boxes without antialiasing (the view resets hints every paint)
            painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, False)
            pen.setCosmetic(True)
            painter.setPen(pen if (sel or self.emphasis) else QtCore.Qt.PenStyle.NoPen)
            painter.setBrush(self.fill.darker(115))
            painter.drawRect(rect)
            return
        painter.setPen(pen)
        painter.setBrush(self.fill)
        painter.drawRoundedRect(rect, 7, 7)
        if self.worker_colour is not None:
            painter.setPen(QtCore.Qt.PenStyle.NoPen)
            painter.setBrush(self.worker_colour)
            painter.drawRoundedRect(QtCore.QRectF(-hw + 3, -_HH + 3, 6, TASK_H - 6), 2, 2)
        if self.pin:
            self._paint_pin(painter, lod)
        if lod < LOD_TEXT:
            if lod >= LOD_NAME:
                # zoomed out: the name alone, in a font that stays about 8 px tall on screen
                painter.setPen(C_TEXT)
                f = painter.font()
                f.setPixelSize(max(1, round(min(TASK_H * 0.55, 8.0 / lod))))
                f.setBold(True)
                painter.setFont(f)
                box = QtCore.QRectF(-hw + 9, -_HH, 2 * hw - 14, TASK_H)
                label = QtGui.QFontMetricsF(f).elidedText(self.task, QtCore.Qt.TextElideMode.ElideMiddle, box.width())
                painter.drawText(box, QtCore.Qt.AlignmentFlag.AlignCenter, label)
            return
        if self.badge:
            self._paint_badge(painter)
        painter.setPen(C_TEXT)
        f = painter.font()
        f.setPointSizeF(9.0)
        f.setBold(True)
        painter.setFont(f)
        top = QtCore.QRectF(-hw + 9, -_HH + 2, 2 * hw - 18, TASK_H / 2)
        label = QtGui.QFontMetricsF(f).elidedText(self.task, QtCore.Qt.TextElideMode.ElideMiddle, top.width())
        painter.drawText(top, QtCore.Qt.AlignmentFlag.AlignCenter, label)
        f.setBold(False)
        f.setPointSizeF(8.0)
        painter.setFont(f)
        bottom = QtCore.QRectF(-hw + 9, 0, 2 * hw - 18, TASK_H / 2 - 2)
        if self.worker:
            # with a schedule: the worker and the time the task takes there
            f.setBold(True)
            painter.setFont(f)
            painter.setPen((self.worker_colour or C_TEXT).darker(120))
            painter.drawText(bottom, QtCore.Qt.AlignmentFlag.AlignCenter, self.worker)
        else:
            painter.drawText(bottom, QtCore.Qt.AlignmentFlag.AlignCenter, self.cost_text)

    def _paint_pin(self, painter: QtGui.QPainter, lod: float) -> None:
        """A pin head on the top left corner (the top right one holds the badge), with the
        worker's id when zoomed in enough to read it."""
        painter.save()
        painter.setPen(QtGui.QPen(QtGui.QColor("#ffffff"), 1.2))
        painter.setBrush(C_PIN)
        head = QtCore.QPointF(-self.hw + 6, -_HH + 1)
        painter.drawEllipse(head, 5.0, 5.0)
        if lod >= LOD_TEXT:
            f = QtGui.QFont(painter.font())
            f.setPointSizeF(6.5)
            f.setBold(True)
            painter.setFont(f)
            fm = QtGui.QFontMetricsF(f)
            w = fm.horizontalAdvance(self.pin) + 6
            tag = QtCore.QRectF(head.x() + 6, head.y() - fm.height() / 2 - 1, w, fm.height() + 2)
            painter.setPen(QtCore.Qt.PenStyle.NoPen)
            painter.drawRoundedRect(tag, 3, 3)
            painter.setPen(QtGui.QColor("#ffffff"))
            painter.drawText(tag, QtCore.Qt.AlignmentFlag.AlignCenter, self.pin)
        painter.restore()

    def set_pin(self, worker: str | None) -> None:
        """Show the pin of the task (``None`` or ``""``: free)."""
        w = worker or ""
        if w != self.pin:
            self.pin = w
            self.update()

    def _paint_badge(self, painter: QtGui.QPainter) -> None:
        """The badge on the box's top right corner, a small dark tag."""
        f = QtGui.QFont(painter.font())
        f.setPointSizeF(6.5)
        f.setBold(True)
        fm = QtGui.QFontMetricsF(f)
        w = fm.horizontalAdvance(self.badge) + 6
        h = fm.height()
        box = QtCore.QRectF(self.hw - w + 2, -_HH - h / 2 + 2, w, h)
        painter.setPen(QtCore.Qt.PenStyle.NoPen)
        painter.setBrush(QtGui.QColor(40, 52, 66, 215))
        painter.drawRoundedRect(box, 3, 3)
        painter.setFont(f)
        painter.setPen(QtGui.QColor("#ffffff"))
        painter.drawText(box, QtCore.Qt.AlignmentFlag.AlignCenter, self.badge)

    def set_look(self, fill: QtGui.QColor, emphasis: bool, worker: str, worker_colour: QtGui.QColor | None,
                 badge: str = "") -> None:
        new = (fill, emphasis, worker, worker_colour, badge)
        if new != (self.fill, self.emphasis, self.worker, self.worker_colour, self.badge):
            self.fill, self.emphasis, self.worker, self.worker_colour, self.badge = new
            self.update()

    def itemChange(self, change: QtWidgets.QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        # called for every change of every item: QGraphicsItem's own returns the value as is
        if change == _POSITION_HAS_CHANGED:
            for e in self.edges:
                e.adjust()
        return value


class Anchor:
    """The end of an edge whose task has no item (a big graph: the task is away from the
    view while the edge crosses it): where the task is, for the edge to be drawn to it."""

    __slots__ = ("_pos", "edges", "hw", "task")

    def __init__(self, task: str, hw: float, pos: QtCore.QPointF) -> None:
        self.task = task
        self.hw = hw
        self._pos = pos
        self.edges: list[EdgeItem] = []

    def pos(self) -> QtCore.QPointF:
        return self._pos

    def setPos(self, pos: QtCore.QPointF) -> None:
        if pos != self._pos:
            self._pos = pos
            for e in self.edges:
                e.adjust()


def line_style(selected: bool, emphasis: bool, crossing: bool, weight: float) -> tuple[QtGui.QColor, float]:
    """The colour and width of an edge's line.

    An edge crossing workers is orange, from a thin faint line for little data to a
    wide opaque one for the largest volume of the graph (``weight``, 0..1).
    """
    if selected:
        return QtGui.QColor(C_SELECT), 3.0
    if emphasis:
        return QtGui.QColor(C_CRIT), 3.0
    if crossing:
        w = max(0.0, min(1.0, weight))
        c = QtGui.QColor(C_CROSS)
        c.setAlpha(round(80 + 175 * w))
        return c, 1.2 + 5.3 * w
    return QtGui.QColor(C_EDGE), 1.3


def route_coords(value: Any) -> list[tuple[float, float]] | None:
    """The points of an edge's optional ``route`` key (``[[x, y], ...]`` from the source's
    centre to the target's), or None when it is missing or not such a list."""
    if not isinstance(value, list) or len(value) < 3:
        return None
    pts = []
    for p in value:
        if not isinstance(p, (list, tuple)) or len(p) != 2:
            return None
        try:
            x, y = float(p[0]), float(p[1])
        except (TypeError, ValueError):
            return None
        if not (math.isfinite(x) and math.isfinite(y)):
            return None
        pts.append((x, y))
    return pts


def route_points(value: Any) -> list[QtCore.QPointF] | None:
    """:func:`route_coords` as points."""
    pts = route_coords(value)
    return None if pts is None else [QtCore.QPointF(x, y) for x, y in pts]


def _near(p: QtCore.QPointF, q: QtCore.QPointF) -> bool:
    return abs(p.x() - q.x()) <= 0.5 and abs(p.y() - q.y()) <= 0.5


def _clip(centre: QtCore.QPointF, hw: float, towards: QtCore.QPointF) -> QtCore.QPointF:
    """Where the segment from a box's centre towards a point leaves the box."""
    dx, dy = towards.x() - centre.x(), towards.y() - centre.y()
    if dx == 0 and dy == 0:
        return QtCore.QPointF(centre)
    t = min(hw / abs(dx) if dx else math.inf, _HH / abs(dy) if dy else math.inf, 0.5)
    return QtCore.QPointF(centre.x() + dx * t, centre.y() + dy * t)


class EdgeScene(QtWidgets.QGraphicsScene):
    """A scene whose background draws its plain batched edges (:attr:`EdgeItem.batched`).

    A big graph zoomed in has hundreds of edges in view; painted as items they cost a
    Python call each every frame. Drawn on the background instead, one kind of stroke at
    a time, the editor's view keeps that background as pictures (one per zoom level, see
    :mod:`gui.editor.pictures`): a pan copies what stays in view and draws the strip
    coming in. Each change of such an edge (a move, a new look, a label, removed) redraws
    its rectangle of the background (:meth:`redraw_below`, announced once per frame by
    :attr:`below_changed`); an edge added comes last in the drawing order, so it is only
    drawn over what is there (:attr:`below_added`). A selected, critical or crossing edge
    paints itself as an item, above the plain ones.
    """

    #: a scene rectangle of the background to draw again (its plain edges changed)
    below_changed = QtCore.Signal(QtCore.QRectF)
    #: plain edges added to the scene (a list): drawn over the background as it is
    below_added = QtCore.Signal(object)

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: QtCore.QRectF | None = None
        #: edges added since the last frame (a dict for its order and quick removal)
        self._added: dict[EdgeItem, None] = {}
        #: how many times the background drew its edges (for tests)
        self.below_draws = 0
        #: the batched edges in the scene, in the order they were added (the items' order)
        self._batched: dict[EdgeItem, None] = {}
        #: their bounding rectangles (x0, y0, x1, y1) as rows, in that order; None: to list again
        self._boxes: tuple[list[EdgeItem], np.ndarray] | None = None

    def redraw_below(self, rect: QtCore.QRectF) -> None:
        """The background under ``rect`` is drawn again before the next frame (the
        rectangles of many changes are drawn once, as one)."""
        if self._pending is None:
            self._pending = QtCore.QRectF(rect)
            QtCore.QTimer.singleShot(0, self.flush_below)
        else:
            self._pending = self._pending.united(rect)

    def add_below(self, edge: EdgeItem) -> None:
        """A plain edge came into the scene: drawn over the background before the next frame."""
        if not self._added and self._pending is None:
            QtCore.QTimer.singleShot(0, self.flush_below)
        self._added[edge] = None

    def forget_below(self, edge: EdgeItem) -> None:
        """An edge left the scene (before it was drawn over the background)."""
        self._added.pop(edge, None)
        if self._batched.pop(edge, 0) is None:
            self._boxes = None

    def list_batched(self, edge: EdgeItem) -> None:
        """A batched edge came into the scene (last in the items' order)."""
        self._batched[edge] = None
        self._boxes = None

    def moved_batched(self) -> None:
        """A batched edge's rectangle changed."""
        self._boxes = None

    def below_in(self, rect: QtCore.QRectF) -> list[EdgeItem]:
        """The plain batched edges whose rectangles meet ``rect``, in the items' order (as
        ``items(rect)`` ascending, without a Python call per item for its rectangle)."""
        if self._boxes is None:
            listed = list(self._batched)
            boxes = np.array([(r.left(), r.top(), r.right(), r.bottom()) for r in (e._rect for e in listed)],
                             dtype=np.float64).reshape(-1, 4)
            self._boxes = (listed, boxes)
        listed, boxes = self._boxes
        hit = np.flatnonzero((boxes[:, 0] <= rect.right()) & (boxes[:, 2] >= rect.left())
                             & (boxes[:, 1] <= rect.bottom()) & (boxes[:, 3] >= rect.top()))
        return [e for e in map(listed.__getitem__, hit.tolist()) if e._below]

    def clear(self) -> None:
        """Remove and delete every item (and forget the edges waiting to be drawn)."""
        self._added.clear()
        self._pending = None
        self._batched.clear()
        self._boxes = None
        super().clear()

    def flush_below(self) -> None:
        """Hand the changes waiting (:meth:`redraw_below`, :meth:`add_below`) to the views
        (called before a frame)."""
        if self._pending is not None:
            rect, self._pending = self._pending, None
            self.below_changed.emit(rect)
            self.update(rect)
        if self._added:
            added = [e for e in self._added if e._below]
            self._added = {}
            if added:
                self.below_added.emit(added)
                rect = QtCore.QRectF()
                for e in added:
                    rect = rect.united(e._rect)
                self.update(rect)

    def draw_edges(self, painter: QtGui.QPainter, edges: list[EdgeItem],
                   rect: QtCore.QRectF | None = None) -> None:
        """Draw these plain edges as the background does (in this order); with ``rect``
        (the scene rectangle being drawn, the painter clipped to it) the arrowheads and
        labels outside it are left out."""
        if not edges:
            return
        self.below_draws += 1
        painter.save()
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing, True)
        lod = _lod(painter)
        if lod < LOD_TEXT:
            for e in edges:  # a picture of the whole scene: each edge as its item draws it zoomed out
                e.draw(painter, lod)
        else:
            _draw_plain_edges(painter, edges, rect)
        painter.restore()

    def drawBackground(self, painter: QtGui.QPainter, rect: QtCore.QRectF | QtCore.QRect) -> None:
        rect = QtCore.QRectF(rect)
        super().drawBackground(painter, rect)
        self.draw_edges(painter, self.below_in(rect), rect)


#: the white behind an edge's data label
_C_LABEL = QtGui.QColor(255, 255, 255, 225)


def _draw_plain_edges(painter: QtGui.QPainter, edges: list[EdgeItem], rect: QtCore.QRectF | None = None) -> None:
    """Plain edges as :meth:`EdgeItem.draw` draws them zoomed in (each its line, arrowhead
    and label, in the items' order), with the pens, brushes and label boxes made once.
    Arrowheads and labels wholly outside ``rect`` (the part being drawn) are skipped: the
    painter's clip would drop them (a strip of a pan is crossed by many long edges). The
    straight lines of edges in a row that show nothing else there are drawn in one call
    (the same pixels, in the same order)."""
    if rect is not None:  # a pixel more on each side (anti-aliasing)
        m = 1.5 / max(_lod(painter), 1e-6)
        rect = rect.adjusted(-m, -m, m, m)
    meets = rect.intersects if rect is not None else None
    colour, width = line_style(False, False, False, 0.0)
    line_pen = QtGui.QPen(colour, width)
    no_pen, no_brush = QtCore.Qt.PenStyle.NoPen, QtCore.Qt.BrushStyle.NoBrush
    f = painter.font()
    f.setPointSizeF(7.5)
    painter.setFont(f)
    fm = QtGui.QFontMetricsF(f)
    key = f.key()
    set_pen, set_brush = painter.setPen, painter.setBrush
    draw_line, draw_lines, draw_path, draw_polygon = painter.drawLine, painter.drawLines, painter.drawPath, painter.drawPolygon
    draw_rounded, draw_text, centre = painter.drawRoundedRect, painter.drawText, QtCore.Qt.AlignmentFlag.AlignCenter
    lines: list[QtCore.QPointF] = []  # the end points of straight lines still to draw, in order
    for e in edges:
        head = e._arrow_head(width)
        if head is not None and meets is not None and not meets(head.boundingRect()):
            head = None
        text = e.data_text
        box = None
        if text:
            box = e._label_box(fm, key)
            if meets is not None and not meets(box):
                box = None
        if head is None and box is None and e._curve is None:
            lines += (e._p1, e._p2)
            continue
        set_pen(line_pen)
        if lines:
            draw_lines(lines)
            lines = []
        if e._curve is None:
            draw_line(e._p1, e._p2)
        else:
            set_brush(no_brush)
            draw_path(e._curve)
        if head is not None:
            set_pen(no_pen)
            set_brush(colour)
            draw_polygon(head)
        if box is not None:
            set_pen(no_pen)
            set_brush(_C_LABEL)
            draw_rounded(box, 3, 3)
            set_pen(C_TEXT)
            draw_text(box, centre, text)
    if lines:
        set_pen(line_pen)
        draw_lines(lines)


class EdgeItem(QtWidgets.QGraphicsItem):
    """A dependency: a line with an arrowhead and the data volume near its start.

    An edge with a ``route`` (from the automatic layout) is drawn as a smooth curve
    through the route's bends, around the tasks of the rows it passes, as long as its
    two tasks stay where the route was made for; moved, it is a straight line again.
    """

    def __init__(self, source: TaskItem | Anchor, target: TaskItem | Anchor,
                 route: list[QtCore.QPointF] | None = None, *, batched: bool = False) -> None:
        super().__init__()
        self.source, self.target = source, target
        self.data_text = ""
        self.crossing = False  # tasks on different workers in the shown schedule
        #: the edge's data relative to the largest of the graph (0..1): how wide a crossing is drawn
        self.weight = 1.0
        self.emphasis = False  # on the critical path
        self.route: list[QtCore.QPointF] | None = route
        self._p1 = QtCore.QPointF()
        self._p2 = QtCore.QPointF()
        self._curve: QtGui.QPainterPath | None = None  # set while the route is followed
        self._bends: list[QtCore.QPointF] = []
        self._tip = (0.0, 1.0)  # direction of the arrowhead
        self._label = QtCore.QPointF()
        self._rect = QtCore.QRectF()
        #: drawn by its scene's background (an :class:`EdgeScene`) while its look is plain
        self.batched = batched
        self._below = False
        #: the arrowhead (for a line width) and the label's box (for a text and font), kept
        #: between frames for the background's drawing; reset by adjust
        self._head: tuple[float, QtGui.QPolygonF | None] | None = None
        self._box: tuple[str, str, QtCore.QRectF] | None = None
        self.setFlag(QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(0.0)
        source.edges.append(self)
        target.edges.append(self)
        self.adjust()
        self._restyle()

    @property
    def edge(self) -> Edge:
        return (self.source.task, self.target.task)

    def set_route(self, route: list[QtCore.QPointF] | None) -> None:
        """Follow ``route`` (see :func:`route_points`) while the tasks stay at its ends."""
        same = route == self.route if (route is not None and self.route is not None) else route is self.route
        if not same:
            self.route = route
            self.adjust()

    def is_routed(self) -> bool:
        """Whether the edge is drawn along its route (not straight)."""
        return self._curve is not None

    def path(self) -> QtGui.QPainterPath:
        """The drawn line (curve or straight segment), end points on the task boxes."""
        if self._curve is not None:
            return QtGui.QPainterPath(self._curve)
        p = QtGui.QPainterPath(self._p1)
        p.lineTo(self._p2)
        return p

    def adjust(self) -> None:
        """Recompute the drawing (clipped to the task boxes) after a move or a new route."""
        a, b = self.source.pos(), self.target.pos()
        r = self.route
        old = (self._rect, self._p1, self._p2, self._bends)
        self.prepareGeometryChange()
        if r is not None and _near(r[0], a) and _near(r[-1], b):
            bends = r[1:-1]
            p1 = _clip(a, self.source.hw, bends[0])
            p2 = _clip(b, self.target.hw, bends[-1])
            pts = [p1, *bends, p2]
            path = QtGui.QPainterPath(p1)
            c2 = p1
            for i, (p, q) in enumerate(itertools.pairwise(pts)):
                # vertical tangents at every bend: a smooth curve that leaves and enters rows straight
                h = (q.y() - p.y()) / 2.0
                c1 = QtCore.QPointF(p.x(), p.y() + h)
                c2 = QtCore.QPointF(q.x(), q.y() - h)
                path.cubicTo(c1, c2, q)
                if i == 0:
                    # the middle of the first piece (its Bezier curve at t = 1/2)
                    self._label = QtCore.QPointF((p.x() + 3 * c1.x() + 3 * c2.x() + q.x()) / 8.0,
                                                 (p.y() + 3 * c1.y() + 3 * c2.y() + q.y()) / 8.0)
            dx, dy = p2.x() - c2.x(), p2.y() - c2.y()
            if dx == 0 and dy == 0:
                dx, dy = p2.x() - p1.x(), p2.y() - p1.y()
            self._curve, self._bends = path, pts
            rect = path.controlPointRect()
        else:
            dx, dy = b.x() - a.x(), b.y() - a.y()
            if dx == 0 and dy == 0:
                p1 = p2 = a
            else:
                p1, p2 = _clip(a, self.source.hw, b), _clip(b, self.target.hw, a)
            self._curve, self._bends = None, []
            # a little before the middle: two edges crossing at their middles keep both labels readable
            self._label = QtCore.QPointF(p1.x() + 0.36 * (p2.x() - p1.x()), p1.y() + 0.36 * (p2.y() - p1.y()))
            dx, dy = p2.x() - p1.x(), p2.y() - p1.y()
            rect = QtCore.QRectF(p1, p2).normalized()
        n = math.hypot(dx, dy)
        self._tip = (dx / n, dy / n) if n > 1e-9 else (0.0, 0.0)
        self._p1, self._p2 = p1, p2
        self._rect = rect.adjusted(-30, -12, 30, 12)
        self._head = self._box = None
        if self.batched and old[0] != self._rect:
            scene = self.scene()
            if isinstance(scene, EdgeScene):
                scene.moved_batched()
        if self._below and old != (self._rect, self._p1, self._p2, self._bends):
            self._redraw_below(old[0])
            self._redraw_below(self._rect)

    def boundingRect(self) -> QtCore.QRectF:
        return self._rect

    def shape(self) -> QtGui.QPainterPath:
        st = QtGui.QPainterPathStroker()
        st.setWidth(9.0)
        return st.createStroke(self.path())

    def line_style(self) -> tuple[QtGui.QColor, float]:
        """The colour and width the line is drawn with (see :func:`line_style`)."""
        return line_style(self.isSelected(), self.emphasis, self.crossing, self.weight)

    def paint(self, painter: QtGui.QPainter, option: Any, widget: Any = None) -> None:
        self.draw(painter, _lod(painter))

    def draw(self, painter: QtGui.QPainter, lod: float) -> None:
        """Draw the edge (its line, arrowhead and data label, by the level of detail)."""
        colour, width = self.line_style()
        pen = QtGui.QPen(colour, width)
        simple = lod < LOD_SIMPLE
        if simple:
            painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, False)
            pen.setWidthF(1.0 if width < 2 else 2.0)
            pen.setCosmetic(True)
            if colour == C_EDGE and not self.crossing:  # light, so the tasks stay visible among many edges
                pen.setColor(QtGui.QColor(95, 107, 120, 120))
        painter.setPen(pen)
        p1, p2 = self._p1, self._p2
        if self._curve is None:
            painter.drawLine(p1, p2)
        elif simple:  # far out the bends are enough
            painter.drawPolyline(QtGui.QPolygonF(self._bends))
        else:
            painter.setBrush(QtCore.Qt.BrushStyle.NoBrush)
            painter.drawPath(self._curve)
        if lod < LOD_ARROW:
            return
        head = self._arrow_head(width)
        if head is not None:
            painter.setPen(QtCore.Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawPolygon(head)
        if lod < LOD_TEXT or not self.data_text:
            return
        f = painter.font()
        f.setPointSizeF(7.5)
        painter.setFont(f)
        box = self._label_box(QtGui.QFontMetricsF(f), f.key())
        painter.setPen(QtCore.Qt.PenStyle.NoPen)
        painter.setBrush(_C_LABEL)
        painter.drawRoundedRect(box, 3, 3)
        text_colour = QtGui.QColor(colour)
        text_colour.setAlpha(255)
        painter.setPen(text_colour.darker(140) if colour != C_EDGE else C_TEXT)
        painter.drawText(box, QtCore.Qt.AlignmentFlag.AlignCenter, self.data_text)

    def _arrow_head(self, width: float) -> QtGui.QPolygonF | None:
        """The arrowhead at the target's end for a line ``width`` wide (None: no direction)."""
        if self._head is not None and self._head[0] == width:
            return self._head[1]
        ux, uy = self._tip
        head = None
        if ux or uy:
            p2 = self._p2
            size = ARROW + width
            back = QtCore.QPointF(p2.x() - ux * size, p2.y() - uy * size)
            left = QtCore.QPointF(back.x() - uy * size * 0.45, back.y() + ux * size * 0.45)
            right = QtCore.QPointF(back.x() + uy * size * 0.45, back.y() - ux * size * 0.45)
            head = QtGui.QPolygonF([p2, left, right])
        self._head = (width, head)
        return head

    def _label_box(self, fm: QtGui.QFontMetricsF, font_key: str) -> QtCore.QRectF:
        """The box of the data label around its place, for the label's font."""
        text = self.data_text
        if self._box is not None and self._box[0] == text and self._box[1] == font_key:
            return self._box[2]
        w = fm.horizontalAdvance(text) + 6
        h = fm.height()
        mid = self._label
        box = QtCore.QRectF(mid.x() - w / 2, mid.y() - h / 2, w, h)
        self._box = (text, font_key, box)
        return box

    def set_look(self, crossing: bool, emphasis: bool, weight: float = 1.0) -> None:
        if (crossing, emphasis, weight) != (self.crossing, self.emphasis, self.weight):
            self.crossing, self.emphasis, self.weight = crossing, emphasis, weight
            self._restyle()

    def is_below(self) -> bool:
        """Whether the scene's background draws the edge (batched, and plain: neither
        selected, on the critical path nor crossing workers); else the item paints itself."""
        return self._below

    def refresh(self) -> None:
        """Draw the edge again (after a change of its label)."""
        if self._below:
            self._redraw_below(self._rect)
        else:
            self.update()

    def _restyle(self) -> None:
        """Draw the edge again after a change of look; a plain batched edge goes to the
        background, any other paints itself (on top of the plain ones)."""
        below = self.batched and not (self.isSelected() or self.emphasis or self.crossing)
        if below != self._below:
            self._below = below
            self.setFlag(QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, below)
            self._redraw_below(self._rect)  # drawn into or taken out of the background
        if not below:
            self.update()

    def _redraw_below(self, rect: QtCore.QRectF) -> None:
        scene = self.scene()
        if isinstance(scene, EdgeScene) and not rect.isNull():
            scene.redraw_below(rect)

    def itemChange(self, change: QtWidgets.QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        # called for every change of every item: QGraphicsItem's own returns the value as is
        if change == _SELECTED_HAS_CHANGED:
            self._restyle()
        elif change == _SCENE_CHANGE and self.batched:
            scene = self.scene()
            if isinstance(scene, EdgeScene):
                scene.forget_below(self)
            if self._below:
                self._redraw_below(self._rect)  # leaving its scene (value: the new one, or None)
        elif change == _SCENE_HAS_CHANGED and self.batched and isinstance(value, EdgeScene):
            value.list_batched(self)
            if self._below:
                value.add_below(self)  # last in the drawing order: drawn over what is there
        return value

    def detach(self) -> None:
        for t in (self.source, self.target):
            if self in t.edges:
                t.edges.remove(self)

    def reattach(self, old: TaskItem | Anchor, new: TaskItem | Anchor) -> None:
        """Draw the edge to ``new`` instead of ``old`` (the same task given or losing its item)."""
        if self.source is old:
            self.source = new
        if self.target is old:
            self.target = new
        if self in old.edges:
            old.edges.remove(self)
        new.edges.append(self)
        self.adjust()
