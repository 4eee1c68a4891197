"""The graph editor: a :class:`QtWidgets.QGraphicsView` drawing the document's task graph.

One cheap item per task and per edge (no effects, no child items), drawn with a level of
detail: labels and arrowheads disappear when zoomed out, so 1,000 tasks stay fluid.

Mouse and keys
--------------
- double-click on empty space, Insert or N: add a task
- drag with the right button, or Shift+drag, from a task to another: connect them
- drag: move; drag on empty space: rubber-band selection
- Del / Backspace: delete; Ctrl+C / Ctrl+X / Ctrl+V / Ctrl+D: copy, cut, paste, duplicate
- Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y: undo / redo; Ctrl+A: select all
- wheel: zoom; middle button or Space+drag: pan; F: fit; L: automatic layout
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets

from gui.commands import task_width
from gui.document import SNIPPET_FORMAT, Document
from model.graph import GraphError

__all__ = ["EdgeItem", "GraphEditorView", "TaskItem", "route_points"]

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
STATE_COLOURS = {
    "waiting": QtGui.QColor("#e9ecef"),
    "running": QtGui.QColor("#ffd43b"),
    "done": QtGui.QColor("#8ce99a"),
}
# light qualitative palette (levels, workers)
PALETTE = [QtGui.QColor(c) for c in (
    "#a5d8ff", "#ffc9c9", "#b2f2bb", "#ffec99", "#d0bfff", "#99e9f2", "#ffd8a8",
    "#fcc2d7", "#c0eb75", "#bac8ff", "#96f2d7", "#eebefa",
)]
WORKER_PALETTE = [QtGui.QColor(c) for c in (
    "#1c7ed6", "#e8590c", "#2b8a3e", "#ae3ec9", "#c92a2a", "#0c8599", "#f08c00", "#5c940d",
)]


def _fmt(v: float) -> str:
    return f"{v:g}" if abs(v) < 1e6 else f"{v:.3g}"


def _lod(painter: QtGui.QPainter) -> float:
    return QtWidgets.QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())


#: past these sizes the editor shows a note instead of one item per task and edge
#: (measured: 10,000 tasks take about 3 s to open and 1 s per full repaint)
DRAW_LIMIT_TASKS = 12_000
DRAW_LIMIT_EDGES = 40_000

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
        self.edges: list[EdgeItem] = []
        self.setFlags(
            QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        )
        self.setZValue(1.0)

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

    def set_look(self, fill: QtGui.QColor, emphasis: bool, worker: str, worker_colour: QtGui.QColor | None) -> None:
        if (fill, emphasis, worker, worker_colour) != (self.fill, self.emphasis, self.worker, self.worker_colour):
            self.fill, self.emphasis, self.worker, self.worker_colour = fill, emphasis, worker, worker_colour
            self.update()

    def itemChange(self, change: QtWidgets.QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        if change == QtWidgets.QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            for e in self.edges:
                e.adjust()
        return super().itemChange(change, value)


def route_points(value: Any) -> list[QtCore.QPointF] | None:
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
        pts.append(QtCore.QPointF(x, y))
    return pts


def _near(p: QtCore.QPointF, q: QtCore.QPointF) -> bool:
    return abs(p.x() - q.x()) <= 0.5 and abs(p.y() - q.y()) <= 0.5


def _clip(centre: QtCore.QPointF, hw: float, towards: QtCore.QPointF) -> QtCore.QPointF:
    """Where the segment from a box's centre towards a point leaves the box."""
    dx, dy = towards.x() - centre.x(), towards.y() - centre.y()
    if dx == 0 and dy == 0:
        return QtCore.QPointF(centre)
    t = min(hw / abs(dx) if dx else math.inf, _HH / abs(dy) if dy else math.inf, 0.5)
    return QtCore.QPointF(centre.x() + dx * t, centre.y() + dy * t)


