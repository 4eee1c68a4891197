"""The editor's cached pictures of a big graph (the overview zoomed out, the plain edges
zoomed in): a frame laid from them must look as a fresh drawing after every change."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from gui.editor.items import C_SELECT
from tests.gui.test_editor import big_editor

#: a pixel differs when a channel moves by more than this (pictures patched in place may
#: round the anti-aliased edge of a line by a few levels)
CHANNEL_TOLERANCE = 16


@pytest.fixture
def big(qtbot):
    """A laid-out graph past OVERVIEW_MIN_ITEMS, fitted in a shown editor, painted once."""
    doc, view = big_editor(qtbot)
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


def _listed_as_the_scene_has_them(view) -> None:
    """The background's list of plain edges meeting a rectangle is the scene's own (same
    edges, same order) for the view and parts of it."""
    from gui.editor.items import EdgeItem

    scene = view.scene()
    vis = view.mapToScene(view.viewport().rect()).boundingRect()
    w, h = vis.width(), vis.height()
    for r in (vis, vis.adjusted(0, 0, -0.9 * w, 0), vis.adjusted(0.3 * w, 0.6 * h, 0, 0), vis.adjusted(-w, -h, w, h)):
        mode, order = QtCore.Qt.ItemSelectionMode.IntersectsItemBoundingRect, QtCore.Qt.SortOrder.AscendingOrder
        want = [it for it in scene.items(r, mode, order) if isinstance(it, EdgeItem) and it.is_below()]
        assert scene.below_in(r) == want


def _as_fresh(view) -> np.ndarray:
    """The frame from the cached pictures, checked against a fresh drawing; returns it."""
    _listed_as_the_scene_has_them(view)
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
    _hold(view)
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


class _Paints(QtCore.QObject):
    """Counts the paint events of a widget."""

    def __init__(self, widget: QtWidgets.QWidget) -> None:
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QtCore.QEvent.Type.Paint:
            self.count += 1
        return False


#: how long a held zoom waits to rest (:func:`_hold`): a grab on a loaded machine may take
#: longer than the app's 100 ms, which must not end a preview before the test looked at it
HELD_MS = 60_000


def _hold(view) -> None:
    """Let the view's zooms rest only when the test says so (:func:`_rested`)."""
    view._zoom_rest.setInterval(HELD_MS)


def _rested(qtbot, view) -> None:
    """Let the zoom rest (after the app's own pause) and wait until it rested and the frame
    that follows was painted; a held view stays held afterwards."""
    from gui.editor.view import ZOOM_REST_MS

    held = view._zoom_rest.interval() == HELD_MS
    view._zoom_rest.setInterval(ZOOM_REST_MS)
    if view._zoom_rest.isActive():
        view._zoom_rest.start()
    paints = _Paints(view.viewport())
    qtbot.waitUntil(lambda: not view._zoom_preview, timeout=10 * ZOOM_REST_MS)
    qtbot.waitUntil(lambda: paints.count > 0, timeout=10 * ZOOM_REST_MS)
    if held:
        _hold(view)


def _near(mask: np.ndarray, reach: int) -> np.ndarray:
    """The pixels at most ``reach`` pixels (along rows and columns) from one in ``mask``."""
    out = mask.copy()
    for d in range(1, reach + 1):
        out[d:] |= mask[:-d]
        out[:-d] |= mask[d:]
        out[:, d:] |= mask[:, :-d]
        out[:, :-d] |= mask[:, d:]
    return out


def _near_the_same_lines(preview: np.ndarray, exact: np.ndarray, least: int = 1000) -> bool:
    """Every dark pixel (line, text, border) of either frame lies within 2 pixels of a
    darkened one of the other (but for one in a thousand): the preview is the exact
    drawing, blurred and no more."""
    dark_exact, dark_preview = exact.mean(axis=2) < 190, preview.mean(axis=2) < 190
    shaded_exact, shaded_preview = exact.mean(axis=2) < 235, preview.mean(axis=2) < 235
    assert dark_exact.sum() > least and dark_preview.sum() > least
    missing = (dark_exact & ~_near(shaded_preview, 2)).sum() / dark_exact.sum()
    stale = (dark_preview & ~_near(shaded_exact, 2)).sum() / dark_preview.sum()
    return bool(missing < 0.001 and stale < 0.001)


