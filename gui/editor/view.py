"""The graph editor: a :class:`QtWidgets.QGraphicsView` drawing the document's task graph.

The view observes a :class:`~gui.document.Document`: it draws the graph's items
(:mod:`gui.editor.items`), colours them by an analysis overlay, a shown schedule and the
replay state (:mod:`gui.editor.looks`), and turns mouse gestures and its actions
(:mod:`gui.editor.actions`) into document edits.

A big graph (:data:`OVERVIEW_MIN_ITEMS` tasks and edges or more) is read into arrays
(:class:`~gui.editor.overview.Drawing`): seen whole or zoomed out it is drawn from them as
one overview item, and zoomed in past :data:`OVERVIEW_SCALE` only the tasks and edges in
and around the visible rectangle get items, made as the view moves and dropped when it
zooms out again. The document holds the selection, so a selected task without an item
(out of view) stays selected, is moved with the others and is deleted or copied with them.

Zoomed in on a big graph, the plain edges are drawn on the scene's background and kept as
pictures, one per zoom level (:mod:`gui.editor.pictures`). While a zoom goes on (wheel
steps, + or -), a zoom level never drawn shows a *preview*: the picture of a near level
scaled (the edges a little soft; the tasks, the selected, critical and crossing edges are
drawn exactly, and so is what the scaled picture does not cover). :data:`ZOOM_REST_MS` after
the last step the whole view is always drawn again, exactly.

Mouse and keys
--------------
- double-click on empty space, Insert or N: add a task
- drag with the right button, or Shift+drag, from a task to another: connect them
- drag: move; drag on empty space: rubber-band selection
- Del / Backspace: delete; Ctrl+C / Ctrl+X / Ctrl+V / Ctrl+D: copy, cut, paste, duplicate
- Ctrl+A: select all; Escape: drop a rubber edge, else clear the selection
- wheel: zoom; middle button or Space+drag: pan; F: fit; L: automatic layout; + / -: zoom
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from gui.document import SNIPPET_FORMAT, Document
from model.analysis import critical_path
from model.chart import OVERLAY_MODES, GraphOverlay, graph_overlay
from model.graph import GraphError
from model.schedule import Schedule

if TYPE_CHECKING:
    from gui.session import Session

from .actions import make_actions
from .gestures import Gestures
from .items import (
    C_CRIT,
    C_SELECT,
    LOD_NAME,
    LOD_TEXT,
    Anchor,
    EdgeItem,
    EdgeScene,
    TaskItem,
    fmt_number,
    route_points,
)
from .legend import EditorLegend
from .looks import EDITOR_OVERLAYS, Looks, legend, looks
from .overview import Drawing, OverviewItem, OverviewLooks, edge_style
from .pictures import PictureCache

__all__ = ["DRAW_LIMIT_EDGES", "DRAW_LIMIT_TASKS", "OVERVIEW_MIN_ITEMS", "OVERVIEW_SCALE", "GraphEditorView"]

Edge = tuple[str, str]

#: how far a paste lands from its original, in pixels on screen (at least as many scene units)
PASTE_OFFSET_PX = 30.0
#: selecting up to this many tasks elsewhere (the Gantt chart) zooms the editor in on them
#: when it shows them too small to read
FOCUS_AT_MOST = 5
#: the scale the editor zooms to then (names and costs readable)
READABLE_SCALE = 0.75
#: past these sizes the editor shows a note instead of the graph
DRAW_LIMIT_TASKS = 12_000
DRAW_LIMIT_EDGES = 40_000
#: a graph with this many tasks and edges together or more is drawn from arrays: zoomed out
#: below :data:`OVERVIEW_SCALE` as one overview item (all edges as lines, tasks as flat
#: rectangles, their names from LOD_NAME on; no work per edge in a frame), zoomed in with
#: items only around the view. The items take over where they show the costs (LOD_TEXT):
#: zoomed out further, thousands of edges cross a 1200x800 view of 10,000 tasks, and one item
#: each is about 0.1 ms a frame (measured at 0.22: 1,271 tasks and 5,115 edges in and around
#: the view; at 0.45: 357 and 1,697)
OVERVIEW_MIN_ITEMS = 4_000
OVERVIEW_SCALE = LOD_TEXT
#: zoomed in on a big graph, items are made for the visible rectangle grown by this part of
#: its size on every side, so a pan makes new items only every few frames
MADE_MARGIN = 0.15
#: past this many task and edge items, those away from the view are dropped when new ones are made
MADE_AT_MOST = 12_000
#: how many zoom levels keep a picture of the background (the plain edges zoomed in)
BELOW_LEVELS = 3
#: while a zoom goes on (wheel steps or zoom commands less than this many milliseconds
#: apart), a frame at a zoom whose background was never drawn lays the last zoom's picture
#: scaled (a preview, drawing exactly only what it does not cover); this long after the last
#: step the whole view is always drawn again, exactly
ZOOM_REST_MS = 100


def _cost_text(a: Mapping[str, Any]) -> str:
    """A task's cost as its box prints it (a cost per worker: up to three, else their mean)."""
    if "costs" in a:
        cs = a["costs"]
        return "[" + " ".join(fmt_number(c) for c in cs) + "]" if len(cs) <= 3 else \
            f"≈{fmt_number(sum(cs) / len(cs))} ×{len(cs)}"
    return fmt_number(float(a.get("cost", 0.0)))


