"""The window's menus and toolbar: every window command as one action, made once.

:func:`build_menus` fills a :class:`~gui.main_window.MainWindow`'s menu bar and toolbar
and returns the actions other code enables or triggers (:class:`WindowActions`). The
editor's own actions (:mod:`gui.editor.actions`) are shown as they are, not copied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6 import QtGui, QtWidgets

from gui.files import EXAMPLES
from gui.gantt.colours import COLOUR_MODES
from model.chart import OVERLAY_MODES

if TYPE_CHECKING:
    from gui.main_window import MainWindow

__all__ = ["WindowActions", "build_menus"]

#: menu texts of the editor overlays
OVERLAY_TEXT = {"none": "&Plain", "levels": "Colour by &level (independent tasks)", "critical": "&Critical path",
                "slack": "&Slack"}
#: toolbar texts of the editor overlays
OVERLAY_SHORT = {"none": "Plain", "levels": "Levels", "critical": "Critical path", "slack": "Slack"}


@dataclass(frozen=True)
class WindowActions:
    """The window's actions that are enabled, checked or triggered from elsewhere."""

    new: QtGui.QAction
    open: QtGui.QAction
    save: QtGui.QAction
    save_as: QtGui.QAction
    undo: QtGui.QAction
    redo: QtGui.QAction
    fit_graph: QtGui.QAction
    layout_graph: QtGui.QAction
    run_selected: QtGui.QAction
    run_all: QtGui.QAction
    cancel_all: QtGui.QAction
    play: QtGui.QAction
    overlays: QtGui.QActionGroup


def _action(parent: QtWidgets.QWidget, text: str, slot: Callable[[], Any], shortcut: Any = None,
            tip: str = "", short: str = "") -> QtGui.QAction:
    a = QtGui.QAction(text, parent)
    if shortcut is not None:
        a.setShortcut(QtGui.QKeySequence(shortcut))
    if tip:
        a.setStatusTip(tip)
        a.setToolTip(tip)
    if short:
        a.setIconText(short)  # what the toolbar shows
    a.triggered.connect(lambda _checked=False: slot())
    return a


def _stack_action(w: MainWindow, which: str, shortcut: Any) -> QtGui.QAction:
    """Undo or redo of the document: a fixed text (the toolbar does not jump as the
    command changes), the command it would undo or redo in its tooltip and status tip."""
    stack = w.document.undo_stack
    word = which.capitalize()
    a = QtGui.QAction(f"&{word}", w)
    a.setIconText(word)
    a.setShortcut(QtGui.QKeySequence(shortcut))
    a.triggered.connect(lambda _checked=False: getattr(stack, which)())
    can = stack.canUndo if which == "undo" else stack.canRedo
    text = stack.undoText if which == "undo" else stack.redoText

    def sync(*_: object) -> None:
        a.setEnabled(can())
        what = text()
        tip = f"{word} {what}" if what else f"Nothing to {which}"
        a.setToolTip(tip)
        a.setStatusTip(tip)

    for signal in (stack.indexChanged, stack.canUndoChanged, stack.canRedoChanged, stack.undoTextChanged,
                   stack.redoTextChanged):
        signal.connect(sync)
    sync()
    return a


