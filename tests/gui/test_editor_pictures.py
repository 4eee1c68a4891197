"""The editor's cached pictures of a big graph (the overview zoomed out, the plain edges
zoomed in): a frame laid from them must look as a fresh drawing after every change."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from gui.document import Document
from gui.editor.items import C_SELECT
from tests.gui.test_editor import shown_editor

#: a pixel differs when a channel moves by more than this (pictures patched in place may
#: round the anti-aliased edge of a line by a few levels)
CHANNEL_TOLERANCE = 16


@pytest.fixture
def big(qtbot):
    """A laid-out graph past OVERVIEW_MIN_ITEMS, fitted in a shown editor."""
    from model import generators

    doc = Document()
    doc.set_graph(generators.generate("layered", n=1200, seed=3))
    view = shown_editor(qtbot, doc, 900, 700)
    view.fit()
    view.viewport().repaint()
    return doc, view


def _grab(view) -> np.ndarray:
    for _ in range(2):  # the scroll bars follow the scene's growth first
        QtWidgets.QApplication.processEvents()
        view.viewport().repaint()
    img = view.viewport().grab().toImage().convertToFormat(QtGui.QImage.Format.Format_RGBA8888)
    arr = np.frombuffer(img.constBits(), dtype=np.uint8, count=img.sizeInBytes())
    rows = arr.reshape(img.height(), img.bytesPerLine())[:, : img.width() * 4]
    return rows.reshape(img.height(), img.width(), 4)[:, :, :3].astype(np.int16)


def _fresh(view) -> np.ndarray:
    """The frame drawn from nothing: every cached picture dropped first."""
    view._below_pictures.clear()
    if view._overview is not None:
        view._overview.pictures.clear()
    return _grab(view)


def _differing(a: np.ndarray, b: np.ndarray) -> int:
    assert a.shape == b.shape
    return int((np.abs(a - b) > CHANNEL_TOLERANCE).any(axis=2).sum())


def _changed(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two frames differ (the legend below the graph may have changed the size)."""
    return a.shape != b.shape or _differing(a, b) > 0


def _as_fresh(view) -> np.ndarray:
    """The frame from the cached pictures, checked against a fresh drawing; returns it."""
    cached = _grab(view)
    fresh = _fresh(view)
    if cached.shape != fresh.shape:  # the legend took its room below the graph meanwhile
        cached = _grab(view)
        fresh = _fresh(view)
    assert _differing(cached, fresh) == 0
    return cached


def test_the_overview_is_laid_from_its_picture_while_panning_and_zooming_back(big):
    _doc, view = big
    ov = view._overview
    assert view.overview_shown()
    _grab(view)
    drawn, laid = ov.pictures.draws, ov.pictures.blits
    bar = view.horizontalScrollBar()
    for _ in range(3):
        bar.setValue(bar.value() + 30)
        _grab(view)
    view.zoom(1.2)
    _grab(view)
    after_zoom = ov.pictures.draws
    view.zoom(1 / 1.2)
    _grab(view)
    # the pans and the zoom back drew nothing: the pictures were laid again
    assert ov.pictures.blits >= laid + 5
    assert after_zoom > drawn and ov.pictures.draws == after_zoom
    _as_fresh(view)


