"""The bars of a Gantt chart: one graphics item that paints every bar, culled to the view.

:class:`GanttBarsItem` is a single ``pg.GraphicsObject`` that holds every bar in numpy
arrays and paints, on each frame, only the bars inside the view. When more bars are
visible than pixels can show, bars narrower than two pixels are binned per lane and pixel
column and drawn as merged runs (a level of detail that keeps a 100,000-bar chart fast).
Labels appear when a bar is wide enough for its name.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

try:  # the fast path pyqtgraph's own BarGraphItem uses: QRectF arrays backed by numpy memory
    from pyqtgraph.Qt.internals import PrimitiveArray as _PrimitiveArray
except ImportError:  # pragma: no cover - older / newer pyqtgraph
    _PrimitiveArray = None

__all__ = ["ARROW_LIMIT", "CELL_LIMIT", "LABEL_LIMIT", "LOD_LIMIT", "MOVED_COLOUR", "PIN_COLOUR", "GanttBarsItem"]

#: beyond this many visible bars, sub-2-pixel bars are binned per pixel column
LOD_LIMIT = 3000
#: draw labels only when at most this many bars are visible
LABEL_LIMIT = 2500
ARROW_LIMIT = 20000
#: beyond this many bars in view (of a chart with more bars than this), the bars narrower
#: than two pixels are found lane by lane and pixel column by pixel column from each lane's
#: sorted starts: a frame costs a search per lane and column, not passes over every bar
CELL_LIMIT = 10_000
#: outline of a bar placed by hand, and the pin head of a pinned task's bar
MOVED_COLOUR = QtGui.QColor("#e8590c")
PIN_COLOUR = QtGui.QColor("#c2255c")


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


#: where :meth:`GanttBarsItem._set_rows` samples the bars (seeded: a run repeats exactly)
_SAMPLE = np.random.default_rng(20_240_601)


def _distinct_sorted(a: np.ndarray) -> np.ndarray:
    """The distinct values of ``a``, sorted (``np.unique`` without its first-use import of
    ``numpy.ma``, which a first frame would pay)."""
    a = np.sort(a)
    return a[np.concatenate(([True], a[1:] != a[:-1]))] if a.size else a


class _LaneIndex:
    """The bars of each row (lane or sub-row) sorted by start, for the frames with many bars in view.

    ``order`` lists the bars row by row (rows in :attr:`GanttBarsItem.row` order), each row's
    bars by start (a tie keeps bar order); row ``r`` is ``order[starts[r]:starts[r + 1]]``.
    ``x0`` are their starts in that order, ``reach`` the running maximum of their ends within
    the row (a bar at position ``j`` or before ends at ``reach[j]`` at the latest).
    """

    def __init__(self, x0: np.ndarray, x1: np.ndarray, row: np.ndarray, nrows: int) -> None:
        n = len(x0)
        # rows are few small numbers: a stable radix sort of 16-bit keys (13 ms a million),
        # then by start only if some row is not in time order already (a lexsort: 65 ms)
        keys = row.astype(np.uint16) if nrows <= 1 << 16 else row
        order = np.argsort(keys, kind="stable")
        sx0 = x0[order]
        counts = np.bincount(row, minlength=nrows)
        self.starts = np.zeros(nrows + 1, dtype=np.intp)
        np.cumsum(counts, out=self.starts[1:])
        back = sx0[1:] < sx0[:-1]
        cut = self.starts[1:-1]
        back[cut[(cut > 0) & (cut < n)] - 1] = False  # a row's first bar may start before the previous row's last
        #: whether each row's bars are in time order already: then the last bar of a row
        #: starting in a pixel column is also its last bar in bar order
        self.in_time_order = not back.any()
        if not self.in_time_order:
            order = np.lexsort((x0, row))
            sx0 = x0[order]
        self.order = order
        self.x0 = sx0
        reach = x1[order]
        for r in range(nrows):
            lo, hi = self.starts[r], self.starts[r + 1]
            if hi - lo > 1:
                np.maximum.accumulate(reach[lo:hi], out=reach[lo:hi])
        self.reach = reach
        self.n = n
        self._where: np.ndarray | None = None

    @property
    def where(self) -> np.ndarray:
        """The position of each bar in :attr:`order` (made on first use)."""
        if self._where is None:
            self._where = np.empty(self.n, dtype=np.intp)
            self._where[self.order] = np.arange(self.n, dtype=np.intp)
        return self._where

    def in_view(self, row_y: np.ndarray, row_h: np.ndarray, vr: QtCore.QRectF) -> tuple[np.ndarray, ...]:
        """The rows crossing the view, and per row the positions ``lo .. hi - 1`` of the bars
        that may be in it (those starting at or before its right edge, from the first one
        whose row reaches its left edge: a bar among them can end before the left edge
        only when a longer bar before it in its row does not)."""
        tol = 1e-3  # the bars of a row share centre and height to 1/1024 of a lane
        half = row_h / 2
        rows = np.flatnonzero((row_y + half >= vr.top() - tol) & (row_y - half <= vr.bottom() + tol))
        lo = np.empty(len(rows), dtype=np.intp)
        hi = np.empty(len(rows), dtype=np.intp)
        left, right = vr.left(), vr.right()
        for j, r in enumerate(rows.tolist()):
            a, b = int(self.starts[r]), int(self.starts[r + 1])
            lo[j] = a + int(np.searchsorted(self.reach[a:b], left, "left"))
            hi[j] = max(int(lo[j]), a + int(np.searchsorted(self.x0[a:b], right, "right")))
        return rows, lo, hi

    def gather(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """The bars at positions ``lo[j] .. hi[j] - 1`` of every row, in bar order."""
        lengths = hi - lo
        total = int(lengths.sum())
        if not total:
            return np.zeros(0, dtype=np.intp)
        # one arange shifted per run: position = run start + offset within the run
        shift = np.repeat(lo - (np.cumsum(lengths) - lengths), lengths)
        pos = np.arange(total, dtype=np.intp) + shift
        return np.sort(self.order[pos])


class GanttBarsItem(pg.GraphicsObject):  # type: ignore[misc]  # pyqtgraph ships no types
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
        #: the bars sorted lane by lane (see :class:`_LaneIndex`), made on the first frame that needs it
        self._index: _LaneIndex | None = None
        #: whether the bars are at rest (not in a glide): only then is the index made
        self._settled = True
        #: the bars by length, longest first, and those lengths (made when a frame needs them)
        self._by_length: tuple[np.ndarray, np.ndarray] | None = None
        self._longest = 0.0
        #: where the bars are (see :meth:`extent`), once computed
        self._extent: tuple[float, float, float, float] | None = None
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
        self.labels = labels if isinstance(labels, list) else list(labels)  # only read
        self._set_rows()
        self._moved(settled=True)
        self.visible_mask = None
        self.highlights = {}
        self.arrow_a = self.arrow_b = np.zeros(0, dtype=np.int64)
        self.arrow_critical = np.zeros(0, dtype=bool)
        self.set_colours(colour, colours)
        self._set_bounds(self.x0, self.x1, self.y)
        self.update()

    def move_bars(self, x0: np.ndarray, x1: np.ndarray, y: np.ndarray, *, settle: bool = False) -> None:
        """Put the same bars elsewhere (a frame of a glide): colours, labels, highlights and
        arrows stay with their bars. ``settle``: the last frame (rows and bounds follow)."""
        self.x0 = np.asarray(x0, dtype=np.float64)
        self.x1 = np.maximum(np.asarray(x1, dtype=np.float64), self.x0)
        self.y = np.asarray(y, dtype=np.float64)
        self._moved(settled=settle)
        if settle:
            self._set_rows()
            self._set_bounds(self.x0, self.x1, self.y)
        self.update()

    def _moved(self, *, settled: bool) -> None:
        """The bars changed place: the lane index and the lengths are made again when needed."""
        self._index = None
        self._by_length = None
        self._settled = settled
        self._longest = float((self.x1 - self.x0).max()) if len(self.x0) else 0.0
        self._extent = None

    def extent(self) -> tuple[float, float, float, float]:
        """Where the bars are: earliest start, latest end, top and bottom edge (zeros without bars)."""
        if self._extent is None:
            if len(self.x0):
                half = self.h / 2
                self._extent = (float(self.x0.min()), float(self.x1.max()),
                                float((self.y - half).min()), float((self.y + half).max()))
            else:
                self._extent = (0.0, 0.0, 0.0, 0.0)
        return self._extent

    def _lane_index(self) -> _LaneIndex | None:
        """The lane index of a big chart at rest (``None``: small, or gliding)."""
        if self._index is None and self._settled and len(self.x0) > CELL_LIMIT:
            self._index = _LaneIndex(self.x0, self.x1, self.row, len(self.row_y))
        return self._index

    def _set_rows(self) -> None:
        """Bars sharing a centre and height form a row (a lane, or a sub-row of a link lane):
        :attr:`row` of each bar, and each row's centre and height (its first bar's), rows in
        order of (centre, height)."""
        # whole numbers held exactly in floats (below 2**53): no integer copies of every column;
        # bars of one height (no transfer lanes) are told apart by their centre alone
        keys = self.y * 1024.0
        np.rint(keys, out=keys)
        n = len(keys)
        if n and self.h.min() != self.h.max():
            keys *= float(1 << 20)
            hk = self.h * 1024.0
            keys += np.rint(hk, out=hk)
        # a chart has few rows among many bars: the rows of a sample, completed by the bars
        # that are in none of them, instead of sorting every bar (np.unique: ~0.1 s a million)
        # (sampled at random places: a regular stride can step over lanes, e.g. 16 round-robin lanes)
        rows = _distinct_sorted(keys[_SAMPLE.integers(0, n, min(n, 4096))]) if n else keys[:0]
        if rows.size:
            row = np.minimum(np.searchsorted(rows, keys), rows.size - 1)
            missed = rows[row] != keys
            if missed.any():
                rows = _distinct_sorted(np.concatenate((rows, keys[missed])))
                row = np.searchsorted(rows, keys)
        else:
            row = np.zeros(0, dtype=np.intp)
        first = np.full(rows.size, n, dtype=np.intp)
        first[row[::-1]] = np.arange(n - 1, -1, -1, dtype=np.intp)  # the last write wins: each row's first bar
        self.row = row
        self.row_y = self.y[first]
        self.row_h = self.h[first]

    def cover(self, x0: np.ndarray, x1: np.ndarray, y: np.ndarray) -> None:
        """Grow the bounds to cover bars at these places too (where a glide goes)."""
        self._set_bounds(np.concatenate((self.x0, x0)), np.concatenate((self.x1, x1)), np.concatenate((self.y, y)),
                         h=np.concatenate((self.h, self.h)))

    def _set_bounds(self, x0: np.ndarray, x1: np.ndarray, y: np.ndarray, h: np.ndarray | None = None) -> None:
        if x0 is self.x0 and h is None:
            x_lo, x_hi, y_lo, y_hi = self.extent()
        elif len(x0):
            h = self.h if h is None else h
            x_lo, x_hi = float(x0.min()), float(x1.max())
            y_lo, y_hi = float((y - h / 2).min()), float((y + h / 2).max())
        else:
            x_lo = x_hi = y_lo = y_hi = 0.0
        self.prepareGeometryChange()
        self._bounds = QtCore.QRectF(x_lo, y_lo, max(x_hi - x_lo, 1e-9), max(y_hi - y_lo, 1e-9))
        self.informViewBoundsChanged()

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
        """Mark a group of bars: outline ``"selected"``, ``"related"`` or ``"critical"``;
        hatch ``"moved"`` (placed by hand); a pin on ``"pinned"`` (fixed to their worker)."""
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
        index = self._lane_index()
        if index is not None:  # a big chart: only the bars of the rows at y that may reach x
            near = QtCore.QRectF(QtCore.QPointF(x - tol_x, y), QtCore.QPointF(x + tol_x, y))
            cand = index.gather(*index.in_view(self.row_y, self.row_h, near)[1:])
            m = (np.abs(self.y[cand] - y) <= self.h[cand] / 2)
            m &= (self.x0[cand] - tol_x <= x) & (x <= self.x1[cand] + tol_x)
            if self.visible_mask is not None:
                m &= self.visible_mask[cand]
            idx = cand[m]
        else:
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
        x_lo, x_hi, y_lo, y_hi = self.extent()
        return (x_lo, x_hi) if ax == 0 else (y_lo, y_hi)

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
        # device pixels per view pixel: 1 on screen, the scale factor when exported
        dt = self.deviceTransform_()
        ratio = abs(sx / dt.m11()) if dt is not None and dt.m11() else 1.0
        now = self.now
        k = self._k
        index = self._lane_index() if sx > 0 else None
        cells: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        if index is not None:
            # the bars in view, lane by lane, from the lanes' sorted starts (no pass over every bar)
            rows, lo, hi = index.in_view(self.row_y, self.row_h, vr)
            count = int((hi - lo).sum())
            if count > CELL_LIMIT and self.visible_mask is None:
                self.last_visible = count
                cells = (rows, lo, hi)
                idx = self._wide_in_view(vr, sx, dx)
            else:
                idx = index.gather(lo, hi)
                keep = (self.x1[idx] >= vr.left()) & (self.x0[idx] <= vr.right())
                half = self.h[idx] / 2
                keep &= (self.y[idx] + half >= vr.top()) & (self.y[idx] - half <= vr.bottom())
                if self.visible_mask is not None:
                    keep &= self.visible_mask[idx]
                idx = idx[keep]
                self.last_visible = len(idx)
            m: np.ndarray | None = idx
        else:
            # cull: whole-array tests only for the sides the view cuts (a pan with every bar in
            # view, or the full height of the chart, skips them)
            b = self._bounds
            m = None
            if vr.left() > b.left():
                m = self.x1 >= vr.left()
            if vr.right() < b.right():
                m = (self.x0 <= vr.right()) if m is None else m & (self.x0 <= vr.right())
            if vr.top() > b.top() or vr.bottom() < b.bottom():
                half = self.h / 2
                my = (self.y + half >= vr.top()) & (self.y - half <= vr.bottom())
                m = my if m is None else m & my
            if self.visible_mask is not None:
                m = self.visible_mask if m is None else m & self.visible_mask
            idx = np.arange(n) if m is None else np.flatnonzero(m)
            self.last_visible = len(idx)
        if not len(idx) and cells is None:
            return
        p.save()
        p.resetTransform()
        if cells is not None and index is not None:
            self._paint_cells(p, index, *cells, idx, vr, sx, dx, sy, dy)
        x0v, x1v = (self.x0, self.x1) if m is None else (self.x0[idx], self.x1[idx])
        X0 = x0v * sx + dx
        X1 = x1v * sx + dx
        if sx < 0:
            X0, X1 = X1, X0
        col = self.colour if m is None else self.colour[idx]
        if now is not None:
            nowx = now * sx + dx
            done = x1v <= now
            started = x0v <= now
        else:
            nowx = math.inf
            done = np.ones(len(idx), dtype=bool)
            started = done

        lod = cells is not None or len(idx) > LOD_LIMIT
        self.last_lod = lod
        if lod and cells is None:
            small = (X1 - X0) < 2.0
            if small.any():
                rows = self.row if m is None else self.row[idx]
                cs = col[small] if now is None else np.where(done[small], col[small], col[small] + k)
                self._paint_binned(p, X0[small], rows[small], cs, sy, dy)
            # the rest (bars two pixels wide or more) as rectangles, each its own
            bsel = np.flatnonzero(~small)
            idx, X0, X1, col, done, started = idx[bsel], X0[bsel], X1[bsel], col[bsel], done[bsel], started[bsel]
        yv, hv = self.y[idx], self.h[idx]
        Yc = yv * sy + dy
        Hh = hv * abs(sy)
        Yt = Yc - Hh / 2
        W = np.maximum(X1 - X0, 1.0)
        big = np.ones(len(idx), dtype=bool)
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

    def _wide_in_view(self, vr: QtCore.QRectF, sx: float, dx: float) -> np.ndarray:
        """The bars in view two pixels wide or more, in bar order (found among the longest
        bars: in a view of many bars they are few or none)."""
        if self._longest * sx < 1.999:
            return np.zeros(0, dtype=np.intp)
        if self._by_length is None:
            by = np.argsort(self.x0 - self.x1, kind="stable")  # longest first
            self._by_length = (by, (self.x1 - self.x0)[by])
        by, length = self._by_length
        # a bar's width in pixels is its length times sx, to rounding: test the exact width below
        cand = by[: int(np.searchsorted(-length, -1.999 / sx, "right"))]
        x0, x1 = self.x0[cand], self.x1[cand]
        half = self.h[cand] / 2
        keep = (x1 >= vr.left()) & (x0 <= vr.right())
        keep &= (self.y[cand] + half >= vr.top()) & (self.y[cand] - half <= vr.bottom())
        keep &= (x1 * sx + dx) - (x0 * sx + dx) >= 2.0
        return np.sort(cand[keep])

    def _paint_cells(self, p: QtGui.QPainter, index: _LaneIndex, rows: np.ndarray, lo: np.ndarray,
                     hi: np.ndarray, wide: np.ndarray, vr: QtCore.QRectF, sx: float, dx: float, sy: float,
                     dy: float) -> None:
        """Bars under two pixels wide in a view of many: one cell per (row, pixel column)
        coloured as the last such bar starting in that column (as :meth:`_paint_binned`),
        found by searching each row's sorted starts for the columns' edges (``rows``, ``lo``,
        ``hi``: :meth:`_LaneIndex.in_view`; ``wide``: the bars in view drawn as rectangles)."""
        c_lo = math.floor(vr.left() * sx + dx)
        c_hi = math.floor(vr.right() * sx + dx)
        ncol = c_hi - c_lo + 1
        if ncol <= 0 or not len(rows):
            return
        edges = (np.arange(c_lo, c_hi + 2, dtype=np.float64) - dx) / sx
        # end[j, c]: the first position of row j past the bars starting in column c_lo + c
        end = np.empty((len(rows), ncol + 1), dtype=np.intp)
        for j, r in enumerate(rows.tolist()):
            a, b = int(index.starts[r]), int(index.starts[r + 1])
            end[j] = a + np.searchsorted(index.x0[a:b], edges, "left")
        np.clip(end, lo[:, None], hi[:, None], out=end)
        end[:, -1] = hi
        first, last = end[:, :-1], end[:, 1:] - 1
        full = last >= first
        if not index.in_time_order:
            # a cell shows its last bar in bar order: the greatest bar number among its bars
            # (the bars two pixels wide or more drawn as rectangles left out)
            bar_of = index.order.copy() if len(wide) else index.order
            if len(wide):
                bar_of[index.where[wide]] = -1
            top = np.full(full.shape, -1, dtype=np.intp)
            for j in range(len(rows)):
                a, b = int(lo[j]), int(hi[j])
                cut = np.flatnonzero(full[j])
                if b > a and len(cut):
                    top[j, cut] = np.maximum.reduceat(bar_of[a:b], end[j, cut] - a)
            full = top >= 0
            bar = top[full]
        elif len(wide):
            # a cell's last bar wider than two pixels is drawn as a rectangle: step back past it
            is_wide = np.zeros(index.n, dtype=bool)
            is_wide[index.where[wide]] = True
            todo = np.flatnonzero(full.ravel())
            lastf, firstf, fullf = last.ravel(), first.ravel(), full.ravel()
            while len(todo):
                todo = todo[is_wide[lastf[todo]]]
                lastf[todo] -= 1
                gone = lastf[todo] < firstf[todo]
                fullf[todo[gone]] = False
                todo = todo[~gone]
            bar = index.order[last[full]]
        else:
            bar = index.order[last[full]]
        val = self.colour[bar]
        if self.now is not None:
            val = np.where(self.x1[bar] <= self.now, val, val + self._k)
        grid = np.full(full.shape, -1, dtype=np.int64)
        grid[full] = val
        row_h = self.row_h[rows] * abs(sy)
        row_top = self.row_y[rows] * sy + dy - row_h / 2
        self._paint_grid(p, grid, c_lo, row_top, row_h)

    def _paint_binned(self, p: QtGui.QPainter, X0, rows, cidx, sy, dy) -> None:
        """Bars under two pixels wide: one cell per (row, pixel column), the last bar starting in it."""
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
        self._paint_grid(p, grid.reshape(len(used), ncol), c0, row_top, row_h)

    def _paint_grid(self, p: QtGui.QPainter, grid: np.ndarray, c0: int, row_top: np.ndarray,
                    row_h: np.ndarray) -> None:
        """Draw a (row, pixel column) grid of brush numbers (-1: empty), columns from ``c0``:
        one image of a pixel per cell, each row stretched over its height (the same pixels
        as a filled rectangle per cell, for a fraction of the painter's calls)."""
        nrows, ncol = grid.shape
        engine = p.paintEngine()
        if engine is None or engine.type() != QtGui.QPaintEngine.Type.Raster:
            # a vector file (SVG, PDF) or a recorded picture: rectangles, one per run of equal cells
            self._paint_runs(p, grid, c0, row_top, row_h)
            return
        lut = np.array([b.color().rgba() for b in self._brushes] + [0], dtype=np.uint32)
        pixels = np.ascontiguousarray(lut[grid])  # -1 picks the last entry: transparent
        image = QtGui.QImage(pixels.data, ncol, nrows, ncol * 4, QtGui.QImage.Format.Format_ARGB32)
        used = np.flatnonzero((grid >= 0).any(axis=1))
        for r, top, h in zip(used.tolist(), row_top[used].tolist(), row_h[used].tolist()):
            p.drawImage(QtCore.QRectF(c0, top, ncol, h), image, QtCore.QRectF(0, r, ncol, 1))

    def _paint_runs(self, p: QtGui.QPainter, grid: np.ndarray, c0: int, row_top: np.ndarray,
                    row_h: np.ndarray) -> None:
        """:meth:`_paint_grid` as rectangles: the runs of equal cells in each row."""
        ncol = grid.shape[1]
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
        self._paint_marks(p, sx, sy, dx, dy)
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

    def _paint_marks(self, p: QtGui.QPainter, sx, sy, dx, dy) -> None:
        """Bars moved by hand: hatched, with an orange outline; pinned bars: a pin head in a corner."""
        ix = self.highlights.get("moved")
        if ix is not None and len(ix):
            if self.visible_mask is not None:
                ix = ix[self.visible_mask[ix]]
            X0, X1 = self.x0[ix] * sx + dx, self.x1[ix] * sx + dx
            Hh = self.h[ix] * abs(sy)
            Yt = self.y[ix] * sy + dy - Hh / 2
            W = np.maximum(np.abs(X1 - X0), 2.0)
            p.setPen(QtCore.Qt.PenStyle.NoPen)
            p.setBrush(QtGui.QBrush(QtGui.QColor(0, 0, 0, 90), QtCore.Qt.BrushStyle.BDiagPattern))
            self._rect_batch(p, np.minimum(X0, X1), Yt, W, Hh)
            pen = QtGui.QPen(MOVED_COLOUR, 2.0, QtCore.Qt.PenStyle.DashLine)
            pen.setCosmetic(True)
            self._draw_rects(p, np.minimum(X0, X1), Yt, W, Hh, None, pen)
        ix = self.highlights.get("pinned")
        if ix is not None and len(ix) and len(ix) <= LABEL_LIMIT:
            if self.visible_mask is not None:
                ix = ix[self.visible_mask[ix]]
            X0 = np.minimum(self.x0[ix] * sx + dx, self.x1[ix] * sx + dx)
            Yt = self.y[ix] * sy + dy - self.h[ix] * abs(sy) / 2
            p.setPen(QtGui.QPen(QtGui.QColor("#ffffff"), 1.0))
            p.setBrush(PIN_COLOUR)
            for x, yt in zip(X0.tolist(), Yt.tolist()):
                p.drawEllipse(QtCore.QPointF(x + 5.5, yt + 5.5), 4.0, 4.0)

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
