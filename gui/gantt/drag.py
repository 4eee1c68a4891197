"""Dragging a bar of the Gantt chart to another place: the hand mapping's gesture.

:class:`BarDrag` filters the mouse events of a :class:`~gui.gantt.view.GanttView`'s
viewport. A left press on a task bar starts a drag (a press and release without moving
is a click: the task is selected). While dragging, only a *ghost* bar follows the mouse,
snapped to the lane under it (the chart itself is not rebuilt on a mouse move), with a
small label saying where the task would go and, once the mouse rests, what the makespan
would become. On release the view's :class:`Mover` re-times the mapping; a refused drop
shows its reason where the bar was dropped, and the ghost glides back to the bar.

The view knows nothing of documents: the :class:`Mover` (the window's hand mapper)
decides, re-times and records moves.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any, Protocol

import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from .glide import GLIDE_MS

if TYPE_CHECKING:
    from .view import GanttView

__all__ = ["REFUSAL_MS", "BarDrag", "Mover"]

#: how long a refused drop's reason stays on the chart, in milliseconds
REFUSAL_MS = 5000
#: how long the mouse must rest on a drop place before its makespan is previewed
PREVIEW_DELAY_MS = 60


class Mover(Protocol):
    """What the chart asks when a bar is dragged (the window's hand mapper)."""

    def why_not(self) -> str | None:
        """Why the shown schedule's tasks cannot be moved now (``None``: they can)."""
        ...

    def preview_drop(self, task: str, worker: str, x: float) -> tuple[float | None, str]:
        """``(makespan, "")`` if ``task`` dropped on ``worker`` starting at ``x`` can run, else ``(None, why)``."""
        ...

    def drop(self, task: str, worker: str, x: float) -> str | None:
        """Move ``task`` to ``worker``, before the first of its tasks starting after ``x``;
        ``None`` when done, else why it was refused (nothing changed)."""
        ...

    def task_menu(self, task: str, parent: QtWidgets.QWidget) -> QtWidgets.QMenu:
        """The context menu of ``task``."""
        ...


class BarDrag(QtCore.QObject):
    """The drag-and-drop gesture on the bars of ``view`` (see the module doc)."""

    def __init__(self, view: GanttView) -> None:
        super().__init__(view)
        self.view = view
        self.task: str | None = None
        self._press_px: QtCore.QPointF | None = None
        self._press_x = 0.0
        self._bar = QtCore.QRectF()
        self._dragging = False
        self._refused = False
        self.target: tuple[str, float] | None = None  # (worker, start x) of the ghost
        self._preview_key: tuple[str, str, float] | None = None
        self.ghost = QtWidgets.QGraphicsRectItem()
        pen = QtGui.QPen(QtGui.QColor("#1f3fbf"), 2.0, QtCore.Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        self.ghost.setPen(pen)
        self.ghost.setBrush(QtGui.QColor(31, 63, 191, 70))
        self.ghost.setZValue(30)
        self.ghost.hide()
        view.plot_item.addItem(self.ghost, ignoreBounds=True)
        self.label = pg.TextItem(anchor=(0, 1))
        self.label.setZValue(40)
        self.label.textItem.setTextWidth(-1)
        self.label.hide()
        view.plot_item.addItem(self.label, ignoreBounds=True)
        #: a refused drop's reason, at the drop point
        self.refusal = pg.TextItem(anchor=(0, 0), fill=pg.mkBrush("#fff0f0"), border=pg.mkPen("#c92a2a"))
        self.refusal.setZValue(41)
        self.refusal.textItem.setTextWidth(320)
        self.refusal.hide()
        view.plot_item.addItem(self.refusal, ignoreBounds=True)
        self._refusal_timer = QtCore.QTimer(self)
        self._refusal_timer.setSingleShot(True)
        self._refusal_timer.timeout.connect(self.refusal.hide)
        self._preview_timer = QtCore.QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self._on_preview_timer_timeout)
        self._back = QtCore.QVariantAnimation(self)
        self._back.setStartValue(0.0)
        self._back.setEndValue(1.0)
        self._back.setEasingCurve(QtCore.QEasingCurve.Type.OutCubic)
        self._back.valueChanged.connect(self._on_back_value_changed)
        self._back.finished.connect(self.ghost.hide)
        self._back_from = QtCore.QRectF()
        view.plot.viewport().installEventFilter(self)
        view.plot.installEventFilter(self)

    # ------------------------------------------------------------------ state
    @property
    def dragging(self) -> bool:
        """Whether a bar is being dragged."""
        return self._dragging

    def refusal_text(self) -> str:
        """The reason of the last refused drop while it is shown (empty otherwise)."""
        return self.refusal.textItem.toPlainText() if self.refusal.isVisible() else ""

    def show_refusal(self, text: str, x: float, y: float) -> None:
        """Show why a drop was refused at data point ``(x, y)``, for a few seconds."""
        self.refusal.setHtml(f"<div style='color:#a61e1e'><b>Cannot move here.</b><br>{html.escape(text)}</div>")
        self.refusal.setAnchor(self._anchor_for(x, y))
        self.refusal.setPos(x, y)
        self.refusal.show()
        self._refusal_timer.start(REFUSAL_MS)

    # ------------------------------------------------------------------ events
    def eventFilter(self, obj: QtCore.QObject, event: QtCore.QEvent) -> bool:
        t = event.type()
        E = QtCore.QEvent.Type
        if t == E.MouseButtonPress:
            return self._press(event)  # type: ignore[arg-type]
        if t == E.MouseMove and self.task is not None:
            return self._move(event)  # type: ignore[arg-type]
        if t == E.MouseButtonRelease and self.task is not None:
            return self._release(event)  # type: ignore[arg-type]
        if t == E.ContextMenu:
            return self._context_menu(event)  # type: ignore[arg-type]
        if t == E.KeyPress and self.task is not None and event.key() == QtCore.Qt.Key.Key_Escape:  # type: ignore[attr-defined]
            self.cancel()
            return True
        return False

    def _data_point(self, pos: QtCore.QPointF) -> QtCore.QPointF:
        v = self.view
        return v.view_box.mapSceneToView(v.plot.mapToScene(pos.toPoint()))

    def _press(self, ev: QtGui.QMouseEvent) -> bool:
        v = self.view
        if ev.button() != QtCore.Qt.MouseButton.LeftButton or v.mover is None or len(v.schedules) != 1:
            return False
        if v.construction.running:
            return False
        pt = self._data_point(ev.position())
        if not v.view_box.sceneBoundingRect().contains(v.plot.mapToScene(ev.position().toPoint())):
            return False
        task = v.task_at(pt.x(), pt.y())
        if task is None:
            return False
        self._back.stop()
        self.ghost.hide()
        self.task = task
        self._press_px = ev.position()
        self._press_x = pt.x()
        self._bar = v.bar_rect(task)
        self._dragging = False
        self._refused = False
        self.target = None
        return True

    def _move(self, ev: QtGui.QMouseEvent) -> bool:
        assert self.task is not None and self._press_px is not None
        if not (ev.buttons() & QtCore.Qt.MouseButton.LeftButton):
            self.cancel()
            return False
        if not self._dragging:
            d = ev.position() - self._press_px
            if abs(d.x()) + abs(d.y()) < QtWidgets.QApplication.startDragDistance():
                return True
            self._dragging = True
            self.view.cursor_line.hide()
            QtWidgets.QToolTip.hideText()
            reason = self.view.mover.why_not() if self.view.mover is not None else "no hand mapping here"
            if reason:
                self._refused = True
                pt = self._data_point(ev.position())
                self.show_refusal(reason, pt.x(), pt.y())
                return True
            self.refusal.hide()
        if self._refused:
            return True
        pt = self._data_point(ev.position())
        self.hover(pt.x(), pt.y())
        return True

    def hover(self, x: float, y: float) -> None:
        """Put the ghost where the dragged bar would go with the mouse at data point ``(x, y)``."""
        assert self.task is not None
        lane = self.view.worker_lane_at(y)
        if lane is None:
            return
        worker, lane_y = lane
        x0 = max(0.0, self._bar.left() + (x - self._press_x))  # nothing starts before time 0
        h = self._bar.height()
        self.ghost.setRect(QtCore.QRectF(x0, lane_y - h / 2, self._bar.width(), h))
        self.ghost.show()
        self.target = (worker, x0)
        key = (self.task, worker, round(x0, 9))
        if key != self._preview_key:
            self._preview_key = key
            self._set_label(f"{self.task} → {worker} at {x0:.4g}", None)
            self._preview_timer.start()
        (_, _), (y_lo, _) = self.view.view_box.viewRange()
        room_above = lane_y - h / 2 - y_lo > 0.6  # y grows downwards: the top lane has no room above
        ax = self._anchor_for(x0, lane_y)[0]
        self.label.setAnchor((ax, 1.0 if room_above else 0.0))
        self.label.setPos(x0, lane_y - h / 2 if room_above else lane_y + h / 2)

    def _release(self, ev: QtGui.QMouseEvent) -> bool:
        task = self.task
        dragging, refused, target = self._dragging, self._refused, self.target
        self.task = None
        self._preview_timer.stop()
        self._preview_key = None
        self.label.hide()
        if task is None:
            return False
        if not dragging:
            self.ghost.hide()
            self.view.select_tasks([task])
            self.view.task_clicked.emit(task)
            return True
        if refused or target is None or self.view.mover is None:
            self.ghost.hide()
            return True
        worker, x0 = target
        why = self.view.mover.drop(task, worker, x0)
        if why:
            self.show_refusal(why, x0, self.ghost.rect().top())
            self._glide_back()
        else:
            self.ghost.hide()
        return True

    def cancel(self) -> None:
        """Drop the drag: the ghost goes back, nothing changes."""
        if self.task is None:
            return
        self.task = None
        self._preview_timer.stop()
        self._preview_key = None
        self.label.hide()
        if self._dragging and self.ghost.isVisible():
            self._glide_back()
        else:
            self.ghost.hide()
        self._dragging = False

    def _context_menu(self, ev: QtGui.QContextMenuEvent) -> bool:
        v = self.view
        if v.mover is None or not v.schedules:
            return False
        pt = self._data_point(QtCore.QPointF(ev.pos()))
        task = v.task_at(pt.x(), pt.y())
        if task is None:
            return False
        v.select_tasks([task])
        v.task_clicked.emit(task)
        menu = v.mover.task_menu(task, v)
        menu.exec(ev.globalPos())
        menu.deleteLater()
        return True

    # ------------------------------------------------------------------ drawing
    def _anchor_for(self, x: float, y: float) -> tuple[float, float]:
        """Text right of ``x`` in the left half of the view, left of it in the right half;
        below ``y`` in the upper half, above it in the lower half."""
        (x_lo, x_hi), (y_lo, y_hi) = self.view.view_box.viewRange()
        return (1.0 if x > (x_lo + x_hi) / 2 else 0.0, 1.0 if y > (y_lo + y_hi) / 2 else 0.0)

    def _set_label(self, text: str, preview: tuple[float | None, str] | None) -> None:
        lines = [f"<b>{html.escape(text)}</b>"]
        if preview is not None:
            makespan, words = preview
            if makespan is None:
                lines.append(f"<span style='color:#c92a2a'>cannot run: {html.escape(words)}</span>")
            else:
                now = self.view.schedules[0].makespan if self.view.schedules else makespan
                colour = "#2b8a3e" if makespan < now - 1e-9 else "#c92a2a" if makespan > now + 1e-9 else "#495057"
                lines.append(f"<span style='color:{colour}'>{html.escape(words or f'makespan {makespan:.6g}')}</span>")
        self.label.setHtml("<div style='background-color:#ffffffe0;color:#1b2733'>" + "<br>".join(lines)
                           + "</div>")
        self.label.show()

    def _on_preview_timer_timeout(self) -> None:
        v = self.view
        if self.task is None or self.target is None or v.mover is None or self._refused:
            return
        worker, x0 = self.target
        preview = v.mover.preview_drop(self.task, worker, x0)
        self._set_label(f"{self.task} → {worker} at {x0:.4g}", preview)

    def _glide_back(self) -> None:
        self._back_from = QtCore.QRectF(self.ghost.rect())
        self._back.stop()
        self._back.setDuration(max(1, GLIDE_MS))
        self._back.start()

    def _on_back_value_changed(self, t: Any) -> None:
        f = float(t)
        a, b = self._back_from, self._bar
        self.ghost.setRect(QtCore.QRectF(a.left() + (b.left() - a.left()) * f, a.top() + (b.top() - a.top()) * f,
                                         b.width(), b.height()))