def test_the_cached_overview_is_drawn_again_after_selection_colours_and_edits(big):
    doc, view = big
    assert view.overview_shown()
    first = _as_fresh(view)
    t = doc.graph.tasks[len(doc.graph) // 2]
    doc.select([t])
    selected = _as_fresh(view)
    assert _changed(first, selected)  # the outline is drawn
    p = view.mapFromScene(QtCore.QPointF(*doc.position(t)))
    near = selected[max(0, p.y() - 4): p.y() + 5, max(0, p.x() - 12): p.x() + 13].reshape(-1, 3)
    orange = np.array([C_SELECT.red(), C_SELECT.green(), C_SELECT.blue()])
    assert (np.abs(near - orange).max(axis=1) <= 40).any()
    doc.select([])
    assert _differing(first, _as_fresh(view)) == 0
    view.set_overlay("levels")
    levels = _as_fresh(view)
    assert _changed(first, levels)  # the tasks coloured by level
    view.set_overlay("none")
    _as_fresh(view)  # (the legend's room changed: the view may have moved)
    # edits (the view may get scroll bars as the scene grows: compared with a fresh frame only)
    doc.remove([t])
    _as_fresh(view)
    doc.undo_stack.undo()
    _as_fresh(view)
    others = [u for u in doc.graph.tasks if u != t][:50]
    before = _grab(view)
    doc.move({u: (doc.position(u)[0] + 300.0, doc.position(u)[1]) for u in others})
    moved = _as_fresh(view)
    assert _changed(before, moved)


def _zoomed_in(view, doc):
    from gui.editor.view import OVERVIEW_SCALE

    mid = doc.graph.tasks[len(doc.graph) // 2]
    view.zoom(1.0 / view.zoom_level())  # as the wheel does: the view stays there on a resize
    view.centerOn(QtCore.QPointF(*doc.position(mid)))
    assert view.zoom_level() > OVERVIEW_SCALE and not view.overview_shown()
    view.viewport().repaint()


def _plain_edge_in_view(view, doc):
    """A plain edge between two tasks in view, its label in view too."""
    from gui.editor.items import TaskItem

    vis = view.mapToScene(view.viewport().rect()).boundingRect().adjusted(80, 80, -80, -80)
    for u, v in doc.graph.nx.edges:
        e = view.edge_item(u, v)
        if (e is not None and e.is_below() and isinstance(e.source, TaskItem) and isinstance(e.target, TaskItem)
                and vis.contains(e.source.pos()) and vis.contains(e.target.pos()) and e.data_text):
            return e
    raise AssertionError("no plain edge in view")


def test_zoomed_in_plain_edges_are_drawn_below_and_follow_pans_and_zooms(big):
    doc, view = big
    _zoomed_in(view, doc)
    e = _plain_edge_in_view(view, doc)
    # a plain edge is drawn by the background, not as an item
    assert e.is_below() and e.flags() & e.GraphicsItemFlag.ItemHasNoContents
    _as_fresh(view)
    pictures = view._below_pictures
    bar, vbar = view.horizontalScrollBar(), view.verticalScrollBar()
    for k in range(12):
        bar.setValue(bar.value() + (45 if k < 8 else -30))
        vbar.setValue(vbar.value() + 20)
        _grab(view)
    _as_fresh(view)
    # zoomed about the view's centre (offscreen, the mouse counts as over the view's corner)
    view.setTransformationAnchor(view.ViewportAnchor.AnchorViewCenter)
    view.zoom(1.2)
    _grab(view)
    drawn = pictures.drawn_pixels
    view.zoom(1 / 1.2)
    _grab(view)
    # the zoom back laid the picture of that level again (a pixel's shift draws a thin strip)
    view_area = view.viewport().width() * view.viewport().height()
    assert pictures.drawn_pixels - drawn < view_area / 10
    _as_fresh(view)


def test_zoomed_in_background_is_drawn_again_after_moves_selection_and_labels(big):
    doc, view = big
    _zoomed_in(view, doc)
    first = _as_fresh(view)
    e = _plain_edge_in_view(view, doc)
    u, v = e.edge
    # selected, the edge paints itself (orange, above the plain ones); unselected it is plain again
    doc.select([], [(u, v)])
    assert not e.is_below() and not e.flags() & e.GraphicsItemFlag.ItemHasNoContents
    selected = _as_fresh(view)
    assert _changed(first, selected)
    doc.select([], [])
    assert e.is_below()
    assert _differing(first, _as_fresh(view)) == 0
    # a new data volume: the label drawn on the background changes
    doc.set_data([(u, v)], 12345)
    labelled = _as_fresh(view)
    assert _changed(first, labelled)
    # a task moved: its edges leave their old place (nothing stale left behind)
    x, y = doc.position(u)
    doc.move({u: (x + 60.0, y + 20.0)})
    moved = _as_fresh(view)
    assert _changed(labelled, moved) and not view.overview_shown()
    doc.undo_stack.undo()
    _as_fresh(view)
    doc.undo_stack.undo()
    _as_fresh(view)
    # a new edge between two tasks in view: made as an item and drawn over the picture
    from gui.editor.items import TaskItem

    vis = view.mapToScene(view.viewport().rect()).boundingRect()
    shown = sorted((it for it in view.items() if isinstance(it, TaskItem) and vis.contains(it.pos())),
                   key=lambda it: (it.pos().y(), it.pos().x()))
    a, b = shown[0].task, shown[-1].task
    assert doc.position(a)[1] < doc.position(b)[1] and not doc.graph.nx.has_edge(a, b)
    before = _grab(view)
    doc.connect(a, b)
    added = view.edge_item(a, b)
    assert added is not None and added.is_below()
    assert _changed(before, _as_fresh(view))
    doc.undo_stack.undo()  # and removed again: gone from the picture
    assert view.edge_item(a, b) is None
    _as_fresh(view)
    # the critical path: its edges paint themselves in red, the rest stays below
    view.set_overlay("critical")
    assert _changed(first, _as_fresh(view))
    view.set_overlay("none")
    _as_fresh(view)  # (the legend's room changed: the view may have moved)
    assert not view.overview_shown()