class EdgeItem(QtWidgets.QGraphicsItem):
    """A dependency: a line with an arrowhead and the data volume near its start.

    An edge with a ``route`` (from the automatic layout) is drawn as a smooth curve
    through the route's bends, around the tasks of the rows it passes, as long as its
    two tasks stay where the route was made for; moved, it is a straight line again.
    """

    def __init__(self, source: TaskItem, target: TaskItem) -> None:
        super().__init__()
        self.source, self.target = source, target
        self.data_text = ""
        self.crossing = False  # tasks on different workers in the shown schedule
        self.emphasis = False  # on the critical path
        self.route: list[QtCore.QPointF] | None = None
        self._p1 = QtCore.QPointF()
        self._p2 = QtCore.QPointF()
        self._curve: QtGui.QPainterPath | None = None  # set while the route is followed
        self._bends: list[QtCore.QPointF] = []
        self._tip = (0.0, 1.0)  # direction of the arrowhead
        self._label = QtCore.QPointF()
        self._rect = QtCore.QRectF()
        self.setFlag(QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(0.0)
        source.edges.append(self)
        target.edges.append(self)
        self.adjust()

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
                    self._label = (p + 3 * c1 + 3 * c2 + q) / 8.0  # the middle of the first piece
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

    def boundingRect(self) -> QtCore.QRectF:
        return self._rect

    def shape(self) -> QtGui.QPainterPath:
        st = QtGui.QPainterPathStroker()
        st.setWidth(9.0)
        return st.createStroke(self.path())

    def paint(self, painter: QtGui.QPainter, option: Any, widget: Any = None) -> None:
        lod = _lod(painter)
        if self.isSelected():
            colour, width = C_SELECT, 3.0
        elif self.emphasis:
            colour, width = C_CRIT, 3.0
        elif self.crossing:
            colour, width = C_CROSS, 3.5
        else:
            colour, width = C_EDGE, 1.3
        pen = QtGui.QPen(colour, width)
        simple = lod < LOD_SIMPLE
        if simple:
            painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, False)
            pen.setWidthF(1.0 if width < 2 else 2.0)
            pen.setCosmetic(True)
            if colour == C_EDGE:  # light, so the tasks stay visible among many edges
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
        ux, uy = self._tip
        if ux or uy:
            size = ARROW + width
            back = QtCore.QPointF(p2.x() - ux * size, p2.y() - uy * size)
            left = QtCore.QPointF(back.x() - uy * size * 0.45, back.y() + ux * size * 0.45)
            right = QtCore.QPointF(back.x() + uy * size * 0.45, back.y() - ux * size * 0.45)
            painter.setPen(QtCore.Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawPolygon(QtGui.QPolygonF([p2, left, right]))
        if lod < LOD_TEXT or not self.data_text:
            return
        f = painter.font()
        f.setPointSizeF(7.5)
        painter.setFont(f)
        fm = QtGui.QFontMetricsF(f)
        w = fm.horizontalAdvance(self.data_text) + 6
        h = fm.height()
        mid = self._label
        box = QtCore.QRectF(mid.x() - w / 2, mid.y() - h / 2, w, h)
        painter.setPen(QtCore.Qt.PenStyle.NoPen)
        painter.setBrush(QtGui.QColor(255, 255, 255, 225))
        painter.drawRoundedRect(box, 3, 3)
        painter.setPen(colour.darker(140) if colour != C_EDGE else C_TEXT)
        painter.drawText(box, QtCore.Qt.AlignmentFlag.AlignCenter, self.data_text)

    def set_look(self, crossing: bool, emphasis: bool) -> None:
        if (crossing, emphasis) != (self.crossing, self.emphasis):
            self.crossing, self.emphasis = crossing, emphasis
            self.update()

    def detach(self) -> None:
        for t in (self.source, self.target):
            if self in t.edges:
                t.edges.remove(self)


class GraphEditorView(QtWidgets.QGraphicsView):
    """Edit the document's task graph with the mouse and keyboard (see the module doc).

    Signals
    -------
    error(str)
        An edit was refused (e.g. a cycle); the message says why.
    """

    error = QtCore.Signal(str)

    def __init__(self, document: Document, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self._scene = QtWidgets.QGraphicsScene(self)
        # the default BSP index is kept: measured with 1,000 tasks / 2,000 edges it paints
        # faster than NoIndex both fitted (46 vs 57 ms) and at 1:1 (13 vs 19 ms), and a
        # drag step costs 7 ms against 18 ms
        self._scene.setItemIndexMethod(QtWidgets.QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self._scene.setBackgroundBrush(QtGui.QColor("#fbfcfd"))
        self.setScene(self._scene)
        self.setRenderHints(QtGui.QPainter.RenderHint.Antialiasing | QtGui.QPainter.RenderHint.TextAntialiasing)
        self.setViewportUpdateMode(QtWidgets.QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlag(QtWidgets.QGraphicsView.OptimizationFlag.DontSavePainterState, True)
        self.setTransformationAnchor(QtWidgets.QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QtWidgets.QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QtWidgets.QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(QtCore.Qt.ItemSelectionMode.IntersectsItemShape)
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)

        self._tasks: dict[str, TaskItem] = {}
        self._edges: dict[Edge, EdgeItem] = {}
        self._overlay = "none"
        self._schedule: Any = None
        self._states: dict[str, str] = {}
        self._slack: dict[str, float] = {}  # task -> slack while the slack overlay is shown
        self._syncing = False
        # interaction state
        self._pan_from: QtCore.QPointF | None = None
        self._space = False
        self._connect_from: TaskItem | None = None
        self._rubber: QtWidgets.QGraphicsLineItem | None = None
        self._drag_start: dict[str, QtCore.QPointF] = {}
        self._paste_count = 0
        self._scene_rect_set = False

        self._make_actions()
        self._scene.selectionChanged.connect(self._on_scene_selection_changed)
        document.graph_reset.connect(self._on_document_graph_reset)
        document.graph_changed.connect(self._on_document_graph_changed)
        document.positions_changed.connect(self._on_document_positions_changed)
        document.selection_changed.connect(self._on_document_selection_changed)
        document.platform_changed.connect(self._on_document_platform_changed)
        self.rebuild()

    # ---------------------------------------------------------------- actions
    def _make_actions(self) -> None:
        def act(text: str, tip: str, slot: Any, keys: tuple[Any, ...] = ()) -> QtGui.QAction:
            a = QtGui.QAction(text, self)
            a.setToolTip(tip)
            a.setStatusTip(tip)
            a.triggered.connect(slot)
            if keys:
                # active only while the editor has the focus: menus show the keys, and the
                # same keys stay free for other widgets (text fields, the Gantt chart)
                a.setShortcuts([QtGui.QKeySequence(k) for k in keys])
                a.setShortcutContext(QtCore.Qt.ShortcutContext.WidgetShortcut)
            return a

        K = QtGui.QKeySequence.StandardKey
        self.add_task_action = act("Add task", "Add a task (double-click, Insert or N)", lambda: self.add_task(),
                                   ("Insert", "N"))
        self.delete_action = act("Delete", "Delete the selected tasks and edges (Del)", self.delete_selection,
                                 ("Del", "Backspace"))
        self.cut_action = act("Cut", "Cut the selected tasks (Ctrl+X)", self.cut_selection, (K.Cut,))
        self.copy_action = act("Copy", "Copy the selected tasks (Ctrl+C)", self.copy_selection, (K.Copy,))
        self.paste_action = act("Paste", "Paste tasks (Ctrl+V)", self.paste, (K.Paste,))
        self.duplicate_action = act("Duplicate", "Duplicate the selected tasks (Ctrl+D)",
                                    self.duplicate_selection, ("Ctrl+D",))
        self.select_all_action = act("Select all", "Select every task (Ctrl+A)",
                                     lambda: self.document.select(self.document.graph.tasks), (K.SelectAll,))
        # viewing actions carry no shortcut here (F, L, +, - are handled in keyPressEvent)
        self.layout_action = act("Auto layout", "Lay the graph out in levels (L)", self.auto_layout)
        self.fit_action = act("Fit", "Show the whole graph (F)", self.fit)
        self.zoom_in_action = act("Zoom in", "Zoom in (+ or wheel)", lambda: self.zoom(1.25))
        self.zoom_out_action = act("Zoom out", "Zoom out (- or wheel)", lambda: self.zoom(0.8))
        # QWidget.actions() lists the editing actions (for an Edit menu / toolbar), first "Add task", "Delete"
        self.addActions([self.add_task_action, self.delete_action, self.cut_action, self.copy_action,
                         self.paste_action, self.duplicate_action, self.select_all_action])

    def editor_actions(self) -> list[QtGui.QAction]:
        """Every action of the editor: the editing ones (also in ``actions()``), then the viewing ones."""
        return [*self.actions(), self.layout_action, self.fit_action, self.zoom_in_action, self.zoom_out_action]

    # --------------------------------------------------------------- building
    def task_item(self, task: str) -> TaskItem | None:
        """The item drawing ``task`` (for tests and other views)."""
        return self._tasks.get(task)

    def edge_item(self, source: str, target: str) -> EdgeItem | None:
        """The item drawing the edge ``source -> target``."""
        return self._edges.get((source, target))

    def too_large(self) -> bool:
        """Whether the graph is past what the editor draws (one item per task and edge)."""
        g = self.document.graph
        return len(g) > DRAW_LIMIT_TASKS or g.nx.number_of_edges() > DRAW_LIMIT_EDGES

    def rebuild(self) -> None:
        """Drop every item and draw the document's graph again."""
        self._cancel_connect()
        self._syncing = True
        try:
            self._scene.clear()
            self._tasks.clear()
            self._edges.clear()
            self._rubber = None
            if self.too_large():
                g = self.document.graph
                note = self._scene.addText(
                    f"{g.name}: {len(g):,} tasks and {g.nx.number_of_edges():,} edges.\n\n"
                    f"Graphs past {DRAW_LIMIT_TASKS:,} tasks or {DRAW_LIMIT_EDGES:,} edges are not drawn here,\n"
                    "so the window stays responsive. Mapping, analysis, the Gantt chart,\n"
                    "running for real and saving all work as usual.")
                note.setDefaultTextColor(QtGui.QColor("#444444"))
                return
            self._sync_items()
        finally:
            self._syncing = False
        self._apply_looks()
        self._select_items(self.document.selected(), self.document.selected_edges())
        self._update_scene_rect(shrink=True)

    def _sync_items(self) -> None:
        """Add/remove items so they match the graph, and refresh labels and positions."""
        if self.too_large():
            if self._tasks:
                self.rebuild()
            return
        g = self.document.graph
        nxg = g.nx
        for t in [t for t in self._tasks if t not in nxg]:
            item = self._tasks.pop(t)
            for e in list(item.edges):
                self._remove_edge_item(e)
            self._scene.removeItem(item)
        for e in [e for e in self._edges if not nxg.has_edge(*e)]:
            self._remove_edge_item(self._edges[e])
        for t, a in nxg.nodes(data=True):
            item = self._tasks.get(t)
            if item is None:
                item = TaskItem(t)
                self._tasks[t] = item
                self._scene.addItem(item)
            x, y = a.get("x", 0.0), a.get("y", 0.0)
            try:
                p = QtCore.QPointF(float(x), float(y))
            except (TypeError, ValueError):
                p = QtCore.QPointF()
            if item.pos() != p:
                item.setPos(p)
            if "costs" in a:
                cs = a["costs"]
                text = "[" + " ".join(_fmt(c) for c in cs) + "]" if len(cs) <= 3 else \
                    f"≈{_fmt(sum(cs) / len(cs))} ×{len(cs)}"
            else:
                text = _fmt(float(a.get("cost", 0.0)))
            if text != item.cost_text:
                item.cost_text = text
                item.setToolTip(f"{t}\ncost {text}")
                item.update()
        for u, v, a in nxg.edges(data=True):
            e = self._edges.get((u, v))
            if e is None:
                e = EdgeItem(self._tasks[u], self._tasks[v])
                self._edges[(u, v)] = e
                self._scene.addItem(e)
            e.set_route(route_points(a.get("route")))
            d = float(a.get("data", 0.0))
            text = _fmt(d) if d else ""
            if text != e.data_text:
                e.data_text = text
                e.setToolTip(f"{u} -> {v}\ndata {_fmt(d)}")
                e.update()

    def _remove_edge_item(self, e: EdgeItem) -> None:
        e.detach()
        self._edges.pop(e.edge, None)
        self._scene.removeItem(e)

    def _update_scene_rect(self, shrink: bool = False) -> None:
        """Keep room around the graph. While editing the rect only grows, so the view never jumps."""
        r = self._scene.itemsBoundingRect()
        if r.isNull():
            r = QtCore.QRectF(-200, -150, 400, 300)
        m = max(400.0, 0.5 * max(r.width(), r.height()))
        need = r.adjusted(-m / 2, -m / 2, m / 2, m / 2)
        cur = self._scene.sceneRect()
        if shrink or not self._scene_rect_set:
            self._scene.setSceneRect(r.adjusted(-m, -m, m, m))
            self._scene_rect_set = True
        elif not cur.contains(need):
            self._scene.setSceneRect(cur.united(r.adjusted(-m, -m, m, m)))

    # ------------------------------------------------------ document signals
    def _on_document_graph_reset(self) -> None:
        self._schedule = None
        self._states = {}
        self.rebuild()
        self.fit()

    def _on_document_graph_changed(self) -> None:
        self._syncing = True
        try:
            self._sync_items()
        finally:
            self._syncing = False
        self._apply_looks()
        self._update_scene_rect()

    def _on_document_positions_changed(self, tasks: list[str]) -> None:
        nxg = self.document.graph.nx
        for t in tasks:
            item = self._tasks.get(t)
            pos = self.document.position(t) if t in self.document.graph else None
            if item is not None and pos is not None:
                for e in item.edges:  # an automatic layout brings routes with the positions
                    u, v = e.edge
                    if nxg.has_edge(u, v):
                        e.set_route(route_points(nxg.edges[u, v].get("route")))
                p = QtCore.QPointF(*pos)
                if item.pos() != p:
                    item.setPos(p)
        self._update_scene_rect()

    def _on_document_platform_changed(self) -> None:
        if self._overlay in ("critical", "slack"):
            self._apply_looks()

    def _on_document_selection_changed(self, tasks: list[str]) -> None:
        if self._syncing:
            return
        self._select_items(tasks, self.document.selected_edges())
        items = [self._tasks[t] for t in tasks if t in self._tasks]
        if items:
            r = QtCore.QRectF()
            for it in items:
                r = r.united(it.sceneBoundingRect())
            if not self.mapToScene(self.viewport().rect()).boundingRect().contains(r):
                self.centerOn(r.center())

    def _select_items(self, tasks: Iterable[str], edges: Iterable[Edge] = ()) -> None:
        self._syncing = True
        try:
            want: set[QtWidgets.QGraphicsItem] = {self._tasks[t] for t in tasks if t in self._tasks}
            want |= {self._edges[e] for e in edges if e in self._edges}
            for it in self._scene.selectedItems():
                if it not in want:
                    it.setSelected(False)
            for it in want:
                if not it.isSelected():
                    it.setSelected(True)
        finally:
            self._syncing = False

    def _on_scene_selection_changed(self) -> None:
        if self._syncing:
            return
        tasks, edges = self.selected_tasks(), self.selected_edges()
        self._syncing = True
        try:
            self.document.select(tasks, edges)
        finally:
            self._syncing = False

    def selected_tasks(self) -> list[str]:
        """Selected task ids, in graph order."""
        sel = {it.task for it in self._scene.selectedItems() if isinstance(it, TaskItem)}
        return [t for t in self.document.graph.nx.nodes if t in sel]

    def selected_edges(self) -> list[Edge]:
        """Selected edges."""
        return [it.edge for it in self._scene.selectedItems() if isinstance(it, EdgeItem)]

    # ---------------------------------------------------------------- overlays
    def set_overlay(self, mode: str) -> None:
        """Colour the tasks: ``"none"``, ``"levels"`` (independent tasks share a colour),
        ``"critical"`` (the critical path) or ``"slack"`` (red = no slack, white = most)."""
        if mode not in ("none", "levels", "critical", "slack"):
            raise ValueError(f"unknown overlay {mode!r}")
        self._overlay = mode
        self._apply_looks()

    def overlay(self) -> str:
        """The current overlay mode."""
        return self._overlay

    def set_schedule(self, schedule: Any) -> None:
        """Show a schedule on the graph: the worker of each task, and thick orange edges
        where the two tasks run on different workers (data crosses the network)."""
        self._schedule = schedule
        self._apply_looks()

    def set_task_states(self, states: Mapping[str, str]) -> None:
        """Colour tasks by playback state: ``"waiting"``, ``"running"``, ``"done"`` (empty: clear)."""
        self._states = dict(states)
        self._apply_looks()

    def task_colour(self, task: str) -> QtGui.QColor:
        """The fill colour a task is drawn with (for tests)."""
        return QtGui.QColor(self._tasks[task].fill)

    def _apply_looks(self) -> None:
        if not self._tasks:
            # nothing drawn (empty, or past the drawing limit): skip the loops over every slot
            self._slack = {}
            return
        g = self.document.graph
        fills: dict[str, QtGui.QColor] = {}
        crit_tasks: set[str] = set()
        crit_edges: set[Edge] = set()
        mode = self._overlay
        self._slack = {}
        if len(g) and mode != "none":
            try:
                fills, crit_tasks, crit_edges = self._overlay_colours(mode)
            except GraphError as e:
                self.error.emit(str(e))
        mapping: dict[str, str] = {}
        durations: dict[str, float] = {}
        wcol: dict[str, QtGui.QColor] = {}
        if self._schedule is not None:
            try:
                mapping = self._schedule.mapping()
                durations = {sl.task: sl.duration for sl in self._schedule.slots}
                wcol = {w: WORKER_PALETTE[i % len(WORKER_PALETTE)] for i, w in enumerate(self._schedule.workers)}
            except AttributeError:
                mapping = {}
        for t, item in self._tasks.items():
            fill = fills.get(t, C_TASK)
            st = self._states.get(t)
            if st in STATE_COLOURS:
                fill = STATE_COLOURS[st]
            w = mapping.get(t, "")
            label = f"{w} · {_fmt(durations[t])}" if w else ""
            item.set_look(fill, t in crit_tasks, label, wcol.get(w) if w else None)
            tip = f"{t}\ncost {item.cost_text}"
            if t in self._slack:
                tip += f"\nslack {_fmt(self._slack[t])}"
            if tip != item.toolTip():
                item.setToolTip(tip)
        for (u, v), e in self._edges.items():
            wu, wv = mapping.get(u), mapping.get(v)
            e.set_look(wu is not None and wv is not None and wu != wv, (u, v) in crit_edges)

    def _overlay_colours(self, mode: str) -> tuple[dict[str, QtGui.QColor], set[str], set[Edge]]:
        from model import analysis

        g = self.document.graph
        fills: dict[str, QtGui.QColor] = {}
        if mode == "levels":
            for t, k in analysis.level_of(g).items():
                fills[t] = PALETTE[k % len(PALETTE)]
            return fills, set(), set()
        plat = self.document.platform
        if mode == "critical":
            cp = analysis.critical_path(g, plat)
            path = list(cp.tasks)
            hi = QtGui.QColor("#ffa8a8")
            for t in path:
                fills[t] = hi
            return fills, set(path), set(itertools.pairwise(path))
        # slack: 0 = strong red, the most slack = white
        sl = analysis.slack(g, plat)
        top = max(sl.values(), default=0.0)
        red = QtGui.QColor("#ff6b6b")
        for t, s in sl.items():
            # square root: small slacks stay visibly apart from the critical tasks
            f = 1.0 - (math.sqrt(s / top) if top > 0 else 0.0)
            fills[t] = QtGui.QColor(
                round(255 + (red.red() - 255) * f),
                round(255 + (red.green() - 255) * f),
                round(255 + (red.blue() - 255) * f),
            )
            self._slack[t] = s  # shown in the task's tooltip
        return fills, set(), set()

    # ----------------------------------------------------------------- editing
    def add_task(self, scene_pos: QtCore.QPointF | None = None) -> str | None:
        """Add a task at ``scene_pos`` (default: under the mouse, else the view centre) and select it."""
        if scene_pos is None:
            vp = self.viewport().mapFromGlobal(QtGui.QCursor.pos())
            if self.viewport().rect().contains(vp):
                scene_pos = self.mapToScene(vp)
            else:
                scene_pos = self.mapToScene(self.viewport().rect().center())
        try:
            tid = self.document.add_task(pos=(round(scene_pos.x()), round(scene_pos.y())))
        except GraphError as e:
            self.error.emit(str(e))
            return None
        self.document.select([tid])
        return tid

    def connect_tasks(self, source: str, target: str) -> bool:
        """Connect two tasks; a refused edge (cycle, duplicate) emits :attr:`error`."""
        try:
            self.document.connect(source, target)
        except GraphError as e:
            self.error.emit(str(e))
            return False
        return True

    def delete_selection(self) -> None:
        """Delete the selected tasks and edges."""
        tasks, edges = self.selected_tasks(), self.selected_edges()
        if tasks or edges:
            self.document.remove(tasks, edges)

    def copy_selection(self) -> bool:
        """Put the selected tasks (and the edges among them) on the clipboard as JSON."""
        tasks = self.selected_tasks()
        if not tasks:
            return False
        snippet = self.document.copy_snippet(tasks)
        # plain text (the snippet names its own format): handing a Python-made QMimeData to
        # the clipboard leaves two owners of it, and the process crashed at exit
        QtWidgets.QApplication.clipboard().setText(json.dumps(snippet))
        self._paste_count = 0
        return True

    def cut_selection(self) -> None:
        """Copy then delete the selection."""
        if self.copy_selection():
            self.delete_selection()

    def paste(self) -> list[str]:
        """Paste tasks from the clipboard (shifted so they do not hide the originals)."""
        mime = QtWidgets.QApplication.clipboard().mimeData()
        raw = ""
        if mime is not None:
            if mime.hasFormat("application/x-taskmapper-snippet"):
                raw = bytes(mime.data("application/x-taskmapper-snippet").data()).decode("utf-8", "replace")
            elif mime.hasText():
                raw = mime.text()
        try:
            snippet = json.loads(raw) if raw else None
        except json.JSONDecodeError:
            snippet = None
        if not isinstance(snippet, dict) or snippet.get("format") != SNIPPET_FORMAT:
            self.error.emit("the clipboard holds no TaskMapper tasks")
            return []
        self._paste_count += 1
        off = 30.0 * self._paste_count
        try:
            return self.document.paste(snippet, offset=(off, off))
        except GraphError as e:
            self.error.emit(str(e))
            return []

    def duplicate_selection(self) -> list[str]:
        """Duplicate the selected tasks (with the edges among them)."""
        tasks = self.selected_tasks()
        if not tasks:
            return []
        try:
            return self.document.duplicate(tasks)
        except GraphError as e:
            self.error.emit(str(e))
            return []

    def auto_layout(self) -> None:
        """Lay the graph out in topological levels (one undo step), then fit."""
        try:
            self.document.auto_layout()
        except GraphError as e:
            self.error.emit(str(e))
            return
        self.fit()

    # --------------------------------------------------------------- viewing
    def fit(self) -> None:
        """Show the whole graph (never magnified more than 1.5×)."""
        r = self._scene.itemsBoundingRect()
        if r.isNull():
            self.resetTransform()
            self.centerOn(0, 0)
            return
        r = r.adjusted(-30, -30, 30, 30)
        self.fitInView(r, QtCore.Qt.AspectRatioMode.KeepAspectRatio)
        if self.transform().m11() > 1.5:
            self.setTransform(QtGui.QTransform.fromScale(1.5, 1.5))
            self.centerOn(r.center())

    def zoom(self, factor: float) -> None:
        """Zoom by ``factor`` (kept between 2% and 800%)."""
        s = self.transform().m11()
        factor = max(0.02 / s, min(8.0 / s, factor))
        self.scale(factor, factor)

    def zoom_level(self) -> float:
        """The current scale (1 = one scene unit per pixel)."""
        return float(self.transform().m11())

    def wheelEvent(self, event: QtGui.QWheelEvent) -> None:
        d = event.angleDelta().y() or event.angleDelta().x()
        if d:
            self.zoom(math.pow(1.0015, d))
        event.accept()

    # ----------------------------------------------------------------- mouse
    def _task_at(self, pos: QtCore.QPoint) -> TaskItem | None:
        for it in self.items(pos):
            if isinstance(it, TaskItem):
                return it
        return None

    def mousePressEvent(self, event: QtGui.QMouseEvent) -> None:
        btn = event.button()
        pos = event.position().toPoint()
        if btn == QtCore.Qt.MouseButton.MiddleButton or (btn == QtCore.Qt.MouseButton.LeftButton and self._space):
            self._pan_from = event.position()
            self.viewport().setCursor(QtCore.Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        item = self._task_at(pos)
        shift = bool(event.modifiers() & QtCore.Qt.KeyboardModifier.ShiftModifier)
        if item is not None and (btn == QtCore.Qt.MouseButton.RightButton
                                 or (btn == QtCore.Qt.MouseButton.LeftButton and shift)):
            self._start_connect(item)
            event.accept()
            return
        super().mousePressEvent(event)
        if btn == QtCore.Qt.MouseButton.LeftButton:
            self._drag_start = {it.task: it.pos() for it in self._scene.selectedItems() if isinstance(it, TaskItem)}

    def mouseMoveEvent(self, event: QtGui.QMouseEvent) -> None:
        if self._pan_from is not None:
            d = event.position() - self._pan_from
            self._pan_from = event.position()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - round(d.x()))
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - round(d.y()))
            event.accept()
            return
        if self._connect_from is not None and self._rubber is not None:
            p = self.mapToScene(event.position().toPoint())
            line = self._rubber.line()
            line.setP2(p)
            self._rubber.setLine(line)
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QtGui.QMouseEvent) -> None:
        if self._pan_from is not None:
            self._pan_from = None
            self.viewport().setCursor(QtCore.Qt.CursorShape.OpenHandCursor if self._space
                                      else QtCore.Qt.CursorShape.ArrowCursor)
            event.accept()
            return
        if self._connect_from is not None:
            source = self._connect_from
            target = self._task_at(event.position().toPoint())
            self._cancel_connect()
            if target is not None and target is not source:
                self.connect_tasks(source.task, target.task)
            elif target is source and event.button() == QtCore.Qt.MouseButton.RightButton:
                # a right click without a drag selects the task
                self.document.select([source.task])
            event.accept()
            return
        super().mouseReleaseEvent(event)
        if event.button() == QtCore.Qt.MouseButton.LeftButton and self._drag_start:
            start, self._drag_start = self._drag_start, {}
            new = {}
            for t, p0 in start.items():
                it = self._tasks.get(t)
                if it is not None and it.pos() != p0:
                    new[t] = (it.pos().x(), it.pos().y())
            if new:
                self.document.move(new, {t: (start[t].x(), start[t].y()) for t in new})
                self._update_scene_rect()

    def mouseDoubleClickEvent(self, event: QtGui.QMouseEvent) -> None:
        if event.button() == QtCore.Qt.MouseButton.LeftButton and not self.items(event.position().toPoint()):
            self.add_task(self.mapToScene(event.position().toPoint()))
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def contextMenuEvent(self, event: QtGui.QContextMenuEvent) -> None:
        # the right button connects tasks; no context menu over the graph
        event.accept()

    def _start_connect(self, item: TaskItem) -> None:
        self._connect_from = item
        pen = QtGui.QPen(C_SELECT, 2.0, QtCore.Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        p = item.scenePos()
        self._rubber = self._scene.addLine(QtCore.QLineF(p, p), pen)
        self._rubber.setZValue(5.0)
        self.viewport().setCursor(QtCore.Qt.CursorShape.CrossCursor)

    def _cancel_connect(self) -> None:
        if self._rubber is not None and self._rubber.scene() is self._scene:
            self._scene.removeItem(self._rubber)
        self._rubber = None
        if self._connect_from is not None:
            self.viewport().setCursor(QtCore.Qt.CursorShape.ArrowCursor)
        self._connect_from = None

    def is_connecting(self) -> bool:
        """Whether a rubber edge is being dragged."""
        return self._connect_from is not None

    # ------------------------------------------------------------------- keys
    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:
        k = event.key()
        mods = event.modifiers()
        ctrl = bool(mods & QtCore.Qt.KeyboardModifier.ControlModifier)
        shift = bool(mods & QtCore.Qt.KeyboardModifier.ShiftModifier)
        Key = QtCore.Qt.Key
        if k == Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.viewport().setCursor(QtCore.Qt.CursorShape.OpenHandCursor)
        elif k == Key.Key_Escape:
            if self._connect_from is not None:
                self._cancel_connect()
            else:
                self.document.select([])
        elif k in (Key.Key_Delete, Key.Key_Backspace):
            self.delete_selection()
        elif k == Key.Key_Insert or (k == Key.Key_N and not ctrl):
            self.add_task()
        elif ctrl and k == Key.Key_Z:
            (self.document.undo_stack.redo if shift else self.document.undo_stack.undo)()
        elif ctrl and k == Key.Key_Y:
            self.document.undo_stack.redo()
        elif ctrl and k == Key.Key_C:
            self.copy_selection()
        elif ctrl and k == Key.Key_X:
            self.cut_selection()
        elif ctrl and k == Key.Key_V:
            self.paste()
        elif ctrl and k == Key.Key_D:
            self.duplicate_selection()
        elif ctrl and k == Key.Key_A:
            self.document.select(self.document.graph.tasks)
        elif k == Key.Key_F and not ctrl:
            self.fit()
        elif k == Key.Key_L and not ctrl:
            self.auto_layout()
        elif k in (Key.Key_Plus, Key.Key_Equal):
            self.zoom(1.25)
        elif k == Key.Key_Minus:
            self.zoom(0.8)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def keyReleaseEvent(self, event: QtGui.QKeyEvent) -> None:
        if event.key() == QtCore.Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            if self._pan_from is None:
                self.viewport().setCursor(QtCore.Qt.CursorShape.ArrowCursor)
            event.accept()
            return
        super().keyReleaseEvent(event)
