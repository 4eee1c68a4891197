"""Light vertical lines at round times behind a Gantt chart."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

__all__ = ["TimeGrid"]


class TimeGrid(pg.GraphicsObject):  # type: ignore[misc]  # pyqtgraph ships no types
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
