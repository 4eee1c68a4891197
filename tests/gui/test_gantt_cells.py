"""The Gantt chart's frames with many bars in view: bars found lane by lane from the lanes'
sorted starts and drawn as one image of cells, against the passes over every bar they replace."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6 import QtCore, QtGui

from gui.gantt import GanttView
from gui.gantt import bars as bars_mod
from model.schedule import Schedule, Slot


def _schedule(n: int, workers: int, seed: int = 3, *, shuffled: bool = False, long: float = 0.002) -> Schedule:
    """``n`` bars round-robin on ``workers`` lanes, mostly short with gaps, a share ``long`` of
    long ones and some wide idle stretches; ``shuffled``: the slots out of time order."""
    rng = np.random.default_rng(seed)
    clock = np.zeros(workers)
    slots = []
    for i in range(n):
        w = i % workers
        d = float(rng.uniform(0.2, 1.0)) if rng.random() >= long else float(rng.uniform(300, 900))
        gap = float(rng.exponential(0.1)) if rng.random() > 0.001 else 1500.0
        s = clock[w] + gap
        clock[w] = s + d
        slots.append(Slot(f"t{i}", f"W{w}", s, s + d))
    if shuffled:
        slots = [slots[j] for j in rng.permutation(n)]
    return Schedule("synthetic", [f"W{w}" for w in range(workers)], slots)


def _view(qtbot, sched: Schedule, mode: str = "task") -> GanttView:
    v = GanttView()
    qtbot.addWidget(v)
    v.resize(900, 360)
    v.set_schedule(sched)
    v.set_colour_mode(mode)
    return v


def _grab(v: GanttView, *, old: bool, monkeypatch) -> QtGui.QImage:
    """A grab of the chart drawn the new way, or (``old``) with passes over every bar."""
    with monkeypatch.context() as m:
        if old:
            m.setattr(bars_mod, "CELL_LIMIT", 10**12)
        v.item._index = None
        v.item.update()
        img = v.plot.grab().toImage()
        index_used = v.item._index is not None
    v.item._index = None
    assert index_used is not old
    return img


def _pixels(img: QtGui.QImage) -> np.ndarray:
    img = img.convertToFormat(QtGui.QImage.Format.Format_RGB32)
    return np.frombuffer(img.constBits(), np.uint32).reshape(img.height(), img.width()).copy()


@pytest.mark.parametrize("shuffled", [False, True])
def test_cells_from_the_lane_index_are_the_pixels_of_the_binned_paint(qtbot, monkeypatch, shuffled):
    v = _view(qtbot, _schedule(40_000, 6, shuffled=shuffled))
    item = v.item
    (x_lo, x_hi), _ = v.view_box.viewRange()
    q = np.quantile(item.x0, [0.3137, 0.9071, 0.4, 0.52])
    views = [
        (x_lo, x_hi),  # everything: the long bars drawn as rectangles over the cells
        (q[0], q[1]),  # both sides cut, inside bars: about 24,000 in view
        (q[2], q[3]),  # about 5,000 bars: gathered lane by lane
    ]
    for lo, hi in views:
        v.view_box.setXRange(lo, hi, padding=0)
        for now in (None, lo + 0.6 * (hi - lo)):
            item.set_now(now)
            new = _pixels(_grab(v, old=False, monkeypatch=monkeypatch))
            old_visible = item.last_visible
            assert item.last_lod
            ref = _pixels(_grab(v, old=True, monkeypatch=monkeypatch))
            assert item.last_visible == old_visible
            assert np.array_equal(new, ref), (lo, hi, now, int((new != ref).sum()))
    # selection and hatching are drawn over the cells as over the binned bars
    v.view_box.setXRange(*views[0], padding=0)
    item.set_now(None)
    item.set_highlight("selected", [5, 17, 39_000])
    item.set_highlight("moved", [100, 20_000])
    assert np.array_equal(_pixels(_grab(v, old=False, monkeypatch=monkeypatch)),
                          _pixels(_grab(v, old=True, monkeypatch=monkeypatch)))


def test_cells_cover_what_a_rectangle_per_bar_covers(qtbot, monkeypatch):
    sched = _schedule(30_000, 4, seed=8, long=0.0)  # no bar drawn outlined
    v = _view(qtbot, sched, mode="worker")
    v.view_box.setXRange(0, max(s.finish for s in sched.slots), padding=0)
    new = _pixels(_grab(v, old=False, monkeypatch=monkeypatch))
    assert v.item.last_visible == 30_000
    with monkeypatch.context() as m:  # no level of detail: every bar its own rectangle
        m.setattr(bars_mod, "LOD_LIMIT", 10**12)
        per_bar = _pixels(_grab(v, old=True, monkeypatch=monkeypatch))
        assert not v.item.last_lod
    vb = v.plot.mapFromScene(v.view_box.sceneBoundingRect()).boundingRect()
    item = v.item
    for w in range(4):
        y = v.plot.mapFromScene(v.view_box.mapViewToScene(QtCore.QPointF(0.0, float(w)))).y()
        a, b = new[y, vb.left() + 1:vb.right() - 1], per_bar[y, vb.left() + 1:vb.right() - 1]
        first = int(np.flatnonzero(item.y == w)[0])
        lane = item.colours[int(item.colour[first])].rgb()  # worker mode: one colour per lane
        on_a, on_b = a == lane, b == lane
        assert 0.2 < on_a.mean() < 0.9  # busy stretches and idle ones
        # coverage apart only next to the ends of runs (a pixel's share of a bar)
        differ = np.flatnonzero(on_a != on_b)
        edges = np.flatnonzero(np.diff(on_b.astype(np.int8))) + 1
        assert len(differ) <= len(edges)
        assert all(np.abs(edges - d).min() <= 1 for d in differ.tolist()), (differ, edges)


def test_a_pan_over_a_big_chart_does_not_pass_over_every_bar(qtbot, monkeypatch):
    v = _view(qtbot, _schedule(60_000, 8, seed=5))
    v.plot.grab()
    item = v.item
    assert item._index is not None
    calls = []
    real = np.flatnonzero
    monkeypatch.setattr(np, "flatnonzero",
                        lambda a, _r=real: (calls.append(np.size(a)), _r(a))[1])
    (x_lo, x_hi), _ = v.view_box.viewRange()
    v.view_box.setXRange(x_lo + 0.01 * (x_hi - x_lo), x_hi + 0.01 * (x_hi - x_lo), padding=0)
    v.plot.grab()
    assert item.last_lod and item.last_visible > 50_000
    assert calls and max(calls) < 20_000  # cells and rows, not a mask of every bar


def test_the_lane_index_is_made_again_when_bars_move(qtbot, monkeypatch):
    v = _view(qtbot, _schedule(20_000, 4, seed=2))
    v.plot.grab()
    item = v.item
    assert item._index is not None
    x0, x1 = item.x0 + 5000.0, item.x1 + 5000.0
    item.move_bars(x0, x1, item.y)
    assert item._index is None
    v.plot.grab()
    assert item._index is None  # gliding: no index is made for a passing frame
    item.move_bars(x0, x1, item.y, settle=True)
    v.view_box.setXRange(float(x0.min()), float(x1.max()), padding=0)
    new = _pixels(_grab(v, old=False, monkeypatch=monkeypatch))
    assert np.array_equal(new, _pixels(_grab(v, old=True, monkeypatch=monkeypatch)))


def test_the_image_of_cells_has_the_pixels_of_a_rectangle_per_cell(qtbot):
    item = bars_mod.GanttBarsItem()
    item.set_colours(np.zeros(0, dtype=np.int32), [QtGui.QColor(c) for c in ("#1f77b4", "#ff7f0e", "#2ca02c")])
    rng = np.random.default_rng(4)
    grid = rng.integers(-1, 6, size=(5, 70))  # 0-2 the colours, 3-5 their faded copies, -1 empty
    row_top = np.array([3.3, 21.7, 40.5, 58.05, 80.9])
    row_h = np.array([14.4, 15.1, 9.5, 20.25, 11.0])

    def image() -> QtGui.QImage:
        img = QtGui.QImage(120, 100, QtGui.QImage.Format.Format_RGB32)
        img.fill(QtGui.QColor("#ffffff"))
        return img

    got = image()
    p = QtGui.QPainter(got)
    item._paint_grid(p, grid, 17, row_top, row_h)
    p.end()
    want = image()
    p = QtGui.QPainter(want)
    p.setPen(QtCore.Qt.PenStyle.NoPen)
    for r, c in zip(*np.nonzero(grid >= 0)):
        p.setBrush(item._brushes[int(grid[r, c])])
        p.drawRect(QtCore.QRectF(17 + int(c), row_top[r], 1.0, row_h[r]))
    p.end()
    assert np.array_equal(_pixels(got), _pixels(want))
    assert len(np.unique(_pixels(got))) == 7  # six colours and the background


def test_the_bar_under_the_mouse_is_found_from_the_lane_index_as_among_every_bar(qtbot, monkeypatch):
    v = _view(qtbot, _schedule(30_000, 5, seed=9, shuffled=True))
    item = v.item
    rng = np.random.default_rng(1)
    xs = rng.uniform(float(item.x0.min()) - 5, float(item.x1.max()) + 5, 400)
    ys = rng.uniform(-0.6, 4.6, 400)
    tols = rng.choice([0.0, 0.3, 4.0], 400)

    def hits() -> list[int | None]:
        return [item.bar_at(float(x), float(y), float(t)) for x, y, t in zip(xs, ys, tols)]

    fast = hits()
    assert item._index is not None
    with monkeypatch.context() as m:
        m.setattr(bars_mod, "CELL_LIMIT", 10**12)
        item._index = None
        slow = hits()
        assert item._index is None
    assert fast == slow and sum(h is not None for h in fast) > 100
    item.set_visible_mask(np.arange(len(item.x0)) % 3 > 0)
    fast = hits()
    with monkeypatch.context() as m:
        m.setattr(bars_mod, "CELL_LIMIT", 10**12)
        item._index = None
        assert hits() == fast


def test_a_vector_file_gets_what_the_binned_paint_gave_it(qtbot, monkeypatch):
    from PySide6 import QtSvg

    v = _view(qtbot, _schedule(30_000, 4, seed=6))

    def svg() -> str:
        buf = QtCore.QBuffer()
        buf.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
        gen = QtSvg.QSvgGenerator()
        gen.setOutputDevice(buf)
        gen.setSize(v.plot.size())
        p = QtGui.QPainter(gen)
        v.item._index = None
        v.plot.render(p)
        p.end()
        return bytes(buf.data()).decode()

    new = svg()
    assert v.item.last_lod and v.item._index is not None and v.item.last_visible == 30_000
    with monkeypatch.context() as m:
        m.setattr(bars_mod, "CELL_LIMIT", 10**12)
        old = svg()
        assert v.item._index is None
    assert "<image" not in new and new == old
