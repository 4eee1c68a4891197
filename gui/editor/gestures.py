"""How mouse gestures and the two stateful keys of the graph editor become document edits.

:class:`Gestures` is mixed into :class:`~gui.editor.view.GraphEditorView`: pan (middle
button, or Space held), connect (right button or Shift+drag from task to task), move
(drag, one undo step per drag), add (double-click on empty space), zoom (wheel).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6 import QtCore, QtGui, QtWidgets

from .items import C_SELECT, EdgeScene, TaskItem

if TYPE_CHECKING:
    from gui.document import Document

__all__ = ["Gestures"]


if TYPE_CHECKING:  # type checkers see the view the mixin is part of
    _View = QtWidgets.QGraphicsView
else:
    _View = object


class Gestures(_View):
    """The mouse and key handlers of the editor view (a mixin of a ``QGraphicsView``)."""

    if TYPE_CHECKING:  # provided by GraphEditorView
        document: Document
        _scene: EdgeScene
        _tasks: dict[str, TaskItem]
        _pan_from: QtCore.QPointF | None
        _space: bool
        _connect_from: TaskItem | None
        _rubber: QtWidgets.QGraphicsLineItem | None
        _drag_start: dict[str, QtCore.QPointF]
        _replacing_selection: bool
        _band_from: QtCore.QPoint | None
        task_menu_requested: QtCore.SignalInstance

        def zoom(self, factor: float) -> None: ...
        def overview_shown(self) -> bool: ...
        def overview_task_at(self, pos: QtCore.QPoint) -> str | None: ...
        def overview_select_in(self, rect: QtCore.QRectF, add: bool = False) -> list[str]: ...
        def add_task(self, scene_pos: QtCore.QPointF | None = None) -> str | None: ...
        def connect_tasks(self, source: str, target: str) -> bool: ...
        def _update_scene_rect(self, shrink: bool = False) -> None: ...

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
        if self.overview_shown() and btn in (QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.MouseButton.RightButton):
            # a big graph zoomed out has no items: a click selects the task under it
            task = self.overview_task_at(pos)
            ctrl = bool(event.modifiers() & QtCore.Qt.KeyboardModifier.ControlModifier)
            sel = self.document.selected()
            if task is None:
                if not ctrl:
                    self.document.select([])
                if btn == QtCore.Qt.MouseButton.LeftButton:
                    # a drag from here is a rubber band over the overview's boxes
                    self._band_from = pos
            elif btn == QtCore.Qt.MouseButton.RightButton:
                self.document.select([task])
                self.task_menu_requested.emit(task, event.globalPosition().toPoint())
                event.accept()
                return
            elif ctrl:
                self.document.select([t for t in sel if t != task] if task in sel else [*sel, task])
            else:
                self.document.select([task])
            if task is not None:
                event.accept()
                return
        item = self._task_at(pos)
        shift = bool(event.modifiers() & QtCore.Qt.KeyboardModifier.ShiftModifier)
        if item is not None and (btn == QtCore.Qt.MouseButton.RightButton
                                 or (btn == QtCore.Qt.MouseButton.LeftButton and shift)):
            self._start_connect(item)
            event.accept()
            return
        if btn == QtCore.Qt.MouseButton.LeftButton:
            # a click or rubber band without Ctrl replaces the selection (see the view)
            self._replacing_selection = not (event.modifiers() & QtCore.Qt.KeyboardModifier.ControlModifier)
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
                # a right click without a drag selects the task and asks for its menu
                self.document.select([source.task])
                self.task_menu_requested.emit(source.task, event.globalPosition().toPoint())
            event.accept()
            return
        band_from, self._band_from = self._band_from, None
        super().mouseReleaseEvent(event)
        if event.button() == QtCore.Qt.MouseButton.LeftButton:
            self._replacing_selection = False
            end = event.position().toPoint()
            if band_from is not None and (end - band_from).manhattanLength() >= QtWidgets.QApplication.startDragDistance():
                band = QtCore.QRectF(self.mapToScene(band_from), self.mapToScene(end))
                ctrl = bool(event.modifiers() & QtCore.Qt.KeyboardModifier.ControlModifier)
                self.overview_select_in(band, add=ctrl)
        if event.button() == QtCore.Qt.MouseButton.LeftButton and self._drag_start:
            start, self._drag_start = self._drag_start, {}
            new = {}
            for t, p0 in start.items():
                it = self._tasks.get(t)
                if it is not None and it.pos() != p0:
                    new[t] = (it.pos().x(), it.pos().y())
            if new:
                old: dict[str, tuple[float, float] | None] = {t: (start[t].x(), start[t].y()) for t in new}
                # the selected tasks without an item (a big graph, out of view) move as far
                t0 = next(iter(new))
                dx, dy = new[t0][0] - start[t0].x(), new[t0][1] - start[t0].y()
                for t in self.document.selected():
                    if t not in start and (p := self.document.position(t)) is not None:
                        new[t] = (p[0] + dx, p[1] + dy)
                        old[t] = p
                self.document.move(new, old)
                self._update_scene_rect()

    def mouseDoubleClickEvent(self, event: QtGui.QMouseEvent) -> None:
        if event.button() == QtCore.Qt.MouseButton.LeftButton and not self.items(event.position().toPoint()):
            self.add_task(self.mapToScene(event.position().toPoint()))
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def contextMenuEvent(self, event: QtGui.QContextMenuEvent) -> None:
        # the right button connects tasks (its menu comes on a release without a drag);
        # the menu key opens the menu of the first selected task
        if event.reason() == QtGui.QContextMenuEvent.Reason.Keyboard:
            sel = self.document.selected()
            item = self._tasks.get(sel[0]) if sel else None
            if item is not None:
                pos = self.mapFromScene(item.scenePos())
                self.task_menu_requested.emit(item.task, self.viewport().mapToGlobal(pos))
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
        # every other key is the shortcut of one of self.commands
        k = event.key()
        if k == QtCore.Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.viewport().setCursor(QtCore.Qt.CursorShape.OpenHandCursor)
        elif k == QtCore.Qt.Key.Key_Escape:
            if self._connect_from is not None:
                self._cancel_connect()
            else:
                self.document.select([])
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
