"""Bars gliding from their old places to their new ones after a hand move.

:class:`Glide` drives a :class:`~gui.gantt.bars.GanttBarsItem` through a short
``QVariantAnimation`` (about 150 ms, easing out): each frame puts every bar at the
interpolation of its old and new rectangle. Only the positions change; colours, labels,
highlights and arrows stay with their bars, so a frame costs one repaint.
"""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore

from .bars import GanttBarsItem

__all__ = ["GLIDE_MS", "Glide"]

#: how long bars take to reach their new places, in milliseconds
GLIDE_MS = 150

Places = tuple[np.ndarray, np.ndarray, np.ndarray]


def _triple(p: Places) -> Places:
    return (np.asarray(p[0], dtype=np.float64), np.asarray(p[1], dtype=np.float64), np.asarray(p[2], dtype=np.float64))


class Glide(QtCore.QObject):
    """Move the bars of ``item`` from one set of places to another, animated.

    Set :attr:`duration_ms` to 0 to jump straight to the end (tests, benchmarks).
    """

    #: the bars reached their new places
    finished = QtCore.Signal()

    def __init__(self, item: GanttBarsItem, parent: QtCore.QObject | None = None, *,
                 duration_ms: int = GLIDE_MS) -> None:
        super().__init__(parent)
        self.item = item
        self.duration_ms = duration_ms
        self._anim = QtCore.QVariantAnimation(self)
        self._anim.setStartValue(0.0)
        self._anim.setEndValue(1.0)
        self._anim.setEasingCurve(QtCore.QEasingCurve.Type.OutCubic)
        self._anim.valueChanged.connect(self._on_anim_value_changed)
        self._anim.finished.connect(self._on_anim_finished)
        self._from: Places | None = None
        self._to: Places | None = None
        #: frames drawn by the last glide (for tests)
        self.frames = 0

    @property
    def running(self) -> bool:
        return self._anim.state() == QtCore.QAbstractAnimation.State.Running

    def start(self, old: Places, new: Places) -> None:
        """Glide every bar from ``old`` ``(x0, x1, y)`` to ``new`` (same bar order)."""
        self.stop()
        a = _triple(old)
        b = _triple(new)
        self._from, self._to = a, b
        self.frames = 0
        moving = any(not np.array_equal(u, v) for u, v in zip(a, b))
        if self.duration_ms <= 0 or not moving:
            self._finish()
            return
        # the bars pass between both places: the item's bounds cover both for the glide
        self.item.move_bars(*a)
        self.item.cover(*b)
        self._anim.setDuration(int(self.duration_ms))
        self._anim.start()

    def stop(self) -> None:
        """End a glide at once: the bars jump to their new places."""
        if self.running:
            self._anim.stop()
            self._finish()

    def _on_anim_value_changed(self, t: float) -> None:
        a, b = self._from, self._to
        if a is None or b is None or not self.running:
            return
        f = float(t)
        self.frames += 1
        self.item.move_bars(a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f)

    def _on_anim_finished(self) -> None:
        if self._to is not None:
            self._finish()

    def _finish(self) -> None:
        to = self._to
        self._from = self._to = None
        if to is not None:
            self.item.move_bars(*to, settle=True)
        self.finished.emit()
