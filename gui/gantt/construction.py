"""Replaying how an algorithm built its schedule, placement by placement, on a Gantt chart."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from PySide6 import QtCore

from model.schedule import Slot

if TYPE_CHECKING:
    from .view import GanttView

__all__ = ["Construction"]


class Construction(QtCore.QObject):
    """Shows a chart's bars (one per placement, in order) a batch per timer tick.

    A later placement of a task hides the earlier one from then on. At the end the time
    range is that of the final placements. :attr:`timer` drives it; :meth:`step` moves
    one batch on.
    """

    #: the last placement is shown
    finished = QtCore.Signal()

    def __init__(self, view: GanttView) -> None:
        super().__init__(view)
        self.view = view
        self.timer = QtCore.QTimer(self)
        self.timer.setInterval(30)
        self.timer.timeout.connect(self._on_timer_timeout)
        self._slots: list[Slot] = []
        self._later = np.zeros(0, dtype=np.int64)
        self._k = -1
        self._per_tick = 1
        self._running = False

    @property
    def running(self) -> bool:
        """Whether a replay is under way."""
        return self._running

    def start(self, slots: list[Slot], duration_s: float | None = None) -> None:
        """Replay ``slots`` (already drawn by the view, bar ``i`` for slot ``i``) in about ``duration_s``."""
        view = self.view
        n = len(slots)
        later = np.full(n, n + 1, dtype=np.int64)
        last: dict[str, int] = {}
        for i in range(n - 1, -1, -1):
            later[i] = last.get(slots[i].task, n + 1)
            last[slots[i].task] = i
        total_ms = duration_s * 1000 if duration_s is not None else min(8000.0, max(1500.0, 60.0 * n))
        ticks = max(1, int(total_ms / self.timer.interval()))
        self._slots, self._later, self._k = list(slots), later, -1
        self._per_tick = max(1, math.ceil(n / ticks))
        self._running = True
        view.item.set_visible_mask(np.zeros(n, dtype=bool))
        view.playback.set_range(0.0, max((s.finish for s in slots), default=0.0))
        view.fit()
        if n:
            self.timer.start()
        else:
            self._running = False
            self.finished.emit()

    def step(self) -> bool:
        """Show the next batch of placements; ``False`` once all are shown."""
        if not self._running:
            return False
        view = self.view
        n = len(self._slots)
        self._k = k = min(n - 1, self._k + self._per_tick)
        idx = np.arange(n)
        view.item.set_visible_mask((idx <= k) & (self._later > k))
        view.item.set_highlight("selected", [k])
        if k < n - 1:
            return True
        self.timer.stop()
        self._running = False
        view.item.set_highlight("selected", [])
        # end on the final placements: replaced ones must not stretch the time range
        final = [s for s, later in zip(self._slots, self._later, strict=True) if later > n]
        end = max((s.finish for s in final), default=0.0)
        view.playback.set_range(0.0, end, events=[t for s in final for t in (s.start, s.finish)])
        if final:
            view.view_box.setXRange(min(0.0, min(s.start for s in final)), end, padding=0.02)
        self.finished.emit()
        return False

    def stop(self) -> None:
        """Stop a replay and show every bar."""
        self.timer.stop()
        self._running = False
        self.view.item.visible_mask = None

    def _on_timer_timeout(self) -> None:
        self.step()
