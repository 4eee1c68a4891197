"""The editor's commands as actions: each one defined once, with its keys.

Every key of the editor (but Space to pan and Escape to drop a rubber edge, which are
states of the mouse interaction) is the shortcut of one of these actions. They are
active only while the editor has the focus, so the same keys stay free for other
widgets (text fields, the Gantt chart); menus and toolbars show the same objects.
Undo and redo belong to the window (they act on the document, whatever has the focus).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore, QtGui

if TYPE_CHECKING:
    from .view import GraphEditorView

__all__ = ["EditorActions", "make_actions"]


@dataclass(frozen=True)
class EditorActions:
    """The editor's actions: ``edit`` ones (an Edit menu) and ``view`` ones (a View menu)."""

    add_task: QtGui.QAction
    delete: QtGui.QAction
    cut: QtGui.QAction
    copy: QtGui.QAction
    paste: QtGui.QAction
    duplicate: QtGui.QAction
    select_all: QtGui.QAction
    layout: QtGui.QAction
    fit: QtGui.QAction
    zoom_in: QtGui.QAction
    zoom_out: QtGui.QAction

    @property
    def edit(self) -> list[QtGui.QAction]:
        """The editing actions, "Add task" and "Delete" first."""
        return [self.add_task, self.delete, self.cut, self.copy, self.paste, self.duplicate, self.select_all]

    @property
    def view(self) -> list[QtGui.QAction]:
        """The viewing actions."""
        return [self.layout, self.fit, self.zoom_in, self.zoom_out]


def make_actions(view: GraphEditorView) -> EditorActions:
    """Create the actions of ``view`` and add them to it (so their keys work while it has the focus)."""

    def act(text: str, tip: str, slot: Callable[[], Any], keys: Sequence[Any]) -> QtGui.QAction:
        a = QtGui.QAction(text, view)
        a.setToolTip(tip)
        a.setStatusTip(tip)
        a.triggered.connect(lambda _checked=False: slot())
        a.setShortcuts([QtGui.QKeySequence(k) for k in keys])
        a.setShortcutContext(QtCore.Qt.ShortcutContext.WidgetShortcut)
        return a

    K = QtGui.QKeySequence.StandardKey
    doc = view.document
    actions = EditorActions(
        add_task=act("Add task", "Add a task (double-click, Insert or N)", view.add_task, ("Insert", "N")),
        delete=act("Delete", "Delete the selected tasks and edges (Del)", view.delete_selection,
                   ("Del", "Backspace")),
        cut=act("Cut", "Cut the selected tasks (Ctrl+X)", view.cut_selection, (K.Cut,)),
        copy=act("Copy", "Copy the selected tasks (Ctrl+C)", view.copy_selection, (K.Copy,)),
        paste=act("Paste", "Paste tasks (Ctrl+V)", view.paste, (K.Paste,)),
        duplicate=act("Duplicate", "Duplicate the selected tasks (Ctrl+D)", view.duplicate_selection, ("Ctrl+D",)),
        select_all=act("Select all", "Select every task (Ctrl+A)", lambda: doc.select(doc.graph.tasks),
                       (K.SelectAll,)),
        layout=act("Auto layout", "Lay the graph out in levels (L)", view.auto_layout, ("L",)),
        fit=act("Fit", "Show the whole graph (F)", view.fit, ("F",)),
        zoom_in=act("Zoom in", "Zoom in (+ or wheel)", lambda: view.zoom(1.25), ("+", "=")),
        zoom_out=act("Zoom out", "Zoom out (- or wheel)", lambda: view.zoom(0.8), ("-",)),
    )
    view.addActions([*actions.edit, *actions.view])
    return actions