def test_a_zoom_to_new_levels_is_a_scaled_preview_until_it_rests_then_drawn_exactly(qtbot, big):
    doc, view = big
    _hold(view)
    _zoomed_in(view, doc)
    _rested(qtbot, view)
    _as_fresh(view)
    pictures = view._below_pictures
    view.setTransformationAnchor(view.ViewportAnchor.AnchorViewCenter)
    view_area = view.viewport().width() * view.viewport().height()
    drawn = pictures.drawn_pixels
    for _ in range(4):  # the wheel turning: each step a zoom never drawn
        view.zoom(1.06)
        preview = _grab(view)
    # zooming in, the last picture scaled covers the view: next to nothing drawn
    assert pictures.drawn_pixels - drawn < view_area / 20
    assert pictures.provisional() and view._zoom_preview
    # the zoom rests: the preview is dropped and the view painted again, exactly
    paints = _Paints(view.viewport())
    _rested(qtbot, view)
    assert not pictures.provisional() and paints.count > 0
    exact = _grab(view)
    assert pictures.drawn_pixels - drawn >= view_area  # the whole view drawn at this zoom
    assert _differing(exact, _fresh(view)) == 0
    # the preview showed the same lines, a little softer: nothing missing, nothing stale
    assert _differing(preview, exact) > 0  # (it was scaled)
    assert _near_the_same_lines(preview, exact)


def _held_at_1_5(qtbot, big):
    """The big editor held (:func:`_hold`), zoomed in past the overview and 1.5 times more, rested
    and checked against a fresh drawing: ``(document, view)``."""
    doc, view = big
    _hold(view)
    _zoomed_in(view, doc)
    view.zoom(1.5)
    _rested(qtbot, view)
    _as_fresh(view)
    return doc, view


def _preview_then_exact(qtbot, view, factor: float):
    """Zoom a held view by ``factor`` about its centre: the frame grabbed at once (a preview),
    then the frame once the zoom rested, checked against a fresh drawing."""
    view.setTransformationAnchor(view.ViewportAnchor.AnchorViewCenter)
    view.zoom(factor)
    preview = _grab(view)
    assert view._below_pictures.provisional()
    _rested(qtbot, view)
    return preview, _as_fresh(view)


def test_a_zoom_out_preview_draws_exactly_what_the_scaled_picture_lacks(qtbot, big):
    _doc, view = _held_at_1_5(qtbot, big)
    preview, exact = _preview_then_exact(qtbot, view, 1 / 1.1)
    # the border the last picture did not cover (about 4.5 % of each side) is drawn exactly
    h, w = exact.shape[:2]
    ring = np.ones((h, w), bool)
    ring[12:h - 12, 12:w - 12] = False
    assert (np.abs(preview - exact) > CHANNEL_TOLERANCE).any(axis=2)[ring].sum() == 0
    assert (exact.sum(axis=2) < 3 * 200)[ring].sum() > 20  # (and it holds some edges)
    assert _differing(preview, exact) > 0  # the inside was scaled


def test_a_pan_during_the_preview_is_drawn_exactly_once_the_zoom_rests(qtbot, big):
    doc, view = big
    _hold(view)
    _zoomed_in(view, doc)
    _rested(qtbot, view)
    view.setTransformationAnchor(view.ViewportAnchor.AnchorViewCenter)
    view.zoom(1.08)
    _grab(view)
    bar = view.horizontalScrollBar()
    for _ in range(3):
        bar.setValue(bar.value() + 40)
        _grab(view)
    assert view._below_pictures.provisional()  # the picture panned is still the preview
    _rested(qtbot, view)
    assert not view._below_pictures.provisional()
    _as_fresh(view)