class GraphEditorView(Gestures, QtWidgets.QGraphicsView):
    """Edit the document's task graph with the mouse and keyboard (see the module doc).

    Signals
    -------
    error(str)
        An edit was refused (e.g. a cycle); the message says why.
    task_menu_requested(str, QPoint)
        A task's context menu was asked for (the window builds it).
    """

    error = QtCore.Signal(str)
    #: the context menu of a task was asked for (a right click without a drag, or the menu
    #: key on the selection): the task and the global position to show it at
    task_menu_requested = QtCore.Signal(str, QtCore.QPoint)

    def __init__(self, document: Document, parent: QtWidgets.QWidget | None = None, *,
                 session: Session | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self._scene = EdgeScene(self)
        # the default BSP index is kept: measured with 1,000 tasks / 2,000 edges it paints
        # faster than NoIndex both fitted (46 vs 57 ms) and at 1:1 (13 vs 19 ms), and a
        # drag step costs 7 ms against 18 ms
        self._scene.setItemIndexMethod(QtWidgets.QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self._scene.setBackgroundBrush(QtGui.QColor("#fbfcfd"))
        #: the background (holding the plain edges of a big graph zoomed in, see EdgeScene)
        #: as pictures of the view at the last zoom levels: a pan copies what stays in view
        self._below_pictures = PictureCache(BELOW_LEVELS, 0.0, opaque=True)
        self._scene.below_changed.connect(self._below_pictures.dirty)
        self._scene.below_added.connect(self._on_below_added)
        #: a zoom is under way (see ZOOM_REST_MS): new zoom levels are laid as previews
        self._zoom_preview = False
        self._zoom_rest = QtCore.QTimer(self)
        self._zoom_rest.setSingleShot(True)
        self._zoom_rest.setInterval(ZOOM_REST_MS)
        self._zoom_rest.timeout.connect(self._on_zoom_rest)
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

        #: the items made (every task and edge of a small graph; around the view of a big one)
        self._tasks: dict[str, TaskItem] = {}
        self._edges: dict[Edge, EdgeItem] = {}
        #: where the edges with an item end at a task without one (out of view)
        self._anchors: dict[str, Anchor] = {}
        #: the graph's geometry as arrays (None past the drawing limit)
        self._drawing: Drawing | None = None
        #: a big graph: items only around the view, the overview when zoomed out
        self._lazy = False
        #: the scene rectangle whose tasks and edges have items (lazy, zoomed in), else None
        self._made: QtCore.QRectF | None = None
        self._overlay = "none"
        self._schedule: Schedule | None = None
        self._states: dict[str, str] = {}
        self._overlay_data: GraphOverlay | None = None
        self._look = Looks()
        #: the overview's task colours, for these looks and this drawing
        self._fills: tuple[Looks, Drawing, np.ndarray] | None = None
        self._syncing = False
        #: a fit is under way (it passes through 1:1 before the fitted scale): no items then
        self._settling = False
        self._drawn_fresh = False  # see _on_document_graph_reset
        self._overview_chosen: frozenset[str] = frozenset()  # the selection the overview outlines
        # interaction state
        self._pan_from: QtCore.QPointF | None = None
        self._space = False
        self._connect_from: TaskItem | None = None
        self._rubber: QtWidgets.QGraphicsLineItem | None = None
        self._drag_start: dict[str, QtCore.QPointF] = {}
        #: a click or rubber band without Ctrl is under way: it replaces the selection,
        #: also of the selected tasks that have no item
        self._replacing_selection = False
        #: where a rubber band on the overview began (viewport point), while it is dragged
        self._band_from: QtCore.QPoint | None = None
        self._paste_count = 0
        self._scene_rect_set = False
        #: the view shows the whole graph as :meth:`fit` left it (it refits on resize)
        self._fitted = False

        for bar in (self.horizontalScrollBar(), self.verticalScrollBar()):
            bar.actionTriggered.connect(self._on_scroll_bar_action)
        # the zoomed-out drawing of a big graph (see OVERVIEW_MIN_ITEMS)
        self._overview: OverviewItem | None = None

        #: what the colours mean, over the bottom left corner
        self.legend = EditorLegend(self)
        self._critical_length: float | None = None
        self._weights: tuple[dict[Edge, float], float] | None = None

        #: the looks of a hand move's schedule, applied once the chart has drawn it
        self._looks_later = QtCore.QTimer(self)
        self._looks_later.setSingleShot(True)
        self._looks_later.setInterval(15)
        self._looks_later.timeout.connect(self._apply_looks)
        #: the editor's commands as actions (menus and toolbars show these)
        self.commands = make_actions(self)
        self._scene.selectionChanged.connect(self._on_scene_selection_changed)
        document.graph_reset.connect(self._on_document_graph_reset)
        document.graph_changed.connect(self._on_document_graph_changed)
        document.positions_changed.connect(self._on_document_positions_changed)
        document.selection_changed.connect(self._on_document_selection_changed)
        document.platform_changed.connect(self._on_document_platform_changed)
        #: shows the workers of its first schedule, when given
        self.session = session
        if session is not None:
            session.shown_changed.connect(self._on_session_shown_changed)
        self.rebuild()

    # --------------------------------------------------------------- building
    def task_item(self, task: str) -> TaskItem | None:
        """The item drawing ``task`` (None when it has none: a big graph seen whole, or the
        task away from the view)."""
        return self._tasks.get(task)

    def edge_item(self, source: str, target: str) -> EdgeItem | None:
        """The item drawing the edge ``source -> target`` (None when it has none)."""
        return self._edges.get((source, target))

    def too_large(self) -> bool:
        """Whether the graph is past what the editor draws."""
        g = self.document.graph
        return len(g) > DRAW_LIMIT_TASKS or g.nx.number_of_edges() > DRAW_LIMIT_EDGES

    def rebuild(self) -> None:
        """Drop every item and draw the document's graph again."""
        self._rebuild_items()
        self._update_lod()

    def _rebuild_items(self) -> None:
        """:meth:`rebuild` up to the level of detail, which the caller settles (after a fit)."""
        self._cancel_connect()
        self._syncing = True
        try:
            self._scene.clear()
            self._below_pictures.clear()
            self._tasks.clear()
            self._edges.clear()
            self._anchors.clear()
            self._rubber = None
            self._overview = None
            self._made = None
            self._drawing = None
            g = self.document.graph
            if self.too_large():
                self._lazy = False
                note = self._scene.addText(
                    f"{g.name}: {len(g):,} tasks and {g.nx.number_of_edges():,} edges.\n\n"
                    f"Graphs past {DRAW_LIMIT_TASKS:,} tasks or {DRAW_LIMIT_EDGES:,} edges are not drawn here,\n"
                    "so the window stays responsive. Mapping, analysis, the Gantt chart,\n"
                    "running for real and saving all work as usual.")
                note.setDefaultTextColor(QtGui.QColor("#444444"))
                return
            self._drawing = Drawing.of(g)
            self._lazy = len(g) + g.nx.number_of_edges() >= OVERVIEW_MIN_ITEMS
            if self._lazy:
                # no items yet: the level of detail makes those in view when zoomed in
                self._overview = OverviewItem(self._overview_source)
                self._overview.set_bounds(self._drawing.bounds())
                self._scene.addItem(self._overview)
            else:
                self._make_items(None)
        finally:
            self._syncing = False
        self._apply_looks()
        self._select_items(self.document.selected(), self.document.selected_edges())
        self._update_scene_rect(shrink=True)

    def _make_items(self, rect: QtCore.QRectF | None) -> None:
        """Make the items missing for the tasks and edges meeting ``rect`` (None: all of
        them), with their looks and selection."""
        d = self._drawing
        if d is None:
            return
        nxg = self.document.graph.nx
        if rect is None:
            tasks: Iterable[int] = range(len(d.tasks))
            edges: Iterable[int] = range(len(d.edges))
        else:
            tasks = d.tasks_in(rect).tolist()
            edges = d.edges_in(rect).tolist()
        new_tasks: list[TaskItem] = []
        new_edges: list[EdgeItem] = []
        was = self._syncing
        self._syncing = True
        try:
            lazy = self._lazy
            for i in tasks:
                t = d.tasks[i]
                if t not in self._tasks:
                    item = TaskItem(t)
                    self._tasks[t] = item
                    self._update_task_item(item, nxg.nodes[t], not lazy)
                    self._scene.addItem(item)
                    new_tasks.append(item)
                    anchor = self._anchors.pop(t, None)
                    if anchor is not None:  # its edges in view end at its item now
                        for e in list(anchor.edges):
                            e.reattach(anchor, item)
            for k in edges:
                edge = d.edges[k]
                if edge not in self._edges:
                    u, v = edge
                    a = nxg.edges[u, v]
                    e = EdgeItem(self._end(u), self._end(v), route_points(a.get("route")), batched=lazy)
                    self._edges[edge] = e
                    self._update_edge_item(e, a)
                    self._scene.addItem(e)
                    new_edges.append(e)
            if self._lazy and (new_tasks or new_edges):
                look = self._look
                weights, _top = self._edge_weights() if self._schedule is not None else ({}, 0.0)
                chosen, chosen_edges = set(self.document.selected()), set(self.document.selected_edges())
                for item in new_tasks:
                    self._look_task_item(item, look)
                    if item.task in chosen:
                        item.setSelected(True)
                for e in new_edges:
                    edge = e.edge
                    e.set_look(look.crosses(edge), edge in look.emphasised_edges, weights.get(edge, 0.0))
                    if edge in chosen_edges:
                        e.setSelected(True)
        finally:
            self._syncing = was

    def _update_task_item(self, item: TaskItem, a: Mapping[str, Any], plain_tip: bool = True) -> None:
        x, y = a.get("x", 0.0), a.get("y", 0.0)
        try:
            p = QtCore.QPointF(float(x), float(y))
        except (TypeError, ValueError):
            p = QtCore.QPointF()
        if item.pos() != p:
            item.setPos(p)
        text = _cost_text(a)
        if text != item.cost_text:
            item.cost_text = text
            if plain_tip:
                item.setToolTip(f"{item.task}\ncost {text}")
            item.update()
        pin = a.get("pin")
        item.set_pin(None if pin is None else str(pin))

    def _update_edge_item(self, e: EdgeItem, a: Mapping[str, Any]) -> None:
        e.set_route(route_points(a.get("route")))
        d = float(a.get("data", 0.0))
        text = fmt_number(d) if d else ""
        if text != e.data_text:
            e.data_text = text
            u, v = e.edge
            e.setToolTip(f"{u} -> {v}\ndata {fmt_number(d)}")
            e.refresh()

    def _end(self, task: str) -> TaskItem | Anchor:
        """What an edge item ends at: the task's item, else an anchor where the task is."""
        item = self._tasks.get(task)
        if item is not None:
            return item
        anchor = self._anchors.get(task)
        if anchor is None:
            d = self._drawing
            assert d is not None
            i = d.index[task]
            anchor = self._anchors[task] = Anchor(task, float(d.hw[i]), QtCore.QPointF(d.x[i], d.y[i]))
        return anchor

    def _drop_items(self, keep: QtCore.QRectF | None = None) -> None:
        """Drop the items of the tasks and edges away from ``keep`` (None: every item)."""
        d = self._drawing
        kept_tasks: set[str] = set()
        kept_edges: set[Edge] = set()
        if keep is not None and d is not None:
            kept_edges = {d.edges[k] for k in d.edges_in(keep).tolist()}
            kept_tasks = {d.tasks[i] for i in d.tasks_in(keep).tolist()}
        if self._connect_from is not None:
            kept_tasks.add(self._connect_from.task)
        self._syncing = True
        try:
            for edge in [e for e in self._edges if e not in kept_edges]:
                self._remove_edge_item(self._edges[edge])
            for t in [t for t in self._tasks if t not in kept_tasks]:
                item = self._tasks.pop(t)
                if item.edges:  # edges kept in view: they end at an anchor now
                    anchor = self._anchors[t] = Anchor(t, item.hw, item.pos())
                    for e in list(item.edges):
                        e.reattach(item, anchor)
                self._scene.removeItem(item)
        finally:
            self._syncing = False

    def _sync_items(self) -> None:
        """Match the items to the graph (after an edit): read its arrays again, drop the
        items of removed tasks and edges, refresh the others, make the new ones in view."""
        if self.too_large():
            if self._drawing is not None:
                self.rebuild()
            return
        g = self.document.graph
        nxg = g.nx
        if self._drawing is None or self._lazy != (len(g) + nxg.number_of_edges() >= OVERVIEW_MIN_ITEMS):
            self.rebuild()  # past the drawing limit before, or across the overview's size
            return
        self._drawing = Drawing.of(g)
        for t in [t for t in self._tasks if t not in nxg]:
            gone = self._tasks.pop(t)
            for old in list(gone.edges):
                self._remove_edge_item(old)
            self._scene.removeItem(gone)
        for edge in [edge for edge in self._edges if not nxg.has_edge(*edge)]:
            self._remove_edge_item(self._edges[edge])
        for t, item in self._tasks.items():
            self._update_task_item(item, nxg.nodes[t])
        for t, anchor in self._anchors.items():
            i = self._drawing.index[t]
            anchor.setPos(QtCore.QPointF(self._drawing.x[i], self._drawing.y[i]))
        for (u, v), e in self._edges.items():
            self._update_edge_item(e, nxg.edges[u, v])
        if not self._lazy:
            self._make_items(None)
        elif self._made is not None:
            self._make_items(self._made)
        if self._overview is not None:
            self._overview.set_bounds(self._drawing.bounds())

    # -------------------------------------------------------- level of detail
    def overview_shown(self) -> bool:
        """Whether the graph is drawn as one overview item (zoomed out on a big graph),
        without task and edge items."""
        return self._overview is not None and self._overview.in_view

    def items_made(self) -> tuple[int, int]:
        """How many task and edge items exist (for tests and benchmarks)."""
        return len(self._tasks), len(self._edges)

    def _overview_changed(self) -> None:
        """The graph's drawing changed: the overview is drawn again before its next frame."""
        if self._overview is not None:
            self._overview.invalidate()

    def _visible_rect(self) -> QtCore.QRectF:
        return self.mapToScene(self.viewport().rect()).boundingRect()

    def _update_lod(self) -> None:
        """A big graph: below :data:`OVERVIEW_SCALE` the overview alone, above it items for
        what is in and around the view (made as the view moves)."""
        ov = self._overview
        if not self._lazy or ov is None:
            return
        if self.zoom_level() < OVERVIEW_SCALE:
            if self._made is not None or self._tasks:
                self._made = None
                self._drop_items()
            if not ov.in_view:
                ov.in_view = True
                self._below_pictures.clear()
            return
        if ov.in_view:
            ov.in_view = False
        vis = self._visible_rect()
        if self._made is not None and self._made.contains(vis):
            return
        mx, my = vis.width() * MADE_MARGIN, vis.height() * MADE_MARGIN
        self._made = vis.adjusted(-mx, -my, mx, my)
        if len(self._tasks) + len(self._edges) > MADE_AT_MOST and not QtWidgets.QApplication.mouseButtons():
            self._drop_items(self._made)
        self._make_items(self._made)

    def _on_below_added(self, edges: list[EdgeItem]) -> None:
        """Plain edges made (the view moved on): drawn over the background's picture."""
        rect = QtCore.QRectF()
        for e in edges:
            rect = rect.united(e.sceneBoundingRect())
        self._below_pictures.add(rect, lambda p, _r: self._scene.draw_edges(p, edges))

    def drawBackground(self, painter: QtGui.QPainter, rect: QtCore.QRectF | QtCore.QRect) -> None:
        if self._lazy and not self.overview_shown() and self._below_pictures.paint(
                painter, QtCore.QRectF(rect), self.viewport().rect(), None, self._scene.drawBackground,
                preview=self._zoom_preview):
            return
        super().drawBackground(painter, rect)

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        self._update_lod()
        self._scene.flush_below()  # the plain edges changed since the last frame
        super().paintEvent(event)

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        if not self._settling:
            self._update_lod()  # the items of what comes into view, before anyone asks for them

    def setTransform(self, matrix: QtGui.QTransform, combine: bool = False) -> None:
        super().setTransform(matrix, combine)
        self._update_lod()

    def _remove_edge_item(self, e: EdgeItem) -> None:
        e.detach()
        self._edges.pop(e.edge, None)
        self._scene.removeItem(e)
        for end in (e.source, e.target):
            if isinstance(end, Anchor) and not end.edges:
                self._anchors.pop(end.task, None)

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

    def viewportEvent(self, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.ToolTip and self.overview_shown() and self._drawing is not None:
            # the overview has no items to carry tooltips: the task under the mouse says its own
            help_event: QtGui.QHelpEvent = event  # type: ignore[assignment]
            p = self.mapToScene(help_event.pos())
            i = self._drawing.task_at(p.x(), p.y())
            if i is None:
                QtWidgets.QToolTip.hideText()
            else:
                QtWidgets.QToolTip.showText(help_event.globalPos(), self.task_tooltip(self._drawing.tasks[i]),
                                            self.viewport())
            return True
        return super().viewportEvent(event)

    def overview_task_at(self, pos: QtCore.QPoint) -> str | None:
        """The task under a viewport point while the overview is shown (it has no items)."""
        if not self.overview_shown() or self._drawing is None:
            return None
        p = self.mapToScene(pos)
        i = self._drawing.task_at(p.x(), p.y())
        return None if i is None else self._drawing.tasks[i]

    def overview_select_in(self, rect: QtCore.QRectF, add: bool = False) -> list[str]:
        """Select the tasks whose boxes meet the scene rectangle ``rect`` while the overview is
        shown (a rubber band there has no items to choose); ``add`` keeps the selection (Ctrl).
        Returns the tasks the band met."""
        if not self.overview_shown() or self._drawing is None:
            return []
        met = [self._drawing.tasks[i] for i in self._drawing.tasks_in(rect.normalized())]
        chosen = set(met)
        if add:
            chosen.update(self.document.selected())
        self.document.select([t for t in self.document.graph.nx.nodes if t in chosen])
        return met

    def task_tooltip(self, task: str) -> str:
        """The tooltip of a task: its id and cost, with its slack and level when the overlay shows them."""
        tip = f"{task}\ncost {_cost_text(self.document.graph.nx.nodes[task])}"
        look = self._look
        if task in look.slack:
            tip += f"\nslack {fmt_number(look.slack[task])}"
        if task in look.badge:
            tip += f"\nlevel {look.badge[task][1:]}"
        return tip

    def _overview_source(self) -> tuple[Drawing, OverviewLooks]:
        """The drawing and its colours, for the overview item."""
        d = self._drawing
        assert d is not None
        look = self._look
        if self._fills is not None and self._fills[0] is look and self._fills[1] is d:
            fills = self._fills[2]  # a change of selection: the same colours
        else:
            cache: dict[int, int] = {}
            fills = np.empty(len(d.tasks), dtype=np.uint32)
            for i, t in enumerate(d.tasks):
                c = look.fill(t)
                key = c.rgba()
                rgba = cache.get(key)
                if rgba is None:
                    rgba = cache[key] = c.darker(115).rgba()
                fills[i] = rgba
            self._fills = (look, d, fills)
        self._overview_chosen = frozenset(self.document.selected())
        outlines: dict[int, int] = {}
        index = d.index
        crit, sel = C_CRIT.rgba(), C_SELECT.rgba()
        for t in look.emphasised:
            if t in index:
                outlines[index[t]] = crit
        for t in self._overview_chosen:
            outlines[index[t]] = sel
        styles: dict[int, tuple[int, bool]] = {}
        edges_at = {e: k for k, e in enumerate(d.edges)} if (look.mapping or look.emphasised_edges
                                                             or self.document.selected_edges()) else {}
        if look.mapping:
            weights, _top = self._edge_weights()
            for k, edge in enumerate(d.edges):
                if look.crosses(edge):
                    style = edge_style(False, False, True, weights.get(edge, 0.0))
                    if style is not None:
                        styles[k] = style
        for edge in look.emphasised_edges:
            if edge in edges_at:
                styles[edges_at[edge]] = (crit, True)
        for edge in self.document.selected_edges():
            if edge in edges_at:
                styles[edges_at[edge]] = (sel, True)
        return d, OverviewLooks(fills, outlines, styles)

    # ------------------------------------------------------ document signals
    def _on_document_graph_reset(self) -> None:
        self._overlay_data = None
        self._critical_length = None
        self._weights = None
        self._schedule = None
        self._states = {}
        self._rebuild_items()
        self.fit()  # settles the level of detail at the fitted zoom
        # the document announces a new graph as reset then changed: the items are drawn already
        self._drawn_fresh = True

    def _on_document_graph_changed(self) -> None:
        if self._drawn_fresh:
            self._drawn_fresh = False
            return
        self._overlay_data = None
        self._critical_length = None
        self._weights = None
        self._syncing = True
        try:
            self._sync_items()
        finally:
            self._syncing = False
        self._apply_looks()
        self._update_scene_rect()
        self._overview_changed()

    def _on_document_positions_changed(self, tasks: list[str]) -> None:
        nxg = self.document.graph.nx
        if self._drawing is not None:
            self._drawing = Drawing.of(self.document.graph)
        for t in tasks:
            item: TaskItem | Anchor | None = self._tasks.get(t) or self._anchors.get(t)
            pos = self.document.position(t) if t in self.document.graph else None
            if item is not None and pos is not None:
                for e in item.edges:  # an automatic layout brings routes with the positions
                    u, v = e.edge
                    if nxg.has_edge(u, v):
                        e.set_route(route_points(nxg.edges[u, v].get("route")))
                p = QtCore.QPointF(*pos)
                if item.pos() != p:
                    item.setPos(p)
        if self._lazy and self._made is not None:
            self._make_items(self._made)  # the tasks moved into view
        if self._overview is not None and self._drawing is not None:
            self._overview.set_bounds(self._drawing.bounds())
        self._update_scene_rect()
        self._overview_changed()

    def _on_session_shown_changed(self) -> None:
        assert self.session is not None
        if self.session.retimed:
            # a hand move: the chart goes first, the graph's looks follow right after it is drawn
            self._schedule = self.session.primary
            self._looks_later.start()
            return
        self._looks_later.stop()
        self.set_schedule(self.session.primary)
        if self.session.primary is None:
            self.set_task_states({})

    def _on_document_platform_changed(self) -> None:
        self._critical_length = None
        if self._overlay in ("critical", "slack"):
            self._overlay_data = None
            self._apply_looks()

    def _on_document_selection_changed(self, tasks: list[str]) -> None:
        if self._syncing:
            return
        self._select_items(tasks, self.document.selected_edges())
        r = self._tasks_rect(tasks)
        if not r.isNull():
            self._show_rect(r, len(tasks), zoom=False)

    def _tasks_rect(self, tasks: Iterable[str]) -> QtCore.QRectF:
        """The rectangle around the boxes of these tasks (null when none is drawn)."""
        d = self._drawing
        if d is None:
            return QtCore.QRectF()
        return d.rect_of([d.index[t] for t in tasks if t in d.index])

    def focus_tasks(self, tasks: Sequence[str]) -> None:
        """Select ``tasks`` and bring them into view, zoomed in to read them when the graph
        is seen whole (a click on a bar of the chart)."""
        r = self._tasks_rect(tasks)
        if not r.isNull():
            # first: zoomed in, a big graph makes the items of the tasks, then selected
            self._show_rect(r, len(tasks))
        self.document.select(list(tasks))
        self._select_items(self.document.selected(), self.document.selected_edges())

    def bring_into_view(self, items: Sequence[QtWidgets.QGraphicsItem], *, zoom: bool = True) -> None:
        """Scroll so ``items`` are in view; with ``zoom``, a few tasks too small to read (a
        big graph seen whole) are also zoomed in on, to :data:`READABLE_SCALE`."""
        r = QtCore.QRectF()
        for it in items:
            r = r.united(it.sceneBoundingRect())
        self._show_rect(r, len(items), zoom=zoom)

    def _show_rect(self, r: QtCore.QRectF, count: int, *, zoom: bool = True) -> None:
        # too small to read: below the names, or a big graph's overview (no items to select)
        small = OVERVIEW_SCALE if self._lazy else LOD_NAME
        if zoom and count <= FOCUS_AT_MOST and self.transform().m11() < small:
            self._fitted = False
            s = READABLE_SCALE / self.transform().m11()
            self.scale(s, s)
            self.centerOn(r.center())
            self._update_lod()  # a big graph gets the items of the tasks in view
        elif not self._visible_rect().contains(r):
            self.centerOn(r.center())
            self._update_lod()

    def _select_items(self, tasks: Iterable[str], edges: Iterable[Edge] = ()) -> None:
        tasks = list(tasks)
        changed = False
        was = self._syncing
        self._syncing = True
        try:
            want: set[QtWidgets.QGraphicsItem] = {self._tasks[t] for t in tasks if t in self._tasks}
            want |= {self._edges[e] for e in edges if e in self._edges}
            for it in self._scene.selectedItems():
                if it not in want:
                    it.setSelected(False)
                    changed = True
            for it in want:
                if not it.isSelected():
                    it.setSelected(True)
                    changed = True
        finally:
            self._syncing = was
        # the overview outlines the selected tasks: drawn again only when that changes
        if self._overview is not None and (changed or frozenset(tasks) != self._overview_chosen):
            self._overview_changed()

    def _on_scene_selection_changed(self) -> None:
        if self._syncing:
            return
        # the items say what the click or rubber band chose among them; the selected tasks
        # without an item (out of view) stay selected unless the gesture replaces the selection
        chosen = {it for it in self._scene.selectedItems()}
        tasks = {it.task for it in chosen if isinstance(it, TaskItem)}
        edges = [it.edge for it in chosen if isinstance(it, EdgeItem)]
        if not self._replacing_selection:
            tasks.update(t for t in self.document.selected() if t not in self._tasks)
            edges += [e for e in self.document.selected_edges() if e not in self._edges]
        self._syncing = True
        try:
            self.document.select([t for t in self.document.graph.nx.nodes if t in tasks], edges)
        finally:
            self._syncing = False
        self._overview_changed()

    def selected_tasks(self) -> list[str]:
        """Selected task ids, in graph order (those without an item too)."""
        sel = set(self.document.selected())
        return [t for t in self.document.graph.nx.nodes if t in sel]

    def selected_edges(self) -> list[Edge]:
        """Selected edges."""
        return self.document.selected_edges()

    # ---------------------------------------------------------------- overlays
    def set_overlay(self, mode: str) -> None:
        """Colour the tasks by ``mode`` (one of :data:`~gui.editor.looks.EDITOR_OVERLAYS`):
        ``"none"``, ``"levels"`` (independent tasks share a colour, each task shows its
        level), ``"critical"`` (the critical path), ``"slack"`` (red = no slack, white =
        most), ``"worker"`` (the shown schedule's workers) or ``"playback"`` (waiting,
        running, done as the schedule plays). The legend below the graph says what the colours mean."""
        if mode not in EDITOR_OVERLAYS:
            raise ValueError(f"unknown overlay {mode!r} (known: {', '.join(EDITOR_OVERLAYS)})")
        self._overlay = mode
        self._overlay_data = None
        self._apply_looks()

    def overlay(self) -> str:
        """The current overlay mode."""
        return self._overlay

    def set_schedule(self, schedule: Schedule | None) -> None:
        """Show a schedule on the graph: the worker of each task, and orange edges where the
        two tasks run on different workers (data crosses the network), wider for more data.
        The overlay stays as it is."""
        self._schedule = schedule
        self._apply_looks()

    def set_task_states(self, states: Mapping[str, str]) -> None:
        """The playback state of each task: ``"waiting"``, ``"running"``, ``"done"`` (empty:
        clear); drawn in the ``"playback"`` overlay."""
        self._states = dict(states)
        if self._overlay == "playback" and not self._looks_later.isActive():
            self._apply_looks()

    def task_colour(self, task: str) -> QtGui.QColor:
        """The fill colour a task is drawn with (for tests)."""
        return QtGui.QColor(self._look.fill(task))

    def legend_texts(self) -> list[str]:
        """Every text of the legend shown (empty when there is none)."""
        return self.legend.texts()

    def _look_task_item(self, item: TaskItem, look: Looks) -> None:
        t = item.task
        item.set_look(look.fill(t), t in look.emphasised, look.worker_label.get(t, ""),
                      look.worker_colour.get(t), look.badge.get(t, ""))
        tip = f"{t}\ncost {item.cost_text}"
        if t in look.slack:
            tip += f"\nslack {fmt_number(look.slack[t])}"
        if t in look.badge:
            tip += f"\nlevel {look.badge[t][1:]}"
        if tip != item.toolTip():
            item.setToolTip(tip)

    def _apply_looks(self) -> None:
        if self._drawing is None or not len(self._drawing):
            # nothing drawn (empty, or past the drawing limit): skip the loops over every slot
            self._look = Looks()
            self.legend.set_rows([])
            return
        overlay = self._overlay_of()
        look = self._look = looks(self._overlay, overlay, self._schedule, self._states)
        for item in self._tasks.values():
            self._look_task_item(item, look)
        # the data volumes only matter to the edges crossing workers of a shown schedule
        weights, top = self._edge_weights() if self._schedule is not None else ({}, 0.0)
        for edge, e in self._edges.items():
            e.set_look(look.crosses(edge), edge in look.emphasised_edges, weights.get(edge, 0.0))
        self.legend.set_rows(legend(self._overlay, overlay, self._schedule, max_data=top,
                                    critical_length=self._critical_length_of() if self._overlay == "critical" else None))
        self._overview_changed()

    def _edge_weights(self) -> tuple[dict[Edge, float], float]:
        """Each edge's data relative to the largest (0..1), and the largest; once per graph version."""
        if self._weights is None:
            nxg = self.document.graph.nx
            data = {(u, v): float(a.get("data", 0.0)) for u, v, a in nxg.edges(data=True)}
            top = max(data.values(), default=0.0)
            self._weights = ({e: d / top for e, d in data.items()} if top > 0 else {}, top)
        return self._weights

    def _critical_length_of(self) -> float | None:
        if self._critical_length is None:
            try:
                self._critical_length = critical_path(self.document.graph, self.document.platform).length
            except GraphError:
                return None
        return self._critical_length

    def _overlay_of(self) -> GraphOverlay | None:
        """The analysis behind the overlay, computed once per graph and platform version."""
        if self._overlay not in OVERLAY_MODES or self._overlay == "none":
            return None
        if self._overlay_data is None:
            try:
                self._overlay_data = graph_overlay(self.document.graph, self.document.platform, self._overlay)
            except GraphError as e:
                self.error.emit(str(e))
                return None
        return self._overlay_data

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
        raw = QtWidgets.QApplication.clipboard().text()
        try:
            snippet = json.loads(raw) if raw else None
        except json.JSONDecodeError:
            snippet = None
        if not isinstance(snippet, dict) or snippet.get("format") != SNIPPET_FORMAT:
            self.error.emit("the clipboard holds no TaskMapper tasks")
            return []
        self._paste_count += 1
        # 30 pixels on screen whatever the zoom (30 scene units are a few pixels on a
        # graph seen whole, and the paste would seem to land on its original)
        off = PASTE_OFFSET_PX * self._paste_count / min(1.0, max(self.transform().m11(), 1e-3))
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
    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fitted:
            self.fit()  # the whole graph stays in view as the window is resized, until the user zooms

    def fit(self) -> None:
        """Show the whole graph (never magnified more than 1.5×); it is refitted as the
        view is resized until the user zooms."""
        self._fitted = True
        r = self._scene.itemsBoundingRect()
        if r.isNull():
            self.resetTransform()
            self.centerOn(0, 0)
            return
        r = r.adjusted(-30, -30, 30, 30)
        self._settling = True
        try:
            self.fitInView(r, QtCore.Qt.AspectRatioMode.KeepAspectRatio)
        finally:
            self._settling = False
        if self.transform().m11() > 1.5:
            self.setTransform(QtGui.QTransform.fromScale(1.5, 1.5))
            self.centerOn(r.center())
        self._update_lod()

    def zoom(self, factor: float) -> None:
        """Zoom by ``factor`` (kept between 2% and 800%)."""
        self._fitted = False
        s = self.transform().m11()
        factor = max(0.02 / s, min(8.0 / s, factor))
        # the scroll bars move as the scale changes: no items for the places passed through
        self._settling = True
        try:
            self.scale(factor, factor)
        finally:
            self._settling = False
        self._update_lod()
        # a zoom to a level never drawn is laid scaled from the last one until the zoom rests
        self._zoom_preview = True
        self._zoom_rest.start()

    def _on_zoom_rest(self) -> None:
        """The zoom rested: every preview is dropped and the view drawn again, exactly."""
        self._zoom_preview = False
        if self._below_pictures.settle():
            self.viewport().update()

    def _on_scroll_bar_action(self, _action: int) -> None:
        self._fitted = False  # the user scrolled: keep their view on resize

    def zoom_level(self) -> float:
        """The current scale (1 = one scene unit per pixel)."""
        return float(self.transform().m11())