def build_menus(w: MainWindow) -> WindowActions:
    """Fill the menu bar and the toolbar of ``w``; return its shared actions."""
    S = QtGui.QKeySequence.StandardKey
    files = w.files
    mb = w.menuBar()

    file_menu = mb.addMenu("&File")
    new = _action(w, "&New", files.new_document, S.New)
    open_ = _action(w, "&Open…", files.open_dialog, S.Open, "Open a task graph, schedule or trace")
    save = _action(w, "&Save", files.save, S.Save)
    save_as = _action(w, "Save &As…", files.save_as, S.SaveAs)
    file_menu.addActions([new, open_])
    file_menu.addMenu(files.recent_menu)
    examples = file_menu.addMenu("&Examples")
    for p in sorted(EXAMPLES.glob("*")):
        if p.suffix.lower() in (".json", ".dot", ".graphml", ".stg"):
            examples.addAction(p.name, lambda p=p: files.open_path(str(p)))
    file_menu.addSeparator()
    file_menu.addActions([save, save_as])
    file_menu.addSeparator()
    file_menu.addAction(_action(w, "&Import…", files.import_dialog, tip="Import DOT, GraphML, STG or WfFormat"))
    file_menu.addAction(_action(w, "Export &graph as…", files.export_graph_dialog,
                                tip="Write the graph as JSON, DOT, GraphML or STG"))
    file_menu.addAction(_action(w, "Open schedule or &trace…", files.open_schedule_dialog))
    file_menu.addAction(_action(w, "Save &schedule as…", files.save_schedule_dialog))
    file_menu.addSeparator()
    file_menu.addAction(_action(w, "Export &chart image…", files.export_chart_dialog, "Ctrl+E",
                                "Gantt chart as PNG, SVG or PDF"))
    file_menu.addAction(_action(w, "Export graph &image…", files.export_graph_image_dialog, "Ctrl+Shift+E",
                                "Graph picture as PNG, SVG or PDF"))
    file_menu.addSeparator()
    file_menu.addAction(_action(w, "&Quit", w.close, S.Quit))

    edit = mb.addMenu("&Edit")
    # undo and redo act on the document whatever has the focus: window-wide keys
    undo = _stack_action(w, "undo", S.Undo)
    redo = _stack_action(w, "redo", S.Redo)
    edit.addActions([undo, redo])
    edit.addSeparator()
    edit.addActions(w.editor.commands.edit)

    view = mb.addMenu("&View")
    # window-wide keys (the editor's own F and L work while it has the focus)
    fit_graph = _action(w, "&Fit graph", w.editor.fit, "Ctrl+0", short="Fit")
    layout_graph = _action(w, "&Layout graph", w.editor.auto_layout, "Ctrl+L", "Layered layout by levels",
                           short="Layout")
    view.addActions([fit_graph, layout_graph])
    view.addSeparator()
    overlays = QtGui.QActionGroup(w)
    for mode in OVERLAY_MODES:
        a = QtGui.QAction(OVERLAY_TEXT[mode], w, checkable=True)
        a.setData(mode)
        a.setChecked(mode == "none")
        overlays.addAction(a)
        view.addAction(a)
    overlays.triggered.connect(lambda a: w.editor.set_overlay(a.data()))
    view.addSeparator()
    colour = view.addMenu("Gantt &colours")
    colours = QtGui.QActionGroup(w)
    for mode in COLOUR_MODES:
        a = QtGui.QAction(f"By {mode}", w, checkable=True)
        a.setChecked(mode == "task")
        a.triggered.connect(lambda _=False, m=mode: w.gantt.set_colour_mode(m))
        colours.addAction(a)
        colour.addAction(a)
    for text, setter in (("Show critical path", w.gantt.set_show_critical),
                         ("Show dependencies", w.gantt.set_show_dependencies),
                         ("Show transfer lanes", w.gantt.set_show_transfers)):
        a = QtGui.QAction(text, w, checkable=True)
        a.toggled.connect(setter)
        view.addAction(a)

    run = mb.addMenu("&Run")
    run_selected = _action(w, "Run &selected algorithms", w.results.run_selected, "Ctrl+R")
    run_all = _action(w, "Run &all algorithms", w.results.run_all, "Ctrl+Shift+R", short="Run all")
    cancel_all = _action(w, "&Cancel all runs", w.manager.cancel_all, "Esc")
    cancel_all.setEnabled(False)  # nothing to cancel until a run starts
    w.results.runs_active_changed.connect(cancel_all.setEnabled)
    run.addActions([run_selected, run_all, cancel_all])
    run.addSeparator()
    run.addAction(_action(w, "&Execute graph for real…", w.show_run_panel, "F5",
                          "Run the graph on threads, processes or Dask and record a trace"))
    run.addSeparator()
    play = _action(w, "&Play / pause schedule", w.playback.toggle, "Space")
    # like the play button: offered once there is a schedule to replay
    w.playback.range_changed.connect(lambda: play.setEnabled(w.playback.duration > 0))
    play.setEnabled(w.playback.duration > 0)
    run.addAction(play)
    run.addAction(_action(w, "Animate &construction", w.animate_construction,
                          tip="Replay how the algorithm placed the tasks, one by one"))

    help_menu = mb.addMenu("&Help")
    help_menu.addAction(_action(w, "&Quick guide and shortcuts", w.show_guide, S.HelpContents,
                                "What the window is for, in five steps, and every keyboard shortcut"))
    help_menu.addSeparator()
    help_menu.addAction(_action(w, "&About TaskMapper", w.about))

    tb = w.addToolBar("Main")
    tb.setObjectName("main-toolbar")
    tb.addActions([new, open_, save])
    tb.addSeparator()
    tb.addActions([undo, redo])
    tb.addSeparator()
    tb.addActions([w.editor.commands.add_task, w.editor.commands.delete, layout_graph, fit_graph])
    tb.addSeparator()
    combo = QtWidgets.QComboBox()
    for mode in OVERLAY_MODES:
        combo.addItem(OVERLAY_SHORT[mode], mode)
    combo.setToolTip("Analysis overlay on the graph")
    combo.currentIndexChanged.connect(lambda _i: w.editor.set_overlay(combo.currentData()))
    tb.addWidget(combo)
    tb.addSeparator()
    tb.addAction(run_all)
    files.refresh_recent()
    return WindowActions(new, open_, save, save_as, undo, redo, fit_graph, layout_graph, run_selected, run_all,
                         cancel_all, play, overlays)