def _label_font(view) -> QtGui.QFont:
    """The font of the edges' data labels (see EdgeItem.draw)."""
    f = QtGui.QFont(view.font())
    f.setPointSizeF(7.5)
    return f


def test_a_preview_shows_the_changes_and_the_edges_made_meanwhile(qtbot, big):
    doc, view = _held_at_1_5(qtbot, big)
    e = _plain_edge_in_view(view, doc)
    doc.set_data([e.edge], 123456789)  # a new label, and at once a zoom
    preview, exact = _preview_then_exact(qtbot, view, 1 / 1.06)
    label = view.mapFromScene(e._label_box(QtGui.QFontMetricsF(_label_font(view)), _label_font(view).key()))
    box = label.boundingRect().adjusted(-2, -2, 2, 2) & view.viewport().rect()
    assert box.width() > 20
    crop = (slice(box.top(), box.bottom()), slice(box.left(), box.right()))
    assert _near_the_same_lines(preview[crop], exact[crop], least=50)  # the new label, not the old one
    # an edge added during the zoom is in the next preview too (scaled from the one it was drawn over)
    from gui.editor.items import TaskItem

    view.zoom(1.06)
    _grab(view)
    vis = view.mapToScene(view.viewport().rect()).boundingRect()
    shown = sorted((it for it in view.items() if isinstance(it, TaskItem) and vis.contains(it.pos())),
                   key=lambda it: (it.pos().y(), it.pos().x()))
    a, b = shown[0].task, shown[-1].task
    assert not doc.graph.nx.has_edge(a, b)
    doc.connect(a, b)
    preview, exact = _preview_then_exact(qtbot, view, 1.06)
    added = view.edge_item(a, b)
    assert added is not None and added.is_below()
    box = view.mapFromScene(added.sceneBoundingRect()).boundingRect() & view.viewport().rect()
    crop = (slice(box.top(), box.bottom()), slice(box.left(), box.right()))

    assert _near_the_same_lines(preview[crop], exact[crop], least=200)


def test_the_backgrounds_list_of_plain_edges_follows_moves_removals_and_the_items_order(qtbot):
    from gui.editor.items import EdgeItem, EdgeScene, TaskItem

    scene = EdgeScene()
    a, b, c = TaskItem("a"), TaskItem("b"), TaskItem("c")
    for t, (x, y) in zip((a, b, c), ((0, 0), (0, 200), (300, 200)), strict=True):
        t.setPos(x, y)
        scene.addItem(t)
    ab, bc = EdgeItem(a, b, batched=True), EdgeItem(b, c, batched=True)
    scene.addItem(ab)
    scene.addItem(bc)
    everything = QtCore.QRectF(-1000, -1000, 3000, 3000)
    assert scene.below_in(everything) == [ab, bc]
    left = QtCore.QRectF(-20, 50, 40, 100)  # crossed by a -> b only
    assert scene.below_in(left) == [ab]
    a.setPos(600, 200)  # a -> b now runs level with b, below that rectangle
    assert scene.below_in(left) == []
    assert scene.below_in(QtCore.QRectF(400, 190, 20, 20)) == [ab]
    scene.removeItem(ab)
    assert scene.below_in(everything) == [bc]
    scene.addItem(ab)  # back in, last in the items' order
    mode, order = QtCore.Qt.ItemSelectionMode.IntersectsItemBoundingRect, QtCore.Qt.SortOrder.AscendingOrder
    assert [it for it in scene.items(everything, mode, order) if isinstance(it, EdgeItem)] == [bc, ab]
    assert scene.below_in(everything) == [bc, ab]
    ab.setSelected(True)  # selected: it paints itself, the background leaves it out
    assert scene.below_in(everything) == [bc]
